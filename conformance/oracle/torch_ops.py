"""The op case table (``cases/ops.py``) written in PyTorch, one entry per case name.

Each entry is ``fn(torch, *tensors) -> tensor or list of tensors`` and computes what the case
computes, using PyTorch's own functions with the semantics of the PyTorch documentation. Nothing
here calls nnspec: the point is an independent second implementation of the same specification.
``torch`` is passed in, so this module imports without PyTorch installed.

Where PyTorch's semantics differ from the spec, the case inputs are chosen so that the difference
cannot show; each such place is named here:

* ``torch.maximum`` / ``torch.minimum``: on ties PyTorch splits the gradient equally between the
  two arguments; nnspec gives all of it to the first (TensorFlow's rule). The cases have no ties
  (``_untied`` keeps the broadcast elements at least 0.1 apart).
* ``torch.clamp`` with tensor bounds: PyTorch passes the gradient to ``x`` where
  ``min <= x <= max`` (both ends included), to ``min`` where ``x < min`` and to ``max`` where
  ``x > max``, which is nnspec's rule as long as ``min <= max`` (true in the case). At ``x`` exactly
  on a bound nnspec gives the gradient to ``x`` too (first argument of maximum / minimum), so the
  rules agree there as well; the case inputs keep away from the bounds anyway.
* ``torch.pow``: the gradient for the exponent is ``grad * a**b * log(a)``; PyTorch masks it to 0
  only where ``a == 0 and b >= 0``, nnspec uses 0 wherever ``a <= 0`` (TensorFlow's rule). The
  cases with a tensor exponent have positive bases only.
* ``torch.amax`` / ``torch.amin``: ties share the gradient equally, as in nnspec. The cases have
  distinct values anyway.
* ``torch.sign``, ``torch.abs``, ``torch.relu``: gradient 0 (sign) / ``sign(x)`` / 0 at x == 0, as
  in nnspec; the cases keep away from 0.
* Negative slice steps do not exist in PyTorch (``t[::-1]`` raises): ``torch.flip`` stands in.
* NumPy's ``split`` takes section counts or cut indices, ``torch.split`` takes section sizes: the
  sizes are written out from the case's indices.
* Keras ``K.dot`` (numpy.dot semantics for N-D) is ``torch.tensordot`` contracting the last axis of
  ``x`` with the second-to-last axis of ``y``.
"""

BROADCAST_NAMES = ("same", "row", "col", "scalar", "lead")


def _all_dims(t):
    return tuple(range(t.dim()))


def _keras_dot(torch, x, y):
    """K.dot: sum over the last axis of x and the second-to-last axis of y (the only axis if 1-D)."""
    y_axis = y.dim() - 2 if y.dim() >= 2 else 0
    return torch.tensordot(x, y, dims=([x.dim() - 1], [y_axis]))


def _take(torch, x, indices, axis):
    """numpy.take along ``axis`` with an index array of any shape: the result has shape
    x.shape[:axis] + indices.shape + x.shape[axis + 1:]."""
    flat = torch.index_select(x, axis, indices.reshape(-1))
    return flat.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])


TWINS = {}

# -- binary arithmetic with NumPy broadcasting (torch broadcasts the same way) ---------------------
for _b in BROADCAST_NAMES:
    TWINS[f"add_{_b}"] = lambda torch, a, b: torch.add(a, b)
    TWINS[f"subtract_{_b}"] = lambda torch, a, b: torch.sub(a, b)
    TWINS[f"multiply_{_b}"] = lambda torch, a, b: torch.mul(a, b)
    TWINS[f"divide_{_b}"] = lambda torch, a, b: torch.div(a, b)
    TWINS[f"maximum_{_b}"] = lambda torch, a, b: torch.maximum(a, b)
    TWINS[f"minimum_{_b}"] = lambda torch, a, b: torch.minimum(a, b)
del _b

TWINS.update({
    "power_pos_base": lambda torch, a, b: torch.pow(a, b),
    "power_scalar_exponent": lambda torch, a: torch.pow(a, 3.0),
    "power_broadcast": lambda torch, a, b: torch.pow(a, b),
    "negative": lambda torch, x: torch.neg(x),
    "negative_0d": lambda torch, x: torch.neg(x),

    # -- unary math ---------------------------------------------------------------------------------
    "square": lambda torch, x: torch.square(x),
    "sqrt": lambda torch, x: torch.sqrt(x),
    "exp": lambda torch, x: torch.exp(x),
    "log": lambda torch, x: torch.log(x),
    "abs": lambda torch, x: torch.abs(x),
    "sign": lambda torch, x: torch.sign(x),
    "tanh": lambda torch, x: torch.tanh(x),
    "sigmoid": lambda torch, x: torch.sigmoid(x),
    "sigmoid_large": lambda torch, x: torch.sigmoid(x),
    "relu": lambda torch, x: torch.relu(x),
    "relu_3d": lambda torch, x: torch.relu(x),
    "bias_relu": lambda torch, x, b: torch.relu(x + b),
    "bias_relu_4d": lambda torch, x, b: torch.relu(x + b),

    # -- selection ----------------------------------------------------------------------------------
    "where": lambda torch, c, a, b: torch.where(c, a, b),
    "where_broadcast": lambda torch, c, a, b: torch.where(c, a, b),
    "clip": lambda torch, x: torch.clamp(x, min=-0.5, max=0.4),
    "clip_tensor_bounds": lambda torch, x, lo, hi: torch.clamp(x, min=lo, max=hi),

    # -- reductions ---------------------------------------------------------------------------------
    "sum_all": lambda torch, x: torch.sum(x),
    "sum_axis1": lambda torch, x: torch.sum(x, dim=1),
    "sum_axis_neg_keepdims": lambda torch, x: torch.sum(x, dim=-1, keepdim=True),
    "sum_axes02": lambda torch, x: torch.sum(x, dim=(0, 2)),
    "mean_all": lambda torch, x: torch.mean(x),
    "mean_axis1": lambda torch, x: torch.mean(x, dim=1),
    "mean_axis_neg_keepdims": lambda torch, x: torch.mean(x, dim=-1, keepdim=True),
    "mean_axes02": lambda torch, x: torch.mean(x, dim=(0, 2)),
    # torch.prod reduces one dimension at a time: (0, 2) is dim 2 then dim 0.
    "prod_all": lambda torch, x: torch.prod(x),
    "prod_axis1": lambda torch, x: torch.prod(x, dim=1),
    "prod_axis_neg_keepdims": lambda torch, x: torch.prod(x, dim=-1, keepdim=True),
    "prod_axes02": lambda torch, x: torch.prod(torch.prod(x, dim=2), dim=0),
    "prod_with_zero": lambda torch, x: torch.prod(x, dim=1),
    "logsumexp_all": lambda torch, x: torch.logsumexp(x, dim=_all_dims(x)),
    "logsumexp_axis1": lambda torch, x: torch.logsumexp(x, dim=1),
    "logsumexp_axis_neg_keepdims": lambda torch, x: torch.logsumexp(x, dim=-1, keepdim=True),
    "logsumexp_axes02": lambda torch, x: torch.logsumexp(x, dim=(0, 2)),
    "logsumexp_large": lambda torch, x: torch.logsumexp(x, dim=1),
    "max_all": lambda torch, x: torch.amax(x, dim=_all_dims(x)),
    "max_axis1": lambda torch, x: torch.amax(x, dim=1),
    "max_axes_keepdims": lambda torch, x: torch.amax(x, dim=(0, 2), keepdim=True),
    "min_all": lambda torch, x: torch.amin(x, dim=_all_dims(x)),
    "min_axis1": lambda torch, x: torch.amin(x, dim=1),
    "min_axes_keepdims": lambda torch, x: torch.amin(x, dim=(0, 2), keepdim=True),

    # -- products -----------------------------------------------------------------------------------
    "matmul_2d": lambda torch, a, b: torch.matmul(a, b),
    "matmul_batched": lambda torch, a, b: torch.matmul(a, b),
    "matmul_broadcast_batch": lambda torch, a, b: torch.matmul(a, b),
    "matmul_vector": lambda torch, a, b: torch.matmul(a, b),
    "matmul_matrix_vector": lambda torch, a, b: torch.matmul(a, b),
    "dot_2d": _keras_dot,
    "dot_3d_2d": _keras_dot,
    "dot_3d_3d": _keras_dot,

    # -- shape --------------------------------------------------------------------------------------
    "reshape": lambda torch, x: torch.reshape(x, (4, 6)),
    "reshape_infer": lambda torch, x: torch.reshape(x, (-1, 2)),
    "transpose_default": lambda torch, x: torch.permute(x, tuple(reversed(_all_dims(x)))),
    "transpose_axes": lambda torch, x: torch.permute(x, (1, 2, 0)),
    "expand_dims_0": lambda torch, x: torch.unsqueeze(x, 0),
    "expand_dims_neg": lambda torch, x: torch.unsqueeze(x, -1),
    "squeeze_all": lambda torch, x: torch.squeeze(x),
    "squeeze_axis": lambda torch, x: torch.squeeze(x, 2),
    "broadcast_to": lambda torch, x: torch.broadcast_to(x, (2, 3, 4)),
    "concatenate_axis0": lambda torch, a, b: torch.cat([a, b], dim=0),
    "concatenate_last": lambda torch, a, b, c: torch.cat([a, b, c], dim=-1),
    "stack_0": lambda torch, a, b: torch.stack([a, b], dim=0),
    "stack_last": lambda torch, a, b, c: torch.stack([a, b, c], dim=-1),
    "unstack_0": lambda torch, x: list(torch.unbind(x, dim=0)),
    "unstack_time": lambda torch, x: list(torch.unbind(x, dim=1)),
    "unstack_last": lambda torch, x: list(torch.unbind(x, dim=-1)),
    # np.split(x, 3, axis=1) of 6 columns: three sections of size 2.
    "split_sections": lambda torch, x: list(torch.split(x, 2, dim=1)),
    # np.split(x, [1, 3], axis=0) of 5 rows: rows [0:1], [1:3], [3:5], sizes 1, 2, 2.
    "split_indices": lambda torch, x: list(torch.split(x, [1, 2, 2], dim=0)),
    "cast_f64_f32": lambda torch, x: x.to(torch.float32).to(x.dtype),
    # float -> int64 truncates toward zero in both (C cast semantics).
    "cast_to_int": lambda torch, x: x.to(torch.int64),

    # -- indexing -----------------------------------------------------------------------------------
    "getitem_slice": lambda torch, x: x[1:, ::2],
    "getitem_int_ellipsis": lambda torch, x: x[..., 1],
    # x[::-1, 1:3]: PyTorch has no negative steps, so reverse axis 0 with torch.flip.
    "getitem_negative_step": lambda torch, x: torch.flip(x, dims=(0,))[:, 1:3],
    "getitem_newaxis": lambda torch, x: x[:, None, 2],
    "getitem_fancy_repeated": lambda torch, x, i: torch.index_select(x, 0, i),
    "getitem_bool_mask": lambda torch, x, m: torch.masked_select(x, m),
    "take_axis0_repeated": lambda torch, x, i: _take(torch, x, i, 0),
    "take_axis1": lambda torch, x, i: torch.index_select(x, 1, i),
})
