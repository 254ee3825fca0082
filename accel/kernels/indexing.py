"""Index arithmetic of the kernels that give every thread one element of an array and split its flat index
into coordinates (im2col/col2im, pooling).

Splitting costs a quotient per dimension. A 64-bit division is a long subroutine on the GPU and a 32-bit one by
a divisor known only at run time about twenty instructions: with five or six per element, more than the
element's memory traffic. So where every array of a launch has at most ``INDEX32_LIMIT`` elements the kernels
index in 32 bits and divide by multiplying: for a divisor d, with s = ceil(log2 d) and
m = floor(2^32 (2^s - d) / d) + 1, the quotient of 0 <= n < 2^31 is (umulhi(n, m) + n) >> s (the round-up
method of Granlund and Montgomery, "Division by invariant integers using multiplication", 1994). The host
computes (m, s) of each divisor once per launch (``divisor``). Larger arrays get a build of the same kernel
source with 64-bit indices that divides plainly (``NNSPEC_INDEX64``).

A kernel source uses ``idx_t`` for flat indices and coordinates, ``NNSPEC_QUOT(n, d)`` for n / d where the kernel
takes ``unsigned d_m, unsigned d_s`` beside ``int d`` (the macro pastes the names), and ``NNSPEC_FOR(i, total)``
for its grid-stride loop; its first argument is ``long long total``, the number of elements (threads' work
items) of the launch.
"""

import functools

import cupy
import numpy as np

# Arrays up to this many elements index in 32 bits: every flat index and every loop index plus the grid's
# stride (at most MAX_BLOCKS * THREADS) stays below 2^31, where the multiply-shift quotient is exact.
INDEX32_LIMIT = 1 << 30
THREADS = 256
MAX_BLOCKS = 1 << 16

# The C type of each dtype the raw kernels are built for (here and in the recurrences).
CTYPES = {"float32": "float", "float64": "double"}

PREAMBLE = r"""
#ifdef NNSPEC_INDEX64
typedef long long idx_t;
#define NNSPEC_QUOT(n, d) ((idx_t)(n) / (idx_t)(d))
#else
typedef int idx_t;
#define NNSPEC_QUOT(n, d) ((idx_t)((__umulhi((unsigned)(n), d##_m) + (unsigned)(n)) >> d##_s))
#endif
#define NNSPEC_FOR(i, total) \
    for (idx_t i = (idx_t)blockIdx.x * (idx_t)blockDim.x + (idx_t)threadIdx.x; i < (idx_t)(total); \
         i += (idx_t)gridDim.x * (idx_t)blockDim.x)
"""


def divisor(d):
    """The (m, s) arguments of NNSPEC_QUOT(n, d) for a divisor 1 <= d < 2^31, as the kernel's unsigned ints."""
    d = int(d)
    if not 1 <= d < 1 << 31:
        raise ValueError(f"accel index kernels: divisor {d} outside [1, 2^31)")
    s = (d - 1).bit_length()
    m = (1 << 32) * ((1 << s) - d) // d + 1
    return np.uint32(m), np.uint32(s)


def supported(dtype):
    """Whether the kernels are built for ``dtype`` (others take the generic path)."""
    return str(dtype) in CTYPES


def needs_index64(*sizes):
    return max(sizes) > INDEX32_LIMIT


def code(source, dtype, index64):
    """The whole CUDA source of a build of ``source``: for ``dtype`` (a name), 32- or 64-bit indices."""
    return f"typedef {CTYPES[dtype]} T;\n" + ("#define NNSPEC_INDEX64\n" if index64 else "") + PREAMBLE + source


@functools.cache
def module(source, dtype, index64, options=()):
    """The compiled build of ``source`` (cached), with NVRTC ``options``."""
    return cupy.RawModule(code=code(source, dtype, index64), options=options)


def ints(*values):
    """Geometry arguments, as the kernels' ``int``s (CuPy passes a Python int as a 64-bit integer)."""
    return tuple(np.int32(v) for v in values)


def divisors(*values):
    """The (m, s) pairs of ``divisor`` for each value, flattened in order."""
    return tuple(a for d in values for a in divisor(d))


def launch(source, name, dtype, total, args, sizes):
    """Run kernel ``name`` of ``source`` over ``total`` work items (its first argument), then ``args``; built
    for ``dtype`` with the index width that ``sizes``, the element counts of its arrays, need."""
    if total == 0:
        return
    fn = module(source, str(dtype), needs_index64(total, *sizes)).get_function(name)
    blocks = min(-(-total // THREADS), MAX_BLOCKS)
    fn((blocks,), (THREADS,), (np.int64(total),) + tuple(args))
