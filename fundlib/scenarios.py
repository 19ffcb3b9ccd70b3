"""Seeded, vectorized Monte Carlo of a portfolio of projects across the mandate's four sectors.
Used by notebook 04 (the Monte Carlo app, the tornado).

For every scenario and sector six uncertain inputs are drawn: capex overrun, delay, utilization,
price, margin and exit value. Each sector's shock to each input loads on one shared macro factor with
loading ρ = ``macro_corr``, so two sectors' shocks correlate at ρ² (0.0625 at the default ρ = 0.25). Capex is a
lognormal multiple of the plan with median 1 (half over budget, half under; mean e^(σ²/2)); a delay is
ceil(e × delay_years) whole years for a standard normal e (under 0.05 years counts as on time), so
about half the projects finish on time.
Portfolio cash flows are per $1 of planned capex: Σ_s w_s · CF_s / capex_s, over a horizon that
lengthens with the delay width (:func:`default_horizon`).

Reproducible and chunking-invariant: the normal draws of scenario i come from a counter-based
generator (Philox) advanced to i, turned into normals by the inverse CDF, so the result of a run
does not depend on how it is split into chunks. Memory stays bounded for millions of scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.special import ndtri

from fundlib import assumptions as A
from fundlib.assumptions import check_assumption
from fundlib import projects as P
from fundlib._validate import (InputError, as_numbers, check_bool, check_instance, check_int,
                               check_mapping, check_number)
from fundlib.finance import irr

__all__ = ["FACTORS", "projects_per_sector", "irr_correlation", "diversified_normals",
           "portfolio_delay_years", "Uncertainty", "draw_normals", "portfolio_cashflows", "MonteCarloResult", "run_monte_carlo",
           "tornado", "deterministic_irr", "check_weights", "funding_costs"]

FACTORS = ("capex", "delay", "utilization", "price", "margin", "exit")
FACTOR_LABELS = {"capex": "Capex overrun", "delay": "Construction delay", "utilization": "Utilization",
                 "price": "Price / rent", "margin": "Operating margin", "exit": "Exit value"}
# Sign of each input's response to the shared macro factor (a high macro draw is a bad year).
MAX_DELAY_SIGMA = 6.0  # delays are drawn as ceil(e × delay_years), e a standard normal capped here
_MACRO_SIGN = {"capex": 1.0, "delay": 1.0, "utilization": -1.0, "price": -1.0, "margin": -1.0, "exit": -1.0}


@dataclass(frozen=True)
class Uncertainty:
    """Widths of the uncertain inputs (all from the register) and the macro correlation; each a
    number within its register range (mc_capex_sigma, mc_delay_years, ...)."""

    capex_sigma: float = field(default_factory=lambda: A.value("mc_capex_sigma"))
    delay_years: float = field(default_factory=lambda: A.value("mc_delay_years"))
    util_sigma: float = field(default_factory=lambda: A.value("mc_util_sigma"))
    price_sigma: float = field(default_factory=lambda: A.value("mc_price_sigma"))
    margin_sigma: float = field(default_factory=lambda: A.value("mc_margin_sigma"))
    exit_sigma: float = field(default_factory=lambda: A.value("mc_exit_sigma"))
    macro_corr: float = field(default_factory=lambda: A.value("mc_macro_corr"))

    def __post_init__(self):
        for name, id in [("capex_sigma", "mc_capex_sigma"), ("delay_years", "mc_delay_years"),
                         ("util_sigma", "mc_util_sigma"), ("price_sigma", "mc_price_sigma"),
                         ("margin_sigma", "mc_margin_sigma"), ("exit_sigma", "mc_exit_sigma"),
                         ("macro_corr", "mc_macro_corr")]:
            object.__setattr__(self, name, check_assumption(id, getattr(self, name), name))

    def scaled(self, k: float) -> "Uncertainty":
        """Every width multiplied by ``k`` (correlation unchanged): k → 0 is the deterministic case.
        The result is checked against the register's ranges, so k up to 2 is allowed for the defaults."""
        k = check_number("k", k, 0.0, 2.0)
        return replace(self, capex_sigma=self.capex_sigma * k, delay_years=self.delay_years * k,
                       util_sigma=self.util_sigma * k, price_sigma=self.price_sigma * k,
                       margin_sigma=self.margin_sigma * k, exit_sigma=self.exit_sigma * k)


def check_weights(weights: dict) -> dict:
    """Sector weights: a dict sector → share, known sectors, each share a number in [0, 1], summing
    to 1 (within 1e-6). Returns every sector's weight (0 for those not given)."""
    weights = check_mapping("weights", weights, "a dict of sector → share (" + ", ".join(P.SECTORS) + ")")
    unknown = [k for k in weights if k not in P.SECTORS]
    if unknown:
        raise InputError("weights", unknown[0], "sectors among " + ", ".join(P.SECTORS))
    w = {s: check_number(f"weights[{s!r}]", v, 0.0, 1.0) for s, v in weights.items()}
    total = sum(w.values())
    if abs(total - 1.0) > 1e-6:
        raise InputError("weights (sum)", round(total, 6), "sector weights that sum to 1 (100%)")
    return {s: w.get(s, 0.0) for s in P.SECTORS}


def _archetypes(archetypes) -> dict:
    """Each sector's archetype: ``archetypes`` (a dict sector → ProjectArchetype) where given, else the default."""
    out = {s: None for s in P.SECTORS}
    if archetypes is not None:
        given = check_mapping("archetypes", archetypes, "a dict of sector → ProjectArchetype")
        for s, a in given.items():
            if s not in P.SECTORS:
                raise InputError("archetypes", s, "sectors among " + ", ".join(P.SECTORS))
            out[s] = check_instance(f"archetypes[{s!r}]", a, P.ProjectArchetype)
    return {s: P.archetype(k) if out[s] is None else out[s] for s, k in P.SECTORS.items()}


def _unc(unc) -> "Uncertainty":
    return Uncertainty() if unc is None else check_instance("unc", unc, Uncertainty, "an Uncertainty")


def default_weights() -> dict:
    return {s: A.value(f"w_{s}") for s in P.SECTORS}


def _n_draws(n_sectors: int) -> int:
    d = 1 + n_sectors * len(FACTORS)
    return d + (-d) % 4  # a multiple of 4: one Philox counter step yields four 64-bit words


def draw_normals(seed: int, start: int, n: int, n_sectors: int) -> np.ndarray:
    """Standard normals for scenarios start..start+n-1, shape (n, D); identical however the run is chunked.

    ``seed`` a whole number ≥ 0; ``start`` in [0, 2^53]; ``n`` in [1, 1,000,000] (a chunk: memory
    stays bounded); ``n_sectors`` in [1, 50]; D = 1 + 6 × n_sectors rounded up to a multiple of 4."""
    seed = check_int("seed", seed, 0, 2**63 - 1)
    start = check_int("start", start, 0, 2**53)
    n = check_int("n", n, 1, 1_000_000)
    D = _n_draws(check_int("n_sectors", n_sectors, 1, 50))
    bg = np.random.Philox(key=seed)
    bg.advance(start * D // 4)
    u = np.random.Generator(bg).random((n, D))
    return ndtri(np.clip(u, 1e-16, 1.0 - 1e-16))


def _delay_years(e: np.ndarray, delay_years: float) -> np.ndarray:
    """Whole years late: e × delay_years rounded up (e capped at 6σ so a horizon can hold it); under
    0.05 years (about 18 days) counts as on time, so about half the projects finish on time at the
    default width and all of them as the width goes to zero."""
    x = np.clip(e, 0.0, MAX_DELAY_SIGMA) * delay_years
    return np.where(x > 0.05, np.ceil(x), 0.0).astype(int)


def _delay_months(e: np.ndarray, delay_years: float) -> np.ndarray:
    """Years late in whole months (the chain's fractional delays): e × delay_years rounded up to a
    month, with the same on-time rule as :func:`_delay_years`."""
    x = np.clip(e, 0.0, MAX_DELAY_SIGMA) * delay_years
    return np.where(x > 0.05, np.ceil(x * 12.0 - 1e-9) / 12.0, 0.0)


def sector_delay_months(z: np.ndarray, k: int, n_sectors: int, unc: Uncertainty) -> np.ndarray:
    """Sector ``k``'s delay in whole months (years, a multiple of 1/12) from the same normals as
    :func:`_sector_inputs` draws its whole-year delay from (the chain takes months; the project
    cash flows here take whole years)."""
    rho = unc.macro_corr
    e = _MACRO_SIGN["delay"] * rho * z[:, 0] + np.sqrt(1.0 - rho**2) * z[:, 1 + k * len(FACTORS) + FACTORS.index("delay")]
    return _delay_months(e, unc.delay_years)


def _sector_inputs(z: np.ndarray, k: int, n_sectors: int, unc: Uncertainty, a: P.ProjectArchetype) -> dict:
    """Turn normals into one sector's uncertain inputs (arrays over scenarios)."""
    rho = unc.macro_corr
    macro = z[:, 0]
    cols = {f: z[:, 1 + k * len(FACTORS) + j] for j, f in enumerate(FACTORS)}
    e = {f: _MACRO_SIGN[f] * rho * macro + np.sqrt(1.0 - rho**2) * cols[f] for f in FACTORS}
    return {
        "capex_mult": np.exp(unc.capex_sigma * e["capex"]),
        "delay": _delay_years(e["delay"], unc.delay_years),
        "utilization": np.clip(a.utilization + unc.util_sigma * e["utilization"], 0.0, 1.0),
        "price_mult": np.exp(unc.price_sigma * e["price"]),
        "margin": np.clip(a.margin + unc.margin_sigma * e["margin"], -0.5, 0.95),
        "exit_mult": np.exp(unc.exit_sigma * e["exit"]),
    }


def _check_normals(z) -> np.ndarray:
    """Normals as :func:`draw_normals` gives them: finite, shape (n, D) with n ≥ 1."""
    z = as_numbers("z", z, "standard normal draws, an array of shape (n, D)")
    D = _n_draws(len(P.SECTORS))
    if z.ndim != 2 or z.shape[0] < 1 or z.shape[1] < D:
        raise InputError("z", f"an array of shape {z.shape}", f"shape (n, {D}) with n ≥ 1, as draw_normals gives")
    if not np.all(np.isfinite(z)):
        raise InputError("z", z, "finite numbers (no NaN or inf)")
    return z


def _check_n_projects(n_projects) -> dict:
    n = check_mapping("n_projects", n_projects, "a dict of sector → number of projects (at least 1)")
    missing = [s for s in P.SECTORS if s not in n]
    if missing:
        raise InputError("n_projects", missing[0], "a number of projects for every sector: " + ", ".join(P.SECTORS))
    return {s: check_number(f"n_projects[{s!r}]", n[s], 1.0, 1e9) for s in P.SECTORS}


def projects_per_sector(weights: dict, assets_usd_bn: float, archetypes: dict | None = None) -> dict:
    """How many projects of its archetype's size each sector's share of ``assets_usd_bn`` buys (a real
    number, at least 1): N_s = w_s · assets / capex_s."""
    w = check_weights(weights)
    assets = check_number("assets_usd_bn", assets_usd_bn, 0.0, 1e6)
    arch = _archetypes(archetypes)
    return {s: max(1.0, w[s] * assets / arch[s].capex_usd_bn) for s in P.SECTORS}


def diversified_normals(z: np.ndarray, n_projects: dict) -> np.ndarray:
    """The normals of a sector *portfolio* of N_s projects instead of one, in the single-factor model of
    Basel II's credit risk weights: project i's shock to an input is ±ρ·macro + √(1 − ρ²)·e_i, the e_i
    independent, so the sector's average shock keeps the macro term and its own part shrinks to
    √(1 − ρ²)·ē with ē ~ N(0, 1/N_s): each own column is divided by √N_s. The delay is not an average of
    shocks (a late project is late, an early one is not early): see :func:`portfolio_delay_years`.
    Approximation: an input's average is taken as the input at the average shock (for a lognormal input,
    e^(σ·ē) instead of the mean of the e^(σ·e_i))."""
    z = _check_normals(z).copy()
    n_projects = _check_n_projects(n_projects)
    for k, s in enumerate(P.SECTORS):
        n = n_projects[s]
        for f in FACTORS:
            if f == "delay":
                continue
            z[:, 1 + k * len(FACTORS) + FACTORS.index(f)] /= np.sqrt(n)
    return z


def portfolio_delay_years(z: np.ndarray, k: int, unc: Uncertainty, n_projects: float) -> np.ndarray:
    """Sector ``k``'s average delay in years over N independent projects, given the macro draw: each
    project is late by D·max(X, 0) with X = ρ·macro + √(1 − ρ²)·e (D = ``delay_years``), so the average
    is D·E[max(X, 0) | macro] = D·(μΦ(μ/σ) + σφ(μ/σ)) with μ = ρ·macro, σ = √(1 − ρ²), plus the sampling
    error of N projects, √(Var[max(X, 0)] / N) times the sector's own delay draw. At least zero."""
    from scipy.special import ndtr

    z = _check_normals(z)
    k = check_int("k", k, 0, len(P.SECTORS) - 1)
    unc = check_instance("unc", unc, Uncertainty, "an Uncertainty")
    n_projects = check_number("n_projects", n_projects, 1.0, 1e9)
    rho = unc.macro_corr
    mu = rho * z[:, 0]
    sig = np.sqrt(1.0 - rho**2)
    a = mu / sig
    phi = np.exp(-0.5 * a * a) / np.sqrt(2.0 * np.pi)
    mean = mu * ndtr(a) + sig * phi
    second = (mu * mu + sig * sig) * ndtr(a) + mu * sig * phi
    sd = np.sqrt(np.maximum(second - mean * mean, 0.0) / n_projects)
    e = z[:, 1 + k * len(FACTORS) + FACTORS.index("delay")]
    return unc.delay_years * np.maximum(mean + sd * e, 0.0)


def irr_correlation(sector: str, macro_corr: float | None = None, n: int = 20_000, seed: int = 2025) -> float:
    """The correlation of two projects' IRRs in one sector when they share the macro draw and nothing
    else (delays aside): what Basel II's asset correlation R measures for two borrowers, so the loading
    ρ (``macro_corr``, default the register's) is set where this equals R. The two projects' own draws
    come from ``seed`` and ``seed + 1``."""
    if not isinstance(sector, str) or sector not in P.SECTORS:
        raise InputError("sector", sector, "one of " + ", ".join(P.SECTORS))
    seed = check_int("seed", seed, 0, 2**63 - 2)
    unc = replace(Uncertainty(), delay_years=0.0)
    if macro_corr is not None:
        unc = replace(unc, macro_corr=check_assumption("mc_macro_corr", macro_corr, "macro_corr"))
    n = check_int("n", n, 100, 1_000_000)
    D = _n_draws(len(P.SECTORS))
    a = draw_normals(seed, 0, n, len(P.SECTORS))
    b = draw_normals(seed + 1, 0, n, len(P.SECTORS))
    b[:, 0] = a[:, 0]
    w = {s: (1.0 if s == sector else 0.0) for s in P.SECTORS}
    H = default_horizon(unc)
    x, y = (irr(portfolio_cashflows(z[:, :D], w, unc, H)) for z in (a, b))
    ok = np.isfinite(x) & np.isfinite(y)
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


def portfolio_cashflows(z: np.ndarray, weights: dict, unc: Uncertainty, horizon: int,
                        archetypes: dict | None = None) -> np.ndarray:
    """Portfolio cash flows per $1 of planned capex, shape (n, horizon + 1), from normals ``z``
    (shape (n, D) as :func:`draw_normals` gives them, finite). ``horizon``: whole years in [2, 200];
    ``archetypes``: a dict sector → ProjectArchetype (sectors not given use the default)."""
    w = check_weights(weights)
    unc = check_instance("unc", unc, Uncertainty, "an Uncertainty")
    horizon = check_int("horizon", horizon, 2, 200)
    z = _check_normals(z)
    arch = _archetypes(archetypes)
    T = horizon + 1
    out = np.zeros((z.shape[0], T))
    for k, s in enumerate(P.SECTORS):
        if w[s] == 0:
            continue
        a = arch[s]
        inputs = _sector_inputs(z, k, len(P.SECTORS), unc, a)
        max_delay = int(inputs["delay"].max(initial=0))
        if a.build_years + a.life_years + max_delay > T:
            raise InputError("horizon", horizon, f"at least {a.build_years + a.life_years + max_delay - 1} years "
                             f"for {a.label} with its delays (or a smaller delay width)")
        out += (w[s] / a.capex_usd_bn) * P.cashflows(a, T, **inputs)
    return out


def default_horizon(unc: Uncertainty | None = None, archetypes: dict | None = None) -> int:
    """The register's horizon (40 years), lengthened when the widest possible delay needs more, so
    widening the uncertainty never runs a project past the end (trailing years do not change an IRR)."""
    unc = _unc(unc)
    arch = _archetypes(archetypes)
    longest = max(a.build_years + a.life_years for a in arch.values())
    return max(int(A.value("mc_horizon_years")), longest + int(np.ceil(MAX_DELAY_SIGMA * unc.delay_years)) - 1)


def deterministic_irr(weights: dict, horizon: int | None = None, archetypes: dict | None = None) -> float:
    """Portfolio IRR with every uncertain input at its base value (NaN if the cash flows have no IRR).
    ``weights``: a dict sector → share summing to 1; ``horizon``: whole years (None: the default)."""
    check_weights(weights)
    H = default_horizon(archetypes=archetypes) if horizon is None else check_int("horizon", horizon, 2, 200)
    z = np.zeros((1, _n_draws(len(P.SECTORS))))
    return float(irr(portfolio_cashflows(z, weights, Uncertainty(), H, archetypes))[0])


@dataclass(frozen=True)
class MonteCarloResult:
    irr: np.ndarray                 # portfolio IRR per scenario
    mean_cashflow: np.ndarray       # average portfolio cash flow per year, per $1 of capex
    seed: int
    n: int

    def quantiles(self, qs=(0.1, 0.5, 0.9)) -> dict:
        """IRR percentiles over scenarios with an IRR (NaN excluded); each q in [0, 1]. NaN for every
        q when no scenario has an IRR."""
        qs = [check_number("qs", q, 0.0, 1.0) for q in (qs if isinstance(qs, (list, tuple, np.ndarray)) else [qs])]
        x = self.irr[np.isfinite(self.irr)]
        return {q: float(np.quantile(x, q)) if x.size else float("nan") for q in qs}

    def prob_below(self, rate: float) -> float:
        """Share of scenarios whose IRR is below ``rate`` (a decimal; no IRR counts as below)."""
        rate = check_number("rate", rate, -1.0, 100.0)
        return float(np.mean(~(self.irr >= rate)))


def run_monte_carlo(weights: dict | None = None, unc: Uncertainty | None = None, n: int = 10_000, seed: int = 2025,
                    horizon: int | None = None, chunk: int = 25_000, progress: bool | None = None,
                    archetypes: dict | None = None, callback=None) -> MonteCarloResult:
    """Run ``n`` scenarios (a whole number in [1, 50,000,000]) in chunks of ``chunk`` (in [1, 250,000]:
    bounded memory); a progress bar shows on long runs (``progress`` None: over 200,000 scenarios).
    ``callback(fraction_done)``, if given, is called after every chunk (an app's progress bar).
    ``weights`` (dict sector → share; None: the register's), ``unc`` (an :class:`Uncertainty`),
    ``horizon`` (whole years in [5, 200]; None: :func:`default_horizon`) and ``archetypes`` (dict
    sector → ProjectArchetype) are checked first. A scenario without an IRR has NaN."""
    weights = check_weights(default_weights() if weights is None else weights)
    unc = _unc(unc)
    n = check_int("n", n, 1, 50_000_000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    chunk = check_int("chunk", chunk, 1, 250_000)
    if progress is not None:
        check_bool("progress", progress)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of the fraction done, or None; got {type(callback).__name__}")
    arch = _archetypes(archetypes)
    H = check_int("horizon", default_horizon(unc, arch) if horizon is None else horizon, 5, 200)
    irrs = np.empty(n)
    total = np.zeros(H + 1)
    starts = range(0, n, chunk)
    if progress is None:
        progress = n > 200_000
    if progress:
        from tqdm.auto import tqdm

        starts = tqdm(starts, total=-(-n // chunk), desc="scenarios", unit="chunk")
    for s0 in starts:
        m = min(chunk, n - s0)
        z = draw_normals(seed, s0, m, len(P.SECTORS))
        cf = portfolio_cashflows(z, weights, unc, H, arch)
        irrs[s0:s0 + m] = irr(cf)
        total += cf.sum(axis=0)
        if callback is not None:
            callback((s0 + m) / n)
    return MonteCarloResult(irrs, total / n, seed, n)


def tornado(weights: dict | None = None, unc: Uncertainty | None = None, horizon: int | None = None,
            archetypes: dict | None = None) -> pd.DataFrame:
    """Portfolio IRR when one input moves one standard deviation against and for the fund, all sectors
    together, everything else at base. Sorted by swing (largest first). Inputs as for
    :func:`run_monte_carlo`."""
    weights = check_weights(default_weights() if weights is None else weights)
    unc = replace(_unc(unc), macro_corr=0.0)
    H = default_horizon(unc, archetypes) if horizon is None else check_int("horizon", horizon, 2, 200)
    D = _n_draws(len(P.SECTORS))
    z = np.zeros((1 + 2 * len(FACTORS), D))
    for j, f in enumerate(FACTORS):
        cols = [1 + k * len(FACTORS) + j for k in range(len(P.SECTORS))]
        bad = _MACRO_SIGN[f]  # +1σ in the adverse direction
        z[1 + 2 * j][cols] = bad
        z[2 + 2 * j][cols] = -bad
    r = irr(portfolio_cashflows(z, weights, unc, H, archetypes))
    rows = [{"factor": FACTOR_LABELS[f], "worse": r[1 + 2 * j], "better": r[2 + 2 * j], "base": r[0]}
            for j, f in enumerate(FACTORS)]
    df = pd.DataFrame(rows)
    df["swing"] = df["better"] - df["worse"]
    return df.sort_values("swing", ascending=False).reset_index(drop=True)


def funding_costs(market=None, fund=None) -> dict:
    """The hurdles a portfolio must clear, on one market: the fund's debt cost (SOFR + spread +
    guarantee fee, :meth:`FundStructure.debt_rate`) and Japan's FILP money in dollars: the FILP
    bonds' yield hedged into dollars at the forwards locked today for the fund's life
    (:meth:`fundlib.market.Market.hedged_yield`, the suite's one meaning of "hedged")."""
    from fundlib.market import Market
    from fundlib.structure import FundStructure

    market = Market.current() if market is None else check_instance("market", market, Market)
    fund = FundStructure() if fund is None else check_instance("fund", fund, FundStructure)
    filp = market.par_yield("JPY", float(A.value("filp_tenor_years")))
    return {"Fund debt cost": fund.debt_rate(market),
            "FILP hedged into USD": market.hedged_yield(filp, float(fund.life_years), into="USD")}