"""The odds engine (notebook 07, The odds): a whole-chain Monte Carlo of what each government can expect
to gain or lose, on market paths shaped by history, with project outcomes drawn together.

- :mod:`fundlib.odds.paths`: the market paths: each rate pulled toward a long-run level and floored at its
  lower bound (:mod:`fundlib.odds.pull`), shocked by a block bootstrap of the joint monthly shocks since
  2000 (:mod:`fundlib.odds.history`).
- :mod:`fundlib.odds.sensitivity`: the headline odds as each calibration choice moves.
- :mod:`fundlib.odds.backtest`: the rate model launched from every month 2000–2020 against what happened.
- :mod:`fundlib.odds.engine`: one scenario through the one chain, cut into seeded chunks
  (:func:`run_odds`, :func:`local_cluster` for a Dask cluster, :func:`bench_odds`).
- :mod:`fundlib.odds.tally`: what a chunk keeps (exact sums, a quantile sketch) and how chunks merge.
- :mod:`fundlib.odds.result`: :class:`OddsResult`, the odds and their tables.
- :mod:`fundlib.odds.vintages`: the same fund started in each historical month, on realised paths.
"""

from fundlib.odds import backtest, history, paths, pull, tally, vintages
from fundlib.odds.engine import (ALIGN, SCALES, OddsSpec, bench_odds, local_cluster, make_spec, odds_chunk, one_blas_thread,
                                 run_odds, simulate_chunk)
from fundlib.odds.sensitivity import SENSITIVITY, sensitivity
from fundlib.odds.result import ANCHORS, EVENTS, INPUT_LABELS, METRICS, OddsResult

__all__ = ["run_odds", "local_cluster", "bench_odds", "make_spec", "odds_chunk", "simulate_chunk", "one_blas_thread",
           "OddsSpec", "OddsResult", "ALIGN", "SCALES", "METRICS", "EVENTS", "INPUT_LABELS", "ANCHORS", "SENSITIVITY", "sensitivity", "paths", "history", "pull", "backtest", "tally", "vintages"]
