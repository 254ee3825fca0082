"""Character-level text generation as DLwP 8.1 does it (Listings 8.1-8.7, notes L8435-L8611).

    sentences, next_chars = extract_sequences(text, maxlen=60, step=3)
    chars, char_indices = char_vocabulary(text)
    x, y = vectorize(sentences, next_chars, char_indices)     # one-hot, bool
    next_index = sample(preds, temperature=0.5, rng=np.random.default_rng(0))
    generated = generate(model, seed_text, chars, char_indices, length=400, temperature=0.5, rng=rng)

The book's loops, on host NumPy arrays; :func:`vectorize` fills the same one-hot tensors with one
fancy-indexed assignment instead of a Python loop per character (200,000 sequences of 60), and
uses ``bool`` where the book writes ``np.bool`` (removed in NumPy 1.24).
"""

import numpy as np

__all__ = ["extract_sequences", "char_vocabulary", "vectorize", "reweight_distribution", "sample", "generate"]


def extract_sequences(text, maxlen=60, step=3):
    """Listing 8.3 (L8488-L8503): every ``step`` characters, the ``maxlen`` characters from there
    (``text[i: i + maxlen]``) and the one after them (``text[i + maxlen]``), for ``i`` in
    ``range(0, len(text) - maxlen, step)``. Returns ``(sentences, next_chars)``, two lists of str."""
    if not isinstance(text, str):
        raise TypeError(f"extract_sequences: expected the corpus as a str, got {type(text).__name__}")
    if int(maxlen) < 1 or int(step) < 1:
        raise ValueError(f"extract_sequences: maxlen and step must be positive integers, got maxlen={maxlen!r}, "
                         f"step={step!r}")
    if len(text) <= maxlen:
        raise ValueError(f"extract_sequences: the text has {len(text)} characters; at least maxlen + 1 = "
                         f"{maxlen + 1} are needed for one sequence and its next character")
    sentences, next_chars = [], []
    for i in range(0, len(text) - maxlen, step):
        sentences.append(text[i: i + maxlen])
        next_chars.append(text[i + maxlen])
    return sentences, next_chars


def char_vocabulary(text):
    """L8506-L8510: ``chars = sorted(list(set(text)))`` and ``char_indices`` (character -> its index in ``chars``)."""
    chars = sorted(set(text))
    return chars, {char: i for i, char in enumerate(chars)}


def vectorize(sentences, next_chars, char_indices):
    """Listing 8.3 (L8512-L8519): ``x`` of shape ``(len(sentences), maxlen, len(chars))`` and ``y`` of shape
    ``(len(sentences), len(chars))``, bool, with a 1 at each character's index."""
    if len(sentences) != len(next_chars):
        raise ValueError(f"vectorize: {len(sentences)} sentences but {len(next_chars)} next characters")
    if not sentences:
        raise ValueError("vectorize: no sentences")
    maxlen = len(sentences[0])
    if any(len(s) != maxlen for s in sentences):
        raise ValueError(f"vectorize: every sentence must have the first one's length {maxlen}")
    num_chars = len(char_indices)
    lookup = np.full(max(map(ord, char_indices)) + 1, -1, dtype=np.int64)
    for char, index in char_indices.items():
        lookup[ord(char)] = index

    def indices(strings):
        codes = np.array([ord(c) for s in strings for c in s], dtype=np.int64)
        idx = np.where(codes < len(lookup), lookup[np.minimum(codes, len(lookup) - 1)], -1)
        if (idx < 0).any():
            bad = sorted({c for s in strings for c in s if c not in char_indices})
            raise ValueError(f"vectorize: characters {bad!r} are not in char_indices")
        return idx

    n = len(sentences)
    x = np.zeros((n, maxlen, num_chars), dtype=bool)
    y = np.zeros((n, num_chars), dtype=bool)
    x[np.repeat(np.arange(n), maxlen), np.tile(np.arange(maxlen), n), indices(sentences)] = True
    y[np.arange(n), indices(next_chars)] = True
    return x, y


def _distribution(preds, caller):
    p = np.asarray(preds, dtype="float64")
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{caller}: expected a 1-D array of probabilities, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or (p < 0).any() or p.sum() <= 0:
        raise ValueError(f"{caller}: the probabilities must be finite, non-negative and not all zero")
    return p


def reweight_distribution(original_distribution, temperature=0.5):
    """Listing 8.1 (L8435-L8453): ``exp(log(p) / temperature)`` divided by its sum, in float64.

    The logarithms are shifted by their maximum before ``exp`` (the same distribution once normalised),
    so small temperatures give the one-hot of the most probable entry instead of 0 / 0."""
    p = _distribution(original_distribution, "reweight_distribution")
    temperature = float(temperature)
    if not temperature > 0:
        raise ValueError(f"reweight_distribution: the temperature must be > 0, got {temperature}")
    with np.errstate(divide="ignore"):
        distribution = np.log(p) / temperature
    distribution = np.exp(distribution - distribution.max())
    return distribution / np.sum(distribution)


def sample(preds, temperature=1.0, rng=None):
    """Listing 8.6 (L8558-L8566): draw one index from ``preds`` reweighted by ``temperature``
    (:func:`reweight_distribution`) with one multinomial draw, ``argmax(multinomial(1, p))``.

    ``rng``: None uses NumPy's global generator as the book does (``np.random.multinomial``); an int seeds
    ``np.random.default_rng``; a ``Generator`` (or ``RandomState``) is used as given, so draws repeat.
    """
    try:
        preds = reweight_distribution(preds, temperature)
    except ValueError as e:
        raise ValueError(str(e).replace("reweight_distribution:", "sample:", 1)) from None
    if rng is None:
        rng = np.random
    elif isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(int(rng))
    elif not hasattr(rng, "multinomial"):
        raise TypeError(f"sample: rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")
    probas = rng.multinomial(1, preds, 1)
    return int(np.argmax(probas))


def generate(model, seed_text, chars, char_indices, length=400, temperature=1.0, rng=None):
    """Listing 8.7 (L8586-L8611): ``length`` characters after ``seed_text``, one at a time: the last
    ``len(seed_text)`` characters one-hot encoded, ``model.predict``, :func:`sample` at ``temperature``.
    Returns the generated characters (without the seed)."""
    maxlen = len(seed_text)
    unknown = sorted(set(seed_text) - set(char_indices))
    if unknown:
        raise ValueError(f"generate: the seed text has characters {unknown!r} that are not in char_indices")
    if isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(int(rng))  # one stream for the whole text, not one seed per character
    generated_text, out = seed_text, []
    for _ in range(int(length)):
        sampled = np.zeros((1, maxlen, len(chars)))
        for t, char in enumerate(generated_text):
            sampled[0, t, char_indices[char]] = 1.
        preds = np.asarray(model.predict(sampled, verbose=0))[0]
        next_char = chars[sample(preds, temperature, rng)]
        generated_text = generated_text[1:] + next_char
        out.append(next_char)
    return "".join(out)
