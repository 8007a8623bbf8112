#!/usr/bin/env python3
"""jvit's matmul peer: NumPy's `a @ b` (or with `a.T`, `b.T`, plus the bias where the case has one) at the
shapes given, float32, timed call by call. Prints one JSON object: NumPy and BLAS versions, and per
shape the nanoseconds of each timed call.

Usage: numpy_matmul.py --warmup W --runs R SHAPE...   SHAPE: [BATCHx]MxNxK:[nt][nt][+bias] (A's layout, then B's)
A GELU that jvit fuses into a matmul is left out: NumPy's time is the product (and the bias) only.
"""
import argparse
import json

import numpy as np

from numpy_peer import describe, timed


def case(shape, seed):
    dims, layout = shape.split(":")
    bias = layout.endswith("+bias")
    layout = layout.removesuffix("+bias")
    sizes = [int(d) for d in dims.split("x")]
    batch, (m, n, k) = (sizes[0], sizes[1:]) if len(sizes) == 4 else (1, sizes)
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (batch, k, m) if layout[0] == "t" else (batch, m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (batch, n, k) if layout[1] == "t" else (batch, k, n)).astype(np.float32)
    lhs = a.transpose(0, 2, 1) if layout[0] == "t" else a
    rhs = b.transpose(0, 2, 1) if layout[1] == "t" else b
    c = np.empty((batch, m, n), np.float32)
    if not bias:
        return lambda: np.matmul(lhs, rhs, out=c)
    v = rng.uniform(-1, 1, n).astype(np.float32)
    return lambda: np.add(np.matmul(lhs, rhs, out=c), v, out=c)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("shapes", nargs="+")
    args = parser.parse_args()
    nanos = [timed(case(shape, i), args.warmup, args.runs) for i, shape in enumerate(args.shapes)]
    print(json.dumps({**describe(), "nanos": nanos}))


if __name__ == "__main__":
    main()
