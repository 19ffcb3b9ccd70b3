"""Chart export (fundlib.charts.save) and the theme: every format written offline and non-trivial."""

import pytest

from fundlib import InputError
from fundlib import charts as C
from fundlib import structure as S


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<svg"), (".pdf", b"%PDF"), (".html", b"<!DOCTYPE html>")])
def test_save_every_format(tmp_path, suffix, magic):
    chart = C.capital_stack_chart(S.capital_stack(S.FundStructure()))
    path = C.save(chart, tmp_path / f"stack{suffix}")
    data = path.read_bytes()
    assert magic in data[:200] and len(data) > 2000
    if suffix == ".html":
        assert b"cdn.jsdelivr" not in data  # Vega is inlined: the file works offline


def test_save_rejects_unknown_formats(tmp_path):
    with pytest.raises(InputError, match="png, .svg, .pdf or .html"):
        C.save(C.capital_stack_chart(S.capital_stack(S.FundStructure())), tmp_path / "x.gif")


def test_theme_is_colour_blind_safe_and_active():
    import altair as alt

    assert alt.theme.active == C.THEME
    assert C.OWNER_COLORS["US Treasury"] == "#0072B2" and C.OWNER_COLORS["Japan MoF"] == "#D55E00"  # Okabe-Ito
