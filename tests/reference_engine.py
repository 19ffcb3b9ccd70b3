"""The engine of notebook 07 as it was before it was made fast: the straightforward forms of the
steps that were rewritten for speed, kept here as the reference the fast engine must equal bit for bit
(tests/test_fast_paths.py). Each is the earlier code, unchanged but for its name; :func:`reference_path`
puts them in place of the fast ones for the length of a ``with`` block.

- the ledger: every row an (n, T) array written a column (one year) at a time;
- the chain's year loop: on the (n, T) arrays as they are, no year-major copies;
- the waterfall: time on the last axis, one period's column at a time;
- the pulled rate model: the (n, months) table of resampled rows, a new array per operation;
- the sector profiles: every sector gathered per scenario with ``take_along_axis``;
- the IRR's first guess: sign changes counted from the sign of the latest non-zero flow.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from fundlib import assumptions as A
from fundlib import projects as P
from fundlib import waterfall as W
from fundlib.chain import assets as CA
from fundlib.chain import engine as CE
from fundlib.chain import ledger as CL
from fundlib.odds import engine as OE
from fundlib.odds import history as H
from fundlib.odds import paths as PA
from fundlib.odds import pull as PU
from fundlib.odds import tally as TL
from fundlib._validate import InputError, as_numbers, check_int, check_number, check_str
from fundlib.structure import OWNERS, PAYEES
from fundlib.waterfall import (CatchUp, PreferredReturn, ReturnOfCapital, Split, SplitUntilRecouped, WaterfallResult,
                               _broadcast_to, _contributions, _owner_mask, _pro_rata, _shares_vector, _tiers, as_cashflows)
from fundlib.odds.pull import LEVELS, RATES, _params, check_choice
from fundlib.chain.ledger import _party


class ReferenceLedger(CL.Ledger):
    """The ledger with its rows stored (n, T), as they were."""

    def add(self, item: str, payer: str, payee: str, amount, year: int | None = None) -> None:
        """Record ``amount`` (≥ 0) paid by ``payer`` to ``payee`` in ``year`` (an (n,) array or a
        number), or over all years at once (``year=None``, an (n, T) array). :meth:`close` checks
        every amount once the chain has run."""
        row = self.rows.get((item, payer, payee))
        if row is None:
            check_str("item", item)
            _party("payer", payer)
            _party("payee", payee)
            row = np.zeros((self.n, self.T))
        if year is not None and not (isinstance(year, (int, np.integer)) and 0 <= year < self.T):
            year = check_int("year", year, 0, self.T - 1)
        try:
            if year is None:
                row += amount
            else:
                row[:, year] += amount
        except (TypeError, ValueError):
            as_numbers("amount", amount)
            raise InputError("amount", f"an array of shape {np.shape(amount)}",
                             f"a number or an array that fits ({self.n},)" if year is not None
                             else f"a number or an array that fits ({self.n}, {self.T})") from None
        self.rows[(item, payer, payee)] = row

    def close(self, tol: float = 1e-9) -> "ReferenceLedger":
        """Check that every transfer is finite and non-negative (rounding dust below ``tol``, a relative
        tolerance in [0, 1e-3], is set to zero). A failure is a broken invariant of the chain: AssertionError."""
        tol = check_number("tol", tol, 0.0, 1e-3)
        for (item, payer, payee), a in self.rows.items():
            if not np.all(np.isfinite(a)) or a.min(initial=0.0) < -tol * max(1.0, np.abs(a).max(initial=0.0)):
                raise AssertionError(f"transfer {item!r} {payer} → {payee} must be finite and ≥ 0")
            np.maximum(a, 0.0, out=a)
        return self


def run_waterfall(contributions, distributable, tiers, ownership=None, fees=None) -> WaterfallResult:
    """The waterfall with time on the last axis, as it was."""
    tiers = _tiers(tiers)
    dist = as_cashflows("distributable", distributable)
    if np.any(dist < -1e-12):
        raise InputError("distributable", dist, "finite, non-negative cash amounts")
    dist = np.maximum(dist, 0.0)
    c_own = _contributions(contributions, dist)
    n_p = len(PAYEES)
    contrib = np.zeros((n_p,) + dist.shape)
    contrib[: len(OWNERS)] = c_own
    S, T = dist.shape[:-1], dist.shape[-1]
    if ownership is None:
        tot = contrib.sum(axis=-1)
        own_w = _pro_rata(np.ones(S), tot)
    else:
        from fundlib.structure import _fractions

        shares = _fractions("ownership", ownership, "owner shares")
        own_w = np.zeros((n_p,) + S)
        for i, o in enumerate(OWNERS):
            own_w[i] = shares[o]
    fee_arr = np.zeros(dist.shape) if fees is None else _broadcast_to("fees", fees, dist)
    if np.any(fee_arr < 0):
        raise InputError("fees", fees, "fees ≥ 0")
    split_vectors = []
    for tier in tiers:
        if isinstance(tier, Split) and tier.shares is None:
            v = own_w * (1.0 - tier.carry)
            v[PAYEES.index("manager")] = tier.carry
            split_vectors.append(v)
        elif isinstance(tier, (Split, SplitUntilRecouped)):
            split_vectors.append(_shares_vector(tier.shares).reshape((n_p,) + (1,) * len(S)))
        else:
            split_vectors.append(None)

    paid = np.zeros((len(tiers), n_p) + dist.shape)
    unreturned = np.zeros((n_p,) + S)
    pref_due = [np.zeros((n_p,) + S) for _ in tiers]
    recoup = [np.zeros(S) for _ in tiers]
    owner_profit = np.zeros(S)  # profit (beyond capital) paid to owners so far
    manager_carry = np.zeros(S)
    mgr = PAYEES.index("manager")
    for t in range(T):
        for k, tier in enumerate(tiers):
            if isinstance(tier, PreferredReturn) and t > 0:
                pref_due[k] += tier.rate * (unreturned + pref_due[k]) * _owner_mask(tier.owners).reshape((n_p,) + (1,) * len(S))
            if isinstance(tier, SplitUntilRecouped):
                i = PAYEES.index(tier.payee)
                recoup[k] = recoup[k] * (1.0 + tier.rate) + contrib[i, ..., t]
        unreturned += contrib[..., t]
        avail = dist[..., t].copy()
        for k, tier in enumerate(tiers):
            if isinstance(tier, ReturnOfCapital):
                owed = unreturned * _owner_mask(tier.owners).reshape((n_p,) + (1,) * len(S))
                pay = _pro_rata(np.minimum(avail, owed.sum(axis=0)), owed)
                unreturned -= pay
            elif isinstance(tier, PreferredReturn):
                owed = pref_due[k]
                pay = _pro_rata(np.minimum(avail, owed.sum(axis=0)), owed)
                pref_due[k] = owed - pay
                owner_profit += pay.sum(axis=0)
            elif isinstance(tier, CatchUp):
                need = (tier.carry * (owner_profit + manager_carry) - manager_carry) / (tier.share - tier.carry)
                x = np.clip(need, 0.0, avail)
                pay = np.zeros((n_p,) + S)
                pay[mgr] = tier.share * x
                pay += own_w * (1.0 - tier.share) * x
                owner_profit += (1.0 - tier.share) * x
                manager_carry += tier.share * x
            elif isinstance(tier, SplitUntilRecouped):
                v = split_vectors[k]
                i = PAYEES.index(tier.payee)
                cap = np.maximum(recoup[k], 0.0) / v[i]
                pay = v * np.minimum(avail, cap)
                recoup[k] = recoup[k] - pay[i]
            else:  # Split: takes everything left
                pay = split_vectors[k] * avail
                owner_profit += pay[: len(OWNERS)].sum(axis=0)
                manager_carry += pay[mgr]
            paid[k, ..., t] = pay
            avail = np.maximum(avail - pay.sum(axis=0), 0.0)
    return WaterfallResult(tiers, paid, contrib, fee_arr)


def portfolio(w: dict, ai_bust, d: dict, horizon: int) -> np.ndarray:
    """The weighted CFADS per $1; a sector late by whole years is its on-time CFADS shifted right (every
    term of it depends only on the years since operations began), so each sector's cash flows are
    built once and gathered per scenario, months blending the whole years either side."""
    n = np.broadcast_shapes(np.shape(ai_bust), *(np.shape(v) for v in d.values()))
    out = np.zeros(n + (horizon,))
    cut, up = A.value("ai_bust_utilization_cut"), A.value("ai_bust_capex_up")
    t = np.arange(horizon)
    for s, key in P.SECTORS.items():
        if not w[s]:
            continue
        a = P.archetype(key)
        ai = np.asarray(ai_bust, float) if s == "data_centres" else 0.0
        c = P.cashflows(a, horizon, utilization=a.utilization * np.clip(1 - cut * ai, 0, 1),
                        maintenance_mult=1 + up * ai, components=True)
        on_time = np.broadcast_to(c["operating"] - c["maintenance"] - c["refresh"] + c["terminal"], n + (horizon,))
        late = np.broadcast_to(np.asarray(d[s], float), n)
        whole = np.floor(late)
        frac = (late - whole)[..., None]

        def shifted(years):
            idx = t - years[..., None].astype(int)
            return np.where(idx >= 0, np.take_along_axis(on_time, np.clip(idx, 0, horizon - 1), axis=-1), 0.0)

        cf = shifted(whole) if np.any(whole > 0) else on_time
        if np.any(frac > 0):                           # months: blend the whole years either side
            cf = cf + frac * (shifted(whole + 1) - cf)
        out += w[s] / a.capex_usd_bn * cf
    return out


def step_months(x0: np.ndarray, shock_rows, months: int, *, pull_scale: float = 1.0, fx_drift: str = "none",
                 keep=(), on_year=None, gaussian=None, levels: str = "anchor") -> dict:
    """The pulled model month by month from levels ``x0`` (shape (7, n): the rates, then log USD/JPY).
    Each rate has a shadow s, pulled and shocked without a floor, s ← s + κ·(θ − s) + ε_m, and is
    r = max(b, s): at the bound while the shadow is below it. Log USD/JPY + ε_m (+ (TONA − SOFR)/12 of
    the rates r with ``fx_drift="uip"``). The shocks ε_m are the rows ``shock_rows[:, m]`` of
    :func:`shocks` (bootstrap), or ``gaussian(m)`` (shape (7, n)). ``keep``: months whose levels (r and
    log USD/JPY) to return; ``on_year(year, sums, ends)`` after each twelfth month with the year's sums
    and year-end levels. Returns {month: levels} for ``keep``."""
    E, kappa, theta, bound = _params(pull_scale, check_choice("levels", levels, LEVELS))
    R = len(RATES)
    shadow = np.array(x0, float, copy=True)[:R]
    x = np.array(x0, float, copy=True)                   # the rates as seen (floored), then log USD/JPY
    np.maximum(x[:R], bound, out=x[:R])
    sums = np.zeros_like(x)
    kept = {0: x.copy()} if 0 in keep else {}
    Et = np.ascontiguousarray(E.T)
    for m in range(months):
        eps = Et[:, shock_rows[:, m]] if gaussian is None else gaussian(m)
        drift = (x[1] - x[0]) / 12.0 if fx_drift == "uip" else 0.0
        shadow += kappa * (theta - shadow) + eps[:R]
        np.maximum(shadow, bound, out=x[:R])
        x[R] += eps[R] + drift
        sums += x
        if (m + 1) in keep:
            kept[m + 1] = x.copy()
        if (m + 1) % 12 == 0 and on_year is not None:
            on_year((m + 1) // 12, sums, x)
            sums[:] = 0.0
    return kept


def first_guess(cf: np.ndarray) -> np.ndarray:
    """Per row: (money in / money out)^(1 / years between them) − 1 where the row changes sign once,
    else 10%. Row-wise sums only (no BLAS product), so a row's guess does not depend on its batch."""
    T = cf.shape[-1]
    t = np.arange(T, dtype=float)
    pos, neg = np.maximum(cf, 0.0), np.maximum(-cf, 0.0)
    p, m = pos.sum(axis=-1), neg.sum(axis=-1)
    sgn = np.sign(cf)
    at = np.maximum.accumulate(np.where(sgn != 0, np.arange(T), 0), axis=-1)
    last = np.take_along_axis(sgn, at, axis=-1)           # sign of the latest non-zero flow so far
    changes = np.count_nonzero((last[:, 1:] != last[:, :-1]) & (last[:, :-1] != 0), axis=-1)
    with np.errstate(all="ignore"):
        years = (pos * t).sum(axis=-1) / p - (neg * t).sum(axis=-1) / m
        g = np.clip((p / m) ** (1.0 / years) - 1.0, -0.9, 1.0)
    return np.where((changes == 1) & np.isfinite(g) & (years > 0), g, 0.1)


@contextmanager
def reference_path():
    """Within the block, the engine runs its reference forms (module attributes swapped and restored)."""
    swaps = [(CE, "Ledger", ReferenceLedger), (CE, "_year_major", lambda a: a),
             (CE, "_PATH_ORDER", "C"), (W, "run_waterfall", run_waterfall), (CA, "_portfolio", portfolio),
             (PU, "_step_months", step_months), (PA, "_step_months", step_months), (TL, "_first_guess", first_guess),
             (PA, "_block_rows", lambda n, months, **kw: H.resample_rows(n, months, **kw))]
    saved = [(m, k, getattr(m, k)) for m, k, _ in swaps]
    caches = (CA._portfolio_cached, OE._base_irr, OE._market_factor)
    for c in caches:                                   # cached results: computed again by the reference forms
        c.cache_clear()
    try:
        for m, k, v in swaps:
            setattr(m, k, v)
        yield
    finally:
        for m, k, v in saved:
            setattr(m, k, v)
        for c in caches:
            c.cache_clear()
