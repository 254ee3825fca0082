"""Pre-trained GloVe word vectors as DLwP 6.1.3 reads them (Listings 6.10-6.11, notes L5779-L5809).

GloVe's ``glove.6B.100d.txt`` (Stanford NLP, 822 MB zip) is in no package registry, so the zoo
never loads it by itself; with a local copy:

    embeddings_index = load_glove("glove.6B.100d.txt")
    matrix = embedding_matrix(tokenizer.word_index, embeddings_index, max_words=10000, embedding_dim=100)
    model = zoo.get("imdb_glove_flatten").make(nn, embedding_matrix=matrix)   # frozen, as the book
"""

import numpy as np

__all__ = ["load_glove", "embedding_matrix"]


def load_glove(path):
    """Listing 6.10: one word per line followed by its coefficients -> ``{word: float32 vector}``."""
    embeddings_index = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            values = line.split()
            if not values:
                continue
            if len(values) < 2:
                raise ValueError(f"load_glove: {path}:{number}: expected a word and its coefficients, got {line!r}")
            word = values[0]
            coefs = np.asarray(values[1:], dtype="float32")
            embeddings_index[word] = coefs
    return embeddings_index


def embedding_matrix(word_index, embeddings_index, max_words=10000, embedding_dim=100):
    """Listing 6.11: a ``(max_words, embedding_dim)`` float64 matrix of zeros whose row ``i`` is the vector of the
    word with index ``i < max_words`` where ``embeddings_index`` has one (words without a vector stay zero, and
    row 0, the padding index, too)."""
    matrix = np.zeros((max_words, embedding_dim))
    for word, i in word_index.items():
        embedding_vector = embeddings_index.get(word)
        if i < max_words:
            if embedding_vector is not None:
                if np.shape(embedding_vector) != (embedding_dim,):
                    raise ValueError(f"embedding_matrix: the vector of {word!r} has shape "
                                     f"{np.shape(embedding_vector)}, expected ({embedding_dim},)")
                # Words not found in embedding index will be all-zeros.
                matrix[i] = embedding_vector
    return matrix
