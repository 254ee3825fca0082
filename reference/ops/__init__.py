"""Differentiable ops: each runs a kernel and records a VJP written in ops.

This namespace is the whole op vocabulary; ``nnspec.backend`` (Keras ``K``), the activations, the
losses and the tensor operators are thin names over it. One module per op family; each lists its
public ops in ``__all__`` and this package re-exports them all.
"""

from . import (
    activation,
    conv,
    creation,
    elementwise,
    index,
    linalg,
    loss,
    norm,
    pool,
    random,
    reduce,
    rnn,
    select,
    shape,
)
from .core import apply, as_tensor, normalize_axis, tensors

FAMILIES = (creation, elementwise, index, linalg, reduce, shape, activation, loss, select, random, conv, pool, norm,
            rnn)
from .symbolic_dispatch import traceable  # noqa: E402

# The public names also take KerasTensors (Keras 2's K on layer outputs): engine/symbolic.py. The families'
# own functions, which the ops call among themselves, stay unwrapped.
for _family in FAMILIES:
    globals().update({name: traceable(getattr(_family, name)) for name in _family.__all__})

__all__ = ["apply", "as_tensor", "normalize_axis", "tensors"] + [n for f in FAMILIES for n in f.__all__]
