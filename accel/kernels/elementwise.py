"""Fused elementwise kernels: one launch where the generic kernel needs several."""

import cupy

_sigmoid = cupy.ElementwiseKernel(
    "T x", "T y",
    # exp of a non-positive number only: no overflow for any x (same formula as the reference).
    "T e = exp(-fabs(x)); y = x >= 0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e)",
    "nnspec_sigmoid")

# NaN stays NaN, as in the reference's maximum(x, 0) (x != x only for NaN).
_relu = cupy.ElementwiseKernel("T x", "T y", "y = (x > 0 || x != x) ? x : (T)0", "nnspec_relu")

# relu(x + bias), the bias broadcast over x's leading axes: the add rounded (and flushed) as CuPy's add, then relu.
_bias_relu = cupy.ElementwiseKernel("T x, T b", "T y", "T v = x + b; y = (v > 0 || v != v) ? v : (T)0",
                                    "nnspec_bias_relu")


def sigmoid(xp, x):
    return _sigmoid(x)


def relu(xp, x):
    return _relu(x)


def bias_relu(xp, x, bias):
    return _bias_relu(x, bias)


OVERRIDES = {"sigmoid": sigmoid, "relu": relu, "bias_relu": bias_relu}
