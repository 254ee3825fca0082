"""Implementations and kernel dispatch: the one place that decides which kernel runs.

An :class:`Implementation` pairs an array module (NumPy or CuPy) with a kernel table. The reference
table holds the NumPy kernels of ``nnspec.reference.kernels``; accel registers a table that starts
from the same generic kernels (they take the array module ``xp`` as first argument, so they run on
CuPy unchanged) and overrides the ones it makes faster.

Dispatch is by array type: an op looks at the arrays it was given, finds the implementation that
owns them, and calls that implementation's kernel. Mixing NumPy and CuPy arrays in one op is an
error, never a silent copy.
"""

import numpy as np

from .errors import MixedImplementationError


class Implementation:
    """An array module, its array type and its kernel table."""

    def __init__(self, name, xp, array_type, kernels):
        self.name = name
        self.xp = xp
        self.array_type = array_type
        self.kernels = dict(kernels)

    def kernel(self, op):
        try:
            return self.kernels[op]
        except KeyError:
            raise NotImplementedError(f"implementation {self.name!r} has no kernel {op!r}") from None

    def call(self, op, *args, **attrs):
        """Run kernel ``op`` on this implementation's arrays."""
        return self.kernels[op](self.xp, *args, **attrs)

    def asarray(self, value, dtype=None):
        """Move host data (or an array of this implementation) into this implementation."""
        return self.xp.asarray(value, dtype=dtype)

    def to_numpy(self, array):
        return np.asarray(array)

    def train_step(self, model, xs, ys, sws):
        """One training step of ``model`` on a standardized host batch: the loss and metric values as floats."""
        return [float(v.numpy()) for v in model._train_tensors(xs, ys, sws)]

    def __repr__(self):
        return f"<Implementation {self.name}>"


_BY_TYPE = {}
_BY_NAME = {}


def register(impl):
    _BY_TYPE[impl.array_type] = impl
    _BY_NAME[impl.name] = impl
    return impl


def by_name(name):
    return _BY_NAME[name]


def implementation_of(*arrays):
    """The implementation owning the given arrays; scalars and None are neutral.

    With no array at all the reference implementation is returned.
    """
    found = None
    for a in arrays:
        impl = _BY_TYPE.get(type(a))
        if impl is None or impl is found:
            continue
        if found is not None:
            raise MixedImplementationError(
                f"arrays of two implementations in one op: {found.name} and {impl.name}; "
                "move them to one implementation first (e.g. with get_weights/set_weights)")
        found = impl
    return found if found is not None else REFERENCE


def _reference_kernels():
    from .kernels import KERNELS
    return KERNELS


REFERENCE = register(Implementation("reference", np, np.ndarray, _reference_kernels()))
