"""What every benchmark shares: timing with the device synchronized, the correctness check, and the
PyTorch comparison recorded in ``extra_info``."""

import os
import statistics
import time

import numpy as np

from nnspec.testing import synchronize

FLOAT32 = 4  # bytes
WARMUP_ROUNDS = 2  # excludes first-call costs: allocator growth, CuPy kernel compilation, BLAS set-up
# A benchmark of a few milliseconds gets more rounds than the minimum, up to about this many seconds of them,
# so that its median (and PyTorch's, timed for as many rounds) is not at the mercy of a few noisy rounds.
TIMED_SECONDS, MAX_ROUNDS = 0.5, 200


def shape_id(shape):
    return "x".join(map(str, shape))


def tolerance(nn):
    """Max error allowed, relative to the largest expected magnitude.

    Loose enough for any float32 accumulation order; TF32 (accel with CUPY_TF32=1, an explicit
    opt-in) rounds matmul inputs to 10-bit mantissas and gets its own, looser row.
    """
    if nn.implementation.name == "accel" and os.environ.get("CUPY_TF32") == "1":
        return 2e-2
    return 1e-3


def assert_close(nn, ours, expected, what):
    ours = np.asarray(ours.numpy(), dtype=np.float64)
    assert ours.shape == expected.shape, f"{what}: shape {ours.shape}, expected {expected.shape}"
    scale = float(np.abs(expected).max())
    err = float(np.abs(ours - expected).max())
    tol = tolerance(nn)
    assert err <= tol * scale, f"{what}: max error {err:.3g} exceeds {tol:g} x max |expected| {scale:.3g}"


def run(benchmark, nn, rounds, fn, torch_fn=None):
    """Time ``fn`` (returns its last result); the synchronize makes a GPU round include the GPU work.

    ``torch_fn(torch, device)`` returns a callable doing the same work in PyTorch (CPU PyTorch for the
    reference, CUDA PyTorch for accel), timed for as many rounds in blocks alternating with ours (see
    ``Alternation``); its median goes into extra_info for ``record``.
    """
    def target():
        out = fn()
        synchronize(nn)
        return out
    if not benchmark.disabled:
        seconds = []
        for _ in range(2):  # the faster of two calls: a first call may pay one-off costs
            start = time.perf_counter()
            target()
            seconds.append(time.perf_counter() - start)
        rounds = max(rounds, min(MAX_ROUNDS, int(TIMED_SECONDS / max(min(seconds), 1e-9))))
    torch, device = torch_for(nn) if torch_fn is not None and not benchmark.disabled else (None, None)
    if torch is None:
        return benchmark.pedantic(target, rounds=rounds, iterations=1, warmup_rounds=WARMUP_ROUNDS)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    theirs = torch_fn(torch, device)

    def torch_target():
        theirs()
        sync()
    for _ in range(WARMUP_ROUNDS):
        torch_target()
    alternation = Alternation(target, torch_target, rounds, WARMUP_ROUNDS)
    out = benchmark.pedantic(target, setup=alternation.setup, rounds=rounds, iterations=1,
                             warmup_rounds=WARMUP_ROUNDS)
    benchmark.extra_info.update(torch_device=device, torch_seconds=alternation.finish())
    if device == "cuda":
        benchmark.extra_info["torch_tf32"] = bool(torch.backends.cudnn.allow_tf32)
    return out


# Ours and PyTorch are each timed in up to this many blocks of rounds, alternating: a shared machine's speed
# drifts by 10-30% from minute to minute, and one block each put the two sides in different minutes. Not
# round by round: on the CPU, PyTorch's OpenMP threads and OpenBLAS's spin-wait after their work and slowed
# the other side's next round by up to 1.7x, so the first call after every switch is left untimed.
BLOCKS = 4


class Alternation:
    """PyTorch's timed rounds in blocks between blocks of ours. pytest-benchmark's ``pedantic`` calls
    ``setup`` (untimed) before each of its rounds: before the first round of each of our blocks but the
    first it times a block of PyTorch's (after one untimed call), then makes one untimed call of ours;
    ``finish`` times the last block and returns the median of PyTorch's rounds."""

    def __init__(self, ours, theirs, rounds, warmup_rounds, blocks=BLOCKS):
        self.ours, self.theirs, self.rounds, self.warmup_rounds = ours, theirs, rounds, warmup_rounds
        self.per = -(-rounds // min(blocks, rounds))  # rounds per block, ceiling
        self.calls, self.seconds = 0, []

    def setup(self):
        timed = self.calls - self.warmup_rounds  # the index of the round of ours about to be timed
        self.calls += 1
        if timed > 0 and timed % self.per == 0:
            self._block(self.per)
            self.ours()

    def _block(self, count):
        self.theirs()
        for _ in range(count):
            start = time.perf_counter()
            self.theirs()
            self.seconds.append(time.perf_counter() - start)

    def finish(self):
        self._block(self.rounds - len(self.seconds))
        return statistics.median(self.seconds)


def record(benchmark, nn, work, unit, scale=1e9):
    """Throughput (``work`` units per second / ``scale``: GFLOP/s, GB/s; samples/s with scale 1) and the
    ratio to the PyTorch median that ``run`` measured, into extra_info."""
    info = benchmark.extra_info
    info["impl"] = nn.implementation.name
    info["throughput_unit"] = unit
    if benchmark.disabled:  # smoke run (--benchmark-disable): nothing was timed
        return
    median = benchmark.stats.stats.median
    info["throughput"] = work / median / scale
    if "torch_seconds" in info:
        info["ratio_vs_torch"] = median / info["torch_seconds"]


def torch_for(nn):
    """(torch, device) to compare with: CPU torch for the reference, CUDA torch for accel."""
    try:
        import torch
    except ImportError:
        return None, None
    if nn.implementation.name == "accel":
        # A CPU timing would say nothing about the GPU kernels, so no comparison without CUDA torch.
        if not torch.cuda.is_available():
            return None, None
        # Like for like: PyTorch's cuDNN convolutions and RNNs use TF32 by default, accel's products only with
        # CUPY_TF32=1; both follow that setting (recorded in the report as torch_tf32).
        tf32 = os.environ.get("CUPY_TF32") == "1"
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = tf32
        return torch, "cuda"
    return torch, "cpu"


def to_torch(torch, device, array, requires_grad=False):
    return torch.from_numpy(array).to(device).requires_grad_(requires_grad)
