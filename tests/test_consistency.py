"""One market, one fund, one ledger: at the defaults the same question gets the same answer in every
notebook, app and the dashboard. The references are computed here from the library; the figures are
read from the apps' numbers and from the notebooks' checked cells."""

import html
import re
from pathlib import Path

import nbformat
import pytest

from fundlib import apps
from fundlib import chain as CH
from fundlib import treasury as TR
from fundlib.finance import irr
from fundlib.market import Market
from fundlib.structure import FundStructure

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ref():
    m, fund = Market.current(), FundStructure()
    hedged, flat = TR.breakeven_fund_returns(fund, market=m)
    return {
        "as_of": m.as_of,
        "debt": f"{fund.debt_rate(m):.2%}",
        "equity_irr": f"{irr(CH.run(fund, m).equity_flows()[0]):.2%}",
        "breakeven": f"{hedged:.2%} / {flat:.2%}",
        "breakeven_hedged": f"{hedged:.2%}", "breakeven_flat": f"{flat:.2%}",
        "us_per_dollar": f"${TR.compare_us(fund, 0.07, market=m).per_dollar['Own the fund']:.2f}",
        "us_per_dollar_fair": f"${TR.compare_us(fund, 0.07, market=m).per_dollar_fair['Own the fund']:.2f}",
    }


def _text(s: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s)))


def _row(html: str, label: str) -> str:
    """The value cell of the numbers-table row whose label starts with ``label``."""
    for k, v in re.findall(r"<td[^>]*>(.*?)</td><td[^>]*><b>(.*?)</b></td>", html):
        if _text(k).strip().startswith(label):
            return _text(v).strip()
    raise AssertionError(f"no row {label!r}")


def _checked(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if "NBVAL_CHECK_OUTPUT" in c.source for o in c.outputs)


def test_the_apps_agree(ref):
    s = apps.build_structure_app().numbers.value
    assert _row(s, "Debt cost") == ref["debt"] and _row(s, "Owners' equity IRR") == ref["equity_irr"]
    assert _row(s, "Market as of") == ref["as_of"]
    r = apps.build_roe_app().numbers.value
    assert _row(r, "Debt cost") == ref["debt"] and _row(r, "The fund's equity IRR") == ref["equity_irr"]
    assert f"{apps.build_risk_app().controls['debt_rate_pct'].value:.2f}%" == ref["debt"]
    w = apps.build_who_gets_paid_app().numbers.value
    assert _row(w, "US: PV per $1, owning the fund") == f"{ref['us_per_dollar']} / {ref['us_per_dollar_fair']}"
    assert _row(w, "Japan: break-even fund return") == ref["breakeven"]
    st = apps.build_stress_app().numbers.value
    base = re.search(r"Base</th>(.*?)</tr>", st).group(1)
    assert _text(base).split()[0] == f"{float(ref['equity_irr'][:-1]) / 100:.1%}"


def test_the_dashboard_agrees(ref):
    d = apps.build_dashboard()
    assert _row(d.panels["Fund structure and the waterfall"].numbers.value, "Owners' equity IRR") == ref["equity_irr"]
    assert _row(d.panels["Leverage and the return on equity"].numbers.value, "Debt cost") == ref["debt"]
    assert _row(d.panels["Who gets paid"].numbers.value, "Japan: break-even fund return") == ref["breakeven"]
    assert (_row(d.panels["Who gets paid"].numbers.value, "US: PV per $1, owning the fund")
            == f"{ref['us_per_dollar']} / {ref['us_per_dollar_fair']}")


def test_the_notebooks_agree(ref):
    n01, n02, n05, n06 = (_checked(n) for n in ("01_fund_structure", "02_leverage_math", "05_who_gets_paid", "06_stress_tests"))
    for name, out in (("01", n01), ("02", n02), ("05", n05), ("06", n06)):
        assert f"month-end {ref['as_of']}" in out, name
        assert f"debt cost {ref['debt']}" in out or f"= {ref['debt']}" in out, name
    assert f"owners' equity IRR {ref['equity_irr']}" in n01
    assert f"through the whole chain (projects build first, the debt amortizes): {ref['equity_irr']}" in n02
    assert re.search(rf"Base\s+equity IRR\s+{re.escape(ref['equity_irr'])}", n06)
    assert (f"PV back per $1 out: {ref['us_per_dollar']} (budget view) / {ref['us_per_dollar_fair']} (fair value)"
            in n05)
    assert f"break-even fund return {ref['breakeven_hedged']}" in n05 and f"break-even fund return {ref['breakeven_flat']}" in n05
    n03 = _checked("03_filp_vs_jgb")
    assert f"equity IRR {ref['equity_irr']}: hedged" in n03          # the figure of notebooks 01, 02 and 06


def test_the_readmes_odds_are_notebook_07s_calibration_table():
    """The README quotes 07's headline call probability and its anchor; both come from 07's checked
    calibration cell, and from the library at the defaults."""
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"P\(any guarantee call\) (\d+\.\d)% against (\d+\.\d)% for one project loan over 15 years", readme)
    assert m, "README: the odds row lost its calibration figures"
    nb = nbformat.read(ROOT / "notebooks" / "07_the_odds.ipynb", as_version=4)
    out = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" and "cal = res.calibration()" in c.source
                    for o in c.get("outputs", []))
    row = re.search(r"P\(any guarantee call\) over the fund's life\n\s+engine (\d+\.\d)%\s+anchor \d+\.\d%–(\d+\.\d)%", out)
    assert row and row.groups() == m.groups(), (row and row.groups(), m.groups())
    from fundlib import odds

    c = odds.run_odds(20_000, 2025, exact_cap=0).calibration()
    assert (f"{c.loc['p_any_call', 'engine']:.1%}", f"{c.loc['p_any_call', 'anchor_high']:.1%}") == (m.group(1) + "%", m.group(2) + "%")


def _markdown(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_notebook_07_quotes_the_scenario_count_the_odds_app_opens_at():
    """The text beside the odds app states the count the app opens at, and its checked output reads the
    app's own control; the sampling error the text quotes is the app's."""
    from fundlib.apps import odds as AO

    app = apps.build_odds_app()
    opening = app.controls["scenarios"].value
    stated = re.findall(r"app opens at ([\d,]+) scenarios", _markdown("07_the_odds"))
    assert stated and {int(s.replace(",", "")) for s in stated} == {opening} == {AO.OPENING_SCENARIOS}
    out = _checked("07_the_odds")
    assert f"the app opens at {opening:,} scenarios" in out
    assert f"± {100 * AO.sampling_error(opening):.1f} points at {opening:,} scenarios" in out
    assert f"±{100 * AO.sampling_error(opening):.1f} points" in html.unescape(app.children[0].children[0].value)


def test_the_odds_app_gives_the_caveats_notebook_07_gives():
    """Every caveat of 07's "What this model leaves out" that concerns the app's run (all but the
    vintages', which the app does not show) is in the app's intro, with its direction; so are the rate
    model's anchors and the sampling error."""
    from fundlib import assumptions as A
    from fundlib.apps import odds as AO

    app = apps.build_odds_app()
    intro = re.sub(r"\s+([:.;,)])", r"\1", _text(app.children[0].children[0].value))   # the intro as read
    text = _markdown("07_the_odds")
    section = text.split("## What this model leaves out", 1)[1].split("## Exercises", 1)[0]
    titles = re.findall(r"^- \*\*(.+?)\.\*\*", section, re.M)
    assert len(titles) >= 5
    for title in titles:
        if "vintages" in title:
            continue
        assert f"{title}:" in intro, title
        said = section.split(f"**{title}.**", 1)[1].split("\n- **", 1)[0]
        direction = re.search(r"understat|overstat|optimistic|too narrow|too wide", said).group(0)
        assert direction in AO.CAVEATS[title][1], (title, direction)
    assert f"the FOMC's {A.value('rate_long_run_sofr'):.1%}" in intro and f"the BoJ's {A.value('rate_long_run_tona'):.2%}" in intro
    assert "Random walk" in app.controls["rate_model"].options and "random walk" in intro
    assert "Sampling error:" in intro and "sampling error" in text.lower()
