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
import numpy as np
from nnspec.reference.kernels import rnn as ref

from .indexing import CTYPES

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
OPTIONS = ("--fmad=false",)

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
        f"nnspec_lstm_cell_{act}_{ract}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_gru_reset_gate_{ract}", preamble=_PREAMBLE, options=OPTIONS)


@functools.cache
def _gru_output(act):
    return cupy.ElementwiseKernel(
        "T z, T xh, T n, T h", "T out",
        f"out = z * h + ((T)1 - z) * {_fn(act)}(xh + n)",
        f"nnspec_gru_output_{act}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_gru_cell_reset_after_{act}_{ract}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_lstm_cell_grad_{act}_{ract}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_gru_reset_gate_grad_{ract}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_gru_output_grad_{act}", preamble=_PREAMBLE, options=OPTIONS)


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
        f"nnspec_gru_cell_reset_after_grad_{act}_{ract}", preamble=_PREAMBLE, options=OPTIONS)


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


# -- whole recurrences: persistent kernels ------------------------------------------------------------------------
# One launch runs every timestep. A block owns ``rows`` batch rows for the whole sequence and keeps their
# states and the step's pre-activations in shared memory; each step is the recurrent matmul (thread j of the
# gate columns reads column j of the recurrent kernel, coalesced, from L1/L2 (the LSTM's from registers where
# it fits), once for all the block's rows), a barrier, the gate math, a barrier. Batch rows are independent, so
# no grid-wide synchronisation is needed.
# The backward runs the steps in reverse: the gate gradients, then dh_{t-1} = da_t @ recurrent_kernel^T
# (from a transposed copy, coalesced). The recurrent kernel's gradient is one cuBLAS matmul in the op.
# The GRU with the reset gate before the matmul has two products per step (h U_zr, then (r h) U_h), so three
# barriers per step, forward and backward.
# Shapes whose working set does not fit in shared memory, and dtypes other than float32 / float64, run the
# reference's loop on CuPy arrays.

_SHARED_BYTES = 48 * 1024

# acc[r] = sum_k s[r * n + k] * W[k * ld + col] for a block's ROWS rows: ROWS shared-memory vectors times one
# column of a global row-major matrix (every recurrent matmul of the kernels below; W read once for all rows).
_ROWS_DOT = r"""
__device__ __forceinline__ void nnspec_rows_dot(const T* s, const int n, const T* __restrict__ W, const int ld,
                                                const int col, T* acc) {
    #pragma unroll
    for (int r = 0; r < ROWS; ++r) acc[r] = (T)0;
    for (int k = 0; k < n; ++k) {
        const T w = W[(ptrdiff_t)k * ld + col];
        #pragma unroll
        for (int r = 0; r < ROWS; ++r) acc[r] = fma(s[r * n + k], w, acc[r]);
    }
}
"""

# The LSTM kernels are compiled for their UNITS and THREADS (blockDim.x). Each thread owns CPT gate columns
# (one where 4u <= THREADS): the forward's column j of the recurrent kernel, the backward's column i of gate
# block q of its transpose (4u threads, four times as many as one dot per unit would keep busy; the four partial
# sums of a unit's dh are added by the next step's gate gradients, so no extra barrier). Where a column fits
# (REGISTER_WEIGHTS: UNITS values of at most 256 bytes, one column per thread) it is loaded into registers once
# for the whole sequence; otherwise read from global memory (L1/L2) at every step. The global inputs of the next
# step (x forward; the pre-activations, c_{t-1} and the incoming gradients backward) are loaded one step ahead,
# so their memory latency overlaps the current step instead of following a barrier.
_LSTM_RECURRENCE = r"""
constexpr int G = 4 * UNITS;
constexpr int CPT = (G + THREADS - 1) / THREADS;              // gate columns per thread
constexpr int ITEMS = (ROWS * UNITS + THREADS - 1) / THREADS;  // (row, unit) items per thread

// A thread's column of a recurrent matrix: W[k * ld + col] for k < UNITS.
struct nnspec_column {
#if REGISTER_WEIGHTS
    T w[UNITS];
    __device__ __forceinline__ void load(const T* __restrict__ W, const int ld, const int col) {
        #pragma unroll
        for (int k = 0; k < UNITS; ++k) w[k] = W[(ptrdiff_t)k * ld + col];
    }
    __device__ __forceinline__ T at(const int k) const { return w[k]; }
#else
    const T* p;
    int ld;
    __device__ __forceinline__ void load(const T* __restrict__ W, const int ld_, const int col) {
        p = W + col;
        ld = ld_;
    }
    __device__ __forceinline__ T at(const int k) const { return p[(ptrdiff_t)k * ld]; }
#endif
};

// acc[r] = sum_k s[r * stride + k] * w_k over k < UNITS, for the block's ROWS rows
__device__ __forceinline__ void nnspec_column_dot(const T* s, const int stride, const nnspec_column& w, T* acc) {
    #pragma unroll
    for (int r = 0; r < ROWS; ++r) acc[r] = (T)0;
    #pragma unroll
    for (int k = 0; k < UNITS; ++k) {
        const T wk = w.at(k);
        #pragma unroll
        for (int r = 0; r < ROWS; ++r) acc[r] = fma(s[r * stride + k], wk, acc[r]);
    }
}

extern "C" __global__ void nnspec_lstm_recurrence(
        const T* __restrict__ x, const T* __restrict__ U, const T* __restrict__ h0, const T* __restrict__ c0,
        T* __restrict__ hs, T* __restrict__ cs, T* __restrict__ pre, const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sh = (T*)smem;             // ROWS x u: h_{t-1}
    T* sc = sh + ROWS * UNITS;    // ROWS x u: c_{t-1}
    T* sa = sc + ROWS * UNITS;    // ROWS x 4u: this step's pre-activations
    const int b0 = blockIdx.x * ROWS;
    nnspec_column w[CPT];
    T xc[CPT][ROWS];              // x[b, t, j] of this step, loaded a step ahead
    #pragma unroll
    for (int q = 0; q < CPT; ++q) {
        const int j = threadIdx.x + q * THREADS;
        if (j < G) w[q].load(U, G, j);
        #pragma unroll
        for (int r = 0; r < ROWS; ++r)
            xc[q][r] = (j < G && b0 + r < B && steps > 0) ? x[(ptrdiff_t)(b0 + r) * steps * G + j] : (T)0;
    }
    for (int k = threadIdx.x; k < ROWS * UNITS; k += THREADS) {
        const int b = b0 + k / UNITS, i = k % UNITS;
        sh[k] = b < B ? h0[(ptrdiff_t)b * UNITS + i] : (T)0;
        sc[k] = b < B ? c0[(ptrdiff_t)b * UNITS + i] : (T)0;
    }
    __syncthreads();
    for (int t = 0; t < steps; ++t) {
        #pragma unroll
        for (int q = 0; q < CPT; ++q) {
            const int j = threadIdx.x + q * THREADS;
            if (j >= G) continue;
            T xn[ROWS];
            #pragma unroll
            for (int r = 0; r < ROWS; ++r)
                xn[r] = (b0 + r < B && t + 1 < steps) ? x[((ptrdiff_t)(b0 + r) * steps + t + 1) * G + j] : (T)0;
            T acc[ROWS];
            nnspec_column_dot(sh, UNITS, w[q], acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) {
                if (b0 + r < B) {
                    const T a = xc[q][r] + acc[r];
                    sa[r * G + j] = a;
                    pre[((ptrdiff_t)(b0 + r) * steps + t) * G + j] = a;
                }
                xc[q][r] = xn[r];
            }
        }
        __syncthreads();
        for (int k = threadIdx.x; k < ROWS * UNITS; k += THREADS) {
            const int r = k / UNITS, i = k % UNITS, b = b0 + r;
            if (b >= B) continue;
            const T* a = sa + r * G;
            const T ig = RACT(a[i]), fg = RACT(a[UNITS + i]), g = ACT(a[2 * UNITS + i]), og = RACT(a[3 * UNITS + i]);
            const T c = fg * sc[k] + ig * g;
            const T h = og * ACT(c);
            sc[k] = c;
            sh[k] = h;
            const ptrdiff_t o = ((ptrdiff_t)b * steps + t) * UNITS + i;
            hs[o] = h;
            cs[o] = c;
        }
        __syncthreads();
    }
}

// The global inputs of one (row, unit) item at one step of the backward.
struct nnspec_lstm_item {
    T a0, a1, a2, a3, cp, gh, gc;
    __device__ __forceinline__ void load(const T* __restrict__ pre, const T* __restrict__ c0,
                                         const T* __restrict__ cs, const T* __restrict__ ghs,
                                         const T* __restrict__ gcs, const int B, const int steps, const int t,
                                         const int k, const int b0) {
        const int b = b0 + k / UNITS, i = k % UNITS;
        if (t < 0 || k >= ROWS * UNITS || b >= B) return;
        const ptrdiff_t row = (ptrdiff_t)b * steps + t;
        const T* a = pre + row * G;
        a0 = a[i]; a1 = a[UNITS + i]; a2 = a[2 * UNITS + i]; a3 = a[3 * UNITS + i];
        cp = t > 0 ? cs[(row - 1) * UNITS + i] : c0[(ptrdiff_t)b * UNITS + i];
        gh = ghs[row * UNITS + i];
        gc = gcs[row * UNITS + i];
    }
};

extern "C" __global__ void nnspec_lstm_recurrence_grad(
        const T* __restrict__ pre, const T* __restrict__ UT, const T* __restrict__ c0, const T* __restrict__ cs,
        const T* __restrict__ ghs, const T* __restrict__ gcs, T* __restrict__ da, T* __restrict__ dh0,
        T* __restrict__ dc0, const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sdc = (T*)smem;            // ROWS x u: gradient reaching c_t from step t+1
    T* sda = sdc + ROWS * UNITS;  // ROWS x 4u: this step's pre-activation gradients
    T* sp = sda + ROWS * G;       // ROWS x 4u: the four partial sums (gate blocks) of dh_t, from step t+1
    const int b0 = blockIdx.x * ROWS;
    nnspec_column w[CPT];         // column i of rows [q*u, (q+1)*u) of UT, for this thread's gate columns q*u + i
    #pragma unroll
    for (int q = 0; q < CPT; ++q) {
        const int j = threadIdx.x + q * THREADS;
        if (j < G) w[q].load(UT + (ptrdiff_t)(j / UNITS) * UNITS * UNITS, UNITS, j % UNITS);
    }
    for (int k = threadIdx.x; k < ROWS * UNITS; k += THREADS) sdc[k] = (T)0;
    for (int k = threadIdx.x; k < ROWS * G; k += THREADS) { sda[k] = (T)0; sp[k] = (T)0; }
    nnspec_lstm_item in[ITEMS] = {};  // this step's inputs, loaded a step ahead
    #pragma unroll
    for (int n = 0; n < ITEMS; ++n)
        in[n].load(pre, c0, cs, ghs, gcs, B, steps, steps - 1, threadIdx.x + n * THREADS, b0);
    __syncthreads();
    for (int t = steps - 1; t >= 0; --t) {
        #pragma unroll
        for (int n = 0; n < ITEMS; ++n) {
            const int k = threadIdx.x + n * THREADS;
            nnspec_lstm_item next{};
            next.load(pre, c0, cs, ghs, gcs, B, steps, t - 1, k, b0);
            const int r = k / UNITS, i = k % UNITS, b = b0 + r;
            if (k < ROWS * UNITS && b < B) {
                const ptrdiff_t row = (ptrdiff_t)b * steps + t;
                const T* p = sp + r * G;
                const T gh = in[n].gh + (((p[i] + p[UNITS + i]) + p[2 * UNITS + i]) + p[3 * UNITS + i]);
                const T gc = in[n].gc + sdc[k];
                const T cp = in[n].cp;
                T ig, di, fg, df, g, dg, og, dout, tc, dt;
                RACT_D(in[n].a0, ig, di);
                RACT_D(in[n].a1, fg, df);
                ACT_D(in[n].a2, g, dg);
                RACT_D(in[n].a3, og, dout);
                ACT_D(fg * cp + ig * g, tc, dt);
                const T dc = gc + gh * og * dt;
                const T d0 = dc * g * di, d1 = dc * cp * df, d2 = dc * ig * dg, d3 = gh * tc * dout;
                T* out = da + row * G;
                out[i] = d0; out[UNITS + i] = d1; out[2 * UNITS + i] = d2; out[3 * UNITS + i] = d3;
                T* s = sda + r * G;
                s[i] = d0; s[UNITS + i] = d1; s[2 * UNITS + i] = d2; s[3 * UNITS + i] = d3;
                sdc[k] = dc * fg;
            }
            in[n] = next;
        }
        __syncthreads();
        #pragma unroll
        for (int q = 0; q < CPT; ++q) {
            const int j = threadIdx.x + q * THREADS;   // gate column: block j / u, unit j % u
            if (j >= G) continue;
            T acc[ROWS];
            nnspec_column_dot(sda + (j / UNITS) * UNITS, G, w[q], acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) sp[r * G + j] = acc[r];
        }
        __syncthreads();
    }
    for (int k = threadIdx.x; k < ROWS * UNITS; k += THREADS) {
        const int r = k / UNITS, i = k % UNITS, b = b0 + r;
        const T* p = sp + r * G;
        if (b < B) {
            dh0[(ptrdiff_t)b * UNITS + i] = ((p[i] + p[UNITS + i]) + p[2 * UNITS + i]) + p[3 * UNITS + i];
            dc0[(ptrdiff_t)b * UNITS + i] = sdc[k];
        }
    }
}
"""


_GRU_RECURRENCE = r"""
// reset_after=False. Per step: a_zr = x_zr + h_{t-1} @ U[:, :2u] (2u columns), rh = ra(a_r) * h_{t-1},
// a_h = x_h + rh @ U[:, 2u:] (u columns) and h_t = z h_{t-1} + (1 - z) act(a_h) in the same pass: column i
// of every row's state is read and written by one thread only.
extern "C" __global__ void nnspec_gru_recurrence(
        const T* __restrict__ x, const T* __restrict__ U, const T* __restrict__ h0, T* __restrict__ hs,
        T* __restrict__ azr, T* __restrict__ rhs, T* __restrict__ ahs, const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sh = (T*)smem;          // ROWS x u: h_{t-1}
    T* srh = sh + ROWS * u;    // ROWS x u: r * h_{t-1}
    T* sa = srh + ROWS * u;    // ROWS x 2u: this step's z and r pre-activations
    const int G = 3 * u, Z = 2 * u, b0 = blockIdx.x * ROWS;
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
        const int b = b0 + k / u, i = k % u;
        sh[k] = b < B ? h0[(ptrdiff_t)b * u + i] : (T)0;
        srh[k] = (T)0;
    }
    __syncthreads();
    for (int t = 0; t < steps; ++t) {
        for (int j = threadIdx.x; j < Z; j += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(sh, u, U, G, j, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) {
                const int b = b0 + r;
                if (b < B) {
                    const ptrdiff_t row = (ptrdiff_t)b * steps + t;
                    const T a = x[row * G + j] + acc[r];
                    sa[r * Z + j] = a;
                    azr[row * Z + j] = a;
                }
            }
        }
        __syncthreads();
        for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
            const int r = k / u, i = k % u, b = b0 + r;
            if (b >= B) continue;
            const T rh = RACT(sa[r * Z + u + i]) * sh[k];
            srh[k] = rh;
            rhs[((ptrdiff_t)b * steps + t) * u + i] = rh;
        }
        __syncthreads();
        for (int i = threadIdx.x; i < u; i += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(srh, u, U, G, Z + i, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) {
                const int b = b0 + r;
                if (b < B) {
                    const ptrdiff_t row = (ptrdiff_t)b * steps + t, o = row * u + i;
                    const T a = x[row * G + Z + i] + acc[r];
                    const T z = RACT(sa[r * Z + i]);
                    const T h = z * sh[r * u + i] + ((T)1 - z) * ACT(a);
                    ahs[o] = a;
                    sh[r * u + i] = h;
                    hs[o] = h;
                }
            }
        }
        __syncthreads();
    }
}

// Backward of nnspec_gru_recurrence, steps in reverse: the output's gradients (da_z, da_h; dh = g z), then
// d(rh) = da_h @ U_h^T with the reset gate's gradient (da_r; dh += d(rh) r), then dh += da_zr @ U_zr^T.
extern "C" __global__ void nnspec_gru_recurrence_grad(
        const T* __restrict__ azr, const T* __restrict__ ahs, const T* __restrict__ UT, const T* __restrict__ h0,
        const T* __restrict__ hs, const T* __restrict__ ghs, T* __restrict__ dx, T* __restrict__ dh0,
        const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sdh = (T*)smem;          // ROWS x u: gradient reaching h_t from step t+1, then that of h_{t-1}
    T* sdah = sdh + ROWS * u;   // ROWS x u: this step's candidate pre-activation gradients
    T* sdzr = sdah + ROWS * u;  // ROWS x 2u: this step's z and r pre-activation gradients
    const int G = 3 * u, Z = 2 * u, b0 = blockIdx.x * ROWS;
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) { sdh[k] = (T)0; sdah[k] = (T)0; }
    for (int k = threadIdx.x; k < ROWS * Z; k += blockDim.x) sdzr[k] = (T)0;
    __syncthreads();
    for (int t = steps - 1; t >= 0; --t) {
        for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
            const int r = k / u, i = k % u, b = b0 + r;
            if (b >= B) continue;
            const ptrdiff_t row = (ptrdiff_t)b * steps + t;
            const T hp = t > 0 ? hs[(row - 1) * u + i] : h0[(ptrdiff_t)b * u + i];
            const T g = ghs[row * u + i] + sdh[k];
            T z, dz, hh, dhh;
            RACT_D(azr[row * Z + i], z, dz);
            ACT_D(ahs[row * u + i], hh, dhh);
            const T daz = g * (hp - hh) * dz, dah = g * ((T)1 - z) * dhh;
            dx[row * G + i] = daz;
            dx[row * G + Z + i] = dah;
            sdzr[r * Z + i] = daz;
            sdah[k] = dah;
            sdh[k] = g * z;
        }
        __syncthreads();
        for (int i = threadIdx.x; i < u; i += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(sdah, u, UT + (ptrdiff_t)Z * u, u, i, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) {
                const int b = b0 + r;
                if (b < B) {
                    const ptrdiff_t row = (ptrdiff_t)b * steps + t;
                    const T hp = t > 0 ? hs[(row - 1) * u + i] : h0[(ptrdiff_t)b * u + i];
                    T rg, dr;
                    RACT_D(azr[row * Z + u + i], rg, dr);
                    const T dar = acc[r] * hp * dr;
                    dx[row * G + u + i] = dar;
                    sdzr[r * Z + u + i] = dar;
                    sdh[r * u + i] += acc[r] * rg;
                }
            }
        }
        __syncthreads();
        for (int i = threadIdx.x; i < u; i += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(sdzr, Z, UT, u, i, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) if (b0 + r < B) sdh[r * u + i] += acc[r];
        }
        __syncthreads();
    }
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
        const int b = b0 + k / u, i = k % u;
        if (b < B) dh0[(ptrdiff_t)b * u + i] = sdh[k];
    }
}

// reset_after=True. Per step: m = h_{t-1} @ U + b_r (3u columns), then the gate math.
extern "C" __global__ void nnspec_gru_recurrence_reset_after(
        const T* __restrict__ x, const T* __restrict__ U, const T* __restrict__ br, const T* __restrict__ h0,
        T* __restrict__ hs, T* __restrict__ ms, const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sh = (T*)smem;          // ROWS x u: h_{t-1}
    T* sm = sh + ROWS * u;     // ROWS x 3u: this step's recurrent projection
    const int G = 3 * u, b0 = blockIdx.x * ROWS;
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
        const int b = b0 + k / u, i = k % u;
        sh[k] = b < B ? h0[(ptrdiff_t)b * u + i] : (T)0;
    }
    __syncthreads();
    for (int t = 0; t < steps; ++t) {
        for (int j = threadIdx.x; j < G; j += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(sh, u, U, G, j, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) {
                const int b = b0 + r;
                if (b < B) {
                    const T m = acc[r] + br[j];
                    sm[r * G + j] = m;
                    ms[((ptrdiff_t)b * steps + t) * G + j] = m;
                }
            }
        }
        __syncthreads();
        for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
            const int r = k / u, i = k % u, b = b0 + r;
            if (b >= B) continue;
            const ptrdiff_t row = (ptrdiff_t)b * steps + t;
            const T* xr = x + row * G;
            const T* m = sm + r * G;
            const T z = RACT(xr[i] + m[i]), rg = RACT(xr[u + i] + m[u + i]);
            const T h = z * sh[k] + ((T)1 - z) * ACT(xr[2 * u + i] + rg * m[2 * u + i]);
            sh[k] = h;
            hs[row * u + i] = h;
        }
        __syncthreads();
    }
}

// Backward of nnspec_gru_recurrence_reset_after: the gate gradients (dx, dm; dh = g z), then dh += dm @ U^T.
extern "C" __global__ void nnspec_gru_recurrence_reset_after_grad(
        const T* __restrict__ x, const T* __restrict__ ms, const T* __restrict__ UT, const T* __restrict__ h0,
        const T* __restrict__ hs, const T* __restrict__ ghs, T* __restrict__ dx, T* __restrict__ dm,
        T* __restrict__ dh0, const int B, const int steps, const int u) {
    extern __shared__ unsigned char smem[];
    T* sdh = (T*)smem;         // ROWS x u: gradient reaching h_t from step t+1, then that of h_{t-1}
    T* sdm = sdh + ROWS * u;   // ROWS x 3u: this step's recurrent projection gradients
    const int G = 3 * u, b0 = blockIdx.x * ROWS;
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) sdh[k] = (T)0;
    for (int k = threadIdx.x; k < ROWS * G; k += blockDim.x) sdm[k] = (T)0;
    __syncthreads();
    for (int t = steps - 1; t >= 0; --t) {
        for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
            const int r = k / u, i = k % u, b = b0 + r;
            if (b >= B) continue;
            const ptrdiff_t row = (ptrdiff_t)b * steps + t;
            const T* xr = x + row * G;
            const T* m = ms + row * G;
            const T hp = t > 0 ? hs[(row - 1) * u + i] : h0[(ptrdiff_t)b * u + i];
            const T g = ghs[row * u + i] + sdh[k];
            T z, dz, rg, dr, hh, dhh;
            RACT_D(xr[i] + m[i], z, dz);
            RACT_D(xr[u + i] + m[u + i], rg, dr);
            ACT_D(xr[2 * u + i] + rg * m[2 * u + i], hh, dhh);
            const T daz = g * (hp - hh) * dz, dah = g * ((T)1 - z) * dhh;
            const T dar = dah * m[2 * u + i] * dr, dmh = dah * rg;
            T* ox = dx + row * G;
            T* om = dm + row * G;
            T* s = sdm + r * G;
            ox[i] = daz; ox[u + i] = dar; ox[2 * u + i] = dah;
            om[i] = daz; om[u + i] = dar; om[2 * u + i] = dmh;
            s[i] = daz; s[u + i] = dar; s[2 * u + i] = dmh;
            sdh[k] = g * z;
        }
        __syncthreads();
        for (int i = threadIdx.x; i < u; i += blockDim.x) {
            T acc[ROWS];
            nnspec_rows_dot(sdm, G, UT, u, i, acc);
            #pragma unroll
            for (int r = 0; r < ROWS; ++r) if (b0 + r < B) sdh[r * u + i] += acc[r];
        }
        __syncthreads();
    }
    for (int k = threadIdx.x; k < ROWS * u; k += blockDim.x) {
        const int b = b0 + k / u, i = k % u;
        if (b < B) dh0[(ptrdiff_t)b * u + i] = sdh[k];
    }
}
"""


# A recurrent-kernel column of at most this many bytes is held in registers by the LSTM kernels.
_REGISTER_COLUMN_BYTES = 256


def recurrence_code(source, dtype, act, ract, rows, units, threads):
    """The whole CUDA source of a recurrence kernel (``source``: _LSTM_RECURRENCE, _GRU_RECURRENCE, ...) built for a
    dtype (a name), the activations, the batch rows per block, the units and the threads per block."""
    registers = units * np.dtype(dtype).itemsize <= _REGISTER_COLUMN_BYTES and 4 * units <= threads
    defines = (f"typedef {CTYPES[dtype]} T;\n#define ROWS {rows}\n#define UNITS {units}\n#define THREADS {threads}\n"
               f"#define REGISTER_WEIGHTS {int(registers)}\n"
               f"#define ACT {_fn(act)}<T>\n#define RACT {_fn(ract)}<T>\n"
               f"#define ACT_D {_fn(act)}_d<T>\n#define RACT_D {_fn(ract)}_d<T>\n")
    return _PREAMBLE + defines + _ROWS_DOT + source


@functools.cache
def _recurrence_module(source, dtype, act, ract, rows, units, threads):
    return cupy.RawModule(code=recurrence_code(source, dtype, act, ract, rows, units, threads), options=OPTIONS)


def _rows(batch, shared_per_row):
    """Batch rows per block: enough blocks to spread over the GPU (32 or more where the batch allows), more
    rows per block to read the recurrent kernel fewer times, within the shared memory."""
    rows = 1
    while rows < 8 and -(-batch // (2 * rows)) >= 32 and 2 * rows * shared_per_row <= _SHARED_BYTES:
        rows *= 2
    return rows


def _recurrence_launch(operands, units, batch, columns, arrays):
    """(rows, threads, shared bytes) for a persistent recurrence kernel, or None where it cannot run: operands
    not all float32 or all float64, or one batch row's shared arrays beyond the shared memory.

    columns: the widest loop over gate columns, in units (the threads); arrays: the number of u-wide arrays
    each batch row keeps in shared memory (the kernel's shared layout).
    """
    dtype = operands[0].dtype
    if str(dtype) not in CTYPES or any(a.dtype != dtype for a in operands):
        return None
    per_row = arrays * units * dtype.itemsize
    if per_row > _SHARED_BYTES:
        return None
    rows = _rows(batch, per_row)
    threads = min(1024, -(-columns * units // 32) * 32)
    return rows, threads, rows * per_row


def _launch(source, name, launch, activation, recurrent_activation, arrays, batch, steps, units):
    """Run kernel ``name`` of ``source``, compiled for the arrays' dtype and the activations, on ``arrays``
    (then B, steps, u), one block per ``rows`` batch rows."""
    rows, threads, shared = launch
    fn = _recurrence_module(source, str(arrays[0].dtype), activation, recurrent_activation, rows, units,
                            threads).get_function(name)
    fn((-(-batch // rows),), (threads,), (*arrays, cupy.int32(batch), cupy.int32(steps), cupy.int32(units)),
       shared_mem=shared)


# Shared arrays per batch row (in units): LSTM h, c and the 4u pre-activations (backward: dc, the 4u pre-activation
# gradients and the 4u partial sums of dh); GRU reset_after=False h, r h and the 2u z, r pre-activations (backward:
# dh, da_h, da_zr); GRU reset_after=True h and the 3u recurrent projection (backward: dh, dm).
_LSTM_ARRAYS, _LSTM_GRAD_ARRAYS, _GRU_ARRAYS = 6, 9, 4


def lstm_recurrence(xp, x, recurrent_kernel, h0, c0, activation="tanh", recurrent_activation="hard_sigmoid"):
    batch, steps, gates_units = x.shape
    units = gates_units // 4
    launch = _recurrence_launch((x, recurrent_kernel, h0, c0), units, batch, 4, _LSTM_ARRAYS)
    if launch is None:
        return ref.lstm_recurrence(xp, x, recurrent_kernel, h0, c0, activation, recurrent_activation)
    x, U, h0, c0 = (cupy.ascontiguousarray(a) for a in (x, recurrent_kernel, h0, c0))
    hs = cupy.empty((batch, steps, units), dtype=x.dtype)
    cs, pre = cupy.empty_like(hs), cupy.empty_like(x)
    _launch(_LSTM_RECURRENCE, "nnspec_lstm_recurrence", launch, activation, recurrent_activation,
            (x, U, h0, c0, hs, cs, pre), batch, steps, units)
    return hs, cs, pre


def lstm_recurrence_grad(xp, pre, recurrent_kernel, c0, cs, ghs, gcs, activation="tanh",
                         recurrent_activation="hard_sigmoid"):
    batch, steps, gates_units = pre.shape
    units = gates_units // 4
    launch = _recurrence_launch((pre, recurrent_kernel, c0, cs, ghs, gcs), units, batch, 4, _LSTM_GRAD_ARRAYS)
    if launch is None:
        return ref.lstm_recurrence_grad(xp, pre, recurrent_kernel, c0, cs, ghs, gcs, activation,
                                        recurrent_activation)
    UT = cupy.ascontiguousarray(recurrent_kernel.T)
    pre, c0, cs, ghs, gcs = (cupy.ascontiguousarray(a) for a in (pre, c0, cs, ghs, gcs))
    da = cupy.empty_like(pre)
    dh0, dc0 = cupy.empty_like(c0), cupy.empty_like(c0)
    _launch(_LSTM_RECURRENCE, "nnspec_lstm_recurrence_grad", launch, activation, recurrent_activation,
            (pre, UT, c0, cs, ghs, gcs, da, dh0, dc0), batch, steps, units)
    return da, dh0, dc0


def gru_recurrence(xp, x, recurrent_kernel, h0, activation="tanh", recurrent_activation="hard_sigmoid"):
    batch, steps, gates_units = x.shape
    units = gates_units // 3
    launch = _recurrence_launch((x, recurrent_kernel, h0), units, batch, 3, _GRU_ARRAYS)
    if launch is None:
        return ref.gru_recurrence(xp, x, recurrent_kernel, h0, activation, recurrent_activation)
    x, U, h0 = (cupy.ascontiguousarray(a) for a in (x, recurrent_kernel, h0))
    hs = cupy.empty((batch, steps, units), dtype=x.dtype)
    rhs, ahs = cupy.empty_like(hs), cupy.empty_like(hs)
    azr = cupy.empty((batch, steps, 2 * units), dtype=x.dtype)
    _launch(_GRU_RECURRENCE, "nnspec_gru_recurrence", launch, activation, recurrent_activation,
            (x, U, h0, hs, azr, rhs, ahs), batch, steps, units)
    return hs, azr, rhs, ahs


def gru_recurrence_grad(xp, azr, ahs, recurrent_kernel, h0, hs, ghs, activation="tanh",
                        recurrent_activation="hard_sigmoid"):
    batch, steps, units = ahs.shape
    launch = _recurrence_launch((azr, ahs, recurrent_kernel, h0, hs, ghs), units, batch, 3, _GRU_ARRAYS)
    if launch is None:
        return ref.gru_recurrence_grad(xp, azr, ahs, recurrent_kernel, h0, hs, ghs, activation, recurrent_activation)
    UT = cupy.ascontiguousarray(recurrent_kernel.T)
    azr, ahs, h0, hs, ghs = (cupy.ascontiguousarray(a) for a in (azr, ahs, h0, hs, ghs))
    dx = cupy.empty((batch, steps, 3 * units), dtype=azr.dtype)
    dh0 = cupy.empty_like(h0)
    _launch(_GRU_RECURRENCE, "nnspec_gru_recurrence_grad", launch, activation, recurrent_activation,
            (azr, ahs, UT, h0, hs, ghs, dx, dh0), batch, steps, units)
    return dx, dh0


def gru_recurrence_reset_after(xp, x, recurrent_kernel, recurrent_bias, h0, activation="tanh",
                               recurrent_activation="hard_sigmoid"):
    batch, steps, gates_units = x.shape
    units = gates_units // 3
    launch = _recurrence_launch((x, recurrent_kernel, recurrent_bias, h0), units, batch, 3, _GRU_ARRAYS)
    if launch is None:
        return ref.gru_recurrence_reset_after(xp, x, recurrent_kernel, recurrent_bias, h0, activation,
                                              recurrent_activation)
    x, U, br, h0 = (cupy.ascontiguousarray(a) for a in (x, recurrent_kernel, recurrent_bias, h0))
    hs = cupy.empty((batch, steps, units), dtype=x.dtype)
    ms = cupy.empty_like(x)
    _launch(_GRU_RECURRENCE, "nnspec_gru_recurrence_reset_after", launch, activation, recurrent_activation,
            (x, U, br, h0, hs, ms), batch, steps, units)
    return hs, ms


def gru_recurrence_reset_after_grad(xp, x, ms, recurrent_kernel, h0, hs, ghs, activation="tanh",
                                    recurrent_activation="hard_sigmoid"):
    batch, steps, gates_units = x.shape
    units = gates_units // 3
    launch = _recurrence_launch((x, ms, recurrent_kernel, h0, hs, ghs), units, batch, 3, _GRU_ARRAYS)
    if launch is None:
        return ref.gru_recurrence_reset_after_grad(xp, x, ms, recurrent_kernel, h0, hs, ghs, activation,
                                                   recurrent_activation)
    UT = cupy.ascontiguousarray(recurrent_kernel.T)
    x, ms, h0, hs, ghs = (cupy.ascontiguousarray(a) for a in (x, ms, h0, hs, ghs))
    dx, dm = cupy.empty_like(x), cupy.empty_like(x)
    dh0 = cupy.empty_like(h0)
    _launch(_GRU_RECURRENCE, "nnspec_gru_recurrence_reset_after_grad", launch, activation, recurrent_activation,
            (x, ms, UT, h0, hs, ghs, dx, dm, dh0), batch, steps, units)
    return dx, dm, dh0


OVERRIDES = {"lstm_recurrence": lstm_recurrence, "lstm_recurrence_grad": lstm_recurrence_grad,
             "gru_recurrence": gru_recurrence, "gru_recurrence_grad": gru_recurrence_grad,
             "gru_recurrence_reset_after": gru_recurrence_reset_after,
             "gru_recurrence_reset_after_grad": gru_recurrence_reset_after_grad,
             "lstm_cell": lstm_cell, "gru_reset_gate": gru_reset_gate, "gru_output": gru_output,
             "gru_cell_reset_after": gru_cell_reset_after, "lstm_cell_grad": lstm_cell_grad,
             "gru_reset_gate_grad": gru_reset_gate_grad, "gru_output_grad": gru_output_grad,
             "gru_cell_reset_after_grad": gru_cell_reset_after_grad}
