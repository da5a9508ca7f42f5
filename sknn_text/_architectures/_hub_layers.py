"""The Keras layers between a keras-hub backbone and sknn_text's heads.

A pretrained network reads one integer array ``(batch, steps, channels)``
(``_hub.TOKEN_IDS``, ``PADDING_MASK``, ``WORD_STARTS``); these layers hand the
backbone its named inputs and turn its per-sub-word states into what a head
reads: one vector per document, or one vector per word with the word mask as a
last channel. Written in
``keras.ops`` and registered under the ``sknn_text`` package, so that saved
models load with ``safe_mode=True``.
"""

import keras
from keras import layers, ops

from ._hub import PADDING_MASK, TOKEN_IDS, WORD_STARTS


@keras.saving.register_keras_serializable(package="sknn_text")
class BackboneInputs(layers.Layer):
    """The backbone's inputs, in the order of ``names``, from a packed array:
    ``token_ids``, ``padding_mask`` and ``segment_ids`` (all 0: one segment)."""

    def __init__(self, names, **kwargs):
        super().__init__(**kwargs)
        self.names = list(names)

    def call(self, packed):
        values = {
            "token_ids": packed[:, :, TOKEN_IDS],
            "padding_mask": packed[:, :, PADDING_MASK],
            "segment_ids": ops.zeros_like(packed[:, :, TOKEN_IDS]),
        }
        return [values[name] for name in self.names]

    def compute_output_spec(self, packed):
        shape = packed.shape[:2]
        return [keras.KerasTensor(shape, dtype="int32") for _ in self.names]

    def get_config(self):
        return {**super().get_config(), "names": self.names}


@keras.saving.register_keras_serializable(package="sknn_text")
class SubWordPooling(layers.Layer):
    """One vector per document from the states of its sub-words: their mean
    over the real positions (``"mean"``), or the first position's state
    (``"first"``, the ``[CLS]`` or ``<s>`` token)."""

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in ("mean", "first"):
            raise ValueError(f"Unknown pooling {mode!r}.")
        self.mode = mode

    def call(self, inputs):
        states, packed = inputs
        if self.mode == "first":
            return states[:, 0]
        real = ops.expand_dims(ops.cast(packed[:, :, PADDING_MASK], states.dtype), -1)
        total = ops.sum(states * real, axis=1)
        return total / ops.maximum(ops.sum(real, axis=1), 1.0)

    def compute_output_shape(self, input_shape):
        states_shape, _ = input_shape
        return (states_shape[0], states_shape[-1])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


@keras.saving.register_keras_serializable(package="sknn_text")
class WordStates(layers.Layer):
    """The state of each word's first sub-word, at the word's position, with
    the word mask (1.0 for a word, 0.0 past the last) as a last channel."""

    def call(self, inputs):
        states, packed = inputs
        starts = packed[:, :, WORD_STARTS]
        words = ops.cast(ops.greater(starts, 0), states.dtype)
        positions = ops.expand_dims(ops.maximum(starts - 1, 0), -1)
        gathered = ops.take_along_axis(states, positions, axis=1)
        words = ops.expand_dims(words, -1)
        return ops.concatenate([gathered * words, words], axis=-1)

    def compute_output_shape(self, input_shape):
        states_shape, _ = input_shape
        return (*states_shape[:2], states_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="sknn_text")
class SplitWordMask(layers.Layer):
    """The word states and the boolean word mask of :class:`WordStates`' output."""

    def call(self, x):
        return [x[:, :, :-1], ops.greater(x[:, :, -1], 0.5)]

    def compute_output_spec(self, x):
        return [
            keras.KerasTensor((*x.shape[:2], x.shape[-1] - 1), dtype=x.dtype),
            keras.KerasTensor(x.shape[:2], dtype="bool"),
        ]
