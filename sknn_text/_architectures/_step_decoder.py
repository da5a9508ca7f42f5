"""Incremental decoding of the translators: a step at a time, from cached state.

:class:`StepDecoder` is the ``decoder`` that ``_beam_search`` drives. It runs
two Keras models that ``_translation`` builds from a fitted network's own
layers: the *encoder model* reads the source ids once and returns what every
step reads (the encoder's outputs, attention keys, the source mask or its
score bias) followed by the initial *carried* values (a recurrent decoder's
states); the *step model* reads one token, its position, that memory and the
carried values, and returns the next-token probabilities, the attention
weights over the source and the new carried values (a Transformer's keys and
values, grown by one position). Beam search reorders rows with ``select``.
"""

import keras
import numpy as np
from keras import layers

_TINY = np.finfo(np.float32).tiny


class Apply(layers.Layer):
    """A function of tensors as a layer of a (never saved) decoding model."""

    def __init__(self, function, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.supports_masking = True

    def call(self, *args):
        return self.function(*args)

    def compute_mask(self, *args, **kwargs):
        return None


class StepDecoder:
    """The ``decoder`` of ``_beam_search`` for a batch of source ids.

    ``memory`` is what the encoder model returned for the sources (never
    changed but for row selection), ``carried`` what each step returns and the
    next one reads (states, or cached keys and values). ``weights`` holds the
    last step's attention over the source.
    """

    def __init__(self, models, source_ids, n_carried, empty_carried):
        self.encoder, self.stepper = models
        self.memory = _numpy(self.encoder.predict_on_batch(source_ids))
        rows = source_ids.shape[0]
        self.carried = self.memory[-n_carried:] if n_carried else []
        self.memory = self.memory[: len(self.memory) - n_carried]
        if empty_carried is not None:
            self.carried = [np.zeros((rows, 0, width), "float32") for width in empty_carried]
        self.weights = None

    def step(self, tokens, position):
        tokens = np.asarray(tokens, dtype=np.int32)[:, None]
        positions = np.full_like(tokens, position)
        outputs = _numpy(
            self.stepper.predict_on_batch([tokens, positions, *self.memory, *self.carried])
        )
        probabilities, self.weights, *self.carried = outputs
        return np.log(np.maximum(probabilities.astype(np.float64), _TINY))

    def select(self, rows):
        self.memory = [array[rows] for array in self.memory]
        self.carried = [array[rows] for array in self.carried]


def _numpy(outputs):
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [keras.ops.convert_to_numpy(output) for output in outputs]
