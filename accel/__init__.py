"""nnspec.accel: the CuPy implementation.

The framework is the reference's: ops dispatch on CuPy arrays to this implementation's kernel
table, which is the generic reference kernels (run with ``xp`` = CuPy whose matmul is
``nnspec.accel.blas``'s, callable while a CUDA graph records) overridden where a fused
CUDA kernel is faster (``nnspec.accel.kernels``). Importing it without CuPy or a GPU raises
:class:`~nnspec.reference.errors.ImplementationUnavailableError` saying what is missing.
"""

import sys

import numpy as np

from nnspec.accel_status import load_cupy

cupy = load_cupy()

from nnspec.reference import capture  # noqa: E402
from nnspec.reference.implementation import Implementation, register  # noqa: E402
from nnspec.reference.kernels import KERNELS  # noqa: E402
from nnspec.reference.namespace import bind  # noqa: E402

from nnspec import reference as _reference  # noqa: E402

from . import blas, graphs  # noqa: E402
from .kernels import OVERRIDES  # noqa: E402


class CupyImplementation(Implementation):
    def to_numpy(self, array):
        return cupy.asnumpy(array)

    def asarray(self, value, dtype=None):
        if not isinstance(value, cupy.ndarray) and np.ndim(value) > 0:
            # a recorded copy would read the host staging buffer again at every replay (scalars are kernel fills)
            capture.refuse("the step copies host data to the device")
        return cupy.asarray(value, dtype=dtype)

    def train_step(self, model, xs, ys, sws):
        return graphs.train_step(super().train_step, model, xs, ys, sws)


implementation = register(CupyImplementation("accel", blas.namespace(), cupy.ndarray, {**KERNELS, **OVERRIDES}))

# nnspec.accel is the reference's public namespace with array-creating functions bound to this
# implementation: fill this very module (and nnspec.accel.ops, .backend, ...) from it.
bind(_reference, implementation, __name__, into=sys.modules[__name__])
