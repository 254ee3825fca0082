"""Fused activation kernels: softmax, log_softmax and softplus in fewer launches than the generic ones.

Same formulas as ``nnspec.reference.kernels.activation``:
softmax = exp(x - m) / sum(exp(x - m)), log_softmax = (x - m) - log(sum(exp(x - m))), with m the
maximum along the axes (replaced by 0 where it is not finite), softplus = max(x, 0) + log1p(exp(-|x|)).
Softmax and log_softmax are three launches each (max, one reduction of exp(x - m) that broadcasts m,
one elementwise pass) instead of the generic six or seven. conformance --impl=accel checks them against
the reference.
"""

import cupy

# Every kernel shifts by M(m) = m where the maximum m is finite, else 0: a row of all -inf (or one
# holding +inf) is left unshifted, so nan / inf come out as in the reference and TensorFlow.
_PREAMBLE = """
template <typename T> __device__ T nnspec_shift(T m) { return isfinite(m) ? m : (T)0; }
"""

# sum(exp(x - M(m))) along the reduced axes; m (keepdims shape) broadcasts against x
_sum_exp_shifted = cupy.ReductionKernel(
    "T x, T m", "T y", "exp(x - nnspec_shift(m))", "a + b", "y = a", "0", "nnspec_sum_exp_shifted",
    preamble=_PREAMBLE)

_softmax_out = cupy.ElementwiseKernel(
    "T x, T m, T s", "T y", "y = exp(x - nnspec_shift(m)) / s", "nnspec_softmax_out", preamble=_PREAMBLE)
_log_softmax_out = cupy.ElementwiseKernel(
    "T x, T m, T s", "T y", "y = (x - nnspec_shift(m)) - log(s)", "nnspec_log_softmax_out", preamble=_PREAMBLE)

_softplus = cupy.ElementwiseKernel(
    "T x", "T y",
    # exp of a non-positive number only: exact for any x (same formula as the reference)
    "y = (x > (T)0 ? x : (T)0) + log1p(exp(-fabs(x)))",
    "nnspec_softplus")


def _shift_and_sum(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return m, _sum_exp_shifted(x, m, axis=axis, keepdims=True)


def softmax(xp, x, axis=(-1,)):
    m, s = _shift_and_sum(x, axis)
    return _softmax_out(x, m, s)


def log_softmax(xp, x, axis=(-1,)):
    m, s = _shift_and_sum(x, axis)
    return _log_softmax_out(x, m, s)


def softplus(xp, x):
    return _softplus(x)


OVERRIDES = {"softmax": softmax, "log_softmax": log_softmax, "softplus": softplus}
