"""The one chain (notebooks 01, 02, 03, 05 and 06; 07 through the odds engine): one fund run year by year
over any number of scenarios, every transfer a row of a double-entry ledger.

- :func:`run` (:mod:`fundlib.chain.engine`): the chain, a sequence of named steps; :class:`ChainResult`.
- :class:`Shocks` and the input checks (:mod:`fundlib.chain.inputs`).
- :func:`portfolio_cfads` and the assets step (:mod:`fundlib.chain.assets`).
- the rates (:mod:`fundlib.chain.rates`), the debt plan and service (:mod:`fundlib.chain.debt`), one
  year's cash (:mod:`fundlib.chain.year`), the :class:`Ledger` (:mod:`fundlib.chain.ledger`) and the
  result's reports (:mod:`fundlib.chain.report`).
"""

from fundlib.chain.assets import exit_discount, portfolio_cfads
from fundlib.chain.engine import ChainResult, run
from fundlib.chain.inputs import CURVE_SHIFT, DELAY, MAX_HORIZON, Shocks
from fundlib.chain.ledger import PARTIES, PARTY_LABELS, Ledger
from fundlib.chain.report import filp_buyback_factor

__all__ = ["run", "Shocks", "ChainResult", "Ledger", "PARTIES", "PARTY_LABELS", "portfolio_cfads", "exit_discount", "MAX_HORIZON",
           "DELAY", "CURVE_SHIFT",
           "filp_buyback_factor"]
