"""Elementwise kernels with NumPy broadcasting.

Most are one NumPy ufunc each and are registered from the table below; the ones with a formula of
their own (where, sigmoid, relu, maximum and minimum against a scalar) are written out.
"""

import functools
import math

import numpy as np

from . import kernel

# op name -> the array-module function that is its kernel (NumPy and CuPy share these names)
UFUNCS = {
    # arithmetic
    "add": "add", "subtract": "subtract", "multiply": "multiply", "divide": "true_divide",
    "negative": "negative", "power": "power", "square": "square", "sqrt": "sqrt", "exp": "exp",
    "log": "log", "abs": "abs", "sign": "sign", "tanh": "tanh",
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


# NumPy (2.x) runs maximum and minimum against a scalar (a 0-d or stride-0 operand) one element at a time,
# 3-4x slower than against an array, where its SIMD loops apply. A block of the constant stands in for the
# scalar: the same ufunc on the same values, so the same results bit for bit (NaN, -0.0), at array speed.
CONSTANT_BLOCK = 1 << 16


@functools.lru_cache(maxsize=16)  # bounded: a clip bound that changes every step must not pile up blocks
def _constant_block(dtype, value_bytes):
    """A read-only array of CONSTANT_BLOCK copies of the scalar of ``dtype`` with these bytes."""
    block = np.full(CONSTANT_BLOCK, np.frombuffer(value_bytes, dtype=dtype)[0])
    block.flags.writeable = False
    return block


def against_constant(xp, fname, x, value, out=None):
    """``xp.<fname>(x, value, out=out)`` for ``fname`` maximum or minimum and a scalar ``value`` (a Python
    number or a 0-d array) of x's dtype, as NEP 50 takes a Python number; with NumPy, over runs of x's leading
    axis against a block of the constant. Other array modules get the call as it is."""
    ufunc = getattr(xp, fname)
    per = CONSTANT_BLOCK // max(1, math.prod(x.shape[1:]))
    if xp is not np or not x.ndim or not per:
        return ufunc(x, value, out=out)
    constant = _constant_block(x.dtype, np.asarray(value, dtype=x.dtype).tobytes())
    if per >= x.shape[0]:
        return ufunc(x, constant[:x.size].reshape(x.shape), out=out)
    out = np.empty(x.shape, dtype=x.dtype) if out is None else out
    constant = constant[:per * (x.size // x.shape[0])].reshape((per,) + x.shape[1:])
    for start in range(0, x.shape[0], per):
        run = x[start:start + per]
        ufunc(run, constant[:run.shape[0]], out=out[start:start + per])
    return out


def _extremum_kernel(fname):
    def run(xp, a, b):
        if b.ndim == 0 and a.ndim and a.dtype == b.dtype:  # a clip bound, relu's 0
            return against_constant(xp, fname, a, b)
        return getattr(xp, fname)(a, b)
    run.__name__ = run.__qualname__ = fname
    return run


for _fname in ("maximum", "minimum"):
    kernel(_fname)(_extremum_kernel(_fname))


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
    return against_constant(xp, "maximum", x, xp.zeros((), dtype=x.dtype))
