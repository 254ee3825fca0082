"""The books' sequence models, each as the book writes it: ``build(nn)`` returns the uncompiled model.

The conventions of :mod:`nnspec.zoo.dense` and :mod:`nnspec.zoo.convnets`: ``nn`` is an
implementation module and the builders use only its public Keras namespaces; layer types, units,
arguments and input shapes follow the book's code line for line, and where the book's code cannot
run as printed (the swapped ``Embedding`` arguments of DLwP 7.1, an undefined name, a model fitted
without being compiled) the docstring says what the builder does instead and the entry's ``notes``
record it. ``compile_*(nn)`` return the keyword arguments of the book's ``model.compile``.

Models whose input shape comes from the data take it as keyword arguments whose defaults are the
book's: the Jena models ``num_features=14`` (and the densely connected one ``lookback=1440,
step=6``), the character-level LSTM ``maxlen=60, num_chars=57``. The entries' parameter counts are
those of the defaults; the recipes build the models with their data's shapes
(``entry.make(nn, num_features=...)``).

Line numbers (``L6108``) are those of the book transcriptions in the project's notes
(``seed-chollet.md``, ``seed-watson.md``). :data:`ENTRIES` is merged into the zoo's registry by
``nnspec/zoo/__init__.py``.
"""

from .convnets import not_compiled

__all__ = ["ENTRIES", "JENA_FEATURES", "NIETZSCHE_CHARS"]

JENA_FEATURES = 14  # the Jena climate columns after the date (L6419-L6433)
NIETZSCHE_CHARS = 57  # len(chars) of the lower-cased nietzsche.txt: the book's code prints it, the book does not


# -- Chollet, Deep Learning with Python (1st ed.), chapter 6.1: word embeddings ------------------------------------


def imdb_embedding_flatten(nn):
    """DLwP 6.1.2, Listing 6.7 (L5642-L5660): ``Embedding(10000, 8, input_length=maxlen)`` on the first
    ``maxlen = 20`` words of each review, Flatten, ``Dense(1, sigmoid)``."""
    Embedding, Flatten, Dense = nn.layers.Embedding, nn.layers.Flatten, nn.layers.Dense
    maxlen = 20
    model = nn.models.Sequential()
    model.add(Embedding(10000, 8, input_length=maxlen))
    model.add(Flatten())
    model.add(Dense(1, activation="sigmoid"))
    return model


def compile_rmsprop_binary(nn):
    """L5659, L5850-L5852, L6202, L6328-L6330, L6890-L6892, L6921: rmsprop, binary crossentropy, accuracy."""
    return {"optimizer": "rmsprop", "loss": "binary_crossentropy", "metrics": ["acc"]}


def _raw_text_flatten(nn):
    layers = nn.layers
    max_words, embedding_dim, maxlen = 10000, 100, 100  # L5729-L5738, L5800
    model = nn.models.Sequential()
    model.add(layers.Embedding(max_words, embedding_dim, input_length=maxlen))
    model.add(layers.Flatten())
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    return model


def imdb_glove_flatten(nn, embedding_matrix=None):
    """DLwP 6.1.3, Listings 6.12-6.14 (L5817-L5838): ``Embedding(max_words=10000, embedding_dim=100,
    input_length=maxlen=100)``, Flatten, ``Dense(32, relu)``, ``Dense(1, sigmoid)``, then
    ``model.layers[0].set_weights([embedding_matrix])`` and ``model.layers[0].trainable = False``.

    GloVe's ``glove.6B.100d.txt`` is in no package registry: without ``embedding_matrix`` the frozen
    Embedding keeps its initial weights (the architecture and the trainable split are the book's).
    :func:`nnspec.zoo.glove.embedding_matrix` makes the matrix from a local GloVe file
    (``entry.make(nn, embedding_matrix=m)``).
    """
    model = _raw_text_flatten(nn)
    if embedding_matrix is not None:
        model.layers[0].set_weights([embedding_matrix])
    model.layers[0].trainable = False
    return model


def raw_text_flatten(nn):
    """DLwP 6.1.3, Listing 6.16 (L5910-L5918): the same model "without pre-trained word embeddings", its
    Embedding trained with the rest."""
    return _raw_text_flatten(nn)


# -- 6.2 recurrent layers --------------------------------------------------------------------------------------------


def simple_rnn_last_state(nn):
    """DLwP 6.2.1, Listing 6.23 (L6108-L6114): ``Embedding(10000, 32)`` + ``SimpleRNN(32)``; printed table T9."""
    Embedding, SimpleRNN = nn.layers.Embedding, nn.layers.SimpleRNN
    model = nn.models.Sequential()
    model.add(Embedding(10000, 32))
    model.add(SimpleRNN(32))
    return model


def simple_rnn_sequences(nn):
    """DLwP 6.2.1, Listing 6.24 (L6128-L6132): the same with ``return_sequences=True``; printed table T10."""
    Embedding, SimpleRNN = nn.layers.Embedding, nn.layers.SimpleRNN
    model = nn.models.Sequential()
    model.add(Embedding(10000, 32))
    model.add(SimpleRNN(32, return_sequences=True))
    return model


def simple_rnn_stacked(nn):
    """DLwP 6.2.1, Listing 6.25 (L6146-L6153): three ``SimpleRNN(32, return_sequences=True)`` and a last
    ``SimpleRNN(32)``; printed table T11."""
    Embedding, SimpleRNN = nn.layers.Embedding, nn.layers.SimpleRNN
    model = nn.models.Sequential()
    model.add(Embedding(10000, 32))
    model.add(SimpleRNN(32, return_sequences=True))
    model.add(SimpleRNN(32, return_sequences=True))
    model.add(SimpleRNN(32, return_sequences=True))
    model.add(SimpleRNN(32))  # This last layer only returns the last outputs.
    return model


def imdb_simple_rnn(nn):
    """DLwP 6.2.1, Listing 6.27 (L6194-L6200): ``Embedding(max_features=10000, 32)``, ``SimpleRNN(32)``,
    ``Dense(1, sigmoid)``."""
    Embedding, SimpleRNN, Dense = nn.layers.Embedding, nn.layers.SimpleRNN, nn.layers.Dense
    max_features = 10000
    model = nn.models.Sequential()
    model.add(Embedding(max_features, 32))
    model.add(SimpleRNN(32))
    model.add(Dense(1, activation="sigmoid"))
    return model


def imdb_lstm(nn):
    """DLwP 6.2.3, Listing 6.31 (L6321-L6326): ``Embedding(max_features=10000, 32)``, ``LSTM(32)``,
    ``Dense(1, sigmoid)``."""
    Embedding, LSTM, Dense = nn.layers.Embedding, nn.layers.LSTM, nn.layers.Dense
    max_features = 10000
    model = nn.models.Sequential()
    model.add(Embedding(max_features, 32))
    model.add(LSTM(32))
    model.add(Dense(1, activation="sigmoid"))
    return model


# -- 6.3 advanced recurrent networks: the Jena temperature family ----------------------------------------------------


def jena_dense(nn, lookback=1440, step=6, num_features=JENA_FEATURES):
    """DLwP 6.3.4, Listing 6.44 (L6654-L6662): ``Flatten(input_shape=(lookback // step, float_data.shape[-1]))``,
    ``Dense(32, relu)``, ``Dense(1)``. The book's code has ``lookback = 1440`` and ``step = 6``: 240 timesteps of
    14 features (the text says 720, L6490)."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.Flatten(input_shape=(lookback // step, num_features)))
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(1))
    return model


def compile_jena(nn):
    """L6664, L6725, L6767, L6815, L6949, L7126, L7211: ``RMSprop()``, mean absolute error."""
    return {"optimizer": nn.optimizers.RMSprop(), "loss": "mae"}


def jena_gru(nn, num_features=JENA_FEATURES):
    """DLwP 6.3.5, Listing 6.46 (L6716-L6723): ``GRU(32, input_shape=(None, float_data.shape[-1]))``, ``Dense(1)``.
    Also the model of the reversed-sequence experiment (L6845)."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.GRU(32, input_shape=(None, num_features)))
    model.add(layers.Dense(1))
    return model


def jena_gru_dropout(nn, num_features=JENA_FEATURES):
    """DLwP 6.3.6, Listing 6.47 (L6752-L6762): ``GRU(32, dropout=0.2, recurrent_dropout=0.2)``, ``Dense(1)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.GRU(32,
                         dropout=0.2,
                         recurrent_dropout=0.2,
                         input_shape=(None, num_features)))
    model.add(layers.Dense(1))
    return model


def jena_stacked_gru(nn, num_features=JENA_FEATURES):
    """DLwP 6.3.7, Listing 6.48 (L6793-L6809): ``GRU(32, dropout=0.1, recurrent_dropout=0.5,
    return_sequences=True)``, ``GRU(64, activation='relu', dropout=0.1, recurrent_dropout=0.5)``, ``Dense(1)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.GRU(32,
                         dropout=0.1,
                         recurrent_dropout=0.5,
                         return_sequences=True,
                         input_shape=(None, num_features)))
    model.add(layers.GRU(64, activation="relu",
                         dropout=0.1,
                         recurrent_dropout=0.5))
    model.add(layers.Dense(1))
    return model


def jena_bidirectional_gru(nn, num_features=JENA_FEATURES):
    """DLwP 6.3.8, Listing 6.51 (L6934-L6947): ``Bidirectional(GRU(32), input_shape=(None, 14))``, ``Dense(1)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.Bidirectional(
        layers.GRU(32), input_shape=(None, num_features)))
    model.add(layers.Dense(1))
    return model


def jena_conv1d(nn, num_features=JENA_FEATURES):
    """DLwP 6.4.4, Listing 6.54 (L7107-L7124): Conv1D 32 (5, relu), MaxPooling1D(3), Conv1D, MaxPooling1D(3),
    Conv1D, GlobalMaxPooling1D, ``Dense(1)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.Conv1D(32, 5, activation="relu",
                            input_shape=(None, num_features)))
    model.add(layers.MaxPooling1D(3))
    model.add(layers.Conv1D(32, 5, activation="relu"))
    model.add(layers.MaxPooling1D(3))
    model.add(layers.Conv1D(32, 5, activation="relu"))
    model.add(layers.GlobalMaxPooling1D())
    model.add(layers.Dense(1))
    return model


def jena_conv1d_gru(nn, num_features=JENA_FEATURES):
    """DLwP 6.4.5, Listing 6.56 (L7194-L7205): Conv1D 32 (5, relu), MaxPooling1D(3), Conv1D 32 (5, relu),
    ``GRU(32, dropout=0.1, recurrent_dropout=0.5)``, ``Dense(1)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.Conv1D(32, 5, activation="relu",
                            input_shape=(None, num_features)))
    model.add(layers.MaxPooling1D(3))
    model.add(layers.Conv1D(32, 5, activation="relu"))
    model.add(layers.GRU(32, dropout=0.1, recurrent_dropout=0.5))
    model.add(layers.Dense(1))
    return model


# -- 6.3-6.4 on IMDB: reversed, bidirectional, 1D convnet ---------------------------------------------------------


def imdb_lstm_reversed(nn):
    """DLwP 6.3.8, Listing 6.49 (L6882-L6885): ``Embedding(max_features=10000, 128)``, ``LSTM(32)``,
    ``Dense(1, sigmoid)``, trained on reversed reviews."""
    layers = nn.layers
    max_features = 10000
    model = nn.models.Sequential()
    model.add(layers.Embedding(max_features, 128))
    model.add(layers.LSTM(32))
    model.add(layers.Dense(1, activation="sigmoid"))
    return model


def imdb_bidirectional_lstm(nn):
    """DLwP 6.3.8, Listing 6.50 (L6916-L6919): ``Embedding(10000, 32)``, ``Bidirectional(LSTM(32))``,
    ``Dense(1, sigmoid)``."""
    layers = nn.layers
    max_features = 10000
    model = nn.models.Sequential()
    model.add(layers.Embedding(max_features, 32))
    model.add(layers.Bidirectional(layers.LSTM(32)))
    model.add(layers.Dense(1, activation="sigmoid"))
    return model


def imdb_conv1d(nn):
    """DLwP 6.4.3, Listing 6.53 (L7048-L7060): ``Embedding(10000, 128, input_length=max_len=500)``, Conv1D 32 (7,
    relu), MaxPooling1D(5), Conv1D 32 (7, relu), GlobalMaxPooling1D, ``Dense(1)`` (linear, as printed)."""
    layers = nn.layers
    max_features, max_len = 10000, 500
    model = nn.models.Sequential()
    model.add(layers.Embedding(max_features, 128, input_length=max_len))
    model.add(layers.Conv1D(32, 7, activation="relu"))
    model.add(layers.MaxPooling1D(5))
    model.add(layers.Conv1D(32, 7, activation="relu"))
    model.add(layers.GlobalMaxPooling1D())
    model.add(layers.Dense(1))
    return model


def compile_imdb_conv1d(nn):
    """L7064-L7066: ``RMSprop(lr=1e-4)``, binary crossentropy, accuracy."""
    return {"optimizer": nn.optimizers.RMSprop(lr=1e-4), "loss": "binary_crossentropy", "metrics": ["acc"]}


# -- chapter 7: the functional API ------------------------------------------------------------------------------------


def question_answering(nn):
    """DLwP 7.1.2, Listing 7.6 (L7457-L7498): two named int32 inputs ``text`` and ``question`` of variable length,
    each embedded and encoded by its own LSTM (32 and 16), concatenated, ``Dense(500, softmax)``.

    **Book erratum** (L7481, L7488): ``layers.Embedding(64, text_vocabulary_size)`` swaps Keras' ``input_dim`` and
    ``output_dim``; the text says the 10,000-word inputs are embedded "into a sequence of vectors of size 64" (and
    32), so the builder writes ``Embedding(text_vocabulary_size, 64)`` and ``Embedding(question_vocabulary_size,
    32)``.
    """
    layers, Input, Model = nn.layers, nn.Input, nn.models.Model
    text_vocabulary_size = 10000
    question_vocabulary_size = 10000
    answer_vocabulary_size = 500

    text_input = Input(shape=(None,), dtype="int32", name="text")
    embedded_text = layers.Embedding(text_vocabulary_size, 64)(text_input)
    encoded_text = layers.LSTM(32)(embedded_text)

    question_input = Input(shape=(None,), dtype="int32", name="question")
    embedded_question = layers.Embedding(question_vocabulary_size, 32)(question_input)
    encoded_question = layers.LSTM(16)(embedded_question)

    concatenated = layers.concatenate([encoded_text, encoded_question], axis=-1)
    answer = layers.Dense(answer_vocabulary_size, activation="softmax")(concatenated)
    return Model([text_input, question_input], answer)


def compile_question_answering(nn):
    """L7500-L7502."""
    return {"optimizer": "rmsprop", "loss": "categorical_crossentropy", "metrics": ["acc"]}


def three_output(nn):
    """DLwP 7.1.3, Listing 7.8 (L7540-L7566): a named int32 input ``posts``, ``Embedding``, five Conv1D (128, then
    256, kernel 5, relu) with two MaxPooling1D(5), GlobalMaxPooling1D, ``Dense(128, relu)`` and three named heads:
    ``age`` (linear), ``income`` (10-way softmax), ``gender`` (sigmoid).

    **Book errata**: ``layers.Embedding(256, vocabulary_size)`` (L7550) swaps the arguments: the 50,000-word posts
    are embedded in 256 dimensions, ``Embedding(vocabulary_size, 256)``; ``Model(input_posts, ...)`` (L7566) names
    an undefined variable: the input is ``posts_input``.
    """
    layers, Input, Model = nn.layers, nn.Input, nn.models.Model
    vocabulary_size = 50000
    num_income_groups = 10

    posts_input = Input(shape=(None,), dtype="int32", name="posts")
    embedded_posts = layers.Embedding(vocabulary_size, 256)(posts_input)
    x = layers.Conv1D(128, 5, activation="relu")(embedded_posts)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation="relu")(x)
    x = layers.Conv1D(256, 5, activation="relu")(x)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation="relu")(x)
    x = layers.Conv1D(256, 5, activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(128, activation="relu")(x)

    age_prediction = layers.Dense(1, name="age")(x)
    income_prediction = layers.Dense(num_income_groups, activation="softmax", name="income")(x)
    gender_prediction = layers.Dense(1, activation="sigmoid", name="gender")(x)
    return Model(posts_input, [age_prediction, income_prediction, gender_prediction])


def compile_three_output(nn):
    """L7591-L7593: the weighted form (mse 0.25, crossentropy 1, binary crossentropy 10; L7587's rationale)."""
    return {"optimizer": "rmsprop", "loss": ["mse", "categorical_crossentropy", "binary_crossentropy"],
            "loss_weights": [0.25, 1., 10.]}


def siamese_lstm(nn):
    """DLwP 7.1.5, Listing 7.15 (L7743-L7775): one ``LSTM(32)`` instance called on two ``Input(shape=(None, 128))``,
    the two encodings concatenated, ``Dense(1, sigmoid)``."""
    layers, Input, Model = nn.layers, nn.Input, nn.models.Model
    lstm = layers.LSTM(32)

    left_input = Input(shape=(None, 128))
    left_output = lstm(left_input)

    right_input = Input(shape=(None, 128))
    right_output = lstm(right_input)

    merged = layers.concatenate([left_output, right_output], axis=-1)
    predictions = layers.Dense(1, activation="sigmoid")(merged)
    return Model([left_input, right_input], predictions)


def compile_siamese_lstm(nn):
    """The book fits the model without compiling it (L7779; Keras raises "You must compile a model before
    training"): rmsprop and binary crossentropy, the book's choice for its other sigmoid classifiers."""
    return {"optimizer": "rmsprop", "loss": "binary_crossentropy", "metrics": ["acc"]}


# -- chapter 8: character-level text generation -------------------------------------------------------------------


def char_lstm(nn, maxlen=60, num_chars=NIETZSCHE_CHARS):
    """DLwP 8.1.4, Listing 8.4 (L8528-L8534): ``LSTM(128, input_shape=(maxlen, len(chars)))``,
    ``Dense(len(chars), softmax)``."""
    layers = nn.layers
    model = nn.models.Sequential()
    model.add(layers.LSTM(128, input_shape=(maxlen, num_chars)))
    model.add(layers.Dense(num_chars, activation="softmax"))
    return model


def compile_char_lstm(nn):
    """L8540-L8542: ``RMSprop(lr=0.01)``, categorical crossentropy."""
    optimizer = nn.optimizers.RMSprop(lr=0.01)
    return {"loss": "categorical_crossentropy", "optimizer": optimizer}


# -- Watson, DATA 2040 lecture notes ------------------------------------------------------------------------------


def fashion_simple_rnn(nn):
    """DATA 2040 §1.5.2 recurrent-net.ipynb (L678-L680): each 28x28 image as 28 steps of 28 features,
    ``SimpleRNN(50, input_shape=(28, 28))``, ``Dense(10, softmax)``."""
    layers, models = nn.layers, nn.models
    model = models.Sequential()
    model.add(layers.SimpleRNN(50, input_shape=(28, 28)))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def compile_fashion_simple_rnn(nn):
    """L681-L683."""
    return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}


# -- the registry entries ----------------------------------------------------------------------------------------

_HOURLY = ("Weather data: nn.datasets.weather (hourly, no gaps) replaces Jena's 10-minute rows: lookback 1440 / "
           "step 6 / delay 144 become lookback 240 h / step 1 / delay 24 h; splits at the book's proportions "
           "200000/420551 and 300000/420551; built with the data's number of columns.")
_IMDB_RNN = "Recipe: maxlen 500, 10 epochs of 128, validation_split=0.2 (the book reports validation accuracy only)."


def _entries():
    from . import CHOLLET, WATSON, Entry
    no_compile_demo = not_compiled("a shape demo whose summary is all the book shows")
    return (
        # -- 6.1 word embeddings ----------------------------------------------------------------------------------
        Entry("imdb_embedding_flatten", CHOLLET, "6.1.2 Learning word embeddings (Listings 6.5-6.7, L5594-L5668)",
              imdb_embedding_flatten, compile_rmsprop_binary, 80_161,
              "Embedding 10000*8 = 80,000; Flatten 20*8 = 160; Dense 160*1+1 = 161 (no table printed)",
              recipe="imdb_embedding", data="imdb",
              notes=("Recipe: the first 20 words (pad_sequences maxlen=20), 10 epochs of 32, validation_split=0.2.",)),
        Entry("imdb_glove_flatten", CHOLLET, "6.1.3 Pre-trained GloVe embeddings, frozen (Listings 6.8-6.15, "
              "L5686-L5986)", imdb_glove_flatten, compile_rmsprop_binary, 1_320_065,
              "Embedding 10000*100 = 1,000,000 (frozen); Flatten 100*100 = 10,000; Dense 10000*32+32 = 320,032; "
              "Dense 32+1 = 33; trainable 320,065 (no table printed)",
              notes=("GloVe (glove.6B.100d.txt, 822 MB) and the raw aclImdb reviews are in no package registry: no "
                     "recipe. The frozen Embedding keeps its initial weights unless make(nn, embedding_matrix=...) "
                     "passes one (nnspec.zoo.glove reads a local GloVe file as Listings 6.10-6.11 do).",
                     "raw_text_flatten is Listing 6.16, the same model without GloVe, with a recipe.")),
        Entry("raw_text_flatten", CHOLLET, "6.1.3 Without pre-trained embeddings (Listings 6.8-6.9, 6.16, "
              "L5724-L5940)", raw_text_flatten, compile_rmsprop_binary, 1_320_065,
              "as imdb_glove_flatten, all trainable: 1,000,000 + 320,032 + 33 (no table printed)",
              recipe="raw_text", data="spam_assassin",
              notes=("The raw aclImdb reviews are in no package registry: the recipe runs the book's raw-text "
                     "pipeline (Tokenizer(num_words=10000), pad_sequences(maxlen=100), shuffle, 200 training "
                     "samples, the next 10,000 for validation, 10 epochs of 32) on the SpamAssassin e-mails "
                     "(nn.datasets.spam_assassin, 1 = spam) and evaluates on their test split.",
                     "The book's test loop appends a stray label (labels.append(1)); the recipe does not.")),
        # -- 6.2 recurrent layers ------------------------------------------------------------------------------------
        Entry("simple_rnn_last_state", CHOLLET, "6.2.1 SimpleRNN returning the last state (Listing 6.23, "
              "L6106-L6124)", simple_rnn_last_state, no_compile_demo, 322_080,
              "printed: Listing 6.23", printed_summary="seed-chollet.md §3 T9 (DLwP Listing 6.23)",
              notes=("Printed in a long session with Keras 1 names: embedding_22, simplernn_10 (fresh: embedding_1, "
                     "simple_rnn_1).",)),
        Entry("simple_rnn_sequences", CHOLLET, "6.2.1 SimpleRNN returning the full sequence (Listing 6.24, "
              "L6126-L6140)", simple_rnn_sequences, no_compile_demo, 322_080,
              "printed: Listing 6.24", printed_summary="seed-chollet.md §3 T10 (DLwP Listing 6.24)",
              notes=("Printed as embedding_23, simplernn_11: the session of Listing 6.23.",)),
        Entry("simple_rnn_stacked", CHOLLET, "6.2.1 Stacking SimpleRNN layers (Listing 6.25, L6144-L6164)",
              simple_rnn_stacked, no_compile_demo, 328_320,
              "printed: Listing 6.25", printed_summary="seed-chollet.md §3 T11 (DLwP Listing 6.25)",
              notes=("Printed as embedding_24, simplernn_12..15: the session of Listings 6.23-6.24.",)),
        Entry("imdb_simple_rnn", CHOLLET, "6.2.1 IMDB with SimpleRNN (Listings 6.26-6.28, L6168-L6244)",
              imdb_simple_rnn, compile_rmsprop_binary, 322_113,
              "Embedding 10000*32 = 320,000; SimpleRNN 32*(32+32+1) = 2,080; Dense 33 (no table printed)",
              recipe="imdb_rnn", data="imdb", notes=(_IMDB_RNN,)),
        Entry("imdb_lstm", CHOLLET, "6.2.3 IMDB with LSTM (Listing 6.31, L6318-L6348)",
              imdb_lstm, compile_rmsprop_binary, 328_353,
              "Embedding 320,000; LSTM 4*32*(32+32+1) = 8,320; Dense 33 (no table printed)",
              recipe="imdb_rnn", data="imdb", notes=(_IMDB_RNN,)),
        Entry("raw_text_lstm", CHOLLET, "6.1.3 raw-text pipeline + 6.2.3 LSTM (Listings 6.9, 6.31; L5724-L5765, "
              "L6318-L6348)", imdb_lstm, compile_rmsprop_binary, 328_353,
              "as imdb_lstm: 320,000 + 8,320 + 33 (no table printed)",
              recipe="raw_text_lstm", data="spam_assassin",
              notes=("Not a book listing: Listing 6.31's model on raw text tokenized as in Listing 6.9 "
                     "(Tokenizer(num_words=10000) fit on the training texts, texts_to_sequences, pad_sequences "
                     "maxlen=500), the offline stand-in for the book's raw IMDB on the SpamAssassin e-mails; 10 "
                     "epochs of 128, validation_split=0.2, then evaluated on the test split.",)),
        # -- 6.3 Jena -----------------------------------------------------------------------------------------------
        Entry("jena_dense", CHOLLET, "6.3.4 A basic machine-learning approach (Listing 6.44, L6646-L6705)",
              jena_dense, compile_jena, 107_585,
              "Flatten 240*14 = 3,360; Dense 3360*32+32 = 107,552; Dense 33 (no table printed; lookback 1440, step 6, "
              "14 features)", recipe="jena", data="weather",
              notes=(_HOURLY, "Recipe: fit_generator 500 steps of 128 per epoch, 20 epochs.")),
        Entry("jena_gru", CHOLLET, "6.3.5 A first recurrent baseline (Listing 6.46, L6707-L6741)",
              jena_gru, compile_jena, 4_545,
              "GRU 3*32*(14+32+1) = 4,512 (Keras 2 reset_after=False); Dense 33 (no table printed)",
              recipe="jena", data="weather", notes=(_HOURLY, "Recipe: 500 steps of 128 per epoch, 20 epochs.")),
        Entry("jena_gru_dropout", CHOLLET, "6.3.6 Using recurrent dropout (Listing 6.47, L6743-L6781)",
              jena_gru_dropout, compile_jena, 4_545, "as jena_gru: dropout adds no weights (no table printed)",
              recipe="jena_40", data="weather", notes=(_HOURLY, "Recipe: 500 steps of 128 per epoch, 40 epochs.")),
        Entry("jena_stacked_gru", CHOLLET, "6.3.7 Stacking recurrent layers (Listing 6.48, L6783-L6832)",
              jena_stacked_gru, compile_jena, 23_201,
              "GRU 4,512; GRU 3*64*(32+64+1) = 18,624; Dense 65 (no table printed)",
              recipe="jena_40", data="weather", notes=(_HOURLY, "Recipe: 500 steps of 128 per epoch, 40 epochs.")),
        Entry("jena_gru_reversed", CHOLLET, "6.3.8 GRU on reversed sequences (text, L6845-L6851)",
              jena_gru, compile_jena, 4_545, "as jena_gru (no table printed)",
              recipe="jena_reversed", data="weather",
              notes=(_HOURLY, "The book only says: replace the generator's last line with yield samples[:, ::-1, :], "
                     "targets; trained as Listing 6.46 (20 epochs). The common-sense baseline is measured on the "
                     "chronological batches.")),
        Entry("jena_bidirectional_gru", CHOLLET, "6.3.8 Bidirectional GRU (Listing 6.51, L6930-L6957)",
              jena_bidirectional_gru, compile_jena, 9_089,
              "Bidirectional 2 * 4,512 = 9,024; Dense 64+1 = 65 (no table printed)",
              recipe="jena_40", data="weather", notes=(_HOURLY, "Recipe: 500 steps of 128 per epoch, 40 epochs.")),
        Entry("jena_conv1d", CHOLLET, "6.4.4 1D convnet on Jena (Listing 6.54, L7094-L7139)",
              jena_conv1d, compile_jena, 12_609,
              "Conv1D 5*14*32+32 = 2,272; two Conv1D 5*32*32+32 = 5,152; Dense 33 (no table printed)",
              recipe="jena", data="weather", notes=(_HOURLY, "Recipe: 500 steps of 128 per epoch, 20 epochs.")),
        Entry("jena_conv1d_gru", CHOLLET, "6.4.5 Conv1D base + GRU (Listings 6.55-6.56, L7151-L7224)",
              jena_conv1d_gru, compile_jena, 13_697,
              "Conv1D 2,272; Conv1D 5,152; GRU 3*32*(32+32+1) = 6,240; Dense 33 (no table printed)",
              recipe="jena", data="weather",
              notes=(_HOURLY, "The book's step=3 (30 minutes) with lookback=720 gives 240 timesteps; hourly data has "
                     "nothing finer than an hour, so the recipe keeps 240 hourly timesteps (lookback 240 h, step 1), "
                     "20 epochs of 500 steps.")),
        # -- 6.3-6.4 IMDB ------------------------------------------------------------------------------------------
        Entry("imdb_lstm_reversed", CHOLLET, "6.3.8 LSTM on reversed sequences (Listing 6.49, L6853-L6902)",
              imdb_lstm_reversed, compile_rmsprop_binary, 1_300_641,
              "Embedding 10000*128 = 1,280,000; LSTM 4*32*(128+32+1) = 20,608; Dense 33 (no table printed)",
              recipe="imdb_reversed", data="imdb",
              notes=("Recipe: each review reversed before pad_sequences(maxlen=500); 10 epochs of 128, "
                     "validation_split=0.2.",)),
        Entry("imdb_bidirectional_lstm", CHOLLET, "6.3.8 Bidirectional LSTM (Listing 6.50, L6912-L6928)",
              imdb_bidirectional_lstm, compile_rmsprop_binary, 336_705,
              "Embedding 320,000; Bidirectional 2 * 8,320 = 16,640; Dense 64+1 = 65 (no table printed)",
              recipe="imdb_rnn", data="imdb", notes=(_IMDB_RNN,)),
        Entry("imdb_conv1d", CHOLLET, "6.4.3 1D convnet on IMDB (Listings 6.52-6.53, L7017-L7078)",
              imdb_conv1d, compile_imdb_conv1d, 1_315_937,
              "Embedding 10000*128 = 1,280,000; Conv1D 7*128*32+32 = 28,704; Conv1D 7*32*32+32 = 7,200; Dense 33 "
              "(no table printed)", recipe="imdb_rnn", data="imdb",
              notes=(_IMDB_RNN, "Dense(1) is linear under binary_crossentropy, as printed (L7060): Keras clips the "
                     "'probabilities' to [1e-7, 1 - 1e-7].")),
        # -- chapter 7 ----------------------------------------------------------------------------------------------
        Entry("question_answering", CHOLLET, "7.1.2 Multi-input models (Listings 7.6-7.7, L7442-L7527)",
              question_answering, compile_question_answering, 1_000_052,
              "Embedding 10000*64 = 640,000; LSTM 4*32*(64+32+1) = 12,416; Embedding 10000*32 = 320,000; LSTM "
              "4*16*(32+16+1) = 3,136; Dense 48*500+500 = 24,500 (no table printed; 2,909,812 with the book's "
              "swapped Embedding arguments)", recipe="question_answering",
              notes=("Book erratum L7481/L7488: Embedding(64, 10000) and Embedding(32, 10000) swap input_dim and "
                     "output_dim; built as Embedding(10000, 64) and Embedding(10000, 32), as the text says.",
                     "Recipe: the book's dummy data with its undefined num_samples / max_length set to 1000 / 100, and "
                     "one-hot answers (the book's randint(0, 1, ...) makes them all zero); fit with a list, then with "
                     "a dict, 10 epochs of 128 each.")),
        Entry("three_output", CHOLLET, "7.1.3 Multi-output models (Listings 7.8-7.11, L7529-L7620)",
              three_output, compile_three_output, 14_146_316,
              "Embedding 50000*256 = 12,800,000; Conv1D 5*256*128+128 = 163,968; 5*128*256+256 = 164,096; three "
              "5*256*256+256 = 327,936; Dense 256*128+128 = 32,896; heads 129, 1,290, 129 (no table printed)",
              recipe="three_output",
              notes=("Book errata: Embedding(256, vocabulary_size) (L7550) swaps the arguments, built as "
                     "Embedding(50000, 256); Model(input_posts, ...) (L7566) is Model(posts_input, ...).",
                     "Compiled with the loss weights [0.25, 1., 10.] (Listing 7.10).",
                     "Recipe: dummy posts (the book's targets are 'assumed to be Numpy arrays'): 512 posts of 300 "
                     "words (5 convolutions and 2 poolings need at least 269), ages, one-hot income groups, genders; "
                     "fit with a list, then with a dict, 10 epochs of 64 each.")),
        Entry("siamese_lstm", CHOLLET, "7.1.5 Layer weight sharing (Listing 7.15, L7729-L7781)",
              siamese_lstm, compile_siamese_lstm, 20_673,
              "one LSTM 4*32*(128+32+1) = 20,608 counted once; Dense 64+1 = 65 (no table printed)",
              recipe="siamese",
              notes=("The book fits it without compiling (L7779; Keras raises): compiled with rmsprop and "
                     "binary_crossentropy.",
                     "Recipe: the book's undefined left_data, right_data, targets as random sequences of 128-vectors "
                     "and 0/1 targets; fit with Keras' defaults (1 epoch of 32).")),
        # -- chapter 8 ----------------------------------------------------------------------------------------------
        Entry("char_lstm", CHOLLET, "8.1 Text generation with LSTM (Listings 8.2-8.7, L8461-L8697)",
              char_lstm, compile_char_lstm, 102_585,
              "with the 57 characters of the lower-cased nietzsche.txt: LSTM 4*128*(57+128+1) = 95,232; Dense "
              "128*57+57 = 7,353 (no table printed)", recipe="char_generation", data="moby_dick",
              notes=("Nietzsche's corpus is not offline: the recipe trains on nn.datasets.moby_dick (lower-cased, "
                     "its own character set; corpus='shakespeare' for the other), maxlen 60, step 3, one-hot, "
                     "RMSprop(lr=0.01), and after every epoch samples 400 characters at temperatures 0.2, 0.5, 1.0, "
                     "1.2 with nnspec.zoo.textgen.sample.",
                     "Defaults: 20 rounds (the book prints epoch 20's samples) on the first 200,000 characters; the "
                     "book's run, 59 rounds (for epoch in range(1, 60)) on its 600,893 characters, is --epochs 59 -o "
                     "chars=600000 (about 15 minutes a round on a 2-core CPU).")),
        # -- Watson -------------------------------------------------------------------------------------------------
        Entry("fashion_simple_rnn", WATSON, "§1.5.2 recurrent-net.ipynb (L660-L694)",
              fashion_simple_rnn, compile_fashion_simple_rnn, 4_460,
              "SimpleRNN 50*(28+50+1) = 3,950; Dense 50*10+10 = 510 (no table printed)",
              recipe="fashion_rnn", data="fashion_mnist"),
    )


ENTRIES = {e.name: e for e in _entries()}
