"""The result of the whole-chain Monte Carlo and its tables: each government's odds, the guarantors'
losses and a tornado of what drives Japan's outcome. Used by notebook 07 (The odds); computed by
:func:`fundlib.odds.run_odds`.

Probabilities are shares of all scenarios. Quantiles, the expected shortfall and the tornado are
exact while the run keeps every value (``exact``), else from :mod:`fundlib.odds.tally`'s histograms
(quantiles) and the first ``exact_cap`` scenarios (tornado).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from fundlib._validate import InputError, check_choice, check_int, check_range
from fundlib.odds.tally import Tally

__all__ = ["METRICS", "EVENTS", "INPUT_LABELS", "OddsResult"]

METRICS = {
    "us_pv_usd_bn": ("US Treasury: PV of its stake ($bn, at the 30-year Treasury yield)", "usd_bn"),
    "us_irr": ("US Treasury: IRR in dollars", "decimal"),
    "japan_pv_hedged_jpy_tn": ("Japan MoF: PV after FILP funding, hedged (¥tn, at the 30-year JGB yield)", "jpy_tn"),
    "japan_pv_unhedged_jpy_tn": ("Japan MoF: PV after FILP funding, unhedged (¥tn, at the 30-year JGB yield)", "jpy_tn"),
    "japan_irr_hedged": ("Japan MoF: IRR in yen, hedged", "decimal"),
    "japan_irr_unhedged": ("Japan MoF: IRR in yen, unhedged", "decimal"),
    "exim_loss_usd_bn": ("Ex-Im Bank: PV of guarantee calls less recoveries ($bn)", "usd_bn"),
    "jbic_loss_usd_bn": ("JBIC: PV of guarantee calls less recoveries ($bn)", "usd_bn"),
    "guarantee_calls_usd_bn": ("Guarantee calls paid, both guarantors, undiscounted ($bn)", "usd_bn"),
    "asset_return": ("The fund's asset return in the chain", "decimal"),
}
EVENTS = {
    "any_guarantee_call": "Ex-Im Bank and JBIC pay at least one guarantee call",
    "japan_below_filp_hedged": "Japan's yen IRR (hedged) below its FILP cost",
    "japan_below_filp_unhedged": "Japan's yen IRR (unhedged) below its FILP cost",
    "asset_return_clipped": "The project draw's asset return held inside the chain's [-5%, 50%]",
    "sofr_floored": "SOFR held at minus the debt spread (the chain takes no negative interest) or at 50% in some year",
}
INPUT_LABELS = {
    "sofr_change": "SOFR: average change over the fund's life",
    "jgb_30y_change": "JGB 30Y: change over the fund's life",
    "usdjpy_change": "USD/JPY: log change over the fund's life",
    "ai_demand": "AI data centres: revenue draw (price × utilization)",
    "capex": "Capex overrun (weighted log multiple)",
    "delay_years": "Construction delays (weighted years)",
    "macro": "Macro factor (high = bad year)",
}
_GOVERNMENTS = (("US Treasury", "USD", "us_pv_usd_bn", "us_irr", None),
                ("Japan MoF, hedged", "JPY", "japan_pv_hedged_jpy_tn", "japan_irr_hedged", "japan_below_filp_hedged"),
                ("Japan MoF, unhedged", "JPY", "japan_pv_unhedged_jpy_tn", "japan_irr_unhedged", "japan_below_filp_unhedged"))


@dataclass(frozen=True)
class OddsResult:
    """The odds of one run: ``tally`` holds everything kept; ``spec`` the parameters."""

    tally: Tally
    spec: object
    n: int
    seed: int
    chunk: int
    seconds: float
    workers: int

    @property
    def exact(self) -> bool:
        """True when every scenario's values were kept (n ≤ exact_cap): quantiles are exact."""
        return self.tally.exact

    def stats(self) -> pd.DataFrame:
        """Per metric: mean, std, P1, P5, P50, P95, P99, ES 5% (mean of the worst 5%), P(< 0), P(> 0)."""
        rows = [{"metric": m, "label": lab, "unit": unit, **self.tally.stats(m)} for m, (lab, unit) in METRICS.items()]
        return pd.DataFrame(rows).set_index("metric")

    def probability(self, event: str) -> float:
        """Share of scenarios in which ``event`` (one of :data:`EVENTS`) happens."""
        check_choice("event", event, tuple(EVENTS))
        return self.tally.events[event] / self.n

    @property
    def events(self) -> dict:
        return {e: self.probability(e) for e in EVENTS}

    def governments(self) -> pd.DataFrame:
        """Each government's odds in its own money: PV mean and spread, P(loss) = P(PV < 0), expected
        shortfall, IRR quantiles (over scenarios with an IRR), the share with no IRR (nothing came back:
        the stake lost), and for Japan the chance of earning less than its FILP cost."""
        rows = []
        for who, cur, pv, irr, below in _GOVERNMENTS:
            s, r = self.tally.stats(pv), self.tally.stats(irr)
            rows.append({"party": who, "currency": cur, "pv_mean": s["mean"], "pv_p5": s["p5"], "pv_p50": s["p50"],
                         "pv_p95": s["p95"], "pv_es5": s["es5"], "prob_loss": s["prob_negative"],
                         "irr_p5": r["p5"], "irr_p50": r["p50"], "irr_p95": r["p95"],
                         "prob_no_irr": 1.0 - r["n_finite"] / self.n,
                         "prob_below_filp": self.probability(below) if below else np.nan})
        return pd.DataFrame(rows).set_index("party")

    def guarantors(self) -> pd.DataFrame:
        """Ex-Im Bank's and JBIC's loss ($bn PV of calls net of their fees and recoveries; negative: a gain):
        mean, P95, P99, P(loss > 0)."""
        rows = []
        for who, m in (("US Ex-Im Bank", "exim_loss_usd_bn"), ("JBIC", "jbic_loss_usd_bn")):
            s = self.tally.stats(m)
            rows.append({"guarantor": who, "loss_mean_usd_bn": s["mean"], "loss_p95_usd_bn": s["p95"],
                         "loss_p99_usd_bn": s["p99"], "prob_loss": s["prob_positive"]})
        return pd.DataFrame(rows).set_index("guarantor")

    def summary(self) -> pd.DataFrame:
        """The headline odds as a reader's table (measure, value)."""
        g, q = self.governments(), self.guarantors()
        rows = [(f"P(loss): {p}", g.loc[p, "prob_loss"]) for p in g.index]
        rows += [("P(any guarantee call)", self.probability("any_guarantee_call"))]
        rows += [(f"{w}: expected loss net of fees ($bn PV)", q.loc[w, "loss_mean_usd_bn"]) for w in q.index]
        rows += [(f"P(Japan below its FILP cost), {v}", self.probability(f"japan_below_filp_{v}")) for v in ("hedged", "unhedged")]
        rows += [(f"{p}: median PV ({'$bn' if g.loc[p, 'currency'] == 'USD' else '¥tn'})", g.loc[p, "pv_p50"]) for p in g.index]
        return pd.DataFrame(rows, columns=["measure", "value"]).set_index("measure")

    def values(self, name: str) -> np.ndarray:
        """Per-scenario values of a metric, event or tornado input for the first min(n, exact_cap) scenarios."""
        check_choice("name", name, self.tally.names())
        return self.tally.values(name)

    def quantile(self, metric: str, q: float) -> float:
        check_choice("metric", metric, tuple(METRICS))
        return self.tally.quantile(metric, check_range("q", q, 0.0, 1.0))

    def histogram(self, metric: str, bins: int = 60) -> pd.DataFrame:
        """Counts of ``metric`` in ``bins`` equal bins over its central 99.8% (a chart's rows)."""
        check_choice("metric", metric, tuple(METRICS))
        edges, counts = self.tally.histogram(metric, check_int("bins", bins, 1, 1000))
        return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "count": counts})

    def tornado(self, target: str = "japan_pv_hedged_jpy_tn") -> pd.DataFrame:
        """What drives ``target`` most, over the market and project inputs: the rank (Spearman)
        correlation with each input, and the swing of the median between scenarios with the input in
        its lowest and in its highest decile (ties at a decile edge count in). Largest |correlation| first."""
        check_choice("target", target, tuple(METRICS))
        y = self.values(target)
        if y.size == 0:
            raise InputError("exact_cap", self.spec.exact_cap, "a run that keeps scenarios for the tornado (exact_cap > 0)")
        ok = np.isfinite(y)
        y = y[ok]
        ry = rankdata(y)
        rows = []
        for name, label in INPUT_LABELS.items():
            x = self.values(name)[ok]
            rx = rankdata(x)
            rc = float(np.corrcoef(rx, ry)[0, 1]) if rx.std() > 0 and ry.std() > 0 else np.nan
            lo, hi = np.quantile(x, [0.1, 0.9]) if x.size else (np.nan, np.nan)
            low, high = y[x <= lo], y[x >= hi]
            rows.append({"input": name, "label": label, "rank_correlation": rc,
                         "p50_low_decile": float(np.median(low)) if low.size else np.nan,
                         "p50_high_decile": float(np.median(high)) if high.size else np.nan})
        df = pd.DataFrame(rows)
        df["swing"] = df["p50_high_decile"] - df["p50_low_decile"]
        order = np.argsort(-np.nan_to_num(np.abs(df["rank_correlation"].to_numpy()), nan=-1.0), kind="stable")
        return df.iloc[order].reset_index(drop=True)

    def headline(self) -> dict:
        """A few numbers for a report or a checked notebook cell."""
        g, q = self.governments(), self.guarantors()
        out = {"p_loss_us": g.loc["US Treasury", "prob_loss"],
               "p_loss_japan_hedged": g.loc["Japan MoF, hedged", "prob_loss"],
               "p_loss_japan_unhedged": g.loc["Japan MoF, unhedged", "prob_loss"],
               "p_any_guarantee_call": self.probability("any_guarantee_call"),
               "exim_expected_loss_usd_bn": q.loc["US Ex-Im Bank", "loss_mean_usd_bn"],
               "jbic_expected_loss_usd_bn": q.loc["JBIC", "loss_mean_usd_bn"],
               "p_japan_below_filp_hedged": self.probability("japan_below_filp_hedged"),
               "p_japan_below_filp_unhedged": self.probability("japan_below_filp_unhedged")}
        return {"n": self.n, **{k: float(v) for k, v in out.items()}}
