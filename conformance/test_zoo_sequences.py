"""The books' sequence models in the zoo (``nnspec.zoo.sequences``): summaries, architectures, recipes, and the
helpers the book writes for them (``nnspec.zoo.textgen``, ``nnspec.zoo.timeseries``, ``nnspec.zoo.glove``).

DLwP prints three of these summaries (Listings 6.23-6.25, notes T9-T11), in one long session and with Keras 1
layer names (``embedding_22``, ``simplernn_10``): the tables are pasted below as the notes transcribe them, the
session of the three listings is replayed, and the rows must be the book's after the documented renames (Keras 2
names ``simple_rnn_N``; the numbers of the book's session start at 22 embeddings and 10 SimpleRNNs, ours at 1).
Every entry's rows and totals in a fresh session are written out with the parameter arithmetic (the notes'
"derived" counts). Recipes run on small synthetic data; real-data runs are ``slow`` and skip without the data.
Expected values are computed by hand or with NumPy in this file.
"""

import math
import re

import numpy as np
import pytest
from harness.realdata import require_real_data
from harness.summaries import parse_summary
from harness.zoo import (
    assert_compiled_as,
    assert_layers,
    assert_never_compiled,
    assert_one_synthetic_epoch,
    assert_rows_and_totals,
    missing_data_error,
    summary_lines,
)

from nnspec import cli, zoo
from nnspec.zoo import glove, recipes, sequence_recipes, sequences, textgen, timeseries

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")

SEQUENCES = list(sequences.ENTRIES)
WITH_RECIPE = [n for n in SEQUENCES if zoo.get(n).recipe]


WIDE = 160  # a summary's line length at which no cell of these models is cut


def read(model):
    """(rows, totals) of the model's summary printed wide enough that no cell is cut."""
    return parse_summary(summary_lines(model, WIDE))


_CONNECTED = re.compile(r"^(\S+) \(\w+\)\s+\([^)]*\)\s+\d+\s+(\S+\[\d+\]\[\d+\])\s*$")
_MORE = re.compile(r"^\s+(\S+\[\d+\]\[\d+\])\s*$")


def connections(model):
    """{layer name: its "Connected to" cells} of a graph summary."""
    out, last = {}, None
    for line in summary_lines(model, WIDE):
        m = _CONNECTED.match(line)
        if m:
            last = m[1]
            out[last] = [m[2]]
            continue
        m = _MORE.match(line)
        if m and last:
            out[last].append(m[1])
        elif line and not line.startswith(" "):
            last = None
    return out


# -- the book's printed tables, verbatim from the notes -----------------------------------------------------------

# seed-chollet.md §3 T9 = DLwP Listing 6.23 (book L6117-L6124; the footer lines have a leading space)
BOOK_T9 = """\
Layer (type)\tOutput Shape\tParam #
embedding_22 (Embedding)\t(None, None, 32)\t320000
simplernn_10 (SimpleRNN)\t(None, 32)\t2080

=====
 Total params: 322,080
 Trainable params: 322,080
 Non-trainable params: 0
"""

# T10 = Listing 6.24 (L6135-L6140)
BOOK_T10 = """\
Layer (type)\tOutput Shape\tParam #
embedding_23 (Embedding)\t(None, None, 32)\t320000
simplernn_11 (SimpleRNN)\t(None, None, 32)\t2080
Total params: 322,080\t\t
Trainable params: 322,080\t\t
Non-trainable params: 0\t\t
"""

# T11 = Listing 6.25 (L6156-L6164)
BOOK_T11 = """\
Layer (type)\tOutput Shape\tParam #
embedding_24 (Embedding)\t(None, None, 32)\t320000
simplernn_12 (SimpleRNN)\t(None, None, 32)\t2080
simplernn_13 (SimpleRNN)\t(None, None, 32)\t2080
simplernn_14 (SimpleRNN)\t(None, None, 32)\t2080
simplernn_15 (SimpleRNN)\t(None, 32)\t2080
Total params: 328,320\t\t
Trainable params: 328,320\t\t
Non-trainable params: 0\t\t
"""

PRINTED = [("simple_rnn_last_state", BOOK_T9, "T9"), ("simple_rnn_sequences", BOOK_T10, "T10"),
           ("simple_rnn_stacked", BOOK_T11, "T11")]

# The book's session had made 21 Embedding and 9 SimpleRNN layers before Listing 6.23 (its first names are
# embedding_22 and simplernn_10); Keras 1 named SimpleRNN layers simplernn_N, Keras 2 simple_rnn_N.
_SESSION_OFFSET = {"embedding": 21, "simplernn": 9}
_KERAS2_PREFIX = {"embedding": "embedding", "simplernn": "simple_rnn"}


def as_fresh_session(rows):
    out = []
    for name, kind, shape, params in rows:
        prefix, number = name.rsplit("_", 1)
        out.append((f"{_KERAS2_PREFIX[prefix]}_{int(number) - _SESSION_OFFSET[prefix]}", kind, shape, params))
    return out


def test_the_printed_tables_add_up():
    # the transcriptions: 10000*32 = 320,000; SimpleRNN 32*32 + 32*32 + 32 = 2,080; totals are the row sums
    for _, text, _ in PRINTED:
        rows, totals = parse_summary(text.splitlines())
        assert rows[0][3] == 10000 * 32 and all(r[3] == 32 * 32 + 32 * 32 + 32 for r in rows[1:])
        assert totals == {"Total": sum(r[3] for r in rows), "Trainable": sum(r[3] for r in rows), "Non-trainable": 0}


def test_listings_6_23_to_6_25_in_one_session_print_the_books_tables(nn):
    # the three models built one after the other as in the book's REPL: each table is the book's, names renumbered
    for i, (name, text, _) in enumerate(PRINTED):
        model = zoo.get(name).make(nn, fresh=i == 0)
        rows, totals = parse_summary(text.splitlines())
        assert read(model) == (as_fresh_session(rows), totals)


def test_printed_entries_name_their_tables():
    printed = {n for n in SEQUENCES if zoo.get(n).printed_summary}
    assert printed == {name for name, _, _ in PRINTED}
    for name, _, table in PRINTED:
        assert f" {table} " in zoo.get(name).printed_summary


def test_the_book_s_summary_layout_for_listing_6_23(nn):
    # the Keras 2.2.4 65-column table as `zoo summary` prints it
    lines = summary_lines(zoo.get("simple_rnn_last_state").make(nn))
    assert lines == [
        "_________________________________________________________________",
        "Layer (type)                 Output Shape              Param #   ",
        "=================================================================",
        "embedding_1 (Embedding)      (None, None, 32)          320000    ",
        "_________________________________________________________________",
        "simple_rnn_1 (SimpleRNN)     (None, 32)                2080      ",
        "=================================================================",
        "Total params: 322,080",
        "Trainable params: 322,080",
        "Non-trainable params: 0",
        "_________________________________________________________________",
    ]


# -- every entry in a fresh session --------------------------------------------------------------------------------

def R(name, kind, shape, params):
    return (name, kind, shape, params)


def T(total, trainable=None):
    return {"Total": total, "Trainable": total if trainable is None else trainable,
            "Non-trainable": 0 if trainable is None else total - trainable}


def _sum(rows):
    return sum(r[3] for r in rows)


def rows(*rs, trainable=None):
    return list(rs), T(_sum(rs), trainable)


EMB_32 = R("embedding_1", "Embedding", "(None, None, 32)", 10000 * 32)  # 320,000
SRNN = 32 * (32 + 32 + 1)  # SimpleRNN(32) on 32 features: kernel, recurrent kernel, bias = 2,080
LSTM_32_32 = 4 * 32 * (32 + 32 + 1)  # LSTM(32) on 32 features: 4 gates = 8,320
GRU_32_14 = 3 * 32 * (14 + 32 + 1)  # GRU(32) on 14 features, Keras 2 reset_after=False: 4,512
RAW_TEXT = [R("embedding_1", "Embedding", "(None, 100, 100)", 10000 * 100),  # 1,000,000
            R("flatten_1", "Flatten", "(None, 10000)", 0),
            R("dense_1", "Dense", "(None, 32)", 10000 * 32 + 32),  # 320,032
            R("dense_2", "Dense", "(None, 1)", 32 + 1)]

EXPECTED = {
    # Embedding(10000, 8, input_length=20): 80,000; Flatten 20*8 = 160; Dense 160+1 = 161: 80,161
    "imdb_embedding_flatten": rows(R("embedding_1", "Embedding", "(None, 20, 8)", 80000),
                                   R("flatten_1", "Flatten", "(None, 160)", 0),
                                   R("dense_1", "Dense", "(None, 1)", 161)),
    # 1,320,065 of which the frozen Embedding's 1,000,000 are not trainable
    "imdb_glove_flatten": rows(*RAW_TEXT, trainable=320032 + 33),
    "raw_text_flatten": rows(*RAW_TEXT),
    "simple_rnn_last_state": rows(EMB_32, R("simple_rnn_1", "SimpleRNN", "(None, 32)", SRNN)),
    "simple_rnn_sequences": rows(EMB_32, R("simple_rnn_1", "SimpleRNN", "(None, None, 32)", SRNN)),
    "simple_rnn_stacked": rows(EMB_32, *[R(f"simple_rnn_{i}", "SimpleRNN", "(None, None, 32)", SRNN) for i in (1, 2,
                                                                                                             3)],
                               R("simple_rnn_4", "SimpleRNN", "(None, 32)", SRNN)),  # 320,000 + 4 * 2,080
    "imdb_simple_rnn": rows(EMB_32, R("simple_rnn_1", "SimpleRNN", "(None, 32)", SRNN),
                            R("dense_1", "Dense", "(None, 1)", 33)),  # 322,113
    "imdb_lstm": rows(EMB_32, R("lstm_1", "LSTM", "(None, 32)", LSTM_32_32), R("dense_1", "Dense", "(None, 1)", 33)),
    "raw_text_lstm": rows(EMB_32, R("lstm_1", "LSTM", "(None, 32)", LSTM_32_32),
                          R("dense_1", "Dense", "(None, 1)", 33)),  # 328,353
    # lookback 1440 // step 6 = 240 rows of 14: Flatten 3,360; Dense 3360*32+32 = 107,552; 33: 107,585
    "jena_dense": rows(R("flatten_1", "Flatten", "(None, 3360)", 0), R("dense_1", "Dense", "(None, 32)", 107552),
                       R("dense_2", "Dense", "(None, 1)", 33)),
    "jena_gru": rows(R("gru_1", "GRU", "(None, 32)", GRU_32_14), R("dense_1", "Dense", "(None, 1)", 33)),  # 4,545
    "jena_gru_dropout": rows(R("gru_1", "GRU", "(None, 32)", GRU_32_14), R("dense_1", "Dense", "(None, 1)", 33)),
    "jena_gru_reversed": rows(R("gru_1", "GRU", "(None, 32)", GRU_32_14), R("dense_1", "Dense", "(None, 1)", 33)),
    # GRU(64) on 32 features: 3*64*(32+64+1) = 18,624; Dense 64+1: 23,201
    "jena_stacked_gru": rows(R("gru_1", "GRU", "(None, None, 32)", GRU_32_14),
                             R("gru_2", "GRU", "(None, 64)", 3 * 64 * (32 + 64 + 1)),
                             R("dense_1", "Dense", "(None, 1)", 65)),
    # two GRU(32): 2 * 4,512 = 9,024; concatenated 64 -> Dense 65: 9,089
    "jena_bidirectional_gru": rows(R("bidirectional_1", "Bidirectional", "(None, 64)", 2 * GRU_32_14),
                                   R("dense_1", "Dense", "(None, 1)", 65)),
    # Conv1D(32, 5) on 14: 5*14*32+32 = 2,272; on 32: 5*32*32+32 = 5,152; the length stays None: 12,609
    "jena_conv1d": rows(R("conv1d_1", "Conv1D", "(None, None, 32)", 2272),
                        R("max_pooling1d_1", "MaxPooling1D", "(None, None, 32)", 0),
                        R("conv1d_2", "Conv1D", "(None, None, 32)", 5152),
                        R("max_pooling1d_2", "MaxPooling1D", "(None, None, 32)", 0),
                        R("conv1d_3", "Conv1D", "(None, None, 32)", 5152),
                        R("global_max_pooling1d_1", "GlobalMaxPooling1D", "(None, 32)", 0),
                        R("dense_1", "Dense", "(None, 1)", 33)),
    # GRU(32) on 32 features: 3*32*(32+32+1) = 6,240: 13,697
    "jena_conv1d_gru": rows(R("conv1d_1", "Conv1D", "(None, None, 32)", 2272),
                            R("max_pooling1d_1", "MaxPooling1D", "(None, None, 32)", 0),
                            R("conv1d_2", "Conv1D", "(None, None, 32)", 5152),
                            R("gru_1", "GRU", "(None, 32)", 6240),
                            R("dense_1", "Dense", "(None, 1)", 33)),
    # Embedding(10000, 128) 1,280,000; LSTM(32) on 128: 4*32*(128+32+1) = 20,608; 33: 1,300,641
    "imdb_lstm_reversed": rows(R("embedding_1", "Embedding", "(None, None, 128)", 1280000),
                               R("lstm_1", "LSTM", "(None, 32)", 20608), R("dense_1", "Dense", "(None, 1)", 33)),
    # 2 * 8,320 = 16,640; Dense 64+1 = 65: 336,705
    "imdb_bidirectional_lstm": rows(EMB_32, R("bidirectional_1", "Bidirectional", "(None, 64)", 2 * LSTM_32_32),
                                    R("dense_1", "Dense", "(None, 1)", 65)),
    # (None, 500, 128); Conv1D(32, 7): 7*128*32+32 = 28,704, length 500-6 = 494; pool 5: 98; 7*32*32+32 = 7,200,
    # length 92: 1,315,937
    "imdb_conv1d": rows(R("embedding_1", "Embedding", "(None, 500, 128)", 1280000),
                        R("conv1d_1", "Conv1D", "(None, 494, 32)", 28704),
                        R("max_pooling1d_1", "MaxPooling1D", "(None, 98, 32)", 0),
                        R("conv1d_2", "Conv1D", "(None, 92, 32)", 7200),
                        R("global_max_pooling1d_1", "GlobalMaxPooling1D", "(None, 32)", 0),
                        R("dense_1", "Dense", "(None, 1)", 33)),
    # Embedding(10000, 64) 640,000; (10000, 32) 320,000; LSTM(32) on 64: 4*32*(64+32+1) = 12,416; LSTM(16) on 32:
    # 4*16*(32+16+1) = 3,136; Dense(500) on 48: 48*500+500 = 24,500: 1,000,052
    "question_answering": rows(R("text", "InputLayer", "(None, None)", 0),
                               R("question", "InputLayer", "(None, None)", 0),
                               R("embedding_1", "Embedding", "(None, None, 64)", 640000),
                               R("embedding_2", "Embedding", "(None, None, 32)", 320000),
                               R("lstm_1", "LSTM", "(None, 32)", 12416), R("lstm_2", "LSTM", "(None, 16)", 3136),
                               R("concatenate_1", "Concatenate", "(None, 48)", 0),
                               R("dense_1", "Dense", "(None, 500)", 24500)),
    # Embedding(50000, 256) 12,800,000; Conv1D(128, 5) on 256: 5*256*128+128 = 163,968; (256, 5) on 128:
    # 5*128*256+256 = 164,096; on 256: 5*256*256+256 = 327,936 (three); Dense(128) 256*128+128 = 32,896; heads
    # 129, 10*128+10 = 1,290, 129: 14,146,316
    "three_output": rows(R("posts", "InputLayer", "(None, None)", 0),
                         R("embedding_1", "Embedding", "(None, None, 256)", 12800000),
                         R("conv1d_1", "Conv1D", "(None, None, 128)", 163968),
                         R("max_pooling1d_1", "MaxPooling1D", "(None, None, 128)", 0),
                         R("conv1d_2", "Conv1D", "(None, None, 256)", 164096),
                         R("conv1d_3", "Conv1D", "(None, None, 256)", 327936),
                         R("max_pooling1d_2", "MaxPooling1D", "(None, None, 256)", 0),
                         R("conv1d_4", "Conv1D", "(None, None, 256)", 327936),
                         R("conv1d_5", "Conv1D", "(None, None, 256)", 327936),
                         R("global_max_pooling1d_1", "GlobalMaxPooling1D", "(None, 256)", 0),
                         R("dense_1", "Dense", "(None, 128)", 32896),
                         R("age", "Dense", "(None, 1)", 129), R("income", "Dense", "(None, 10)", 1290),
                         R("gender", "Dense", "(None, 1)", 129)),
    # one LSTM(32) on 128 for both inputs: 4*32*(128+32+1) = 20,608 counted once; Dense 64+1: 20,673
    "siamese_lstm": rows(R("input_1", "InputLayer", "(None, None, 128)", 0),
                         R("input_2", "InputLayer", "(None, None, 128)", 0),
                         R("lstm_1", "LSTM", "(None, 32)", 20608),
                         R("concatenate_1", "Concatenate", "(None, 64)", 0),
                         R("dense_1", "Dense", "(None, 1)", 65)),
    # 57 characters: LSTM(128) 4*128*(57+128+1) = 95,232; Dense 128*57+57 = 7,353: 102,585
    "char_lstm": rows(R("lstm_1", "LSTM", "(None, 128)", 95232), R("dense_1", "Dense", "(None, 57)", 7353)),
    # SimpleRNN(50) on 28: 50*(28+50+1) = 3,950; Dense 50*10+10 = 510: 4,460
    "fashion_simple_rnn": rows(R("simple_rnn_1", "SimpleRNN", "(None, 50)", 3950),
                               R("dense_1", "Dense", "(None, 10)", 510)),
}

CONNECTED = {  # the graph summaries' "Connected to" cells
    "question_answering": {"embedding_1": ["text[0][0]"], "embedding_2": ["question[0][0]"],
                           "lstm_1": ["embedding_1[0][0]"], "lstm_2": ["embedding_2[0][0]"],
                           "concatenate_1": ["lstm_1[0][0]", "lstm_2[0][0]"], "dense_1": ["concatenate_1[0][0]"]},
    "three_output": {"embedding_1": ["posts[0][0]"], "conv1d_1": ["embedding_1[0][0]"],
                     "max_pooling1d_1": ["conv1d_1[0][0]"], "conv1d_2": ["max_pooling1d_1[0][0]"],
                     "conv1d_3": ["conv1d_2[0][0]"], "max_pooling1d_2": ["conv1d_3[0][0]"],
                     "conv1d_4": ["max_pooling1d_2[0][0]"], "conv1d_5": ["conv1d_4[0][0]"],
                     "global_max_pooling1d_1": ["conv1d_5[0][0]"], "dense_1": ["global_max_pooling1d_1[0][0]"],
                     "age": ["dense_1[0][0]"], "income": ["dense_1[0][0]"], "gender": ["dense_1[0][0]"]},
    # the shared LSTM has two nodes, one per input; the concatenation takes both
    "siamese_lstm": {"lstm_1": ["input_1[0][0]", "input_2[0][0]"],
                     "concatenate_1": ["lstm_1[0][0]", "lstm_1[1][0]"], "dense_1": ["concatenate_1[0][0]"]},
}


def test_every_sequence_entry_has_expected_rows():
    assert sorted(EXPECTED) == sorted(SEQUENCES)


@pytest.mark.parametrize("name", SEQUENCES)
def test_entry_builds_with_the_expected_rows_and_totals(nn, name):
    entry = zoo.get(name)
    model = entry.make(nn)
    assert_rows_and_totals(entry, model, read(model), EXPECTED[name])


@pytest.mark.parametrize("name", sorted(CONNECTED))
def test_graph_models_are_wired_as_the_book_writes_them(nn, name):
    assert connections(zoo.get(name).make(nn)) == CONNECTED[name]


def test_the_siamese_lstm_is_one_layer_called_twice(nn):
    model = zoo.get("siamese_lstm").make(nn)
    lstms = [la for la in model.layers if type(la).__name__ == "LSTM"]
    assert len(lstms) == 1 and len(model.trainable_weights) == 3 + 2  # kernel, recurrent kernel, bias; Dense
    x = np.random.default_rng(0).random((3, 4, 128)).astype("float32")
    left, right = model.predict([x, x[::-1]]), model.predict([x[::-1], x])
    assert left.shape == (3, 1) and not np.allclose(left, right)  # the order of the two encodings matters


@pytest.mark.parametrize("name, kwargs, shape, params", [
    # the data's shapes: 240 hourly rows of 8 columns -> Flatten 1,920; 1920*32+32 = 61,472; 33
    ("jena_dense", {"lookback": 240, "step": 1, "num_features": 8}, (None, 240, 8), 61472 + 33),
    # GRU(32) on 8 features: 3*32*(8+32+1) = 3,936; 33
    ("jena_gru", {"num_features": 8}, (None, None, 8), 3936 + 33),
    # 60 characters: 4*128*(60+128+1) = 96,768; 128*60+60 = 7,740
    ("char_lstm", {"maxlen": 60, "num_chars": 60}, (None, 60, 60), 96768 + 7740),
])
def test_models_take_their_data_shapes_from_keyword_arguments(nn, name, kwargs, shape, params):
    model = zoo.get(name).make(nn, **kwargs)
    assert model.input_shape == shape and model.count_params() == params


# -- architecture: the book's layer arguments ----------------------------------------------------------------------

def D(units, activation="linear"):
    return ("Dense", {"units": units, "activation": activation})


def E(input_dim, output_dim, input_length=None):
    return ("Embedding", {"input_dim": input_dim, "output_dim": output_dim, "input_length": input_length})


def RNN(kind, units, return_sequences=False, dropout=0.0, recurrent_dropout=0.0, activation="tanh"):
    config = {"units": units, "return_sequences": return_sequences, "dropout": dropout,
              "recurrent_dropout": recurrent_dropout, "activation": activation}
    if kind != "SimpleRNN":  # Keras 2 defaults, stated by the book's Keras
        config["recurrent_activation"] = "hard_sigmoid"
    if kind == "GRU":
        config["reset_after"] = False
    return (kind, config)


def C1(filters, kernel_size):
    return ("Conv1D", {"filters": filters, "kernel_size": (kernel_size,), "activation": "relu", "padding": "valid"})


def P1(size):
    return ("MaxPooling1D", {"pool_size": (size,)})


GMP, FLAT = ("GlobalMaxPooling1D", {}), ("Flatten", {})
BI = ("Bidirectional", {"merge_mode": "concat"})

ARCH = {  # (input shape, [(layer class, config subset)] in model.layers order, InputLayers left out)
    "imdb_embedding_flatten": ((None, 20), [E(10000, 8, 20), FLAT, D(1, "sigmoid")]),
    "imdb_glove_flatten": ((None, 100), [E(10000, 100, 100), FLAT, D(32, "relu"), D(1, "sigmoid")]),
    "raw_text_flatten": ((None, 100), [E(10000, 100, 100), FLAT, D(32, "relu"), D(1, "sigmoid")]),
    "simple_rnn_last_state": ((None, None), [E(10000, 32), RNN("SimpleRNN", 32)]),
    "simple_rnn_sequences": ((None, None), [E(10000, 32), RNN("SimpleRNN", 32, True)]),
    "simple_rnn_stacked": ((None, None), [E(10000, 32)] + [RNN("SimpleRNN", 32, True)] * 3
                           + [RNN("SimpleRNN", 32)]),
    "imdb_simple_rnn": ((None, None), [E(10000, 32), RNN("SimpleRNN", 32), D(1, "sigmoid")]),
    "imdb_lstm": ((None, None), [E(10000, 32), RNN("LSTM", 32), D(1, "sigmoid")]),
    "raw_text_lstm": ((None, None), [E(10000, 32), RNN("LSTM", 32), D(1, "sigmoid")]),
    "jena_dense": ((None, 240, 14), [FLAT, D(32, "relu"), D(1)]),
    "jena_gru": ((None, None, 14), [RNN("GRU", 32), D(1)]),
    "jena_gru_reversed": ((None, None, 14), [RNN("GRU", 32), D(1)]),
    "jena_gru_dropout": ((None, None, 14), [RNN("GRU", 32, dropout=0.2, recurrent_dropout=0.2), D(1)]),
    "jena_stacked_gru": ((None, None, 14), [RNN("GRU", 32, True, dropout=0.1, recurrent_dropout=0.5),
                                            RNN("GRU", 64, dropout=0.1, recurrent_dropout=0.5, activation="relu"),
                                            D(1)]),
    "jena_bidirectional_gru": ((None, None, 14), [BI, D(1)]),
    "jena_conv1d": ((None, None, 14), [C1(32, 5), P1(3), C1(32, 5), P1(3), C1(32, 5), GMP, D(1)]),
    "jena_conv1d_gru": ((None, None, 14), [C1(32, 5), P1(3), C1(32, 5),
                                           RNN("GRU", 32, dropout=0.1, recurrent_dropout=0.5), D(1)]),
    "imdb_lstm_reversed": ((None, None), [E(10000, 128), RNN("LSTM", 32), D(1, "sigmoid")]),
    "imdb_bidirectional_lstm": ((None, None), [E(10000, 32), BI, D(1, "sigmoid")]),
    "imdb_conv1d": ((None, 500), [E(10000, 128, 500), C1(32, 7), P1(5), C1(32, 7), GMP, D(1)]),
    "question_answering": ([(None, None), (None, None)], [E(10000, 64), E(10000, 32), RNN("LSTM", 32),
                                                          RNN("LSTM", 16), ("Concatenate", {"axis": -1}),
                                                          D(500, "softmax")]),
    "three_output": ((None, None), [E(50000, 256), C1(128, 5), P1(5), C1(256, 5), C1(256, 5), P1(5), C1(256, 5),
                                    C1(256, 5), GMP, D(128, "relu"), D(1), D(10, "softmax"), D(1, "sigmoid")]),
    "siamese_lstm": ([(None, None, 128), (None, None, 128)], [RNN("LSTM", 32), ("Concatenate", {"axis": -1}),
                                                              D(1, "sigmoid")]),
    "char_lstm": ((None, 60, 57), [RNN("LSTM", 128), D(57, "softmax")]),
    "fashion_simple_rnn": ((None, 28, 28), [RNN("SimpleRNN", 50), D(10, "softmax")]),
}


def test_the_architecture_table_covers_every_entry():
    assert sorted(ARCH) == sorted(SEQUENCES)


@pytest.mark.parametrize("name", SEQUENCES)
def test_entry_layers_have_the_books_arguments(nn, name):
    input_shape, layers = ARCH[name]
    assert_layers(zoo.get(name).make(nn), input_shape, layers)


@pytest.mark.parametrize("name, inner", [
    ("jena_bidirectional_gru", RNN("GRU", 32)), ("imdb_bidirectional_lstm", RNN("LSTM", 32))])
def test_bidirectional_wraps_the_books_layer(nn, name, inner):
    wrapper = zoo.get(name).make(nn).layers[0 if name.startswith("jena") else 1]
    assert type(wrapper.layer).__name__ == inner[0]
    config = wrapper.layer.get_config()
    assert {k: config[k] for k in inner[1]} == inner[1]


def test_functional_inputs_are_named_int32_as_printed(nn):
    qa = zoo.get("question_answering").make(nn)
    assert [t.name.split(":")[0] for t in qa.inputs] == ["text", "question"]
    assert qa.input_names == ["text", "question"] and qa.output_names == ["dense_1"]
    posts = zoo.get("three_output").make(nn)
    assert posts.input_names == ["posts"] and posts.output_names == ["age", "income", "gender"]
    assert all(str(t.dtype) == "int32" for t in qa.inputs + posts.inputs)


def test_glove_entry_freezes_the_embedding_and_takes_a_matrix(nn):
    entry = zoo.get("imdb_glove_flatten")
    model = entry.make(nn)
    assert model.layers[0].trainable is False and len(model.trainable_weights) == 4  # the two Dense layers
    matrix = np.random.default_rng(1).normal(size=(10000, 100))
    model = entry.make(nn, embedding_matrix=matrix)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], matrix.astype("float32"))
    assert model.layers[0].trainable is False
    model.compile(**entry.compile_args(nn))
    model.train_on_batch(np.arange(200).reshape(2, 100) % 10000, np.array([0., 1.]))
    np.testing.assert_allclose(model.layers[0].get_weights()[0], matrix.astype("float32"))  # frozen by compile


# -- compile arguments ---------------------------------------------------------------------------------------------

COMPILED = {  # optimizer class, learning rate where the book sets one, loss, metrics_names
    "imdb_embedding_flatten": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "imdb_glove_flatten": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "raw_text_flatten": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "imdb_simple_rnn": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "imdb_lstm": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "raw_text_lstm": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "jena_dense": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_gru": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_gru_dropout": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_stacked_gru": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_gru_reversed": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_bidirectional_gru": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_conv1d": ("RMSprop", 0.001, "mae", ["loss"]),
    "jena_conv1d_gru": ("RMSprop", 0.001, "mae", ["loss"]),
    "imdb_lstm_reversed": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "imdb_bidirectional_lstm": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "imdb_conv1d": ("RMSprop", 1e-4, "binary_crossentropy", ["loss", "acc"]),
    "question_answering": ("RMSprop", None, "categorical_crossentropy", ["loss", "acc"]),
    "three_output": ("RMSprop", None, ["mse", "categorical_crossentropy", "binary_crossentropy"],
                     ["loss", "age_loss", "income_loss", "gender_loss"]),
    "siamese_lstm": ("RMSprop", None, "binary_crossentropy", ["loss", "acc"]),
    "char_lstm": ("RMSprop", 0.01, "categorical_crossentropy", ["loss"]),
    "fashion_simple_rnn": ("Adam", 0.001, "sparse_categorical_crossentropy", ["loss", "acc"]),
}
NOT_COMPILED = {"simple_rnn_last_state", "simple_rnn_sequences", "simple_rnn_stacked"}


def test_compiled_and_uncompiled_cover_the_entries():
    assert sorted(set(COMPILED) | NOT_COMPILED) == sorted(SEQUENCES) and not set(COMPILED) & NOT_COMPILED


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_entry_compiles_with_the_books_arguments(nn, name):
    assert_compiled_as(nn, zoo.get(name).make(nn, compile=True), *COMPILED[name], rel=1e-6)


def test_three_output_weights_its_losses_as_listing_7_10(nn):
    model = zoo.get("three_output").make(nn, compile=True)
    assert list(model.loss_weights) == [0.25, 1., 10.]
    rng = np.random.default_rng(0)
    posts = rng.integers(1, 50000, (4, 270))
    age, income, gender = rng.random((4, 1)) * 50, np.eye(10)[[1, 2, 3, 4]], np.array([[0.], [1.], [1.], [0.]])
    loss, age_loss, income_loss, gender_loss = model.evaluate(posts, [age, income, gender], verbose=0)
    assert loss == pytest.approx(0.25 * age_loss + 1. * income_loss + 10. * gender_loss, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NOT_COMPILED))
def test_the_shape_demos_are_never_compiled(nn, name):
    assert_never_compiled(nn, zoo.get(name))


# -- the registry -------------------------------------------------------------------------------------------------

def test_sequence_entries_are_registered_with_their_recipes():
    names = zoo.names()
    assert set(SEQUENCES) <= set(names)
    for name in SEQUENCES:
        entry = zoo.get(name)
        assert entry.book in (zoo.CHOLLET, zoo.WATSON) and entry.section and entry.params_note
        assert entry.recipe is None or entry.recipe in recipes.RECIPES
    assert {n: zoo.get(n).recipe for n in WITH_RECIPE} == {
        "imdb_embedding_flatten": "imdb_embedding", "raw_text_flatten": "raw_text",
        "imdb_simple_rnn": "imdb_rnn", "imdb_lstm": "imdb_rnn", "raw_text_lstm": "raw_text_lstm",
        "jena_dense": "jena", "jena_gru": "jena", "jena_gru_dropout": "jena_40", "jena_stacked_gru": "jena_40",
        "jena_gru_reversed": "jena_reversed", "jena_bidirectional_gru": "jena_40", "jena_conv1d": "jena",
        "jena_conv1d_gru": "jena", "imdb_lstm_reversed": "imdb_reversed", "imdb_bidirectional_lstm": "imdb_rnn",
        "imdb_conv1d": "imdb_rnn", "question_answering": "question_answering", "three_output": "three_output",
        "siamese_lstm": "siamese", "char_lstm": "char_generation", "fashion_simple_rnn": "fashion_rnn"}
    data = {n: zoo.get(n).data for n in WITH_RECIPE}
    assert {n for n, d in data.items() if d is None} == {"question_answering", "three_output", "siamese_lstm"}
    assert {data[n] for n in WITH_RECIPE if n.startswith("jena")} == {"weather"}
    assert data["raw_text_lstm"] == data["raw_text_flatten"] == "spam_assassin" and data["char_lstm"] == "moby_dick"


def test_errata_decisions_are_recorded_in_the_entries():
    assert any("L7481" in n for n in zoo.get("question_answering").notes)
    assert any("L7550" in n and "L7566" in n for n in zoo.get("three_output").notes)
    assert any("without compiling" in n for n in zoo.get("siamese_lstm").notes)
    assert any("GloVe" in n for n in zoo.get("imdb_glove_flatten").notes)
    assert all(any("240 h" in n for n in zoo.get(n).notes) for n in SEQUENCES if n.startswith("jena"))


# -- recipes on synthetic data ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WITH_RECIPE)
def test_every_sequence_recipe_runs_on_synthetic_data(nn, name, capsys):
    assert_one_synthetic_epoch(nn, name)


@pytest.mark.parametrize("name, batch_size, samples", [
    ("imdb_embedding_flatten", 32, 102),  # L5663-L5665: batches of 32, 20% of the 128 synthetic reviews held out
    ("imdb_lstm", 128, 102),  # L6203-L6206
    ("imdb_conv1d", 128, 102),
])
def test_imdb_recipes_fit_as_the_book(nn, name, batch_size, samples, capsys):
    result = zoo.train(name, nn, synthetic=True, epochs=1, seed=0, verbose=0)
    params = result.history.params
    assert params["batch_size"] == batch_size and params["samples"] == samples
    assert sorted(result.history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert result.evaluation == {"loss": result.history.history["val_loss"][-1],
                                 "acc": result.history.history["val_acc"][-1]}
    width = 20 if name == "imdb_embedding_flatten" else 500  # pad_sequences(maxlen=...)
    assert result.history.model.input_shape[1] in (None, width)


def test_reversed_imdb_recipe_reverses_before_padding(nn, capsys):
    out = []
    zoo.train("imdb_lstm_reversed", nn, synthetic=True, epochs=1, seed=0, verbose=0, print_fn=lambda *a: out.append(a))
    assert ("input_train shape:", (128, 500)) in out and ("Pad sequences (samples x time)",) in out


def test_jena_recipes_report_the_baseline_and_build_with_the_data_shape(nn, capsys):
    result = zoo.train("jena_dense", nn, synthetic=True, epochs=1, seed=0, verbose=0, steps_per_epoch=3)
    extras = result.extras
    # synthetic: 1,800 rows, 5 columns; bounds round(1800 * 200000 / 420551) = 856, round(1800 * 300000 / 420551)
    # = 1284; (1284 - 857 - 240) // 128 = 1 validation batch, (1800 - 1285 - 240) // 128 = 2 test batches
    assert extras["bounds"] == timeseries.Bounds(856, 857, 1284, 1285)
    assert (extras["val_steps"], extras["test_steps"], extras["timesteps"]) == (1, 2, 240)
    assert result.history.model.input_shape == (None, 240, 5)
    assert result.history.params["steps"] == 3 and result.history.epoch == [0]
    assert result.evaluation["loss"] == extras["test_mae"]
    assert extras["test_mae_degrees"] == pytest.approx(extras["test_mae"] * extras["temperature_std"])
    for part in ("val", "test"):
        assert extras["baseline_degrees"][part] == pytest.approx(extras["baseline_mae"][part]
                                                                 * extras["temperature_std"])
    out = capsys.readouterr().out
    assert out.startswith("common-sense baseline MAE: validation ") and "test MAE: " in out


def test_jena_baseline_is_the_chronological_mae_of_the_normalised_temperature(nn, capsys):
    # the recipe's validation baseline, recomputed here from the synthetic series with NumPy: rows r in
    # [857 + 240, 857 + 240 + 128), prediction temp[r - 1], target temp[r + 24], normalised with rows [0, 856)
    result = zoo.train("jena_gru", nn, synthetic=True, epochs=1, seed=0, verbose=0, steps_per_epoch=1)
    data, columns = sequence_recipes.SYNTHETIC["weather"](np.random.default_rng(0))
    temp = data[:, columns.index("temp")].astype("float64")
    std = temp[:856].std()
    r = np.arange(857 + 240, 857 + 240 + 128)
    expected = np.mean(np.abs(temp[r - 1] - temp[r + 24])) / std
    assert result.extras["baseline_mae"]["val"] == pytest.approx(expected, rel=1e-9)
    assert result.extras["temperature_std"] == pytest.approx(std, rel=1e-9)


def test_recipe_options_are_checked_and_used(nn, capsys):
    with pytest.raises(ValueError, match=r"recipe 'jena' of 'jena_gru' takes the options lookback, .*; got nope"):
        zoo.train("jena_gru", nn, synthetic=True, nope=1)
    with pytest.raises(ValueError, match="recipe 'mnist' of 'mnist_mlp' takes no options; got chars"):
        zoo.train("mnist_mlp", nn, synthetic=True, chars=1)
    result = zoo.train("jena_gru", nn, synthetic=True, epochs=1, seed=0, verbose=0, lookback=48, step=2,
                       steps_per_epoch=1)
    assert result.extras["timesteps"] == 24 and result.history.params["steps"] == 1


def test_dummy_data_recipes_fit_lists_then_dicts(nn, capsys):
    result = zoo.train("question_answering", nn, synthetic=True, epochs=1, seed=0, verbose=0, num_samples=16,
                       max_length=7)
    assert result.history.params["samples"] == 16 and result.history.params["batch_size"] == 128
    assert sorted(result.evaluation) == ["acc", "loss"]
    result = zoo.train("three_output", nn, synthetic=True, epochs=1, seed=0, verbose=0)
    assert sorted(result.evaluation) == ["age_loss", "gender_loss", "income_loss", "loss"]
    assert result.history.params["batch_size"] == 64
    ev = result.evaluation
    assert ev["loss"] == pytest.approx(0.25 * ev["age_loss"] + ev["income_loss"] + 10 * ev["gender_loss"], rel=1e-4)


def test_char_generation_recipe_exposes_the_texts_per_temperature(nn, capsys):
    result = zoo.train("char_lstm", nn, synthetic=True, epochs=1, seed=0, verbose=0, length=12)
    extras = result.extras
    assert sorted(extras["generated"]) == [0.2, 0.5, 1.0, 1.2]
    assert all(len(t) == 12 and set(t) <= set(extras["chars"]) for t in extras["generated"].values())
    assert len(extras["seed"]) == 20 and extras["samples"][-1]["generated"] == extras["generated"]
    assert extras["chars"] == sorted(extras["chars"]) and all(c == c.lower() for c in extras["chars"])
    # maxlen 20, step 3 over the corpus: (len - 20 - 1) // 3 + 1 sequences
    assert extras["num_sequences"] == (extras["corpus_length"] - 20 - 1) // 3 + 1
    model = result.history.model
    assert model.input_shape == (None, 20, len(extras["chars"]))
    out = capsys.readouterr().out
    assert "----- temperature: 0.2" in out and "----- temperature: 1.2" in out and '--- Generating with seed: "' in out
    with pytest.raises(ValueError, match="corpus must be 'moby_dick' or 'shakespeare'"):
        zoo.train("char_lstm", nn, synthetic=True, corpus="nietzsche")


def test_char_generation_repeats_with_a_seed(nn, capsys):
    a = zoo.train("char_lstm", nn, synthetic=True, epochs=1, seed=3, verbose=0, length=8).extras
    b = zoo.train("char_lstm", nn, synthetic=True, epochs=1, seed=3, verbose=0, length=8).extras
    assert a["seed"] == b["seed"] and a["generated"] == b["generated"]


def test_cli_zoo_train_a_jena_model_with_options(nn, capsys):
    impl = ["--impl", nn.implementation.name]
    assert cli.main(["zoo", "train", "jena_gru", "--synthetic", "--epochs", "1", "--verbose", "0",
                     "-o", "steps_per_epoch=1", "--option", "lookback=24"] + impl) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("common-sense baseline MAE: ") and out[-1].startswith("test MAE: ")
    assert cli.main(["zoo", "train", "jena_gru", "--option", "help"] + impl) == 0
    assert "  steps_per_epoch=500  fit_generator steps per epoch (the book's 500)" in capsys.readouterr().out
    assert cli.main(["zoo", "train", "jena_gru", "--synthetic", "-o", "lookback"] + impl) == 2
    assert "--option expects KEY=VALUE, got 'lookback'" in capsys.readouterr().err
    assert cli.main(["zoo", "train", "jena_gru", "--synthetic", "-o", "chars=3"] + impl) == 2
    assert "takes the options lookback" in capsys.readouterr().err


@pytest.mark.parametrize("name, dataset", [("imdb_lstm", "imdb"), ("jena_gru", "weather"),
                                           ("raw_text_lstm", "spam_assassin"), ("char_lstm", "moby_dick")])
def test_missing_real_data_is_a_clear_error(nn, tmp_path, capsys, name, dataset):
    assert dataset in missing_data_error(nn, tmp_path, capsys, name, dataset)


def test_cli_zoo_summary_of_a_printed_sequence_model(nn, capsys):
    assert cli.main(["zoo", "summary", "simple_rnn_stacked", "--impl", nn.implementation.name]) == 0
    out = capsys.readouterr().out.splitlines()
    assert parse_summary(out) == EXPECTED["simple_rnn_stacked"]  # a fresh session: embedding_1, simple_rnn_1..4


# -- nnspec.zoo.textgen: DLwP 8.1 --------------------------------------------------------------------------------

P = np.array([0.5, 0.3, 0.2])


@pytest.mark.parametrize("temperature, expected", [
    (1.0, [0.5, 0.3, 0.2]),
    # p ** 2 = 0.25, 0.09, 0.04; sum 0.38
    (0.5, [0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38]),
    # p ** (1 / 2): sqrt(0.5), sqrt(0.3), sqrt(0.2) over their sum
    (2.0, np.sqrt([0.5, 0.3, 0.2]) / np.sqrt([0.5, 0.3, 0.2]).sum()),
    # p ** 5 = 0.03125, 0.00243, 0.00032; sum 0.034
    (0.2, [0.03125 / 0.034, 0.00243 / 0.034, 0.00032 / 0.034]),
])
def test_reweight_distribution_is_exp_log_p_over_t_normalised(temperature, expected):
    got = textgen.reweight_distribution(P, temperature)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_sample_is_one_multinomial_draw_of_the_reweighted_distribution():
    q = np.array([0.25, 0.09, 0.04]) / 0.38  # temperature 0.5
    for seed in range(5):
        expected = int(np.argmax(np.random.default_rng(seed).multinomial(1, q, 1)))
        assert textgen.sample(P, 0.5, np.random.default_rng(seed)) == expected
        assert textgen.sample(P, 0.5, seed) == expected  # an int seeds default_rng
    # rng=None draws from NumPy's global generator, as the book's np.random.multinomial
    np.random.seed(7)
    expected = [int(np.argmax(np.random.multinomial(1, q, 1))) for _ in range(20)]
    np.random.seed(7)
    assert [textgen.sample(P, 0.5) for _ in range(20)] == expected


def test_sample_frequencies_follow_the_reweighted_distribution():
    rng = np.random.default_rng(123)
    n = 20000
    counts = np.bincount([textgen.sample(P, 0.5, rng) for _ in range(n)], minlength=3)
    q = np.array([0.25, 0.09, 0.04]) / 0.38
    sigma = np.sqrt(n * q * (1 - q))
    assert np.all(np.abs(counts - n * q) < 4 * sigma)


def test_sample_at_a_tiny_temperature_is_the_argmax():
    preds = np.array([0.1, 0.05, 0.4, 0.35, 0.1], dtype="float32")
    assert {textgen.sample(preds, 1e-6, np.random.default_rng(s)) for s in range(50)} == {2}
    assert {textgen.sample(preds, 1e-3, np.random.default_rng(s)) for s in range(50)} == {2}
    np.testing.assert_array_equal(textgen.reweight_distribution(preds, 1e-9), [0, 0, 1, 0, 0])
    # a zero probability is never drawn, at any temperature
    assert 1 not in {textgen.sample([0.5, 0.0, 0.5], 1.2, np.random.default_rng(s)) for s in range(200)}


@pytest.mark.parametrize("preds, temperature, message", [
    (P, 0.0, "sample: the temperature must be > 0, got 0.0"),
    (P, -1.0, "sample: the temperature must be > 0"),
    ([[0.5, 0.5]], 1.0, r"sample: expected a 1-D array of probabilities, got shape \(1, 2\)"),
    ([0.5, -0.1, 0.6], 1.0, "sample: the probabilities must be finite, non-negative and not all zero"),
    ([0.0, 0.0], 1.0, "sample: the probabilities must be finite, non-negative and not all zero"),
])
def test_sample_rejects_bad_input(preds, temperature, message):
    with pytest.raises(ValueError, match=message):
        textgen.sample(preds, temperature, 0)
    with pytest.raises(TypeError, match="sample: rng must be None, an int seed or a numpy Generator"):
        textgen.sample(P, 1.0, "seed")


def test_char_vectorization_of_a_tiny_text():
    text = "abcab a"
    # range(0, 7 - 3, 2) = 0, 2: "abc" -> text[3] = "a"; "cab" -> text[5] = " "
    sentences, next_chars = textgen.extract_sequences(text, maxlen=3, step=2)
    assert sentences == ["abc", "cab"] and next_chars == ["a", " "]
    chars, char_indices = textgen.char_vocabulary(text)
    assert chars == [" ", "a", "b", "c"] and char_indices == {" ": 0, "a": 1, "b": 2, "c": 3}
    x, y = textgen.vectorize(sentences, next_chars, char_indices)
    assert x.dtype == bool and y.dtype == bool and x.shape == (2, 3, 4) and y.shape == (2, 4)
    np.testing.assert_array_equal(x, [[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                                      [[0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]])
    np.testing.assert_array_equal(y, [[0, 1, 0, 0], [1, 0, 0, 0]])


def test_char_vectorization_matches_the_books_loop_on_a_longer_text():
    text = "it was the best of times, it was the worst of times;\nit was the age of wisdom..."
    sentences, next_chars = textgen.extract_sequences(text, maxlen=10, step=3)
    chars, char_indices = textgen.char_vocabulary(text)
    x, y = textgen.vectorize(sentences, next_chars, char_indices)
    bx = np.zeros((len(sentences), 10, len(chars)), dtype=bool)  # L8512-L8519, the book's loops
    by = np.zeros((len(sentences), len(chars)), dtype=bool)
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            bx[i, t, char_indices[char]] = 1
        by[i, char_indices[next_chars[i]]] = 1
    assert len(sentences) == len(range(0, len(text) - 10, 3))
    np.testing.assert_array_equal(x, bx)
    np.testing.assert_array_equal(y, by)


def test_char_vectorization_errors():
    with pytest.raises(ValueError, match="extract_sequences: the text has 3 characters; at least maxlen . 1 = 4"):
        textgen.extract_sequences("abc", maxlen=3)
    with pytest.raises(TypeError, match="extract_sequences: expected the corpus as a str"):
        textgen.extract_sequences(["abc"], maxlen=1)
    with pytest.raises(ValueError, match=r"vectorize: characters \['z'\] are not in char_indices"):
        textgen.vectorize(["az"], ["a"], {"a": 0})
    with pytest.raises(ValueError, match="vectorize: 1 sentences but 2 next characters"):
        textgen.vectorize(["ab"], ["a", "b"], {"a": 0, "b": 1})


class _FixedModel:
    """A stand-in model: records the one-hot windows it is given, predicts a fixed distribution."""

    def __init__(self, preds):
        self.preds, self.seen = np.asarray(preds), []

    def predict(self, x, verbose=0):
        self.seen.append(x.copy())
        return self.preds[None, :]


def test_generate_slides_the_window_and_samples_each_character():
    chars, char_indices = [" ", "a", "b"], {" ": 0, "a": 1, "b": 2}
    model = _FixedModel([0.1, 0.1, 0.8])
    out = textgen.generate(model, "ab a", chars, char_indices, length=3, temperature=1e-6, rng=0)
    assert out == "bbb"  # the argmax at a tiny temperature
    windows = ["ab a", "b ab", " abb"]  # the seed, then shifted by one generated character each time
    for seen, window in zip(model.seen, windows):
        assert seen.shape == (1, 4, 3)
        np.testing.assert_array_equal(seen[0], np.eye(3)[[char_indices[c] for c in window]])
    with pytest.raises(ValueError, match=r"generate: the seed text has characters \['z'\]"):
        textgen.generate(model, "az", chars, char_indices, length=1)


def test_generate_draws_one_stream_from_an_int_seed():
    chars, char_indices = ["a", "b", "c"], {"a": 0, "b": 1, "c": 2}
    probs = np.array([0.3, 0.3, 0.4])
    out = textgen.generate(_FixedModel(probs), "ab", chars, char_indices, length=30, temperature=1.0, rng=5)
    rng = np.random.default_rng(5)
    assert out == "".join(chars[int(np.argmax(rng.multinomial(1, probs, 1)))] for _ in range(30))


# -- nnspec.zoo.timeseries: DLwP 6.3 -------------------------------------------------------------------------------

def _tiny_series(n=20):
    # column 0: the row number; column 1: 100 + the row number (the target column, as the book's column 1)
    return np.stack([np.arange(n), 100 + np.arange(n)], axis=1).astype("float64")


def test_generator_batches_by_hand():
    data = _tiny_series()
    gen = timeseries.generator(data, lookback=6, delay=3, min_index=1, max_index=12, batch_size=3, step=2)
    samples, targets = next(gen)
    # i = 1 + 6 = 7: rows 7, 8, 9; samples data[r - 6: r: 2] = rows r-6, r-4, r-2; targets data[r + 3, 1]
    assert samples.shape == (3, 3, 2) and targets.shape == (3,)
    np.testing.assert_array_equal(samples[:, :, 0], [[1, 3, 5], [2, 4, 6], [3, 5, 7]])
    np.testing.assert_array_equal(samples[:, :, 1], 100 + samples[:, :, 0])
    np.testing.assert_array_equal(targets, [110, 111, 112])
    # i = 10: 10 + 3 >= 12, so back to 7 (rows 10 and 11 are never yielded: the book's rule)
    again, again_targets = next(gen)
    np.testing.assert_array_equal(again, samples)
    np.testing.assert_array_equal(again_targets, targets)


def test_generator_partial_batch_and_default_max_index():
    data = _tiny_series()
    # max_index None: len - delay - 1 = 20 - 2 - 1 = 17; lookback 4, batch 5: rows 4..8, 9..13, then 14 + 5 >= 17
    gen = timeseries.generator(data, lookback=4, delay=2, min_index=0, max_index=None, batch_size=5, step=1)
    batches = [next(gen) for _ in range(3)]
    np.testing.assert_array_equal(batches[0][1], 100 + np.arange(4, 9) + 2)
    np.testing.assert_array_equal(batches[1][1], 100 + np.arange(9, 14) + 2)
    np.testing.assert_array_equal(batches[2][1], batches[0][1])
    np.testing.assert_array_equal(batches[0][0][0, :, 0], [0, 1, 2, 3])  # row 4: data[0:4]


def test_generator_shuffle_draws_rows_with_numpy_and_reverse_flips_time():
    data = _tiny_series(30)
    np.random.seed(11)
    rows = np.random.randint(2 + 5, 20, size=4)  # randint(min_index + lookback, max_index, size=batch_size)
    np.random.seed(11)
    gen = timeseries.generator(data, lookback=5, delay=4, min_index=2, max_index=20, shuffle=True, batch_size=4,
                               step=1, reverse=True)
    samples, targets = next(gen)
    np.testing.assert_array_equal(targets, 100 + rows + 4)
    np.testing.assert_array_equal(samples[:, :, 0], [[r - 1, r - 2, r - 3, r - 4, r - 5] for r in rows])


def test_generator_target_column_and_errors():
    data = _tiny_series()
    _, targets = next(timeseries.generator(data, 2, 1, 0, 10, batch_size=2, step=1, target_column=0))
    np.testing.assert_array_equal(targets, [3, 4])
    with pytest.raises(ValueError, match=r"generator: no target row in \[min_index \+ lookback, max_index\) = "
                                         r"\[12, 12\)"):
        timeseries.generator(data, lookback=6, delay=1, min_index=6, max_index=12)
    with pytest.raises(ValueError, match="generator: max_index=19 with delay=3 reaches past the 20 rows"):
        timeseries.generator(data, lookback=2, delay=3, min_index=0, max_index=19, step=1)
    with pytest.raises(ValueError, match="generator: need 1 <= step <= lookback"):
        timeseries.generator(data, lookback=2, delay=1, min_index=0, max_index=10, step=3)
    with pytest.raises(ValueError, match="generator: target_column 2 is not a column of data with 2"):
        timeseries.generator(data, lookback=2, delay=1, min_index=0, max_index=10, step=1, target_column=2)


def test_common_sense_baseline_on_a_hand_made_series():
    # temperatures t[r] = r ** 2 in column 1, noise in column 0; lookback 2, step 1, delay 1, batches of 2 from
    # row 2: rows (2, 3) then (4, 5). Prediction t[r - 1], target t[r + 1]:
    # r=2: |1 - 9| = 8, r=3: |4 - 16| = 12 -> 10; r=4: |9 - 25| = 16, r=5: |16 - 36| = 20 -> 18; mean 14
    r = np.arange(10)
    data = np.stack([np.sin(r) * 50, r ** 2], axis=1).astype("float64")
    gen = timeseries.generator(data, lookback=2, delay=1, min_index=0, max_index=8, batch_size=2, step=1)
    assert timeseries.evaluate_naive_method(gen, 2, target_column=1) == 14.0
    with pytest.raises(ValueError, match="evaluate_naive_method: steps must be >= 1"):
        timeseries.evaluate_naive_method(gen, 0)


def test_split_bounds_are_the_books_proportions():
    assert timeseries.split_bounds(420551) == timeseries.Bounds(200000, 200001, 300000, 300001)
    # 8730 * 200000 / 420551 = 4151.7 -> 4152; 8730 * 300000 / 420551 = 6227.5 -> 6228
    assert timeseries.split_bounds(8730) == timeseries.Bounds(4152, 4153, 6228, 6229)
    with pytest.raises(ValueError, match="split_bounds: 3 rows are too few"):
        timeseries.split_bounds(3)


def test_normalize_with_the_training_rows():
    float_data = np.array([[1., 10.], [3., 20.], [5., 60.]], dtype="float32")
    data, mean, std = timeseries.normalize(float_data, 2)
    # rows 0-1: means 2 and 15, standard deviations (ddof 0) 1 and 5
    np.testing.assert_array_equal(mean, [2., 15.])
    np.testing.assert_array_equal(std, [1., 5.])
    np.testing.assert_array_equal(data, [[-1., -1.], [1., 1.], [3., 9.]])
    assert data.dtype == np.float64 and float_data[0, 0] == 1.  # the input is not modified
    with pytest.raises(ValueError, match=r"normalize: columns \[0\] are constant over the first 2 rows"):
        timeseries.normalize([[1., 2.], [1., 3.], [4., 5.]], 2)


# -- nnspec.zoo.glove: DLwP Listings 6.10-6.11 ---------------------------------------------------------------------

def test_glove_file_to_embedding_matrix(tmp_path):
    path = tmp_path / "glove.tiny.2d.txt"
    path.write_text("the 0.1 0.2\ncat -0.3 0.4\nzebra 1.0 1.0\n", encoding="utf-8")
    index = glove.load_glove(path)
    assert sorted(index) == ["cat", "the", "zebra"] and index["cat"].dtype == np.float32
    # max_words 4: indices 1, 2 get their vectors, 3 ("dog") has none, 5 ("zebra") is beyond the matrix
    matrix = glove.embedding_matrix({"the": 1, "cat": 2, "dog": 3, "zebra": 5}, index, max_words=4, embedding_dim=2)
    np.testing.assert_allclose(matrix, [[0, 0], [0.1, 0.2], [-0.3, 0.4], [0, 0]], rtol=1e-7)
    with pytest.raises(ValueError, match=r"embedding_matrix: the vector of 'the' has shape \(2,\), expected \(3,\)"):
        glove.embedding_matrix({"the": 1}, index, max_words=4, embedding_dim=3)


# -- the real data (slow) -----------------------------------------------------------------------------------------

def _require(request, nn, dataset):
    if dataset not in nn.datasets.cache.DATASETS:
        pytest.skip(f"nn.datasets has no {dataset} loader registered yet")
    require_real_data(request, nn, dataset)


@pytest.mark.slow
def test_weather_gru_beats_the_common_sense_baseline_on_the_test_hours(request, nn):
    # DLwP 6.3.5: the GRU's validation MAE 0.265 against the baseline's 0.29 (L6741). On the hourly weather a reduced
    # schedule (6 epochs of 100 batches instead of 20 of 500; about 1 minute on 2 cores) must already beat "the
    # temperature in 24 hours = now" on the test hours (the reference, seed 1: 0.3736 against 0.4273, i.e. 5.32
    # against 6.08 degrees F; on the validation hours the best epoch only ties the baseline, 0.2668 against 0.2681).
    _require(request, nn, "weather")
    result = zoo.train("jena_gru", nn, seed=1, verbose=0, epochs=6, steps_per_epoch=100)
    baseline = result.extras["baseline_mae"]
    assert result.history.params["steps"] == 100 and result.history.epoch == list(range(6))
    assert result.evaluation["loss"] < baseline["test"]


@pytest.mark.slow
def test_char_lstm_trains_on_the_real_corpus_and_samples_at_four_temperatures(request, nn):
    # DLwP 8.1 on Moby Dick: the first 60,000 characters, 2 rounds of one epoch and 60 characters generated per
    # temperature (a few minutes on 2 cores; the reference, 100,000 characters: loss 2.08 after the first epoch)
    _require(request, nn, "moby_dick")
    result = zoo.train("char_lstm", nn, seed=1, verbose=0, epochs=2, chars=60_000, length=60)
    extras = result.extras
    assert extras["corpus_length"] == 60_000 and extras["num_sequences"] == (60_000 - 60 - 1) // 3 + 1
    assert sorted(extras["generated"]) == [0.2, 0.5, 1.0, 1.2]
    assert all(len(t) == 60 and set(t) <= set(extras["chars"]) for t in extras["generated"].values())
    # better than guessing among the corpus's characters uniformly
    assert result.evaluation["loss"] < math.log(len(extras["chars"])) - 1


@pytest.mark.slow
def test_fashion_simple_rnn_reaches_the_notes_accuracy(request, nn):
    # DATA 2040 §1.5.2: SimpleRNN(50) on Fashion-MNIST rows, 5 epochs of 100 with adam: "~82%" (L694). On the
    # reference seeds 0, 1, 2, 3 gave 0.7960, 0.8088, 0.8042, 0.8106 (about 15 s each); within 3 points of the notes.
    _require(request, nn, "fashion_mnist")
    result = zoo.train("fashion_simple_rnn", nn, seed=1, verbose=0)
    assert result.history.epoch == [0, 1, 2, 3, 4]
    assert abs(result.evaluation["acc"] - 0.82) <= 0.03


@pytest.mark.slow
def test_imdb_embedding_flatten_reaches_the_books_validation_accuracy(request, nn):
    # DLwP 6.1.2: the first 20 words of each review, 10 epochs of 32: "a validation accuracy of ~76%" (L5668). Not
    # measured here (no imdb.npz on the machine that wrote it): a loose lower bound
    _require(request, nn, "imdb")
    result = zoo.train("imdb_embedding_flatten", nn, seed=1, verbose=0)
    assert result.history.params["samples"] == 20000 and result.history.epoch == list(range(10))
    assert result.evaluation["acc"] >= 0.72


@pytest.mark.slow
def test_raw_text_lstm_separates_spam_from_ham(request, nn):
    # the book's raw-text pipeline with Listing 6.31's LSTM on the SpamAssassin e-mails (1,896 spam of 6,046: the
    # majority class is 68.6%); two epochs instead of ten (about a minute): the reference, seed 1, 0.962 test accuracy
    _require(request, nn, "spam_assassin")
    result = zoo.train("raw_text_lstm", nn, seed=1, verbose=0, epochs=2)
    assert result.history.params["samples"] == 3868  # 4,836 training e-mails, Keras keeps int(4836 * (1 - 0.2))
    assert result.evaluation["acc"] >= 0.93
