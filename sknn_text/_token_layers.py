"""The Keras layers that read a tagger's tokens (see ``_architectures._tokens``).

A tagger's input is one integer array ``(batch, steps, columns)``: the word id
(0 = padding past the end of a sentence), one id per token feature, and
optionally the ids of the word's first characters. :class:`TokenEmbedding`
turns each token into its word embedding, its feature embeddings and, with
``char_filters``, a convolution over its characters max-pooled into one vector
(Ma & Hovy 2016), side by side, and masks the padding. Registered under the
``sknn_text`` package so that saved models load in safe mode.
"""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="sknn_text")
class TokenEmbedding(layers.Layer):
    """Embeddings of the word, the features and the characters of every token.

    Input ``(batch, steps, 1 + n_features + max_chars)`` integer ids (no
    character columns when ``char_filters`` is 0); all features share one table
    (their ids do not overlap). Word id 0 is padding: it is masked.
    """

    def __init__(self, n_words, word_dim, n_feature_ids, n_features, feature_dim, seed=None,
                 freeze_words=False, n_chars=0, char_dim=16, char_filters=0, max_chars=0,
                 **kwargs):
        super().__init__(**kwargs)
        self.n_words, self.word_dim = int(n_words), int(word_dim)
        self.n_feature_ids, self.n_features = int(n_feature_ids), int(n_features)
        self.feature_dim, self.seed = int(feature_dim), seed
        self.freeze_words = bool(freeze_words)
        self.n_chars, self.char_dim = int(n_chars), int(char_dim)
        self.char_filters, self.max_chars = int(char_filters), int(max_chars)
        self.char_conv = None
        if self.char_filters:
            self.char_conv = layers.Conv1D(
                self.char_filters, 3, padding="same", activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=self._seed(2)),
                name="char_conv",
            )

    def _seed(self, offset):
        return None if self.seed is None else self.seed + offset

    def build(self, input_shape):
        def init(offset):
            return keras.initializers.RandomUniform(-0.05, 0.05, seed=self._seed(offset))

        self.words = self.add_weight(
            shape=(self.n_words, self.word_dim), initializer=init(0), name="words",
            trainable=not self.freeze_words,
        )
        if self.n_features:
            self.features = self.add_weight(
                shape=(self.n_feature_ids, self.feature_dim), initializer=init(1),
                name="features",
            )
        if self.char_filters:
            self.chars = self.add_weight(
                shape=(self.n_chars, self.char_dim), initializer=init(3), name="chars"
            )
            self.char_conv.build((None, self.max_chars, self.char_dim))

    def call(self, inputs):
        shape = ops.shape(inputs)
        parts = [ops.take(self.words, inputs[..., 0], axis=0)]
        if self.n_features:
            features = ops.take(self.features, inputs[..., 1 : 1 + self.n_features], axis=0)
            parts.append(
                ops.reshape(features, (shape[0], shape[1], self.n_features * self.feature_dim))
            )
        if self.char_filters:
            chars = inputs[..., 1 + self.n_features :]
            vectors = ops.take(self.chars, chars, axis=0)
            vectors = vectors * ops.expand_dims(ops.cast(ops.not_equal(chars, 0), "float32"), -1)
            maps = self.char_conv(ops.reshape(vectors, (-1, self.max_chars, self.char_dim)))
            pooled = ops.max(maps, axis=1)
            parts.append(ops.reshape(pooled, (shape[0], shape[1], self.char_filters)))
        return parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs[..., 0], 0)

    def compute_output_shape(self, input_shape):
        width = self.word_dim + self.n_features * self.feature_dim + self.char_filters
        return (*input_shape[:2], width)

    def get_config(self):
        names = (
            "n_words", "word_dim", "n_feature_ids", "n_features", "feature_dim", "seed",
            "freeze_words", "n_chars", "char_dim", "char_filters", "max_chars",
        )
        return {**super().get_config(), **{name: getattr(self, name) for name in names}}


@keras.saving.register_keras_serializable(package="sknn_text")
class TokenPaddingMask(layers.Layer):
    """Which positions of a token input are real (word id not 0)."""

    def call(self, inputs):
        return ops.not_equal(inputs[..., 0], 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:2])
