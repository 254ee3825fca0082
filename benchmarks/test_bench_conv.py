"""Conv2D 3x3, forward and forward+backward, at the MNIST convnet's shapes and one larger layer.

Shapes (NHWC -> filters): the DLwP MNIST convnet's first two convolutions (128 x 28x28x1 -> 32,
128 x 13x13x32 -> 64, 'valid') and a VGG-like 32 x 64x64x64 -> 64 with 'same' padding. Each
benchmark asserts the last result against a float64 NumPy convolution written here (one tensordot
per kernel tap) and times ``torch.nn.functional.conv2d`` on the same data in NCHW with the kernel
permuted to (out, in, kh, kw) and Keras' 'same' padding applied explicitly.
"""

import numpy as np
import pytest
from benchtools import assert_close, record, run, to_torch

SHAPES = [  # (N, H, W, C, filters, padding)
    (128, 28, 28, 1, 32, "valid"),
    (128, 13, 13, 32, 64, "valid"),
    (32, 64, 64, 64, 64, "same"),
]
K = 3


def shape_id(shape):
    n, h, w, c, f, padding = shape
    return f"{n}x{h}x{w}x{c}-{f}-{padding}"


def _pads(shape):
    """Keras 'same' for a 3x3 kernel at stride 1: one pixel each side; 'valid': none."""
    return (1, 1) if shape[5] == "same" else (0, 0)


def _inputs(shape):
    n, h, w, c, f, _ = shape
    rng = np.random.default_rng(0)
    return (rng.standard_normal((n, h, w, c), dtype=np.float32),
            (rng.standard_normal((K, K, c, f), dtype=np.float32) / np.sqrt(K * K * c)).astype(np.float32))


def _out_hw(shape):
    p = sum(_pads(shape))
    return shape[1] + p - K + 1, shape[2] + p - K + 1


def _flops(shape):
    n, _, _, c, f, _ = shape
    oh, ow = _out_hw(shape)
    return 2 * n * oh * ow * K * K * c * f


def _conv64(x, k, pads):
    """float64 y[n, a, b, o] = sum_{i, j, c} xpad[n, a + i, b + j, c] k[i, j, c, o]."""
    xp = np.pad(x.astype(np.float64), ((0, 0), pads, pads, (0, 0)))
    oh, ow = xp.shape[1] - K + 1, xp.shape[2] - K + 1
    y = np.zeros((x.shape[0], oh, ow, k.shape[3]))
    for i in range(K):
        for j in range(K):
            y += np.tensordot(xp[:, i:i + oh, j:j + ow, :], k[i, j].astype(np.float64), axes=(3, 0))
    return y


def _conv_grads64(x, k, gy, pads):
    """float64 gradients of sum(conv(x, k) * gy): dx (taps scattered back, padding cut) and dk."""
    xp = np.pad(x.astype(np.float64), ((0, 0), pads, pads, (0, 0)))
    oh, ow = gy.shape[1:3]
    dxp = np.zeros_like(xp)
    dk = np.zeros(k.shape)
    g = gy.astype(np.float64)
    for i in range(K):
        for j in range(K):
            dxp[:, i:i + oh, j:j + ow, :] += np.tensordot(g, k[i, j].astype(np.float64), axes=(3, 1))
            dk[i, j] = np.tensordot(xp[:, i:i + oh, j:j + ow, :], g, axes=((0, 1, 2), (0, 1, 2)))
    return dxp[:, pads[0]:pads[0] + x.shape[1], pads[0]:pads[0] + x.shape[2], :], dk


def _torch_conv(torch, xt, kt, pads):
    xt = torch.nn.functional.pad(xt, (pads[0], pads[1], pads[0], pads[1]))
    return torch.nn.functional.conv2d(xt, kt)


def _torch_tensors(torch, device, x, k, requires_grad=False):
    xt = to_torch(torch, device, np.ascontiguousarray(x.transpose(0, 3, 1, 2)), requires_grad)
    kt = to_torch(torch, device, np.ascontiguousarray(k.transpose(3, 2, 0, 1)), requires_grad)
    return xt, kt


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_conv2d_forward(benchmark, nn, rounds, shape):
    benchmark.group = "conv2d"
    x, k = _inputs(shape)
    tx, tk = nn.constant(x), nn.constant(k)

    def torch_fn(torch, device):
        xt, kt = _torch_tensors(torch, device, x, k)
        return lambda: _torch_conv(torch, xt, kt, _pads(shape))

    out = run(benchmark, nn, rounds, lambda: nn.ops.conv2d(tx, tk, padding=shape[5]), torch_fn)
    assert_close(nn, out, _conv64(x, k, _pads(shape)), "conv2d")
    record(benchmark, nn, _flops(shape), "GFLOP/s")


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_conv2d_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "conv2d"
    x, k = _inputs(shape)
    gy = np.random.default_rng(1).standard_normal((shape[0],) + _out_hw(shape) + (shape[4],), dtype=np.float32)
    vx, vk, tgy = nn.Variable(x), nn.Variable(k), nn.constant(gy)

    def step():
        with nn.GradientTape() as tape:
            loss = nn.ops.sum(nn.ops.multiply(nn.ops.conv2d(vx, vk, padding=shape[5]), tgy))
        return tape.gradient(loss, [vx, vk])

    def torch_fn(torch, device):
        xt, kt = _torch_tensors(torch, device, x, k, True)
        gyt = to_torch(torch, device, np.ascontiguousarray(gy.transpose(0, 3, 1, 2)))
        return lambda: torch.autograd.grad(torch.sum(_torch_conv(torch, xt, kt, _pads(shape)) * gyt), (xt, kt))

    gx, gk = run(benchmark, nn, rounds, step, torch_fn)
    want_gx, want_gk = _conv_grads64(x, k, gy, _pads(shape))
    assert_close(nn, gx, want_gx, "d/dx")
    assert_close(nn, gk, want_gk, "d/dkernel")
    # the input and the kernel gradient are one more convolution's work each: 3x the forward's flops
    record(benchmark, nn, 3 * _flops(shape), "GFLOP/s")
