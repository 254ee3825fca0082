"""Fused batch normalization kernels.

Same signatures and formulas as ``nnspec.reference.kernels.norm``:

* statistics: one reduction (two stages for images: per sample, then over samples) gives, for
  every channel, sum(x - s) and sum((x - s)^2) accumulated in double, packed as the real and imaginary parts of one
  ``complex<double>`` (s is the channel's first value: a shift that keeps the one-pass variance
  free of cancellation); mean = s + S1/n and the biased variance S2/n - (S1/n)^2 follow on the
  C-sized arrays.
* normalization: ONE elementwise kernel y = (x - mean) * k + beta with k = gamma / sqrt(var + eps)
  computed per channel, as the reference computes it.
* backward: one reduction for the statistics, one for sum(gy) and sum(gy * (x - mean)) (the same
  complex packing), one elementwise kernel gx = a * gy + b * (x - mean) + d with the per-channel
  coefficients of the reference kernel.

Reductions use CuPy's deterministic tree reduction (no atomics). The elementwise kernels are
compiled without FMA contraction, so each product and sum rounds as NumPy's separate operations
do: ``batch_norm`` with given statistics matches the reference bit for bit; the training kernels
differ from it only by the summation order of the statistics. Empty inputs and mixed dtypes run
the reference kernels on CuPy.
"""

import cupy
from nnspec.reference.kernels import norm as _reference

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


def _statistics(x, axis):
    """(mean, biased variance), each (C,) in x's dtype, from one reduction kernel."""
    _, shape, n = _layout(x, axis)
    first = tuple(slice(None) if i == axis else 0 for i in range(x.ndim))
    shift = cupy.ascontiguousarray(x[first]).reshape(shape)
    sums = _per_channel_sums(_shifted_sums, (x, shift), x, axis)
    d = sums.real / n
    mean = shift.reshape(-1).astype(cupy.float64) + d
    var = cupy.maximum(sums.imag / n - d * d, 0.0)
    return mean.astype(x.dtype), var.astype(x.dtype)


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
    if _generic(x, gamma, beta):
        return _reference.batch_norm_train(xp, x, gamma, beta, epsilon, axis)
    _, shape, _ = _layout(x, axis)
    mean, var = _statistics(x, axis)
    k = gamma / cupy.sqrt(var + epsilon)
    y = _normalize(x, mean.reshape(shape), k.reshape(shape), beta.reshape(shape))
    return y, mean, var


def batch_norm_train_grad(xp, gy, x, gamma, gmean, gvariance, epsilon, axis):
    if _generic(x, gy, gamma, gmean, gvariance):
        return _reference.batch_norm_train_grad(xp, gy, x, gamma, gmean, gvariance, epsilon, axis)
    _, shape, n = _layout(x, axis)
    mean, var = _statistics(x, axis)
    sums = _per_channel_sums(_grad_sums, (gy, x, mean.reshape(shape)), x, axis)
    s1, s2 = sums.real.astype(x.dtype), sums.imag.astype(x.dtype)
    r = 1 / cupy.sqrt(var + epsilon)
    a = gamma * r
    b = -(gamma * r * r * r) * (s2 / n) + 2 * gvariance / n
    d = -a * (s1 / n) + gmean / n
    gx = _input_grad(gy, x, mean.reshape(shape), a.reshape(shape), b.reshape(shape), d.reshape(shape))
    return gx, r * s2, s1


OVERRIDES = {"batch_norm": batch_norm, "batch_norm_train": batch_norm_train,
             "batch_norm_train_grad": batch_norm_train_grad}
