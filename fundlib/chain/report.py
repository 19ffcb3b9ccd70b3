"""The reporting methods of the chain's result (notebooks 01, 02, 03, 05 and 06): each party's flows as
views of the ledger, summaries by payee and tier, one scenario's waterfall and Japan's MoF in yen.

``scenario`` arguments are whole numbers in [0, n − 1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib import waterfall as W
from fundlib._validate import InputError, check_bool, check_choice, check_instance, check_int, check_number, check_range
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
        """Japan's MoF in ¥tn, (n, T) each: received, FILP issued, coupons, bought back, net; converted at
        each date's locked forward (``hedged=True``) or on the unhedged FX path. Each call is funded by
        FILP bonds at the snapshot's par yield for the FILP tenor (register ``filp_tenor_years``); when
        the fund ends Japan **buys back** the bonds still outstanding at their market value on the
        Market's JGB curve (the forwards from the exit; :func:`filp_buyback_factor`), so no FILP debt
        outlives the fund."""
        hedged = check_bool("hedged", hedged)
        out_usd = self.ledger.total("japan_mof", direction="out")   # calls and cures, gross
        in_usd = self.ledger.total("japan_mof", direction="in")     # distributions, gross
        jp = in_usd - out_usd
        fx = np.broadcast_to(self.fx_hedged, jp.shape) if hedged else self.fx_path
        paid = out_usd * fx / 1000.0                        # each call converted at its own date's rate
        got = in_usd * fx / 1000.0
        tenor = float(A.value("filp_tenor_years"))
        y = self.market.par_yield("JPY", tenor)
        issued = np.cumsum(paid, axis=-1)                   # FILP bonds outstanding after each call
        coupon = np.concatenate([np.zeros(jp.shape[:-1] + (1,)), issued[..., :-1]], axis=-1) * y
        T = jp.shape[-1]
        price = filp_buyback_factor(self.market, T, tenor, np.full(T, y))
        repaid = np.zeros_like(issued)
        repaid[..., -1] = paid @ price                      # each year's bonds at their value at the exit
        return {"jpy_received_tn": got, "filp_issued_jpy_tn": paid, "filp_coupon_jpy_tn": coupon,
                "filp_repaid_jpy_tn": repaid, "net_jpy_tn": got - coupon - repaid, "filp_yield": y,
                "jpy_per_usd": fx, "filp_buyback_price": price}


def filp_buyback_factor(market, T: int, tenor: float, coupon, shift=0.0, at: float | None = None) -> np.ndarray:
    """The price at the fund's exit (year T − 1) per ¥1 of face of the FILP bonds issued in each year
    t = 0..T − 1 (a ``tenor``-year bond paying ``coupon`` (..., T) a year): its remaining coupons and
    principal discounted on the Market's JGB forwards from the exit, moved in parallel by ``shift``
    (a number or (n,)); 1 (par) for a bond that has already matured (rolled at par until the exit).
    ``market`` a Market; ``T`` whole years in [1, 101]; ``tenor`` in [1, 60]; ``coupon`` in [−5%, 50%],
    ``shift`` in [−20%, 50%]. ``at``: the year on ``market``'s curve where the exit falls (None: T − 1,
    the market of the launch; 0: a market observed at the exit itself, as the historical vintages have)."""
    from fundlib.market import Market

    check_instance("market", market, Market)
    T = check_int("T", T, 1, 101)
    tenor = check_number("tenor", tenor, 1.0, 60.0)
    coupon = np.asarray(check_range("coupon", coupon, -0.05, 0.5), float)
    shift = np.asarray(check_range("shift", shift, -0.2, 0.5), float)
    if coupon.ndim and coupon.shape[-1] != T:
        raise InputError("coupon", f"an array of shape {coupon.shape}", f"one number, or one per year ({T}) on the last axis")
    coupon = np.broadcast_to(coupon, coupon.shape[:-1] + (T,)) if coupon.ndim else np.full(T, float(coupon))
    if T - 1 + tenor > 100:
        raise InputError("tenor", tenor, f"at most {101 - T} years: the Market's curve ends at 100 years")
    t = np.arange(T)
    left = np.rint(tenor - (T - 1 - t)).astype(int)                      # whole years to maturity at the exit
    K = max(int(left.max(initial=0)), 1)
    at = float(T - 1) if at is None else check_number("at", at, 0.0, 100.0 - K)
    D = np.asarray(market.discount("JPY", at + np.arange(K + 1, dtype=float)), float)
    step = (D[:-1] / D[1:])[None, :] + np.reshape(np.asarray(shift, float), (-1, 1))   # 1 + forward + shift
    dfw = 1.0 / np.cumprod(step, axis=-1)                                # (n, K): ¥1 in k years, k = 1..K
    ann = np.cumsum(dfw, axis=-1)
    k = np.clip(left, 1, K) - 1
    price = np.asarray(coupon, float) * ann[..., k] + dfw[..., k]
    out = np.where(left >= 1, price, 1.0)
    return out[0] if np.ndim(shift) == 0 and out.shape[0] == 1 else out
