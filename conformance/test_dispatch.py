"""Kernel dispatch and namespace binding, checked on the CPU with a stand-in implementation.

accel is the reference framework bound to CuPy arrays plus kernel overrides. The same mechanism is
exercised here with a second NumPy-backed implementation whose arrays are a distinct ndarray
subclass, so that routing, overrides, binding and the mixing error are tested on every machine
(the real accel runs the whole suite on a GPU).
"""

import types

import nnspec.reference as R
import numpy as np
import pytest
from harness.standin import StandInArray, make_standin
from nnspec.reference.implementation import implementation_of
from nnspec.reference.kernels import KERNELS

CALLS = []


def _counting_tanh(xp, x):
    CALLS.append("tanh")
    return xp.tanh(x)


@pytest.fixture(scope="module")
def standin():
    return make_standin("standin", {"tanh": _counting_tanh})


def test_bound_namespace_creates_arrays_in_its_implementation(standin):
    impl, S = standin
    for t in (S.constant([1.0, 2.0]), S.Variable(np.ones(2)), S.ops.zeros((2,)), S.ops.ones(3),
              S.backend.variable([1.0]), S.backend.zeros((1, 2))):
        assert type(t.data) is StandInArray and t.impl is impl
    assert isinstance(S.Variable(np.ones(1)), R.Variable)  # one class hierarchy for every implementation
    assert S.implementation is impl
    import nnspec_standin.backend as bound_backend  # noqa: I001  # submodules are importable by name
    assert bound_backend is S.backend
    assert type(R.constant([1.0]).data) is np.ndarray      # the reference namespace is untouched


def _public_modules(module, prefix=""):
    yield prefix, module
    for attr in module.__all__:
        sub = getattr(module, attr)
        if isinstance(sub, types.ModuleType) and hasattr(sub, "__all__"):
            yield from _public_modules(sub, f"{prefix}.{attr}")


def test_bound_namespace_keeps_aliases_and_private_helpers(standin):
    """Keras aliases (MaxPool2D = MaxPooling2D) stay one class, and names outside __all__ that Keras code
    reaches for (imagenet_utils._obtain_input_shape) are found, in every bound namespace."""
    _, S = standin
    checked = 0
    for path, module in _public_modules(R):
        bound = S
        for part in filter(None, path.split(".")):
            bound = getattr(bound, part)
        seen = {}
        for attr in module.__all__:
            seen.setdefault(id(getattr(module, attr)), []).append(attr)
        for names in seen.values():
            first = getattr(bound, names[0])
            for other in names[1:]:
                assert getattr(bound, other) is first, f"{path}.{other} is not {path}.{names[0]}"
                checked += 1
    assert checked > 20
    assert S.layers.MaxPool2D is S.layers.MaxPooling2D and S.layers.Convolution2D is S.layers.Conv2D
    assert S.layers.Conv2D is not R.layers.Conv2D
    assert S.applications.imagenet_utils._obtain_input_shape is R.applications.imagenet_utils._obtain_input_shape
    with pytest.raises(AttributeError, match="nnspec_standin.layers.* has no attribute 'NoSuchLayer'"):
        S.layers.NoSuchLayer  # noqa: B018
    assert not hasattr(S.layers, "__path__")  # dunders are never borrowed: the import system asks for them


def test_ops_dispatch_on_array_type_and_use_overrides(standin):
    impl, S = standin
    x = S.Variable(np.array([0.5, -0.25]))
    CALLS.clear()
    with S.GradientTape() as tape:
        y = S.ops.sum(S.ops.tanh(x) * 2.0)
    g = tape.gradient(y, x)
    assert CALLS == ["tanh"] and type(y.data) is StandInArray and type(g.data) is StandInArray
    np.testing.assert_allclose(np.asarray(g.data), 2 * (1 - np.tanh([0.5, -0.25]) ** 2))
    CALLS.clear()
    R.ops.tanh(R.constant(np.array([0.1])))
    assert CALLS == []  # reference arrays never reach the stand-in's kernels


def test_mixing_implementations_is_an_error(standin):
    impl, S = standin
    with pytest.raises(R.MixedImplementationError, match="reference and standin|standin and reference"):
        R.ops.add(R.constant(np.ones(2)), S.constant(np.ones(2)))
    assert implementation_of(np.ones(1), 2.0, None) is R.implementation


def test_scalars_join_the_tensor_implementation(standin):
    impl, S = standin
    y = 3.0 - S.constant(np.array([1.0], dtype=np.float32))
    assert type(y.data) is StandInArray and y.dtype == np.float32


def test_every_kernel_name_has_a_reference_kernel():
    ops_kernels = {"add", "subtract", "multiply", "divide", "negative", "power", "square", "sqrt", "exp", "log",
                   "abs", "sign", "maximum", "minimum", "where", "tanh", "sigmoid", "relu", "sum", "mean", "max",
                   "min", "prod", "logsumexp", "matmul", "reshape", "transpose", "broadcast_to", "concatenate",
                   "stack", "split", "cast", "getitem", "index_add", "take", "take_add"}
    assert ops_kernels <= set(KERNELS)


def test_layers_build_weights_in_their_implementation(standin):
    impl, S = standin
    d = S.layers.Dense(2)
    out = d(S.constant(np.ones((1, 3))))
    assert type(out.data) is StandInArray and all(type(w.data) is StandInArray for w in d.weights)
    built = S.layers.Dense(2)
    built.build((None, 3))  # built directly: the namespace's implementation
    assert all(type(w.data) is StandInArray for w in built.weights)
    ref_layer = R.layers.Dense(2)
    ref_layer(R.constant(np.ones((1, 3))))
    with pytest.raises(R.MixedImplementationError, match="holds reference weights but was called on standin"):
        ref_layer(S.constant(np.ones((1, 3))))


def test_models_train_in_their_implementation(standin):
    impl, S = standin
    model = S.models.Sequential([S.layers.Dense(4, input_shape=(3,), activation="relu"), S.layers.Dense(1)])
    model.compile(S.optimizers.Adam(), "mse", metrics=["mae"])
    model.fit(np.ones((8, 3)), np.zeros((8, 1)), epochs=2, batch_size=4, verbose=0)
    assert all(type(w.data) is StandInArray for w in model.weights)
    assert all(type(s.data) is StandInArray for s in model.optimizer.weights[1:])
    x = S.Input(shape=(3,))
    functional = S.models.Model(x, S.layers.Dense(2)(x))
    assert all(type(w.data) is StandInArray for w in functional.weights)
    assert isinstance(functional.predict(np.ones((2, 3))), np.ndarray)
