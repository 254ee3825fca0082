"""nnspec.reference: the NumPy reference implementation, the executable specification.

Layers of the framework, bottom up: ``kernels`` (NumPy array math) -> ``ops`` (kernel + VJP
written in ops) -> ``tape`` (autodiff) -> the Keras-style API.
"""

from . import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    utils,
)
from .engine.input_layer import Input
from .errors import ImplementationUnavailableError, MixedImplementationError
from .implementation import REFERENCE as implementation
from .memory import keep_freed_memory
from .tape import GradientTape, gradients, no_grad
from .tensor import Tensor, Variable, constant

keep_freed_memory()

__all__ = [
    "activations", "applications", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
    "layers", "losses", "metrics", "models", "ops", "optimizers", "preprocessing", "random", "regularizers", "utils",
    "implementation", "GradientTape", "gradients", "no_grad", "Tensor", "Variable", "constant", "Input",
    "ImplementationUnavailableError", "MixedImplementationError",
]
