"""The double-entry ledger of the chain: every transfer between two named parties, by scenario and
year; each party's cash flows are views of it. Notebooks 01, 05 and 06 read it through the chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib.structure import OWNER_LABELS, OWNERS

__all__ = ["Ledger", "PARTIES", "PARTY_LABELS"]

PARTIES = (*OWNERS, "manager", "senior_lenders", "sub_lenders", "exim", "jbic", "assets", "fund", "reserve")
PARTY_LABELS = {**OWNER_LABELS, "manager": "Fund manager", "senior_lenders": "Senior bondholders",
                "sub_lenders": "Subordinated lenders", "exim": "US Ex-Im Bank", "jbic": "JBIC",
                "assets": "The projects", "fund": "The fund", "reserve": "Reserve account"}


@dataclass
class Ledger:
    """Every transfer, double entry: ``rows`` maps (item, payer, payee) to a (n, T) array of $bn, one
    row of the tidy ledger per scenario, year and key where the amount is non-zero."""

    n: int
    T: int
    rows: dict = field(default_factory=dict)

    def add(self, item: str, payer: str, payee: str, amount, year: int | None = None) -> None:
        """Record ``amount`` (≥ 0) paid by ``payer`` to ``payee`` in ``year`` (an (n,) array or a
        number), or over all years at once (``year=None``, an (n, T) array). :meth:`close` checks
        every amount once the chain has run."""
        row = self.rows.get((item, payer, payee))
        if row is None:
            row = self.rows[(item, payer, payee)] = np.zeros((self.n, self.T))
        if year is None:
            row += amount
        else:
            row[:, year] += amount

    def close(self, tol: float = 1e-9) -> "Ledger":
        """Check that every transfer is finite and non-negative (rounding dust below ``tol`` is set to zero)."""
        for (item, payer, payee), a in self.rows.items():
            if not np.all(np.isfinite(a)) or a.min(initial=0.0) < -tol * max(1.0, np.abs(a).max(initial=0.0)):
                raise AssertionError(f"transfer {item!r} {payer} → {payee} must be finite and ≥ 0")
            np.maximum(a, 0.0, out=a)
        return self

    def net(self, party: str) -> np.ndarray:
        """The party's net cash flow (n, T): received − paid."""
        out = np.zeros((self.n, self.T))
        for (_, payer, payee), a in self.rows.items():
            if payee == party:
                out += a
            if payer == party:
                out -= a
        return out

    def total(self, party: str, item: str | None = None, direction: str = "in") -> np.ndarray:
        """What ``party`` received (``direction="in"``) or paid (``"out"``), per scenario and year."""
        out = np.zeros((self.n, self.T))
        for (it, payer, payee), a in self.rows.items():
            if (item is None or it == item or it.startswith(item + ":")) and (payee if direction == "in" else payer) == party:
                out += a
        return out

    def frame(self, scenario: int | None = 0) -> pd.DataFrame:
        """Tidy rows (scenario, year, from, to, item, usd_bn) of the non-zero transfers."""
        recs = []
        scen = range(self.n) if scenario is None else [scenario]
        for (item, payer, payee), a in self.rows.items():
            for s in scen:
                for yr in np.flatnonzero(np.abs(a[s]) > 1e-12):
                    recs.append((s, int(yr), payer, payee, item, float(a[s, yr])))
        return pd.DataFrame(recs, columns=["scenario", "year", "from", "to", "item", "usd_bn"])
