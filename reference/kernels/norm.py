"""Batch normalization kernels: normalization with given statistics, the training-mode forward
(batch statistics + normalization) and its fused backward.

Every kernel normalizes over all axes but ``axis`` (a non-negative int: the channel axis); the
per-channel arrays (mean, variance, gamma, beta, ...) have shape (C,), C = x.shape[axis].

* ``batch_norm``: y = (x - mean) * (gamma / sqrt(variance + epsilon)) + beta.
* ``batch_norm_train``: the batch mean and the BIASED batch variance (two passes: the mean, then
  the mean of the squared deviations), then ``batch_norm`` with them; returns (y, mean, variance).
* ``batch_norm_train_grad``: the vector-Jacobian product of ``batch_norm_train`` for the output
  cotangents (gy, gmean, gvariance), recomputing the statistics from x; returns (gx, ggamma, gbeta).
  With r = 1/sqrt(v + eps), c = x - m, n the number of values per channel:
  gx = gamma r gy - gamma r mean(gy) - gamma r^3 c mean(gy c) + gmean / n + 2 gvariance c / n,
  ggamma = r sum(gy c), gbeta = sum(gy).
"""

from . import kernel, quiet
from .elementwise import binary
from .reduce import mean as _mean
from .reduce import sum_ as _sum


def _reduced(ndim, axis):
    return tuple(i for i in range(ndim) if i != axis)


def _channel_shape(ndim, axis, size):
    """The shape that broadcasts a (C,) array along ``axis`` of an ndim-array."""
    return tuple(size if i == axis else 1 for i in range(ndim))


def _moments(xp, x, axis):
    """(mean, biased variance) over every axis but ``axis``, kept as broadcastable arrays."""
    red = _reduced(x.ndim, axis)
    mean = _mean(xp, x, red, keepdims=True)
    c = binary(xp, "subtract", x, mean)
    return mean, c, _mean(xp, c * c, red, keepdims=True)


@kernel("batch_norm")
def batch_norm(xp, x, mean, variance, gamma, beta, epsilon, axis):
    shape = _channel_shape(x.ndim, axis, x.shape[axis])
    with quiet(xp):  # variance + epsilon < 0 (weights set by hand) gives NaN silently, as in TensorFlow
        scale = gamma / xp.sqrt(variance + epsilon)
    centered = binary(xp, "subtract", x, mean.reshape(shape))
    return binary(xp, "add", binary(xp, "multiply", centered, scale.reshape(shape)), beta.reshape(shape))


@kernel("batch_norm_train")
def batch_norm_train(xp, x, gamma, beta, epsilon, axis):
    shape = _channel_shape(x.ndim, axis, x.shape[axis])
    mean, c, var = _moments(xp, x, axis)
    scale = gamma.reshape(shape) / xp.sqrt(var + epsilon)
    y = binary(xp, "add", binary(xp, "multiply", c, scale), beta.reshape(shape))
    return y, mean.reshape(-1), var.reshape(-1)


@kernel("batch_norm_train_grad")
def batch_norm_train_grad(xp, gy, x, gamma, gmean, gvariance, epsilon, axis):
    shape = _channel_shape(x.ndim, axis, x.shape[axis])
    red = _reduced(x.ndim, axis)
    n = x.size // x.shape[axis] if x.shape[axis] else 0
    _, c, var = _moments(xp, x, axis)
    r = 1 / xp.sqrt(var.reshape(-1) + epsilon)
    s1 = _sum(xp, gy, red)                # sum(gy)
    s2 = _sum(xp, gy * c, red)            # sum(gy * (x - mean))
    a = gamma * r
    b = -(gamma * r * r * r) * (s2 / n) + 2 * gvariance / n
    d = -a * (s1 / n) + gmean / n
    gx = binary(xp, "add", binary(xp, "multiply", a.reshape(shape), gy) + binary(xp, "multiply", b.reshape(shape), c),
                d.reshape(shape))
    return gx, r * s2, s1
