"""Fused batch normalization kernels.

Same signatures and formulas as ``nnspec.reference.kernels.norm``:

* statistics: one reduction (two stages for images: per sample, then over samples) gives, for
  every channel, sum(x - s) and sum((x - s)^2) accumulated in double, packed as the real and imaginary parts of one
  ``complex<double>`` (s is the channel's first value: a shift that keeps the one-pass variance
  free of cancellation); mean = s + S1/n, the biased variance S2/n - (S1/n)^2 and the scale follow in
  one per-channel kernel.
* normalization: ONE elementwise kernel y = (x - mean) * k + beta with k = gamma / sqrt(var + eps)
  computed per channel, as the reference computes it.
* backward: one reduction for the statistics, one for sum(gy) and sum(gy * (x - mean)) (the same
  complex packing), one per-channel kernel for the coefficients of the reference kernel, one elementwise
  kernel gx = a * gy + b * (x - mean) + d.

Reductions use CuPy's deterministic tree reduction (no atomics). The elementwise kernels are
compiled without FMA contraction, so each product and sum rounds as NumPy's separate operations
do: ``batch_norm`` with given statistics matches the reference bit for bit; the training kernels
differ from it only by the summation order of the statistics. Empty inputs, mixed dtypes and dtypes
other than float32/float64 run the reference kernels on CuPy.
"""

import cupy
import numpy as np
from nnspec.reference.kernels import norm as _reference

from . import indexing

_OPTIONS = ("--fmad=false",)

_shifted_sums = cupy.ReductionKernel(
    "T x, T s", "Y sums",
    "complex<double>((double)x - (double)s, ((double)x - (double)s) * ((double)x - (double)s))",
    "a + b", "sums = a", "0", "nnspec_bn_shifted_sums", reduce_type="complex<double>")

_grad_sums = cupy.ReductionKernel(
    "T g, T x, T m", "Y sums",
    "complex<double>((double)g, (double)g * ((double)x - (double)m))",
    "a + b", "sums = a", "0", "nnspec_bn_grad_sums", reduce_type="complex<double>")

_normalize = cupy.ElementwiseKernel(
    "T x, T m, T k, T b", "T y", "y = (x - m) * k + b", "nnspec_bn_normalize", options=_OPTIONS)

_input_grad = cupy.ElementwiseKernel(
    "T g, T x, T m, T a, T b, T d", "T gx", "gx = a * g + b * (x - m) + d", "nnspec_bn_input_grad",
    options=_OPTIONS)


def _layout(x, axis):
    red = tuple(i for i in range(x.ndim) if i != axis)
    shape = tuple(x.shape[axis] if i == axis else 1 for i in range(x.ndim))
    return red, shape, x.size // x.shape[axis]


def _per_channel_sums(kernel, arrays, x, axis):
    """kernel's complex sums over every axis but ``axis``: (C,) complex128.

    A reduction straight to C outputs runs one block per channel (a few dozen blocks on a GPU with
    over a hundred multiprocessors), so a rank >= 3 input with the channel axis not first is reduced
    in two stages: per (sample, channel), then over the samples (both CuPy tree reductions: the
    order is fixed, the result deterministic)."""
    red = tuple(i for i in range(x.ndim) if i != axis)
    if x.ndim < 3 or axis == 0:
        sums = cupy.empty((x.shape[axis],), dtype=cupy.complex128)
        kernel(*arrays, sums, axis=red)
        return sums
    partial = cupy.empty((x.shape[0], x.shape[axis]), dtype=cupy.complex128)
    kernel(*arrays, partial, axis=red[1:])
    return partial.sum(axis=0)


# The per-channel arithmetic between the reductions and the elementwise passes, one thread per channel (a dozen
# or more launches of C-sized CuPy operations each way before). Each line rounds as the CuPy expression it
# replaced, in its type: the statistics in double from the double sums, the coefficients in T; n converted to
# double or T as NumPy converts a Python int.
_CHANNEL_SOURCE = r"""
extern "C" __global__ void nnspec_bn_statistics(int channels, long long n, const double* __restrict__ sums,
        const T* __restrict__ shift, const T* __restrict__ gamma, T epsilon, T* __restrict__ mean,
        T* __restrict__ var, T* __restrict__ scale) {
    // sums: (sum(x - s), sum((x - s)^2)) per channel, s = shift; scale = gamma / sqrt(var + epsilon)
    for (int ch = blockIdx.x * blockDim.x + threadIdx.x; ch < channels; ch += gridDim.x * blockDim.x) {
        const double d = sums[2 * ch] / (double)n;
        const double v = sums[2 * ch + 1] / (double)n - d * d;
        mean[ch] = (T)((double)shift[ch] + d);
        const T vt = (T)((v != v || v > 0.0) ? v : 0.0);   // maximum(v, 0) with NaN kept
        var[ch] = vt;
        scale[ch] = gamma[ch] / sqrt(vt + epsilon);
    }
}

extern "C" __global__ void nnspec_bn_grad_coefficients(int channels, long long n, const double* __restrict__ sums,
        const T* __restrict__ var, const T* __restrict__ gamma, const T* __restrict__ gmean,
        const T* __restrict__ gvariance, T epsilon, T* __restrict__ a, T* __restrict__ b, T* __restrict__ d,
        T* __restrict__ ggamma, T* __restrict__ gbeta) {
    // sums: (sum(gy), sum(gy * (x - mean))) per channel; gx = a * gy + b * (x - mean) + d
    const T nt = (T)n;
    for (int ch = blockIdx.x * blockDim.x + threadIdx.x; ch < channels; ch += gridDim.x * blockDim.x) {
        const T s1 = (T)sums[2 * ch], s2 = (T)sums[2 * ch + 1];
        const T r = (T)1 / sqrt(var[ch] + epsilon);
        const T ar = gamma[ch] * r;
        a[ch] = ar;
        b[ch] = -(gamma[ch] * r * r * r) * (s2 / nt) + (T)2 * gvariance[ch] / nt;
        d[ch] = -ar * (s1 / nt) + gmean[ch] / nt;
        ggamma[ch] = r * s2;
        gbeta[ch] = s1;
    }
}
"""
_CHANNEL_THREADS = 256


def _per_channel(name, dtype, channels, args):
    """Launch kernel ``name`` of _CHANNEL_SOURCE over ``channels``; its arrays in ``args`` must be contiguous."""
    fn = indexing.module(_CHANNEL_SOURCE, str(dtype), False, _OPTIONS).get_function(name)
    blocks = -(-channels // _CHANNEL_THREADS)
    fn((blocks,), (_CHANNEL_THREADS,), (np.int32(channels),) + args)


def _statistics(x, axis, gamma, epsilon):
    """(mean, biased variance, gamma / sqrt(variance + epsilon)), each (C,) in x's dtype, from one reduction."""
    _, shape, n = _layout(x, axis)
    first = tuple(slice(None) if i == axis else 0 for i in range(x.ndim))
    shift = cupy.ascontiguousarray(x[first]).reshape(-1)
    sums = _per_channel_sums(_shifted_sums, (x, shift.reshape(shape)), x, axis)
    mean, var, scale = (cupy.empty(shift.shape, dtype=x.dtype) for _ in range(3))
    _per_channel("nnspec_bn_statistics", x.dtype, shift.size,
                 (np.int64(n), sums, shift, cupy.ascontiguousarray(gamma), x.dtype.type(epsilon), mean, var, scale))
    return mean, var, scale


def _generic(x, *others):
    """Empty inputs and mixed dtypes (the reference promotes them) run the reference kernels."""
    return x.size == 0 or any(a.dtype != x.dtype for a in others)


def batch_norm(xp, x, mean, variance, gamma, beta, epsilon, axis):
    if _generic(x, mean, variance, gamma, beta):
        return _reference.batch_norm(xp, x, mean, variance, gamma, beta, epsilon, axis)
    _, shape, _ = _layout(x, axis)
    k = gamma / cupy.sqrt(variance + epsilon)
    return _normalize(x, mean.reshape(shape), k.reshape(shape), beta.reshape(shape))


def batch_norm_train(xp, x, gamma, beta, epsilon, axis):
    if _generic(x, gamma, beta) or not indexing.supported(x.dtype):
        return _reference.batch_norm_train(xp, x, gamma, beta, epsilon, axis)
    _, shape, _ = _layout(x, axis)
    mean, var, k = _statistics(x, axis, gamma, epsilon)
    y = _normalize(x, mean.reshape(shape), k.reshape(shape), beta.reshape(shape))
    return y, mean, var


def batch_norm_train_grad(xp, gy, x, gamma, gmean, gvariance, epsilon, axis):
    if _generic(x, gy, gamma, gmean, gvariance) or not indexing.supported(x.dtype):
        return _reference.batch_norm_train_grad(xp, gy, x, gamma, gmean, gvariance, epsilon, axis)
    _, shape, n = _layout(x, axis)
    mean, var, _ = _statistics(x, axis, gamma, epsilon)
    sums = _per_channel_sums(_grad_sums, (gy, x, mean.reshape(shape)), x, axis)
    a, b, d, ggamma, gbeta = (cupy.empty(var.shape, dtype=x.dtype) for _ in range(5))
    _per_channel("nnspec_bn_grad_coefficients", x.dtype, var.size,
                 (np.int64(n), sums, var, cupy.ascontiguousarray(gamma), cupy.ascontiguousarray(gmean),
                  cupy.ascontiguousarray(gvariance), x.dtype.type(epsilon), a, b, d, ggamma, gbeta))
    gx = _input_grad(gy, x, mean.reshape(shape), a.reshape(shape), b.reshape(shape), d.reshape(shape))
    return gx, ggamma, gbeta


OVERRIDES = {"batch_norm": batch_norm, "batch_norm_train": batch_norm_train,
             "batch_norm_train_grad": batch_norm_train_grad}
