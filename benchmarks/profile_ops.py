"""Where a training step's time goes, op by op: a tool for the performance work of issue 8 (not a benchmark).

    NNSPEC_IMPL=accel python benchmarks/profile_ops.py mnist_convnet 1024 [--steps 20]

Every kernel of the implementation is wrapped: on a GPU, CUDA events around each call give the device time
per op (events do not synchronise, so the step runs as it would); on the CPU, the wall time per call. The
table lists, per op, the calls per step and the time per step, beside the whole step's wall time: where the
sum of op times is far below the wall time, the step is bound by the host (Python and launches), not by the
kernels. On a GPU the steps run eagerly (CUDA graphs off: a replay calls no kernel function), so the wall time
is the eager step's, not the benchmark's replayed one.
"""

import argparse
import collections
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_bench_training import _data  # noqa: E402

import nnspec  # noqa: E402
from nnspec import zoo  # noqa: E402


def _signature(op, args, by_shape):
    """The op's name, with the shapes of its array arguments when the table is split by shape."""
    if not by_shape:
        return op
    shapes = [a.shape for a in args if isinstance(getattr(a, "shape", None), tuple)]
    return op + " " + " ".join("x".join(map(str, s)) or "()" for s in shapes)


def _instrument(impl, gpu, by_shape=False):
    """Wrap every kernel; returns the list the wrappers append (op, start, end) to."""
    log = []
    if gpu:
        import cupy

        def timed(op, fn):
            def call(*args, **kwargs):
                start, end = cupy.cuda.Event(), cupy.cuda.Event()
                start.record()
                out = fn(*args, **kwargs)
                end.record()
                log.append((_signature(op, args, by_shape), start, end))
                return out
            return call
    else:
        def timed(op, fn):
            def call(*args, **kwargs):
                start = time.perf_counter()
                out = fn(*args, **kwargs)
                log.append((_signature(op, args, by_shape), start, time.perf_counter()))
                return out
            return call
    impl.kernels = {op: timed(op, fn) for op, fn in impl.kernels.items()}
    return log


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=["mnist_mlp", "mnist_convnet", "imdb_lstm"])
    parser.add_argument("batch", type=int)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--by-shape", action="store_true", help="one row per op and argument shapes")
    args = parser.parse_args(argv)
    nn = nnspec.get_impl()
    impl = nn.implementation
    gpu = impl.name == "accel"
    if gpu:  # a replayed CUDA graph calls no kernel function: time the ops in eager steps
        os.environ["NNSPEC_CUDA_GRAPHS"] = "0"
    x, y = _data(args.model, args.batch, np.random.default_rng(5))
    model = zoo.get(args.model).make(nn, compile=True)
    for _ in range(3):  # compile kernels, fill the memory pool
        model.train_on_batch(x, y)
    sync = (lambda: __import__("cupy").cuda.Device().synchronize()) if gpu else (lambda: None)
    sync()
    log = _instrument(impl, gpu, args.by_shape)
    start = time.perf_counter()
    for _ in range(args.steps):
        model.train_on_batch(x, y)
    sync()
    wall = (time.perf_counter() - start) / args.steps * 1e3
    totals, counts = collections.defaultdict(float), collections.Counter()
    for op, a, b in log:
        totals[op] += (__import__("cupy").cuda.get_elapsed_time(a, b) if gpu else (b - a) * 1e3)
        counts[op] += 1
    width = max([32] + [len(op) for op in totals])
    print(f"{args.model} batch {args.batch} on {impl.name}: {wall:.3f} ms per step (wall), "
          f"{len(log) / args.steps:.0f} kernel calls per step, kernels {sum(totals.values()) / args.steps:.3f} ms")
    print(f"{'op':{width}s} {'calls/step':>10s} {'ms/step':>9s}")
    for op in sorted(totals, key=totals.get, reverse=True):
        print(f"{op:{width}s} {counts[op] / args.steps:10.1f} {totals[op] / args.steps:9.3f}")


if __name__ == "__main__":
    main()
