"""Fund structure: who puts in what, who owns what, and the capital stack.

Owner classes, in display order: US Treasury, Japan MoF, other limited partners, US retail
savers, Japanese retail savers. Money is in USD bn throughout (columns end ``_usd_bn``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundlib import assumptions as A
from fundlib._validate import InputError, check_range

__all__ = ["OWNERS", "OWNER_LABELS", "FundStructure", "capital_stack", "ownership_table"]

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


@dataclass(frozen=True)
class FundStructure:
    """The fund's equity, ownership and leverage (assets / equity).

    ``shares`` maps owner class → fraction of equity; missing owners hold 0; shares must sum to 1
    (within 1e-9). ``leverage`` = total assets / equity ≥ 1.
    """

    equity_usd_bn: float = field(default_factory=lambda: A.value("equity_usd_bn"))
    leverage: float = field(default_factory=lambda: A.value("leverage_x"))
    shares: dict = field(default_factory=default_shares)

    def __post_init__(self):
        check_range("equity_usd_bn", self.equity_usd_bn, 0.0, 1e5, low_open=True)
        check_range("leverage", self.leverage, 1.0, 50.0)
        unknown = set(self.shares) - set(OWNERS)
        if unknown:
            raise InputError("shares", sorted(unknown)[0], "owner classes among " + ", ".join(OWNERS))
        for o, s in self.shares.items():
            check_range(f"shares[{o!r}]", s, 0.0, 1.0)
        total = sum(self.shares.values())
        if abs(total - 1.0) > 1e-9:
            raise InputError("shares (sum)", round(total, 10), "owner shares that sum to 1")
        object.__setattr__(self, "shares", {o: float(self.shares.get(o, 0.0)) for o in OWNERS})

    @property
    def assets_usd_bn(self) -> float:
        """Deployable capital: equity × leverage."""
        return self.equity_usd_bn * self.leverage

    @property
    def debt_usd_bn(self) -> float:
        return self.assets_usd_bn - self.equity_usd_bn

    def stake_usd_bn(self, owner: str) -> float:
        return self.equity_usd_bn * self.shares[owner]

    @classmethod
    def from_sliders(cls, equity_usd_bn: float, leverage: float, us_share: float, other_share: float = 0.0,
                     us_retail_share: float = 0.0, japan_retail_share: float = 0.0) -> "FundStructure":
        """Build from slider values, Japan MoF taking whatever the others leave.

        Raises InputError if the others already exceed 100% of the equity.
        """
        rest = 1.0 - us_share - other_share - us_retail_share - japan_retail_share
        if rest < -1e-12:
            raise InputError("owner shares", round(1.0 - rest, 6),
                             "US Treasury + other LPs + retail shares of at most 100% (Japan MoF holds the rest)")
        return cls(equity_usd_bn, leverage, {
            "us_treasury": us_share, "japan_mof": max(rest, 0.0), "other_lp": other_share,
            "us_retail": us_retail_share, "japan_retail": japan_retail_share,
        })


def capital_stack(fund: FundStructure) -> pd.DataFrame:
    """The liability side as a tidy table: one row per layer (debt, then each owner's equity).

    Columns: ``layer``, ``kind`` ('debt' or 'equity'), ``amount_usd_bn``, ``share_of_assets``.
    Amounts sum to ``fund.assets_usd_bn``.
    """
    rows = [("Senior guaranteed debt", "debt", fund.debt_usd_bn)]
    rows += [(OWNER_LABELS[o], "equity", fund.stake_usd_bn(o)) for o in OWNERS if fund.shares[o] > 0]
    df = pd.DataFrame(rows, columns=["layer", "kind", "amount_usd_bn"])
    df["share_of_assets"] = df["amount_usd_bn"] / fund.assets_usd_bn
    return df


def ownership_table(fund: FundStructure) -> pd.DataFrame:
    """Each owner's share of equity, stake ($bn) and look-through share of the assets it controls ($bn)."""
    df = pd.DataFrame({
        "owner": [OWNER_LABELS[o] for o in OWNERS],
        "share": [fund.shares[o] for o in OWNERS],
    })
    df["stake_usd_bn"] = df["share"] * fund.equity_usd_bn
    df["assets_backed_usd_bn"] = df["share"] * fund.assets_usd_bn
    return df[df["share"] > 0].reset_index(drop=True)
