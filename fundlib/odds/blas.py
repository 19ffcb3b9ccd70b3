"""One BLAS thread for a block of code, so an odds chunk's numbers do not depend on the machine's thread
count. Used by notebook 07 (The odds) through :mod:`fundlib.odds.engine`.
"""

from __future__ import annotations

import ctypes
import glob
import os
from contextlib import contextmanager

__all__ = ["one_blas_thread"]


def _openblas_handles():
    paths = []
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({ln.split()[-1] for ln in f if "openblas" in ln.lower() and ".so" in ln})
    except OSError:
        import numpy

        root = os.path.dirname(os.path.dirname(numpy.__file__))
        paths = glob.glob(os.path.join(root, "numpy*libs", "*openblas*")) + glob.glob(os.path.join(os.path.dirname(numpy.__file__), ".dylibs", "*openblas*"))
    for p in paths:
        try:
            lib = ctypes.CDLL(p)
        except OSError:
            continue
        for suffix in ("scipy_openblas_{}_num_threads64_", "openblas_{}_num_threads64_", "openblas_{}_num_threads"):
            try:
                return getattr(lib, suffix.format("set")), getattr(lib, suffix.format("get"))
            except AttributeError:
                continue
    return None


_BLAS = []


@contextmanager
def one_blas_thread():
    """Run the block with one BLAS thread (restored after), so a chunk's results do not depend on the
    machine's thread count. Uses threadpoolctl when installed, else the loaded OpenBLAS directly."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(1, user_api="blas"):
            yield
        return
    if not _BLAS:
        _BLAS.append(_openblas_handles())
    h = _BLAS[0]
    if h is None:
        yield
        return
    set_, get_ = h
    old = int(get_())
    set_(1)
    try:
        yield
    finally:
        set_(old)
