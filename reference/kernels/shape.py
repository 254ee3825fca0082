"""Shape kernels: views where NumPy gives views, copies otherwise."""

from . import kernel


@kernel("reshape")
def reshape(xp, x, shape):
    return xp.reshape(x, shape)


@kernel("transpose")
def transpose(xp, x, axes=None):
    return xp.transpose(x, axes)


@kernel("broadcast_to")
def broadcast_to(xp, x, shape):
    return xp.broadcast_to(x, shape)


@kernel("concatenate")
def concatenate(xp, *arrays, axis=0):
    """A new C-ordered array: NumPy's own result follows its inputs' layout (transposed views in, a transposed
    array out), which the reshape to rows that usually follows then copies again."""
    first = arrays[0].shape
    axis %= max(1, len(first))  # (a 0-d first array takes NumPy's error below)
    same_sides = all(a.ndim == len(first) and a.shape[:axis] == first[:axis] and a.shape[axis + 1:] == first[axis + 1:]
                     for a in arrays)
    if first and same_sides:
        shape = first[:axis] + (sum(a.shape[axis] for a in arrays),) + first[axis + 1:]
        out, start = xp.empty(shape, dtype=xp.result_type(*arrays)), 0
        for a in arrays:  # slice assignments: NumPy's concatenate(out=) copies a transposed view 1.6x slower
            out[(slice(None),) * axis + (slice(start, start + a.shape[axis]),)] = a
            start += a.shape[axis]
        return out
    return xp.concatenate(arrays, axis=axis)  # mismatched shapes: its own error


@kernel("stack")
def stack(xp, *arrays, axis=0):
    return xp.stack(arrays, axis=axis)


@kernel("unstack")
def unstack(xp, x, axis=0):
    """The slices along ``axis`` (views), that axis removed."""
    return tuple(xp.moveaxis(x, axis, 0))


@kernel("split")
def split(xp, x, indices_or_sections, axis=0):
    return tuple(xp.split(x, indices_or_sections, axis=axis))


@kernel("cast")
def cast(xp, x, dtype):
    return x.astype(dtype)
