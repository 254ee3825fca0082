"""The op table: every differentiable op of the spine, with broadcasting, axes and edge shapes."""

import numpy as np

from .spec import OpCase, away, distinct, pos, u

C = OpCase
CASES = []


def case(*args, **kwargs):
    CASES.append(C(*args, **kwargs))


# -- binary arithmetic, with NumPy broadcasting ----------------------------------------------------
BROADCASTS = {
    "same": ((3, 4), (3, 4)),
    "row": ((3, 4), (4,)),
    "col": ((3, 1), (1, 4)),
    "scalar": ((2, 3), ()),
    "lead": ((2, 1, 4), (3, 1)),
}
for i, (bname, (sa, sb)) in enumerate(BROADCASTS.items()):
    case(f"add_{bname}", "add", lambda o, a, b: o.add(a, b), lambda r, sa=sa, sb=sb: [u(r, sa), u(r, sb)], seed=i)
    case(f"subtract_{bname}", "subtract", lambda o, a, b: o.subtract(a, b),
         lambda r, sa=sa, sb=sb: [u(r, sa), u(r, sb)], seed=10 + i)
    case(f"multiply_{bname}", "multiply", lambda o, a, b: o.multiply(a, b),
         lambda r, sa=sa, sb=sb: [u(r, sa), u(r, sb)], seed=20 + i)
    case(f"divide_{bname}", "divide", lambda o, a, b: o.divide(a, b),
         lambda r, sa=sa, sb=sb: [u(r, sa), away(r, sb, 0.5, 2.0)], seed=30 + i)
    case(f"maximum_{bname}", "maximum", lambda o, a, b: o.maximum(a, b),
         lambda r, sa=sa, sb=sb: _untied(r, sa, sb), seed=40 + i)
    case(f"minimum_{bname}", "minimum", lambda o, a, b: o.minimum(a, b),
         lambda r, sa=sa, sb=sb: _untied(r, sa, sb), seed=50 + i)


def _untied(rng, sa, sb):
    """Two broadcastable arrays whose broadcast elements differ by at least 0.1 everywhere."""
    b = u(rng, sb)
    a = np.broadcast_to(b, np.broadcast_shapes(sa, sb)).copy()
    a = a + away(rng, a.shape, 0.1, 0.8)
    # a must have shape sa: where sa is smaller than the broadcast shape, take a slice of b as base
    if a.shape != tuple(sa):
        a = u(rng, sa)
        full_b = np.broadcast_to(b, np.broadcast_shapes(sa, sb))
        full_a = np.broadcast_to(a, full_b.shape)
        close = np.abs(full_a - full_b) < 0.1
        while close.any():
            a = u(rng, sa)
            full_a = np.broadcast_to(a, full_b.shape)
            close = np.abs(full_a - full_b) < 0.1
    return [a, b]


case("power_pos_base", "power", lambda o, a, b: o.power(a, b), lambda r: [pos(r, (3, 4)), u(r, (3, 4), -2, 2)])
case("power_scalar_exponent", "power", lambda o, a: o.power(a, 3.0), lambda r: [u(r, (2, 5))])
case("power_broadcast", "power", lambda o, a, b: o.power(a, b), lambda r: [pos(r, (2, 3)), u(r, (3,), 0.5, 2.5)])
case("negative", "negative", lambda o, x: o.negative(x), lambda r: [u(r, (3, 4))])
case("negative_0d", "negative", lambda o, x: o.negative(x), lambda r: [u(r, ())])

# -- unary math ---------------------------------------------------------------------------------------
case("square", "square", lambda o, x: o.square(x), lambda r: [u(r, (3, 4), -2, 2)])
case("sqrt", "sqrt", lambda o, x: o.sqrt(x), lambda r: [pos(r, (3, 4), 0.2, 3.0)])
case("exp", "exp", lambda o, x: o.exp(x), lambda r: [u(r, (3, 4), -3, 3)])
case("log", "log", lambda o, x: o.log(x), lambda r: [pos(r, (3, 4), 0.2, 5.0)])
case("abs", "abs", lambda o, x: o.abs(x), lambda r: [away(r, (3, 4))])
case("sign", "sign", lambda o, x: o.sign(x), lambda r: [away(r, (3, 4))])
case("tanh", "tanh", lambda o, x: o.tanh(x), lambda r: [u(r, (3, 4), -3, 3)])
case("sigmoid", "sigmoid", lambda o, x: o.sigmoid(x), lambda r: [u(r, (3, 4), -6, 6)])
case("sigmoid_large", "sigmoid", lambda o, x: o.sigmoid(x), lambda r: [np.array([-800.0, -40.0, 0.0, 40.0, 800.0])],
     grad=False, double=False)
case("relu", "relu", lambda o, x: o.relu(x), lambda r: [away(r, (3, 4))])
case("relu_3d", "relu", lambda o, x: o.relu(x), lambda r: [away(r, (2, 3, 2))])


def _biased_away(rng, shape):
    """An input and a bias over its last axis whose sum keeps away from relu's kink at 0."""
    bias = u(rng, shape[-1:])
    return [away(rng, shape) - bias, bias]


case("bias_relu", "bias_relu", lambda o, x, b: o.bias_relu(x, b), lambda r: _biased_away(r, (3, 4)))
case("bias_relu_4d", "bias_relu", lambda o, x, b: o.bias_relu(x, b), lambda r: _biased_away(r, (2, 3, 3, 4)),
     kind="reduction")

# -- selection -------------------------------------------------------------------------------------------
case("where", "where", lambda o, c, a, b: o.where(c, a, b),
     lambda r: [r.uniform(size=(3, 4)) < 0.5, u(r, (3, 4)), u(r, (3, 4))])
case("where_broadcast", "where", lambda o, c, a, b: o.where(c, a, b),
     lambda r: [r.uniform(size=(3, 1)) < 0.5, u(r, (1, 4)), u(r, ())])
case("clip", "clip", lambda o, x: o.clip(x, -0.5, 0.4), lambda r: [_off_grid(r, (4, 5), (-0.5, 0.4))])
case("clip_tensor_bounds", "clip", lambda o, x, lo, hi: o.clip(x, lo, hi),
     lambda r: [u(r, (3, 4), -2, 2), np.array([-1.5, -0.3, -0.9, 0.1]), np.array([1.7, 0.5, 0.2, 1.1])])


def _off_grid(rng, shape, points, margin=0.05):
    """Uniform values in [-1, 1] kept at least ``margin`` away from the given kink points."""
    x = u(rng, shape)
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, p + np.sign(x - p + 1e-12) * margin * 2, x)
    return x


# -- reductions ---------------------------------------------------------------------------------------------
R = "reduction"
for red in ("sum", "mean", "prod", "logsumexp"):
    maker = (lambda r: [u(r, (3, 4, 5), 0.5, 1.5)]) if red == "prod" else (lambda r: [u(r, (3, 4, 5), -2, 2)])
    case(f"{red}_all", red, lambda o, x, red=red: getattr(o, red)(x), maker, kind=R)
    case(f"{red}_axis1", red, lambda o, x, red=red: getattr(o, red)(x, axis=1), maker, kind=R)
    case(f"{red}_axis_neg_keepdims", red, lambda o, x, red=red: getattr(o, red)(x, axis=-1, keepdims=True),
         maker, kind=R)
    case(f"{red}_axes02", red, lambda o, x, red=red: getattr(o, red)(x, axis=(0, 2)), maker, kind=R)
for red in ("max", "min"):
    case(f"{red}_all", red, lambda o, x, red=red: getattr(o, red)(x), lambda r: [distinct(r, (3, 4, 5))], kind=R)
    case(f"{red}_axis1", red, lambda o, x, red=red: getattr(o, red)(x, axis=1), lambda r: [distinct(r, (3, 4, 5))],
         kind=R)
    case(f"{red}_axes_keepdims", red, lambda o, x, red=red: getattr(o, red)(x, axis=(0, 2), keepdims=True),
         lambda r: [distinct(r, (3, 4, 5))], kind=R)
case("prod_with_zero", "prod", lambda o, x: o.prod(x, axis=1),
     lambda r: [np.array([[0.0, 1.5, -2.0], [0.7, 0.0, 0.0], [1.1, -0.4, 2.2]])], kind=R)
case("logsumexp_large", "logsumexp", lambda o, x: o.logsumexp(x, axis=1),
     lambda r: [np.array([[1000.0, 999.0, 998.5], [-1000.0, -1001.0, -999.5]])], kind=R)

# -- products -------------------------------------------------------------------------------------------------
case("matmul_2d", "matmul", lambda o, a, b: o.matmul(a, b), lambda r: [u(r, (3, 4)), u(r, (4, 5))], kind=R)
case("matmul_batched", "matmul", lambda o, a, b: o.matmul(a, b), lambda r: [u(r, (2, 3, 4)), u(r, (2, 4, 5))], kind=R)
case("matmul_broadcast_batch", "matmul", lambda o, a, b: o.matmul(a, b),
     lambda r: [u(r, (2, 1, 3, 4)), u(r, (3, 4, 2))], kind=R)
case("matmul_vector", "matmul", lambda o, a, b: o.matmul(a, b), lambda r: [u(r, (4,)), u(r, (4, 3))], kind=R)
case("matmul_matrix_vector", "matmul", lambda o, a, b: o.matmul(a, b), lambda r: [u(r, (3, 4)), u(r, (4,))], kind=R)
case("dot_2d", "dot", lambda o, a, b: o.dot(a, b), lambda r: [u(r, (3, 4)), u(r, (4, 2))], kind=R)
case("dot_3d_2d", "dot", lambda o, a, b: o.dot(a, b), lambda r: [u(r, (2, 3, 4)), u(r, (4, 5))], kind=R)
case("dot_3d_3d", "dot", lambda o, a, b: o.dot(a, b), lambda r: [u(r, (2, 3, 4)), u(r, (3, 4, 2))], kind=R)

# -- shape -------------------------------------------------------------------------------------------------------
case("reshape", "reshape", lambda o, x: o.reshape(x, (4, 6)), lambda r: [u(r, (2, 3, 4))])
case("reshape_infer", "reshape", lambda o, x: o.reshape(x, (-1, 2)), lambda r: [u(r, (2, 3, 4))])
case("transpose_default", "transpose", lambda o, x: o.transpose(x), lambda r: [u(r, (2, 3, 4))])
case("transpose_axes", "transpose", lambda o, x: o.transpose(x, (1, 2, 0)), lambda r: [u(r, (2, 3, 4))])
case("expand_dims_0", "expand_dims", lambda o, x: o.expand_dims(x, 0), lambda r: [u(r, (3, 4))])
case("expand_dims_neg", "expand_dims", lambda o, x: o.expand_dims(x, -1), lambda r: [u(r, (3, 4))])
case("squeeze_all", "squeeze", lambda o, x: o.squeeze(x), lambda r: [u(r, (1, 3, 1, 4))])
case("squeeze_axis", "squeeze", lambda o, x: o.squeeze(x, 2), lambda r: [u(r, (1, 3, 1, 4))])
case("broadcast_to", "broadcast_to", lambda o, x: o.broadcast_to(x, (2, 3, 4)), lambda r: [u(r, (3, 1))])
case("concatenate_axis0", "concatenate", lambda o, a, b: o.concatenate([a, b], axis=0),
     lambda r: [u(r, (2, 3)), u(r, (4, 3))])
case("concatenate_last", "concatenate", lambda o, a, b, c: o.concatenate([a, b, c]),
     lambda r: [u(r, (2, 3)), u(r, (2, 1)), u(r, (2, 2))])
case("stack_0", "stack", lambda o, a, b: o.stack([a, b]), lambda r: [u(r, (2, 3)), u(r, (2, 3))])
case("stack_last", "stack", lambda o, a, b, c: o.stack([a, b, c], axis=-1),
     lambda r: [u(r, (2, 3)), u(r, (2, 3)), u(r, (2, 3))])
case("unstack_0", "unstack", lambda o, x: o.unstack(x), lambda r: [u(r, (3, 2))])
case("unstack_time", "unstack", lambda o, x: o.unstack(x, axis=1), lambda r: [u(r, (2, 4, 3))])
case("unstack_last", "unstack", lambda o, x: o.unstack(x, axis=-1), lambda r: [u(r, (2, 3, 2))])
case("split_sections", "split", lambda o, x: o.split(x, 3, axis=1), lambda r: [u(r, (2, 6))])
case("split_indices", "split", lambda o, x: o.split(x, [1, 3], axis=0), lambda r: [u(r, (5, 2))])
case("cast_f64_f32", "cast", lambda o, x: o.cast(o.cast(x, "float32"), x.dtype), lambda r: [u(r, (3, 4))],
     fd=False, double=False, tol={"float64": (1e-7, 1e-7)},
     reason="the round trip through float32 rounds to 24 bits, so finite differences at step 1e-6 see "
            "rounding noise; the exact VJP and double backward of cast are in test_autodiff")
case("cast_to_int", "cast", lambda o, x: o.cast(x, "int64"), lambda r: [u(r, (3, 4), -5, 5)], grad=False,
     double=False)

# -- indexing ------------------------------------------------------------------------------------------------------
case("getitem_slice", "getitem", lambda o, x: o.getitem(x, (slice(1, None), slice(None, None, 2))),
     lambda r: [u(r, (4, 5))])
case("getitem_int_ellipsis", "getitem", lambda o, x: x[..., 1], lambda r: [u(r, (2, 3, 4))])
case("getitem_negative_step", "getitem", lambda o, x: x[::-1, 1:3], lambda r: [u(r, (3, 4))])
case("getitem_newaxis", "getitem", lambda o, x: x[:, None, 2], lambda r: [u(r, (3, 4))])
case("getitem_fancy_repeated", "getitem", lambda o, x, i: o.getitem(x, i),
     lambda r: [u(r, (4, 3)), np.array([2, 0, 2, 3, 2])])
case("getitem_bool_mask", "getitem", lambda o, x, m: o.getitem(x, m),
     lambda r: [u(r, (3, 4)), np.array([[True, False, True, False], [False, False, True, True],
                                        [True, True, False, False]])])
case("take_axis0_repeated", "take", lambda o, x, i: o.take(x, i, axis=0),
     lambda r: [u(r, (5, 3)), np.array([[4, 0], [4, 4], [1, 2]])])
case("take_axis1", "take", lambda o, x, i: o.take(x, i, axis=1), lambda r: [u(r, (2, 4, 3)), np.array([3, 1, 1])])
