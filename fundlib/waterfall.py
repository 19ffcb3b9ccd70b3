"""The distribution waterfall: tiers, a vectorized engine that pays every dollar to someone, and the
three sets of terms (presets). Used by notebook 01 and by ``treasury`` and ``stress`` (05, 06).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib.assumptions import check_assumption
from fundlib._validate import (InputError, as_cashflows, as_numbers, check_choice, check_instance,
                               check_mapping, check_number, check_str)
from fundlib.structure import OWNERS, PAYEE_LABELS, PAYEES, Fees, FundStructure

__all__ = [
    "ReturnOfCapital", "PreferredReturn", "CatchUp", "Split", "SplitUntilRecouped", "WaterfallResult",
    "run_waterfall", "PRESETS", "preset_terms", "profit_split", "mou_japan_view",
]


@dataclass(frozen=True)
class ReturnOfCapital:
    """Pay back each listed owner's unreturned paid-in capital, pro rata to what is owed."""

    owners: tuple[str, ...] | None = None
    label: str = "Return of capital"

    def __post_init__(self):
        object.__setattr__(self, "owners", _owners(self.owners))
        check_str("label", self.label)


@dataclass(frozen=True)
class PreferredReturn:
    """Pay the listed owners a compounding preferred return on unreturned capital (a hurdle)."""

    rate: float
    owners: tuple[str, ...] | None = None
    label: str = "Preferred return"

    def __post_init__(self):
        object.__setattr__(self, "rate", check_number("rate", self.rate, 0.0, 1.0))
        object.__setattr__(self, "owners", _owners(self.owners))
        check_str("label", self.label)


@dataclass(frozen=True)
class CatchUp:
    """The manager takes ``share`` of distributions until it holds ``carry`` of all profit paid so far."""

    carry: float
    share: float = 1.0
    label: str = "Manager catch-up"

    def __post_init__(self):
        object.__setattr__(self, "carry", check_number("carry", self.carry, 0.0, 0.99))
        object.__setattr__(self, "share", check_number("share", self.share, self.carry, 1.0, low_open=True))
        check_str("label", self.label)


@dataclass(frozen=True)
class Split:
    """Everything left, split by ``shares`` (payee → fraction), or pro rata to ownership with
    ``carry`` to the manager when ``shares`` is None. Must be the last tier."""

    shares: dict | None = None
    carry: float = 0.0
    label: str = "Profit split"

    def __post_init__(self):
        if self.shares is not None:
            _shares_vector(self.shares)
        object.__setattr__(self, "carry", check_number("carry", self.carry, 0.0, 0.99))
        check_str("label", self.label)


@dataclass(frozen=True)
class SplitUntilRecouped:
    """Split by ``shares`` until ``payee`` has received its paid-in capital plus interest at ``rate``
    (the 2025 MOU's 'deemed allocation amount'), then pass the rest to the next tier."""

    payee: str
    shares: dict
    rate: float
    label: str = "Split until recouped"

    def __post_init__(self):
        check_choice("payee", self.payee, OWNERS)
        v = _shares_vector(self.shares)
        if v[PAYEES.index(self.payee)] <= 0:
            raise InputError("shares", self.shares, f"a positive share for the payee {self.payee!r}")
        object.__setattr__(self, "rate", check_number("rate", self.rate, -0.05, 1.0))
        check_str("label", self.label)


Tier = ReturnOfCapital | PreferredReturn | CatchUp | Split | SplitUntilRecouped
TIERS = (ReturnOfCapital, PreferredReturn, CatchUp, Split, SplitUntilRecouped)


def _owners(owners) -> tuple | None:
    """None (every owner) or a non-empty list of known owner classes, as a tuple."""
    if owners is None:
        return None
    if isinstance(owners, str) or not isinstance(owners, (list, tuple, set, frozenset)):
        raise TypeError(f"owners must be a list of owner classes ({', '.join(OWNERS)}) or None; got {type(owners).__name__}")
    bad = [o for o in owners if o not in OWNERS]
    if bad or not owners:
        raise InputError("owners", bad[0] if bad else owners, "owner classes among " + ", ".join(OWNERS))
    return tuple(owners)


@dataclass(frozen=True)
class WaterfallResult:
    """``paid[tier, payee, ..., t]`` in $bn; ``contributions[payee, ..., t]`` (manager row zero)."""

    tiers: tuple
    paid: np.ndarray
    contributions: np.ndarray
    fees: np.ndarray

    @property
    def received(self) -> np.ndarray:
        """Total paid to each payee [payee, ..., t], fees included for the manager."""
        out = self.paid.sum(axis=0)
        out[PAYEES.index("manager")] += self.fees
        return out

    @property
    def net(self) -> np.ndarray:
        """Each payee's net cash flow [payee, ..., t]: received − contributed."""
        return self.received - self.contributions

    def summary(self) -> pd.DataFrame:
        """Per payee (scenario-free results only): paid in, received, profit, IRR, MOIC."""
        from fundlib.finance import irr, moic

        if self.paid.ndim != 3:
            raise InputError("scenarios", self.paid.shape[2:-1], "a single scenario for summary()")
        rows = []
        for i, p in enumerate(PAYEES):
            c, r = self.contributions[i].sum(), self.received[i].sum()
            if c == 0 and r == 0:
                continue
            rows.append({"payee": PAYEE_LABELS[p], "paid_in_usd_bn": c, "received_usd_bn": r,
                         "profit_usd_bn": r - c, "irr": irr(self.net[i]), "moic": moic(self.net[i])})
        return pd.DataFrame(rows)

    def by_tier(self) -> pd.DataFrame:
        """Tidy table of total payments by tier and payee (summed over time; single scenario)."""
        rows = []
        for k, tier in enumerate(self.tiers):
            for i, p in enumerate(PAYEES):
                amt = float(self.paid[k, i].sum())
                if amt > 1e-12:
                    rows.append({"tier": f"{k + 1}. {tier.label}", "payee": PAYEE_LABELS[p], "amount_usd_bn": amt})
        fee = float(self.fees.sum())
        if fee > 1e-12:
            rows.insert(0, {"tier": "0. Management fees", "payee": PAYEE_LABELS["manager"], "amount_usd_bn": fee})
        return pd.DataFrame(rows, columns=["tier", "payee", "amount_usd_bn"])


def _owner_mask(owners) -> np.ndarray:
    if owners is None:
        return np.array([p != "manager" for p in PAYEES])
    return np.array([p in _owners(owners) for p in PAYEES])


def _shares_vector(shares: dict) -> np.ndarray:
    shares = check_mapping("shares", shares, "a dict of payee → split share (" + ", ".join(PAYEES) + ")")
    unknown = [k for k in shares if k not in PAYEES]
    if unknown:
        raise InputError("shares", unknown[0], "payees among " + ", ".join(PAYEES))
    v = np.array([check_number(f"shares[{p!r}]", shares[p], 0.0, 1.0) if p in shares else 0.0 for p in PAYEES])
    if abs(v.sum() - 1.0) > 1e-9:
        raise InputError("shares", shares, "split shares in [0, 1] that sum to 1")
    return v


def _pro_rata(amount, owed):
    """Split ``amount`` (shape S) across payees in proportion to ``owed`` (payees, *S)."""
    total = owed.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(total > 0, owed / np.where(total > 0, total, 1.0), 0.0)
    return w * amount


def run_waterfall(contributions, distributable, tiers, ownership: dict | None = None,
                  fees=None) -> WaterfallResult:
    """Pass each period's distributable cash through ``tiers`` in order.

    ``contributions``: capital paid in by each owner ($bn, ≥ 0), shape (len(OWNERS), ..., T), or a
    dict owner → array (..., T); either must broadcast to ``distributable``'s shape.
    ``distributable``: cash to distribute, shape (..., T) with scenarios on leading axes, ≥ 0.
    ``tiers``: a list of tier objects (ReturnOfCapital, PreferredReturn, CatchUp, SplitUntilRecouped)
    ending with a Split. ``ownership``: owner → share summing to 1, used by ``Split(shares=None)``
    (None: paid-in proportions). ``fees``: the manager's fees ($bn ≥ 0, broadcast to
    ``distributable``), recorded beside the waterfall (they are not paid from ``distributable``).
    Every dollar of ``distributable`` is paid to someone: ``paid.sum((0, 1)) == distributable``.
    The loop runs over periods (the state is path-dependent); all scenarios move together.
    """
    tiers = _tiers(tiers)
    dist = as_cashflows("distributable", distributable)
    if np.any(dist < -1e-12):
        raise InputError("distributable", dist, "finite, non-negative cash amounts")
    dist = np.maximum(dist, 0.0)
    c_own = _contributions(contributions, dist)
    n_p = len(PAYEES)
    S, T = dist.shape[:-1], dist.shape[-1]
    contrib = np.zeros((n_p,) + dist.shape)
    contrib[: len(OWNERS)] = c_own
    # the loop runs over periods, so it reads copies with each period's amounts together: (T, payee, ...)
    contrib_t = np.ascontiguousarray(np.moveaxis(contrib, -1, 0))
    dist_t = np.ascontiguousarray(np.moveaxis(dist, -1, 0))
    if ownership is None:
        tot = contrib.sum(axis=-1)
        own_w = _pro_rata(np.ones(S), tot)
    else:
        from fundlib.structure import _fractions

        shares = _fractions("ownership", ownership, "owner shares")
        own_w = np.zeros((n_p,) + S)
        for i, o in enumerate(OWNERS):
            own_w[i] = shares[o]
    fee_arr = np.zeros(dist.shape) if fees is None else _broadcast_to("fees", fees, dist)
    if np.any(fee_arr < 0):
        raise InputError("fees", fees, "fees ≥ 0")
    split_vectors = []
    for tier in tiers:
        if isinstance(tier, Split) and tier.shares is None:
            v = own_w * (1.0 - tier.carry)
            v[PAYEES.index("manager")] = tier.carry
            split_vectors.append(v)
        elif isinstance(tier, (Split, SplitUntilRecouped)):
            split_vectors.append(_shares_vector(tier.shares).reshape((n_p,) + (1,) * len(S)))
        else:
            split_vectors.append(None)

    paid_t = np.zeros((len(tiers), T, n_p) + S)
    unreturned = np.zeros((n_p,) + S)
    pref_due = [np.zeros((n_p,) + S) for _ in tiers]
    recoup = [np.zeros(S) for _ in tiers]
    owner_profit = np.zeros(S)  # profit (beyond capital) paid to owners so far
    manager_carry = np.zeros(S)
    mgr = PAYEES.index("manager")
    for t in range(T):
        for k, tier in enumerate(tiers):
            if isinstance(tier, PreferredReturn) and t > 0:
                pref_due[k] += tier.rate * (unreturned + pref_due[k]) * _owner_mask(tier.owners).reshape((n_p,) + (1,) * len(S))
            if isinstance(tier, SplitUntilRecouped):
                i = PAYEES.index(tier.payee)
                recoup[k] = recoup[k] * (1.0 + tier.rate) + contrib_t[t, i]
        unreturned += contrib_t[t]
        avail = dist_t[t].copy()
        for k, tier in enumerate(tiers):
            if isinstance(tier, ReturnOfCapital):
                owed = unreturned * _owner_mask(tier.owners).reshape((n_p,) + (1,) * len(S))
                pay = _pro_rata(np.minimum(avail, owed.sum(axis=0)), owed)
                unreturned -= pay
            elif isinstance(tier, PreferredReturn):
                owed = pref_due[k]
                pay = _pro_rata(np.minimum(avail, owed.sum(axis=0)), owed)
                pref_due[k] = owed - pay
                owner_profit += pay.sum(axis=0)
            elif isinstance(tier, CatchUp):
                need = (tier.carry * (owner_profit + manager_carry) - manager_carry) / (tier.share - tier.carry)
                x = np.clip(need, 0.0, avail)
                pay = np.zeros((n_p,) + S)
                pay[mgr] = tier.share * x
                pay += own_w * (1.0 - tier.share) * x
                owner_profit += (1.0 - tier.share) * x
                manager_carry += tier.share * x
            elif isinstance(tier, SplitUntilRecouped):
                v = split_vectors[k]
                i = PAYEES.index(tier.payee)
                cap = np.maximum(recoup[k], 0.0) / v[i]
                pay = v * np.minimum(avail, cap)
                recoup[k] = recoup[k] - pay[i]
            else:  # Split: takes everything left
                pay = split_vectors[k] * avail
                owner_profit += pay[: len(OWNERS)].sum(axis=0)
                manager_carry += pay[mgr]
            paid_t[k, t] = pay
            avail = np.maximum(avail - pay.sum(axis=0), 0.0)
    # handed back in the usual layout, so that a reader's sums over time round as they always did
    return WaterfallResult(tiers, np.ascontiguousarray(np.moveaxis(paid_t, 1, -1)), contrib, fee_arr)


def _tiers(tiers) -> tuple:
    """A non-empty list of tier objects ending with a Split."""
    if isinstance(tiers, (str, bytes, dict)) or not hasattr(tiers, "__iter__"):
        raise TypeError(f"tiers must be a list of waterfall tiers ending with a Split; got {type(tiers).__name__}")
    tiers = tuple(tiers)
    what = "a waterfall tier (ReturnOfCapital, PreferredReturn, CatchUp, Split or SplitUntilRecouped)"
    for k, t in enumerate(tiers):
        check_instance(f"tiers[{k}]", t, TIERS, what)
    if not tiers or not isinstance(tiers[-1], Split):
        raise InputError("tiers", [type(t).__name__ for t in tiers], "a list of tiers ending with a Split")
    return tiers


def _broadcast_to(name: str, value, dist: np.ndarray, lead: tuple = ()) -> np.ndarray:
    """``value`` as finite numbers broadcast to lead + distributable's shape; InputError naming both."""
    arr = as_numbers(name, value)
    if not np.all(np.isfinite(arr)):
        raise InputError(name, value, "finite numbers (no NaN or inf)")
    try:
        return np.broadcast_to(arr, lead + dist.shape)
    except ValueError:
        raise InputError(f"{name} and distributable", f"{name} {arr.shape}, distributable {dist.shape}",
                         f"{name} of a shape that broadcasts to {lead + dist.shape}") from None


def _contributions(contributions, dist: np.ndarray) -> np.ndarray:
    """Capital paid in, (len(OWNERS), *dist.shape), from an array or a dict owner → array; ≥ 0."""
    if isinstance(contributions, dict):
        unknown = [k for k in contributions if k not in OWNERS]
        if unknown:
            raise InputError("contributions", unknown[0], "owner classes among " + ", ".join(OWNERS))
        c = np.stack([_broadcast_to(f"contributions[{o!r}]", contributions.get(o, 0.0), dist) for o in OWNERS])
    else:
        c = _broadcast_to("contributions", contributions, dist, (len(OWNERS),))
    if np.any(c < 0):
        raise InputError("contributions", contributions, "non-negative capital paid in")
    return c


# ============================================================================ presets

PRESETS = {
    "proposal": "The proposal: both governments at cost, everything pro rata to ownership",
    "retail_first": "Retail-friendly: retail savers get their capital and a preferred return first",
    "mou_2025": "The 2025 US–Japan MOU as reported: Japan funds; 50/50 until recouped, then 90/10 to the US",
}


def preset_terms(name: str, fund: FundStructure, fees: Fees | None = None,
                 retail_pref_rate: float | None = None, deemed_rate: float | None = None):
    """(ownership shares, contribution shares, tiers) for a named preset.

    ``name``: one of :data:`PRESETS`; ``fund``: a FundStructure; ``fees`` (a Fees: carry, hurdle;
    None: none) apply to the proposal and retail presets; the MOU terms have none.
    The retail preset gives retail savers ``retail_preset_share`` each when ``fund`` has none.
    ``retail_pref_rate`` and ``deemed_rate`` (None: the register's) must lie in the register's
    ranges (retail_pref_rate, mou_deemed_rate).
    """
    if not isinstance(name, str) or name not in PRESETS:
        valid = "one of the presets " + ", ".join(repr(k) for k in PRESETS)
        if not isinstance(name, str):
            raise TypeError(f"name must be {valid}; got {type(name).__name__}")
        raise InputError("name", name, valid)
    check_instance("fund", fund, FundStructure)
    fees = Fees(0.0, "committed", 0.0, 0.0) if fees is None else check_instance("fees", fees, Fees)
    if retail_pref_rate is not None:
        retail_pref_rate = check_assumption("retail_pref_rate", retail_pref_rate, "retail_pref_rate")
    if deemed_rate is not None:
        deemed_rate = check_assumption("mou_deemed_rate", deemed_rate, "deemed_rate")
    tail: list = []
    retail = ("us_retail", "japan_retail")
    others = tuple(o for o in OWNERS if o not in retail)
    if fees.hurdle_rate > 0:
        # Under the retail-first terms the savers already had their own preferred return ahead of
        # everyone: the hurdle then applies to the other owners only (not twice over the same years).
        tail.append(PreferredReturn(fees.hurdle_rate, others if name == "retail_first" else None))
        if fees.carried_interest > 0 and fees.catch_up:
            tail.append(CatchUp(fees.carried_interest))
    tail.append(Split(carry=fees.carried_interest))
    if name == "proposal":
        return dict(fund.shares), dict(fund.shares), [ReturnOfCapital(), *tail]
    if name == "retail_first":
        shares = dict(fund.shares)
        if shares["us_retail"] + shares["japan_retail"] == 0:
            r = A.value("retail_preset_share")
            gov = shares["us_treasury"] + shares["japan_mof"]
            if gov < 2 * r:
                raise InputError("owner shares", gov, f"government shares of at least {2 * r:.0%} to make room for retail")
            for g in ("us_treasury", "japan_mof"):
                shares[g] -= 2 * r * shares[g] / gov
            shares["us_retail"] = shares["japan_retail"] = r
        rate = A.value("retail_pref_rate") if retail_pref_rate is None else retail_pref_rate
        tiers = [ReturnOfCapital(retail, "Retail: capital back"),
                 PreferredReturn(rate, retail, "Retail: preferred return"),
                 ReturnOfCapital(others, "Others: capital back"), *tail]
        return shares, shares, tiers
    # mou_2025: Japan provides all the money; US and Japan split cash 50/50 until Japan recoups
    # its deemed allocation amount, then 90/10.
    deemed = A.value("mou_deemed_rate") if deemed_rate is None else deemed_rate
    jp_before = A.value("mou_japan_share_before_recoup")
    us_after = A.value("mou_us_share_after_recoup")
    japan_only = {o: (1.0 if o == "japan_mof" else 0.0) for o in OWNERS}
    tiers = [SplitUntilRecouped("japan_mof", {"japan_mof": jp_before, "us_treasury": 1 - jp_before}, deemed,
                                "50/50 until Japan recoups"),
             Split({"us_treasury": us_after, "japan_mof": 1 - us_after}, label="After recoup: 90/10")]
    return japan_only, japan_only, tiers


def profit_split(name: str, profit_usd_bn: float = 100.0, fund: FundStructure | None = None,
                 fees: Fees | None = None, **kwargs) -> pd.Series:
    """Who receives what when the fund's equity is paid in at t=0 and returns equity + profit at t=1.
    ``profit_usd_bn`` ($bn) may be negative down to −equity (everything lost); ``kwargs`` go to
    :func:`preset_terms`."""
    fund = FundStructure() if fund is None else check_instance("fund", fund, FundStructure)
    profit_usd_bn = check_number("profit_usd_bn", profit_usd_bn, -fund.equity_usd_bn, 1e6)
    calls = np.array([fund.equity_usd_bn, 0.0])
    dist = np.array([0.0, fund.equity_usd_bn + profit_usd_bn])
    ownership, contrib_shares, tiers = preset_terms(name, fund, fees, **kwargs)
    res = run_waterfall(np.stack([contrib_shares[o] * calls for o in OWNERS]), dist, tiers, ownership)
    net = res.net.sum(axis=-1)
    return pd.Series({PAYEE_LABELS[p]: net[i] for i, p in enumerate(PAYEES) if abs(net[i]) > 1e-12 or res.contributions[i].sum() > 0},
                     name=f"net gain ($bn), {name}")


# ============================================================================ the MOU seen from Japan


def mou_japan_view(result: WaterfallResult, deemed_rate: float) -> pd.Series:
    """Japan's position under the MOU preset seen as a loan plus a profit share (one scenario: scenario
    axes, if any, of size 1). ``deemed_rate`` (a decimal) is reported beside the loan leg's IRR.

    The first tier (50/50 until recouped) pays Japan its principal plus deemed interest: a loan.
    The second tier (10% after recoup) is a profit share. IRRs are NaN where none exists.
    """
    from fundlib.finance import irr

    check_instance("result", result, WaterfallResult)
    paid = np.asarray(result.paid)
    if paid.ndim < 3 or paid.shape[0] < 1 or paid[0, 0].size != paid.shape[-1]:
        raise InputError("result", f"a waterfall paid of shape {paid.shape}", "one scenario (tiers, payees, T)")
    if paid.ndim > 3:              # one scenario on leading axes of size 1
        T = paid.shape[-1]
        result = WaterfallResult(result.tiers, paid.reshape(paid.shape[:2] + (T,)),
                                 np.asarray(result.contributions).reshape(-1, T), np.asarray(result.fees).reshape(T))
    deemed_rate = check_number("deemed_rate", deemed_rate, -0.05, 1.0)
    j = PAYEES.index("japan_mof")
    loan_cf = result.paid[0, j] - result.contributions[j]
    return pd.Series({
        "paid in ($bn)": result.contributions[j].sum(),
        "loan leg received ($bn)": result.paid[0, j].sum(),
        "profit share received ($bn)": result.paid[1:, j].sum(),
        "loan leg IRR": irr(loan_cf),
        "deemed interest rate": deemed_rate,
        "all-in IRR": irr(result.net[j]),
        "US received with no capital in ($bn)": result.received[PAYEES.index("us_treasury")].sum(),
    })
