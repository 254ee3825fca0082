"""The hook that lets the public ops take KerasTensors, without the ops importing the engine.

``traceable(fn)`` returns ``fn`` wrapped: arguments without a KerasTensor go straight to ``fn``; with
one, the call is handed to ``nnspec.reference.engine.symbolic`` (recorded as a graph node, or run on the
current batch's values inside a model's step).
"""

import functools

# Filled by engine/keras_tensor.py when it is imported: the symbolic tensor type.
SYMBOLIC_TYPES = []


def _symbolic(a):
    t = type(a)
    if t in SYMBOLIC_TYPES:
        return True
    return (t is list or t is tuple) and any(type(b) in SYMBOLIC_TYPES for b in a)


def traceable(fn):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if SYMBOLIC_TYPES:  # (loops: every eager op call asks, and any() over a generator costs ~1 us)
            for a in args:
                if _symbolic(a):
                    return _call_symbolic(fn, args, kwargs)
            for v in kwargs.values():
                if _symbolic(v):
                    return _call_symbolic(fn, args, kwargs)
        return fn(*args, **kwargs)
    return op


def _call_symbolic(fn, args, kwargs):
    from ..engine.symbolic import call_symbolic
    return call_symbolic(fn, args, kwargs)
