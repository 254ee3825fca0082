"""Matrix products (one BLAS call each)."""

from . import kernel


@kernel("matmul")
def matmul(xp, a, b, transpose_a=False, transpose_b=False):
    """NumPy matmul: 2-D, or batched over leading dimensions with broadcasting; ``transpose_a`` /
    ``transpose_b`` swap the last two axes of an operand first (a view: BLAS reads it transposed)."""
    return xp.matmul(xp.swapaxes(a, -1, -2) if transpose_a else a, xp.swapaxes(b, -1, -2) if transpose_b else b)
