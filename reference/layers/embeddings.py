"""Embedding (Keras 2.2.4 ``keras/layers/embeddings.py``): integer indices -> rows of a weight matrix."""

from .. import backend as K
from .. import capture, config, constraints, initializers, ops, regularizers
from .base import Layer, shape_str

__all__ = ["Embedding"]


class Embedding(Layer):
    """(batch, length) integer indices -> (batch, length, output_dim); ``mask_zero`` masks index 0.

    Parameters: input_dim * output_dim. Indices are cast to integers (Keras casts to int32), so float
    inputs (what a Sequential's automatic Input holds) work too.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 activity_regularizer=None, embeddings_constraint=None, mask_zero=False, input_length=None,
                 **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,) if input_length else (None,)
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.input_length = input_length
        self.output_dtype = config.floatx()

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def _produces_mask(self):
        return self.mask_zero

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        if self.input_length is None:
            return tuple(input_shape) + (self.output_dim,)
        lengths = list(self.input_length) if isinstance(self.input_length, (list, tuple)) else [self.input_length]
        if len(lengths) != len(input_shape) - 1:
            raise ValueError(f'Embedding {self.name}: "input_length" is {self.input_length}, but received input has '
                             f"shape {shape_str(input_shape)}")
        for i, (want, got) in enumerate(zip(lengths, input_shape[1:])):
            if want is not None and got is not None and want != got:
                raise ValueError(f'Embedding {self.name}: "input_length" is {self.input_length}, but received '
                                 f"input has shape {shape_str(input_shape)}")
            if want is None:
                lengths[i] = got
        return (input_shape[0],) + tuple(lengths) + (self.output_dim,)

    def call(self, inputs):
        if inputs.dtype.kind not in "iu":
            inputs = ops.cast(inputs, "int32")
        capture.check_index_range(inputs, self.input_dim, self._index_error)
        return K.gather(self.embeddings, inputs)

    def _index_error(self, indices, _):
        return (f"Embedding {self.name}: indices must be in [0, {self.input_dim}), got "
                f"{int(indices.min())}..{int(indices.max())}")

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer)
                if self.embeddings_regularizer else None,
                "activity_regularizer": regularizers.serialize(self.activity_regularizer)
                if self.activity_regularizer else None,
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint)
                if self.embeddings_constraint else None,
                "mask_zero": self.mask_zero, "input_length": self.input_length}
