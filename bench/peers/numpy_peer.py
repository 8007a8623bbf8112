"""What both NumPy peers share: timing a call, and naming the NumPy and BLAS that ran it."""
import time

import numpy as np


def timed(call, warmup, runs):
    """Nanoseconds of each of `runs` calls, after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    nanos = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        nanos.append(time.perf_counter_ns() - start)
    return nanos


def describe():
    """NumPy's version and the BLAS it was built with, as jvit's report records them."""
    blas = {}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # NumPy < 1.25 has no dict mode
        pass
    name = " ".join(str(blas.get(k, "")) for k in ("name", "version")).strip() or "unknown"
    return {"numpy": np.__version__, "blas": name}
