"""The market snapshot: every market input the suite uses (JGB and UST curves, SOFR, TONA, USD/JPY,
the cross-currency basis) at one as-of month. Every notebook prices off one; 00 and 03 show it.

The data's yields are par yields at the published tenors (constant-maturity series). A
:class:`Market` interpolates them across tenors with a monotone PCHIP, holds them flat beyond the
longest tenor (and says so: :meth:`Market.extrapolated`), and bootstraps annual-pay zero rates from
them, so that every par bond on the curve prices at 100. Forwards are annually compounded from
those zero rates, with the basis added to the yen leg.

``Market.latest()`` is the latest month in which every series has a value; ``Market.at("2016-07")``
any month since 2000. A month that lacks a series says so (:attr:`Market.missing`) and refuses to
invent it, unless ``stand_ins=True``, which uses the nearest older series and records it
(:attr:`Market.stand_ins`): the 3-month Treasury bill for SOFR (which starts 2018-04), the 1-year
JGB yield for TONA (which starts 2021-08 in the data).

Only this module reads market numbers from the register (scenario overrides of ``sofr``, ``tona``,
``usdjpy``, ``usdjpy_basis_bp``, ``jgb_30y`` and ``ust_30y``) or from the rates table; every model
takes a ``Market``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

from fundlib import assumptions as A
from fundlib._validate import InputError, check_bool, check_choice, check_instance, check_int, check_range
from fundlib.data import JGB_TENORS, UST_TENORS, load_rates_monthly

__all__ = ["Market", "MarketGap", "MARKET_IDS", "CURRENCIES", "STAND_INS", "MAX_YEARS"]

CURRENCIES = ("USD", "JPY")
MAX_YEARS = 100          # zero rates are bootstrapped on an annual grid out to here
MARKET_IDS = ("sofr", "tona", "usdjpy", "usdjpy_basis_bp", "jgb_30y", "ust_30y")
_CURVE_COLUMNS = {
    "JPY": {f"jgb_{t}y": float(t) for t in JGB_TENORS},
    "USD": {f"ust_{k}": float(v) for k, v in UST_TENORS.items()},
}
_LABELS = {"sofr": "SOFR", "tona": "TONA", "usdjpy": "USD/JPY", "USD": "the US Treasury curve",
           "JPY": "the JGB curve"}
STAND_INS = {
    "sofr": ("ust_3m", "the 3-month US Treasury bill yield (H.15), standing in for SOFR before 2018-04"),
    "tona": ("jgb_1y", "the 1-year JGB yield (MoF), standing in for TONA before 2021-08"),
}
_MIN_POINTS = 4          # a curve needs at least this many tenors that month


@lru_cache(maxsize=8)
def _latest_month(_data: str) -> str:
    return str(_complete_months(_rates())[-1])


@lru_cache(maxsize=64)
def _market_at(month: str, stand_ins: bool, basis: float, _data: str) -> "Market":
    return Market._build(month, stand_ins, basis)


@lru_cache(maxsize=32)
def _current(overrides: tuple, latest: "Market") -> "Market":
    return latest._with_overrides(dict(overrides))


def _month(name: str, month) -> pd.Period:
    """A month written YYYY-MM (or a monthly Period): TypeError for other kinds, InputError when unreadable."""
    if isinstance(month, pd.Period):
        return month.asfreq("M")
    if not isinstance(month, str):
        raise TypeError(f"{name} must be a month written YYYY-MM (text or a Period); got {type(month).__name__}")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise InputError(name, month, "a month written YYYY-MM")
    return pd.Period(month, freq="M")


class MarketGap(InputError):
    """A market number the as-of month does not have (the series had not started, or has ended)."""

    def __init__(self, series: str, month: str, detail: str):
        self.name, self.value, self.valid = series, None, detail
        ValueError.__init__(self, f"{series} has no value at month-end {month}: {detail}.")


def _rates() -> pd.DataFrame:
    return load_rates_monthly()


def _complete_months(rates: pd.DataFrame) -> pd.PeriodIndex:
    ok = rates[["sofr", "tona", "usdjpy", "jgb_30y", "ust_30y"]].notna().all(axis=1)
    for cur, cols in _CURVE_COLUMNS.items():
        ok &= rates[list(cols)].notna().sum(axis=1) >= _MIN_POINTS
    return rates.index[ok]


def _bootstrap(par_tenors: np.ndarray, par_yields: np.ndarray, name: str = "par curve") -> np.ndarray:
    """Annual-pay zero rates for years 1..MAX_YEARS from par yields at ``par_tenors``.

    Par yields are interpolated with PCHIP across the data's tenors (1 year and longer; a
    shorter tenor anchors the first year), held flat beyond the longest, then bootstrapped:
    DF(n) = (1 − y_n Σ_{k<n} DF(k)) / (1 + y_n); z_n = DF(n)^(−1/n) − 1.
    """
    years = np.arange(1, MAX_YEARS + 1, dtype=float)
    if par_tenors.size >= 2:
        f = PchipInterpolator(par_tenors, par_yields, extrapolate=False)
        y = f(np.clip(years, par_tenors[0], par_tenors[-1]))
    else:
        y = np.full(years.shape, par_yields[0])
    df = np.empty_like(years)
    annuity = 0.0
    for i, yn in enumerate(y):
        df[i] = (1.0 - yn * annuity) / (1.0 + yn)
        annuity += df[i]
    if np.any(df <= 0):
        raise InputError(name, "implies a discount factor ≤ 0", "par yields that bootstrap to positive discount factors")
    return df ** (-1.0 / years) - 1.0


@dataclass(frozen=True, eq=False)
class Market:
    """One month's market. Rates are decimals; USD/JPY in yen per dollar; the basis in bp.

    ``as_of``: the month, 'YYYY-MM'. ``usd_par`` and ``jpy_par``: the data's par yields by tenor
    (years) that month, a pandas Series of decimals in [−50%, 100%] at increasing tenors in (0, 100]
    (empty or None when the month lacks that curve). ``sofr_rate``, ``tona_rate``: decimals in
    [−50%, 100%] or None; ``spot``: yen per dollar in (0, 1e6] or None; ``basis_bp`` in [−500, 500].
    ``missing``: the names of the series the month lacks; ``stand_ins``: (series, description) pairs.
    """

    as_of: str
    usd_par: pd.Series
    jpy_par: pd.Series
    sofr_rate: float | None
    tona_rate: float | None
    spot: float | None
    basis_bp: float
    missing: tuple = ()
    stand_ins: tuple = ()          # (series, what stands in for it)
    _zeros: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "as_of", str(_month("as_of", self.as_of)))
        check_range("basis_bp", self.basis_bp, -500.0, 500.0)
        for name in ("sofr_rate", "tona_rate", "spot"):
            v = getattr(self, name)
            if v is not None:
                hi = 1e6 if name == "spot" else 1.0
                if isinstance(v, (list, tuple)) or (isinstance(v, np.ndarray) and v.ndim):
                    raise TypeError(f"{name} must be a single number or None; got {type(v).__name__}")
                check_range(name, v, 0.0 if name == "spot" else -0.5, hi, low_open=name == "spot")
        for name in ("missing", "stand_ins"):
            v = getattr(self, name)
            check_instance(name, v, (tuple, list), "a tuple")
            if name == "missing" and not all(isinstance(x, str) for x in v):
                raise TypeError(f"missing must be a tuple of series names (text); got {v!r}"[:160])
            if name == "stand_ins" and not all(isinstance(x, (tuple, list)) and len(x) == 2 for x in v):
                raise TypeError(f"stand_ins must be a tuple of (series, description) pairs; got {v!r}"[:160])
            object.__setattr__(self, name, tuple(tuple(x) if name == "stand_ins" else x for x in v))
        for cur, name in (("USD", "usd_par"), ("JPY", "jpy_par")):
            par = getattr(self, name)
            if par is None:
                continue
            check_instance(name, par, pd.Series, "a pandas Series of par yields indexed by tenor in years (or None)")
            if len(par) == 0:
                continue
            t = np.atleast_1d(check_range(f"{name}.index", par.index.to_numpy(), 0.0, MAX_YEARS, low_open=True))
            y = np.atleast_1d(check_range(f"{name}.values", par.to_numpy(), -0.5, 1.0))
            if not np.all(np.diff(t) > 0):
                raise InputError(f"{name}.index", t.tolist(), "increasing tenors, each given once")
            long = t >= 1.0
            tt, yy = (t[long], y[long]) if long.sum() >= 1 else (t[-1:], y[-1:])
            self._zeros[cur] = _bootstrap(tt, yy, name)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def latest(cls) -> "Market":
        """The latest month in which every series the suite uses has a value."""
        from fundlib.data import data_dir

        return cls.at(_latest_month(str(data_dir())))

    @classmethod
    def at(cls, month, *, stand_ins: bool = False, basis_bp: float | None = None) -> "Market":
        """The market at month-end ``month`` ("YYYY-MM"), any month of the data since 2000-01.

        Markets are immutable, so each (month, stand-ins, basis, data folder) is built once.
        ``basis_bp``: None for the register's ``usdjpy_basis_bp``, else a number in its range."""
        month = _month("month", month)
        stand_ins = check_bool("stand_ins", stand_ins)
        basis = A.get("usdjpy_basis_bp").value if basis_bp is None else A.check("usdjpy_basis_bp", basis_bp, "basis_bp")
        from fundlib.data import data_dir

        return _market_at(str(pd.Period(month, freq="M")), bool(stand_ins), basis, str(data_dir()))

    @classmethod
    def _build(cls, month: str, stand_ins: bool, basis: float) -> "Market":
        rates = _rates()
        m = _month("month", month)
        if m not in rates.index:
            raise InputError("month", str(m), f"a month in {rates.index[0]}..{rates.index[-1]}")
        row = rates.loc[m]
        missing, used = [], []

        def curve(cur):
            cols = _CURVE_COLUMNS[cur]
            vals = row[list(cols)].dropna()
            if len(vals) < _MIN_POINTS:
                missing.append(cur)
                return pd.Series(dtype=float)
            return pd.Series(vals.to_numpy(float), index=pd.Index([cols[c] for c in vals.index], name="tenor_years"))

        def short(name):
            v = row[name]
            if np.isfinite(v):
                return float(v)
            if stand_ins and np.isfinite(row[STAND_INS[name][0]]):
                used.append((name, STAND_INS[name][1]))
                return float(row[STAND_INS[name][0]])
            missing.append(name)
            return None

        usd, jpy = curve("USD"), curve("JPY")
        sofr, tona = short("sofr"), short("tona")
        spot = float(row["usdjpy"]) if np.isfinite(row["usdjpy"]) else None
        if spot is None:
            missing.append("usdjpy")
        return cls(str(m), usd, jpy, sofr, tona, spot, float(basis), tuple(missing), tuple(used))

    @classmethod
    def current(cls) -> "Market":
        """:meth:`latest` with the active scenario's market overrides applied (see :meth:`with_`)."""
        o = {k: v for k, v in A.current_overrides().items() if k in MARKET_IDS}
        return _current(tuple(sorted(o.items())), cls.latest())

    def _with_overrides(self, o: dict) -> "Market":
        return self.with_(sofr=o.get("sofr"), tona=o.get("tona"), usdjpy=o.get("usdjpy"),
                       basis_bp=o.get("usdjpy_basis_bp"), jgb_30y=o.get("jgb_30y"), ust_30y=o.get("ust_30y"))

    def with_(self, *, sofr=None, tona=None, usdjpy=None, basis_bp=None, jgb_30y=None, ust_30y=None) -> "Market":
        """A copy with some numbers replaced. ``jgb_30y``/``ust_30y`` shift that whole curve in
        parallel so its 30-year par yield is the value given; the others replace one number. Each
        value is checked against its register range (data/assumptions.csv): TypeError for a value
        that is not a number, InputError outside the range; None leaves the number as it is."""
        kw = {}
        if sofr is not None:
            kw["sofr_rate"] = float(A.check("sofr", sofr))
        if tona is not None:
            kw["tona_rate"] = float(A.check("tona", tona))
        if usdjpy is not None:
            kw["spot"] = float(A.check("usdjpy", usdjpy))
        if basis_bp is not None:
            kw["basis_bp"] = float(A.check("usdjpy_basis_bp", basis_bp, "basis_bp"))
        for cur, target, id in (("JPY", jgb_30y, "jgb_30y"), ("USD", ust_30y, "ust_30y")):
            if target is not None:
                A.check(id, target)
                kw["jpy_par" if cur == "JPY" else "usd_par"] = self._par(cur) + (float(target) - self.par_yield(cur, 30.0))
        if not kw:
            return self
        return replace(self, **kw)

    # ------------------------------------------------------------------ the numbers

    def _need(self, name: str, value):
        if value is None:
            first = {"sofr": "2018-04", "tona": "2021-08"}.get(name)
            hint = (f"the series starts {first}; Market.at('{self.as_of}', stand_ins=True) uses "
                    f"{STAND_INS[name][1].split(',')[0]}") if first else "a month where the series has a value"
            raise MarketGap(_LABELS.get(name, name), self.as_of, hint)
        return value

    @property
    def sofr(self) -> float:
        return self._need("sofr", self.sofr_rate)

    @property
    def tona(self) -> float:
        return self._need("tona", self.tona_rate)

    @property
    def usdjpy(self) -> float:
        return self._need("usdjpy", self.spot)

    def _par(self, currency: str) -> pd.Series:
        check_choice("currency", currency, CURRENCIES)
        par = self.usd_par if currency == "USD" else self.jpy_par
        if par is None or len(par) == 0:
            raise MarketGap(_LABELS[currency], self.as_of, "a month where that curve has at least four tenors")
        return par

    def longest_tenor(self, currency: str) -> float:
        """The longest tenor the data give that month (years); beyond it the curve is held flat."""
        return float(self._par(currency).index.max())

    def extrapolated(self, currency: str, years) -> np.ndarray | bool:
        """True where ``years`` lies beyond the data's longest tenor (the par curve held flat there)."""
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS), float)
        out = t > self.longest_tenor(currency) + 1e-12
        return bool(out) if out.ndim == 0 else out

    def par_yield(self, currency: str, years) -> np.ndarray | float:
        """Par yield at ``years`` (PCHIP across the data's tenors, flat beyond the ends)."""
        par = self._par(currency)
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS, low_open=True), float)
        x, y = par.index.to_numpy(float), par.to_numpy(float)
        v = PchipInterpolator(x, y, extrapolate=False)(np.clip(t, x[0], x[-1])) if x.size >= 2 else np.full(t.shape, y[0])
        return float(v) if v.ndim == 0 else v

    def zero_rate(self, currency: str, years) -> np.ndarray | float:
        """Annually compounded zero rate for ``years`` (0 < years ≤ 100), bootstrapped from par yields.

        Between annual nodes the zero rate is interpolated linearly; under one year it runs from the
        overnight rate (SOFR or TONA) at 0 to the one-year zero rate.
        """
        self._par(currency)
        z = self._zeros[currency]
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS, low_open=True), float)
        nodes = np.arange(1, MAX_YEARS + 1, dtype=float)
        short = self.sofr_rate if currency == "USD" else self.tona_rate
        if short is None:
            short = z[0]
        v = np.where(t < 1.0, short + (z[0] - short) * t, np.interp(t, nodes, z))
        return float(v) if v.ndim == 0 else v

    def discount(self, currency: str, years, premium: float = 0.0) -> np.ndarray | float:
        """Discount factor (1 + z + premium)^−years for a payment in ``years`` (1 at 0): the zero curve
        (the budget view) or, with ``premium`` (in [0, 20%]: the fair-value view's equity risk
        premium), the zero curve + that premium."""
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS), float)
        premium = check_range("premium", premium, 0.0, 0.2)
        z = self.zero_rate(currency, np.maximum(t, 1e-9))
        v = np.where(t == 0, 1.0, (1.0 + np.asarray(z) + premium) ** (-t))
        return float(v) if v.ndim == 0 else v

    def swap_rate(self, notional=None, years: float | None = None) -> float:
        """The par fixed rate of a SOFR swap priced on the USD zero curve (Treasury par yields as the
        swap-equivalent curve), annual periods. ``notional``: the amount outstanding in each year
        1..n (an amortizing swap); ``years`` instead: a constant notional for that many whole years,
        which gives the par yield. K = Σ N_t (D_{t−1} − D_t) / Σ N_t D_t: the fixed leg's PV equals
        the floating leg's, each period's forward rate paid on its notional."""
        if (notional is None) == (years is None):
            raise InputError("notional", notional, "either a notional schedule or a number of years, not both or neither")
        if notional is None:
            n = check_int("years", years, 1, int(MAX_YEARS))
            N = np.ones(n)
        else:
            N = np.asarray(check_range("notional", notional, 0.0, 1e7), float)
            if N.ndim != 1 or N.size < 1 or N.size > MAX_YEARS or not N.sum() > 0:
                raise InputError("notional", f"an array of shape {N.shape}",
                                 f"a flat array of 1..{int(MAX_YEARS)} amounts ≥ 0, not all zero")
        D = np.asarray(self.discount("USD", np.arange(N.size + 1, dtype=float)), float)
        return float(N @ (D[:-1] - D[1:]) / (N @ D[1:]))

    def forward_usdjpy(self, years) -> np.ndarray | float:
        """Outright USD/JPY forward for ``years`` (0 ≤ years ≤ 100), yen per dollar, annually compounded
        from the two zero curves, with the basis on the yen leg: S·((1 + z_JPY + b)/(1 + z_USD))^τ."""
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS), float)
        tt = np.maximum(t, 1e-9)
        ratio = (1.0 + np.asarray(self.zero_rate("JPY", tt)) + self.basis_bp * 1e-4) / (1.0 + np.asarray(self.zero_rate("USD", tt)))
        v = np.where(t == 0, self.usdjpy, self.usdjpy * ratio ** t)
        return float(v) if v.ndim == 0 else v

    def hedged_yield(self, annual_yield, years, into: str = "JPY") -> np.ndarray | float:
        """The suite's one meaning of "hedged", for a single payment: the annual yield of a zero-coupon
        investment compounding at ``annual_yield`` (in [−50%, 100%]) for ``years`` (in (0, 100]),
        converted at the forward locked today for that one date (:meth:`forward_usdjpy`); for flows
        over many dates (a coupon bond, the fund) convert each at its own forward (:meth:`hedged_flows`). ``into="JPY"``: a dollar yield seen in yen,
        (1 + y)·(1 + z_JPY + b)/(1 + z_USD) − 1; ``into="USD"``: a yen yield (FILP funding) seen in
        dollars, (1 + y)·(1 + z_USD)/(1 + z_JPY + b) − 1, with the zero rates for ``years``. A rolled
        short hedge is a different view: :func:`fundlib.fx.hedged_yield` (a life insurer's carry)."""
        y = np.asarray(check_range("annual_yield", annual_yield, -0.5, 1.0), float)
        t = np.asarray(check_range("years", years, 0.0, MAX_YEARS, low_open=True), float)
        check_choice("into", into, ("JPY", "USD"))
        ratio = (1.0 + np.asarray(self.zero_rate("JPY", t)) + self.basis_bp * 1e-4) / (1.0 + np.asarray(self.zero_rate("USD", t)))
        v = (1.0 + y) * (ratio if into == "JPY" else 1.0 / ratio) - 1.0
        return float(v) if np.ndim(v) == 0 else v

    def hedged_flows(self, usd_flows) -> np.ndarray:
        """Dollar flows for years 0..n − 1 (a flat array, or (..., n)) converted to yen at the forward
        locked today for each year's date (:meth:`forward_usdjpy`): the suite's "hedged". The yen
        IRR of a coupon bond or of the fund's equity is :func:`fundlib.finance.irr` of these flows."""
        f = np.asarray(check_range("usd_flows", usd_flows, -1e7, 1e7), float)
        if f.ndim == 0 or f.shape[-1] > MAX_YEARS + 1:
            raise InputError("usd_flows", f"an array of shape {f.shape}", f"one flow a year on the last axis (at most {int(MAX_YEARS) + 1})")
        return f * np.asarray(self.forward_usdjpy(np.arange(f.shape[-1], dtype=float)), float)

    def fair_value_rate(self, currency: str) -> float:
        """The fair-value view's discount rate for equity risk in ``currency`` ("USD" or "JPY"): the
        government's own funding curve at 30 years (the Treasury's UST, the MoF's JGB) + the register's
        ``equity_risk_premium``. The budget view discounts at the funding curve alone."""
        check_choice("currency", currency, ("USD", "JPY"))
        return float(self.par_yield(currency, 30.0)) + A.value("equity_risk_premium")

    def summary(self) -> pd.DataFrame:
        """The snapshot as a reader's table: what, value, as of."""
        def fmt(v, pct=True):
            return "missing" if v is None else (f"{v:.3%}" if pct else f"{v:,.2f}")

        rows = [("SOFR", fmt(self.sofr_rate)), ("TONA", fmt(self.tona_rate)),
                ("UST 30Y (par)", fmt(self.par_yield("USD", 30.0)) if "USD" not in self.missing else "missing"),
                ("JGB 30Y (par)", fmt(self.par_yield("JPY", 30.0)) if "JPY" not in self.missing else "missing"),
                ("USD/JPY (¥ per $)", fmt(self.spot, False)),
                ("USD/JPY basis (bp, assumption)", f"{self.basis_bp:+.0f}")]
        return pd.DataFrame(rows, columns=["series", f"month-end {self.as_of}"]).set_index("series")
