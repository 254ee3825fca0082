"""Elementwise kernels with NumPy broadcasting.

Most are one NumPy ufunc each and are registered from the table below; the ones with a formula of
their own (where, sigmoid, relu, bias_relu, binary operations against a repeated scalar or vector) are written
out.
"""

import functools
import math

import numpy as np

from . import kernel

# op name -> the array-module function that is its kernel (NumPy and CuPy share these names)
UFUNCS = {
    # arithmetic
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


# Two broadcasts fall off NumPy's fast loops: maximum/minimum against a scalar (NumPy 2.x vectorizes them only
# between two arrays: 3-4x slower) and any operation against a short vector repeated over leading axes (a bias:
# the inner loop runs over one row of a few dozen elements at a time). Both run here over runs of the large
# operand's leading axis against a block that repeats the small one: the same ufunc on the same values, so the
# same results bit for bit (NaN payloads, -0.0), at the speed of two arrays.
BLOCK_ELEMENTS = 1 << 16
VECTOR_ELEMENTS = 1024  # a repeated vector up to this size, against a large operand of 2 blocks or more


@functools.lru_cache(maxsize=16)  # bounded: a clip bound that changes every step must not pile up blocks
def _constant_block(dtype, value_bytes):
    """A read-only array of BLOCK_ELEMENTS copies of the scalar of ``dtype`` with these bytes."""
    block = np.full(BLOCK_ELEMENTS, np.frombuffer(value_bytes, dtype=dtype)[0])
    block.flags.writeable = False
    return block


def _repeated_block(small, shape):
    """``small`` repeated to ``shape`` (a run of the large operand) as a contiguous array."""
    if small.ndim == 0:
        return _constant_block(small.dtype, small.tobytes())[:math.prod(shape)].reshape(shape)
    block = np.empty(shape, dtype=small.dtype)
    block[...] = small
    return block


def _as_runs(a, tail_ndim):
    """``a`` viewed as (runs, *tail), each run at most BLOCK_ELEMENTS and keeping at least ``tail_ndim`` trailing
    axes: ``a`` itself, or a contiguous array's leading axes merged; None where neither is possible."""
    if a.ndim and math.prod(a.shape[1:]) <= BLOCK_ELEMENTS:
        return a
    start = next(j for j in range(1, a.ndim + 1) if math.prod(a.shape[j:]) <= BLOCK_ELEMENTS) if a.ndim else 0
    if start and a.ndim - start >= tail_ndim and a.flags.c_contiguous:
        return a.reshape((-1,) + a.shape[start:])
    return None


def against_repeated(xp, fname, x, small, out=None, small_first=False):
    """``xp.<fname>(x, small, out=out)``, or ``(small, x)`` with ``small_first``: ``small`` a Python number, or
    an array of x's dtype whose shape is a suffix of x.shape[1:], repeated over x's leading axes (a scalar taken
    in x's dtype, as NEP 50 takes a Python number). Other array modules get the call as it is."""
    return against_repeated_chain(xp, x, ((fname, small),), out, small_first)


def against_repeated_chain(xp, x, steps, out=None, small_first=False):
    """``against_repeated`` for each ``(fname, small)`` of ``steps`` in turn, the first on ``x`` (``small_first``
    as there), every later one in place on the result: a run of x's leading axes goes through all the steps
    while it is in cache (each step alone would read the whole result from memory again). The same calls on
    the same values as the steps one after another, so the same numbers."""
    ufuncs = [getattr(xp, fname) for fname, _ in steps]

    def chain(large, repeated, out):
        y = ufuncs[0](*((repeated[0], large) if small_first else (large, repeated[0])), out=out)
        for ufunc, r in zip(ufuncs[1:], repeated[1:]):
            ufunc(y, r, out=y)
        return y

    if xp is not np:
        return chain(x, [small for _, small in steps], out)
    smalls = [np.asarray(small, dtype=x.dtype) for _, small in steps]
    if 0 < x.ndim and x.size <= BLOCK_ELEMENTS:  # one run (a recurrent step's gates): no loop to set up
        return chain(x, [_repeated_block(s, x.shape) for s in smalls], out)
    result = np.empty(x.shape, dtype=x.dtype) if out is None else out
    tail = max(s.ndim for s in smalls)
    runs, out_runs = _as_runs(x, tail), _as_runs(result, tail)
    if runs is None or out_runs is None or out_runs.shape != runs.shape:
        return chain(x, smalls, result)
    per = BLOCK_ELEMENTS // max(1, math.prod(runs.shape[1:]))
    blocks = [_repeated_block(s, (min(per, runs.shape[0]),) + runs.shape[1:]) for s in smalls]
    for start in range(0, runs.shape[0], per):
        run = runs[start:start + per]
        chain(run, [b[:run.shape[0]] for b in blocks], out_runs[start:start + per])
    return result


def _repeated_shape(small, large, fname):
    """``small``'s shape without its leading 1s where it broadcasts over ``large``'s leading axes only (the
    result has large's shape) and the blocked path pays for it (a scalar against maximum/minimum, a float
    vector of up to VECTOR_ELEMENTS against 2 blocks or more); else None. The cheap tests come first: every
    binary op on the CPU asks."""
    extremum = fname in ("maximum", "minimum")
    if (small.ndim > large.ndim or small.size > VECTOR_ELEMENTS or not large.ndim or small.dtype != large.dtype
            or not (extremum or large.size >= 2 * BLOCK_ELEMENTS)):
        return None
    shape = small.shape[next((i for i, n in enumerate(small.shape) if n != 1), small.ndim):]
    if len(shape) >= large.ndim or shape != large.shape[large.ndim - len(shape):]:
        return None
    if not shape:
        return shape if extremum else None
    return shape if small.dtype.kind == "f" and large.size >= 2 * BLOCK_ELEMENTS else None


def binary(xp, fname, a, b):
    """``xp.<fname>(a, b)`` with broadcasting, against a block of repeats where one operand repeats over the
    other's leading axes (see ``against_repeated``): the binary op kernels, and other kernels' bias-like steps."""
    if xp is np and a.shape != b.shape:
        if (shape := _repeated_shape(b, a, fname)) is not None:
            return against_repeated(xp, fname, a, b.reshape(shape))
        if (shape := _repeated_shape(a, b, fname)) is not None:
            return against_repeated(xp, fname, b, a.reshape(shape), small_first=True)
    return getattr(xp, fname)(a, b)


def _binary_kernel(fname):
    def run(xp, a, b):
        return binary(xp, fname, a, b)
    run.__name__ = run.__qualname__ = fname
    return run


for _op, _fname in {"add": "add", "subtract": "subtract", "multiply": "multiply", "divide": "true_divide",
                    "maximum": "maximum", "minimum": "minimum"}.items():
    kernel(_op)(_binary_kernel(_fname))


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
    # 0 - 1 wraps to all ones; the bools widened by a plain cast first (with negative() casting them itself
    # the relu gradient's where took 1.5x as long)
    mask = xp.broadcast_to(cond, shape).view(np.uint8).astype(bits)
    xp.negative(mask, out=mask)
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
    return against_repeated(xp, "maximum", x, xp.zeros((), dtype=x.dtype))


@kernel("bias_relu")
def bias_relu(xp, x, bias):
    """relu(x + bias), ``bias`` the size of x's last axis: the add's and the relu's calls per run of x (the
    epilogue of a Dense or convolution layer read from memory once instead of twice)."""
    return against_repeated_chain(xp, x, (("add", bias), ("maximum", xp.zeros((), dtype=x.dtype))))
