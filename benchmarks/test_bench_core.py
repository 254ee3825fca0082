"""Core kernels: batched matmul and row reductions, forward and forward+backward.

Every benchmark times the implementation under test with the device synchronized at the end of
each round, asserts the last result against NumPy float64 (so a fast wrong kernel fails), and
records throughput and, where PyTorch is importable, the same work timed in PyTorch.
"""

import numpy as np
import pytest
from benchtools import FLOAT32, assert_close, record, run, shape_id, to_torch

MATMUL_SHAPES = [(8, 256, 256, 256), (1, 1024, 1024, 1024)]  # (B, M, K, N)
REDUCE_SHAPE = (4096, 4096)


# -- batched matmul ------------------------------------------------------------------------------

def _matmul_inputs(shape):
    b, m, k, n = shape
    rng = np.random.default_rng(0)
    return (rng.standard_normal((b, m, k), dtype=np.float32),
            rng.standard_normal((b, k, n), dtype=np.float32))


def _matmul_flops(shape):
    b, m, k, n = shape
    return 2 * b * m * n * k


@pytest.mark.parametrize("shape", MATMUL_SHAPES, ids=shape_id)
def test_matmul_forward(benchmark, nn, rounds, shape):
    benchmark.group = "matmul"
    a, b = _matmul_inputs(shape)
    ta, tb = nn.constant(a), nn.constant(b)

    def torch_fn(torch, device):
        xa, xb = to_torch(torch, device, a), to_torch(torch, device, b)
        return lambda: torch.matmul(xa, xb)

    out = run(benchmark, nn, rounds, lambda: nn.ops.matmul(ta, tb), torch_fn)
    assert_close(nn, out, a.astype(np.float64) @ b.astype(np.float64), "matmul")
    record(benchmark, nn, _matmul_flops(shape), "GFLOP/s")


@pytest.mark.parametrize("shape", MATMUL_SHAPES, ids=shape_id)
def test_matmul_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "matmul"
    a, b = _matmul_inputs(shape)
    va, vb = nn.Variable(a), nn.Variable(b)

    def step():
        with nn.GradientTape() as tape:
            loss = nn.ops.sum(nn.ops.matmul(va, vb))
        return tape.gradient(loss, [va, vb])

    def torch_fn(torch, device):
        xa, xb = to_torch(torch, device, a, True), to_torch(torch, device, b, True)
        return lambda: torch.autograd.grad(torch.sum(torch.matmul(xa, xb)), (xa, xb))

    ga, gb = run(benchmark, nn, rounds, step, torch_fn)
    # d sum(a @ b) / d a[i, m, k] = sum_n b[i, k, n];  d / d b[i, k, n] = sum_m a[i, m, k].
    assert_close(nn, ga, np.broadcast_to(b.sum(axis=2, dtype=np.float64)[:, None, :], a.shape), "d/da")
    assert_close(nn, gb, np.broadcast_to(a.sum(axis=1, dtype=np.float64)[:, :, None], b.shape), "d/db")
    # Backward is two more matmuls of the forward's size: 3x the forward's flops.
    record(benchmark, nn, 3 * _matmul_flops(shape), "GFLOP/s")


# -- reductions over the last axis ----------------------------------------------------------------

def _reduce_input():
    return np.random.default_rng(1).standard_normal(REDUCE_SHAPE, dtype=np.float32)


def _logsumexp64(x):
    m = x.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))[:, 0]


REDUCTIONS = {
    # name: (float64 forward, float64 gradient of sum(forward) w.r.t. x)
    "sum": (lambda x: x.sum(axis=-1), lambda x: np.ones_like(x)),
    "logsumexp": (_logsumexp64, lambda x: np.exp(x - _logsumexp64(x)[:, None])),  # softmax
}


def _reduce_bytes(backward, op):
    """Bytes an ideal kernel reads and writes (logical traffic, counting each tensor once per pass).

    Forward reads x and writes y. Backward reads dy (and for logsumexp x and y again) and writes dx.
    The reference's sum backward returns a broadcast view, so its dx traffic is logical, not real.
    """
    n, rows = REDUCE_SHAPE[0] * REDUCE_SHAPE[1], REDUCE_SHAPE[0]
    elements = n + rows
    if backward:
        elements += (rows + n) if op == "sum" else (rows + n + rows + n)
    return FLOAT32 * elements


@pytest.mark.parametrize("op", list(REDUCTIONS))
def test_reduce_forward(benchmark, nn, rounds, op):
    benchmark.group = "reduce"
    x = _reduce_input()
    tx = nn.constant(x)
    fn = getattr(nn.ops, op)

    def torch_fn(torch, device):
        xt, tfn = to_torch(torch, device, x), getattr(torch, op)
        return lambda: tfn(xt, -1)

    out = run(benchmark, nn, rounds, lambda: fn(tx, axis=-1), torch_fn)
    assert_close(nn, out, REDUCTIONS[op][0](x.astype(np.float64)), op)
    record(benchmark, nn, _reduce_bytes(False, op), "GB/s")


@pytest.mark.parametrize("op", list(REDUCTIONS))
def test_reduce_forward_backward(benchmark, nn, rounds, op):
    benchmark.group = "reduce"
    x = _reduce_input()
    vx = nn.Variable(x)
    fn = getattr(nn.ops, op)

    def step():
        with nn.GradientTape() as tape:
            y = fn(vx, axis=-1)
        return tape.gradient(y, vx)  # a non-scalar target is summed (seed of ones), as in TF

    def torch_fn(torch, device):
        xt, tfn = to_torch(torch, device, x, True), getattr(torch, op)

        def step_torch():
            y = tfn(xt, -1)
            return torch.autograd.grad(y, xt, torch.ones_like(y))
        return step_torch

    gx = run(benchmark, nn, rounds, step, torch_fn)
    assert_close(nn, gx, REDUCTIONS[op][1](x.astype(np.float64)), f"d {op} / dx")
    record(benchmark, nn, _reduce_bytes(True, op), "GB/s")


# -- a layer's epilogue: relu(x + bias) -------------------------------------------------------------

EPILOGUE_SHAPE = (128, 26, 26, 32)  # the MNIST convnet's first convolution output at batch 128


def _epilogue_inputs():
    rng = np.random.default_rng(2)
    return (rng.standard_normal(EPILOGUE_SHAPE, dtype=np.float32),
            rng.standard_normal(EPILOGUE_SHAPE[-1:], dtype=np.float32))


@pytest.mark.parametrize("backward", [False, True], ids=["forward", "forward_backward"])
def test_bias_relu(benchmark, nn, rounds, backward):
    """Forward: read x, write y. Backward adds: read the upstream gradient and y, write dx, read dx for the bias
    gradient (logical traffic, the bias itself negligible)."""
    benchmark.group = "epilogue"
    x, b = _epilogue_inputs()
    vx, vb = nn.Variable(x), nn.Variable(b)

    def step():
        if not backward:
            return nn.ops.bias_relu(vx, vb)
        with nn.GradientTape() as tape:
            y = nn.ops.bias_relu(vx, vb)
        return tape.gradient(y, [vx, vb])

    def torch_fn(torch, device):
        xt, bt = to_torch(torch, device, x, backward), to_torch(torch, device, b, backward)
        if not backward:
            return lambda: torch.relu(xt + bt)

        def step_torch():
            y = torch.relu(xt + bt)
            return torch.autograd.grad(y, (xt, bt), torch.ones_like(y))
        return step_torch

    out = run(benchmark, nn, rounds, step, torch_fn)
    pre = x.astype(np.float64) + b
    if backward:
        assert_close(nn, out[0], (pre > 0).astype(np.float64), "d/dx")
        assert_close(nn, out[1], (pre > 0).sum(axis=(0, 1, 2)).astype(np.float64), "d/dbias")
    else:
        assert_close(nn, out, np.maximum(pre, 0), "bias_relu")
    record(benchmark, nn, FLOAT32 * x.size * (2 + 4 * backward), "GB/s")
