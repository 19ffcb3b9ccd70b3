"""How much each calibration choice of the odds engine moves its headline odds: rate pull speed, project
dispersion, the macro loading and the debt swap share. Used by notebook 07 (The odds).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from fundlib import scenarios as SC
from fundlib._validate import InputError, check_int
from fundlib.odds.engine import _number, run_odds
from fundlib.structure import FundStructure

__all__ = ["SENSITIVITY", "sensitivity"]


SENSITIVITY = {
    "pull_scale": ("Rate pull speed (× the estimated speed)", (0.0, 0.5, 1.0, 2.0)),
    "dispersion": ("Project dispersion (× every width)", (0.5, 1.0, 1.5)),
    "macro_corr": ("Projects' macro loading ρ", (0.25, 0.5)),
    "hedge_share": ("Share of the senior debt swapped to fixed", (0.0, 0.75, 1.0)),
}


def sensitivity(n: int = 5_000, seed: int = 2025, knobs: tuple = tuple(SENSITIVITY)) -> pd.DataFrame:
    """The headline odds as each calibration knob moves over its settings (:data:`SENSITIVITY`), the
    others at their defaults: one row per (knob, setting) with P(any guarantee call), P(loss) for the US
    and for Japan (hedged), P(owners get nothing back) and the spread of the asset return."""
    n = check_int("n", _number("n", n), 100, 1_000_000)
    seed = check_int("seed", _number("seed", seed), 0, 2**63 - 1)
    if not isinstance(knobs, (tuple, list)) or not knobs or not all(isinstance(k, str) and k in SENSITIVITY for k in knobs):
        raise InputError("knobs", knobs, "a tuple of names among " + ", ".join(SENSITIVITY))
    rows = []
    base_unc = SC.Uncertainty()
    for knob in knobs:
        label, settings = SENSITIVITY[knob]
        for v in settings:
            kw = {}
            if knob == "pull_scale":
                kw["pull_scale"] = v
            elif knob == "dispersion":
                kw["unc"] = base_unc.scaled(v)
            elif knob == "macro_corr":
                kw["unc"] = replace(base_unc, macro_corr=v)
            else:
                kw["fund"] = replace(FundStructure(), hedge_share=v)
            r = run_odds(n, seed, exact_cap=0, **kw)
            g = r.governments()
            rows.append({"knob": knob, "label": label, "setting": float(v),
                         "p_any_call": r.probability("any_guarantee_call"),
                         "p_loss_us": g.loc["US Treasury", "prob_loss"],
                         "p_loss_japan_hedged": g.loc["Japan MoF, hedged", "prob_loss"],
                         "p_owners_nothing": g.loc["US Treasury", "prob_no_irr"],
                         "asset_return_sd": r.tally.stats("asset_return")["std"]})
    return pd.DataFrame(rows)
