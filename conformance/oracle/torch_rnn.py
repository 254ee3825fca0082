"""The recurrent case table (``cases/rnn.py``) written in PyTorch, one entry per case name.

The Keras 2.2.4 equations are written out with torch ops (a Python loop over the timesteps, masks
with ``torch.where``), independently of nnspec. Where PyTorch has the same cell, the twin IS the
PyTorch module with the weights mapped (``torch.func.functional_call``), so the check is against
PyTorch's own recurrence:

* ``lstm_sequence_sigmoid``: ``torch.nn.LSTM`` (gates i, f, g, o = Keras' i, f, c, o; sigmoid
  gates; weight_ih = kernel.T, weight_hh = recurrent_kernel.T, bias_ih = bias, bias_hh = 0).
* ``gru_sequence_reset_after_sigmoid``: ``torch.nn.GRU``, whose formula is Keras' reset_after=True
  (n = tanh(W_in x + b_in + r (W_hn h + b_hn))); torch orders the gate blocks r, z, n where Keras
  has z, r, h, so the blocks are permuted, and bias[0] / bias[1] are bias_ih / bias_hh.

torch's modules only know sigmoid gates; Keras 2's default recurrent activation is hard_sigmoid =
clip(0.2 x + 0.5, 0, 1) (``torch.clamp`` passes the gradient at both ends as nnspec does), so the
hard_sigmoid cases use the written-out equations. ``torch`` is passed in, so this module imports
without PyTorch installed.
"""


def _act(torch, name, x):
    if name == "tanh":
        return torch.tanh(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "hard_sigmoid":
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
    if name == "relu":
        return torch.relu(x)
    return x


def torch_chunk(t, n):
    u = t.shape[-1] // n
    return [t[..., k * u:(k + 1) * u] for k in range(n)]


# -- steps ----------------------------------------------------------------------------------------------

def lstm_step(torch, x, m, c, act="tanh", ract="hard_sigmoid"):
    xi, xf, xc, xo = torch_chunk(x, 4)
    mi, mf, mc, mo = torch_chunk(m, 4)
    i = _act(torch, ract, xi + mi)
    f = _act(torch, ract, xf + mf)
    c = f * c + i * _act(torch, act, xc + mc)
    o = _act(torch, ract, xo + mo)
    return o * _act(torch, act, c), c


def gru_reset_gate(torch, x, m, h, ract="hard_sigmoid"):
    xz, xr = torch_chunk(x, 2)
    mz, mr = torch_chunk(m, 2)
    return _act(torch, ract, xz + mz), _act(torch, ract, xr + mr) * h


def gru_output(torch, z, xh, n, h, act="tanh"):
    return z * h + (1 - z) * _act(torch, act, xh + n)


def gru_reset_after(torch, x, m, h, act="tanh", ract="hard_sigmoid"):
    xz, xr, xh = torch_chunk(x, 3)
    mz, mr, mh = torch_chunk(m, 3)
    z = _act(torch, ract, xz + mz)
    r = _act(torch, ract, xr + mr)
    return z * h + (1 - z) * _act(torch, act, xh + r * mh)


# -- the time loop (TensorFlow backend rnn, symbolic loop or unrolled) ----------------------------------------

def loop(torch, step, x, states, backwards=False, mask=None, unroll=False):
    """[last, outputs, *states] as nnspec's flat(rnn(...))."""
    steps = range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])
    outs = []
    for t in steps:
        out, new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t].unsqueeze(-1)
            prev = (outs[-1] if outs else torch.zeros_like(out)) if unroll else states[0]
            out = torch.where(keep, out, prev)
            new = [torch.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        outs.append(out)
    return [outs[-1], torch.stack(outs, dim=1)] + list(states)


def simple_rnn(torch, x, w, rw, b, h, act="tanh", dm=None, rdm=None, **kw):
    xin = x if dm is None else x * dm.unsqueeze(1)
    proj = torch.matmul(xin, w) + b

    def step(p, states):
        hp = states[0] if rdm is None else states[0] * rdm
        out = _act(torch, act, p + hp @ rw)
        return out, [out]
    return loop(torch, step, proj, [h], **kw)


def lstm(torch, x, w, rw, b, h, c, ract="hard_sigmoid", dms=None, rdms=None, implementation=1, **kw):
    wb, rwb, bb = torch_chunk(w, 4), torch_chunk(rw, 4), torch_chunk(b, 4)
    if dms is None:
        dms = [None] * 4
    elif implementation == 2:
        dms = dms[:1] * 4
    if rdms is None:
        rdms = [None] * 4
    elif implementation == 2:
        rdms = rdms[:1] * 4
    # one projection per gate, each with its own input mask (Keras implementation 1)
    proj = torch.cat([(x if d is None else x * d.unsqueeze(1)) @ wg + bg for d, wg, bg in zip(dms, wb, bb)], dim=-1)

    def step(p, states):
        hh, cc = states
        m = torch.cat([(hh if r is None else hh * r) @ ug for r, ug in zip(rdms, rwb)], dim=-1)
        hh, cc = lstm_step(torch, p, m, cc, "tanh", ract)
        return hh, [hh, cc]
    return loop(torch, step, proj, [h, c], **kw)


def lstm_recurrence(torch, x, rw, h, c, act="tanh", ract="hard_sigmoid"):
    hs, cs = [], []
    for t in range(x.shape[1]):
        h, c = lstm_step(torch, x[:, t], h @ rw, c, act, ract)
        hs.append(h)
        cs.append(c)
    return [torch.stack(hs, dim=1), torch.stack(cs, dim=1)]


def gru_recurrence(torch, x, rw, h, act="tanh", ract="hard_sigmoid"):
    u = h.shape[-1]
    hs = []
    for t in range(x.shape[1]):
        z, rh = gru_reset_gate(torch, x[:, t, :2 * u], h @ rw[:, :2 * u], h, ract)
        h = gru_output(torch, z, x[:, t, 2 * u:], rh @ rw[:, 2 * u:], h, act)
        hs.append(h)
    return torch.stack(hs, dim=1)


def gru_recurrence_reset_after(torch, x, rw, rb, h, act="tanh", ract="hard_sigmoid"):
    hs = []
    for t in range(x.shape[1]):
        h = gru_reset_after(torch, x[:, t], h @ rw + rb, h, act, ract)
        hs.append(h)
    return torch.stack(hs, dim=1)


def gru(torch, x, w, rw, b, h, act="tanh", ract="hard_sigmoid", reset_after=False, dms=None, rdms=None,
        implementation=1, **kw):
    wz, wr, wh = torch_chunk(w, 3)
    uz, ur, uh = torch_chunk(rw, 3)
    bin_, brec = (b[0], b[1]) if reset_after else (b, None)
    bz, br, bh = torch_chunk(bin_, 3)
    dms = [None] * 3 if dms is None else (dms[:1] * 3 if implementation == 2 else dms)
    rdms = [None] * 3 if rdms is None else (rdms[:1] * 3 if implementation == 2 else rdms)
    xs = [(x if d is None else x * d.unsqueeze(1)) for d in dms]
    proj = torch.cat([xs[0] @ wz + bz, xs[1] @ wr + br, xs[2] @ wh + bh], dim=-1)

    def step(p, states):
        h_prev = states[0]
        hz, hr, hh = [h_prev if r is None else h_prev * r for r in rdms]
        carry = hz if implementation == 2 else h_prev  # Keras 2.2.4 implementation 2 rebinds h_tm1
        pz, pr, ph = torch_chunk(p, 3)
        if reset_after:
            rz, rr, rh = torch_chunk(brec, 3)
            z = _act(torch, ract, pz + hz @ uz + rz)
            r = _act(torch, ract, pr + hr @ ur + rr)
            cand = _act(torch, act, ph + r * (hh @ uh + rh))
        else:
            z = _act(torch, ract, pz + hz @ uz)
            r = _act(torch, ract, pr + hr @ ur)
            cand = _act(torch, act, ph + (r * hh) @ uh)
        out = z * carry + (1 - z) * cand
        return out, [out]
    return loop(torch, step, proj, [h], **kw)


# -- torch's own modules, weights mapped -----------------------------------------------------------------------

def torch_lstm(torch, x, w, rw, b, h, c):
    d, units = w.shape[0], rw.shape[0]
    module = torch.nn.LSTM(d, units, batch_first=True).double()
    params = {"weight_ih_l0": w.T, "weight_hh_l0": rw.T, "bias_ih_l0": b, "bias_hh_l0": torch.zeros_like(b)}
    out, (hn, cn) = torch.func.functional_call(module, params, (x, (h.unsqueeze(0), c.unsqueeze(0))))
    return [out[:, -1], out, hn[0], cn[0]]


def torch_gru_reset_after(torch, x, w, rw, b, h):
    d, units = w.shape[0], rw.shape[0]

    def rzn(t):  # Keras blocks [z | r | h] -> torch blocks [r | z | n]
        z, r, n = torch_chunk(t, 3)
        return torch.cat([r, z, n], dim=-1)
    module = torch.nn.GRU(d, units, batch_first=True).double()
    params = {"weight_ih_l0": rzn(w).T, "weight_hh_l0": rzn(rw).T, "bias_ih_l0": rzn(b[0]), "bias_hh_l0": rzn(b[1])}
    out, hn = torch.func.functional_call(module, params, (x, h.unsqueeze(0)))
    return [out[:, -1], out, hn[0]]


def _custom(torch, x, w, rw, k, h, s, mk, **kw):
    def step(xt, states):
        hh, ss = states
        out = torch.tanh(xt @ w + hh @ rw) * k
        return out, [out, ss + out]
    return loop(torch, step, x, [h, s], mask=mk, **kw)


TWINS = {
    "lstm_cell_step": lambda torch, x, m, c: list(lstm_step(torch, x, m, c)),
    "lstm_cell_step_sigmoid_tiny": lambda torch, x, m, c: list(lstm_step(torch, x, m, c, ract="sigmoid")),
    "lstm_cell_step_saturated": lambda torch, x, m, c: list(lstm_step(torch, x, m, c)),
    "lstm_cell_step_relu_linear": lambda torch, x, m, c: list(lstm_step(torch, x, m, c, "relu", "linear")),
    "gru_reset_gate_step": lambda torch, x, m, h: list(gru_reset_gate(torch, x, m, h)),
    "gru_reset_gate_step_sigmoid_tiny": lambda torch, x, m, h: list(gru_reset_gate(torch, x, m, h, "sigmoid")),
    "gru_output_step": lambda torch, z, xh, n, h: gru_output(torch, z, xh, n, h),
    "gru_output_step_relu": lambda torch, z, xh, n, h: gru_output(torch, z, xh, n, h, "relu"),
    "gru_cell_reset_after_step": lambda torch, x, m, h: gru_reset_after(torch, x, m, h),
    "gru_cell_reset_after_step_sigmoid_tiny": lambda torch, x, m, h: gru_reset_after(torch, x, m, h, ract="sigmoid"),
    "simple_rnn_sequence": lambda torch, x, w, rw, b, h: simple_rnn(torch, x, w, rw, b, h),
    "simple_rnn_backwards_masked": lambda torch, x, w, rw, b, h, mk: simple_rnn(torch, x, w, rw, b, h, backwards=True,
                                                                                mask=mk),
    "simple_rnn_leading_mask": lambda torch, x, w, rw, b, h, mk: simple_rnn(torch, x, w, rw, b, h, mask=mk),
    "simple_rnn_leading_mask_unrolled": lambda torch, x, w, rw, b, h, mk: simple_rnn(torch, x, w, rw, b, h, mask=mk,
                                                                                     unroll=True),
    "simple_rnn_relu_dropout_masks": lambda torch, x, w, rw, b, h, dm, rdm: simple_rnn(torch, x, w, rw, b, h, "relu",
                                                                                       dm, rdm),
    "lstm_recurrence": lstm_recurrence,
    "lstm_recurrence_sigmoid_relu": lambda torch, x, rw, h, c: lstm_recurrence(torch, x, rw, h, c, "relu", "sigmoid"),
    "gru_recurrence": gru_recurrence,
    "gru_recurrence_relu_sigmoid": lambda torch, x, rw, h: gru_recurrence(torch, x, rw, h, "relu", "sigmoid"),
    "gru_recurrence_reset_after": gru_recurrence_reset_after,
    "gru_recurrence_reset_after_linear_sigmoid": lambda torch, x, rw, rb, h: gru_recurrence_reset_after(
        torch, x, rw, rb, h, "linear", "sigmoid"),
    "lstm_sequence": lambda torch, x, w, rw, b, h, c: lstm(torch, x, w, rw, b, h, c),
    "lstm_sequence_sigmoid": torch_lstm,
    "lstm_sequence_backwards_masked": lambda torch, x, w, rw, b, h, c, mk: lstm(torch, x, w, rw, b, h, c,
                                                                                backwards=True, mask=mk),
    "lstm_sequence_dropout_masks": lambda torch, x, w, rw, b, h, c, *mk: lstm(torch, x, w, rw, b, h, c,
                                                                              dms=list(mk[:4]), rdms=list(mk[4:])),
    "lstm_sequence_dropout_masks_implementation2": lambda torch, x, w, rw, b, h, c, dm, rdm: lstm(
        torch, x, w, rw, b, h, c, dms=[dm], rdms=[rdm], implementation=2),
    "gru_sequence": lambda torch, x, w, rw, b, h: gru(torch, x, w, rw, b, h),
    "gru_sequence_reset_after_sigmoid": torch_gru_reset_after,
    "gru_sequence_reset_after_masked": lambda torch, x, w, rw, b, h, mk: gru(torch, x, w, rw, b, h, reset_after=True,
                                                                             mask=mk),
    "gru_sequence_backwards_relu": lambda torch, x, w, rw, b, h: gru(torch, x, w, rw, b, h, act="relu",
                                                                     backwards=True),
    "gru_sequence_dropout_masks": lambda torch, x, w, rw, b, h, *mk: gru(torch, x, w, rw, b, h, dms=list(mk[:3]),
                                                                         rdms=list(mk[3:])),
    "gru_sequence_reset_after_dropout_masks_implementation2": lambda torch, x, w, rw, b, h, dm, rdm: gru(
        torch, x, w, rw, b, h, reset_after=True, dms=[dm], rdms=[rdm], implementation=2),
    "rnn_custom_step_constants_masked": lambda torch, x, w, rw, k, h, s, mk: _custom(torch, x, w, rw, k, h, s, mk),
    "rnn_custom_step_backwards_unrolled": lambda torch, x, w, rw, k, h, s, mk: _custom(torch, x, w, rw, k, h, s, mk,
                                                                                       backwards=True, unroll=True),
}
