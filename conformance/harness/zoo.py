"""What the zoo's test modules (test_zoo, test_zoo_convnets, test_zoo_sequences) share: summary lines and the checks
they run on every entry of their tables (their autouse fixture ``fresh`` is test_zoo's)."""

import re

import numpy as np
import pytest

from nnspec import cli, zoo


def summary_lines(model, line_length=None):
    """The lines of ``model.summary(line_length)``."""
    out = []
    model.summary(line_length=line_length, print_fn=out.append)
    return out


def assert_rows_and_totals(entry, model, summary, expected):
    """The model's summary, (rows, totals), is ``expected``; its total is the model's and the entry's count."""
    assert summary == expected
    assert model.count_params() == entry.params == summary[1]["Total"]


def assert_layers(model, input_shape, layers):
    """An architecture row: the model's input shape, then (InputLayers left out) each layer's class and the subset
    of its config that the book sets; returns the layers' configs."""
    assert model.input_shape == input_shape
    got = [la for la in model.layers if type(la).__name__ != "InputLayer"]
    assert [type(la).__name__ for la in got] == [cls for cls, _ in layers]
    configs = []
    for layer, (_, subset) in zip(got, layers):
        config = layer.get_config()
        assert {k: config[k] for k in subset} == subset, layer.name
        configs.append(config)
    return configs


def assert_compiled_as(nn, model, optimizer, lr, loss, metrics_names, rel):
    """A compile row: the optimizer's class, its learning rate where the book sets one (within ``rel``: it is held
    in float32 or float64), the loss and the metrics' names."""
    assert type(model.optimizer).__name__ == optimizer
    if lr is not None:
        assert nn.backend.get_value(model.optimizer.lr) == pytest.approx(lr, rel=rel)
    assert model.loss == loss
    assert model.metrics_names == metrics_names


def assert_never_compiled(nn, entry):
    """An entry the book never compiles: ``make(compile=True)`` says so, and it has no recipe."""
    with pytest.raises(ValueError, match="the book does not compile this model"):
        entry.make(nn, compile=True)
    assert entry.recipe is None


def assert_one_synthetic_epoch(nn, name):
    """The entry's recipe runs one epoch on synthetic data: a History of that epoch and a finite evaluation."""
    result = zoo.train(name, nn, synthetic=True, epochs=1, seed=0, verbose=0)
    assert isinstance(result.history, nn.callbacks.History) and result.history.epoch == [0]
    assert result.evaluation and all(np.isfinite(v) for v in result.evaluation.values())


_FINAL_BAR = re.compile(r"^256/256 \[={30}\] - \d+s \d+[um]?s/step - loss: \d+\.\d{4} - acc: \d\.\d{4}$")


def assert_cli_trains_one_synthetic_epoch(nn, capsys, name):
    """``nnspec zoo train NAME --synthetic --epochs 1``: the epoch's complete progress bar (256 samples), then the
    book's final ``test_acc`` line."""
    assert cli.main(["zoo", "train", name, "--synthetic", "--epochs", "1", "--seed", "0",
                     "--impl", nn.implementation.name]) == 0
    lines = capsys.readouterr().out.replace("\r", "\n").splitlines()
    assert "Epoch 1/1" in lines
    assert any(_FINAL_BAR.match(line) for line in lines), lines
    assert lines[-1].startswith("test_acc: ")


def missing_data_error(nn, tmp_path, capsys, name, dataset):
    """Train entry ``name`` from the empty cache ``tmp_path``: zoo.train raises DatasetNotFoundError naming
    ``dataset``, the command line exits 2 with an error naming the entry; returns that error's text."""
    with pytest.raises(nn.datasets.DatasetNotFoundError, match=dataset):
        zoo.train(name, nn, cache_dir=tmp_path, verbose=0)
    assert cli.main(["zoo", "train", name, "--cache-dir", str(tmp_path), "--impl", nn.implementation.name]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nnspec zoo train {name}: ")
    return err
