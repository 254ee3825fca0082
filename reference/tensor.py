"""Tensors and variables: an array of one implementation plus its place in the autodiff graph."""

import numpy as np

from . import config
from .implementation import implementation_of
from .namespace import binds_impl


class ArithmeticOperators:
    """Python's arithmetic, matmul, abs and indexing operators as ops of ``nnspec.reference.ops``: on a
    Tensor they compute (differentiably), on a KerasTensor they record a graph node (as Keras 2's
    TensorFlow tensors built graph ops)."""

    __slots__ = ()

    def __add__(self, o): return _ops().add(self, o)
    def __radd__(self, o): return _ops().add(o, self)
    def __sub__(self, o): return _ops().subtract(self, o)
    def __rsub__(self, o): return _ops().subtract(o, self)
    def __mul__(self, o): return _ops().multiply(self, o)
    def __rmul__(self, o): return _ops().multiply(o, self)
    def __truediv__(self, o): return _ops().divide(self, o)
    def __rtruediv__(self, o): return _ops().divide(o, self)
    def __pow__(self, o): return _ops().power(self, o)
    def __rpow__(self, o): return _ops().power(o, self)
    def __matmul__(self, o): return _ops().matmul(self, o)
    def __rmatmul__(self, o): return _ops().matmul(o, self)
    def __neg__(self): return _ops().negative(self)
    def __abs__(self): return _ops().abs(self)
    def __getitem__(self, index): return _ops().getitem(self, index)


class Tensor(ArithmeticOperators):
    """An immutable array (NumPy or CuPy) that ops can differentiate through.

    ``==`` and the other comparisons are elementwise and return boolean tensors; tensors hash by
    identity (as PyTorch tensors do), so they can key dicts.
    """

    __slots__ = ("data", "_node", "_requires_grad", "name", "_keras_mask", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor -> Tensor's reflected operator
    __hash__ = object.__hash__

    def __init__(self, data, name=None):
        self.data = data
        self._node = None
        self._requires_grad = False
        self.name = name
        self._keras_mask = None  # set by layers that produce or pass on a mask (Embedding(mask_zero), Masking)

    # -- array facts --------------------------------------------------------------------------
    @property
    def shape(self):
        return tuple(self.data.shape)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return int(self.data.size)

    @property
    def impl(self):
        """The implementation owning the data."""
        return implementation_of(self.data)

    def numpy(self):
        """The value as a NumPy array on the host (a copy for accel)."""
        return self.impl.to_numpy(self.data)

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __bool__(self):
        if self.size != 1:
            raise ValueError("the truth value of a tensor with more than one element is ambiguous")
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __repr__(self):
        kind = type(self).__name__
        name = f" name={self.name!r}" if self.name else ""
        return f"<{kind}{name} shape={self.shape} dtype={self.dtype.name} impl={self.impl.name}\n{self.numpy()!r}>"

    # -- operators (each is an op, so differentiable) -------------------------------------------
    def __pos__(self): return self
    def __eq__(self, o): return _ops().equal(self, o)
    def __ne__(self, o): return _ops().not_equal(self, o)
    def __lt__(self, o): return _ops().less(self, o)
    def __le__(self, o): return _ops().less_equal(self, o)
    def __gt__(self, o): return _ops().greater(self, o)
    def __ge__(self, o): return _ops().greater_equal(self, o)

    @property
    def T(self):
        return _ops().transpose(self)

    def reshape(self, *shape):
        return _ops().reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def transpose(self, axes=None):
        return _ops().transpose(self, axes)

    def astype(self, dtype):
        return _ops().cast(self, dtype)

    def sum(self, axis=None, keepdims=False):
        return _ops().sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops().mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops().max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return _ops().min(self, axis, keepdims)


def _ops():
    from . import ops
    return ops


def _host_dtype(value, dtype):
    """The dtype a new tensor gets: the given one, else the array's, else floatx for Python floats."""
    if dtype is not None:
        return np.dtype(dtype)
    if hasattr(value, "dtype"):
        return value.dtype
    probe = np.asarray(value)
    return np.dtype(config.floatx()) if probe.dtype.kind == "f" else probe.dtype


def to_array(value, dtype=None, impl=None):
    """An array of ``impl`` holding ``value`` (default: the value's own implementation; the reference
    for host data)."""
    if isinstance(value, Tensor):
        value = value.data
    impl = impl or implementation_of(value)
    return impl.asarray(value, dtype=_host_dtype(value, dtype))


@binds_impl
def constant(value, dtype=None, name=None, impl=None):
    """A tensor holding ``value``: NumPy/CuPy arrays keep their dtype, Python floats get floatx."""
    return Tensor(to_array(value, dtype, impl), name=name)


class Variable(Tensor):
    """A named, mutable tensor: a weight. Trainable variables are watched by gradient tapes."""

    __slots__ = ("trainable", "constraint")
    _default_impl = None  # set by implementation-bound namespaces (nnspec.accel.Variable)

    def __init__(self, initial_value, dtype=None, name=None, trainable=True, constraint=None, impl=None):
        # where the value lives: the given implementation, the namespace's, else the value's own
        impl = impl or self._default_impl or implementation_of(
            initial_value.data if isinstance(initial_value, Tensor) else initial_value)
        if dtype is None and not hasattr(initial_value, "dtype"):
            dtype = config.floatx() if np.asarray(initial_value).dtype.kind in "fiub" else None
        super().__init__(to_array(initial_value, dtype, impl).copy(), name=name)
        self.trainable = bool(trainable)
        self.constraint = constraint
        # Every float variable records its uses (so K.gradients works on it); tapes decide from
        # `trainable` (read live) and `watch` whether a use carries gradient.
        self._requires_grad = self.dtype.kind == "f"

    def _check(self, value, what):
        value = value.data if isinstance(value, Tensor) else value
        value = self.impl.asarray(value, dtype=self.dtype)
        if value.shape != self.data.shape:
            raise ValueError(f"Variable {self.name or ''}.{what}: expected shape {self.shape}, "
                             f"got {tuple(value.shape)}")
        return value

    def assign(self, value):
        """Replace the value (same shape; cast to the variable's dtype)."""
        self.data = self._check(value, "assign").copy()
        return self

    def assign_add(self, delta):
        self.data = self.data + self._check(delta, "assign_add")
        return self

    def assign_sub(self, delta):
        self.data = self.data - self._check(delta, "assign_sub")
        return self

    def value(self):
        """A constant tensor holding the current value."""
        return Tensor(self.data)
