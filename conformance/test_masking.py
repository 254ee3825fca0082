"""Masks (Keras 2.2.4): made by Embedding(mask_zero=True) and Masking, passed on by layers that support
masking, refused by the others, and applied to the loss."""

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("fresh_session")


def test_embedding_mask_zero_and_masking_masks(nn):
    ids = np.array([[3, 0, 5, 0], [0, 0, 1, 2]])
    out = nn.layers.Embedding(6, 2, mask_zero=True)(nn.constant(ids))
    np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    x = np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]]])
    masked = nn.layers.Masking()(nn.constant(x))
    np.testing.assert_array_equal(masked._keras_mask.numpy(), [[True, False, True]])
    skip = nn.layers.Masking(mask_value=1.0)(nn.constant(np.array([[[1.0, 1.0], [1.0, 3.0]]])))
    np.testing.assert_array_equal(skip.numpy(), [[[0.0, 0.0], [1.0, 3.0]]])


def test_mask_passes_through_supporting_layers_and_is_refused_by_others(nn):
    L = nn.layers
    x = nn.Input(shape=(4,))
    e = L.Embedding(10, 3, mask_zero=True)(x)
    d = L.Dense(2)(L.Dropout(0.5)(e))
    assert e._keras_mask is True and d._keras_mask is True
    with pytest.raises(TypeError, match="Layer flatten_1 does not support masking"):
        L.Flatten()(e)
    out = L.Dense(2)(L.Dropout(0.5)(L.Embedding(10, 3, mask_zero=True)(nn.constant(np.array([[1, 0, 2]])))))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])


def test_masked_timesteps_do_not_count_in_the_loss(nn):
    """Keras' weighted_masked_objective: score * mask / mean(mask), then the mean."""
    x = nn.Input(shape=(3,))
    out = nn.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros")(
        nn.layers.Embedding(5, 2, mask_zero=True)(x))
    model = nn.models.Model(x, out)
    model.compile("sgd", "mse")
    ids = np.array([[1, 0, 2], [3, 4, 0]])
    y = np.array([[[1.0], [100.0], [2.0]], [[3.0], [4.0], [100.0]]])
    mask = (ids != 0).astype(float)
    per_step = (y[..., 0] ** 2) * mask / mask.mean()  # predictions are 0
    assert model.evaluate(ids, y, verbose=0) == pytest.approx(per_step.mean(), rel=1e-6)


def test_embedding_gradient_accumulates_repeated_indices(nn):
    layer = nn.layers.Embedding(4, 2)
    ids = nn.constant(np.array([[1, 1, 3]]))
    with nn.GradientTape() as tape:
        out = nn.ops.sum(layer(ids))
    g = tape.gradient(out, layer.embeddings).numpy()
    np.testing.assert_array_equal(g, [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_embedding_errors(nn):
    with pytest.raises(ValueError, match=r"Embedding embedding_1: indices must be in \[0, 4\)"):
        nn.layers.Embedding(4, 2)(nn.constant(np.array([[5]])))
    with pytest.raises(ValueError, match='"input_length" is 3, but received input has shape'):
        nn.layers.Embedding(4, 2, input_length=3).compute_output_shape((None, 5))


def test_book_imdb_embedding_flatten_model(nn):
    """DLwP 6.1: Embedding(10000, 8, input_length=20) + Flatten + Dense(1, sigmoid): 80,000 + 161 params."""
    L = nn.layers
    model = nn.models.Sequential([L.Embedding(10000, 8, input_length=20), L.Flatten(),
                                  L.Dense(1, activation="sigmoid")])
    lines = []
    model.summary(print_fn=lines.append)
    assert [line.split()[:3] for line in lines[3:8:2]] == [["embedding_1", "(Embedding)", "(None,"],
                                                          ["flatten_1", "(Flatten)", "(None,"],
                                                          ["dense_1", "(Dense)", "(None,"]]
    assert "(None, 20, 8)" in lines[3] and "80000" in lines[3] and "(None, 160)" in lines[5]
    assert lines[-4] == "Total params: 80,161"
    model.compile("rmsprop", "binary_crossentropy", metrics=["acc"])
    rng = np.random.default_rng(0)
    hist = model.fit(rng.integers(1, 10000, (32, 20)), rng.integers(0, 2, (32, 1)), epochs=1, batch_size=16,
                     verbose=0)
    assert list(hist.history) == ["loss", "acc"]


def test_masking_gradient_is_the_mask(nn):
    x = nn.Variable(np.array([[[1.0, 0.0], [0.0, 0.0], [0.0, 2.0]]]))
    with nn.GradientTape() as tape:
        out = nn.ops.sum(nn.layers.Masking()(x))
    np.testing.assert_array_equal(tape.gradient(out, x).numpy(), [[[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]])
