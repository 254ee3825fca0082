"""Elementwise kernels with NumPy broadcasting.

Most are one NumPy ufunc each and are registered from the table below; the ones with a formula of
their own (where, sigmoid, relu) are written out.
"""

import numpy as np

from . import kernel

# op name -> the array-module function that is its kernel (NumPy and CuPy share these names)
UFUNCS = {
    # arithmetic
    "add": "add", "subtract": "subtract", "multiply": "multiply", "divide": "true_divide",
    "negative": "negative", "power": "power", "square": "square", "sqrt": "sqrt", "exp": "exp",
    "log": "log", "abs": "abs", "sign": "sign", "maximum": "maximum", "minimum": "minimum",
    "tanh": "tanh",
    # comparisons and logic: boolean results, never differentiated
    "equal": "equal", "not_equal": "not_equal", "less": "less", "less_equal": "less_equal",
    "greater": "greater", "greater_equal": "greater_equal", "logical_and": "logical_and",
    "logical_or": "logical_or", "logical_not": "logical_not", "isfinite": "isfinite",
}


def _ufunc_kernel(fname):
    def run(xp, *arrays):
        return getattr(xp, fname)(*arrays)
    run.__name__ = run.__qualname__ = fname
    return run


for _op, _fname in UFUNCS.items():
    kernel(_op)(_ufunc_kernel(_fname))


def _zero_bits(a, bits):
    return a.ndim == 0 and not bool(a.view(bits) != 0)


@kernel("where")
def where(xp, cond, a, b):
    """``a`` where ``cond`` else ``b``, all three broadcast (``numpy.where``).

    On the CPU two operands of one numeric dtype are selected bit by bit, b ^ ((a ^ b) & mask) with the
    mask all ones where cond: the chosen value's bits are copied, so this is numpy.where exactly (NaN
    payloads, -0.0), without its branch per element, which costs about 4 ns an element when the mask has
    no pattern (a relu gradient's). Other array modules (CuPy: one kernel) run their own where.
    """
    shape = np.broadcast_shapes(cond.shape, a.shape, b.shape)
    if (xp is not np or cond.dtype != np.bool_ or a.dtype != b.dtype or a.dtype.kind not in "biuf"
            or not shape):
        return xp.where(cond, a, b)
    bits = np.dtype(f"u{a.dtype.itemsize}")
    mask = xp.negative(xp.broadcast_to(cond, shape), dtype=bits)  # 0 - 1 wraps to all ones
    if _zero_bits(b, bits):  # a where cond else +0: the relu gradient
        xp.bitwise_and(mask, a.view(bits), out=mask)
    elif _zero_bits(a, bits):
        xp.bitwise_and(xp.invert(mask, out=mask), b.view(bits), out=mask)
    else:
        xp.bitwise_and(mask, xp.bitwise_xor(a.view(bits), b.view(bits)), out=mask)
        xp.bitwise_xor(mask, b.view(bits), out=mask)
    return mask.view(a.dtype)


@kernel("sigmoid")
def sigmoid(xp, x):
    # exp of a non-positive number only, so no overflow for any x.
    e = xp.exp(-xp.abs(x))
    return where(xp, x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


@kernel("relu")
def relu(xp, x):
    return xp.maximum(x, xp.zeros((), dtype=x.dtype))
