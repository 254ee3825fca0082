"""Level 5 (autodiff): GradientTape and K.gradients semantics, TF2 / Keras 2 as the spec.

Values are closed forms computed by hand, not by the implementation under test.
"""

import numpy as np
import pytest


def scalar(t):
    return float(t.numpy())


def test_tape_gradient_of_trainable_variable(nn):
    x = nn.Variable(np.array([1.0, 2.0, 3.0]))
    with nn.GradientTape() as tape:
        y = nn.ops.sum(x * x * x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 3 * np.array([1.0, 4.0, 9.0]))


def test_constants_need_watch(nn):
    c = nn.constant(np.array(2.0))
    with nn.GradientTape() as tape:
        y = c * c
    assert tape.gradient(y, c) is None
    with nn.GradientTape() as tape:
        tape.watch(c)
        y = c * c
    assert scalar(tape.gradient(y, c)) == 4.0


def test_unconnected_gradients(nn):
    x, z = nn.Variable(np.array(3.0)), nn.Variable(np.array(5.0))
    with nn.GradientTape(persistent=True) as tape:
        y = x * 2.0
    assert tape.gradient(y, z) is None
    assert scalar(tape.gradient(y, z, unconnected_gradients="zero")) == 0.0
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, z, unconnected_gradients="nan")


def test_non_persistent_tape_is_single_use(nn):
    x = nn.Variable(np.array(3.0))
    with nn.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_many_gradients(nn):
    x = nn.Variable(np.array(3.0))
    with nn.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * y
    assert scalar(tape.gradient(y, x)) == 6.0
    assert scalar(tape.gradient(z, x)) == 4 * 27.0
    assert scalar(tape.gradient(z, y)) == 18.0  # w.r.t. an intermediate tensor


def test_nested_tapes_second_and_third_derivatives(nn):
    x = nn.Variable(np.array(2.0))
    with nn.GradientTape() as t3:
        with nn.GradientTape() as t2:
            with nn.GradientTape() as t1:
                y = x ** 4.0
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    d3y = t3.gradient(d2y, x)
    assert scalar(dy) == 4 * 8.0 and scalar(d2y) == 12 * 4.0 and scalar(d3y) == 24 * 2.0


def test_ops_outside_the_tape_are_constants(nn):
    """TF2 semantics: the tape differentiates only what ran while it recorded."""
    w = nn.Variable(np.array(3.0))
    z = w * 2.0  # before the tape
    with nn.GradientTape(persistent=True) as tape:
        y = z * w
    assert scalar(tape.gradient(y, w)) == 6.0  # z is a constant to this tape
    assert tape.gradient(y, z) is None


def test_stop_recording(nn):
    x = nn.Variable(np.array(3.0))
    with nn.GradientTape() as tape:
        with tape.stop_recording():
            a = x * x
        y = a * x
    assert scalar(tape.gradient(y, x)) == 9.0


def test_watch_accessed_variables_false(nn):
    x, z = nn.Variable(np.array(3.0)), nn.Variable(np.array(4.0))
    with nn.GradientTape(watch_accessed_variables=False, persistent=True) as tape:
        tape.watch(x)
        y = x * z
    assert scalar(tape.gradient(y, x)) == 4.0
    assert tape.gradient(y, z) is None
    assert [v is x for v in tape.watched_variables()] == [True]


def test_non_trainable_variable_is_not_watched(nn):
    x = nn.Variable(np.array(3.0), trainable=False)
    with nn.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_list_targets_sum_and_output_gradients(nn):
    x = nn.Variable(np.array([1.0, 2.0]))
    with nn.GradientTape(persistent=True) as tape:
        a, b = x * 3.0, x * x
    g = tape.gradient([a, b], x)
    np.testing.assert_allclose(g.numpy(), [3.0 + 2.0, 3.0 + 4.0])
    g = tape.gradient(b, x, output_gradients=nn.constant(np.array([10.0, -1.0])))
    np.testing.assert_allclose(g.numpy(), [20.0, -4.0])
    gs = tape.gradient(a, [x, x])
    assert isinstance(gs, list) and len(gs) == 2


def test_jacobian(nn):
    x = nn.Variable(np.array([1.0, 2.0, 3.0]))
    with nn.GradientTape() as tape:
        y = x[:2] * x[1:]
    j = tape.jacobian(y, x).numpy()
    np.testing.assert_array_equal(j, [[2.0, 1.0, 0.0], [0.0, 3.0, 2.0]])


def test_gradient_accumulates_over_uses(nn):
    x = nn.Variable(np.array(2.0))
    with nn.GradientTape() as tape:
        y = x * x + x + nn.ops.exp(x - x)
    assert scalar(tape.gradient(y, x)) == 5.0


def test_backend_gradients_and_second_order(nn):
    """K.gradients follows the graph without a tape; its result can be differentiated again."""
    K = nn.backend
    x = K.variable(np.array([0.5, -1.0]), dtype="float64")
    loss = K.sum(K.square(x) * x)
    (g,) = K.gradients(loss, [x])
    np.testing.assert_allclose(g.numpy(), 3 * np.array([0.25, 1.0]))
    (gg,) = K.gradients(K.sum(g), [x])
    np.testing.assert_allclose(gg.numpy(), 6 * np.array([0.5, -1.0]))
    assert K.gradients(loss, [K.variable(1.0)]) == [None]


def test_gradient_penalty_shape_second_order(nn):
    """The WGAN-GP quantity: d/dW of (||d f(x) / dx|| - 1)^2 for f = sum(tanh(x W)), by hand."""
    rng = np.random.default_rng(3)
    w0, x0 = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (4, 3))
    W = nn.Variable(w0)
    x = nn.constant(x0)
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            inner.watch(x)
            f = nn.ops.sum(nn.ops.tanh(nn.ops.matmul(x, W)))
        gx = inner.gradient(f, x)
        norm = nn.ops.sqrt(nn.ops.sum(nn.ops.square(gx), axis=1))
        gp = nn.ops.mean(nn.ops.square(norm - 1.0))
    got = outer.gradient(gp, W).numpy()

    def penalty(w):
        s = 1 - np.tanh(x0 @ w) ** 2       # d tanh
        gxx = s @ w.T                       # d f / d x
        return np.mean((np.sqrt((gxx ** 2).sum(1)) - 1) ** 2)
    eps, want = 1e-6, np.zeros_like(w0)
    for i in np.ndindex(w0.shape):
        d = np.zeros_like(w0)
        d[i] = eps
        want[i] = (penalty(w0 + d) - penalty(w0 - d)) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_cast_gradient_is_exact_cast_back(nn):
    x = nn.Variable(np.array([0.1, 0.2, 0.3]))
    with nn.GradientTape() as t2:
        with nn.GradientTape() as t1:
            y = nn.ops.sum(nn.ops.square(nn.ops.cast(x, "float32")))
        g = t1.gradient(y, x)
    gg = t2.gradient(g, x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g.numpy(), 2 * np.array([0.1, 0.2, 0.3], dtype=np.float32).astype(np.float64))
    np.testing.assert_array_equal(gg.numpy(), [2.0, 2.0, 2.0])


def test_no_gradient_into_integers(nn):
    i = nn.constant(np.array([1, 2]))
    x = nn.Variable(np.array([1.0, 2.0]))
    with nn.GradientTape() as tape:
        tape.watch(i)
        y = nn.ops.sum(x * nn.ops.cast(i, "float64"))
    gi, gx = tape.gradient(y, [i, x])
    assert gi is None
    np.testing.assert_array_equal(gx.numpy(), [1.0, 2.0])


def test_no_grad_records_nothing(nn):
    x = nn.Variable(np.array(2.0))
    with nn.GradientTape() as tape:
        with nn.no_grad():
            y = x * x
    assert tape.gradient(y, x) is None


def test_stop_gradient(nn):
    x = nn.Variable(np.array(3.0))
    with nn.GradientTape() as tape:
        y = nn.ops.stop_gradient(x * x) * x
    assert scalar(tape.gradient(y, x)) == 9.0


def test_variable_assign(nn):
    v = nn.Variable(np.array([1.0, 2.0]), name="w")
    v.assign(np.array([3.0, 4.0]))
    v.assign_add(nn.constant(np.array([1.0, 1.0])))
    v.assign_sub(np.array([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    with pytest.raises(ValueError, match=r"w\.assign: expected shape \(2,\), got \(3,\)"):
        v.assign(np.zeros(3))


def test_python_scalars_keep_the_tensor_dtype(nn):
    x = nn.constant(np.ones(3, dtype=np.float32))
    assert (x * 0.5).dtype == np.float32 and (2.0 - x).dtype == np.float32 and (x ** 2.0).dtype == np.float32
    assert nn.constant(1.5).dtype == np.float32  # floatx for Python floats
    assert nn.constant(np.ones(2)).dtype == np.float64  # arrays keep their dtype


def test_tensor_operators_and_methods(nn):
    a = nn.constant(np.array([[1.0, 2.0], [3.0, 4.0]]))
    b = np.array([10.0, 20.0])
    np.testing.assert_array_equal((a + b).numpy(), [[11, 22], [13, 24]])
    np.testing.assert_array_equal((b - a).numpy(), [[9, 18], [7, 16]])
    np.testing.assert_array_equal((a @ a).numpy(), [[7, 10], [15, 22]])
    np.testing.assert_array_equal((-a).T.numpy(), [[-1, -3], [-2, -4]])
    np.testing.assert_array_equal((a > 2.5).numpy(), [[False, False], [True, True]])
    assert a.reshape(4).shape == (4,) and a.sum(axis=0).shape == (2,) and len(a) == 2
    assert float(a.max()) == 4.0 and float(a.mean()) == 2.5


@pytest.mark.parametrize("call, message", [
    (lambda o, x: o.reshape(x, (5,)), r"reshape: cannot reshape a tensor of shape \(2, 3\)"),
    (lambda o, x: o.sum(x, axis=2), r"sum: axis 2 is out of range for a tensor of rank 2"),
    (lambda o, x: o.matmul(x, x), r"matmul: inner dimensions differ"),
    (lambda o, x: o.squeeze(x, 0), r"squeeze: dimension 0 of shape \(2, 3\) has size 2"),
    (lambda o, x: o.broadcast_to(x, (4, 3)), r"broadcast_to: cannot broadcast shape \(2, 3\) to \(4, 3\)"),
    (lambda o, x: o.split(x, 2, axis=1), r"split: dimension 1 of size 3 does not divide into 2"),
    (lambda o, x: o.take(x, [0.5], axis=0), r"take: indices must be integers"),
])
def test_bad_input_errors_name_the_op(nn, call, message):
    x = nn.constant(np.zeros((2, 3)))
    with pytest.raises((ValueError, TypeError), match=message):
        call(nn.ops, x)


def test_floatx(nn):
    K = nn.backend
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    K.set_floatx("float64")
    try:
        assert nn.constant(1.0).dtype == np.float64 and K.variable([1.0, 2.0]).dtype == np.float64
    finally:
        K.set_floatx("float32")
    with pytest.raises(ValueError, match="set_floatx"):
        K.set_floatx("int8")


def test_backend_exposes_the_keras_functions_the_books_call(nn):
    K = nn.backend
    y = nn.constant(np.array([[0.0, 1.0]]))
    p = nn.constant(np.array([[0.25, 0.75]]))
    np.testing.assert_allclose(K.categorical_crossentropy(y, p).numpy(), [-np.log(0.75)], rtol=1e-12)
    np.testing.assert_allclose(K.binary_crossentropy(y, p).numpy(), [[-np.log(0.75), -np.log(0.75)]], rtol=1e-6)
    assert K.argmax(p).numpy().tolist() == [1] and K.argmin(p).numpy().tolist() == [0]
    assert K.round(nn.constant(np.array([0.5, 1.5, 2.5]))).numpy().tolist() == [0.0, 2.0, 2.0]
    np.testing.assert_allclose(K.l2_normalize(nn.constant(np.array([3.0, 4.0])), axis=0).numpy(), [0.6, 0.8])
    assert K.relu(nn.constant(np.array([-2.0, 1.0])), alpha=0.5).numpy().tolist() == [-1.0, 1.0]


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_with_transposed_operands_and_its_second_order(nn, ta, tb):
    """The VJPs multiply by transposed operands without a transpose op (matmul's transpose flags): each of the
    four layouts, its gradients and the gradients of <gradients, v>, against NumPy in float64."""
    r = np.random.default_rng(7)
    a, b = r.standard_normal((2, 4, 3)), r.standard_normal((2, 3, 5))
    a = np.swapaxes(a, -1, -2) if ta else a  # stored as the flag says: op(a) is (2, 4, 3)
    b = np.swapaxes(b, -1, -2) if tb else b  # op(b) is (2, 3, 5)
    g, va, vb = r.standard_normal((2, 4, 5)), r.standard_normal(a.shape), r.standard_normal(b.shape)
    op = lambda t, flag: np.swapaxes(t, -1, -2) if flag else t  # noqa: E731
    A, B = nn.Variable(a), nn.Variable(b)
    with nn.GradientTape(persistent=True) as outer:
        with nn.GradientTape() as inner:
            c = nn.ops.linalg._matmul(A, B, ta, tb)
        da, db = inner.gradient(c, [A, B], output_gradients=nn.constant(g))
        s = nn.ops.add(nn.ops.sum(nn.ops.multiply(da, nn.constant(va))),
                       nn.ops.sum(nn.ops.multiply(db, nn.constant(vb))))
    np.testing.assert_allclose(c.numpy(), op(a, ta) @ op(b, tb), rtol=1e-12)
    want_da = op(g @ np.swapaxes(op(b, tb), -1, -2), ta)  # dL/d op(a) = g op(b)^T, stored back in a's layout
    want_db = op(np.swapaxes(op(a, ta), -1, -2) @ g, tb)
    np.testing.assert_allclose(da.numpy(), want_da, rtol=1e-12)
    np.testing.assert_allclose(db.numpy(), want_db, rtol=1e-12)
    # s = <g op(b)^T, op(va)> + <op(a)^T g, op(vb)>: ds/da = op^-1(g op(vb)^T), ds/db = op^-1(op(va)^T g)
    gA, gB = outer.gradient(s, [A, B])
    np.testing.assert_allclose(gA.numpy(), op(g @ np.swapaxes(op(vb, tb), -1, -2), ta), rtol=1e-12)
    np.testing.assert_allclose(gB.numpy(), op(np.swapaxes(op(va, ta), -1, -2) @ g, tb), rtol=1e-12)
