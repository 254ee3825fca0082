"""How the books train their models: data loading, preprocessing, fit and evaluate, as printed.

Each recipe is the book's code with its imports changed: the data come from
``nnspec.reference.datasets`` (host NumPy arrays, the same for both implementations, read from the
local cache that ``python -m nnspec datasets fetch NAME`` fills), the labels go through
``nnspec.reference.utils.to_categorical``, the model is the zoo entry built and compiled with the
implementation ``nn``. ``fit`` prints the Keras progress bar where the book's fit does (the
Boston K-fold fits are silent in the book, and here), and the recipe prints the book's final
numbers in the book's form (``test_acc: 0.9785``).

:func:`run` options: ``epochs`` replaces the epoch count of every ``fit`` of the recipe;
``synthetic=True`` feeds small random arrays with the real data's shapes, dtypes and value ranges
instead of the dataset (a smoke test of the whole recipe, offline); ``seed`` seeds NumPy's global
generator (Keras' shuffling) and the weight initializers; ``cache_dir`` is the dataset cache
(``$NNSPEC_DATA`` for the duration of the run).
"""

import contextlib
import importlib
import os
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Result", "RECIPES", "check_options", "options", "run", "vectorize_sequences"]


@dataclass
class Result:
    """What a recipe returns: the History of its last fit, the final evaluation (name -> value), extras."""
    history: object
    evaluation: dict
    extras: dict = field(default_factory=dict)


class _Context:
    def __init__(self, nn, epochs, synthetic, verbose, print_fn, declared=None, options=None):
        self.nn, self.synthetic, self.verbose, self.print = nn, synthetic, verbose, print_fn
        self._epochs = epochs
        self._declared, self._options = declared or {}, options or {}
        self.rng = np.random.default_rng(0)

    def epochs(self, book):
        return book if self._epochs is None else int(self._epochs)

    def option(self, name):
        """A recipe option (see :func:`options`): the value given to :func:`run`, else its default (the
        synthetic default under ``synthetic``)."""
        if name in self._options:
            return self._options[name]
        default, synthetic_default, _ = self._declared[name]
        return synthetic_default if self.synthetic else default

    def split(self, book, n):
        """The book's validation slice size, scaled to the small synthetic sets."""
        return book if not self.synthetic else max(1, n // 4)

    def load(self, dataset, **kwargs):
        if self.synthetic:
            return _SYNTHETIC[dataset](self.rng, **kwargs)
        module = importlib.import_module(f"nnspec.reference.datasets.{dataset}")
        return module.load_data(**kwargs)


def _to_categorical(y, num_classes=None):
    from nnspec.reference.utils import to_categorical
    return to_categorical(y, num_classes)


def _evaluation(model, values):
    values = values if isinstance(values, list) else [values]
    return dict(zip(model.metrics_names, (float(v) for v in values)))


def options(**declared):
    """Declare the options a recipe takes: ``name=(default, synthetic default, help)``. :func:`run` passes
    its extra keyword arguments to the recipe as these options and refuses any other."""
    def mark(recipe):
        recipe.options = declared
        return recipe
    return mark


def vectorize_sequences(sequences, dimension=10000):
    """DLwP Listing 3.9 / L2124: multi-hot rows (1. at each word index of a sequence).

    The book makes float64 rows with ``np.zeros``; these are float32 (the same 0/1 values, the dtype
    fit feeds the model), which halves the memory of the (25000, 10000) IMDB matrices.
    """
    results = np.zeros((len(sequences), dimension), dtype="float32")
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1.
    return results


# -- Chollet ---------------------------------------------------------------------------------------------------

def mnist(entry, ctx):
    """DLwP 2.1 (L453-L570): reshape to (60000, 784) float32 / 255, one-hot labels, fit 5 epochs of 128."""
    (train_images, train_labels), (test_images, test_labels) = ctx.load("mnist")
    network = entry.make(ctx.nn, compile=True)
    train_images = train_images.reshape((len(train_images), 28 * 28))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28 * 28))
    test_images = test_images.astype("float32") / 255
    train_labels = _to_categorical(train_labels)
    test_labels = _to_categorical(test_labels)
    history = network.fit(train_images, train_labels, epochs=ctx.epochs(5), batch_size=128, verbose=ctx.verbose)
    test_loss, test_acc = network.evaluate(test_images, test_labels, verbose=ctx.verbose)
    ctx.print("test_acc:", test_acc)
    return Result(history, _evaluation(network, [test_loss, test_acc]))


def mnist_convnet(entry, ctx):
    """DLwP 5.1, Listing 5.5 (L3457-L3493): reshape to (n, 28, 28, 1) float32 / 255, one-hot labels, fit 5 epochs
    of 64, evaluate on the test set (the book: ``0.990800000000000001``).

    The book reshapes to ``(60000, 28, 28, 1)`` and ``(10000, 28, 28, 1)``; the recipe uses the arrays' lengths
    (the same on the real data, and it runs on the small synthetic sets).
    """
    (train_images, train_labels), (test_images, test_labels) = ctx.load("mnist")
    train_images = train_images.reshape((len(train_images), 28, 28, 1))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28, 28, 1))
    test_images = test_images.astype("float32") / 255
    train_labels = _to_categorical(train_labels)
    test_labels = _to_categorical(test_labels)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(train_images, train_labels, epochs=ctx.epochs(5), batch_size=64, verbose=ctx.verbose)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=ctx.verbose)
    ctx.print("test_acc:", test_acc)
    return Result(history, _evaluation(model, [test_loss, test_acc]))


def _imdb_data(ctx):
    (train_data, train_labels), (test_data, test_labels) = ctx.load("imdb", num_words=10000)
    x_train, x_test = vectorize_sequences(train_data), vectorize_sequences(test_data)
    y_train = np.asarray(train_labels).astype("float32")
    y_test = np.asarray(test_labels).astype("float32")
    return x_train, y_train, x_test, y_test


def imdb(entry, ctx):
    """DLwP 3.4 final run (L1981-L2000): the whole training set, 4 epochs of 512, evaluate on the test set."""
    x_train, y_train, x_test, y_test = _imdb_data(ctx)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, epochs=ctx.epochs(4), batch_size=512, verbose=ctx.verbose)
    results = model.evaluate(x_test, y_test, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


def imdb_validation(entry, ctx):
    """DLwP 3.4 / 4.4 comparisons (L1881-L1902): the first 10,000 reviews held out, 20 epochs of 512.

    Chapter 4 plots the validation loss of its variants without restating the setup; this is the
    chapter 3 setup it refers to. The result is the last epoch's validation loss and accuracy.
    """
    x_train, y_train, _, _ = _imdb_data(ctx)
    n_val = ctx.split(10000, len(x_train))
    x_val, partial_x_train = x_train[:n_val], x_train[n_val:]
    y_val, partial_y_train = y_train[:n_val], y_train[n_val:]
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(partial_x_train, partial_y_train, epochs=ctx.epochs(20), batch_size=512,
                        validation_data=(x_val, y_val), verbose=ctx.verbose)
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    ctx.print(f"lowest val_loss {val_loss[best]:.4f} at epoch {best + 1}")
    return Result(history, {k[4:]: v[-1] for k, v in history.history.items() if k.startswith("val_")},
                  {"best_epoch": best + 1})


def _reuters_data(ctx):
    (train_data, train_labels), (test_data, test_labels) = ctx.load("reuters", num_words=10000)
    x_train, x_test = vectorize_sequences(train_data), vectorize_sequences(test_data)
    one_hot_train_labels = _to_categorical(train_labels)
    one_hot_test_labels = _to_categorical(test_labels)
    n_val = ctx.split(1000, len(x_train))
    return (x_train[n_val:], one_hot_train_labels[n_val:], x_train[:n_val], one_hot_train_labels[:n_val],
            x_test, one_hot_test_labels)


def reuters(entry, ctx):
    """DLwP 3.5 final run (L2281-L2303): 9 epochs of 512 with the 1,000 held-out wires, evaluate on the test set."""
    partial_x_train, partial_y_train, x_val, y_val, x_test, one_hot_test_labels = _reuters_data(ctx)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(partial_x_train, partial_y_train, epochs=ctx.epochs(9), batch_size=512,
                        validation_data=(x_val, y_val), verbose=ctx.verbose)
    results = model.evaluate(x_test, one_hot_test_labels, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


def reuters_bottleneck(entry, ctx):
    """DLwP 3.5, Listing 3.50 (L2381-L2397): 20 epochs of 128 (not 512); the book reports a ~71% validation peak."""
    partial_x_train, partial_y_train, x_val, y_val, _, _ = _reuters_data(ctx)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(partial_x_train, partial_y_train, epochs=ctx.epochs(20), batch_size=128,
                        validation_data=(x_val, y_val), verbose=ctx.verbose)
    val_acc = history.history["val_acc"]
    ctx.print(f"peak val_acc {max(val_acc):.4f} at epoch {int(np.argmax(val_acc)) + 1}")
    return Result(history, {k[4:]: v[-1] for k, v in history.history.items() if k.startswith("val_")},
                  {"peak_val_acc": max(val_acc)})


def boston_kfold(entry, ctx):
    """DLwP 3.6 (L2484-L2711): normalise with the training mean/std, 4-fold validation (100 epochs, batch 1,
    silent), then a fresh model on all the training data (80 epochs, batch 16, silent) evaluated on the test set.

    The book's 500-epoch K-fold run (L2604-L2641) only chooses the 80 epochs; it is left out.
    """
    (train_data, train_targets), (test_data, test_targets) = ctx.load("boston_housing")
    train_data, test_data = train_data.copy(), test_data.copy()
    mean = train_data.mean(axis=0)
    train_data -= mean
    std = train_data.std(axis=0)
    train_data /= std
    test_data -= mean
    test_data /= std

    def build_model(fresh):
        return entry.make(ctx.nn, compile=True, fresh=fresh)

    k = 4
    num_val_samples = len(train_data) // k
    num_epochs = ctx.epochs(100)
    all_scores = []
    for i in range(k):
        ctx.print("processing fold #", i)
        val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
        val_targets = train_targets[i * num_val_samples: (i + 1) * num_val_samples]
        partial_train_data = np.concatenate(
            [train_data[:i * num_val_samples], train_data[(i + 1) * num_val_samples:]], axis=0)
        partial_train_targets = np.concatenate(
            [train_targets[:i * num_val_samples], train_targets[(i + 1) * num_val_samples:]], axis=0)
        model = build_model(fresh=i == 0)
        model.fit(partial_train_data, partial_train_targets, epochs=num_epochs, batch_size=1, verbose=0)
        val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
        all_scores.append(val_mae)
    ctx.print("all_scores:", all_scores)
    ctx.print("mean:", np.mean(all_scores))

    model = build_model(fresh=False)
    history = model.fit(train_data, train_targets, epochs=ctx.epochs(80), batch_size=16, verbose=0)
    test_mse_score, test_mae_score = model.evaluate(test_data, test_targets, verbose=ctx.verbose)
    ctx.print("test_mae_score:", test_mae_score)
    return Result(history, _evaluation(model, [test_mse_score, test_mae_score]),
                  {"all_scores": all_scores, "mean_val_mae": float(np.mean(all_scores))})


def random_dummy(entry, ctx):
    """DLwP 7.1.1, Listing 7.5 (L7415-L7440): random (1000, 64) inputs and (1000, 10) targets, 10 epochs of 128,
    evaluated on the training data. The data is the book's own random data (also under ``synthetic``)."""
    model = entry.make(ctx.nn, compile=True)
    x_train = np.random.random((1000, 64))
    y_train = np.random.random((1000, 10))
    history = model.fit(x_train, y_train, epochs=ctx.epochs(10), batch_size=128, verbose=ctx.verbose)
    score = model.evaluate(x_train, y_train, verbose=ctx.verbose)
    ctx.print("score:", score)
    return Result(history, _evaluation(model, score))


# -- Foster ---------------------------------------------------------------------------------------------------

def cifar10(entry, ctx):
    """GDL ch. 2 (F0:236-380): pixels / 255.0 as float32, one-hot labels, fit 10 epochs of 32 with shuffle,
    evaluate on the test set (the book: ``[1.4358007415771485, 0.4896]``)."""
    (x_train, y_train), (x_test, y_test) = ctx.load("cifar10")
    num_classes = 10
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    y_train = _to_categorical(y_train, num_classes)
    y_test = _to_categorical(y_test, num_classes)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, batch_size=32, epochs=ctx.epochs(10), shuffle=True, verbose=ctx.verbose)
    results = model.evaluate(x_test, y_test, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


# -- Watson -----------------------------------------------------------------------------------------------------

def sum_and_squares(entry, ctx):
    """DATA 2040 §1.2.1 (L89-L134): x ~ N(0, I_3), targets [sum x, sum x^2]; 4*10^4 training and 10^4 test rows,
    10 epochs of 100, evaluate, predict at (1, 1, 1). ``synthetic`` uses n = 100 instead of 10^4."""
    n = 100 if ctx.synthetic else pow(10, 4)
    x_train = np.random.randn(4 * n, 3)
    y_train = np.column_stack((np.sum(x_train, axis=1), np.sum(pow(x_train, 2), axis=1)))
    x_test = np.random.randn(n, 3)
    y_test = np.column_stack((np.sum(x_test, axis=1), np.sum(pow(x_test, 2), axis=1)))
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, epochs=ctx.epochs(10), batch_size=100, verbose=ctx.verbose)
    results = model.evaluate(x_test, y_test, verbose=ctx.verbose)
    ctx.print(results)
    prediction = model.predict(np.expand_dims([1, 1, 1], 0))
    ctx.print("predict([1, 1, 1]):", prediction, "(exact: [[3. 3.]])")
    return Result(history, _evaluation(model, results), {"prediction": prediction})


def fashion_autoencoder(entry, ctx):
    """DATA 2040 §1.5.1 (L466-L489): Fashion-MNIST / 255.0, fit(x_train, x_train, 5 epochs of 128). The notes then
    only plot predictions; the recipe also evaluates the reconstruction loss on the test images."""
    (x_train, _), (x_test, _) = ctx.load("fashion_mnist")
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, x_train, epochs=ctx.epochs(5), batch_size=128, verbose=ctx.verbose)
    loss = model.evaluate(x_test, x_test, verbose=ctx.verbose)
    ctx.print("test reconstruction loss:", loss)
    return Result(history, _evaluation(model, loss))


def fashion_cnn(entry, ctx):
    """DATA 2040 §1.4.1 cnn-first-example (L337-L356): Fashion-MNIST with a channel axis (``[:, :, :, np.newaxis]``,
    the pixels left as 0..255 integers: the notes do not rescale), integer labels for
    ``sparse_categorical_crossentropy``, fit 5 epochs of 64, evaluate (the notes: "~87.7%")."""
    (train_images, train_labels), (test_images, test_labels) = ctx.load("fashion_mnist")
    train_images = train_images[:, :, :, np.newaxis]
    test_images = test_images[:, :, :, np.newaxis]
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(train_images, train_labels, epochs=ctx.epochs(5), batch_size=64, verbose=ctx.verbose)
    results = model.evaluate(test_images, test_labels, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


def fashion_cnn_bn(entry, ctx):
    """DATA 2040 §4.1.3 batch-norm-example (L1116-L1150): the same data (not rescaled), fit 5 epochs with the
    default batch size 32, evaluate (the notes: 91.1%, "up from 87.7%").

    The notes add the channel axis with ``[:,:,:,:np.newaxis]``, four indices on a 3-D array (an IndexError);
    the recipe uses ``[:, :, :, np.newaxis]`` as cnn-first-example does.
    """
    (train_images, train_labels), (test_images, test_labels) = ctx.load("fashion_mnist")
    train_images = train_images[:, :, :, np.newaxis]
    test_images = test_images[:, :, :, np.newaxis]
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(train_images, train_labels, epochs=ctx.epochs(5), verbose=ctx.verbose)
    results = model.evaluate(test_images, test_labels, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


def train_test_split(*arrays, test_size, random_state):
    """scikit-learn's ``train_test_split(*arrays, test_size=..., random_state=...)`` (shuffled, unstratified):
    ``n_test = ceil(test_size * n)``, the permutation of ``np.random.RandomState(random_state)``; its first
    ``n_test`` indices are the test rows, the rest the training rows (in permutation order). Returns
    ``train_0, test_0, train_1, test_1, ...`` as scikit-learn does."""
    n = len(arrays[0])
    n_test = int(np.ceil(test_size * n))
    permutation = np.random.RandomState(random_state).permutation(n)
    test, train = permutation[:n_test], permutation[n_test:]
    return [part for a in arrays for part in (a[train], a[test])]


def fashion_cnn_bn_dropout(entry, ctx):
    """DATA 2040 §4.3.4 fashion-mnist-bn-dropout (L1451-L1529): 20% of the training images held out
    (``train_test_split(test_size=0.2, random_state=42)``), pixels / 255.0 with a channel axis, fit up to 100
    epochs of 128 with ``EarlyStopping(monitor='val_acc', patience=10, mode='max', verbose=1)``, evaluate on the
    test set (the notes: 93.5%).

    The notes write ``[:,:,:,:None]`` (an IndexError on a 3-D array; ``[:, :, :, None]`` here) and use
    ``fashion_mnist`` without importing it.
    """
    nn = ctx.nn
    (train_images, train_labels), (test_images, test_labels) = ctx.load("fashion_mnist")
    if ctx.synthetic:  # a quarter of the synthetic set: three 28x28x64 convolutions are slow on the host
        train_images, train_labels = train_images[:64], train_labels[:64]
        test_images, test_labels = test_images[:16], test_labels[:16]
    train_images, val_images, train_labels, val_labels = train_test_split(
        train_images, train_labels, test_size=0.2, random_state=42)

    train_images = train_images[:, :, :, None] / 255.0
    val_images = val_images[:, :, :, None] / 255.0
    test_images = test_images[:, :, :, None] / 255.0

    callbacks = [nn.callbacks.EarlyStopping(monitor="val_acc", patience=10, mode="max", verbose=ctx.verbose)]
    model = entry.make(nn, compile=True)
    history = model.fit(train_images, train_labels, batch_size=128, epochs=ctx.epochs(100),
                        validation_data=(val_images, val_labels), shuffle=True, callbacks=callbacks,
                        verbose=ctx.verbose)
    results = model.evaluate(test_images, test_labels, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results), {"epochs_run": len(history.epoch)})


def svd(entry, ctx):
    """DATA 2040 §2.5 (L846-L883): ``np.random.seed(123)``, A = randn(50, 50), its rank-10 truncation A_k, the
    linear autoencoder fit on (A, A) for 10,000 epochs (default batch 32), then ``norm(A_k - svd.predict(A))``
    (the notes: 0.0107)."""
    np.random.seed(123)
    A = np.random.randn(50, 50)
    U, S, Vt = np.linalg.svd(A)
    S[10:] = 0
    A_k = U @ np.diag(S) @ Vt
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(A, A, epochs=ctx.epochs(10000), verbose=ctx.verbose)
    distance = float(np.linalg.norm(A_k - model.predict(A)))
    ctx.print("norm(A_k - svd.predict(A)):", distance)
    return Result(history, {"norm": distance})


RECIPES = {f.__name__: f for f in (mnist, imdb, imdb_validation, reuters, reuters_bottleneck, boston_kfold,
                                   random_dummy, cifar10, sum_and_squares, fashion_autoencoder, svd,
                                   mnist_convnet, fashion_cnn, fashion_cnn_bn, fashion_cnn_bn_dropout)}


# -- synthetic stand-ins for the datasets: the real shapes, dtypes and value ranges, few samples --------------

def _classes(rng, n, k):
    return rng.permutation(np.arange(n) % k).astype("uint8" if k <= 256 else "int64")


def _images(rng, n_train, n_test, shape, k, label_shape=()):
    def part(n):
        return (rng.integers(0, 256, (n,) + shape, dtype="uint8"), _classes(rng, n, k).reshape((n,) + label_shape))
    return part(n_train), part(n_test)


def _sequences(rng, n_train, n_test, k, num_words=None):
    top = num_words or 10000

    def part(n):
        xs = np.empty(n, dtype=object)
        for i in range(n):
            xs[i] = [1] + rng.integers(2, top, rng.integers(5, 60)).tolist()
        return xs, _classes(rng, n, k).astype("int64")
    return part(n_train), part(n_test)


def _boston(rng, **kwargs):
    scales = np.array([10., 20., 10., 1., 0.5, 6., 70., 4., 10., 400., 20., 400., 13.])

    def part(n):
        x = rng.random((n, 13)) * scales
        y = 20. + (x / scales - 0.5) @ rng.normal(0, 5, 13) + rng.normal(0, 1, n)
        return x, y
    return part(64), part(16)


_SYNTHETIC = {
    "mnist": lambda rng, **kw: _images(rng, 256, 64, (28, 28), 10),
    "fashion_mnist": lambda rng, **kw: _images(rng, 256, 64, (28, 28), 10),
    "cifar10": lambda rng, **kw: _images(rng, 128, 32, (32, 32, 3), 10, (1,)),
    "imdb": lambda rng, **kw: _sequences(rng, 128, 32, 2, kw.get("num_words")),
    "reuters": lambda rng, **kw: _sequences(rng, 184, 46, 46, kw.get("num_words")),
    "boston_housing": _boston,
}

# the books' sequence models (nnspec.zoo.sequence_recipes uses Result and options, so it is imported once they exist)
from . import sequence_recipes  # noqa: E402

RECIPES.update(sequence_recipes.RECIPES)
_SYNTHETIC.update(sequence_recipes.SYNTHETIC)

# the generative models (their modules import this one only inside their functions)
from . import autoencoders, chollet_generative, gans  # noqa: E402

RECIPES.update(autoencoders.GENERATIVE_RECIPES)
RECIPES.update(gans.GAN_RECIPES)
RECIPES.update(chollet_generative.CHOLLET_GENERATIVE_RECIPES)


@contextlib.contextmanager
def _data_dir(cache_dir):
    if cache_dir is None:
        yield
        return
    old = os.environ.get("NNSPEC_DATA")
    os.environ["NNSPEC_DATA"] = os.fspath(cache_dir)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("NNSPEC_DATA", None)
        else:
            os.environ["NNSPEC_DATA"] = old


def check_options(entry, recipe_options):
    """The options the recipe of ``entry`` declares; a ``ValueError`` naming them if ``recipe_options`` has
    another."""
    declared = getattr(RECIPES[entry.recipe], "options", {})
    unknown = sorted(set(recipe_options) - set(declared))
    if unknown:
        takes = "the options " + ", ".join(declared) if declared else "no options"
        raise ValueError(f"nnspec zoo: the recipe {entry.recipe!r} of {entry.name!r} takes {takes}; got "
                         f"{', '.join(unknown)}")
    return declared


def run(entry, nn, epochs=None, synthetic=False, verbose=1, seed=None, cache_dir=None, print_fn=print,
        **recipe_options):
    """Train zoo entry ``entry`` with implementation ``nn`` by the book's recipe; returns a :class:`Result`.

    ``recipe_options`` are the options the recipe declares (``RECIPES[name].options``: e.g.
    ``steps_per_epoch`` of the Jena recipes, ``chars`` of the text generator); any other is a
    ``ValueError`` naming the ones it takes. A missing dataset raises ``DatasetNotFoundError`` (its
    message says how to fill the cache); an entry the book trains on no data raises ``ValueError``.
    """
    if entry.recipe is None:
        raise ValueError(f"nnspec zoo: the book gives no training recipe for {entry.name!r} ({entry.section})")
    recipe = RECIPES[entry.recipe]
    declared = check_options(entry, recipe_options)
    if seed is not None:
        np.random.seed(seed)
        nn.random.seed(seed)
    ctx = _Context(nn, epochs, synthetic, verbose, print_fn, declared, recipe_options)
    with _data_dir(cache_dir):
        return recipe(entry, ctx)
