"""Custom Keras layers of the networks, registered so that saved models load safely.

Every layer here is written with ``keras.ops`` (no backend imports; the L2
penalty takes its sum of squares from the backend adapter) and registered under
the ``sknn_text`` package, so ``keras.saving.load_model`` rebuilds it with
``safe_mode=True``.
"""

import itertools

import keras
from keras import layers, ops

from ._backend import sum_of_squares
from ._token_ids import PADDING_ID


class Seeds:
    """Hand out distinct integer seeds derived from one base seed (or ``None``)."""

    def __init__(self, seed):
        self._counter = None if seed is None else itertools.count(int(seed))

    def __call__(self):
        return None if self._counter is None else next(self._counter) % (2**31 - 1)

    def glorot(self):
        return keras.initializers.GlorotUniform(seed=self())


@keras.saving.register_keras_serializable(package="sknn_text")
class SquaredL2(keras.regularizers.Regularizer):
    """The penalty ``l2 * sum(w ** 2)``, as ``keras.regularizers.L2``.

    Its sum of squares and that sum's gradient allocate no temporaries the size
    of the weight beyond the gradient itself (on TensorFlow), which matters for
    a first layer over a large TF-IDF vocabulary.
    """

    def __init__(self, l2):
        self.l2 = float(l2)

    def __call__(self, x):
        return self.l2 * sum_of_squares(x)

    def get_config(self):
        return {"l2": self.l2}


@keras.saving.register_keras_serializable(package="sknn_text")
class MaskedPooling1D(layers.Layer):
    """Mean or max over time steps that ignores padded (masked) positions.

    A sequence whose every position is masked (an empty document) pools to zeros
    instead of NaN or ``-inf``.
    """

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in ("mean", "max"):
            raise ValueError(f"mode must be 'mean' or 'max', got {mode!r}")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        count = ops.sum(weights, axis=1)
        if self.mode == "mean":
            # Summed in float64: float32 sums over time round differently with
            # the batch's size, and a document's output must not depend on it.
            total = ops.sum(ops.cast(inputs * weights, "float64"), axis=1)
            mean = total / ops.cast(ops.maximum(count, 1.0), "float64")
            return ops.cast(mean, inputs.dtype)
        lowest = ops.min(inputs) - 1.0
        masked = ops.where(weights > 0, inputs, lowest)
        return ops.where(count > 0, ops.max(masked, axis=1), 0.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


@keras.saving.register_keras_serializable(package="sknn_text")
class AttentionPooling1D(layers.Layer):
    """Attention-weighted sum over time steps that gives padding no weight.

    Each step's output ``h_t`` gets a score ``v . tanh(W h_t + b)``; a softmax over
    the real (unmasked) steps turns the scores into weights. A fully masked
    sequence pools to zeros.
    """

    def __init__(self, units=64, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        seeds = Seeds(self.seed)
        self.hidden = layers.Dense(
            self.units, activation="tanh", kernel_initializer=seeds.glorot()
        )
        self.score = layers.Dense(1, use_bias=False, kernel_initializer=seeds.glorot())
        self.hidden.build(input_shape)
        self.score.build((*input_shape[:-1], self.units))

    def call(self, inputs, mask=None):
        weights = self.attention_weights(inputs, mask)
        return ops.sum(inputs * ops.expand_dims(weights, -1), axis=1)

    def attention_weights(self, inputs, mask=None):
        """The weight of every step, ``(batch, steps)``: 0 on masked steps,
        summing to 1 over the real ones."""
        scores = ops.squeeze(self.score(self.hidden(inputs)), axis=-1)
        if mask is not None:
            scores = ops.where(mask, scores, -1e9)
        # A softmax written out, so that a one-step batch does not make Keras warn
        # about a softmax over an axis of size 1; masked steps weigh exactly 0.
        weights = ops.exp(scores - ops.max(scores, axis=1, keepdims=True))
        if mask is not None:
            weights = weights * ops.cast(mask, weights.dtype)
        return weights / ops.maximum(ops.sum(weights, axis=1, keepdims=True), 1e-9)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "units": self.units, "seed": self.seed}


@keras.saving.register_keras_serializable(package="sknn_text")
class PaddingMask(layers.Layer):
    """``token_ids != PADDING_ID``: which positions of right-padded ids are real."""

    def call(self, inputs):
        return ops.not_equal(inputs, PADDING_ID)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="sknn_text")
class ZeroPadding(layers.Layer):
    """Set the vectors of padded (masked) positions to zero.

    A convolution then sees the same zeros past the end of a document whether
    the batch was trimmed to that document or padded further.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs
        return inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)

    def compute_mask(self, inputs, mask=None):
        # The mask is spent here: the convolutions that follow cannot use it.
        return None


@keras.saving.register_keras_serializable(package="sknn_text")
class PositionEmbedding(layers.Layer):
    """Add a learned embedding of each position (0, 1, ...) to the inputs.

    Sequences may be shorter than ``max_length`` (trimmed batches), never longer.
    """

    def __init__(self, max_length, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        self.positions = self.add_weight(
            shape=(self.max_length, input_shape[-1]),
            initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=self.seed),
            name="positions",
        )

    def call(self, inputs):
        length = ops.shape(inputs)[1]
        return inputs + ops.expand_dims(self.positions[:length], axis=0)

    def compute_output_shape(self, input_shape):
        # Stated, not inferred: on JAX, inferring it from call() with an open
        # time axis fails (the slice's symbolic length does not broadcast).
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_length": self.max_length, "seed": self.seed}


@keras.saving.register_keras_serializable(package="sknn_text")
class Float64Dense(layers.Dense):
    """A ``Dense`` layer whose product and sum are computed in float64.

    In float32, one document alone (a matrix-vector product) and the same
    document in a batch (a matrix product) round differently; in float64 the
    difference stays below float32's resolution. The weights stay float32.
    """

    def call(self, inputs, training=None):
        outputs = ops.matmul(ops.cast(inputs, "float64"), ops.cast(self.kernel, "float64"))
        if self.use_bias:
            outputs = outputs + ops.cast(self.bias, "float64")
        outputs = ops.cast(outputs, self.compute_dtype)
        return outputs if self.activation is None else self.activation(outputs)


@keras.saving.register_keras_serializable(package="sknn_text")
class LayerNorm(layers.Layer):
    """Layer normalization (Ba et al. 2016) with a learned scale and offset.

    The statistics are computed in float64. TensorFlow's float32 reductions on
    the CPU round differently depending on a row's place in the batch, which
    made a document's prediction change (in the 7th digit) with the order of
    the documents around it; in float64 that noise stays below float32's
    resolution.
    """

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.supports_masking = True

    def build(self, input_shape):
        width = input_shape[-1]
        self.gamma = self.add_weight(shape=(width,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(width,), initializer="zeros", name="beta")

    def call(self, inputs):
        wide = ops.cast(inputs, "float64")
        # Means written as sums over the (static) width: exported to ONNX, a
        # float64 mean becomes a GlobalAveragePool that onnxruntime does not
        # run in double precision, and a sum a ReduceSum that it does.
        width = float(inputs.shape[-1])
        centered = wide - ops.sum(wide, axis=-1, keepdims=True) / width
        variance = ops.sum(ops.square(centered), axis=-1, keepdims=True) / width
        normalized = ops.cast(centered / ops.sqrt(variance + self.epsilon), inputs.dtype)
        return normalized * self.gamma + self.beta

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="sknn_text")
class TransformerEncoderBlock(layers.Layer):
    """Self-attention and a position-wise feed-forward network, each with a
    residual connection and layer normalization (post-norm, as in Vaswani et
    al. 2017). Padded positions are neither attended to nor change the mask.
    With ``causal=True`` (a decoder block) each position attends only to itself
    and the positions before it.
    """

    def __init__(
        self, num_heads, feedforward_dim, dropout=0.0, seed=None, causal=False, **kwargs
    ):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.feedforward_dim = feedforward_dim
        self.dropout = dropout
        self.seed = seed
        self.causal = causal
        self.supports_masking = True

    def build(self, input_shape):
        width = input_shape[-1]
        seeds = Seeds(self.seed)
        self.attention = layers.MultiHeadAttention(
            self.num_heads,
            key_dim=max(1, width // self.num_heads),
            dropout=self.dropout,
            kernel_initializer=seeds.glorot(),
            seed=seeds(),
        )
        self.hidden = layers.Dense(
            self.feedforward_dim, activation="relu", kernel_initializer=seeds.glorot()
        )
        self.projection = layers.Dense(width, kernel_initializer=seeds.glorot())
        self.norm_attention = LayerNorm()
        self.norm_output = LayerNorm()
        self.drop_attention = layers.Dropout(self.dropout, seed=seeds())
        self.drop_output = layers.Dropout(self.dropout, seed=seeds())
        self.attention.build(input_shape, input_shape)
        self.hidden.build(input_shape)
        self.projection.build((*input_shape[:-1], self.feedforward_dim))
        self.norm_attention.build(input_shape)
        self.norm_output.build(input_shape)

    def call(self, inputs, mask=None, training=None):
        attention_mask = None
        if mask is not None:
            # Every query attends to the real positions only: shape (B, T, T).
            keys = ops.expand_dims(mask, axis=1)
            attention_mask = ops.logical_and(keys, ops.ones_like(ops.expand_dims(mask, -1)))
        attended = self.attention(
            inputs,
            inputs,
            attention_mask=attention_mask,
            use_causal_mask=self.causal,
            training=training,
        )
        x = self.norm_attention(
            inputs + self.drop_attention(attended, training=training)
        )
        transformed = self.projection(self.hidden(x))
        return self.norm_output(x + self.drop_output(transformed, training=training))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "feedforward_dim": self.feedforward_dim,
            "dropout": self.dropout,
            "seed": self.seed,
            "causal": self.causal,
        }


@keras.saving.register_keras_serializable(package="sknn_text")
class TiedEmbedding(layers.Embedding):
    """An ``Embedding`` whose matrix also scores the next token (weight tying,
    Press & Wolf 2017; Inan et al. 2017).

    Called on token ids it embeds them; called with ``reverse=True`` on vectors
    of width ``output_dim`` it returns one logit per token of the vocabulary,
    ``x @ embeddings.T + bias``.
    """

    def build(self, input_shape=None):
        super().build(input_shape)
        self.output_bias = self.add_weight(
            shape=(self.input_dim,), initializer="zeros", name="output_bias"
        )

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        kernel = ops.cast(self.embeddings, inputs.dtype)
        return ops.matmul(inputs, ops.transpose(kernel)) + self.output_bias

    def compute_output_shape(self, input_shape, reverse=False):
        if not reverse:
            return super().compute_output_shape(input_shape)
        return (*input_shape[:-1], self.input_dim)

    def compute_output_spec(self, inputs, reverse=False):
        if not reverse:
            return super().compute_output_spec(inputs)
        shape = self.compute_output_shape(inputs.shape, reverse=True)
        return keras.KerasTensor(shape, dtype=self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.saving.register_keras_serializable(package="sknn_text")
class GradientGate(layers.Layer):
    """The identity, through which gradients flow only while the gate is open.

    Its one weight, ``open`` (not trained), is 1 or 0: the output is
    ``stop_gradient(x) + open * (x - stop_gradient(x))``, exactly ``x`` either
    way, but the layers below get no gradient (so no update) while it is 0.
    Setting the weight between epochs unfreezes them without retracing the
    training step (``_pretraining``: gradual unfreezing).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self.open = self.add_weight(shape=(), initializer="ones", trainable=False, name="open")

    def call(self, inputs):
        held = ops.stop_gradient(inputs)
        return held + ops.cast(self.open, inputs.dtype) * (inputs - held)

    def compute_output_shape(self, input_shape):
        return input_shape
