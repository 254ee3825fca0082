"""Hypothesis: shape rules and gradients over random broadcasts, axes and shapes.

The shape oracle is NumPy's own rule (np.broadcast_shapes, the reduction shape of np.sum); values
are cross-checked against finite differences, never against the implementation itself.
"""

import numpy as np
import pytest
from harness.gradcheck import directional_check
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

BINARY = ["add", "subtract", "multiply", "maximum", "minimum"]
REDUCTIONS = ["sum", "mean", "prod", "logsumexp", "max", "min"]


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       op=st.sampled_from(BINARY), seed=st.integers(0, 2**16))
def test_binary_broadcast_shapes_and_gradients(nn, shapes, op, seed):
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, sa)
    b = rng.uniform(-1, 1, sb)
    if op in ("maximum", "minimum"):  # keep every broadcast pair apart: no ties, no kinks
        b = np.broadcast_to(np.linspace(-3, 3, int(np.prod(sb)) or 1)[: int(np.prod(sb))].reshape(sb), sb) + 0.05
        a = np.round(a * 4) / 4 + 0.125 * np.sign(a + 1e-9) if a.ndim else a
    def fn(impl, x, y):
        return getattr(impl.ops, op)(x, y)
    y = fn(nn, nn.constant(a), nn.constant(b))
    assert y.shape == out_shape and y.dtype == np.float64
    gy = rng.standard_normal(out_shape)
    if op in ("maximum", "minimum") and np.any(np.abs(np.broadcast_to(a, out_shape) - np.broadcast_to(b, out_shape))
                                               < 1e-3):
        return  # a tie slipped in: the finite difference would straddle the kink
    directional_check(nn, fn, [a, b], [gy], seed=seed, repeats=1)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3), data=st.data(),
       op=st.sampled_from(REDUCTIONS), keepdims=st.booleans())
def test_reduction_shapes_and_gradients(nn, shape, data, op, keepdims):
    axis = data.draw(st.none() | st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape),
                                          unique_by=lambda a: a % len(shape)).map(tuple), label="axis")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    n = int(np.prod(shape))
    # distinct values: no ties for max/min; in [0.5, 1.5] so prod is well conditioned
    x = (rng.permutation(n).reshape(shape) / max(n, 1)) + 0.5
    def fn(impl, t):
        return getattr(impl.ops, op)(t, axis=axis, keepdims=keepdims)
    y = fn(nn, nn.constant(x))
    assert y.shape == np.sum(x, axis=axis, keepdims=keepdims).shape
    directional_check(nn, fn, [x], [rng.standard_normal(y.shape)], repeats=1)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), data=st.data())
def test_transpose_reshape_round_trip(nn, shape, data):
    perm = data.draw(st.permutations(range(len(shape))), label="perm")
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    t = nn.ops.transpose(nn.constant(x), perm)
    np.testing.assert_array_equal(t.numpy(), np.transpose(x, perm))
    back = nn.ops.transpose(t, np.argsort(perm))
    np.testing.assert_array_equal(nn.ops.reshape(back, (-1,)).numpy(), x.reshape(-1))


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4), data=st.data())
def test_concatenate_of_views_is_numpy_concatenate(nn, shape, data):
    """Transposed and strided inputs of any dtype pair along any axis: NumPy's values and result dtype."""
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    dtypes = data.draw(st.lists(st.sampled_from(["bool", "int32", "float32", "float64"]), min_size=1, max_size=3),
                       label="dtypes")
    arrays = []
    for k, dtype in enumerate(dtypes):
        size = list(shape)
        size[axis] = data.draw(st.integers(0, 3), label=f"length {k}")
        perm = data.draw(st.permutations(range(len(shape))), label=f"layout {k}")
        base = np.arange(2 * int(np.prod(size)), dtype=np.float64).reshape([2 * size[0]] + size[1:])[::2]
        arrays.append(np.ascontiguousarray(base.transpose(perm)).transpose(np.argsort(perm)).astype(dtype)
                      if data.draw(st.booleans(), label=f"transposed {k}") else base.astype(dtype))
    got = nn.ops.concatenate([nn.constant(a) for a in arrays], axis=axis).numpy()
    want = np.concatenate(arrays, axis=axis)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), data=st.data())
def test_basic_slicing_matches_numpy_and_gradient_scatters(nn, shape, data):
    index = data.draw(hnp.basic_indices(shape, allow_ellipsis=True, allow_newaxis=True), label="index")
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) + 1.0
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        y = v[index]
        total = nn.ops.sum(y)
    np.testing.assert_array_equal(y.numpy(), x[index])
    g = tape.gradient(total, v, unconnected_gradients="zero").numpy()
    want = np.zeros_like(x)
    want[index] += 1.0
    np.testing.assert_array_equal(g, want)


@given(lead=st.integers(1, 3), keepdims=st.booleans(), dtype=st.sampled_from(["float32", "float64"]),
       contiguous=st.booleans(), op=st.sampled_from(["sum", "mean"]), seed=st.integers(0, 2**16))
def test_large_sums_over_leading_axes(nn, lead, keepdims, dtype, contiguous, op, seed):
    """The bias-gradient and batch-norm shape: a sum or mean over the leading axes of a large array (the
    reference and accel: a BLAS matrix-vector product from 4096 rows on), against NumPy's float64 sum or
    mean; transposed (non-contiguous) inputs too."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (64, 9, 9, 5)).astype(dtype)
    if not contiguous:
        a = np.swapaxes(a, 0, 1)
    axes = tuple(range(lead))
    got = getattr(nn.ops, op)(nn.constant(a), axis=axes, keepdims=keepdims).numpy()
    want = getattr(np, op)(a.astype(np.float64), axis=axes, keepdims=keepdims)
    assert got.shape == want.shape and got.dtype == a.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-4 if dtype == "float32"
                               else 1e-11)


def _with_specials(rng, shape, dtype):
    """Random values of ``shape`` with NaN (a payload), -0.0, +-inf and (floats) the smallest subnormal among them."""
    if dtype[0] != "f":
        return rng.integers(-9, 10, shape).astype(dtype)
    special = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf, 0.2, 1.0, np.finfo(dtype).smallest_subnormal,
                        -np.finfo(dtype).smallest_subnormal], dtype=dtype)
    a = np.where(rng.random(shape) < 0.3, rng.choice(special, shape), rng.standard_normal(shape) * 2).astype(dtype)
    if a.size:
        a.reshape(-1)[0] = np.frombuffer(np.array([0x7e01, 0x7fc00001, 0x7ff0000000000001][
            {2: 0, 4: 1, 8: 2}[a.itemsize]], dtype=f"u{a.itemsize}").tobytes(), dtype)[0]
    return a


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=4),
       dtype=st.sampled_from(["float16", "float32", "float64", "int32", "int64", "uint8"]),
       zero=st.sampled_from([None, "a", "b"]), seed=st.integers(0, 2**16))
def test_where_is_numpy_where_bit_for_bit(nn, shapes, dtype, zero, seed):
    """where(cond, a, b) against numpy.where on the host: same shape, dtype and bits, with NaN (payloads), -0.0,
    infinities and subnormals among the values, and +0 scalars on either side (the reference selects bits, see its
    kernel)."""
    rng = np.random.default_rng(seed)
    sc, sa, sb = shapes.input_shapes
    cond = rng.random(sc) < 0.5
    a, b = _with_specials(rng, sa, dtype), _with_specials(rng, sb, dtype)
    if zero == "a":
        a = np.zeros((), dtype)
    elif zero == "b":
        b = np.zeros((), dtype)
    got = nn.ops.where(nn.constant(cond), nn.constant(a), nn.constant(b)).numpy()
    want = np.where(cond, a, b)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(f"u{want.itemsize}"), want.view(f"u{want.itemsize}"))


def _assert_same_bits(got, want, signed_zeros=True, err_msg=""):
    """The same bits, NaN for NaN (a GPU returns its canonical NaN, not the operand's payload), zeros up to sign
    unless ``signed_zeros``."""
    got, want = np.asarray(got), np.asarray(want)
    np.testing.assert_array_equal(got, want, err_msg=err_msg)  # values, NaN where NaN
    keep = (want == want) if signed_zeros else (want == want) & (want != 0)
    bits = f"u{want.itemsize}"
    np.testing.assert_array_equal(got.view(bits)[keep], want.view(bits)[keep], err_msg=err_msg)


# CuPy compiles every kernel with -ftz=true: accel flushes float32 subnormals, operands and results, to zeros of
# their sign (conformance/spec/conventions.md). Its float32 results are NumPy's on flushed operands, flushed.
_FLUSHES_SUBNORMALS = {"accel": ("float32",)}


def _numpy_as(nn, f, *operands, arithmetic=True):
    """f(*operands) with NumPy as ``nn`` computes it: flushing subnormals where ``nn`` does, in arithmetic (a
    selection, ``arithmetic=False``, passes its operand's bits through)."""
    dtype = np.result_type(*operands)
    if not arithmetic or dtype.name not in _FLUSHES_SUBNORMALS.get(nn.implementation.name, ()):
        return f(*operands)
    tiny = np.finfo(dtype).tiny

    def flush(x):
        x = np.asarray(x)
        return np.where(np.abs(x) < tiny, np.copysign(np.zeros_like(x), x), x).astype(x.dtype)
    return flush(f(*map(flush, operands)))


def _view(a, layout):
    return {"contiguous": a, "transposed": a.T, "strided": a[..., ::2] if a.ndim else a}[layout]


@pytest.mark.parametrize("shape", [(), (0, 5), (7,), (40, 3001), (200_003,), (3, 70_000), (2, 3, 40_000)])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32"])
def test_extremum_with_a_scalar_is_numpy_with_a_scalar(nn, shape, layout, dtype):
    """maximum and minimum against a scalar, relu and clip (the reference runs NumPy against blocks of the
    constant: its SIMD loops do not take a scalar) give NumPy's maximum/minimum with the scalar, bit for bit
    (subnormals; NaN where NaN, zeros up to sign); on arrays spanning several blocks, transposed or strided."""
    a = _view(_with_specials(np.random.default_rng(len(shape)), shape, dtype), layout)
    x = nn.constant(a)
    got_want = [(nn.ops.maximum(x, 0.2), _numpy_as(nn, lambda a: np.maximum(a, 0.2), a)),
                (nn.ops.minimum(x, 1), _numpy_as(nn, lambda a: np.minimum(a, 1), a)),
                # relu selects (accel's kernel: x where x > 0 or NaN): a subnormal passes, as in NumPy
                (nn.ops.relu(x), _numpy_as(nn, lambda a: np.maximum(a, 0), a, arithmetic=False)),
                (nn.ops.clip(x, 0, 1), _numpy_as(nn, lambda a: np.minimum(np.maximum(a, 0), 1), a))]
    for got, want in got_want:
        got = got.numpy()
        assert got.shape == want.shape and got.dtype == want.dtype
        _assert_same_bits(got, want, signed_zeros=False)


@pytest.mark.parametrize("shape, small", [((600, 20, 32), (32,)), ((600, 20, 32), (20, 32)), ((9000, 30), (1, 30)),
                                          ((4, 300, 512), (512,)), ((7, 5), (5,)), ((3, 70_000), (70_000,)),
                                          # the small operand of higher rank: the result takes its leading 1s
                                          ((9000, 30), (1, 1, 1, 30)), ((70_000, 1), (1, 1, 1, 1))])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_binary_with_a_repeated_vector_is_numpy(nn, shape, small, layout, dtype):
    """add, subtract, multiply, divide, maximum and minimum of an array and a vector repeated over its leading
    axes (a bias; the reference runs NumPy against a block of repeats), either side: NumPy's own broadcast, bit for
    bit (-0.0, infinities, subnormals; NaN where NaN; the zero of maximum and minimum up to sign)."""
    rng = np.random.default_rng(sum(shape))
    a = _with_specials(rng, shape, dtype)
    a = a[..., ::2] if layout == "strided" else a
    v = _with_specials(rng, small[:-1] + (a.shape[-1],), dtype)
    x, c = nn.constant(a), nn.constant(v)
    for op in ["add", "subtract", "multiply", "divide", "maximum", "minimum"]:
        with np.errstate(all="ignore"):  # inf - inf, 0 / 0: the values are the point here, not the warnings
            f, g = getattr(nn.ops, op), getattr(np, op)
            pairs = [(f(x, c), _numpy_as(nn, g, a, v)), (f(c, x), _numpy_as(nn, g, v, a))]
        for got, want in pairs:
            got = got.numpy()
            assert got.shape == want.shape and got.dtype == want.dtype, op
            # IEEE 754 leaves the sign of max(-0, +0) open (NumPy's own SIMD loops and a GPU's differ)
            _assert_same_bits(got, want, signed_zeros=op not in ("maximum", "minimum"), err_msg=op)


@pytest.mark.parametrize("shape", [(7, 5), (600, 20, 32), (4, 300, 512), (3, 70_000), (2, 13, 13, 64)])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_bias_relu_is_relu_of_the_sum(nn, shape, layout, dtype):
    """bias_relu(x, b) (one kernel; the reference runs both steps per run of x) is relu(add(x, b)) bit for bit,
    -0.0, infinities, subnormals and NaN included (zeros up to sign, as relu's), and so are its gradients for x
    and b (the output's mask instead of the sum's)."""
    rng = np.random.default_rng(sum(shape))
    a = _with_specials(rng, shape, dtype)
    a = a[..., ::2] if layout == "strided" else a
    x, b = nn.Variable(a), nn.Variable(_with_specials(rng, a.shape[-1:], dtype))
    gy = nn.constant(_with_specials(rng, a.shape, dtype))
    results = []
    for f in (nn.ops.bias_relu, lambda x, b: nn.ops.relu(nn.ops.add(x, b))):
        with np.errstate(all="ignore"):  # inf - inf, NaN: the values are the point, not the warnings
            with nn.GradientTape() as tape:
                y = f(x, b)
                s = nn.ops.sum(nn.ops.multiply(y, gy))
            results.append([y.numpy()] + [g.numpy() for g in tape.gradient(s, [x, b])])
    for got, want, what in zip(*results, ["output", "x gradient", "bias gradient"]):
        assert got.shape == want.shape and got.dtype == want.dtype, what
        _assert_same_bits(got, want, signed_zeros=what != "output", err_msg=what)


def test_bias_relu_errors_name_the_op_and_shapes(nn):
    x = nn.constant(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"bias_relu: expected a bias of shape \(3,\).*shape \(4,\).*\(2, 3\)"):
        nn.ops.bias_relu(x, nn.constant(np.ones(4, np.float32)))
    with pytest.raises(ValueError, match=r"bias_relu: expected a bias of shape \(3,\).*\(1, 3\)"):
        nn.ops.bias_relu(x, nn.constant(np.ones((1, 3), np.float32)))
    # another dtype: the two ops, with add's promotion
    y = nn.ops.bias_relu(x, nn.constant(np.full(3, -2.0)))
    assert y.dtype == np.float64 and not y.numpy().any()


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), index_shape=hnp.array_shapes(min_dims=0,
       max_dims=2, min_side=0, max_side=5), data=st.data())
def test_take_gradient_adds_repeated_indices(nn, shape, index_shape, data):
    """take along any axis with repeated and negative indices; its gradient against numpy.add.at of the upstream
    gradient (float64, integer-valued upstream, so every order of summation gives the same numbers)."""
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    indices = rng.integers(-shape[axis], shape[axis], index_shape)
    x = rng.standard_normal(shape)
    upstream = rng.integers(-3, 4, shape[:axis] + index_shape + shape[axis + 1:]).astype(np.float64)
    v = nn.Variable(x)
    with nn.GradientTape() as tape:
        y = nn.ops.take(v, indices, axis=axis)
        total = nn.ops.sum(y * nn.constant(upstream))
    np.testing.assert_array_equal(y.numpy(), np.take(x, indices, axis=axis))
    want = np.zeros(shape)
    np.add.at(want, (slice(None),) * axis + (indices,), upstream)
    np.testing.assert_array_equal(tape.gradient(total, v, unconnected_gradients="zero").numpy(), want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, axis", [((50, 32), 0), ((50, 7), 0), ((3, 40, 4), 1), ((2, 3, 30), 2)],
                         ids=["embedding", "odd-rows", "middle-axis", "last-axis"])
def test_take_gradient_sums_in_index_order(nn, dtype, shape, axis):
    """The reference's take gradient adds the slices of repeated indices in the order of the indices, as
    numpy.add.at does: bit for bit with upstream values whose sums round differently in any other order (an
    embedding gradient). A GPU adds them with atomics, in any order: within the rounding of ~5 additions."""
    rng = np.random.default_rng(len(shape) + axis)
    indices = rng.integers(-shape[axis], shape[axis], (6, 40))  # each index ~5 times
    upstream = (rng.standard_normal(shape[:axis] + indices.shape + shape[axis + 1:]) * 10.0 ** rng.integers(
        -3, 4, shape[:axis] + indices.shape + shape[axis + 1:])).astype(dtype)
    v = nn.Variable(np.zeros(shape, dtype))
    with nn.GradientTape() as tape:
        total = nn.ops.sum(nn.ops.take(v, indices, axis=axis) * nn.constant(upstream))
    want = np.zeros(shape, dtype)
    np.add.at(want, (slice(None),) * axis + (indices,), upstream)
    got = tape.gradient(total, v).numpy()
    assert got.dtype == want.dtype
    if nn.implementation.name == "reference":
        _assert_same_bits(got, want, err_msg="take gradient")
    else:
        bound = np.zeros(shape)
        np.add.at(bound, (slice(None),) * axis + (indices,), np.abs(upstream.astype(np.float64)))
        assert np.all(np.abs(got.astype(np.float64) - want) <= 8 * np.finfo(dtype).eps * bound), "take gradient"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tall_matmul_and_its_gradients(nn, dtype):
    """A tall product (20,001 rows: an implementation may go through the rows in blocks, the reference does
    from ~16k rows of 64 float64 columns) and its two gradients, against NumPy's float64 products."""
    rng = np.random.default_rng(3)
    a = rng.uniform(-1, 1, (20_001, 7)).astype(dtype)
    b = rng.uniform(-1, 1, (7, 64)).astype(dtype)
    g = rng.uniform(-1, 1, (20_001, 64)).astype(dtype)
    av, bv = nn.Variable(a), nn.Variable(b)
    with nn.GradientTape() as tape:
        y = nn.ops.matmul(av, bv)
        total = nn.ops.sum(y * nn.constant(g))
    da, db = tape.gradient(total, [av, bv])
    a64, b64, g64 = (v.astype(np.float64) for v in (a, b, g))
    tol = {"rtol": 1e-5, "atol": 1e-4} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-10}
    np.testing.assert_allclose(y.numpy(), a64 @ b64, **tol)
    np.testing.assert_allclose(da.numpy(), g64 @ b64.T, **tol)
    np.testing.assert_allclose(db.numpy(), a64.T @ g64, **{**tol, "atol": tol["atol"] * 100})
