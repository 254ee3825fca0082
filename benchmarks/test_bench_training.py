"""Whole training steps of zoo models (DESIGN §6, issue 8): the book's MNIST MLP, MNIST convnet and IMDB
Embedding+LSTM(32) (maxlen 500), ``train_on_batch`` with the book's compile arguments (RMSprop), at batch 128
and 1024, in samples per second.

The check: the loss the first step reports equals the model's loss at its initial weights computed here in
NumPy float64 (the forward pass written out from the weights). The PyTorch comparison trains the same
architecture with RMSprop set to Keras 2's constants (rho 0.9, epsilon 1e-7) on the same shapes (NCHW for the
convnet; cuDNN's LSTM with sigmoid gates for the LSTM: compared on time only), and like ``train_on_batch``
computes the book's accuracy metric and returns the loss and accuracy on the host.
"""

import numpy as np
import pytest
from benchtools import record, run

from nnspec import zoo

BATCHES = (128, 1024)
MAXLEN, VOCAB = 500, 10000


def _data(name, n, rng):
    if name == "imdb_lstm":
        return rng.integers(1, VOCAB, (n, MAXLEN)), rng.integers(0, 2, (n, 1)).astype(np.float32)
    shape = (n, 784) if name == "mnist_mlp" else (n, 28, 28, 1)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return rng.random(shape, dtype=np.float32), y


def _conv_valid(x, k, b):
    win = np.lib.stride_tricks.sliding_window_view(x, k.shape[:2], axis=(1, 2))  # (n, h, w, c, kh, kw)
    return np.einsum("nhwcij,ijcf->nhwf", win, k) + b


def _pool2(x):
    n, h, w, c = x.shape
    x = x[:, :h // 2 * 2, :w // 2 * 2]
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def _softmax_xent(z, y):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return np.mean(-np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=1))


def _hard_sigmoid(a):
    return np.clip(0.2 * a + 0.5, 0.0, 1.0)


def expected_loss(name, weights, x, y):
    """The loss of the model at ``weights`` (float64 NumPy), as Keras 2.2.4 computes it."""
    w = [v.astype(np.float64) for v in weights]
    relu = lambda a: np.maximum(a, 0.0)  # noqa: E731
    if name == "mnist_mlp":
        return _softmax_xent(relu(x @ w[0] + w[1]) @ w[2] + w[3], y)
    if name == "mnist_convnet":
        h = _pool2(relu(_conv_valid(x, w[0], w[1])))
        h = _pool2(relu(_conv_valid(h, w[2], w[3])))
        h = relu(_conv_valid(h, w[4], w[5])).reshape(len(x), -1)
        return _softmax_xent(relu(h @ w[6] + w[7]) @ w[8] + w[9], y)
    emb, kernel, rec, bias, dense_w, dense_b = w
    e = emb[x]
    u = rec.shape[0]
    h = c = np.zeros((len(x), u))
    proj = e @ kernel + bias
    for t in range(x.shape[1]):
        a = proj[:, t] + h @ rec
        i, f = _hard_sigmoid(a[:, :u]), _hard_sigmoid(a[:, u:2 * u])
        c = f * c + i * np.tanh(a[:, 2 * u:3 * u])
        h = _hard_sigmoid(a[:, 3 * u:]) * np.tanh(c)
    p = np.clip(1 / (1 + np.exp(-(h @ dense_w + dense_b))), 1e-7, 1 - 1e-7)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _torch_model(torch, name):
    nn_ = torch.nn
    if name == "mnist_mlp":
        return nn_.Sequential(nn_.Linear(784, 512), nn_.ReLU(), nn_.Linear(512, 10))
    if name == "mnist_convnet":
        return nn_.Sequential(nn_.Conv2d(1, 32, 3), nn_.ReLU(), nn_.MaxPool2d(2), nn_.Conv2d(32, 64, 3), nn_.ReLU(),
                              nn_.MaxPool2d(2), nn_.Conv2d(64, 64, 3), nn_.ReLU(), nn_.Flatten(),
                              nn_.Linear(576, 64), nn_.ReLU(), nn_.Linear(64, 10))

    class ImdbLSTM(nn_.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.lstm, self.out = nn_.Embedding(VOCAB, 32), nn_.LSTM(32, 32, batch_first=True), \
                nn_.Linear(32, 1)

        def forward(self, x):
            return self.out(self.lstm(self.emb(x))[0][:, -1])
    return ImdbLSTM()


def _torch_step(torch, device, name, x, y):
    model = _torch_model(torch, name).to(device)
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    if name == "imdb_lstm":
        tx, ty = torch.from_numpy(x).long().to(device), torch.from_numpy(y).to(device)
        loss_fn = torch.nn.functional.binary_cross_entropy_with_logits
    else:
        tx = torch.from_numpy(x if name == "mnist_mlp" else np.ascontiguousarray(x.transpose(0, 3, 1, 2))).to(device)
        ty = torch.from_numpy(y.argmax(1)).to(device)
        loss_fn = torch.nn.functional.cross_entropy

    def step():
        opt.zero_grad(set_to_none=True)
        out = model(tx)
        loss = loss_fn(out, ty)
        loss.backward()
        opt.step()
        # the book's accuracy metric and both values on the host, as train_on_batch returns them
        hit = (out.detach() > 0).float() == ty if name == "imdb_lstm" else out.detach().argmax(1) == ty
        return loss.item(), hit.float().mean().item()
    return step


# The batch-1024 convnet and LSTM steps take a minute on a 2-core CPU: left out of the untimed smoke run
# (`pytest benchmarks --benchmark-disable -m "not slow"`), always in `python -m nnspec bench`.
CASES = [pytest.param(name, batch, marks=[pytest.mark.slow] if batch > 128 and name != "mnist_mlp" else [])
         for name in ("mnist_mlp", "mnist_convnet", "imdb_lstm") for batch in BATCHES]


@pytest.mark.parametrize("name,batch", CASES)
def test_training_step(benchmark, nn, rounds, name, batch):
    benchmark.group = "training step"
    rng = np.random.default_rng(5)
    x, y = _data(name, batch, rng)
    model = zoo.get(name).make(nn, compile=True)
    model.build((None,) + x.shape[1:])
    want = expected_loss(name, model.get_weights(), x.astype(np.float64) if name != "imdb_lstm" else x, y)
    out = model.train_on_batch(x, y)
    first = float(out[0] if isinstance(out, list) else out)  # [loss, acc] with the book's metrics
    assert abs(first - want) <= 1e-3 * max(1.0, abs(want)), f"{name}: first step loss {first}, expected {want}"

    run(benchmark, nn, rounds, lambda: model.train_on_batch(x, y),
        lambda torch, device: _torch_step(torch, device, name, x, y))
    record(benchmark, nn, batch, "samples/s", scale=1.0)
