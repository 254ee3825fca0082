"""nnspec: the deep-learning stack of the classic Keras books as an executable specification.

``import nnspec as nn`` gives the implementation named by ``NNSPEC_IMPL`` (``reference``, the
default, or ``accel``), chosen lazily at the first attribute used, not at import;
``nnspec.set_impl("accel")`` chooses in code. ``nnspec.reference`` and ``nnspec.accel`` name one
implementation explicitly and can be used side by side.
"""

import importlib
import os
import pkgutil
from pathlib import Path

__version__ = "0.1.0"

# In a source checkout the subpackages live beside this directory (reference/, accel/; the wheel maps
# them under nnspec/). Let `import nnspec.reference` work there too, e.g. `python -m nnspec` from the
# repository root, where the checkout's nnspec/ shadows an installed copy.
_root = Path(__file__).resolve().parent.parent
if (_root / "reference" / "__init__.py").is_file() and not (Path(__file__).parent / "reference").exists():
    __path__.append(str(_root))

IMPLEMENTATIONS = ("reference", "accel")
_selected = None
# The front door's own modules (cli, testing, fetch, zoo, ...), listed once: a search of the file system at every
# attribute access (importlib.util.find_spec) cost 10-30 us per `nn.ops` / `nn.layers` in a user's loop.
_OWN_MODULES = frozenset(info.name for info in pkgutil.iter_modules(__path__))


def _check_name(name):
    if name not in IMPLEMENTATIONS:
        raise ValueError(f"nnspec: unknown implementation {name!r}; expected one of {IMPLEMENTATIONS} "
                         "(set NNSPEC_IMPL or call nnspec.set_impl)")
    return name


def set_impl(name):
    """Select the implementation behind ``nnspec.<name>``; imports it (accel: checks the GPU)."""
    global _selected
    module = importlib.import_module(f"nnspec.{_check_name(name)}")
    _selected = module
    return module


def get_impl():
    """The selected implementation module, resolving ``NNSPEC_IMPL`` on first use."""
    if _selected is None:
        set_impl(os.environ.get("NNSPEC_IMPL", "reference").strip() or "reference")
    return _selected


def impl_name():
    return get_impl().implementation.name


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    # the front door's own modules (cli, testing, fetch, ...) and the implementations never need the selection
    if name in IMPLEMENTATIONS or name in _OWN_MODULES:
        return importlib.import_module(f"nnspec.{name}")
    return getattr(get_impl(), name)


def __dir__():
    return sorted(set(globals()) | set(getattr(get_impl(), "__all__", ())))
