"""Fund structure: who puts in what, who owns and who decides, the capital stack, fees and the fund's
yearly cash flows (the waterfall that pays them out is in ``fundlib.waterfall``). Notebooks 00 and 01.

Owner classes, in display order: US Treasury, Japan MoF, other limited partners, US retail
savers, Japanese retail savers. Money is in USD bn throughout (columns end ``_usd_bn``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fundlib import assumptions as A
from fundlib._validate import InputError, check_int, check_range

__all__ = [
    "OWNERS", "OWNER_LABELS", "PAYEES", "PAYEE_LABELS", "FundStructure", "capital_stack", "ownership_table",
    "Fees", "default_shares", "sources_and_uses", "GOVERNANCE", "scale_comparison",
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
    """Management fee, carried interest and hurdle. The proposal: sovereigns invest at cost (all zero)."""

    management_fee: float = field(default_factory=lambda: A.value("management_fee"))
    basis: str = "committed"  # 'committed' or 'invested' capital
    carried_interest: float = field(default_factory=lambda: A.value("carried_interest"))
    hurdle_rate: float = field(default_factory=lambda: A.value("hurdle_rate"))
    catch_up: bool = True

    def __post_init__(self):
        A.check("management_fee", self.management_fee, "management_fee")
        A.check("carried_interest", self.carried_interest, "carried_interest")
        A.check("hurdle_rate", self.hurdle_rate, "hurdle_rate")
        if self.basis not in ("committed", "invested"):
            raise InputError("basis", self.basis, "'committed' or 'invested'")


@dataclass(frozen=True)
class FundStructure:
    """The one fund: equity, owners and votes, leverage (assets / equity), the debt in two tranches,
    fees and carry, capital calls and life. Every notebook's fund is one of these.

    ``shares`` maps owner class → fraction of equity; missing owners hold 0; shares must sum to 1
    (within 1e-9). ``leverage`` = total assets / equity ≥ 1. The debt is senior (guaranteed by
    Ex-Im Bank and JBIC, at SOFR + ``senior_spread_bp`` + ``guarantee_fee_bp``) except a
    ``sub_debt_share`` that is subordinated and unguaranteed (at SOFR + ``sub_spread_bp``).
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
    debt_tenor_years: int = field(default_factory=lambda: int(A.value("fund_debt_tenor_years")))

    def __post_init__(self):
        check_range("equity_usd_bn", self.equity_usd_bn, 0.0, 1e5, low_open=True)
        check_range("leverage", self.leverage, 1.0, 50.0)
        A.check("sub_debt_share", self.sub_debt_share, "sub_debt_share")
        A.check("senior_spread_bp", self.senior_spread_bp, "senior_spread_bp")
        A.check("guarantee_fee_bp", self.guarantee_fee_bp, "guarantee_fee_bp")
        A.check("sub_spread_bp", self.sub_spread_bp, "sub_spread_bp")
        if not isinstance(self.fees, Fees):
            raise TypeError(f"fees must be a fundlib.structure.Fees, not {type(self.fees).__name__}")
        object.__setattr__(self, "life_years", check_int("life_years", self.life_years, 1, 50))
        object.__setattr__(self, "deploy_years", check_int("deploy_years", self.deploy_years, 1, self.life_years))
        object.__setattr__(self, "debt_tenor_years", check_int("debt_tenor_years", self.debt_tenor_years, 1, 40))
        unknown = set(self.shares) - set(OWNERS)
        if unknown:
            raise InputError("shares", sorted(unknown)[0], "owner classes among " + ", ".join(OWNERS))
        for o, s in self.shares.items():
            check_range(f"shares[{o!r}]", s, 0.0, 1.0)
        total = sum(self.shares.values())
        if abs(total - 1.0) > 1e-9:
            raise InputError("shares (sum)", round(total, 10), "owner shares that sum to 1")
        object.__setattr__(self, "shares", {o: float(self.shares.get(o, 0.0)) for o in OWNERS})
        votes = self.votes
        if votes is None:
            us = A.value("us_treasury_votes")
            votes = {"us_treasury": us, "japan_mof": 1.0 - us}
        for o, v in votes.items():
            if o not in OWNERS:
                raise InputError("votes", o, "owner classes among " + ", ".join(OWNERS))
            check_range(f"votes[{o!r}]", v, 0.0, 1.0)
        if abs(sum(votes.values()) - 1.0) > 1e-9:
            raise InputError("votes (sum)", round(sum(votes.values()), 10), "board votes that sum to 1")
        object.__setattr__(self, "votes", {o: float(votes.get(o, 0.0)) for o in OWNERS})

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
        one) or a SOFR level. Every module that needs the fund's debt cost calls this."""
        if market is None:
            from fundlib.market import Market

            market = Market.current()
        sofr = float(check_range("sofr", market, -0.05, 0.5)) if isinstance(market, (int, float)) else market.sofr
        return sofr + (1.0 - self.sub_debt_share) * self.senior_margin + self.sub_debt_share * self.sub_margin

    def with_(self, **changes) -> "FundStructure":
        """A copy with some fields changed (validated again)."""
        from dataclasses import replace

        return replace(self, **changes)

    def stake_usd_bn(self, owner: str) -> float:
        return self.equity_usd_bn * self.shares[owner]


def capital_stack(fund: FundStructure) -> pd.DataFrame:
    """The liability side as a tidy table: one row per layer (debt, then each owner's equity).

    Columns: ``layer``, ``kind`` ('debt' or 'equity'), ``amount_usd_bn``, ``share_of_assets``.
    Amounts sum to ``fund.assets_usd_bn``.
    """
    rows = [("Senior guaranteed debt", "debt", fund.senior_debt_usd_bn)]
    if fund.sub_debt_usd_bn > 0:
        rows.append(("Subordinated debt", "debt", fund.sub_debt_usd_bn))
    rows += [(OWNER_LABELS[o], "equity", fund.stake_usd_bn(o)) for o in OWNERS if fund.shares[o] > 0]
    df = pd.DataFrame(rows, columns=["layer", "kind", "amount_usd_bn"])
    df["share_of_assets"] = df["amount_usd_bn"] / fund.assets_usd_bn
    return df


def sources_and_uses(fund: FundStructure) -> pd.DataFrame:
    """Sources (each owner's equity, each debt tranche) and uses (investments), USD bn; they balance."""
    src = capital_stack(fund).rename(columns={"layer": "item", "amount_usd_bn": "usd_bn"})[["item", "usd_bn"]]
    src.insert(0, "side", "sources")
    uses = pd.DataFrame({"side": ["uses"], "item": ["Investments in US projects"], "usd_bn": [fund.assets_usd_bn]})
    return pd.concat([src, uses], ignore_index=True)


def ownership_table(fund: FundStructure) -> pd.DataFrame:
    """Each owner's share of equity, stake ($bn), look-through assets ($bn) and share of board votes."""
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
    ("Source", "Press reports, April 2025", "MOU of 2025-09-04 as reported by the St. Louis Fed (Nov 2025) and the Hudson Institute (Sep 2025)"),
], columns=["question", "the proposal", "the 2025 MOU as reported"]).set_index("question")


def scale_comparison(fund: FundStructure | None = None) -> pd.DataFrame:
    """This fund's equity and assets beside Norway's GPFG, SoftBank's Vision Funds, Stargate and the
    $550bn package, in USD bn, from ``data/comparators.csv`` (sources there)."""
    from fundlib.data import load_comparators

    fund = fund or FundStructure()
    c = load_comparators().set_index("id")
    gpfg = float(c.loc["gpfg_usd_2024", "value"]) * 1000.0
    us_share_low = float(c.loc["gpfg_us_share", "low"]) / 100.0
    rows = [
        ("This fund: equity", fund.equity_usd_bn, "this fund", "press reports, April 2025"),
        ("This fund: assets after leverage", fund.assets_usd_bn, "this fund", "press reports, April 2025"),
        ("Norway GPFG: whole fund (end-2024)", gpfg, "comparator", c.loc["gpfg_usd_2024", "source_url"]),
        ("Norway GPFG: US assets (over half, end-2024)", gpfg * us_share_low, "comparator", c.loc["gpfg_us_share", "source_url"]),
        ("SoftBank Vision Fund 1 (committed)", float(c.loc["svf1_committed", "value"]), "comparator", c.loc["svf1_committed", "source_url"]),
        ("SoftBank Vision Fund 2 (announced target)", float(c.loc["svf2_target", "value"]), "comparator", c.loc["svf2_target", "source_url"]),
        ("Stargate (announced, four years)", float(c.loc["stargate", "value"]), "comparator", c.loc["stargate", "source_url"]),
        ("US–Japan package under the 2025 MOU", float(c.loc["us_japan_mou", "value"]), "comparator", c.loc["us_japan_mou", "source_url"]),
    ]
    return pd.DataFrame(rows, columns=["name", "usd_bn", "kind", "source"])
