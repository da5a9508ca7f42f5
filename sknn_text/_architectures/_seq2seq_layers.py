"""The Keras layers of the translators (encoder-decoder networks).

Every layer is written with ``keras.ops`` and registered under ``sknn_text`` so
that a saved network loads with ``safe_mode=True``. The attention layers have
two ways in: ``call`` reads whole sequences (training, with teacher forcing),
and a few plain methods read one decoder step against what was cached before
(``project`` keys once per source sentence; :class:`TransformerBlock`'s
``step`` takes the keys and values of the earlier target positions), which is
how ``_translation`` decodes incrementally.
"""

import math

import keras
from keras import layers, ops

from .._layers import LayerNorm, Seeds

_NEGATIVE = -1e9


def _softmax(scores):
    """A softmax over the last axis, written out: Keras's warns about an axis of
    size 1, which the first decoding step's self-attention has."""
    weights = ops.exp(scores - ops.max(scores, axis=-1, keepdims=True))
    return weights / ops.sum(weights, axis=-1, keepdims=True)


@keras.saving.register_keras_serializable(package="sknn_text")
class PairChannel(layers.Layer):
    """Channel ``index`` of the packed ``(batch, steps, 2)`` ids: 0 the source, 1
    the target read by the decoder (one network input keeps the training loop's
    batches, bucketed and trimmed, as they are for every other estimator)."""

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = index

    def call(self, inputs):
        return inputs[:, :, self.index]

    def compute_output_shape(self, input_shape):
        return input_shape[:2]

    def get_config(self):
        return {**super().get_config(), "index": self.index}


@keras.saving.register_keras_serializable(package="sknn_text")
class NextTokenProbabilities(layers.Layer):
    """The softmax over the target vocabulary, in float32, carrying no mask (the
    loss masks the padding itself, see :func:`translation_loss`)."""

    def call(self, logits):
        return ops.softmax(ops.cast(logits, "float32"), axis=-1)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="sknn_text")
class SourceAttention(layers.Layer):
    """Attention of decoder states over the encoder's outputs (Luong et al. 2015).

    ``kind="multiplicative"`` scores ``q . W h`` ("general"),
    ``kind="additive"`` scores ``v . tanh(W_q q + W_h h)`` (Bahdanau et al.
    2015). Called on ``[queries (B, T, dq), values (B, S, dv), source_mask (B, S)]``
    it returns the contexts ``(B, T, dv)`` and the weights ``(B, T, S)``.
    """

    def __init__(self, kind="multiplicative", units=64, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.kind, self.units, self.seed = kind, units, seed

    def build(self, input_shape):
        query_shape, value_shape, _ = input_shape
        seeds = Seeds(self.seed)
        width = self.units if self.kind == "additive" else query_shape[-1]
        self.key_dense = layers.Dense(width, use_bias=False, kernel_initializer=seeds.glorot())
        self.key_dense.build(value_shape)
        if self.kind == "additive":
            self.query_dense = layers.Dense(width, kernel_initializer=seeds.glorot())
            self.query_dense.build(query_shape)
            self.score = layers.Dense(1, use_bias=False, kernel_initializer=seeds.glorot())
            self.score.build((None, None, None, width))

    def project(self, values):
        """The keys of the encoder's outputs, computed once per source sentence."""
        return self.key_dense(values)

    def attend(self, queries, keys, values, source_mask):
        """``(contexts, weights)`` of ``queries`` over projected ``keys``."""
        if self.kind == "additive":
            hidden = ops.tanh(
                ops.expand_dims(self.query_dense(queries), 2) + ops.expand_dims(keys, 1)
            )
            scores = ops.squeeze(self.score(hidden), -1)
        else:
            scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
        scores = ops.where(ops.expand_dims(source_mask, 1), scores, _NEGATIVE)
        weights = _softmax(scores)
        return ops.matmul(weights, values), weights

    def call(self, inputs):
        queries, values, source_mask = inputs
        return self.attend(queries, self.project(values), values, source_mask)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "kind": self.kind, "units": self.units, "seed": self.seed}


def sinusoids(positions, width):
    """Sinusoidal position encodings (Vaswani et al. 2017) of float ``positions``
    (any shape) -> ``(*shape, width)``; no table, so no longest sentence."""
    half = width // 2
    rates = ops.exp(ops.arange(half, dtype="float32") * (-math.log(10000.0) / max(half - 1, 1)))
    angles = ops.expand_dims(ops.cast(positions, "float32"), -1) * rates
    encoding = ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
    if width % 2:
        encoding = ops.pad(encoding, [(0, 0)] * (len(encoding.shape) - 1) + [(0, 1)])
    return encoding


@keras.saving.register_keras_serializable(package="sknn_text")
class ScaledPositions(layers.Layer):
    """Embeddings times ``sqrt(width)`` plus sinusoidal positions from 0."""

    def call(self, embedded):
        width = embedded.shape[-1]
        steps = ops.arange(ops.shape(embedded)[1], dtype="float32")
        return embedded * math.sqrt(width) + ops.expand_dims(sinusoids(steps, width), 0)

    def compute_mask(self, inputs, mask=None):
        return None


class _MultiHead:
    """Multi-head attention written out (query, key, value and output
    projections), so that keys and values can be cached between steps."""

    def __init__(self, owner, name, width, num_heads, seeds):
        self.heads, self.width = num_heads, width
        self.head_width = max(1, width // num_heads)
        inner = self.head_width * num_heads
        self.query, self.key, self.value = (
            layers.Dense(inner, kernel_initializer=seeds.glorot(), name=f"{name}_{part}")
            for part in ("query", "key", "value")
        )
        self.output = layers.Dense(width, kernel_initializer=seeds.glorot(), name=f"{name}_out")
        for dense in (self.query, self.key, self.value):
            dense.build((None, None, width))
        self.output.build((None, None, inner))
        setattr(owner, f"{name}_layers", [self.query, self.key, self.value, self.output])

    def _split(self, x):
        shape = ops.shape(x)
        x = ops.reshape(x, (shape[0], shape[1], self.heads, self.head_width))
        return ops.transpose(x, (0, 2, 1, 3))

    def keys_values(self, x):
        return self.key(x), self.value(x)

    def attend(self, x, keys, values, bias):
        """``(outputs, weights averaged over heads)``; ``bias`` adds to the scores."""
        q = self._split(self.query(x)) / math.sqrt(self.head_width)
        scores = ops.matmul(q, ops.transpose(self._split(keys), (0, 1, 3, 2))) + bias
        weights = _softmax(scores)
        out = ops.transpose(ops.matmul(weights, self._split(values)), (0, 2, 1, 3))
        shape = ops.shape(out)
        out = ops.reshape(out, (shape[0], shape[1], self.heads * self.head_width))
        return self.output(out), ops.mean(weights, axis=1)


def padding_bias(mask):
    """``(B, 1, 1, S)`` scores to add: 0 on real positions, -1e9 on padding."""
    return ops.where(ops.expand_dims(ops.expand_dims(mask, 1), 1), 0.0, _NEGATIVE)


@keras.saving.register_keras_serializable(package="sknn_text")
class TransformerBlock(layers.Layer):
    """A pre-norm Transformer block (Xiong et al. 2020): self-attention, then
    (``cross=True``, a decoder block) attention over the encoder's outputs,
    then a feed-forward network, each added to its input. A decoder block's
    self-attention is causal. Called on ``[x, source_mask]`` (encoder) or
    ``[x, memory, source_mask]`` (decoder); a decoder block returns its output
    and its cross-attention weights averaged over heads."""

    def __init__(self, num_heads, feedforward_dim, dropout=0.0, cross=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.feedforward_dim = num_heads, feedforward_dim
        self.dropout, self.cross, self.seed = dropout, cross, seed

    def build(self, input_shape):
        width = input_shape[0][-1]
        seeds = Seeds(self.seed)
        self.self_attention = _MultiHead(self, "self", width, self.num_heads, seeds)
        if self.cross:
            self.cross_attention = _MultiHead(self, "cross", width, self.num_heads, seeds)
        self.hidden = layers.Dense(
            self.feedforward_dim, activation="relu", kernel_initializer=seeds.glorot()
        )
        self.projection = layers.Dense(width, kernel_initializer=seeds.glorot())
        self.hidden.build((None, None, width))
        self.projection.build((None, None, self.feedforward_dim))
        self.norms = [LayerNorm() for _ in range(3 if self.cross else 2)]
        for norm in self.norms:
            norm.build((None, None, width))
        self.drop = layers.Dropout(self.dropout, seed=seeds())

    def _feedforward(self, x, training):
        return x + self.drop(self.projection(self.hidden(self.norms[-1](x))), training=training)

    def memory(self, memory):
        """The cross-attention keys and values of the encoder's outputs."""
        return self.cross_attention.keys_values(memory)

    def call(self, inputs, training=None):
        x, source_mask = inputs[0], inputs[-1]
        normed = self.norms[0](x)
        keys, values = self.self_attention.keys_values(normed)
        if self.cross:
            steps = ops.arange(ops.shape(x)[1])
            causal = ops.expand_dims(steps, 1) >= ops.expand_dims(steps, 0)
            bias = ops.where(causal, 0.0, _NEGATIVE)[None, None]
        else:
            bias = padding_bias(source_mask)
        attended, _ = self.self_attention.attend(normed, keys, values, bias)
        x = x + self.drop(attended, training=training)
        if not self.cross:
            return self._feedforward(x, training)
        memory_keys, memory_values = self.memory(inputs[1])
        attended, weights = self.cross_attention.attend(
            self.norms[1](x), memory_keys, memory_values, padding_bias(source_mask)
        )
        x = x + self.drop(attended, training=training)
        return self._feedforward(x, training), weights

    def step(self, x, cached_keys, cached_values, memory_keys, memory_values, bias):
        """One decoder position ``x (B, 1, width)`` after the cached positions:
        ``(output, keys, values, cross-attention weights)``, the caches grown by one."""
        normed = self.norms[0](x)
        keys, values = self.self_attention.keys_values(normed)
        keys = ops.concatenate([cached_keys, keys], axis=1)
        values = ops.concatenate([cached_values, values], axis=1)
        attended, _ = self.self_attention.attend(normed, keys, values, 0.0)
        x = x + attended
        attended, weights = self.cross_attention.attend(
            self.norms[1](x), memory_keys, memory_values, bias
        )
        return self._feedforward(x + attended, False), keys, values, weights

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "feedforward_dim": self.feedforward_dim,
            "dropout": self.dropout,
            "cross": self.cross,
            "seed": self.seed,
        }
