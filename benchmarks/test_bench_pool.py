"""MaxPooling2D 2x2 (stride 2, 'valid'), forward and forward+backward.

Shapes: the DLwP MNIST convnet's first pooling input (128, 26, 26, 32) and a larger feature map
(32, 64, 64, 64). The last result is checked against NumPy float64 (first maximum of each window,
its gradient at that element). The PyTorch twin is ``F.max_pool2d`` on the same data in NCHW
(a permuted view of the NHWC array, as a channels_last model would hand it over).
"""

import numpy as np
import pytest
from benchtools import FLOAT32, assert_close, record, run, shape_id, to_torch

SHAPES = [(128, 26, 26, 32), (32, 64, 64, 64)]


def _input(shape):
    return np.random.default_rng(0).standard_normal(shape, dtype=np.float32)


def _windows(x):
    """(N, H/2, W/2, C, 4): the 2x2 windows of x in row-major window order."""
    n, h, w, c = x.shape
    v = x[:, :h // 2 * 2, :w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c)
    return v.transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, w // 2, c, 4)


def _expected(x, gy):
    """Forward and the gradient of <y, gy>, in float64: all of each window's gy to its first maximum."""
    win = _windows(x.astype(np.float64))
    arg = win.argmax(axis=-1)
    y = np.take_along_axis(win, arg[..., None], -1)[..., 0]
    gwin = np.zeros(win.shape)
    np.put_along_axis(gwin, arg[..., None], gy.astype(np.float64)[..., None], -1)
    n, oh, ow, c, _ = gwin.shape
    gx = np.zeros(x.shape)
    gx[:, :oh * 2, :ow * 2] = gwin.reshape(n, oh, ow, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(
        n, oh * 2, ow * 2, c)
    return y, gx


def _bytes(shape, backward):
    """Logical traffic: forward reads x and writes y; backward also reads dy and writes dx."""
    n, h, w, c = shape
    x, y = n * h * w * c, n * (h // 2) * (w // 2) * c
    return FLOAT32 * ((x + y) + ((y + x) if backward else 0))


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_max_pool2d_forward(benchmark, nn, rounds, shape):
    benchmark.group = "max_pool2d"
    x = _input(shape)
    layer = nn.layers.MaxPooling2D((2, 2))
    tx = nn.constant(x)

    def torch_fn(torch, device):
        xt = to_torch(torch, device, x).permute(0, 3, 1, 2)
        return lambda: torch.nn.functional.max_pool2d(xt, 2)

    out = run(benchmark, nn, rounds, lambda: layer(tx), torch_fn)
    want, _ = _expected(x, np.zeros(1))
    assert_close(nn, out, want, "max_pool2d")
    record(benchmark, nn, _bytes(shape, False), "GB/s")


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_max_pool2d_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "max_pool2d"
    x = _input(shape)
    n, h, w, c = shape
    gy = np.random.default_rng(1).standard_normal((n, h // 2, w // 2, c), dtype=np.float32)
    layer = nn.layers.MaxPooling2D((2, 2))
    vx, tgy = nn.Variable(x), nn.constant(gy)

    def step():
        with nn.GradientTape() as tape:
            y = layer(vx)
        return tape.gradient(y, vx, output_gradients=tgy)

    def torch_fn(torch, device):
        xt = to_torch(torch, device, x, True)
        gyt = to_torch(torch, device, gy).permute(0, 3, 1, 2)

        def step_torch():
            y = torch.nn.functional.max_pool2d(xt.permute(0, 3, 1, 2), 2)
            return torch.autograd.grad(y, xt, gyt)
        return step_torch

    gx = run(benchmark, nn, rounds, step, torch_fn)
    _, want = _expected(x, gy)
    assert_close(nn, gx, want, "d max_pool2d / dx")
    record(benchmark, nn, _bytes(shape, True), "GB/s")
