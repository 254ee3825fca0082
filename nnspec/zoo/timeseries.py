"""The temperature-forecasting data of DLwP 6.3 (Listings 6.32-6.43, notes L6440-L6644), on any hourly series.

    bounds = split_bounds(len(float_data))             # the book's 200000 / 300000 of 420,551 rows, scaled
    data, mean, std = normalize(float_data, bounds.train_max)
    val_gen = generator(data, lookback=240, delay=24, min_index=bounds.val_min, max_index=bounds.val_max,
                        step=1, target_column=columns.index("temp"))
    baseline = evaluate_naive_method(val_gen, val_steps, target_column=...)   # MAE, normalised units

The book's Jena series has a row every 10 minutes: ``lookback = 1440`` (10 days), ``step = 6`` (one
point an hour) and ``delay = 144`` (24 hours). On an hourly series the same windows are
``lookback=240, step=1, delay=24`` (:data:`HOURLY`). The book's target is column 1 (the temperature
after dropping the date); ``target_column`` names it for other series.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["JENA", "HOURLY", "Bounds", "split_bounds", "normalize", "generator", "evaluate_naive_method"]

JENA = {"lookback": 1440, "step": 6, "delay": 144, "batch_size": 128}  # L6560-L6563
HOURLY = {"lookback": 240, "step": 1, "delay": 24, "batch_size": 128}  # the same hours on hourly rows

_JENA_ROWS, _JENA_TRAIN, _JENA_VAL = 420551, 200000, 300000  # L6414, L6503, L6561-L6593


@dataclass(frozen=True)
class Bounds:
    """The generators' index bounds: train ``[0, train_max]``, validation ``[val_min, val_max]``, test from
    ``test_min`` (the book: 0 / 200000, 200001 / 300000, 300001 / None)."""
    train_max: int
    val_min: int
    val_max: int
    test_min: int


def split_bounds(n):
    """The book's split of its 420,551 rows (train up to 200000, validation 200001-300000, test from 300001)
    at the same proportions of ``n`` rows: ``round(n * 200000 / 420551)``, ``round(n * 300000 / 420551)``."""
    n = int(n)
    train_max = round(n * _JENA_TRAIN / _JENA_ROWS)
    val_max = round(n * _JENA_VAL / _JENA_ROWS)
    if not 0 < train_max < val_max < n - 1:
        raise ValueError(f"split_bounds: {n} rows are too few to split into training, validation and test parts")
    return Bounds(train_max, train_max + 1, val_max, val_max + 1)


def normalize(float_data, train_max):
    """Listing 6.34 (L6503-L6508): subtract the mean of the first ``train_max`` rows, divide by their standard
    deviation (NumPy's, ``ddof=0``), in float64 as the book's ``float_data``. Returns ``(data, mean, std)``;
    ``float_data`` is not modified."""
    data = np.array(float_data, dtype="float64")
    if data.ndim != 2:
        raise ValueError(f"normalize: expected a 2-D (rows, columns) array, got shape {data.shape}")
    if not 1 < int(train_max) <= len(data):
        raise ValueError(f"normalize: train_max must be in [2, {len(data)}], got {train_max}")
    mean = data[:train_max].mean(axis=0)
    data -= mean
    std = data[:train_max].std(axis=0)
    if (std == 0).any():
        raise ValueError(f"normalize: columns {np.flatnonzero(std == 0).tolist()} are constant over the first "
                         f"{train_max} rows (standard deviation 0)")
    data /= std
    return data, mean, std


def generator(data, lookback, delay, min_index, max_index, shuffle=False, batch_size=128, step=6,
              target_column=1, reverse=False):
    """Listing 6.35 (L6529-L6554): endless ``(samples, targets)`` batches.

    Each target row ``r`` lies in ``[min_index + lookback, max_index)`` (``max_index=None``: ``len(data) - delay -
    1``); its sample is ``data[r - lookback: r: step]`` (``lookback // step`` rows) and its target
    ``data[r + delay, target_column]``. ``shuffle`` draws the rows with ``np.random.randint`` (NumPy's global
    generator, as the book); otherwise they run in order in batches of ``batch_size``, back to the start when
    ``i + batch_size >= max_index`` (so a last partial batch is never yielded). ``reverse`` yields
    ``samples[:, ::-1, :]`` (the book's reversed-order experiment, L6845). Arguments are checked here, not at the
    first ``next``.
    """
    data = np.asarray(data)
    if data.ndim != 2:
        raise ValueError(f"generator: expected data of shape (rows, columns), got shape {data.shape}")
    lookback, delay, step, batch_size = int(lookback), int(delay), int(step), int(batch_size)
    if step < 1 or lookback < step or delay < 0 or batch_size < 1:
        raise ValueError(f"generator: need 1 <= step <= lookback, delay >= 0, batch_size >= 1; got lookback="
                         f"{lookback}, step={step}, delay={delay}, batch_size={batch_size}")
    if not -data.shape[1] <= target_column < data.shape[1]:
        raise ValueError(f"generator: target_column {target_column} is not a column of data with {data.shape[1]}")
    if max_index is None:
        max_index = len(data) - delay - 1
    if max_index - 1 + delay >= len(data):
        raise ValueError(f"generator: max_index={max_index} with delay={delay} reaches past the {len(data)} rows")
    if min_index + lookback >= max_index:
        raise ValueError(f"generator: no target row in [min_index + lookback, max_index) = "
                         f"[{min_index + lookback}, {max_index})")
    return _batches(data, lookback, delay, min_index, max_index, shuffle, batch_size, step, target_column, reverse)


def _batches(data, lookback, delay, min_index, max_index, shuffle, batch_size, step, target_column, reverse):
    i = min_index + lookback
    while 1:
        if shuffle:
            rows = np.random.randint(
                min_index + lookback, max_index, size=batch_size)
        else:
            if i + batch_size >= max_index:
                i = min_index + lookback
            rows = np.arange(i, min(i + batch_size, max_index))
            i += len(rows)

        samples = np.zeros((len(rows),
                            lookback // step,
                            data.shape[-1]))
        targets = np.zeros((len(rows),))
        for j, row in enumerate(rows):
            indices = range(row - lookback, row, step)
            samples[j] = data[indices]
            targets[j] = data[row + delay][target_column]
        yield (samples[:, ::-1, :] if reverse else samples), targets


def evaluate_naive_method(gen, steps, target_column=1):
    """Listing 6.37 (L6622-L6634): the common-sense baseline, "the temperature ``delay`` later is the temperature
    now" (``preds = samples[:, -1, target_column]``), its mean absolute error averaged over ``steps`` batches of
    ``gen`` (a chronological generator)."""
    if int(steps) < 1:
        raise ValueError(f"evaluate_naive_method: steps must be >= 1, got {steps}")
    batch_maes = []
    for _ in range(int(steps)):
        samples, targets = next(gen)
        preds = samples[:, -1, target_column]
        mae = np.mean(np.abs(preds - targets))
        batch_maes.append(mae)
    return float(np.mean(batch_maes))
