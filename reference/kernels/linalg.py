"""Matrix products (one BLAS call each, or a few over blocks of rows)."""

import numpy as np

from . import kernel

# A tall 2-D product against a small right operand on the CPU (an input projection over batch * time rows:
# (64000, 32) @ (32, 128)) goes in blocks of about this many output bytes, each written while in cache: 1.4x
# over one OpenBLAS call with its AVX2 kernels (the same time with its AVX-512 ones). Only against a right operand of at
# most RIGHT_BYTES, which every block call reads again: a (16000, 256) @ (256, 1024) product was 1.4x slower in
# blocks, a 4096^3 one 1.1-1.4x.
BLOCK_BYTES = 2 << 20
RIGHT_BYTES = 256 << 10


@kernel("matmul")
def matmul(xp, a, b, transpose_a=False, transpose_b=False):
    """NumPy matmul: 2-D, or batched over leading dimensions with broadcasting; ``transpose_a`` /
    ``transpose_b`` swap the last two axes of an operand first (a view: BLAS reads it transposed)."""
    a = xp.swapaxes(a, -1, -2) if transpose_a else a
    b = xp.swapaxes(b, -1, -2) if transpose_b else b
    if xp is not np or a.ndim != 2 or b.ndim != 2:
        return xp.matmul(a, b)
    dtype = np.result_type(a, b)
    rows = max(1, BLOCK_BYTES // max(1, b.shape[1] * dtype.itemsize))
    if a.shape[0] < 4 * rows or b.nbytes > RIGHT_BYTES:
        return xp.matmul(a, b)
    out = xp.empty((a.shape[0], b.shape[1]), dtype=dtype)
    for start in range(0, a.shape[0], rows):
        xp.matmul(a[start:start + rows], b, out=out[start:start + rows])
    return out
