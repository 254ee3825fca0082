"""Activation kernels: softmax and log_softmax along axes, softplus, log1p, expm1.

The other activations (elu, selu, hard_sigmoid, softsign, relu with its Keras arguments) are
composed from elementwise ops in ``nnspec.reference.ops.activation``; these are the ones that need a
formula of their own to stay exact for any input.
"""

from . import kernel, quiet
from .elementwise import relu


def _shifted(xp, x, axis):
    """x - max(x, axis): every entry <= 0, so exp never overflows; -inf entries stay -inf."""
    m = xp.max(x, axis=axis, keepdims=True)
    # a row of all -inf (or one holding +inf) has no finite shift: leave it unshifted, the result is
    # then nan or inf, as in TensorFlow, instead of an arbitrary number
    m = xp.where(xp.isfinite(m), m, xp.zeros((), dtype=m.dtype))
    return x - m


@kernel("softmax")
def softmax(xp, x, axis=(-1,)):
    """exp(x - max) / sum(exp(x - max)) along ``axis`` (a tuple of non-negative ints)."""
    with quiet(xp):
        e = xp.exp(_shifted(xp, x, axis))
        return e / xp.sum(e, axis=axis, keepdims=True)


@kernel("log_softmax")
def log_softmax(xp, x, axis=(-1,)):
    """(x - max) - log(sum(exp(x - max))) along ``axis``: finite for any finite input."""
    with quiet(xp):
        s = _shifted(xp, x, axis)
        return s - xp.log(xp.sum(xp.exp(s), axis=axis, keepdims=True))


@kernel("softplus")
def softplus(xp, x):
    """log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): exp of a non-positive number only."""
    return (relu(xp, x) + xp.log1p(xp.exp(-xp.abs(x)))).astype(x.dtype, copy=False)


@kernel("log1p")
def log1p(xp, x):
    with quiet(xp):  # log1p(-1) = -inf, log1p(x < -1) = nan: the exact answers, not warnings
        return xp.log1p(x)


@kernel("expm1")
def expm1(xp, x):
    with quiet(xp):
        return xp.expm1(x)
