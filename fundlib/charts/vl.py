"""Vega-Lite specs written as plain dicts, for the charts an app redraws on every slider move.
Used by notebooks 05 and 06, whose layered charts cost ~50 ms a move to build through Altair.

A :class:`Spec` answers ``to_dict`` like an Altair chart and turns into one (schema-validated) with
``to_altair``, so apps, tests and the static site treat both kinds alike.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from fundlib.charts.theme import theme_config

__all__ = ["Spec"]  # the helpers below are building blocks for the chart modules


class Spec:
    """A finished Vega-Lite spec (a dict) with the chart interface the apps use."""

    def __init__(self, spec: dict):
        self.spec = spec

    def to_dict(self, validate: bool = False) -> dict:
        if validate:
            self.to_altair()  # from_dict validates against the Vega-Lite schema
        return self.spec

    def to_altair(self) -> alt.TopLevelMixin:
        kind = next((k for k in ("hconcat", "vconcat", "layer") if k in self.spec), None)
        cls = {"hconcat": alt.HConcatChart, "vconcat": alt.VConcatChart, "layer": alt.LayerChart}.get(kind, alt.Chart)
        return cls.from_dict(self.spec)

    def _repr_mimebundle_(self, *args, **kwargs):
        return self.to_altair()._repr_mimebundle_(*args, **kwargs)


def top(spec: dict) -> Spec:
    """``spec`` as a top-level chart: the schema URL and the suite's theme added."""
    return Spec({"$schema": alt.SCHEMA_URL, "config": theme_config(), **spec})


def values(df: pd.DataFrame) -> dict:
    """A DataFrame as inline data (NaN as null, as Altair writes it)."""
    rows = df.to_dict("records")
    for r in rows:
        for k, v in r.items():
            if isinstance(v, float) and not math.isfinite(v):
                r[k] = None
    return {"values": rows}


def title(text: str, subtitle=None) -> dict:
    return {"text": text} if subtitle is None else {"text": text, "subtitle": subtitle}


def color_scale(domain, colors: dict, default: str) -> dict:
    domain = list(domain)
    return {"domain": domain, "range": [colors.get(d, default) for d in domain]}
