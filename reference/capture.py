"""What a training step may do while an implementation records it to replay later (accel's CUDA graphs).

A recorded step is replayed without running its Python: it must not read device values on the host (a
synchronisation a replay could not repeat), draw random numbers (a replay would draw the same ones) or
keep other host state. Code that would do so asks this module first:

* ``check_index_range``: the index checks of Embedding and of the sparse crossentropy. Run at once
  normally; while a step is recorded, handed to the recorder, which runs it on the host batch before every
  replay (the indices must then be a batch input, as they are in the books' models).
* ``step_scalars``: an optimizer's Python numbers of the step (Adam's bias-corrected learning rate, a decayed
  one). Returned as they are normally; a recorder hands back device scalars that it refills with the numbers
  of each replayed step before replaying it.
* ``refuse``: anything else a replay cannot repeat (random draws) makes the recording fail with
  :class:`NotCapturable`; the implementation then runs that step, and later ones of its shape, eagerly.

The recorder itself is the implementation's (``nnspec.accel.graphs``); with none active every function
here does the ordinary eager thing.
"""

import contextlib
import contextvars

import numpy as np

_RECORDER = contextvars.ContextVar("nnspec_step_recorder", default=None)


class NotCapturable(Exception):
    """The step does something a replay could not repeat; the message says what."""


@contextlib.contextmanager
def recording(recorder):
    """Run a step with ``recorder`` active (it has ``defer_index_check(array, limit, message)``)."""
    token = _RECORDER.set(recorder)
    try:
        yield recorder
    finally:
        _RECORDER.reset(token)


def refuse(reason):
    """Make a recording fail with ``reason``; nothing while no step is recorded."""
    if _RECORDER.get() is not None:
        raise NotCapturable(reason)


def step_scalars(scalars):
    """The dict of an optimizer's numbers for this step, or, while a step is recorded by a recorder with a
    ``step_scalars`` method, what that returns for it (device scalars the kernels read at every replay)."""
    take = getattr(_RECORDER.get(), "step_scalars", None)
    return scalars if take is None else take(scalars)


def index_range_error(array, limit, message):
    """The ValueError for the first value of the host ``array`` outside [0, limit), or None."""
    bad = (array < 0) | (array >= limit)
    if not bad.any():
        return None
    return ValueError(message(array, int(array[bad].flat[0])))


def check_index_range(indices, limit, message):
    """Raise ``ValueError(message(host_indices, first_bad_value))`` if some value of the tensor ``indices`` is
    outside [0, limit). Eagerly one device reduction and, only on failure, a copy to the host."""
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.defer_index_check(indices.data, limit, message)
        return
    if indices.size == 0:
        return
    xp = indices.impl.xp
    if bool(xp.any((indices.data < 0) | (indices.data >= limit))):
        raise index_range_error(np.asarray(indices.numpy()), limit, message)
