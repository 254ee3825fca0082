"""How the books train their sequence models (DLwP chapters 6-8, DATA 2040 §1.5.2), as printed.

The conventions of :mod:`nnspec.zoo.recipes` (imported from there into ``RECIPES``): the book's code
with its imports changed, host NumPy data from ``nnspec.reference.datasets`` and
``nnspec.reference.preprocessing``, the entry built and compiled with the implementation ``nn``,
``epochs`` replacing the book's epoch counts, ``synthetic`` feeding small made-up data of the real
data's shapes and types. Where the book's data is not offline the recipe names its stand-in:

- IMDB (pre-tokenised): the user-supplied ``imdb.npz`` (``nn.datasets.imdb``), as the dense recipes;
- raw IMDB text: the SpamAssassin e-mails, ``nn.datasets.spam_assassin.load_data(test_split=0.2,
  seed=113)`` (1 = spam), through the book's Tokenizer / pad_sequences pipeline;
- Jena climate: ``nn.datasets.weather.load_data()`` -> ``(float_data (N, F) float32, columns)``, hourly
  rows, so lookback 1440 / step 6 / delay 144 become 240 h / 1 / 24 h (:mod:`nnspec.zoo.timeseries`),
  split at the book's proportions and normalised with the training part's mean and std;
- Nietzsche: ``nn.datasets.moby_dick`` (or ``shakespeare``) text, lower-cased as the book does.

Recipe options (``run(..., name=value)``, ``zoo train NAME --option name=value``) are declared with
:func:`nnspec.zoo.recipes.options` on each recipe: (default, synthetic default, help).
"""

import inspect

import numpy as np

from . import textgen, timeseries
from .recipes import Result, _evaluation, _to_categorical, options

__all__ = ["RECIPES", "SYNTHETIC"]


def _pad_sequences(sequences, maxlen):
    from nnspec.reference.preprocessing.sequence import pad_sequences
    return pad_sequences(sequences, maxlen=maxlen)


def _tokenizer(num_words):
    from nnspec.reference.preprocessing.text import Tokenizer
    return Tokenizer(num_words=num_words)


def _validation(history):
    """The last epoch's validation values, named as the metrics (``val_acc`` -> ``acc``)."""
    return {k[4:]: v[-1] for k, v in history.history.items() if k.startswith("val_")}


def _last_epoch(history):
    return {k: v[-1] for k, v in history.history.items()}


# -- DLwP 6.1-6.4 on IMDB ---------------------------------------------------------------------------------------

def imdb_embedding(entry, ctx):
    """DLwP 6.1.2, Listings 6.6-6.7 (L5621-L5666): ``imdb.load_data(num_words=10000)``, the first 20 words
    (``pad_sequences(maxlen=20)``), 10 epochs of 32 with ``validation_split=0.2`` (the book: "~76%"). The result is
    the last epoch's validation loss and accuracy."""
    max_features = 10000
    maxlen = 20
    (x_train, y_train), (x_test, y_test) = ctx.load("imdb", num_words=max_features)
    x_train = _pad_sequences(x_train, maxlen=maxlen)
    x_test = _pad_sequences(x_test, maxlen=maxlen)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, epochs=ctx.epochs(10), batch_size=32, validation_split=0.2,
                        verbose=ctx.verbose)
    ctx.print(f"val_acc: {history.history['val_acc'][-1]}")
    return Result(history, _validation(history))


def _imdb_padded(ctx, reverse=False):
    max_features = 10000  # number of words to consider as features
    maxlen = 500  # cut texts after this number of words (among top max_features most common words)
    ctx.print("Loading data...")
    (input_train, y_train), (input_test, y_test) = ctx.load("imdb", num_words=max_features)
    ctx.print(len(input_train), "train sequences")
    ctx.print(len(input_test), "test sequences")
    if reverse:  # Listing 6.49
        input_train = [x[::-1] for x in input_train]
        input_test = [x[::-1] for x in input_test]
    ctx.print("Pad sequences (samples x time)")
    input_train = _pad_sequences(input_train, maxlen=maxlen)
    input_test = _pad_sequences(input_test, maxlen=maxlen)
    ctx.print("input_train shape:", input_train.shape)
    ctx.print("input_test shape:", input_test.shape)
    return input_train, y_train


def _imdb_fit(entry, ctx, input_train, y_train):
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(input_train, y_train, epochs=ctx.epochs(10), batch_size=128, validation_split=0.2,
                        verbose=ctx.verbose)
    ctx.print(f"val_acc: {history.history['val_acc'][-1]}")
    return Result(history, _validation(history))


def imdb_rnn(entry, ctx):
    """DLwP 6.2-6.4 (Listings 6.26-6.27, 6.31, 6.50, 6.52-6.53; L6170-L6207, L7019-L7072): 10,000 words, reviews cut
    or padded to 500, 10 epochs of 128 with ``validation_split=0.2``; the result is the last epoch's validation loss
    and accuracy (the book: SimpleRNN "up to 85%", LSTM "up to 89%", bidirectional "above 89%", 1D convnet
    "somewhat lower than the LSTM")."""
    input_train, y_train = _imdb_padded(ctx)
    return _imdb_fit(entry, ctx, input_train, y_train)


def imdb_reversed(entry, ctx):
    """DLwP 6.3.8, Listing 6.49 (L6863-L6900): the same with every review reversed before padding ("near-identical
    performance as the chronological-order LSTM")."""
    input_train, y_train = _imdb_padded(ctx, reverse=True)
    return _imdb_fit(entry, ctx, input_train, y_train)


# -- the raw-text pipeline on the SpamAssassin e-mails ---------------------------------------------------------------

def _spam(ctx):
    (texts, labels), (texts_test, labels_test) = ctx.load("spam_assassin", test_split=0.2, seed=113)
    return [str(t) for t in texts], np.asarray(labels), [str(t) for t in texts_test], np.asarray(labels_test)


def raw_text(entry, ctx):
    """DLwP 6.1.3, Listings 6.9 and 6.16 (L5724-L5765, L5910-L5928, L5946-L5984) on the SpamAssassin e-mails: a
    ``Tokenizer(num_words=10000)`` fit on the training texts, ``pad_sequences(maxlen=100)``, the data shuffled, the
    first 200 samples for training and the next 10,000 (here: the rest) for validation, 10 epochs of 32, then the
    test texts through the same tokenizer, evaluated. ``synthetic``: a quarter of the texts for training."""
    maxlen = 100  # We will cut reviews after 100 words
    max_words = 10000  # We will only consider the top 10,000 words in the dataset
    texts, labels, texts_test, labels_test = _spam(ctx)
    training_samples = ctx.split(200, len(texts))  # We will be training on 200 samples
    validation_samples = 10000  # We will be validating on 10000 samples

    tokenizer = _tokenizer(max_words)
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)
    word_index = tokenizer.word_index
    ctx.print("Found %s unique tokens." % len(word_index))
    data = _pad_sequences(sequences, maxlen=maxlen)
    ctx.print("Shape of data tensor:", data.shape)
    ctx.print("Shape of label tensor:", labels.shape)

    indices = np.arange(data.shape[0])
    np.random.shuffle(indices)
    data = data[indices]
    labels = labels[indices]
    x_train = data[:training_samples]
    y_train = labels[:training_samples]
    x_val = data[training_samples: training_samples + validation_samples]
    y_val = labels[training_samples: training_samples + validation_samples]

    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, epochs=ctx.epochs(10), batch_size=32, validation_data=(x_val, y_val),
                        verbose=ctx.verbose)
    x_test = _pad_sequences(tokenizer.texts_to_sequences(texts_test), maxlen=maxlen)
    results = model.evaluate(x_test, labels_test, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results), {"word_index_size": len(word_index)})


@options(maxlen=(500, 500, "cut or pad the token sequences to this length (DLwP 6.2: 500)"))
def raw_text_lstm(entry, ctx):
    """Listing 6.9's pipeline with Listings 6.27/6.31's settings on the SpamAssassin e-mails: a
    ``Tokenizer(num_words=10000)`` fit on the training texts, ``pad_sequences(maxlen=500)``, the training data
    shuffled (it may come ordered by class), 10 epochs of 128 with ``validation_split=0.2``, evaluated on the test
    texts."""
    max_features = 10000
    maxlen = int(ctx.option("maxlen"))
    texts, labels, texts_test, labels_test = _spam(ctx)
    tokenizer = _tokenizer(max_features)
    tokenizer.fit_on_texts(texts)
    ctx.print("Found %s unique tokens." % len(tokenizer.word_index))
    input_train = _pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=maxlen)
    input_test = _pad_sequences(tokenizer.texts_to_sequences(texts_test), maxlen=maxlen)
    indices = np.arange(len(input_train))
    np.random.shuffle(indices)
    input_train, y_train = input_train[indices], labels[indices]
    ctx.print("input_train shape:", input_train.shape)
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(input_train, y_train, epochs=ctx.epochs(10), batch_size=128, validation_split=0.2,
                        verbose=ctx.verbose)
    results = model.evaluate(input_test, labels_test, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results), {"val": _validation(history)})


# -- DLwP 6.3-6.4 on the weather series --------------------------------------------------------------------------

_JENA_OPTIONS = {
    "lookback": (240, 240, "hours of history per sample (the book's 1440 ten-minute rows)"),
    "step": (1, 1, "sample every step hours (the book's 6 ten-minute rows)"),
    "delay": (24, 24, "predict the temperature this many hours later (the book's 144 rows)"),
    "batch_size": (128, 128, "generator batch size (the book's 128)"),
    "steps_per_epoch": (500, 2, "fit_generator steps per epoch (the book's 500)"),
}


def _floatx(nn, gen):
    """The book's float64 batches as the model's float type: Keras 2.2.4 feeds them to float32 placeholders (its
    input layers' dtype), which casts them; nnspec's fit_generator keeps an input's dtype."""
    floatx = nn.backend.floatx()
    for samples, targets in gen:
        yield samples.astype(floatx), targets.astype(floatx)


def _accepts(build, name):
    return name in inspect.signature(build).parameters


def _jena(entry, ctx, book_epochs, reverse=False):
    nn = ctx.nn
    float_data, columns = ctx.load("weather")
    columns = list(columns)
    if "temp" not in columns:
        raise ValueError(f"nnspec zoo {entry.name}: the weather data has no 'temp' column: {columns}")
    target = columns.index("temp")
    lookback, step, delay = int(ctx.option("lookback")), int(ctx.option("step")), int(ctx.option("delay"))
    batch_size = int(ctx.option("batch_size"))

    bounds = timeseries.split_bounds(len(float_data))
    data, mean, std = timeseries.normalize(float_data, bounds.train_max)

    def generator(min_index, max_index, shuffle=False, reverse=False):
        return timeseries.generator(data, lookback=lookback, delay=delay, min_index=min_index, max_index=max_index,
                                    shuffle=shuffle, step=step, batch_size=batch_size, target_column=target,
                                    reverse=reverse)

    # This is how many steps to draw from `val_gen` / `test_gen` in order to see the whole validation / test set
    val_steps = (bounds.val_max - bounds.val_min - lookback) // batch_size
    test_steps = (len(data) - bounds.test_min - lookback) // batch_size
    if val_steps < 1 or test_steps < 1:
        raise ValueError(f"nnspec zoo {entry.name}: {len(data)} rows leave {val_steps} validation and {test_steps} "
                         f"test batches of {batch_size} with lookback {lookback}")

    # the common-sense baseline on chronological batches (Listing 6.37), in normalised units and in degrees
    baseline = {"val": timeseries.evaluate_naive_method(generator(bounds.val_min, bounds.val_max), val_steps, target),
                "test": timeseries.evaluate_naive_method(generator(bounds.test_min, None), test_steps, target)}
    degrees = float(std[target])
    ctx.print(f"common-sense baseline MAE: validation {baseline['val']:.4f} ({baseline['val'] * degrees:.2f} "
              f"degrees), test {baseline['test']:.4f} ({baseline['test'] * degrees:.2f} degrees)")

    train_gen = _floatx(nn, generator(0, bounds.train_max, shuffle=True, reverse=reverse))
    val_gen = _floatx(nn, generator(bounds.val_min, bounds.val_max, reverse=reverse))
    test_gen = _floatx(nn, generator(bounds.test_min, None, reverse=reverse))
    shapes = {"num_features": data.shape[-1]}
    if _accepts(entry.build, "lookback"):  # the densely connected model's Flatten(input_shape=(lookback // step, F))
        shapes.update(lookback=lookback, step=step)
    model = entry.make(nn, compile=True, **shapes)
    history = model.fit_generator(train_gen, steps_per_epoch=int(ctx.option("steps_per_epoch")),
                                  epochs=ctx.epochs(book_epochs), validation_data=val_gen, validation_steps=val_steps,
                                  verbose=ctx.verbose)
    evaluation = _evaluation(model, model.evaluate_generator(test_gen, steps=test_steps))
    test_mae = evaluation["loss"]
    ctx.print(f"test MAE: {test_mae:.4f} ({test_mae * degrees:.2f} degrees); common-sense baseline "
              f"{baseline['test']:.4f}")
    val_loss = history.history["val_loss"]
    return Result(history, evaluation, {
        "baseline_mae": baseline, "baseline_degrees": {k: v * degrees for k, v in baseline.items()},
        "test_mae": test_mae, "test_mae_degrees": test_mae * degrees, "best_val_mae": float(min(val_loss)),
        "best_epoch": int(np.argmin(val_loss)) + 1, "temperature_std": degrees, "temperature_mean": float(mean[target]),
        "bounds": bounds, "val_steps": val_steps, "test_steps": test_steps, "timesteps": lookback // step})


@options(**_JENA_OPTIONS)
def jena(entry, ctx):
    """DLwP 6.3.4-6.3.5, 6.4.4-6.4.5 (Listings 6.44, 6.46, 6.54, 6.56): the common-sense baseline on the validation
    and test batches, then ``fit_generator(train_gen, steps_per_epoch=500, epochs=20, validation_data=val_gen,
    validation_steps=val_steps)``, evaluated on the test batches (the book stops at the validation curves). The
    result: the test MAE; extras: the baseline and the MAEs in degrees (times the temperature's std)."""
    return _jena(entry, ctx, 20)


@options(**_JENA_OPTIONS)
def jena_40(entry, ctx):
    """DLwP 6.3.6-6.3.8 (Listings 6.47, 6.48, 6.51): as :func:`jena` with ``epochs=40``."""
    return _jena(entry, ctx, 40)


@options(**_JENA_OPTIONS)
def jena_reversed(entry, ctx):
    """DLwP 6.3.8 (L6845-L6851): as :func:`jena` with every generator yielding ``samples[:, ::-1, :]`` ("the
    reversed-order GRU strongly underperforms even the common-sense baseline")."""
    return _jena(entry, ctx, 20, reverse=True)


# -- DLwP 7.1: dummy data as the book's listings make it ---------------------------------------------------------

@options(num_samples=(1000, 64, "dummy question/text pairs (undefined in the book)"),
         max_length=(100, 20, "words per text and question (undefined in the book)"))
def question_answering(entry, ctx):
    """DLwP 7.1.2, Listing 7.7 (L7509-L7527): random word indices for the texts and questions, one-hot answers,
    ``fit([text, question], answers, epochs=10, batch_size=128)`` and then the same with the dict of named inputs.
    The book's ``num_samples`` and ``max_length`` are undefined and its answers ``randint(0, 1, ...)`` are all zero;
    here they are options and one-hot rows of random answers. The result: the last epoch's training values."""
    text_vocabulary_size, question_vocabulary_size, answer_vocabulary_size = 10000, 10000, 500
    num_samples, max_length = int(ctx.option("num_samples")), int(ctx.option("max_length"))
    model = entry.make(ctx.nn, compile=True)
    text = np.random.randint(1, text_vocabulary_size, size=(num_samples, max_length))
    question = np.random.randint(1, question_vocabulary_size, size=(num_samples, max_length))
    answers = _to_categorical(np.random.randint(0, answer_vocabulary_size, size=num_samples), answer_vocabulary_size)
    model.fit([text, question], answers, epochs=ctx.epochs(10), batch_size=128, verbose=ctx.verbose)
    history = model.fit({"text": text, "question": question}, answers, epochs=ctx.epochs(10), batch_size=128,
                        verbose=ctx.verbose)
    return Result(history, _last_epoch(history))


@options(num_samples=(512, 16, "dummy posts"),
         max_length=(300, 270, "words per post (the convolutions need at least 269)"))
def three_output(entry, ctx):
    """DLwP 7.1.3, Listings 7.10-7.11 (L7591-L7620): the weighted compile, ``fit(posts, [age_targets,
    income_targets, gender_targets], epochs=10, batch_size=64)`` and then the same with the dict of named outputs.
    The book's targets are "assumed to be Numpy arrays": random posts of word indices, ages 18-79, one-hot income
    groups, 0/1 genders. The result: the last epoch's training values."""
    vocabulary_size, num_income_groups = 50000, 10
    num_samples, max_length = int(ctx.option("num_samples")), int(ctx.option("max_length"))
    model = entry.make(ctx.nn, compile=True)
    posts = np.random.randint(1, vocabulary_size, size=(num_samples, max_length))
    age_targets = np.random.randint(18, 80, size=num_samples).astype("float32")
    income_targets = _to_categorical(np.random.randint(0, num_income_groups, size=num_samples), num_income_groups)
    gender_targets = np.random.randint(0, 2, size=num_samples).astype("float32")
    model.fit(posts, [age_targets, income_targets, gender_targets], epochs=ctx.epochs(10), batch_size=64,
              verbose=ctx.verbose)
    history = model.fit(posts, {"age": age_targets, "income": income_targets, "gender": gender_targets},
                        epochs=ctx.epochs(10), batch_size=64, verbose=ctx.verbose)
    return Result(history, _last_epoch(history))


@options(num_samples=(1000, 32, "dummy sequence pairs"), timesteps=(20, 5, "vectors per sequence"))
def siamese(entry, ctx):
    """DLwP 7.1.5, Listing 7.15 (L7779): ``model.fit([left_data, right_data], targets)`` with Keras' defaults (1
    epoch of 32) on the book's undefined data, here random sequences of 128-vectors and 0/1 targets."""
    num_samples, timesteps = int(ctx.option("num_samples")), int(ctx.option("timesteps"))
    model = entry.make(ctx.nn, compile=True)
    left_data = np.random.random((num_samples, timesteps, 128))
    right_data = np.random.random((num_samples, timesteps, 128))
    targets = np.random.randint(0, 2, size=num_samples)
    history = model.fit([left_data, right_data], targets, epochs=ctx.epochs(1), verbose=ctx.verbose)
    return Result(history, _last_epoch(history))


# -- DLwP 8.1: character-level text generation ------------------------------------------------------------------

TEMPERATURES = (0.2, 0.5, 1.0, 1.2)  # L8588


@options(corpus=("moby_dick", "moby_dick", "the text: moby_dick or shakespeare (nn.datasets)"),
         chars=(200_000, 3_000, "use the corpus's first chars characters (the book's Nietzsche: 600,893)"),
         length=(400, 10, "characters generated per temperature (the book's 400)"),
         maxlen=(60, 20, "characters per sequence (the book's 60)"),
         step=(3, 3, "a sequence every step characters (the book's 3)"))
def char_generation(entry, ctx):
    """DLwP 8.1, Listings 8.2-8.7 (L8471-L8611): the corpus lower-cased, sequences of 60 characters every 3, one-hot
    ``x`` and ``y``, the LSTM compiled with ``RMSprop(lr=0.01)``; then rounds of one epoch of ``fit(x, y,
    batch_size=128)``, a seed of 60 characters at a random place, and 400 characters generated from it at each
    temperature 0.2, 0.5, 1.0, 1.2 with :func:`nnspec.zoo.textgen.sample` (NumPy's global generator, seeded by
    ``run(seed=)``; the book draws the seed's place with Python's ``random``).

    The book runs 59 rounds (``for epoch in range(1, 60)``) on its 600,893 characters: on a 2-core CPU one round of
    600,000 characters takes about 15 minutes. The defaults are 20 rounds (the book prints the samples of epoch 20)
    on the first 200,000 characters; ``epochs=59, chars=600_000`` is the book's run.

    The result: the last fit's History and loss; ``extras["generated"]`` maps each temperature to the text
    generated after the last epoch, ``extras["samples"]`` holds every epoch's seed and texts.
    """
    corpus = ctx.option("corpus")
    if corpus not in ("moby_dick", "shakespeare"):
        raise ValueError(f"nnspec zoo {entry.name}: corpus must be 'moby_dick' or 'shakespeare', got {corpus!r}")
    maxlen, step, length = int(ctx.option("maxlen")), int(ctx.option("step")), int(ctx.option("length"))
    text = ctx.load(corpus).lower()[:int(ctx.option("chars"))]
    ctx.print("Corpus length:", len(text))
    sentences, next_chars = textgen.extract_sequences(text, maxlen, step)
    ctx.print("Number of sequences:", len(sentences))
    chars, char_indices = textgen.char_vocabulary(text)
    ctx.print("Unique characters:", len(chars))
    ctx.print("Vectorization...")
    x, y = textgen.vectorize(sentences, next_chars, char_indices)

    model = entry.make(ctx.nn, compile=True, maxlen=maxlen, num_chars=len(chars))
    samples = []
    for epoch in range(1, ctx.epochs(20) + 1):
        ctx.print("epoch", epoch)
        history = model.fit(x, y, batch_size=128, epochs=1, verbose=ctx.verbose)
        start_index = np.random.randint(0, len(text) - maxlen)  # random.randint(0, len(text) - maxlen - 1)
        seed_text = text[start_index: start_index + maxlen]
        ctx.print('--- Generating with seed: "' + seed_text + '"')
        texts = {}
        for temperature in TEMPERATURES:
            ctx.print("----- temperature:", temperature)
            texts[temperature] = textgen.generate(model, seed_text, chars, char_indices, length, temperature)
            ctx.print(seed_text + texts[temperature])
        samples.append({"epoch": epoch, "seed": seed_text, "generated": texts})
    return Result(history, {"loss": float(history.history["loss"][-1])},
                  {"generated": samples[-1]["generated"], "seed": samples[-1]["seed"], "samples": samples,
                   "chars": chars, "corpus_length": len(text), "num_sequences": len(sentences)})


# -- DATA 2040 §1.5.2 ---------------------------------------------------------------------------------------------

def fashion_rnn(entry, ctx):
    """DATA 2040 §1.5.2 recurrent-net.ipynb (L668-L692): Fashion-MNIST / 255.0 as float32, each image 28 steps of 28
    pixels, integer labels, fit 5 epochs of 100, evaluate (the notes: about 82%)."""
    (x_train, y_train), (x_test, y_test) = ctx.load("fashion_mnist")
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    model = entry.make(ctx.nn, compile=True)
    history = model.fit(x_train, y_train, epochs=ctx.epochs(5), batch_size=100, verbose=ctx.verbose)
    results = model.evaluate(x_test, y_test, verbose=ctx.verbose)
    ctx.print(results)
    return Result(history, _evaluation(model, results))


RECIPES = {f.__name__: f for f in (imdb_embedding, imdb_rnn, imdb_reversed, raw_text, raw_text_lstm, jena, jena_40,
                                   jena_reversed, question_answering, three_output, siamese, char_generation,
                                   fashion_rnn)}


# -- synthetic stand-ins for the new datasets: the real types and shapes, few rows ---------------------------------

_WORDS = ("the whale ship sea captain ahab white boat deck harpoon water wind sail crew night day long old man "
          "said upon over into like time now would some one").split()


def _synthetic_weather(rng, **kwargs):
    """1,800 hourly rows: a daily and a slow cycle in the temperature, related columns, noise (float32)."""
    t = np.arange(1800, dtype="float64")
    temp = 12 + 6 * np.sin(2 * np.pi * t / 24) + 8 * np.sin(2 * np.pi * t / 1800) + rng.normal(0, 1, t.size)
    dewp = temp - 5 + rng.normal(0, 1, t.size)
    humid = 60 + 2 * (dewp - temp) + rng.normal(0, 3, t.size)
    wind = np.abs(rng.normal(8, 3, t.size))
    pressure = 1013 + np.cumsum(rng.normal(0, 0.3, t.size))
    data = np.stack([temp, dewp, humid, wind, pressure], axis=1).astype("float32")
    return data, ("temp", "dewp", "humid", "wind_speed", "pressure")


def _synthetic_spam(rng, test_split=0.2, seed=113, **kwargs):
    spam_words = "free money offer click now winner credit cash deal limited".split()

    def part(n):
        labels = (np.arange(n) % 3 == 0).astype("int64")
        rng.shuffle(labels)
        texts = np.empty(n, dtype=object)
        for i, label in enumerate(labels):
            vocabulary = _WORDS + spam_words * 3 if label else _WORDS
            texts[i] = "Subject: " + " ".join(rng.choice(vocabulary, rng.integers(20, 120)))
        return texts, labels
    return part(96), part(24)


def _synthetic_text(rng, **kwargs):
    """About 4,000 characters of words, punctuation and line breaks, with capitals for ``lower()`` to fold."""
    words = [w.capitalize() if rng.random() < 0.1 else w for w in rng.choice(_WORDS, 800)]
    punctuation = {5: ",", 10: "."}
    return "".join(word + punctuation.get(i % 11, "") + ("\n" if i % 13 == 12 else " ") for i, word in enumerate(words))


SYNTHETIC = {
    "weather": _synthetic_weather,
    "spam_assassin": _synthetic_spam,
    "moby_dick": _synthetic_text,
    "shakespeare": _synthetic_text,
}
