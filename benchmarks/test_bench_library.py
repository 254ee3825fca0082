"""Library hot spots: a Dense layer forward+backward, optimizer updates over 10M parameters, and
softmax-crossentropy from logits, each checked against NumPy float64 and timed beside PyTorch."""

import numpy as np
import pytest
from benchtools import FLOAT32, assert_close, record, run, to_torch

# (batch, in, units): the book's MNIST MLP layer, and a large layer whose rate is set against the measured matmul
# limit (limit_matmul_fp32 is 4096^3): a second on 2 CPU cores, so out of the untimed smoke run
DENSE = [(128, 784, 512), (1024, 784, 512), pytest.param((4096, 4096, 4096), marks=pytest.mark.slow)]
PARAMS = 10_000_000
CE = [(1024, 1000)]  # (batch, classes)


@pytest.mark.parametrize("shape", DENSE, ids=lambda s: "x".join(map(str, s)))
def test_dense_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "dense"
    n, d, u = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d), dtype=np.float32)
    layer = nn.layers.Dense(u, activation="relu")
    layer.build((None, d))
    w, b = layer.get_weights()
    xt = nn.constant(x)

    # the gradients of the input, the kernel and the bias, as for a layer inside a network: three products
    def step():
        with nn.GradientTape() as tape:
            tape.watch(xt)
            loss = nn.ops.sum(layer(xt))
        return tape.gradient(loss, [xt] + layer.trainable_weights)[:2]

    def torch_fn(torch, device):
        tx, tw = to_torch(torch, device, x, requires_grad=True), to_torch(torch, device, w, requires_grad=True)
        tb = to_torch(torch, device, b, requires_grad=True)
        return lambda: torch.autograd.grad(torch.relu(tx @ tw + tb).sum(), [tx, tw, tb])

    gx, gw = run(benchmark, nn, rounds, step, torch_fn)
    y = layer(xt)
    assert_close(nn, y, np.maximum(x.astype(np.float64) @ w + b, 0.0), "dense output")
    # the relu mask of the output computed: an entry within rounding of 0 may fall either side in float32
    # (about one in a million here), and its flip would move a whole row of x into the check
    mask = (y.numpy() > 0).astype(np.float64)
    assert_close(nn, gw, x.astype(np.float64).T @ mask, "dense kernel gradient")
    assert_close(nn, gx, mask @ w.astype(np.float64).T, "dense input gradient")
    record(benchmark, nn, 3 * 2 * n * d * u, "GFLOP/s")


def _expected_after(name, p0, g0, steps, lr=1e-3, eps=1e-7):
    """The Keras 2.2.4 recurrence in float64 for ``steps`` identical gradients from a zero state."""
    p, g = p0.astype(np.float64), g0.astype(np.float64)
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t in range(1, steps + 1):
        if name == "adam":
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            p = p - lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + eps)
        else:
            v = 0.9 * v + 0.1 * g * g
            p = p - lr * g / (np.sqrt(v) + eps)
    return p


@pytest.mark.parametrize("name", ["adam", "rmsprop"])
def test_optimizer_update_10m(benchmark, nn, rounds, name):
    benchmark.group = "optimizer"
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal(PARAMS, dtype=np.float32)
    g0 = rng.standard_normal(PARAMS, dtype=np.float32) * 0.01
    var, grad = nn.Variable(p0), nn.constant(g0)
    opt = nn.optimizers.get(name)
    opt.build([var])  # slots exist before the timing starts

    def torch_fn(torch, device):
        tp = to_torch(torch, device, p0.copy(), requires_grad=True)
        tp.grad = to_torch(torch, device, g0)
        topt = torch.optim.Adam([tp], lr=1e-3, eps=1e-7) if name == "adam" else \
            torch.optim.RMSprop([tp], lr=1e-3, alpha=0.9, eps=1e-7)
        return topt.step

    run(benchmark, nn, rounds, lambda: opt.apply_gradients([(grad, var)]), torch_fn)
    steps = int(opt.iterations.numpy())
    sample = slice(0, PARAMS, 997)  # the recurrence on a strided sample keeps the check fast
    assert_close(nn, nn.constant(var.numpy()[sample]), _expected_after(name, p0[sample], g0[sample], steps),
                 f"{name} parameters after {steps} steps")
    # bytes: read param, grad and the slots (two for Adam, one for RMSprop), write param and slots
    slots = 2 if name == "adam" else 1
    record(benchmark, nn, (2 + 2 * slots + 1) * PARAMS * FLOAT32, "GB/s")


@pytest.mark.parametrize("shape", CE, ids=lambda s: "x".join(map(str, s)))
def test_softmax_crossentropy_forward_backward(benchmark, nn, rounds, shape):
    benchmark.group = "loss"
    n, c = shape
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((n, c), dtype=np.float32) * 3
    labels = rng.integers(0, c, n)
    onehot = np.eye(c, dtype=np.float32)[labels]
    v, y = nn.Variable(logits), nn.constant(onehot)

    def step():
        with nn.GradientTape() as tape:
            loss = nn.ops.mean(nn.losses.categorical_crossentropy(y, v, from_logits=True))
        return tape.gradient(loss, v)

    def torch_fn(torch, device):
        tl = to_torch(torch, device, logits, requires_grad=True)
        tlab = torch.from_numpy(labels).to(device)
        return lambda: torch.autograd.grad(torch.nn.functional.cross_entropy(tl, tlab), [tl])

    g = run(benchmark, nn, rounds, step, torch_fn)
    z = logits.astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert_close(nn, g, (p - onehot) / n, "softmax-crossentropy gradient")
    record(benchmark, nn, 3 * n * c * FLOAT32, "GB/s")
