"""One meaning for each economic word (DESIGN.md, "Economics"): "hedged" is forwards locked at the
start for each cash-flow date (Market.forward_usdjpy); a rolled short hedge is a named second view,
a life insurer's carry; every PV names its curve (the budget view on the government's own funding
curve, or the fair-value view with the equity risk premium). These tests read what the reader reads
(the notebooks' checked outputs, the apps' labels) and recompute each hedged figure from the
convention it names."""

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from fundlib import assumptions as A
from fundlib import chain as CH
from fundlib import fx as FX
from fundlib.finance import irr
from fundlib.market import Market

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CURVE_WORDS = ("budget", "fair", "UST", "Treasury", "JGB", "FILP yield", "NPV@", "debt cost")


def _checked_cells(path):
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source:
            yield c.source, "\n".join(o.get("text", "") for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_checked_pv_names_its_curve(path):
    """A checked cell that prints a PV says on which curve, in its own output."""
    for source, out in _checked_cells(path):
        if re.search(r"\bN?PV\b|present value", out):
            assert any(w in out for w in CURVE_WORDS), (path.name, out[:300])


def _pct(s: str) -> float:
    return float(s.rstrip("%")) / 100


def test_notebook_03_hedged_is_locked_and_the_carry_is_named():
    """03's checked figures: "hedged" is the yen IRR of each flow sold at its locked forward
    (Market.hedged_flows); "a life insurer's carry" is fundlib.fx.hedged_yield with the rolled
    3-month hedge; a zero-coupon Treasury hedged at its forward yields the JGB zero + the basis."""
    m = Market.current()
    out = "\n".join(o for _, o in _checked_cells(ROOT / "notebooks" / "03_filp_vs_jgb.ipynb"))
    rows = re.findall(r"(UST 30Y|equity IRR[^%]*?)\s+(\d+\.\d+%): hedged \(each flow at its locked forward\) "
                      r"(\d+\.\d+%).*?a life insurer's carry (\d+\.\d+%)", out)
    assert len(rows) == 2, out
    tau = A.value("hedge_tenor_months") / 12
    ust = m.par_yield("USD", 30.0)
    flows = {"UST 30Y": np.r_[-1.0, np.full(29, ust), 1.0 + ust], "equity": CH.run(market=m).equity_flows()[0]}
    for name, y, locked, carry in rows:
        f = flows["UST 30Y" if name == "UST 30Y" else "equity"]
        y_true = ust if name == "UST 30Y" else irr(f)
        assert f"{y_true:.2%}" == y
        assert f"{irr(m.hedged_flows(f)):.2%}" == locked
        assert f"{FX.hedged_yield(y_true, m.sofr, m.tona, m.basis_bp, tau):.2%}" == carry
        assert locked != carry                                   # two conventions, two numbers
    z = m.zero_rate("USD", 30.0)
    assert m.hedged_yield(z, 30.0) == pytest.approx(m.zero_rate("JPY", 30.0) + m.basis_bp * 1e-4, abs=1e-12)


def test_notebook_04_hurdle_is_hedged_at_locked_forwards():
    m = Market.current()
    out = "\n".join(o for _, o in _checked_cells(ROOT / "notebooks" / "04_project_returns.ipynb"))
    shown = re.search(r"funding cost, FILP hedged into USD: (\d+\.\d+%)", out).group(1)
    y = m.par_yield("JPY", A.value("filp_tenor_years"))
    assert shown == f"{m.hedged_yield(y, A.value('fund_life_years'), into='USD'):.2%}"


def test_the_chain_the_odds_and_the_vintages_hedge_at_locked_forwards():
    """Every engine's hedged conversion is Market.forward_usdjpy for each year's date, locked at the start."""
    from fundlib import odds as OD
    from fundlib.odds import vintages as V

    m = Market.current()
    r = CH.run(market=m)
    t = np.arange(r.ledger.T, dtype=float)
    np.testing.assert_allclose(r.fx_hedged, m.forward_usdjpy(t), rtol=1e-14)
    spec = OD.make_spec()
    out = OD.simulate_chunk(spec, 2025, 0, 8, detail=True)
    np.testing.assert_allclose(out["yen"]["hedged"]["jpy_per_usd"], np.broadcast_to(m.forward_usdjpy(t), (8, t.size)),
                               rtol=1e-14)
    v = V.vintage_flows("2012-05")
    np.testing.assert_allclose(v["forward"], v["market"].forward_usdjpy(t), rtol=1e-14)


def _calls_rolled_hedge(tree) -> list:
    """Names of the functions (or the module) that call fundlib.fx's rolled-hedge functions."""
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("hedged_yield", "hedge_cost", "hedge_cost_history") and not (
                    isinstance(f, ast.Attribute) and getattr(f.value, "id", "") in ("m", "market", "self")):
                hits.append(node)
    return hits


def test_the_rolled_hedge_is_always_named_as_the_carry():
    """Wherever a notebook cell or an app computes the rolled short hedge (fundlib.fx.hedged_yield,
    hedge_cost), the text beside it names it a carry or a rolled hedge, never plainly "hedged"."""
    sources = [(p.name, c.source) for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells
               if c.cell_type == "code"]
    sources += [(p.name, p.read_text()) for p in (ROOT / "fundlib" / "apps").glob("*.py")]
    found = 0
    for name, src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        if _calls_rolled_hedge(tree):
            found += 1
            assert re.search(r"carry|rolled", src), name
    assert found >= 2                                            # 03's checked cell and its hedging app


def test_the_apps_label_hedged_only_for_locked_forwards():
    """The hedging app (the rolled view) never labels a row plainly "Hedged"; the who-gets-paid app's
    hedged surplus is the chain's locked-forward view."""
    from fundlib import apps

    h = apps.build_hedging_app().numbers.value
    labels = re.findall(r"<td[^>]*>([^<]*)</td><td", h)
    assert labels and not any(re.search(r"\bhedged\b", l, re.I) and not re.search(r"rolled|carry", l) for l in labels)
