"""Recurrent layers: LSTM and GRU over 100 timesteps, batch 64, forward+backward (DESIGN §6).

Each round runs the layer on (64, 100, units) inputs (input dim = units) with return_sequences and
takes the gradients of sum(outputs) w.r.t. the inputs and every weight. The last result is checked
against a NumPy float64 recurrence with its backpropagation through time written out here (Keras 2
equations, hard_sigmoid gates). The PyTorch comparison is ``torch.nn.LSTM`` / ``torch.nn.GRU`` on the
same shapes with the same work: torch's cells have sigmoid gates (and GRU the reset-after formula),
so it is compared on time only, never on values.
"""

import numpy as np
import pytest
from benchtools import assert_close, record, run, to_torch

BATCH, STEPS = 64, 100
UNITS = [128, 256]
GATES = {"lstm": 4, "gru": 3}


def hard_sigmoid(a):
    return np.clip(0.2 * a + 0.5, 0.0, 1.0), np.where(np.abs(a) <= 2.5, 0.2, 0.0)


def lstm_forward_backward(x, kernel, rec, bias):
    """Outputs and the gradients of sum(outputs) w.r.t. (x, kernel, rec, bias), in float64."""
    n, steps, _ = x.shape
    u = rec.shape[0]
    h, c = np.zeros((n, u)), np.zeros((n, u))
    proj = x @ kernel + bias
    saved, outs = [], []
    for t in range(steps):
        a = proj[:, t] + h @ rec
        (i, di), (f, df) = hard_sigmoid(a[:, :u]), hard_sigmoid(a[:, u:2 * u])
        g, (o, do) = np.tanh(a[:, 2 * u:3 * u]), hard_sigmoid(a[:, 3 * u:])
        c_prev, h_prev = c, h
        c = f * c + i * g
        tc = np.tanh(c)
        h = o * tc
        saved.append((h_prev, c_prev, i, di, f, df, g, o, do, tc))
        outs.append(h)
    dproj = np.zeros_like(proj)
    drec = np.zeros_like(rec)
    dh_next, dc_next = np.zeros((n, u)), np.zeros((n, u))
    for t in range(steps - 1, -1, -1):
        h_prev, c_prev, i, di, f, df, g, o, do, tc = saved[t]
        dh = 1.0 + dh_next
        dc = dh * o * (1 - tc ** 2) + dc_next
        da = np.concatenate([dc * g * di, dc * c_prev * df, dc * i * (1 - g ** 2), dh * tc * do], axis=1)
        dproj[:, t] = da
        drec += h_prev.T @ da
        dh_next, dc_next = da @ rec.T, dc * f
    flat = dproj.reshape(-1, dproj.shape[-1])
    return (np.stack(outs, 1), dproj @ kernel.T, x.reshape(-1, x.shape[-1]).T @ flat, drec, flat.sum(0))


def gru_forward_backward(x, kernel, rec, bias):
    """GRU (reset_after=False): outputs and the gradients of sum(outputs), in float64."""
    n, steps, _ = x.shape
    u = rec.shape[0]
    uz, ur, uh = rec[:, :u], rec[:, u:2 * u], rec[:, 2 * u:]
    h = np.zeros((n, u))
    proj = x @ kernel + bias
    saved, outs = [], []
    for t in range(steps):
        p = proj[:, t]
        (z, dz), (r, dr) = hard_sigmoid(p[:, :u] + h @ uz), hard_sigmoid(p[:, u:2 * u] + h @ ur)
        hh = np.tanh(p[:, 2 * u:] + (r * h) @ uh)
        saved.append((h, z, dz, r, dr, hh))
        h = z * h + (1 - z) * hh
        outs.append(h)
    dproj = np.zeros_like(proj)
    drec = np.zeros_like(rec)
    dh_next = np.zeros((n, u))
    for t in range(steps - 1, -1, -1):
        h_prev, z, dz, r, dr, hh = saved[t]
        dh = 1.0 + dh_next
        dah = dh * (1 - z) * (1 - hh ** 2)
        drh = dah @ uh.T
        daz = dh * (h_prev - hh) * dz
        dar = drh * h_prev * dr
        drec[:, :u] += h_prev.T @ daz
        drec[:, u:2 * u] += h_prev.T @ dar
        drec[:, 2 * u:] += (r * h_prev).T @ dah
        dproj[:, t] = np.concatenate([daz, dar, dah], axis=1)
        dh_next = dh * z + drh * r + daz @ uz.T + dar @ ur.T
    flat = dproj.reshape(-1, dproj.shape[-1])
    return (np.stack(outs, 1), dproj @ kernel.T, x.reshape(-1, x.shape[-1]).T @ flat, drec, flat.sum(0))


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_recurrent_forward_backward(benchmark, nn, rounds, kind, units):
    benchmark.group = "rnn"
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (BATCH, STEPS, units)).astype(np.float32)
    layer = (nn.layers.LSTM if kind == "lstm" else nn.layers.GRU)(units, return_sequences=True)
    layer.build((None, None, units))
    scale = 1.0 / np.sqrt(units)
    layer.set_weights([rng.uniform(-scale, scale, w.shape).astype(np.float32) for w in layer.weights])
    xv = nn.Variable(x)
    sources = [xv] + layer.trainable_weights

    def step():
        with nn.GradientTape() as tape:
            out = layer(xv)
            loss = nn.ops.sum(out)
        return [out] + tape.gradient(loss, sources)

    def torch_fn(torch, device):
        module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(units, units, batch_first=True).to(device)
        tx = to_torch(torch, device, x, requires_grad=True)
        params = [tx] + list(module.parameters())
        return lambda: torch.autograd.grad(module(tx)[0].sum(), params)

    got = run(benchmark, nn, rounds, step, torch_fn)
    reference = lstm_forward_backward if kind == "lstm" else gru_forward_backward
    want = reference(x.astype(np.float64), *[w.astype(np.float64) for w in layer.get_weights()])
    for g, w, what in zip(got, want, ["outputs", "d/dx", "d/dkernel", "d/drecurrent_kernel", "d/dbias"]):
        assert_close(nn, g, w, f"{kind} {what}")
    gates = GATES[kind]
    # matmuls: forward 2*B*T*(d + u)*G*u flops, backward twice that
    record(benchmark, nn, 3 * 2 * BATCH * STEPS * (2 * units) * gates * units, "GFLOP/s")
