"""Streaming tallies for the whole-chain Monte Carlo: exact sums, fixed fine histograms and kept values,
merged chunk by chunk so a run of any size gives the same numbers however it is split. Used by
notebook 07 (The odds) through :mod:`fundlib.odds`.

**Exact sums.** Each value is cut into four whole numbers of units 2¹⁰, 2⁻²⁰, 2⁻⁵⁰ and 2⁻⁸⁰ (exact in
floating point for |x| < 2⁵⁰; what lies below 2⁻⁸⁰ ≈ 8e-25 is dropped) and each is summed as an
integer. Integer addition does not depend on order, so a mean or a variance is the same bit for bit
whether 1,000,000 scenarios arrive as one chunk, as 400 or on a Dask cluster in any order.

**Quantiles.** While a run has at most ``exact_cap`` scenarios every value is kept, and quantiles
(numpy's default, linear), the expected shortfall and the tornado come from them exactly. Beyond
that, quantiles and the expected shortfall come from exact counts of the smallest value, the largest
and zero (where a lost stake or a fund without guarantee calls piles up) and a fixed histogram of
:data:`BINS` bins even in asinh(x / scale) over ±:data:`SPAN` (about ±4.4 million × scale; anything
beyond lands in the end bins), merged by adding counts. Each other order statistic is placed within
its bin, so its error is at most one bin: 2·SPAN/BINS ≈ 0.2% of |x| plus 0.002 × scale (scale 1 for
$bn and ¥tn, 0.001 for rates), see :func:`sketch_tolerance`; a quantile interpolates between two of
them as numpy does. The first ``exact_cap`` scenarios are kept in any case (the tornado's sample).

**IRR.** :func:`row_irr` solves each row as :func:`fundlib.finance.irr` does (Newton on the discount
factor, bracketed bisection where Newton fails), but stops each row on its own convergence, so a
row's answer never depends on which other rows share its batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from fundlib._validate import InputError, as_cashflows, check_number, check_range

__all__ = ["BINS", "SPAN", "QUANTILES", "Tally", "exact_sum", "row_irr", "sketch_tolerance", "bin_edges"]

BINS = 1 << 14
SPAN = 16.0
QUANTILES = (0.01, 0.05, 0.5, 0.95, 0.99)
ES_LEVEL = 20                 # expected shortfall over the worst 1/20 = 5%
_LEVELS = (-10, 20, 50, 80)   # the four integer units: 2^10, 2^-20, 2^-50, 2^-80
_LIMIT = 2.0 ** 50


def exact_sum(x) -> Fraction:
    """Σ x (finite values, |x| < 2⁵⁰) exactly, to 2⁻⁸⁰, as a Fraction: the same for any order or split."""
    return _value(_parts(np.atleast_1d(check_range("x", x, -_LIMIT, _LIMIT, low_open=True, high_open=True, allow_empty=True))))


def _parts(x: np.ndarray) -> list:
    if x.size and not np.all(np.abs(x) < _LIMIT):
        raise ValueError("exact sums take finite values below 2**50 in magnitude")
    out, r = [], x
    for e in _LEVELS:
        q = np.rint(np.ldexp(r, e))
        out.append(int(q.astype(np.int64).sum()))
        r = r - np.ldexp(q, -e)
    return out


def _value(parts) -> Fraction:
    a, b, c, d = parts
    return Fraction((a << 90) + (b << 60) + (c << 30) + d, 1 << 80)


def _add(p, q):
    return [x + y for x, y in zip(p, q)]


def bin_edges(scale: float) -> np.ndarray:
    """The histogram's bin edges in the metric's own units."""
    scale = check_number("scale", scale, 0.0, 1e12, low_open=True)
    return scale * np.sinh(np.linspace(-SPAN, SPAN, BINS + 1))


def _bin(x: np.ndarray, scale: float) -> np.ndarray:
    k = np.floor((np.arcsinh(x / scale) + SPAN) * (BINS / (2.0 * SPAN)))
    return np.clip(k, 0, BINS - 1).astype(np.int64)


def sketch_tolerance(x, scale: float) -> np.ndarray:
    """The widest error of a histogram estimate of a value near ``x``: one bin's width there. A histogram
    quantile interpolates between two such estimates of neighbouring order statistics, so its error is
    at most the larger of their tolerances."""
    w = 2.0 * SPAN / BINS
    scale = check_number("scale", scale, 0.0, 1e12, low_open=True)
    a = np.arcsinh(check_range("x", x, -1e300, 1e300) / scale)
    return scale * (np.sinh(np.minimum(np.abs(a) + w, SPAN)) - np.sinh(np.maximum(np.abs(a) - w, 0.0)))


@dataclass
class Tally:
    """What a run keeps of its scenarios: per metric exact sums, counts and a histogram, per event a
    count, and every value of the scenarios numbered below ``cap``. ``parts`` maps each merged chunk's
    first scenario to its size; chunks merge in any order with the same result."""

    n: int
    cap: int
    scales: dict
    parts: dict = field(default_factory=dict)
    finite: dict = field(default_factory=dict)
    s1: dict = field(default_factory=dict)
    s2: dict = field(default_factory=dict)
    neg: dict = field(default_factory=dict)
    pos: dict = field(default_factory=dict)
    hist: dict = field(default_factory=dict)
    ends: dict = field(default_factory=dict)      # name -> [min, count at min, max, count at max]
    events: dict = field(default_factory=dict)
    kept: dict = field(default_factory=dict)      # first scenario of a chunk -> name -> values

    @classmethod
    def of(cls, start: int, metrics: dict, events: dict, inputs: dict, scales: dict, cap: int) -> "Tally":
        """The tally of one chunk, scenarios ``start``.. : ``metrics`` name → values (NaN allowed: no
        value), ``events`` name → booleans, ``inputs`` name → values kept for the tornado only."""
        n = len(next(iter(metrics.values())))
        t = cls(n, cap, dict(scales), {start: n})
        for name, x in metrics.items():
            x = np.asarray(x, float)
            ok = np.isfinite(x)
            v = x[ok]
            t.finite[name] = int(ok.sum())
            t.s1[name] = _parts(v)
            t.s2[name] = _parts(v * v)
            t.neg[name] = int((v < 0).sum())
            t.pos[name] = int((v > 0).sum())
            t.hist[name] = np.bincount(_bin(v, scales[name]), minlength=BINS)
            lo, hi = (float(v.min()), float(v.max())) if v.size else (np.inf, -np.inf)
            t.ends[name] = [lo, int((v == lo).sum()), hi, int((v == hi).sum())]
        for name, e in events.items():
            t.events[name] = int(np.count_nonzero(e))
        keep = max(0, min(n, cap - start))
        t.kept[start] = {name: np.asarray(x)[:keep].copy() for name, x in {**metrics, **events, **inputs}.items()}
        return t

    @property
    def start(self) -> int:
        return min(self.parts)

    def merge(self, other: "Tally") -> "Tally":
        """Add the tally of other scenarios (another chunk of the same run, in any order)."""
        if set(other.parts) & set(self.parts):
            raise ValueError(f"a chunk merged twice: scenarios from {sorted(set(other.parts) & set(self.parts))[0]}")
        self.n += other.n
        self.parts.update(other.parts)
        for name in self.finite:
            self.finite[name] += other.finite[name]
            self.s1[name] = _add(self.s1[name], other.s1[name])
            self.s2[name] = _add(self.s2[name], other.s2[name])
            self.neg[name] += other.neg[name]
            self.pos[name] += other.pos[name]
            self.hist[name] += other.hist[name]
            self.ends[name] = _ends(self.ends[name], other.ends[name])
        for name in self.events:
            self.events[name] += other.events[name]
        self.kept.update({s: k for s, k in other.kept.items() if next(iter(k.values())).size})
        return self

    def _contiguous(self) -> bool:
        at = 0
        for s in sorted(self.parts):
            if s != at:
                return False
            at += self.parts[s]
        return True

    @property
    def exact(self) -> bool:
        """Every scenario's values are kept (scenarios 0..n-1, n ≤ cap): quantiles are exact."""
        return self.n <= self.cap and self._contiguous()

    def names(self) -> tuple:
        """What is kept per scenario: metrics, events and inputs."""
        return tuple(next(iter(self.kept.values()))) if self.kept else ()

    def values(self, name: str) -> np.ndarray:
        """The kept values of ``name`` (the scenarios numbered below ``cap``), in scenario order."""
        if not self._contiguous():
            raise ValueError("the tally misses chunks: merge every chunk of the run first")
        return np.concatenate([self.kept[s][name] for s in sorted(self.kept)]) if self.kept else np.empty(0)

    def stats(self, name: str) -> dict:
        """mean, std, P1..P99, expected shortfall at 5% (mean of the worst ⌈n/20⌉ values, never above
        P5), share below and above zero (of all scenarios), and how many scenarios have a value."""
        nf = self.finite[name]
        out = {"n_finite": nf, "prob_negative": self.neg[name] / self.n, "prob_positive": self.pos[name] / self.n}
        if nf == 0:
            return {**out, "mean": np.nan, "std": np.nan, "es5": np.nan, **{_qname(q): np.nan for q in QUANTILES}}
        s1, s2 = _value(self.s1[name]), _value(self.s2[name])
        out["mean"] = float(s1 / nf)
        out["std"] = float(np.sqrt(float(max((s2 - s1 * s1 / nf) / (nf - 1), 0)))) if nf > 1 else np.nan
        k = -(-nf // ES_LEVEL)
        if self.exact:
            v = self.values(name)
            v = np.sort(v[np.isfinite(v)])
            qs = np.quantile(v, QUANTILES)
            es = min(float(exact_sum(v[:k]) / k), float(v[k - 1]))
        else:
            qs = [self._hist_quantile(name, q) for q in QUANTILES]
            es = self._hist_tail_mean(name, k)
        out.update({_qname(q): float(x) for q, x in zip(QUANTILES, qs)})
        out["es5"] = min(es, out["p5"])
        return out

    def quantile(self, name: str, q: float) -> float:
        """Any quantile of ``name``: exact while every value is kept, else from the histogram."""
        if self.exact:
            v = self.values(name)
            return float(np.quantile(v[np.isfinite(v)], q)) if np.isfinite(v).any() else np.nan
        return self._hist_quantile(name, q)

    def _hist_quantile(self, name: str, q: float) -> float:
        nf = self.finite[name]
        if nf == 0:
            return np.nan
        h = q * (nf - 1)                                 # numpy's linear rule between order statistics j and j + 1
        j = int(np.floor(h))
        lo, hi = self._order_stats(name, np.array([j, min(j + 1, nf - 1)]))
        return float(lo + (h - j) * (hi - lo))

    def _order_stats(self, name: str, i: np.ndarray) -> np.ndarray:
        """Estimates of the i-th smallest values (from 0). Exact where the value is the smallest, the
        largest or zero (each counted exactly, as losses of the whole stake and years without a call
        pile up there); elsewhere each bin's values are taken as spread evenly across it (in asinh)."""
        scale, c = self.scales[name], self.hist[name].copy()
        lo, n_lo, hi, n_hi = self.ends[name]
        nf, neg = self.finite[name], self.neg[name]
        zeros = nf - neg - self.pos[name]
        c[_bin(np.zeros(1), scale)[0]] -= zeros
        cum = np.cumsum(c)
        j = np.where(i >= neg, i - zeros, i)             # rank among the values that are not zero
        k = np.minimum(np.searchsorted(cum, j, side="right"), BINS - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.clip((j - (cum[k] - c[k]) + 0.5) / c[k], 0.0, 1.0)
        x = scale * np.sinh(-SPAN + (2.0 * SPAN / BINS) * (k + frac))
        x = np.where((i >= neg) & (i < neg + zeros), 0.0, x)
        x = np.where(i < n_lo, lo, np.where(i >= nf - n_hi, hi, x))
        return np.clip(x, lo, hi)

    def _hist_tail_mean(self, name: str, k: int) -> float:
        return float(np.mean(self._order_stats(name, np.arange(k))))

    def histogram(self, name: str, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """(edges, counts) over the central 99.8% of ``name`` in ``bins`` equal bins, for a chart."""
        lo, hi = self.quantile(name, 0.001), self.quantile(name, 0.999)
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
            hi = lo + 1e-9 if np.isfinite(lo) else 1.0
        edges = np.linspace(lo, hi, bins + 1)
        if self.exact:
            v = self.values(name)
            return edges, np.histogram(np.clip(v[np.isfinite(v)], lo, hi), edges)[0]
        fine = bin_edges(self.scales[name])
        mid = 0.5 * (fine[:-1] + fine[1:])
        return edges, np.histogram(np.clip(mid, lo, hi), edges, weights=self.hist[name])[0].astype(np.int64)


def _ends(a, b):
    """Merge [min, count at min, max, count at max] of two chunks."""
    lo = (a[0], a[1] + b[1]) if a[0] == b[0] else min((a[0], a[1]), (b[0], b[1]))
    hi = (a[2], a[3] + b[3]) if a[2] == b[2] else max((a[2], a[3]), (b[2], b[3]))
    return [lo[0], lo[1], hi[0], hi[1]]


def _qname(q: float) -> str:
    return f"p{q * 100:g}"


_X_GRID = 1.0 / (1.0 + np.array([1e6, 1e3, 100.0, 10.0, 3.0, 1.0, 0.5, 0.25, 0.1, 0.0,
                                  -0.1, -0.25, -0.5, -0.75, -0.9, -0.99, -0.999999]))
_TOL = 1e-13


def _horner(cft: np.ndarray, x: np.ndarray):
    p = cft[-1].copy()
    dp = np.zeros_like(p)
    for t in range(cft.shape[0] - 2, -1, -1):
        dp *= x
        dp += p
        p *= x
        p += cft[t]
    return p, dp


def row_irr(cashflows, guess=0.1) -> np.ndarray:
    """IRR of each row (time on the last axis), NaN without a sign change; each row solved on its own.
    ``guess``: where Newton starts, a number or one per row (NaN: 10%); None: each row's multiple over
    the money-weighted time between its outflows and inflows, (in/out)^(1/years) − 1, where the row
    changes sign once (its IRR is then unique, so only the number of steps depends on the start), 10%
    elsewhere."""
    cf = as_cashflows("cashflows", cashflows, min_periods=2)
    flat = cf.reshape(-1, cf.shape[-1])
    out = np.full(flat.shape[0], np.nan)
    rows = np.flatnonzero(np.any(flat > 0, axis=-1) & np.any(flat < 0, axis=-1))
    if rows.size == 0:
        return out.reshape(cf.shape[:-1])
    cft = np.ascontiguousarray(flat[rows].T)
    if guess is not None:
        guess = np.asarray(check_range("guess", guess, -0.99, 10.0), float)
        try:
            fits = np.broadcast_shapes(guess.shape, cf.shape[:-1]) == cf.shape[:-1]
        except ValueError:
            fits = False
        if not fits:
            raise InputError("guess", guess, f"one number, or one per row of cashflows (shape {cf.shape[:-1]})")
    g = _first_guess(flat[rows]) if guess is None else np.broadcast_to(guess, cf.shape[:-1]).reshape(-1)[rows]
    x0 = 1.0 / (1.0 + np.where(np.isfinite(g) & (g > -0.9), g, 0.1))
    res = np.full(rows.size, np.nan)
    active = np.arange(rows.size)                 # rows still iterating (compacted as they settle)
    sub, x = cft, x0.copy()
    live = np.ones(rows.size, bool)
    with np.errstate(all="ignore"):
        for _ in range(60):
            f, df = _horner(sub, x)
            step = f / df
            xn = x - step
            bad = ~np.isfinite(xn) | (xn <= 0.0)
            done = live & ~bad & (np.abs(step) <= _TOL * np.maximum(1.0, np.abs(xn)))
            res[active[done]] = xn[done]
            live &= ~done & ~bad
            if not live.any():
                break
            if live.sum() < 0.5 * live.size:
                active, xn, x0, sub = active[live], xn[live], x0[live], np.ascontiguousarray(sub[:, live])
                live = live[live]
            x = np.where(live, xn, x0)
        todo = np.flatnonzero(~np.isfinite(res))
        if todo.size:
            res[todo] = _bisect(np.ascontiguousarray(cft[:, todo]))
        out[rows] = np.where(np.isfinite(res), 1.0 / res - 1.0, np.nan)
    return out.reshape(cf.shape[:-1])


def _first_guess(cf: np.ndarray) -> np.ndarray:
    """Per row: (money in / money out)^(1 / years between them) − 1 where the row changes sign once,
    else 10%. Row-wise sums only (no BLAS product), so a row's guess does not depend on its batch."""
    T = cf.shape[-1]
    t = np.arange(T, dtype=float)
    pos, neg = np.maximum(cf, 0.0), np.maximum(-cf, 0.0)
    p, m = pos.sum(axis=-1), neg.sum(axis=-1)
    # the signs change once (zeros aside) where every outflow comes before every inflow, or after
    once = _all_before(cf < 0, cf > 0) | _all_before(cf > 0, cf < 0)
    with np.errstate(all="ignore"):
        years = (pos * t).sum(axis=-1) / p - (neg * t).sum(axis=-1) / m
        g = np.clip((p / m) ** (1.0 / years) - 1.0, -0.9, 1.0)
    return np.where(once & np.isfinite(g) & (years > 0), g, 0.1)


def _all_before(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row: some ``a`` and some ``b``, and the last ``a`` before the first ``b``."""
    T = a.shape[-1]
    last_a = T - 1 - np.argmax(a[:, ::-1], axis=-1)
    return a.any(axis=-1) & b.any(axis=-1) & (last_a < np.argmax(b, axis=-1))


def _bisect(cft: np.ndarray) -> np.ndarray:
    """Discount factors by bisection in the bracket nearest r = 10%; each row stops once its own bracket
    is narrow enough."""
    m = cft.shape[1]
    vals = np.stack([_horner(cft, np.full(m, g))[0] for g in _X_GRID], axis=1)
    change = np.signbit(vals[:, :-1]) != np.signbit(vals[:, 1:])
    has = change.any(axis=1)
    k = np.where(change, np.abs(np.arange(change.shape[1]) - 8), 99).argmin(axis=1)
    lo, hi = _X_GRID[k], _X_GRID[k + 1]
    flo = vals[np.arange(m), k]
    for _ in range(200):
        go = hi - lo > _TOL * hi
        if not go.any():
            break
        mid = 0.5 * (lo + hi)
        fm, _ = _horner(cft, mid)
        left = np.signbit(fm) == np.signbit(flo)
        lo = np.where(go & left, mid, lo)
        flo = np.where(go & left, fm, flo)
        hi = np.where(go & ~left, mid, hi)
    return np.where(has, 0.5 * (lo + hi), np.nan)
