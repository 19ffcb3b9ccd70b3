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
from scipy.special import ndtr, ndtri
from scipy.stats import rankdata

from fundlib._validate import InputError, check_choice, check_int, check_range
from fundlib.odds.tally import Tally

__all__ = ["METRICS", "EVENTS", "INPUT_LABELS", "ANCHORS", "OddsResult", "calibration"]

METRICS = {
    "us_pv_usd_bn": ("US Treasury: PV of its stake ($bn, at the 30-year Treasury yield)", "usd_bn"),
    "us_irr": ("US Treasury: IRR in dollars", "decimal"),
    "japan_pv_hedged_jpy_tn": ("Japan MoF: PV after FILP funding, hedged at locked forwards (¥tn, on its JGB curve)", "jpy_tn"),
    "japan_pv_unhedged_jpy_tn": ("Japan MoF: PV after FILP funding, unhedged (¥tn, on its JGB curve)", "jpy_tn"),
    "japan_pv_rolled_jpy_tn": ("Japan MoF: PV after FILP funding, rolled one-year hedge (¥tn, on its JGB curve)", "jpy_tn"),
    "japan_irr_hedged": ("Japan MoF: IRR in yen, hedged", "decimal"),
    "japan_irr_rolled": ("Japan MoF: IRR in yen, rolled one-year hedge", "decimal"),
    "japan_irr_unhedged": ("Japan MoF: IRR in yen, unhedged", "decimal"),
    "exim_loss_usd_bn": ("Ex-Im Bank: PV of guarantee calls less fees and recoveries ($bn; below 0: a gain)", "usd_bn"),
    "jbic_loss_usd_bn": ("JBIC: PV of guarantee calls less fees and recoveries ($bn; below 0: a gain)", "usd_bn"),
    "guarantee_calls_usd_bn": ("Guarantee calls paid, both guarantors, undiscounted ($bn)", "usd_bn"),
    "guarantee_credit_loss_usd_bn": ("Guarantee calls less recoveries, both guarantors, before fees ($bn PV at the 30-year Treasury yield)", "usd_bn"),
    "guarantee_call_years": ("Years in which the guarantors pay a call", "years"),
    "sofr_last": ("SOFR in the fund's last year (the year's average)", "decimal"),
    "asset_return": ("The fund's asset return in the chain", "decimal"),
}
EVENTS = {
    "any_guarantee_call": "Ex-Im Bank and JBIC pay at least one guarantee call",
    "japan_below_filp_hedged": "Japan's yen IRR (hedged) below its FILP cost",
    "japan_below_filp_rolled": "Japan's yen IRR (rolled one-year hedge) below its FILP cost",
    "japan_below_filp_unhedged": "Japan's yen IRR (unhedged) below its FILP cost",
    "us_nominal_loss": "The US Treasury gets back fewer dollars than it paid in (undiscounted)",
    "japan_nominal_loss_hedged": "Japan gets back fewer yen than its FILP bonds cost it, coupons and buy-back (undiscounted), hedged",
    "japan_nominal_loss_rolled": "The same, rolled one-year hedge",
    "japan_nominal_loss_unhedged": "The same, unhedged",
    "sofr_below_zero": "SOFR (a year's average) below 0 in some year of the path",
    "sofr_above_10pct": "SOFR (a year's average) above 10% in some year of the path",
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
_GOVERNMENTS = (("US Treasury", "USD", "us_pv_usd_bn", "us_irr", None, "us_nominal_loss"),
                ("Japan MoF, hedged", "JPY", "japan_pv_hedged_jpy_tn", "japan_irr_hedged", "japan_below_filp_hedged",
                 "japan_nominal_loss_hedged"),
                ("Japan MoF, rolled hedge", "JPY", "japan_pv_rolled_jpy_tn", "japan_irr_rolled", "japan_below_filp_rolled",
                 "japan_nominal_loss_rolled"),
                ("Japan MoF, unhedged", "JPY", "japan_pv_unhedged_jpy_tn", "japan_irr_unhedged", "japan_below_filp_unhedged",
                 "japan_nominal_loss_unhedged"))


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
        for who, cur, pv, irr, below, nominal in _GOVERNMENTS:
            s, r = self.tally.stats(pv), self.tally.stats(irr)
            rows.append({"party": who, "currency": cur, "pv_mean": s["mean"], "pv_p5": s["p5"], "pv_p50": s["p50"],
                         "pv_p95": s["p95"], "pv_es5": s["es5"], "prob_loss": s["prob_negative"],
                         "prob_nominal_loss": self.probability(nominal),
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
        # a loss net of fees below zero is a gain, and reads as one (negative here: a loss)
        rows += [(f"{w}: expected gain net of fees ($bn PV)", -q.loc[w, "loss_mean_usd_bn"]) for w in q.index]
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

    def calibration(self) -> pd.DataFrame:
        """Each headline figure beside its real-world anchor, with a verdict (:func:`calibration`)."""
        return calibration(self)

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


# ------------------------------------------------------------------------------- calibration

# Each row: the figure, how the engine computes it, the real-world anchor as (low, high) in the figure's
# unit, the anchor in words, its source, and why the engine may sit outside it.
ANCHORS = {
    "sofr_below_zero": ("SOFR below 0 in some year", (0.0, 0.0), "never: SOFR's daily low was 0.01% (first on 24 March 2020, last on 16 June 2021); the Fed has never set a negative rate",
                        "New York Fed SOFR data; Powell, Sept 2019 (Bloomberg)",
                        {"above": "the rate paths are not floored (the walk model)"}),
    "sofr_above_10pct": ("SOFR above 10% in some year", (0.0, 0.05),
                         "2000–2025: never (high 6.4%); above 10% only in 1973–74 and 1979–84, under a different monetary regime",
                         "data/rates_monthly.csv (3-month bill before 2018-04); FRED fed funds history",
                         {"above": "the pull is weak (a half-life near 6 years) and history's largest 24-month rises (5 pp in 2022–23) can be drawn back to back"}),
    "sofr_last_p95": ("SOFR in the fund's last year, P95", (0.0, 0.064), "2000–2025 monthly range 0.0–6.4%",
                      "data/rates_monthly.csv",
                      {"above": "a weak pull and persistent 24-month blocks leave the rate a long-run spread of about 3 points, so its P95 lies above history's high"}),
    "sofr_sd_ratio": ("SOFR spread, year 40 ÷ year 10", (0.9, 1.2),
                      "about 1: a short rate pulled to a level stops spreading (a random walk's ratio is 2)",
                      "Chan, Karolyi, Longstaff & Sanders (1992), Journal of Finance 47",
                      {"above": "no pull toward a long-run level (the walk model)"}),
    "p_any_call": ("P(any guarantee call) over the fund's life", ("pool_default", "loan_default"),
                   "between a perfectly diversified pool of project loans at Basel's correlation R = {r:.2f} ({pool_default:.2%}) "
                   "and one loan ({loan_default:.1%} over {life} years at {pd:.2%} a year; Moody's: 6.7% in 10 years; "
                   "later years are safer than early ones, so one loan's figure is high)",
                   "Moody's, Default and Recovery Rates for Project Finance Bank Loans, 1983–2015 (2017); S&P (2018): 6.3%; "
                   "BCBS (2005) for R and the one-factor pool",
                   {"within": "a call here is any year the guarantors advance at least $0.1bn, mostly recovered later: the fund sits between a perfect pool and one loan",
                    "above": "more calls than one project loan defaults: a pooled fund should do better",
                    "below": "fewer calls than even a perfectly diversified pool: too optimistic"}),
    "credit_loss_share": ("Expected credit loss of the guarantors (calls less recoveries, PV at the 30-year Treasury yield), % of guaranteed debt",
                          ("zero", "loan_loss"),
                          "one loan: {loan_default:.1%} default over {life} years × {lgd:.0%} loss given default = {loan_loss:.1%}",
                          "Moody's 6.7%/10 years and 80% ultimate recovery (register: annual_default_prob, loss_given_default)",
                          {"within": "the debt is owed by the whole fund, so one project's surplus covers another's shortfall: less than a book of single loans loses",
                           "above": "the fund's calls cost more than a book of single project loans would"}),
    "p_owners_nothing": ("Owners get nothing back (no IRR)", ("zero", "loan_default"),
                         "below one project loan's default rate over the fund's {life} years ({loan_default:.1%}): a diversified fund's equity should be wiped out more rarely",
                         "Moody's (2017)",
                         {"above": "a diversified fund wiped out more often than one project loan defaults is implausible"}),
    "credit_loss_p99_share": ("Guarantors' credit loss at P99 (calls less recoveries, PV, before fees), % of guaranteed debt",
                              ("zero", "book_p99"),
                              "a book of single project loans at Basel's one-factor 99th percentile: {lgd:.0%} × Φ((Φ⁻¹({loan_default:.1%}) + √R·Φ⁻¹(0.99))/√(1 − R)) = {book_p99:.1%}",
                              "BCBS (2005); Moody's (2017) default and 80% recovery",
                              {"within": "pooling the projects' cash keeps even the tail below a book of single loans",
                               "above": "the tail loses more than a book of single project loans would"}),
    "asset_return_sd": ("Spread (sd) of the fund's asset return across scenarios", (0.008, 0.013),
                        "EDHECinfra infra300 (levered equity): 10–13% a year; unlevered at 60–70% gearing ≈ 3–5% a year; over 15 years with independent years ≈ 0.8–1.3 pp",
                        "EDHECinfra infra300 index, Q1 2021 (volatility 9.8–12.7%)",
                        {"above": "each project's inputs are drawn once for its whole life, so a bad macro draw lasts 15 years where index returns are nearly independent from year to year: the spread is too wide, which makes the odds of a loss conservative",
                         "below": "the projects' spread is too narrow for diversified infrastructure"}),
}


def _verdict(value, band) -> str:
    lo, hi = band
    return "within" if lo - 1e-12 <= value <= hi + 1e-12 else ("above" if value > hi else "below")


def calibration(result: "OddsResult") -> pd.DataFrame:
    """Each headline figure beside its real-world anchor: the engine's value, the anchor's range, the
    anchor in words and its source, and a verdict (within / above / below) with the reason."""
    from fundlib import assumptions as A
    from fundlib.odds import paths as PA

    if not isinstance(result, OddsResult):
        raise TypeError(f"result must be a fundlib.odds.OddsResult (from run_odds), not {type(result).__name__}")
    spec = result.spec
    mp = PA.simulate(min(result.n, 20_000), 40, seed=result.seed, block_months=spec.block_months, method=spec.method,
                     demean=spec.demean, market=spec.market, model=spec.model, pull_scale=spec.pull_scale,
                     fx_drift=spec.fx_drift)
    guaranteed = spec.fund.senior_debt_usd_bn
    values = {
        "sofr_below_zero": result.probability("sofr_below_zero"),
        "sofr_above_10pct": result.probability("sofr_above_10pct"),
        "sofr_last_p95": result.quantile("sofr_last", 0.95),
        "sofr_sd_ratio": float(mp.sofr[:, 40].std() / mp.sofr[:, 10].std()),
        "p_any_call": result.probability("any_guarantee_call"),
        # no guaranteed debt (leverage 1): nothing to lose
        "credit_loss_share": result.tally.stats("guarantee_credit_loss_usd_bn")["mean"] / guaranteed if guaranteed > 0 else 0.0,
        "p_owners_nothing": 1.0 - result.tally.stats("us_irr")["n_finite"] / result.n,
        "credit_loss_p99_share": (result.quantile("guarantee_credit_loss_usd_bn", 0.99) / guaranteed
                                  if guaranteed > 0 else 0.0),
        "asset_return_sd": result.tally.stats("asset_return")["std"],
    }
    # a single loan over the fund's life at the register's yearly default rate (Moody's 6.7% over 10 years)
    pd_, lgd, life = A.value("annual_default_prob"), A.value("loss_given_default"), spec.fund.life_years
    ctx = {"zero": 0.0, "pd": pd_, "lgd": lgd, "life": life, "loan_default": 1.0 - (1.0 - pd_) ** life}
    ctx["loan_loss"] = ctx["loan_default"] * lgd
    w = (1.0 - np.exp(-50.0 * pd_)) / (1.0 - np.exp(-50.0))
    r = ctx["r"] = 0.12 * w + 0.24 * (1.0 - w)                     # Basel II's corporate asset correlation
    c = ndtri(ctx["loan_default"])
    ctx["pool_default"] = float(ndtr(c / np.sqrt(r)))            # a pool that defaults when its average asset does
    ctx["book_p99"] = lgd * float(ndtr((c + np.sqrt(r) * ndtri(0.99)) / np.sqrt(1.0 - r)))
    rows = []
    for key, (figure, band, anchor, source, why) in ANCHORS.items():
        band = tuple(ctx[b] if isinstance(b, str) else b for b in band)
        anchor = anchor.format(**ctx)
        v = float(values[key])
        verdict = _verdict(v, band)
        rows.append({"figure": figure, "engine": v, "anchor_low": band[0], "anchor_high": band[1], "anchor": anchor,
                     "source": source, "verdict": verdict, "why": why.get(verdict, "")})
    return pd.DataFrame(rows, index=pd.Index(list(ANCHORS), name="key"))
