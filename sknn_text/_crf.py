"""A linear-chain CRF output layer, its loss and its decoding, in ``keras.ops``.

A tagger's network scores every tag at every token (the *emissions*,
``(batch, steps, n_tags)``). A linear-chain CRF adds a score for each pair of
consecutive tags (``transitions[i, j]``: tag ``i`` followed by tag ``j``) and for
each tag at the start and at the end of a sentence; a tag sequence scores the
sum of its emissions and transitions, and its probability is that score's
exponential normalized over every sequence (Lafferty et al., 2001).

The network's training step sees only ``(y_true, y_pred)``, so
:class:`LinearChainCRF` packs its transition weights after the emissions:
its output is ``(batch, steps + n_tags + 2, n_tags)``, the emissions, then the
``n_tags`` rows of transitions, the start row and the end row.
:func:`crf_loss` unpacks them. Targets are right-padded tag indices plus one
(0 = padding), as the tagger head encodes them, and may be wider than the
batch (batches are trimmed to their longest sentence): the loss reads the
first ``steps`` columns.

:func:`crf_loss` (forward algorithm) and :func:`viterbi_decode` are written in
``keras.ops`` and run on every backend; :func:`crf_marginals` (forward-backward,
for ``predict_proba``) runs in NumPy on one sentence.
"""

import keras
import numpy as np
from keras import layers, ops

from ._backend import in_shape_inference


@keras.saving.register_keras_serializable(package="sknn_text")
class LinearChainCRF(layers.Layer):
    """Transition, start and end scores, packed after the emissions (see above)."""

    def __init__(self, n_tags, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.n_tags = int(n_tags)
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        init = keras.initializers.RandomUniform(-0.05, 0.05, seed=self.seed)
        self.transitions = self.add_weight(
            shape=(self.n_tags + 2, self.n_tags), initializer=init, name="transitions"
        )

    def call(self, inputs, mask=None):
        if mask is not None:  # padded positions score 0: the loss ignores them
            inputs = inputs * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        batch = ops.shape(inputs)[0]
        packed = ops.broadcast_to(
            ops.expand_dims(ops.cast(self.transitions, inputs.dtype), 0),
            (batch, self.n_tags + 2, self.n_tags),
        )
        return ops.concatenate([inputs, packed], axis=1)

    def compute_mask(self, inputs, mask=None):
        return None  # the output is wider than the sentences

    def compute_output_shape(self, input_shape):
        return (input_shape[0], None, self.n_tags)

    def get_config(self):
        return {**super().get_config(), "n_tags": self.n_tags, "seed": self.seed}


def unpack(outputs, n_tags):
    """``(emissions, transitions, start, end)`` of a :class:`LinearChainCRF` output."""
    emissions = outputs[:, : -(n_tags + 2)]
    packed = outputs[0, -(n_tags + 2) :]
    return emissions, packed[:n_tags], packed[n_tags], packed[n_tags + 1]


def _time_major(x):
    return ops.moveaxis(x, 1, 0)


def _steps(emissions, mask):
    """Time-major emissions with the mask as one more (last) channel: scanning
    one tensor, since Keras's TensorFlow scan fails on several of unknown length."""
    real = ops.expand_dims(ops.cast(mask, emissions.dtype), -1)
    return _time_major(ops.concatenate([emissions, real], axis=-1))


def _unstep(inputs):
    return inputs[:, :-1], ops.greater(inputs[:, -1:], 0.5)


def _targets(y_true, steps):
    """Tag indices and the mask of real tokens from padded ``tag + 1`` targets."""
    y_true = ops.cast(y_true[:, :steps], "int32")
    return ops.maximum(y_true - 1, 0), ops.greater(y_true, 0)


def sequence_log_likelihood(emissions, transitions, start, end, tags, mask):
    """Log-probability of the tag sequence ``tags`` of each sentence.

    ``emissions`` ``(batch, steps, n_tags)``; ``tags`` ``(batch, steps)``;
    ``mask`` marks the real tokens (right-padded; every sentence non-empty).
    """
    n_tags = ops.shape(emissions)[-1]
    weights = ops.cast(mask, emissions.dtype)
    one_hot = ops.one_hot(tags, n_tags, dtype=emissions.dtype)
    score = ops.sum(ops.sum(emissions * one_hot, axis=-1) * weights, axis=1)
    pairs = ops.einsum("btn,nm,btm->bt", one_hot[:, :-1], transitions, one_hot[:, 1:])
    score += ops.sum(pairs * weights[:, 1:], axis=1)
    score += ops.sum(one_hot[:, 0] * start, axis=-1)
    following = ops.concatenate([weights[:, 1:], ops.zeros_like(weights[:, :1])], axis=1)
    last = one_hot * ops.expand_dims(weights - following, -1)  # one-hot of the last tag
    score += ops.sum(ops.sum(last, axis=1) * end, axis=-1)
    return score - log_partition(emissions, transitions, start, end, mask)


def log_partition(emissions, transitions, start, end, mask):
    """``log Z`` of each sentence: the forward algorithm over the real tokens."""
    steps = _steps(emissions, mask)

    def step(alpha, inputs):
        emission, real = _unstep(inputs)
        scores = ops.expand_dims(alpha, 2) + ops.expand_dims(transitions, 0)
        updated = ops.logsumexp(scores, axis=1) + emission
        return ops.where(real, updated, alpha), None

    alpha = start + emissions[:, 0]
    alpha, _ = ops.scan(step, alpha, steps[1:])
    return ops.logsumexp(alpha + end, axis=-1)


@keras.saving.register_keras_serializable(package="sknn_text")
def crf_loss(y_true, y_pred):
    """Negative log-likelihood of the gold tags per token, one value per sentence."""
    n_tags = y_pred.shape[-1]
    if in_shape_inference():
        # Keras builds the loss from shapes alone, where a free length (a
        # symbolic dimension on JAX) cannot be cut into the emissions and the
        # packed transitions: one value per sentence is all it needs.
        return ops.zeros(ops.shape(y_pred)[:1], dtype=y_pred.dtype)
    emissions, transitions, start, end = unpack(y_pred, n_tags)
    tags, mask = _targets(y_true, ops.shape(emissions)[1])
    log_likelihood = sequence_log_likelihood(emissions, transitions, start, end, tags, mask)
    length = ops.maximum(ops.sum(ops.cast(mask, y_pred.dtype), axis=1), 1.0)
    return -log_likelihood / length


@keras.saving.register_keras_serializable(package="sknn_text")
def token_crossentropy(y_true, y_pred):
    """Mean cross-entropy of the softmax of ``y_pred`` (tag scores) over the real
    tokens, one value per sentence."""
    tags, mask = _targets(y_true, ops.shape(y_pred)[1])
    log_proba = ops.log_softmax(y_pred, axis=-1)
    one_hot = ops.one_hot(tags, y_pred.shape[-1], dtype=y_pred.dtype)
    weights = ops.cast(mask, y_pred.dtype)
    nll = -ops.sum(log_proba * one_hot, axis=-1) * weights
    return ops.sum(nll, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)


def viterbi_decode(emissions, transitions, start, end, mask):
    """The best tag sequence of each sentence, ``(batch, steps)`` int.

    Positions past a sentence's end carry its last tag (ignore them).
    """
    n_tags = ops.shape(emissions)[-1]
    steps = _steps(emissions, mask)
    stay = ops.expand_dims(ops.arange(n_tags, dtype="int32"), 0)

    def forward(score, inputs):
        emission, real = _unstep(inputs)
        scores = ops.expand_dims(score, 2) + ops.expand_dims(transitions, 0)
        best = ops.max(scores, axis=1) + emission
        pointers = ops.cast(ops.argmax(scores, axis=1), "int32")
        # Past the end, the score stays and each tag points to itself. The
        # pointers go out as floats: TensorFlow's scan stacks outputs of the
        # carry's dtype.
        pointers = ops.where(real, pointers, stay)
        return ops.where(real, best, score), ops.cast(pointers, score.dtype)

    score = start + emissions[:, 0]
    score, pointers = ops.scan(forward, score, steps[1:])
    pointers = ops.cast(pointers, "int32")
    last = ops.cast(ops.argmax(score + end, axis=-1), "int32")

    def backward(tag, pointer):
        previous = ops.take_along_axis(pointer, ops.expand_dims(tag, -1), axis=1)[:, 0]
        return previous, tag

    first, later = ops.scan(backward, last, pointers, reverse=True)
    return _time_major(ops.concatenate([ops.expand_dims(first, 0), later], axis=0))


def crf_marginals(emissions, transitions, start, end):
    """``P(tag at token t = j)`` for one sentence (forward-backward, float64).

    ``emissions`` is ``(length, n_tags)``; returns the same shape, rows sum to 1.
    """
    emissions = np.asarray(emissions, dtype=np.float64)
    transitions = np.asarray(transitions, dtype=np.float64)
    length = emissions.shape[0]
    alpha = np.empty_like(emissions)
    beta = np.empty_like(emissions)
    alpha[0] = start + emissions[0]
    for t in range(1, length):
        alpha[t] = _logsumexp(alpha[t - 1][:, None] + transitions, axis=0) + emissions[t]
    beta[-1] = end
    for t in range(length - 2, -1, -1):
        beta[t] = _logsumexp(transitions + (emissions[t + 1] + beta[t + 1])[None, :], axis=1)
    log_z = _logsumexp(alpha[-1] + end, axis=0)
    return np.exp(alpha + beta - log_z)


def _logsumexp(x, axis):
    top = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(x - top), axis=axis))
