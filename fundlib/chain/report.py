"""The reporting methods of the chain's result (notebooks 01, 02, 03, 05 and 06): each party's flows as
views of the ledger, summaries by payee and tier, one scenario's waterfall and Japan's MoF in yen.

``scenario`` arguments are whole numbers in [0, n − 1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import waterfall as W
from fundlib._validate import check_bool, check_choice, check_int, check_number
from fundlib.finance import irr, moic
from fundlib.chain.ledger import PARTIES, PARTY_LABELS
from fundlib.structure import OWNERS, PAYEE_LABELS, PAYEES


class ChainReport:
    """Views of a chain result (mixed into :class:`fundlib.chain.ChainResult`)."""

    def _scenario(self, scenario) -> int:
        return check_int("scenario", scenario, 0, self.ledger.n - 1)

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.ledger.T)

    def party(self, name: str) -> np.ndarray:
        """A party's net cash flow (n, T) in $bn, a view of the ledger; ``name`` one of :data:`PARTIES`."""
        return self.ledger.net(check_choice("name", name, PARTIES))

    def guarantee_calls(self) -> np.ndarray:
        """What Ex-Im Bank and JBIC paid on calls (to the bondholders and, for the hedged service, the
        swap counterparty), per scenario and year (n, T)."""
        return self.ledger.total("exim", "guarantee call", "out") + self.ledger.total("jbic", "guarantee call", "out")

    def guarantee_recovered(self) -> np.ndarray:
        """What the fund repaid the guarantors (calls and unpaid fees with interest), (n, T)."""
        return self.ledger.total("exim", "guarantee recovery", "in") + self.ledger.total("jbic", "guarantee recovery", "in")

    def guarantee_fees(self) -> np.ndarray:
        """The guarantee fee the fund paid Ex-Im Bank and JBIC, (n, T)."""
        return self.ledger.total("exim", "guarantee fee", "in") + self.ledger.total("jbic", "guarantee fee", "in")

    def any_call(self, min_usd_bn: float | None = None) -> np.ndarray:
        """(n,) True where the guarantors paid a call of at least ``min_usd_bn`` in some year (None: the
        register's ``guarantee_call_min_usd_bn``, $0.1bn)."""
        m = A.value("guarantee_call_min_usd_bn") if min_usd_bn is None else check_number("min_usd_bn", min_usd_bn, 0.0, 1e4)
        return np.any(self.guarantee_calls() >= max(m, 1e-12), axis=-1)

    def guarantors(self, scenario: int = 0, rate: float | None = None) -> pd.DataFrame:
        """Ex-Im Bank's and JBIC's result in one scenario, $bn: fees earned, calls paid, recoveries,
        net (fees + recoveries − calls), what is still owed at the end (written off), and the PV of the
        net at ``rate`` (None: the snapshot's US Treasury par yield at the fund's life, their funding
        curve)."""
        scenario = self._scenario(scenario)
        if rate is None:
            rate = float(self.market.par_yield("USD", float(self.ledger.T - 1)))
        rate = check_number("rate", rate, -0.05, 0.5)
        share = A.value("exim_share_of_guarantees")
        rows = []
        for g, sh in (("exim", share), ("jbic", 1.0 - share)):
            fees = self.ledger.total(g, "guarantee fee", "in")[scenario]
            calls = self.ledger.total(g, "guarantee call", "out")[scenario]
            back = self.ledger.total(g, "guarantee recovery", "in")[scenario]
            net = fees + back - calls
            rows.append({"guarantor": PARTY_LABELS[g], "fees_usd_bn": fees.sum(), "calls_usd_bn": calls.sum(),
                         "recovered_usd_bn": back.sum(), "net_usd_bn": net.sum(),
                         "written_off_usd_bn": sh * float(self.guarantor_claim_unpaid[scenario]),
                         "pv_net_usd_bn": float(net @ (1.0 + rate) ** -np.arange(net.size))})
        return pd.DataFrame(rows)

    def payee_flows(self, scenario: int = 0) -> pd.DataFrame:
        """Each owner's and the manager's net cash flow by year ($bn) for one scenario: columns are the
        payees that paid in or received anything."""
        scenario = self._scenario(scenario)
        cols = {}
        for p in PAYEES:
            net = self.ledger.net(p)[scenario]
            if np.any(np.abs(net) > 1e-12):
                cols[PAYEE_LABELS[p]] = net
        df = pd.DataFrame(cols)
        df.index.name = "year"
        return df

    def summary(self, scenario: int = 0) -> pd.DataFrame:
        """Per payee: paid in, received (fees and carry included for the manager), net gain, IRR, MOIC."""
        scenario = self._scenario(scenario)
        rows = []
        for p in PAYEES:
            paid = self.ledger.total(p, direction="out")[scenario]
            got = self.ledger.total(p, direction="in")[scenario]
            if paid.sum() == 0 and got.sum() == 0:
                continue
            net = got - paid
            rows.append({"payee": PAYEE_LABELS[p], "paid_in_usd_bn": paid.sum(), "received_usd_bn": got.sum(),
                         "profit_usd_bn": got.sum() - paid.sum(), "irr": irr(net), "moic": moic(net)})
        return pd.DataFrame(rows)

    def by_tier(self, scenario: int = 0) -> pd.DataFrame:
        """What was paid out, by waterfall tier and payee, over the fund's life (one scenario), fees first."""
        scenario = self._scenario(scenario)
        wr = self.waterfall
        rows = []
        fee = float(self.ledger.total("manager", "management fee")[scenario].sum())
        if fee > 1e-12:
            rows.append({"tier": "0. Management fees", "payee": PAYEE_LABELS["manager"], "amount_usd_bn": fee})
        for k, tier in enumerate(wr.tiers):
            for i, p in enumerate(PAYEES):
                amt = float(wr.paid[k, i, scenario].sum())
                if amt > 1e-12:
                    rows.append({"tier": f"{k + 1}. {tier.label}", "payee": PAYEE_LABELS[p], "amount_usd_bn": amt})
        return pd.DataFrame(rows, columns=["tier", "payee", "amount_usd_bn"])

    def waterfall_at(self, scenario: int = 0) -> W.WaterfallResult:
        """The waterfall of one scenario, with the management fees it paid, as a plain WaterfallResult."""
        scenario = self._scenario(scenario)
        w = self.waterfall
        fees = self.ledger.total("manager", "management fee")[scenario]
        return W.WaterfallResult(w.tiers, w.paid[:, :, scenario], w.contributions[:, scenario], fees)

    def equity_flows(self) -> np.ndarray:
        """All owners together (n, T): distributions − calls − cures (the manager's fees and carry excluded)."""
        return sum(self.ledger.net(o) for o in OWNERS)

    def japan_yen(self, hedged: bool = True) -> dict:
        """Japan's MoF in ¥tn, (n, T) each: received, FILP issued, coupons, repaid, net; converted at
        each date's forward (``hedged=True``) or on the unhedged FX path."""
        hedged = check_bool("hedged", hedged)
        out_usd = self.ledger.total("japan_mof", direction="out")   # calls and cures, gross
        in_usd = self.ledger.total("japan_mof", direction="in")     # distributions, gross
        jp = in_usd - out_usd
        fx = np.broadcast_to(self.fx_hedged, jp.shape) if hedged else self.fx_path
        paid = out_usd * fx / 1000.0                        # each call converted at its own date's rate
        got = in_usd * fx / 1000.0
        y = self.market.par_yield("JPY", float(A.value("filp_tenor_years")))
        issued = np.cumsum(paid, axis=-1)                   # FILP bonds outstanding after each call
        coupon = np.concatenate([np.zeros(jp.shape[:-1] + (1,)), issued[..., :-1]], axis=-1) * y
        repaid = np.zeros_like(issued)
        repaid[..., -1] = issued[..., -1]                   # retired at par when the fund ends
        return {"jpy_received_tn": got, "filp_issued_jpy_tn": paid, "filp_coupon_jpy_tn": coupon,
                "filp_repaid_jpy_tn": repaid, "net_jpy_tn": got - coupon - repaid, "filp_yield": y,
                "jpy_per_usd": fx}
