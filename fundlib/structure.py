"""Fund structure: who puts in what, who owns and who decides, the capital stack, fees and the fund's
yearly cash flows (the waterfall that pays them out is in ``fundlib.waterfall``). Notebooks 00 and 01.

Owner classes, in display order: US Treasury, Japan MoF, other limited partners, US retail
savers, Japanese retail savers. Money is in USD bn throughout (columns end ``_usd_bn``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib.assumptions import check_assumption
from fundlib._validate import (InputError, check_bool, check_choice, check_instance, check_int,
                               check_mapping, check_number)

__all__ = [
    "OWNERS", "OWNER_LABELS", "PAYEES", "PAYEE_LABELS", "FundStructure", "capital_stack", "ownership_table",
    "Fees", "default_shares", "sources_and_uses", "GOVERNANCE", "scale_comparison", "gpfg_in_usd",
]

OWNERS = ("us_treasury", "japan_mof", "other_lp", "us_retail", "japan_retail")
OWNER_LABELS = {
    "us_treasury": "US Treasury",
    "japan_mof": "Japan MoF",
    "other_lp": "Other LPs",
    "us_retail": "US retail savers",
    "japan_retail": "Japanese retail savers",
}
_SHARE_IDS = {
    "us_treasury": "us_treasury_share",
    "japan_mof": "japan_mof_share",
    "other_lp": "other_lp_share",
    "us_retail": "us_retail_share",
    "japan_retail": "japan_retail_share",
}


def default_shares() -> dict[str, float]:
    """Equity shares by owner from the assumption register."""
    return {o: A.value(i) for o, i in _SHARE_IDS.items()}


PAYEES = OWNERS + ("manager",)
PAYEE_LABELS = {**OWNER_LABELS, "manager": "Fund manager (fees, carry)"}


@dataclass(frozen=True)
class Fees:
    """Management fee, carried interest and hurdle. The proposal: sovereigns invest at cost (all zero).

    Decimals a year (the fee) or of profit (carry), each a number within the register's range;
    ``basis`` 'committed' or 'invested'; ``catch_up`` True or False."""

    management_fee: float = field(default_factory=lambda: A.value("management_fee"))
    basis: str = "committed"  # 'committed' or 'invested' capital
    carried_interest: float = field(default_factory=lambda: A.value("carried_interest"))
    hurdle_rate: float = field(default_factory=lambda: A.value("hurdle_rate"))
    catch_up: bool = True

    def __post_init__(self):
        for name in ("management_fee", "carried_interest", "hurdle_rate"):
            object.__setattr__(self, name, check_assumption(name, getattr(self, name), name))
        check_choice("basis", self.basis, ("committed", "invested"))
        check_bool("catch_up", self.catch_up)


@dataclass(frozen=True)
class FundStructure:
    """The one fund: equity, owners and votes, leverage (assets / equity), the debt in two tranches,
    fees and carry, capital calls and life. Every notebook's fund is one of these.

    ``shares`` maps owner class → fraction of equity; missing owners hold 0; shares must sum to 1
    (within 1e-9). ``votes`` likewise (board votes). ``leverage`` = total assets / equity in [1, 50].
    The debt is senior (guaranteed by Ex-Im Bank and JBIC, at SOFR + ``senior_spread_bp`` +
    ``guarantee_fee_bp``) except a ``sub_debt_share`` that is subordinated and unguaranteed (at SOFR +
    ``sub_spread_bp``). A ``hedge_share`` of the senior debt's planned balance is swapped from SOFR to
    fixed at close (register ``debt_hedge_share``). Spreads, fee, hedge and sub-debt shares must lie in
    the register's ranges; equity in
    (0, 100,000] $bn; life 1–50 years, deployment 1..life years, debt tenor 1–40 years.
    """

    equity_usd_bn: float = field(default_factory=lambda: A.value("equity_usd_bn"))
    leverage: float = field(default_factory=lambda: A.value("leverage_x"))
    shares: dict = field(default_factory=default_shares)
    votes: dict | None = None  # board votes by owner; None: the two governments share them per the register
    sub_debt_share: float = field(default_factory=lambda: A.value("sub_debt_share"))  # of the debt, unguaranteed
    senior_spread_bp: float = field(default_factory=lambda: A.value("senior_spread_bp"))
    guarantee_fee_bp: float = field(default_factory=lambda: A.value("guarantee_fee_bp"))
    sub_spread_bp: float = field(default_factory=lambda: A.value("sub_spread_bp"))
    fees: Fees = field(default_factory=lambda: Fees())
    deploy_years: int = field(default_factory=lambda: int(A.value("deploy_years")))
    life_years: int = field(default_factory=lambda: int(A.value("fund_life_years")))
    debt_tenor_years: int = field(default_factory=lambda: int(A.value("debt_tenor_years")))
    hedge_share: float = field(default_factory=lambda: A.value("debt_hedge_share"))  # of the senior plan, swapped to fixed

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 - frozen: store the checked values
        set_("equity_usd_bn", check_number("equity_usd_bn", self.equity_usd_bn, 0.0, 1e5, low_open=True))
        set_("leverage", check_number("leverage", self.leverage, 1.0, 50.0))
        for name in ("sub_debt_share", "senior_spread_bp", "guarantee_fee_bp", "sub_spread_bp"):
            set_(name, check_assumption(name, getattr(self, name), name))
        check_instance("fees", self.fees, Fees)
        set_("life_years", check_int("life_years", self.life_years, 1, 50))
        set_("deploy_years", check_int("deploy_years", self.deploy_years, 1, self.life_years))
        set_("debt_tenor_years", check_int("debt_tenor_years", self.debt_tenor_years, 1, 40))
        set_("hedge_share", check_assumption("debt_hedge_share", self.hedge_share, "hedge_share"))
        set_("shares", _fractions("shares", self.shares, "owner shares"))
        votes = self.votes
        if votes is None:
            us = A.value("us_treasury_votes")
            votes = {"us_treasury": us, "japan_mof": 1.0 - us}
        set_("votes", _fractions("votes", votes, "board votes"))

    @property
    def assets_usd_bn(self) -> float:
        """Deployable capital: equity × leverage."""
        return self.equity_usd_bn * self.leverage

    @property
    def debt_usd_bn(self) -> float:
        return self.assets_usd_bn - self.equity_usd_bn

    @property
    def senior_debt_usd_bn(self) -> float:
        """Senior bonds guaranteed by Ex-Im Bank / JBIC."""
        return self.debt_usd_bn * (1.0 - self.sub_debt_share)

    @property
    def sub_debt_usd_bn(self) -> float:
        """Subordinated, unguaranteed debt (zero under the proposal as reported)."""
        return self.debt_usd_bn * self.sub_debt_share

    @property
    def senior_margin(self) -> float:
        """Senior debt over SOFR: spread + guarantee fee (decimal)."""
        return (self.senior_spread_bp + self.guarantee_fee_bp) * 1e-4

    @property
    def sub_margin(self) -> float:
        """Subordinated debt over SOFR (decimal)."""
        return self.sub_spread_bp * 1e-4

    def debt_rate(self, market=None) -> float:
        """The fund's blended cost of debt: senior at SOFR + spread + guarantee fee, subordinated at
        SOFR + its own spread. ``market``: a :class:`fundlib.market.Market` (default: the current
        one) or a SOFR level (a decimal in [−5%, 50%]). Every module that needs the fund's debt cost
        calls this."""
        from fundlib.market import Market

        if market is None:
            market = Market.current()
        if isinstance(market, Market):
            sofr = market.sofr
        elif isinstance(market, (int, float, np.integer, np.floating)) and not isinstance(market, (bool, np.bool_)):
            sofr = check_number("market", market, -0.05, 0.5)
        else:
            raise TypeError(f"market must be a fundlib.market.Market or a SOFR level (a number); got {type(market).__name__}")
        return sofr + (1.0 - self.sub_debt_share) * self.senior_margin + self.sub_debt_share * self.sub_margin

    def with_(self, **changes) -> "FundStructure":
        """A copy with some fields changed (validated again)."""
        from dataclasses import replace

        return replace(self, **changes)

    def stake_usd_bn(self, owner: str) -> float:
        """``owner``'s equity ($bn); ``owner`` one of :data:`OWNERS`."""
        return self.equity_usd_bn * self.shares[check_choice("owner", owner, OWNERS)]


def _fractions(name: str, value, what: str) -> dict:
    """A dict owner → fraction in [0, 1] summing to 1 (within 1e-9), completed with zeros for every owner."""
    d = check_mapping(name, value, f"a dict of owner class → fraction ({', '.join(OWNERS)})")
    unknown = [k for k in d if k not in OWNERS]
    if unknown:
        raise InputError(name, unknown[0], "owner classes among " + ", ".join(OWNERS))
    out = {o: check_number(f"{name}[{o!r}]", v, 0.0, 1.0) for o, v in d.items()}
    total = sum(out.values())
    if abs(total - 1.0) > 1e-9:
        raise InputError(f"{name} (sum)", round(total, 10), f"{what} that sum to 1")
    return {o: out.get(o, 0.0) for o in OWNERS}


def _fund(fund) -> "FundStructure":
    return check_instance("fund", fund, FundStructure)


def capital_stack(fund: FundStructure, paid_in: dict | None = None) -> pd.DataFrame:
    """The liability side as a tidy table: one row per layer (debt, then the equity of each owner
    that puts capital in).

    ``paid_in``: each owner's share of the equity capital it puts in (owner → fraction, summing to 1;
    None: the ownership shares). Terms under which the cash does not follow the capital pass their own
    (the 2025 MOU: Japan's MoF puts in all of it, so the US Treasury, with no capital in, has no layer).
    Columns: ``layer``, ``kind`` ('debt' or 'equity'), ``amount_usd_bn``, ``share_of_assets``.
    Amounts sum to ``fund.assets_usd_bn``.
    """
    _fund(fund)
    put_in = fund.shares if paid_in is None else _fractions("paid_in", paid_in, "shares of the capital paid in")
    rows = [("Senior guaranteed debt", "debt", fund.senior_debt_usd_bn)]
    if fund.sub_debt_usd_bn > 0:
        rows.append(("Subordinated debt", "debt", fund.sub_debt_usd_bn))
    rows += [(OWNER_LABELS[o], "equity", fund.equity_usd_bn * put_in[o]) for o in OWNERS if put_in[o] > 0]
    df = pd.DataFrame(rows, columns=["layer", "kind", "amount_usd_bn"])
    df["share_of_assets"] = df["amount_usd_bn"] / fund.assets_usd_bn
    return df


def sources_and_uses(fund: FundStructure) -> pd.DataFrame:
    """Sources (each owner's equity, each debt tranche) and uses (investments), USD bn; they balance."""
    _fund(fund)
    src = capital_stack(fund).rename(columns={"layer": "item", "amount_usd_bn": "usd_bn"})[["item", "usd_bn"]]
    src.insert(0, "side", "sources")
    uses = pd.DataFrame({"side": ["uses"], "item": ["Investments in US projects"], "usd_bn": [fund.assets_usd_bn]})
    return pd.concat([src, uses], ignore_index=True)


def ownership_table(fund: FundStructure) -> pd.DataFrame:
    """Each owner's share of equity, stake ($bn), look-through assets ($bn) and share of board votes."""
    _fund(fund)
    df = pd.DataFrame({
        "owner": [OWNER_LABELS[o] for o in OWNERS],
        "share": [fund.shares[o] for o in OWNERS],
        "votes": [fund.votes[o] for o in OWNERS],
    })
    df["stake_usd_bn"] = df["share"] * fund.equity_usd_bn
    df["assets_backed_usd_bn"] = df["share"] * fund.assets_usd_bn
    return df[(df["share"] > 0) | (df["votes"] > 0)].reset_index(drop=True)


# ============================================================================ fund cash flows

# ============================================================================ governance and scale


GOVERNANCE = pd.DataFrame([
    ("Who owns it", "US Treasury and Japan's MoF, later other LPs and perhaps retail savers",
     "Japan provides the money; the US contributes no capital"),
    ("Who picks projects", "Joint Treasury–MoF governance (votes in this suite's sliders)",
     "An investment committee chaired by the US Commerce Secretary, no Japanese members"),
    ("Japan's say", "A co-owner's vote", "A consultation committee; Japan may decline a project (the US may then raise tariffs)"),
    ("Who gets the cash", "Each owner in proportion to its stake",
     "50/50 until Japan recoups principal plus a deemed interest rate, then 90% US / 10% Japan"),
    ("What Japan holds, economically", "Equity", "A loan (repaid from half the cash) plus a 10% profit share"),
    ("Source", "Press reports, May 2025", "MOU of 2025-09-04 as reported by the St. Louis Fed (Nov 2025) and the Hudson Institute (Sep 2025)"),
], columns=["question", "the proposal", "the 2025 MOU as reported"]).set_index("question")


def gpfg_in_usd() -> pd.DataFrame:
    """Norway's GPFG at the end of 2024 and 2025 from ``data/comparators.csv``: its value in NOK bn
    (NBIM's annual reports), converted at the NOK per USD the Reuters reports used, and the share of it
    in the US (end-2024: only "more than half" is reported, so ``us_share`` is that lower bound and
    ``us_usd_bn`` a floor). One row per year-end, money in USD bn."""
    from fundlib.data import load_comparators

    return _gpfg_in_usd(load_comparators().set_index("id"))


def _gpfg_in_usd(c: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for year, share, bound in (("2024", float(c.loc["gpfg_us_share", "low"]), "more than"),
                               ("2025", float(c.loc["gpfg_us_share_2025", "value"]), "")):
        nok, rate = float(c.loc[f"gpfg_nok_{year}", "value"]), float(c.loc[f"gpfg_nok_per_usd_{year}", "value"])
        rows.append({"year_end": int(year), "nok_bn": nok, "nok_per_usd": rate, "usd_bn": nok / rate,
                     "us_share": share / 100.0, "us_share_is": bound or "reported", "us_usd_bn": nok / rate * share / 100.0,
                     "source": c.loc[f"gpfg_nok_{year}", "source_url"]})
    return pd.DataFrame(rows).set_index("year_end")


def scale_comparison(fund: FundStructure | None = None) -> pd.DataFrame:
    """This fund's equity and assets beside Norway's GPFG (:func:`gpfg_in_usd`), SoftBank's Vision Funds,
    Stargate and the $550bn package, in USD bn, from ``data/comparators.csv`` (sources there). Vision
    Fund 1 is drawn at its verified first close; Vision Fund 2 at SoftBank's own pledge, its only
    investor in the end (the announced target was non-binding MOUs)."""
    from fundlib.data import load_comparators

    fund = FundStructure() if fund is None else _fund(fund)
    c = load_comparators().set_index("id")
    g = _gpfg_in_usd(c)
    v = lambda i: float(c.loc[i, "value"])  # noqa: E731
    rows = [
        ("This fund: equity", fund.equity_usd_bn, "this fund", "press reports, May 2025"),
        ("This fund: assets after leverage", fund.assets_usd_bn, "this fund", "press reports, May 2025"),
        ("Norway GPFG: whole fund (end-2024)", g.loc[2024, "usd_bn"], "comparator", c.loc["gpfg_nok_2024", "source_url"]),
        ("Norway GPFG: US assets (over half, end-2024)", g.loc[2024, "us_usd_bn"], "comparator", c.loc["gpfg_us_share", "source_url"]),
        (f"Norway GPFG: US assets ({g.loc[2025, 'us_share']:.1%}, end-2025)", g.loc[2025, "us_usd_bn"], "comparator",
         c.loc["gpfg_us_share_2025", "source_url"]),
        ("SoftBank Vision Fund 1: first close (May 2017)", v("svf1_first_close"), "comparator", c.loc["svf1_first_close", "source_url"]),
        (f"SoftBank Vision Fund 2: SoftBank's own pledge (announced target ${v('svf2_target'):.0f}bn: non-binding MOUs)",
         v("svf2_softbank_pledge"), "comparator", c.loc["svf2_softbank_pledge", "source_url"]),
        ("Stargate (announced, four years)", v("stargate"), "comparator", c.loc["stargate", "source_url"]),
        ("US–Japan package under the 2025 MOU", v("us_japan_mou"), "comparator", c.loc["us_japan_mou", "source_url"]),
    ]
    return pd.DataFrame(rows, columns=["name", "usd_bn", "kind", "source"])
