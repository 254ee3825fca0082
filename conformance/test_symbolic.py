"""Keras 2's backend on KerasTensors: ops on layer outputs, K.gradients, K.function, K.placeholder, and losses
that use a model's internal tensors (Foster's VAE kl_loss, WGAN-GP's gradient penalty). Expectations are
written with NumPy from the weights; semantics in conformance/spec/conventions/symbolic.md."""

import functools

import numpy as np
import pytest


def _dense_tanh(nn, seed=0):
    x = nn.Input(shape=(4,))
    dense = nn.layers.Dense(3, activation="tanh")
    y = dense(x)
    r = np.random.default_rng(seed)
    dense.set_weights([r.standard_normal((4, 3)).astype(np.float32), r.standard_normal(3).astype(np.float32)])
    return x, dense, y


def test_ops_on_keras_tensors_record_nodes_with_inferred_shapes(nn):
    K = nn.backend
    x = nn.Input(shape=(4,))
    assert K.mean(x, axis=0).shape == (4,)
    assert K.sum(x).shape == ()
    assert x[:, 1].shape == (None,)
    assert (2.0 * x + 1).shape == (None, 4)
    assert K.concatenate([x, K.square(x)], axis=-1).shape == (None, 8)
    with pytest.raises(TypeError, match="symbolic"):
        bool(K.sum(x))


def test_function_with_gradients_with_respect_to_the_input(nn):
    """Filter visualisation's pattern (DLwP 5.4.2): loss = K.mean(layer_output[:, j]); grads wrt model.input."""
    K = nn.backend
    x, dense, y = _dense_tanh(nn)
    loss = K.mean(K.square(y[:, 1]))
    grads = K.gradients(loss, x)[0]
    assert grads.shape == (None, 4)
    iterate = K.function([x], [loss, grads])
    a = np.random.default_rng(1).random((5, 4)).astype(np.float32)
    value, g = iterate([a])
    w, b = (v.astype(np.float64) for v in dense.get_weights())
    h = np.tanh(a.astype(np.float64) @ w + b)
    np.testing.assert_allclose(value, np.mean(h[:, 1] ** 2), rtol=1e-5)
    want = (2 * h[:, 1] * (1 - h[:, 1] ** 2) / 5)[:, None] * w[:, 1][None, :]
    np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-7)
    assert isinstance(value, np.ndarray) and isinstance(g, np.ndarray)


def test_gradients_with_respect_to_an_intermediate_layer_output(nn):
    """Grad-CAM's pattern (DLwP 5.4.3): gradients of a class score with respect to a conv layer's output."""
    K = nn.backend
    inp = nn.Input(shape=(3, 3, 1))
    conv = nn.layers.Conv2D(2, 2, name="last_conv")
    pooled = nn.layers.GlobalAveragePooling2D()(conv(inp))
    dense = nn.layers.Dense(3)
    model = nn.models.Model(inp, dense(pooled))
    score = model.output[:, 2]
    grads = K.gradients(score, model.get_layer("last_conv").output)[0]
    pooled_grads = K.mean(grads, axis=(0, 1, 2))
    iterate = K.function([model.input], [pooled_grads, model.get_layer("last_conv").output[0]])
    a = np.random.default_rng(2).random((1, 3, 3, 1)).astype(np.float32)
    pg, conv_out = iterate([a])
    w = dense.get_weights()[0].astype(np.float64)
    np.testing.assert_allclose(pg, w[:, 2] / 4, rtol=1e-6)  # d score / d conv = W[:, 2] / (2 * 2) everywhere
    assert conv_out.shape == (2, 2, 2)


def test_placeholder_and_constants_build_an_input_tensor(nn):
    """Style transfer's pattern (DLwP 8.3): K.concatenate of constants and a placeholder feeds a network."""
    K = nn.backend
    target, style = np.full((1, 2, 2, 1), 0.5, np.float32), np.full((1, 2, 2, 1), -1.0, np.float32)
    combination = K.placeholder((1, 2, 2, 1))
    batch = K.concatenate([K.constant(target), K.constant(style), combination], axis=0)
    assert batch.shape == (3, 2, 2, 1)
    features = nn.layers.Conv2D(1, 1, use_bias=False, kernel_initializer="ones")(batch)
    loss = K.sum(K.square(features[2] - features[0]))
    grads = K.gradients(loss, combination)[0]
    f = K.function([combination], [loss, grads])
    c = np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1)
    value, g = f([c])
    np.testing.assert_allclose(value, np.sum((c - 0.5) ** 2), rtol=1e-6)
    np.testing.assert_allclose(g, 2 * (c - 0.5), rtol=1e-6)


def test_function_argument_errors(nn):
    K = nn.backend
    x, _, y = _dense_tanh(nn)
    f = K.function([x], [y])
    with pytest.raises(ValueError, match="expects 1 input"):
        f([])
    with pytest.raises(TypeError, match="inputs must be KerasTensors"):
        K.function([np.zeros(3)], [y])


def test_losses_and_metrics_on_keras_tensors_outside_a_model(nn):
    """nn.losses.* / nn.metrics.* on layer outputs record graph nodes that K.function evaluates, as in Keras 2
    (``K.function([x, t], [metrics.categorical_accuracy(t, y)])``)."""
    K = nn.backend
    x, dense, y = _dense_tanh(nn)
    t = nn.Input(shape=(3,))
    acc = nn.metrics.categorical_accuracy(t, y)
    mse = nn.losses.mean_squared_error(t, y)
    bin_acc = nn.metrics.binary_accuracy(t, y)
    assert acc.shape == (None,) and mse.shape == (None,) and bin_acc.shape == (None,)
    a = np.random.default_rng(2).random((6, 4)).astype(np.float32)
    target = np.eye(3, dtype=np.float32)[[0, 1, 2, 2, 1, 0]]
    got_acc, got_mse, got_bin = K.function([x, t], [acc, mse, bin_acc])([a, target])
    w, b = (v.astype(np.float64) for v in dense.get_weights())
    h = np.tanh(a.astype(np.float64) @ w + b)
    np.testing.assert_array_equal(got_acc, (h.argmax(-1) == target.argmax(-1)).astype(np.float32))
    np.testing.assert_allclose(got_mse, np.mean((h - target) ** 2, axis=-1), rtol=1e-5)
    np.testing.assert_allclose(got_bin, np.mean(target == np.round(h), axis=-1), rtol=1e-6)
    assert nn.metrics.mse is nn.losses.mse is nn.losses.get("mean_squared_error")


def _vae_like(nn):
    """An encoder giving mu and log_var and a decoder from both (no sampling: the loss is exact)."""
    inp = nn.Input(shape=(3,))
    mu = nn.layers.Dense(2, name="mu")(inp)
    log_var = nn.layers.Dense(2, name="log_var")(inp)
    out = nn.layers.Dense(3, name="decoder")(nn.layers.concatenate([mu, log_var]))
    return nn.models.Model(inp, out), mu, log_var


def test_a_loss_may_use_the_models_internal_tensors(nn):
    """Foster's VAE (ch. 3): kl_loss closes over self.mu and self.log_var; in each batch they are that batch's."""
    K = nn.backend
    model, mu, log_var = _vae_like(nn)

    def vae_loss(y_true, y_pred):
        r_loss = K.mean(K.square(y_true - y_pred), axis=1)
        kl_loss = -0.5 * K.sum(1 + log_var - K.square(mu) - K.exp(log_var), axis=1)
        return 1000 * r_loss + kl_loss

    model.compile(optimizer=nn.optimizers.SGD(lr=0.0), loss=vae_loss)
    a = np.random.default_rng(3).random((4, 3)).astype(np.float32)
    w = {n: [v.astype(np.float64) for v in model.get_layer(n).get_weights()] for n in ("mu", "log_var", "decoder")}
    m = a @ w["mu"][0] + w["mu"][1]
    lv = a @ w["log_var"][0] + w["log_var"][1]
    out = np.concatenate([m, lv], axis=1) @ w["decoder"][0] + w["decoder"][1]
    want = np.mean(1000 * np.mean((a - out) ** 2, axis=1) - 0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=1))
    np.testing.assert_allclose(model.train_on_batch(a, a), want, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(a, a, verbose=0), want, rtol=1e-5)
    other = nn.Input(shape=(3,))
    model.compile("sgd", loss=lambda t, p: K.mean(K.square(other)))
    with pytest.raises(ValueError, match="not computed by the model"):
        model.train_on_batch(a, a)


def _gradient_penalty_loss(K, y_true, y_pred, interpolated_samples):
    """WGAN-GP (Foster ch. 4): (||d critic / d interpolated|| - 1)^2 per sample."""
    gradients = K.gradients(y_pred, interpolated_samples)[0]
    norm = K.sqrt(K.sum(K.square(gradients), axis=[1, 2]))
    return K.square(1 - norm)


def test_gradient_penalty_loss_trains_through_the_gradient_of_the_critic(nn):
    """The loss differentiates the critic with respect to an internal tensor, and training differentiates that
    again: for a linear critic y = <w, flatten(x)> + b the penalty is (||w|| - 1)^2 whatever the input, and one
    SGD step moves w by lr * 2 (||w|| - 1) w / ||w||."""
    K = nn.backend
    inp = nn.Input(shape=(2, 2))
    interpolated = nn.layers.Lambda(lambda t: t * 1.0, name="interpolated")(inp)
    critic = nn.layers.Dense(1, name="critic")
    out = critic(nn.layers.Flatten()(interpolated))
    model = nn.models.Model(inp, out)
    loss = functools.partial(_gradient_penalty_loss, K, interpolated_samples=interpolated)
    loss.__name__ = "gradient_penalty"
    model.compile(optimizer=nn.optimizers.SGD(lr=0.1), loss=loss)
    w0 = critic.get_weights()[0].astype(np.float64)[:, 0]
    norm = np.linalg.norm(w0)
    a = np.random.default_rng(4).random((3, 2, 2)).astype(np.float32)
    value = model.train_on_batch(a, np.zeros((3, 1), np.float32))
    np.testing.assert_allclose(value, (norm - 1) ** 2, rtol=1e-4)  # float32: ||w|| - 1 cancels digits
    w1 = critic.get_weights()[0].astype(np.float64)[:, 0]
    np.testing.assert_allclose(w1, w0 - 0.1 * 2 * (norm - 1) * w0 / norm, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(critic.get_weights()[1], 0.0)  # the penalty does not depend on the bias
    np.testing.assert_allclose(model.evaluate(a, np.zeros((3, 1)), verbose=0),
                               (np.linalg.norm(w1) - 1) ** 2, rtol=1e-4)


def test_graph_nodes_made_by_ops_have_unique_names(nn):
    """Many op nodes in one graph (style transfer adds dozens of losses): every node name is unique, so a
    K.function over them builds (names from object ids can repeat once earlier nodes are freed)."""
    K = nn.backend
    x = nn.Input(shape=(2,))
    total = K.sum(x)
    for _ in range(300):
        total = total + K.sum(K.square(x)) * 0.0
    f = K.function([x], [total])
    np.testing.assert_allclose(f([np.ones((1, 2), np.float32)])[0], 2.0)
