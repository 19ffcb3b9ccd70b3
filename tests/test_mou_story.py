"""One story under the MOU terms: the structure app's ownership table, capital stack and payout table
say the same thing about what each government puts in and gets out, and it is what the chain ran."""

import html
import re

import pytest

from fundlib import apps
from fundlib import chain as CH
from fundlib import structure as S
from fundlib import waterfall as W
from fundlib.market import Market


def _bn(cell: str) -> float:
    """A money cell as the app shows it ("$300bn", "−$5.2bn") in $bn."""
    m = re.fullmatch(r"([−-]?)\$([\d,.]+)bn", cell.strip())
    assert m, cell
    return (-1 if m.group(1) else 1) * float(m.group(2).replace(",", ""))


def _shown_row(app, owner: str, css: str = "") -> list[str]:
    """The cells of ``owner``'s row in the app's HTML tables (the returns table when ``css`` names it)."""
    text = app.numbers.value
    if css:
        text = re.search(rf"<table class='[^']*{css}'.*?</table>", text, re.S).group(0)
    rows = re.findall(rf"<tr><th[^>]*>{re.escape(owner)}</th>(.*?)</tr>", text, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>.*?</td>", rows[0])]


def _stack(app) -> dict[str, float]:
    spec = app.last_view.charts["stack"].to_dict()
    (rows,) = spec["datasets"].values()
    return {r["layer"]: r["amount_usd_bn"] for r in rows}


@pytest.fixture(scope="module")
def mou_app():
    app = apps.build_structure_app()
    app.controls["preset"].value = "mou_2025"
    assert app.message.value == ""
    return app


def test_stake_stack_and_payout_agree_under_the_mou(mou_app):
    from fundlib.apps import structure as AS

    fund = S.FundStructure()
    own, _, paid_in = AS.owners_under_terms(fund, "mou_2025")     # the table the app shows, in model units
    stack = _stack(mou_app)
    shown = {who: (_bn(_shown_row(mou_app, who)[0]), _bn(_shown_row(mou_app, who, "fundlib-returns")[0]),
                   _bn(_shown_row(mou_app, who, "fundlib-returns")[1])) for who in ("US Treasury", "Japan MoF")}
    # the US Treasury puts in nothing: no stake, no layer in the stack, nothing paid in
    assert own.loc["US Treasury", "capital put in"] == 0.0 == paid_in["us_treasury"]
    assert "US Treasury" not in stack
    assert shown["US Treasury"][:2] == (0.0, 0.0)
    # Japan's MoF puts in all the equity: the same $300bn in the table, the stack and the payout
    equity = fund.equity_usd_bn
    assert own.loc["Japan MoF", "capital put in"] == pytest.approx(equity)
    assert stack["Japan MoF"] == pytest.approx(equity)
    assert shown["Japan MoF"][:2] == (equity, equity)
    # the stack is the whole fund: the debt plus what was put in, and nothing else
    assert sum(stack.values()) == pytest.approx(fund.assets_usd_bn)
    assert sum(v for k, v in stack.items() if "debt" in k) + own["capital put in"].sum() == pytest.approx(fund.assets_usd_bn)
    # and it is what the chain ran: paid in and received by each government from its ledger
    res = CH.run(fund, Market.current(), preset="mou_2025").summary().set_index("payee")
    for who in ("US Treasury", "Japan MoF"):
        assert res.loc[who, "paid_in_usd_bn"] == pytest.approx(own.loc[who, "capital put in"])
        assert shown[who][2] == round(res.loc[who, "received_usd_bn"])
    # the shares of the cash shown are the terms the waterfall pays by (50/50, then 90/10)
    _, _, tiers = W.preset_terms("mou_2025", fund)
    before, after = own.columns[1:3]                              # cash share until Japan recoups, then
    assert own.loc["US Treasury", before] == tiers[0].shares["us_treasury"]
    assert own.loc["US Treasury", after] == tiers[1].shares["us_treasury"]
    assert own.loc["Japan MoF", [before, after]].tolist() == [tiers[0].shares["japan_mof"], tiers[1].shares["japan_mof"]]


def test_what_the_reader_sees_under_the_mou(mou_app):
    """The same numbers on the page: $0bn and $300bn in both tables, a stack titled for it, one sentence why."""
    us_own, jp_own = _shown_row(mou_app, "US Treasury"), _shown_row(mou_app, "Japan MoF")
    us_paid = _shown_row(mou_app, "US Treasury", "fundlib-returns")
    jp_paid = _shown_row(mou_app, "Japan MoF", "fundlib-returns")
    assert us_own[0] == us_paid[0] == "$0bn"
    assert jp_own[0] == jp_paid[0] == "$300bn"
    assert us_own[1:3] == ["50.0%", "90.0%"] and jp_own[1:3] == ["50.0%", "10.0%"]
    assert us_paid[3] == "n/a"                          # no IRR on nothing paid in
    text = html.unescape(re.sub(r"<[^>]+>", "", mou_app.numbers.value))
    assert "Japan's MoF puts in all $300bn, the US Treasury $0bn" in text
    assert "a claim on the cash, not capital (50% until Japan recoups" in text and "no layer in the stack" in text
    assert "$150bn" not in text                          # the pro-rata stake of the proposal is gone
    assert "the US puts in no capital" in str(mou_app.last_view.charts["stack"].to_dict())   # the stack's title


def test_the_proposal_and_retail_terms_show_what_each_owner_puts_in():
    """Under the retail-friendly terms the savers' 5% comes out of the governments' shares: the table
    and the stack show $135bn / $15bn, as the payout does (they showed $150bn before)."""
    app = apps.build_structure_app()
    assert _bn(_shown_row(app, "US Treasury")[0]) == 150.0 and _stack(app)["US Treasury"] == pytest.approx(150.0)
    app.controls["preset"].value = "retail_first"
    stack = _stack(app)
    for who, want in (("US Treasury", 135.0), ("Japan MoF", 135.0), ("US retail savers", 15.0), ("Japanese retail savers", 15.0)):
        assert _bn(_shown_row(app, who)[0]) == want == _bn(_shown_row(app, who, "fundlib-returns")[0])
        assert stack[who] == pytest.approx(want)


def test_capital_stack_takes_the_terms_paid_in_shares():
    from fundlib import InputError

    fund = S.FundStructure()
    st = S.capital_stack(fund, {"japan_mof": 1.0}).set_index("layer")["amount_usd_bn"]
    assert list(st.index) == ["Senior guaranteed debt", "Japan MoF"] and st.sum() == pytest.approx(fund.assets_usd_bn)
    with pytest.raises(InputError, match="paid_in"):
        S.capital_stack(fund, {"japan_mof": 0.5})
