"""BatchNormalization in training mode, forward + backward (the layer: batch statistics, normalization,
the moving-average update, then the gradients w.r.t. x, gamma and beta), checked against NumPy float64
and timed beside PyTorch's ``F.batch_norm(training=True)`` on the same NHWC data (channels moved to
dim 1 as a view: PyTorch's channels_last layout)."""

import numpy as np
import pytest
from benchtools import FLOAT32, assert_close, record, run, shape_id, to_torch

SHAPES = [(128, 26, 26, 32), (32, 64, 64, 64)]  # the MNIST convnet's first block; a mid-size conv block
EPSILON = 1e-3


def expected_input_gradient(x, gy, gamma):
    """gamma / sqrt(var + eps) * (gy - mean(gy) - xhat * mean(gy * xhat)), statistics per channel."""
    x, gy = x.astype(np.float64), gy.astype(np.float64)
    axes = (0, 1, 2)
    xhat = (x - x.mean(axes)) / np.sqrt(x.var(axes) + EPSILON)
    return gamma / np.sqrt(x.var(axes) + EPSILON) * (gy - gy.mean(axes) - xhat * (gy * xhat).mean(axes))


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_batchnorm_training_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "batchnorm"
    c = shape[-1]
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape, dtype=np.float32) * rng.uniform(0.5, 2.0, c).astype(np.float32)
         + rng.uniform(-1, 1, c).astype(np.float32))
    gy = rng.standard_normal(shape, dtype=np.float32)
    gamma, beta = rng.uniform(0.5, 1.5, c).astype(np.float32), rng.uniform(-0.5, 0.5, c).astype(np.float32)
    layer = nn.layers.BatchNormalization()
    layer.build((None,) + shape[1:])
    layer.set_weights([gamma, beta, np.zeros(c, np.float32), np.ones(c, np.float32)])
    xv, gyt = nn.Variable(x), nn.constant(gy)

    def step():
        with nn.GradientTape() as tape:
            y = layer(xv, training=True)
        return tape.gradient(y, [xv, layer.gamma, layer.beta], output_gradients=gyt)[0]

    def torch_fn(torch, device):
        tx, tgy = to_torch(torch, device, x, requires_grad=True), to_torch(torch, device, gy)
        tg, tb = to_torch(torch, device, gamma, requires_grad=True), to_torch(torch, device, beta, requires_grad=True)
        bn = torch.nn.functional.batch_norm
        return lambda: torch.autograd.grad(bn(tx.movedim(-1, 1), None, None, tg, tb, training=True, eps=EPSILON),
                                           [tx, tg, tb], grad_outputs=tgy.movedim(-1, 1))

    gx = run(benchmark, nn, rounds, step, torch_fn)
    assert_close(nn, gx, expected_input_gradient(x, gy, gamma), "batchnorm input gradient")
    # bytes: forward reads x and writes y; backward reads gy and x and writes gx
    record(benchmark, nn, 5 * int(np.prod(shape)) * FLOAT32, "GB/s")
