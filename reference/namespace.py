"""Binding the public namespaces to an implementation.

Ops dispatch on the arrays they are given, so almost all of the API is shared by every
implementation. Only functions that make arrays from nothing (``constant``, ``zeros``,
``K.variable``, ...) and the ``Variable`` class need to know where to put them. Such functions are
marked with :func:`binds_impl` and take ``impl=``; classes declare ``_default_impl``.
:func:`bind` builds, for one implementation, a copy of a namespace (recursively through its public
submodules) in which those are pre-bound: that is all ``nnspec.accel`` is.
"""

import functools
import sys
import types


def binds_impl(fn):
    """Mark ``fn(..., impl=None)`` as creating arrays in the implementation it is given."""
    fn.__nnspec_binds_impl__ = True
    return fn


def _bound_function(fn, impl):
    @functools.wraps(fn)
    def bound(*args, **kwargs):
        kwargs.setdefault("impl", impl)
        return fn(*args, **kwargs)
    return bound


# (id(impl), id(obj)) -> (obj, bound obj): one bound object per original, so aliases
# (``MaxPool2D = MaxPooling2D``) and re-exports stay the same object in every bound namespace.
_BOUND = {}


def _bound(obj, impl, module_name):
    key = (id(impl), id(obj))
    if key not in _BOUND:
        if getattr(obj, "__nnspec_binds_impl__", False):
            new = _bound_function(obj, impl)
        else:
            new = type(obj.__name__, (obj,), {"_default_impl": impl, "__slots__": (),
                                              "__module__": module_name, "__qualname__": obj.__qualname__,
                                              "__doc__": obj.__doc__})
        _BOUND[key] = (obj, new)
    return _BOUND[key][1]


def bind(module, impl, name, into=None):
    """Module ``name`` (new, or the given ``into``) holding ``module.__all__`` with creators bound to ``impl``.

    Public submodules are bound recursively and registered as ``name.<sub>`` in ``sys.modules``, so
    ``import nnspec.accel.backend`` works like ``import nnspec.reference.backend``.
    """
    if into is None and name in sys.modules:
        return sys.modules[name]
    ns = into if into is not None else types.ModuleType(name, module.__doc__)
    ns.__all__ = list(module.__all__)
    sys.modules[name] = ns
    for attr in module.__all__:
        obj = getattr(module, attr)
        if isinstance(obj, types.ModuleType) and hasattr(obj, "__all__"):
            obj = bind(obj, impl, f"{name}.{attr}")
        elif getattr(obj, "__nnspec_binds_impl__", False) or (
                isinstance(obj, type) and "_default_impl" in dir(obj)):
            obj = _bound(obj, impl, name)
        elif attr == "implementation":
            obj = impl
        setattr(ns, attr, obj)
    # Names outside __all__ (private helpers Keras code reaches for, such as
    # imagenet_utils._obtain_input_shape) are the module's own.
    ns.__getattr__ = functools.partial(_unbound_attr, module, name)
    return ns


def _unbound_attr(module, name, attr):
    if attr.startswith("__"):  # never the module's own __path__, __file__, ...: the import system asks
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")
    try:
        return getattr(module, attr)
    except AttributeError:
        raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None
