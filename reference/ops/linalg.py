"""Matrix products: matmul (NumPy semantics) and Keras' dot."""

__all__ = ["dot", "matmul"]

from . import elementwise as E
from . import shape as S
from .core import apply, tensors


def matmul(a, b):
    """NumPy matmul: 1-D operands are promoted and the added axis removed; leading axes broadcast."""
    a, b = tensors(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have at least one dimension, got shapes {a.shape} and {b.shape}")
    if a.ndim == 1:
        return S.squeeze(matmul(S.expand_dims(a, 0), b), -2)
    if b.ndim == 1:
        return S.squeeze(matmul(a, S.expand_dims(b, -1)), -1)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: inner dimensions differ: {a.shape} @ {b.shape}")
    return _matmul(a, b, False, False)


def _matmul(a, b, ta, tb):
    """op(a) @ op(b), op transposing the last two axes where its flag is set (the VJPs' products need no
    transpose op of their own)."""
    return apply("matmul", [a, b], _matmul_vjp, transpose_a=ta, transpose_b=tb)


def _matmul_vjp(n, g):
    a, b = n.inputs
    ta, tb = n.attrs["transpose_a"], n.attrs["transpose_b"]
    # C = op(a) op(b): dA = g op(b)^T, dB = op(a)^T g, each written back in the operand's own layout.
    def da():
        return _matmul(b, g, tb, True) if ta else _matmul(g, b, False, not tb)

    def db():
        return _matmul(g, a, True, ta) if tb else _matmul(a, g, not ta, False)

    return E._grads(n, lambda: E.unbroadcast(da(), a.shape), lambda: E.unbroadcast(db(), b.shape))


def dot(x, y):
    """Keras ``K.dot``: sum over the last axis of x and the second-to-last of y (numpy.dot).

    Result shape: x.shape[:-1] + y.shape[:-2] + y.shape[-1:].
    """
    x, y = tensors(x, y)
    if x.ndim <= 2 and y.ndim <= 2:
        return matmul(x, y)
    k = x.shape[-1]
    yk = y.shape[-2] if y.ndim >= 2 else y.shape[0]
    if k != yk:
        raise ValueError(f"dot: last axis of x ({k}) differs from second-to-last of y ({yk}); "
                         f"shapes {x.shape} and {y.shape}")
    y_front = S.transpose(y, (y.ndim - 2,) + tuple(i for i in range(y.ndim) if i != y.ndim - 2))
    out = matmul(S.reshape(x, (-1, k)), S.reshape(y_front, (k, -1)))
    return S.reshape(out, x.shape[:-1] + y.shape[:-2] + y.shape[-1:])
