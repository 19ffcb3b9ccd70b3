"""The double-entry ledger of the chain: every transfer between two named parties, by scenario and
year; each party's cash flows are views of it. Notebooks 01, 02, 03, 05 and 06 read it through the chain
(:mod:`fundlib.chain.engine`), and 07 through the odds engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib._validate import InputError, as_numbers, check_choice, check_int, check_mapping, check_number, check_str
from fundlib.structure import OWNER_LABELS, OWNERS

__all__ = ["Ledger", "PARTIES", "PARTY_LABELS"]

PARTIES = (*OWNERS, "manager", "senior_lenders", "sub_lenders", "swap_counterparty", "exim", "jbic", "assets", "fund",
           "reserve")
PARTY_LABELS = {**OWNER_LABELS, "manager": "Fund manager", "senior_lenders": "Senior bondholders",
                "sub_lenders": "Subordinated lenders", "swap_counterparty": "Swap counterparty", "exim": "US Ex-Im Bank", "jbic": "JBIC",
                "assets": "The projects", "fund": "The fund", "reserve": "Reserve account"}
_PARTY_SET = frozenset(PARTIES)


def _party(name: str, value) -> str:
    if not (isinstance(value, str) and value in _PARTY_SET):
        return check_choice(name, value, PARTIES)
    return value


@dataclass
class Ledger:
    """Every transfer, double entry: ``rows`` maps (item, payer, payee) to a (n, T) array of $bn, one
    row of the tidy ledger per scenario, year and key where the amount is non-zero. ``n`` scenarios
    (a whole number ≥ 1), ``T`` years (in [1, 200]); parties are those of :data:`PARTIES`. A row the
    ledger makes is stored year by year: its (n, T) array is a view of (T, n) storage, as the chain
    adds a year at a time (``row.T`` is that storage). :meth:`net` and :meth:`total` add rows element by
    element, so their numbers do not depend on it; a sum over years of a row itself may round in the
    last bit differently from the same sum over a C-ordered copy."""

    n: int
    T: int
    rows: dict = field(default_factory=dict)

    def __post_init__(self):
        self.n = check_int("n", self.n, 1, 100_000_000)
        self.T = check_int("T", self.T, 1, 200)
        self.rows = check_mapping("rows", self.rows, "a dict (item, payer, payee) → (n, T) array")

    def add(self, item: str, payer: str, payee: str, amount, year: int | None = None) -> None:
        """Record ``amount`` (≥ 0) paid by ``payer`` to ``payee`` in ``year`` (an (n,) array or a
        number), or over all years at once (``year=None``, an (n, T) array). :meth:`close` checks
        every amount once the chain has run."""
        key = (item, payer, payee)
        row = self.rows.get(key)
        if row is None:
            check_str("item", item)
            _party("payer", payer)
            _party("payee", payee)
            row = np.zeros((self.T, self.n)).T          # stored year-major: one year's amounts lie together
        if year is not None and not (isinstance(year, (int, np.integer)) and 0 <= year < self.T):
            year = check_int("year", year, 0, self.T - 1)
        try:
            if year is None:
                row += amount
            else:
                row.T[year] += amount                    # row[:, year], read as the row is stored
        except (TypeError, ValueError):
            as_numbers("amount", amount)
            raise InputError("amount", f"an array of shape {np.shape(amount)}",
                             f"a number or an array that fits ({self.n},)" if year is not None
                             else f"a number or an array that fits ({self.n}, {self.T})") from None
        self.rows[key] = row

    def close(self, tol: float = 1e-9) -> "Ledger":
        """Check that every transfer is finite and non-negative (rounding dust below ``tol``, a relative
        tolerance in [0, 1e-3], is set to zero). A failure is a broken invariant of the chain: AssertionError."""
        tol = check_number("tol", tol, 0.0, 1e-3)
        for key, a in self.rows.items():
            a = a.T                                     # the same numbers, read in the order they are stored
            lo, hi = float(a.min(initial=0.0)), float(a.max(initial=0.0))   # NaN and ±inf reach one of them
            if not (np.isfinite(lo) and np.isfinite(hi)) or lo < -tol * max(1.0, -lo, hi):
                item, payer, payee = key
                raise AssertionError(f"transfer {item!r} {payer} → {payee} must be finite and ≥ 0")
            if lo < 0.0:
                np.maximum(a, 0.0, out=a)
        return self

    def net(self, party: str) -> np.ndarray:
        """The party's net cash flow (n, T): received − paid."""
        _party("party", party)
        out = np.zeros((self.n, self.T))
        for (_, payer, payee), a in self.rows.items():
            if payee == party:
                out += a
            if payer == party:
                out -= a
        return out

    def total(self, party: str, item: str | None = None, direction: str = "in") -> np.ndarray:
        """What ``party`` received (``direction="in"``) or paid (``"out"``), per scenario and year;
        ``item`` (None: all) selects one item, or a family of items named ``item + ": ..."``."""
        _party("party", party)
        check_choice("direction", direction, ("in", "out"))
        if item is not None:
            check_str("item", item)
        out = np.zeros((self.n, self.T))
        for (it, payer, payee), a in self.rows.items():
            if (item is None or it == item or it.startswith(item + ":")) and (payee if direction == "in" else payer) == party:
                out += a
        return out

    def frame(self, scenario: int | None = 0) -> pd.DataFrame:
        """Tidy rows (scenario, year, from, to, item, usd_bn) of the non-zero transfers, for one
        ``scenario`` (a whole number in [0, n − 1]) or all of them (None)."""
        if scenario is not None:
            scenario = check_int("scenario", scenario, 0, self.n - 1)
        recs = []
        scen = range(self.n) if scenario is None else [scenario]
        for (item, payer, payee), a in self.rows.items():
            for s in scen:
                for yr in np.flatnonzero(np.abs(a[s]) > 1e-12):
                    recs.append((s, int(yr), payer, payee, item, float(a[s, yr])))
        return pd.DataFrame(recs, columns=["scenario", "year", "from", "to", "item", "usd_bn"])
