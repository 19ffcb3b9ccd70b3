"""The Excel export's Inputs, Profile and Curves sheets (every notebook's Export to Excel): the
register values and market snapshot as named input cells, the portfolio's CFADS profile per $1 and
the annual curves, the only values in the workbook that are not formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

from fundlib import projects as P
from fundlib.export.sheet import FORMATS, TOTAL, Book, _plain, unit_label
from fundlib.export.spec import SECTOR_WEIGHT_IDS, ExportSpec

__all__ = ["InputsSheet", "inputs_sheet", "profile_sheet", "curves_sheet", "annual_par", "INPUT_NAMES", "on_inputs", "PRESET_ONLY"]

SHEET = "Inputs"
FIRST_ROW = 6
# The inputs a reader is most likely to change, by defined name (every live input has one).
INPUT_NAMES = {"leverage_x": "Leverage", "sofr": "SOFR", "us_treasury_share": "ShareUS",
               "senior_spread_bp": "SeniorSpread_bp", "guarantee_fee_bp": "GuaranteeFee_bp",
               "equity_usd_bn": "Equity", "fund_life_years": "Life", "asset_return": "AssetReturn"}
_PROFILE_PREFIXES = {"data_centres": ("dc_",), "power": ("ccgt_", "power_price"), "chip_packaging": ("pkg_",),
                     "logistics": ("logi_",)}
_MARKET_IDS = ("sofr", "tona", "usdjpy", "usdjpy_basis_bp")
# Register ids the Inputs sheet writes besides the Profile's (some only under a preset or a shock).
_WRITTEN_IDS = frozenset({
    "equity_usd_bn", "leverage_x", "sub_debt_share", "senior_spread_bp", "guarantee_fee_bp", "sub_spread_bp",
    "deploy_years", "fund_life_years", "debt_tenor_years", "debt_hedge_share", "dsra_months", "lockup_dscr",
    "exim_share_of_guarantees", "us_treasury_share", "other_lp_share", "us_retail_share", "japan_retail_share",
    "management_fee", "carried_interest", "hurdle_rate", "retail_pref_rate", "retail_preset_share", "mou_deemed_rate",
    "mou_japan_share_before_recoup", "mou_us_share_after_recoup", "asset_return", "asset_risk_premium",
    "w_data_centres", "w_power", "w_chip_packaging", "w_logistics", "sofr", "tona", "usdjpy", "usdjpy_basis_bp",
    "filp_tenor_years", "ai_bust_utilization_cut", "ai_bust_capex_up"})


# Ids written only under one preset's terms (the workbook holds one set of terms).
PRESET_ONLY = {"retail_pref_rate": "retail_first", "retail_preset_share": "retail_first", "mou_deemed_rate": "mou_2025",
               "mou_japan_share_before_recoup": "mou_2025", "mou_us_share_after_recoup": "mou_2025"}


def on_inputs(id: str) -> bool:
    """True when the Inputs sheet writes register id ``id``: an input of the formulas, or a value the
    Profile sheet was computed from."""
    return id in _WRITTEN_IDS or id.startswith(tuple(p for ps in _PROFILE_PREFIXES.values() for p in ps))


@dataclass
class Entry:
    label: str
    unit: str
    value: object = None          # a number or text; None when ``formula`` is set
    name: str | None = None       # defined name
    id: str | None = None         # register id
    source: str = ""
    kind: str = "input"           # input, calc, structural, reference, heading
    low: float | None = None
    high: float | None = None
    formula: str | None = None
    row: int = 0


class InputsSheet:
    """The one sheet of inputs: label, unit, value, register id, range and source on every line."""

    def __init__(self, book: Book, spec: ExportSpec):
        self.book, self.spec, self.entries, self.next = book, spec, [], FIRST_ROW
        book.special.append(self._write)

    def _add(self, e: Entry) -> Entry:
        e.row = self.next
        self.next += 1
        self.entries.append(e)
        if e.name:
            self.book.define(e.name, SHEET, f"$C${e.row}")
        return e

    def heading(self, text: str) -> None:
        if self.entries:
            self.next += 1
        self._add(Entry(text, "", kind="heading"))

    def register(self, id: str, label: str, name: str | None, value=None, kind="input") -> Entry:
        a = self.spec.register[id]
        v = a.value if value is None else value
        src = self.spec.source(id, value)
        if id in _MARKET_IDS and id not in self.spec.overrides:
            src = f"Market snapshot, month-end {self.spec.market.as_of}: {a.source}"
        return self._add(Entry(label, a.unit, _plain(v), name, id, src, kind, a.low, a.high))

    def value(self, label, unit, value, name=None, source="", kind="input") -> Entry:
        return self._add(Entry(label, unit, _plain(value), name, None, source, kind))

    def calc(self, label, unit, formula, name, source="formula") -> Entry:
        return self._add(Entry(label, unit, None, name, None, source, "calc", formula=formula))

    def _write(self, grids) -> None:
        g = grids[SHEET]
        g.put(1, 1, "Inputs: every number the workbook starts from", "title")
        g.put(2, 1, "Blue on yellow: inputs (change them and every sheet recomputes). Black: formulas. Grey: values from "
                    "fundlib kept for the record or fixed at export (a structural input such as the fund's life needs a "
                    "new export).", "about")
        for c, h in enumerate(("Item", "Unit", "Value", "Register id", "Low", "High", "Source", "Source tier"), start=1):
            g.put(4, c, h, "head")
        for e in self.entries:
            if e.kind == "heading":
                g.put(e.row, 1, e.label, "heading")
                continue
            g.put(e.row, 1, e.label)
            g.put(e.row, 2, unit_label(e.unit))
            v = self.book.render(e.formula, TOTAL, None) if e.formula else e.value
            g.put(e.row, 3, v, {"input": "input", "calc": ""}.get(e.kind, "value"), FORMATS.get(e.unit, "General"))
            g.put(e.row, 4, e.id)
            if e.low is not None:                   # the range in the value's own format (7.000%, not 0.07)
                g.put(e.row, 5, e.low, "", FORMATS.get(e.unit, "General"))
                g.put(e.row, 6, e.high, "", FORMATS.get(e.unit, "General"))
            g.put(e.row, 7, e.source, "wrap")
            if e.id in self.spec.register:          # how far the source can be trusted (fundlib.data.TIERS)
                g.put(e.row, 8, self.spec.register[e.id].tier)
        g.widths.update(dict(zip(range(1, 9), (56, 16, 14, 30, 11, 11, 90, 12))))
        g.freeze = (5, 3)
        g.label_cols = 2


def inputs_sheet(book: Book, spec: ExportSpec) -> InputsSheet:
    s = InputsSheet(book, spec)
    f, m, fees = spec.fund, spec.market, spec.fund.fees
    s.heading("Scenario")
    s.value("Distribution terms (waterfall preset)", "text", spec.preset, source="fundlib.waterfall.PRESETS", kind="reference")
    ov = ", ".join(f"{k} = {v:g}" for k, v in sorted(spec.overrides.items())) or "none (the register's defaults)"
    s.value("Scenario overrides of the register", "text", ov, source="fundlib.assumptions.scenario", kind="reference")

    s.heading("Fund and debt")
    s.register("equity_usd_bn", "Equity", "Equity", f.equity_usd_bn)
    s.register("leverage_x", "Leverage (assets ÷ equity)", "Leverage", f.leverage)
    s.register("sub_debt_share", "Share of the debt that is subordinated (unguaranteed)", "SubShare", f.sub_debt_share)
    s.register("senior_spread_bp", "Senior spread over SOFR", "SeniorSpread_bp", f.senior_spread_bp)
    s.register("guarantee_fee_bp", "Ex-Im Bank / JBIC guarantee fee", "GuaranteeFee_bp", f.guarantee_fee_bp)
    s.register("sub_spread_bp", "Subordinated spread over SOFR", "SubSpread_bp", f.sub_spread_bp)
    s.register("deploy_years", "Years over which the equity is called", "DeployYears", f.deploy_years)
    s.register("fund_life_years", "Fund life (structural: the number of year columns)", "Life", f.life_years, kind="structural")
    s.register("debt_tenor_years", "Debt tenor: the principal plan's years (at most 40)", "DebtTenor", f.debt_tenor_years)
    s.register("debt_hedge_share", "Share of the senior plan's balance swapped from SOFR to fixed", "HedgeShare", f.hedge_share)
    s.register("dsra_months", "Debt-service reserve: months of the largest planned senior service", "DSRAMonths")
    s.register("lockup_dscr", "Lock-up test: distributions stop below this DSCR", "LockupDSCR")
    s.register("exim_share_of_guarantees", "Ex-Im Bank's share of guarantee calls (JBIC the rest)", "EximShare")

    s.heading("Owners (shares of the equity)")
    s.register("us_treasury_share", "US Treasury", "ShareUS", f.shares["us_treasury"])
    s.register("other_lp_share", "Other limited partners", "ShareOtherLP", f.shares["other_lp"])
    s.register("us_retail_share", "US retail savers", "ShareUSRetail", f.shares["us_retail"])
    s.register("japan_retail_share", "Japanese retail savers", "ShareJapanRetail", f.shares["japan_retail"])
    rest = 1.0 - (f.shares["us_treasury"] + f.shares["other_lp"] + f.shares["us_retail"] + f.shares["japan_retail"])
    if rest == f.shares["japan_mof"]:
        s.calc("Japan MoF (holds the rest, as the apps' sliders)", "decimal",
               "1-(ShareUS+ShareOtherLP+ShareUSRetail+ShareJapanRetail)", "ShareJapan",
               "formula: 1 − the other shares; " + spec.source("japan_mof_share", f.shares["japan_mof"]))
    else:
        s.register("japan_mof_share", "Japan MoF (as given: does not take the rest)", "ShareJapan", f.shares["japan_mof"])

    s.heading("Fees and distribution terms")
    s.register("management_fee", "Management fee a year", "MgmtFee", fees.management_fee)
    s.value("Fee on committed capital (1) or on capital paid in (0)", "flag", int(fees.basis == "committed"),
            "FeeOnCommitted", "fundlib.structure.Fees.basis")
    s.register("carried_interest", "Carried interest", "Carry", fees.carried_interest)
    s.register("hurdle_rate", "Hurdle (preferred return)", "Hurdle", fees.hurdle_rate)
    s.value("Manager catch-up after the hurdle (1 yes, 0 no)", "flag", int(fees.catch_up), "CatchUpOn",
            "fundlib.structure.Fees.catch_up")
    if spec.preset == "retail_first":
        s.register("retail_pref_rate", "Retail savers' preferred return", "RetailPrefRate", spec.retail_pref_rate)
        s.register("retail_preset_share", "Each country's retail share when the fund has none", "RetailPresetShare")
    if spec.preset == "mou_2025":
        s.register("mou_deemed_rate", "MOU deemed interest rate", "DeemedRate", spec.deemed_rate)
        s.register("mou_japan_share_before_recoup", "Japan's share until it recoups", "MouJapanBefore")
        s.register("mou_us_share_after_recoup", "US share after Japan recoups", "MouUSAfter")

    s.heading("Portfolio")
    s.register("asset_return", "Gross return on the fund's assets (unlevered IRR)", "AssetReturn", spec.asset_return)
    s.register("asset_risk_premium", "Asset risk premium over the USD forwards (the exit value's discount rate)", "AssetPremium")
    for sec, wid in SECTOR_WEIGHT_IDS.items():
        s.register(wid, f"Weight: {P.SECTOR_LABELS[sec]}", "W_" + "".join(x.title() for x in sec.split("_")),
                   spec.weights[sec])

    s.heading(f"Market snapshot, month-end {m.as_of}")
    s.value("As-of month", "text", m.as_of, source="fundlib.market.Market", kind="reference")
    s.value("Financial close: the as-of month's last day (year 0)", "date",
            pd.Period(m.as_of, "M").end_time.date(), "CloseDate", "the market snapshot's month-end")
    s.register("sofr", "SOFR", "SOFR", m.sofr)
    if m.tona_rate is not None:
        s.register("tona", "TONA (for the record: no formula uses it)", None, m.tona_rate, kind="reference")
    s.register("usdjpy", "USD/JPY spot", "USDJPY", m.usdjpy)
    s.register("usdjpy_basis_bp", "USD/JPY cross-currency basis (on the yen leg)", "Basis_bp", m.basis_bp)
    s.register("filp_tenor_years", "FILP bond tenor", "FilpTenor")
    s.value("Tenor of the US Treasury par yield used to discount PVs", "years", 30, "PVTenor",
            "fundlib.treasury: the US view discounts at the 30-year Treasury yield")
    for cur, par, label in (("USD", m.usd_par, "US Treasury"), ("JPY", m.jpy_par, "JGB")):
        for tenor, y in par.items():
            s.value(f"{label} par yield, {tenor:g} years", "decimal", float(y),
                    source=f"data/rates_monthly.csv, month-end {m.as_of} (the Curves sheet's annual curve is fitted to these)",
                    kind="reference")

    s.heading("What-ifs after financial close")
    sofr_bp, fx, bust, delay = spec.shocks.arrays()
    s.value("SOFR shock (added to SOFR every year after close)", "bp", float(sofr_bp), "SofrShock_bp", "fundlib.chain.Shocks.sofr_bp")
    s.value("Yen appreciation a year (unhedged path)", "decimal", spec.yen_appreciation, "YenAppreciation",
            "fundlib.chain.run(yen_appreciation=)")
    s.value("USD/JPY from year 1 replaces the path (1 on, 0 off)", "flag", int(fx is not None), "FxShockOn", "fundlib.chain.Shocks.usdjpy")
    s.value("USD/JPY from year 1 when switched on", "jpy_per_usd", float(fx) if fx is not None else m.usdjpy, "UsdJpyShock",
            "fundlib.chain.Shocks.usdjpy")
    s.value("AI capex bust severity (shapes the Profile values)", "x", float(bust), source="fundlib.chain.Shocks.ai_bust", kind="reference")
    s.value("Construction delay (shapes the Profile values)", "years", float(delay), source="fundlib.chain.Shocks.delay_years", kind="reference")

    s.heading("Derived (formulas)")
    s.calc("Senior margin over SOFR: spread + guarantee fee", "decimal", "(SeniorSpread_bp+GuaranteeFee_bp)*BP", "SeniorMargin")
    s.calc("Guarantee fee, paid to Ex-Im Bank and JBIC on the senior balance", "decimal", "GuaranteeFee_bp*BP", "GFee")
    s.calc("Move of the USD curve the exit is valued on: the SOFR shock", "decimal", "SofrShock_bp*BP", "CurveShift")
    s.calc("Subordinated margin over SOFR", "decimal", "SubSpread_bp*BP", "SubMargin")
    s.calc("Cost of debt (the principal plan's rate; FundStructure.debt_rate)", "decimal",
           "SOFR+SeniorMargin*(1-SubShare)+SubMargin*SubShare", "DebtRate")
    tenor = spec.register["filp_tenor_years"].value
    if float(tenor).is_integer() and 1 <= tenor <= spec.N:
        s.calc("FILP yield: the JGB par yield at the FILP tenor", "decimal", "INDEX({jpy_par@row},FilpTenor)", "FilpYield")
    else:
        s.value("FILP yield: the JGB par yield at the FILP tenor (value: the tenor is not a whole year)", "decimal",
                spec.market.par_yield("JPY", float(tenor)), "FilpYield", "fundlib.market.Market.par_yield", kind="structural")
    s.calc("Discount rate for PVs: the US Treasury par yield at that tenor", "decimal", "INDEX({usd_par@row},PVTenor)", "PVRate")

    s.heading("Constants")
    s.value("IRR search bracket: lowest rate", "decimal", -0.9999, "IRRLow", "a loss of 99.99% a year", kind="structural")
    s.value("IRR search bracket: highest rate", "decimal", 100.0, "IRRHigh", "a gain of 10,000% a year", kind="structural")
    s.value("One basis point", "decimal", 1e-4, "BP", "definition", kind="structural")
    s.value("¥bn in ¥1tn", "factor", 1000, "YenBnPerTn", "definition", kind="structural")
    s.value("Amounts below this count as zero (as in fundlib.chain)", "usd_bn", 1e-12, "Tiny", "fundlib.chain", kind="structural")
    s.value("A planned balance below this × the debt drawn is repaid", "factor", 1e-9, "PlanTolerance", "fundlib.chain", kind="structural")
    s.value("Senior debt counts as outstanding above this (the reserve keeps its floor)", "usd_bn", 1e-9, "OwedTolerance",
            "fundlib.chain", kind="structural")
    s.value("Months in a year", "months", 12, "MonthsPerYear", "definition", kind="structural")
    s.value("Years of the annual curves (the Curves sheet's columns; the Market's curve ends at 100)", "years", spec.N,
            "Tenors", "fundlib.market.Market (annual zero curve to 100 years)", kind="structural")

    s.heading("Behind the CFADS profile (values: the Profile sheet was computed from them at export)")
    for sec, prefixes in _PROFILE_PREFIXES.items():
        for id in spec.register:
            if id.startswith(prefixes):
                s.register(id, f"{P.SECTOR_LABELS[sec]}: {id}", None, kind="reference")
    if spec.shocked:
        s.register("ai_bust_utilization_cut", "AI bust: data-centre utilization cut", None, kind="reference")
        s.register("ai_bust_capex_up", "AI bust: data-centre maintenance and refresh capex up", None, kind="reference")
    return s


def annual_par(market, currency: str, years: int) -> np.ndarray:
    """The par curve at whole years 1..``years`` as fundlib.market fits it before bootstrapping: PCHIP
    through the tenors of a year and longer, flat beyond the ends."""
    par = market.usd_par if currency == "USD" else market.jpy_par
    t, y = par.index.to_numpy(float), par.to_numpy(float)
    long = t >= 1.0
    tt, yy = (t[long], y[long]) if long.sum() >= 1 else (t[-1:], y[-1:])
    grid = np.arange(1, years + 1, dtype=float)
    if tt.size >= 2:
        return PchipInterpolator(tt, yy, extrapolate=False)(np.clip(grid, tt[0], tt[-1]))
    return np.full(grid.shape, yy[0])


def profile_sheet(book: Book, spec: ExportSpec) -> tuple[str, str]:
    """Returns the keys of the scaled CFADS rows the fund's cash flows use (after any shock) and the
    debt plan is sculpted on (after any delay)."""
    H = spec.H
    s = book.sheet("Profile", H, "Profile: the portfolio's CFADS per $1 of assets, by age of the assets",
                   "Grey rows are values from fundlib.projects (too detailed for formulas: see notebook 04); "
                   "the weighting, the scaling to the asset return and the value of what is still held are formulas.",
                   year_label="Age")
    s.row("age", "Age of the assets (years since purchase)", "year", values=list(range(H)))
    s.heading("By sector, per $1 of capex (values)")
    for sec in P.SECTORS:
        s.row(f"sec_{sec}", f"{P.SECTOR_LABELS[sec]}: CFADS per $1 of capex", "per $1 of assets",
              values=[float(v) for v in spec.sector_profiles[sec]])
    weights = {sec: "W_" + "".join(x.title() for x in sec.split("_")) for sec in P.SECTORS}
    mix = "+".join(f"{weights[sec]}*{{sec_{sec}}}" for sec in P.SECTORS)
    s.heading("The portfolio")
    s.row("prof_base", "Portfolio CFADS per $1 (weights on Inputs)", "per $1 of assets", mix)
    s.scalar("scale", "Scale: 1 ÷ PV of the profile at the asset return, so the unlevered IRR is the asset return",
             "factor", "1/({prof_base@0}+NPV(AssetReturn,{prof_base@row1}))")
    s.row("prof_base_scaled", "Scaled CFADS per $1 (the debt plan's base case)", "per $1 of assets", "{prof_base}*{scale}")
    def shocked_rows(tag, heading, profiles, what, scaled_label):
        """A block of sector values, their weighted portfolio and its scaled row; returns the scaled key."""
        s.heading(heading)
        for sec in P.SECTORS:
            s.row(f"{tag}_{sec}", f"{P.SECTOR_LABELS[sec]}: CFADS per $1 of capex{what}", "per $1 of assets",
                  values=[float(v) for v in profiles[sec]])
        s.row(f"prof_{tag}", f"Portfolio CFADS per $1{what}", "per $1 of assets",
              "+".join(f"{weights[sec]}*{{{tag}_{sec}}}" for sec in P.SECTORS))
        s.row(f"prof_{tag}_scaled", scaled_label, "per $1 of assets", f"{{prof_{tag}}}*{{scale}}")
        return f"prof_{tag}_scaled"

    key = plan_key = "prof_base_scaled"
    if spec.shocked:
        key = shocked_rows("shk", "After the AI-bust / delay shock (values by sector)", spec.shocked_profiles,
                           " after the shock", "Scaled CFADS per $1 after the shock (what the fund receives)")
    if spec.late_profiles is not None:
        plan_key = shocked_rows("late", "After the delay alone (values by sector): the debt is re-sculpted on it",
                                spec.late_profiles, ", late", "Scaled CFADS per $1, late (the re-sculpted plan's base)")
    s.heading("The exit: the assets still held, valued on the USD forwards + the asset risk premium")
    s.row("exit_df", "Discount factor k = age + 1 years after the exit: the one before ÷ (1 + USD forward for that "
          "year + premium + curve move)", "factor",
          "IF({age}=0,1,{exit_df@prev})/(1+INDEX({usd_df@row},MIN(Life+{age}+1,Tenors)-1)/INDEX({usd_df@row},"
          "MIN(Life+{age}+1,Tenors))-1+AssetPremium+CurveShift)", width=H - 1)
    s.row("held_value", "Value of $1 of assets after this age: its later CFADS on the exit's discount factors (sale at exit)",
          "per $1 of assets", "SUMPRODUCT({" + key + "@tail1},{exit_df@lead})", width=H - 1)
    s.heading("Check")
    s.row("unlevered", "Unlevered cash flow per $1: −1 at purchase, then the scaled CFADS", "per $1 of assets",
          "{prof_base_scaled}-IF({age}=0,1,0)")
    s.scalar("unlevered_irr", "Unlevered IRR (equals the asset return)", "decimal", "IRR({unlevered@row})", style="check")
    return key, plan_key


def curves_sheet(book: Book, spec: ExportSpec) -> None:
    N = spec.N
    s = book.sheet("Curves", N, "Curves: annual par, discount and zero rates for the forwards and the FILP yield",
                   "Grey rows are values: the par curve fitted (PCHIP) to the month's tenors on Inputs, as fundlib.market "
                   "fits it. The bootstrap to discount factors and zero rates is formulas.", year_label="Tenor", start=1)
    s.row("tenor", "Tenor", "years", values=list(range(1, N + 1)))
    for cur, label in (("usd", "US Treasury"), ("jpy", "JGB")):
        s.heading(f"{label} curve")
        s.row(f"{cur}_par", f"{label} par yield (fitted; values)", "decimal",
              values=[float(v) for v in annual_par(spec.market, cur.upper(), N)])
        s.row(f"{cur}_df", "Discount factor: (1 − par × annuity to the year before) ÷ (1 + par)", "factor",
              f"(1-{{{cur}_par}}*{{{cur}_ann@prev}})/(1+{{{cur}_par}})")
        s.row(f"{cur}_ann", "Annuity: sum of the discount factors so far", "factor", f"{{{cur}_ann@prev}}+{{{cur}_df}}")
        s.row(f"{cur}_zero", "Zero rate (annually compounded)", "decimal", f"{{{cur}_df}}^(-1/{{tenor}})-1")
