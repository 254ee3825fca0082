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
    return xp.concatenate(arrays, axis=axis)


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
