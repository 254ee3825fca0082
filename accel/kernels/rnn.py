"""Fused recurrent step kernels: all the gate math of one LSTM / GRU step in one CUDA launch.

Same signatures and formulas as ``nnspec.reference.kernels.rnn`` (gate blocks LSTM [i | f | c | o],
GRU [z | r | h]; hard_sigmoid = clip(0.2 x + 0.5, 0, 1); sigmoid = 1 / (1 + exp(-|x|)) folded as the
reference does). The matmuls stay in the ops (cuBLAS): the input projection of every timestep is one
matmul before the loop, and each step does h @ recurrent_kernel then one of these kernels, so the
loop never synchronizes with the host. A first-order backward runs one fused gradient kernel per step
(``*_grad``); a recorded backward (gradients of gradients) the ops' composed VJPs.

One kernel is compiled per (activation, recurrent activation) pair on first use.
"""

import functools

import cupy

_PREAMBLE = """
template <typename T> __device__ T nnspec_rnn_tanh(T v) { return tanh(v); }
template <typename T> __device__ T nnspec_rnn_sigmoid(T v) {
    T e = exp(-fabs(v));
    return v >= (T)0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e);
}
template <typename T> __device__ T nnspec_rnn_hard_sigmoid(T v) {
    T y = v * (T)0.2 + (T)0.5;
    return y < (T)0 ? (T)0 : (y > (T)1 ? (T)1 : y);
}
template <typename T> __device__ T nnspec_rnn_linear(T v) { return v; }
template <typename T> __device__ T nnspec_rnn_relu(T v) { return (v > (T)0 || v != v) ? v : (T)0; }
// value and derivative, with the tie rules of the reference (kernels/rnn.py ACTIVATIONS_AND_GRADS)
template <typename T> __device__ void nnspec_rnn_tanh_d(T a, T& y, T& d) { y = tanh(a); d = (T)1 - y * y; }
template <typename T> __device__ void nnspec_rnn_sigmoid_d(T a, T& y, T& d) {
    y = nnspec_rnn_sigmoid(a); d = y * ((T)1 - y);
}
template <typename T> __device__ void nnspec_rnn_hard_sigmoid_d(T a, T& y, T& d) {
    T v = a * (T)0.2 + (T)0.5;
    y = v < (T)0 ? (T)0 : (v > (T)1 ? (T)1 : v);
    d = (v >= (T)0 && v <= (T)1) ? (T)0.2 : (T)0;
}
template <typename T> __device__ void nnspec_rnn_linear_d(T a, T& y, T& d) { y = a; d = (T)1; }
template <typename T> __device__ void nnspec_rnn_relu_d(T a, T& y, T& d) {
    y = nnspec_rnn_relu(a); d = a > (T)0 ? (T)1 : (T)0;
}
"""
# No fused multiply-add: the hard_sigmoid ends (0.2 a + 0.5 exactly 0 or 1) are decided as the reference does.
_OPTIONS = ("--fmad=false",)

_NAMES = ("tanh", "sigmoid", "hard_sigmoid", "linear", "relu")


def _fn(name):
    if name not in _NAMES:
        raise ValueError(f"accel rnn kernels: unknown activation {name!r}")
    return f"nnspec_rnn_{name}"


@functools.cache
def _lstm(act, ract):
    a, r = _fn(act), _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T c, int32 units", "T h, T c_new",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 4 * units + (i % units);
        T ig = {r}(x[k] + m[k]);
        T fg = {r}(x[k + units] + m[k + units]);
        T g = {a}(x[k + 2 * units] + m[k + 2 * units]);
        T og = {r}(x[k + 3 * units] + m[k + 3 * units]);
        c_new = fg * c + ig * g;
        h = og * {a}(c_new);
        """,
        f"nnspec_lstm_cell_{act}_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_reset_gate(ract):
    r = _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T h, int32 units", "T z, T rh",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 2 * units + (i % units);
        z = {r}(x[k] + m[k]);
        rh = {r}(x[k + units] + m[k + units]) * h;
        """,
        f"nnspec_gru_reset_gate_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_output(act):
    return cupy.ElementwiseKernel(
        "T z, T xh, T n, T h", "T out",
        f"out = z * h + ((T)1 - z) * {_fn(act)}(xh + n)",
        f"nnspec_gru_output_{act}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_reset_after(act, ract):
    a, r = _fn(act), _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T h, int32 units", "T out",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 3 * units + (i % units);
        T z = {r}(x[k] + m[k]);
        T rg = {r}(x[k + units] + m[k + units]);
        T hh = {a}(x[k + 2 * units] + rg * m[k + 2 * units]);
        out = z * h + ((T)1 - z) * hh;
        """,
        f"nnspec_gru_cell_reset_after_{act}_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


# -- first-order gradients (reference: kernels/rnn.py lstm_cell_grad, ...) ---------------------------------------

@functools.cache
def _lstm_grad(act, ract):
    a, r = _fn(act), _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T c, T gh, T gc, int32 units", "raw T da, T dcp",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 4 * units + (i % units);
        T ig, di, fg, df, g, dg, og, dout, t, dt;
        {r}_d(x[k] + m[k], ig, di);
        {r}_d(x[k + units] + m[k + units], fg, df);
        {a}_d(x[k + 2 * units] + m[k + 2 * units], g, dg);
        {r}_d(x[k + 3 * units] + m[k + 3 * units], og, dout);
        {a}_d(fg * c + ig * g, t, dt);
        T dc = gc + gh * og * dt;
        da[k] = dc * g * di;
        da[k + units] = dc * c * df;
        da[k + 2 * units] = dc * ig * dg;
        da[k + 3 * units] = gh * t * dout;
        dcp = dc * fg;
        """,
        f"nnspec_lstm_cell_grad_{act}_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_reset_gate_grad(ract):
    r = _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T h, T gz, T grh, int32 units", "raw T da, T dh",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 2 * units + (i % units);
        T z, dz, rg, dr;
        {r}_d(x[k] + m[k], z, dz);
        {r}_d(x[k + units] + m[k + units], rg, dr);
        da[k] = gz * dz;
        da[k + units] = grh * h * dr;
        dh = grh * rg;
        """,
        f"nnspec_gru_reset_gate_grad_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_output_grad(act):
    return cupy.ElementwiseKernel(
        "T z, T xh, T n, T h, T g", "T dz, T da, T dh",
        f"""
        T hh, dhh;
        {_fn(act)}_d(xh + n, hh, dhh);
        dz = g * (h - hh);
        da = g * ((T)1 - z) * dhh;
        dh = g * z;
        """,
        f"nnspec_gru_output_grad_{act}", preamble=_PREAMBLE, options=_OPTIONS)


@functools.cache
def _gru_reset_after_grad(act, ract):
    a, r = _fn(act), _fn(ract)
    return cupy.ElementwiseKernel(
        "raw T x, raw T m, T h, T g, int32 units", "raw T dx, raw T dm, T dh",
        f"""
        const ptrdiff_t k = (ptrdiff_t)(i / units) * 3 * units + (i % units);
        T z, dz, rg, dr, hh, dhh;
        {r}_d(x[k] + m[k], z, dz);
        {r}_d(x[k + units] + m[k + units], rg, dr);
        {a}_d(x[k + 2 * units] + rg * m[k + 2 * units], hh, dhh);
        T daz = g * (h - hh) * dz;
        T dah = g * ((T)1 - z) * dhh;
        T dar = dah * m[k + 2 * units] * dr;
        dx[k] = daz; dx[k + units] = dar; dx[k + 2 * units] = dah;
        dm[k] = daz; dm[k + units] = dar; dm[k + 2 * units] = dah * rg;
        dh = g * z;
        """,
        f"nnspec_gru_cell_reset_after_grad_{act}_{ract}", preamble=_PREAMBLE, options=_OPTIONS)


def _dense(a):
    # the raw gate blocks are addressed as a C-contiguous (batch, gates * units) matrix
    return cupy.ascontiguousarray(a)


def lstm_cell(xp, x, m, c, activation="tanh", recurrent_activation="hard_sigmoid"):
    c = _dense(c)
    return _lstm(activation, recurrent_activation)(_dense(x), _dense(m), c, c.shape[-1])


def gru_reset_gate(xp, x, m, h, recurrent_activation="hard_sigmoid"):
    h = _dense(h)
    return _gru_reset_gate(recurrent_activation)(_dense(x), _dense(m), h, h.shape[-1])


def gru_output(xp, z, xh, n, h, activation="tanh"):
    return _gru_output(activation)(z, xh, n, h)


def gru_cell_reset_after(xp, x, m, h, activation="tanh", recurrent_activation="hard_sigmoid"):
    h = _dense(h)
    return _gru_reset_after(activation, recurrent_activation)(_dense(x), _dense(m), h, h.shape[-1])


def lstm_cell_grad(xp, x, m, c, gh, gc, activation="tanh", recurrent_activation="hard_sigmoid"):
    x, c = _dense(x), _dense(c)
    da, dcp = cupy.empty_like(x), cupy.empty_like(c)
    _lstm_grad(activation, recurrent_activation)(x, _dense(m), c, gh, gc, c.shape[-1], da, dcp)
    return da, dcp


def gru_reset_gate_grad(xp, x, m, h, gz, grh, recurrent_activation="hard_sigmoid"):
    x, h = _dense(x), _dense(h)
    da, dh = cupy.empty_like(x), cupy.empty_like(h)
    _gru_reset_gate_grad(recurrent_activation)(x, _dense(m), h, gz, grh, h.shape[-1], da, dh)
    return da, dh


def gru_output_grad(xp, z, xh, n, h, g, activation="tanh"):
    return _gru_output_grad(activation)(z, xh, n, h, g)


def gru_cell_reset_after_grad(xp, x, m, h, g, activation="tanh", recurrent_activation="hard_sigmoid"):
    x, h = _dense(x), _dense(h)
    dx, dm, dh = cupy.empty_like(x), cupy.empty_like(x), cupy.empty_like(h)
    _gru_reset_after_grad(activation, recurrent_activation)(x, _dense(m), h, g, h.shape[-1], dx, dm, dh)
    return dx, dm, dh


OVERRIDES = {"lstm_cell": lstm_cell, "gru_reset_gate": gru_reset_gate, "gru_output": gru_output,
             "gru_cell_reset_after": gru_cell_reset_after, "lstm_cell_grad": lstm_cell_grad,
             "gru_reset_gate_grad": gru_reset_gate_grad, "gru_output_grad": gru_output_grad,
             "gru_cell_reset_after_grad": gru_cell_reset_after_grad}
