"""Turning what users pass to fit / evaluate / predict into per-input arrays, with Keras' checks
and error messages, and Keras' batching, splitting and sample weights."""

import warnings

import numpy as np

from ..implementation import implementation_of
from ..layers.base import shape_str
from ..tensor import Tensor


def _host(a):
    """Host NumPy data from a tensor, an array of any implementation (CuPy too) or a list."""
    if isinstance(a, Tensor):
        return a.numpy()
    return implementation_of(a).to_numpy(a) if hasattr(a, "shape") else np.asarray(a)


def standardize(data, names, shapes, what, check_batch=True):
    """A list of host arrays, one per name, from an array, a list or a dict; shapes checked.

    ``what`` is 'input' or 'target' (the error messages name it, as Keras 2 does).
    """
    if data is None:
        return [None] * len(names)
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f'No data provided for "{missing[0]}". Need data for each key in: {names}')
        arrays = [_host(data[n]) for n in names]
    elif isinstance(data, (list, tuple)):
        if len(data) != len(names):
            raise ValueError(f"Error when checking model {what}: the list of Numpy arrays that you are passing to "
                             f"your model is not the size the model expected. Expected to see {len(names)} array(s), "
                             f"but instead got the following list of {len(data)} arrays.")
        arrays = [_host(a) for a in data]
    else:
        if len(names) != 1:
            raise ValueError(f"Error when checking model {what}: the model expects {len(names)} {what} arrays, "
                             f"but only received one array: pass a list or a dict keyed by {names}")
        arrays = [_host(data)]
    arrays = [a.reshape(-1, 1) if a.ndim == 1 else a for a in arrays]  # Keras makes 1-D data (samples, 1)
    for name, array, shape in zip(names, arrays, shapes):
        if shape is None:
            continue
        if array.ndim != len(shape):
            raise ValueError(f"Error when checking {what}: expected {name} to have {len(shape)} dimensions, but got "
                             f"array with shape {array.shape}")
        for want, got in zip(shape[1:], array.shape[1:]):
            if want is not None and want != got:
                raise ValueError(f"Error when checking {what}: expected {name} to have shape {shape_str(shape[1:])} "
                                 f"but got array with shape {array.shape[1:] if array.ndim > 1 else array.shape}")
    return arrays


def check_lengths(inputs, targets, weights):
    def n(arrays):
        return {a.shape[0] for a in arrays if a is not None}
    ni, nt, nw = n(inputs), n(targets), n(weights)
    if len(ni) > 1:
        raise ValueError(f"All input arrays (x) should have the same number of samples. Got array shapes: "
                         f"{[a.shape for a in inputs]}")
    if len(nt) > 1:
        raise ValueError(f"All target arrays (y) should have the same number of samples. Got array shapes: "
                         f"{[a.shape for a in targets if a is not None]}")
    if ni and nt and ni != nt:
        raise ValueError(f"Input arrays should have the same number of samples as target arrays. Found "
                         f"{ni.pop()} input samples and {nt.pop()} target samples.")
    if nt and nw and nt != nw:
        raise ValueError(f"Sample_weight arrays should have the same number of samples as target arrays. Got "
                         f"{nt.pop()} input samples and {nw.pop()} target samples.")


def sample_weights(y, sample_weight=None, class_weight=None):
    """One weight per sample: the given ones, or looked up from ``class_weight``; None for Keras' default of ones
    (which the weighted objective leaves out: weighing by ones changes no number)."""
    if sample_weight is not None:
        sample_weight = _host(sample_weight)
        if sample_weight.ndim != 1:
            raise ValueError(f"Found a sample_weight array with shape {sample_weight.shape}. In order to use "
                             "timestep-wise sample weights, you should specify sample_weight_mode=\"temporal\" in "
                             "compile(). If you just mean to use sample-wise weights, make sure your sample_weight "
                             "array is 1D.")
        if class_weight is not None:
            warnings.warn("Found both `sample_weight` and `class_weight`: `class_weight` argument will be ignored.",
                          stacklevel=3)
        return sample_weight
    if isinstance(class_weight, dict):
        if y.ndim > 2:
            raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
        classes = np.argmax(y, axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(y.shape[0])
        missing = sorted(set(classes.tolist()) - set(class_weight))
        if missing:
            raise ValueError(f"`class_weight` must contain all classes in the data. The classes {set(missing)} exist "
                             "in the data but not in `class_weight`.")
        return np.asarray([class_weight[c] for c in classes.tolist()], dtype=np.float64)
    return None


def callback_validation_data(val):
    """Keras' ``callback.validation_data`` for arrays ``val`` = (inputs, targets, sample weights): one flat list,
    the default sample weights listed as the ones they stand for; None without validation arrays."""
    if val is None:
        return None
    xs, ys, sws = val
    return xs + ys + [np.ones(y.shape[0]) if w is None and y is not None else w for y, w in zip(ys, sws)]


def batches(size, batch_size):
    """[(start, end)] covering ``size`` samples."""
    n = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(n)]


def slice_rows(arrays, index):
    return [None if a is None else a[index] for a in arrays]


def split_at(arrays, at):
    return [None if a is None else a[:at] for a in arrays], [None if a is None else a[at:] for a in arrays]


def batch_shuffle(index, batch_size):
    """Shuffle whole batches (``shuffle='batch'``), the leftover batch kept at the end."""
    full = len(index) // batch_size
    head = index[:full * batch_size].reshape(full, batch_size)
    np.random.shuffle(head)
    return np.append(head.ravel(), index[full * batch_size:])
