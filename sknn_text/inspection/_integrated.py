"""Integrated gradients (Sundararajan et al. 2017) of a fitted network.

The attribution of input ``x_i`` is ``(x_i - b_i)`` times the average, along
the straight path from the baseline ``b`` to ``x``, of the gradient of the
explained output ``F`` with respect to ``x_i``. The average is a Riemann sum
over the midpoints of ``n_steps`` equal intervals; the attributions then add up
to ``F(x) - F(b)`` up to a *completeness gap* that shrinks as ``n_steps``
grows. (Gauss-Legendre nodes converge faster on smooth paths, but saturated
networks have steep ones, and there their uneven weights made larger errors
than the midpoints.) ``method="gradient"`` takes the gradient at ``x`` alone
(gradient times input: one pass, no completeness).

Two kinds of input are differentiated:

* feature matrices (TF-IDF, counts): the gradient with respect to the feature
  values, through the network from its input to the features the output layer
  reads; the baseline is the all-zero row, an empty document;
* token ids: the gradient with respect to the embedded tokens. The network is
  re-entered right after its layer named ``"embedding"``: a model built on the
  same graph takes the token ids (which the padding mask is computed from) and
  the embedded vectors, so padding stays masked exactly as in ``predict``. The
  baseline replaces every real token's vector by zeros (or by the embedding
  of the unknown-token id); padding stays padding.

Every document's path is evaluated in one batch, together with ``F(x)`` and
``F(b)``; documents of similar lengths share a batch, trimmed to the longest.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np
import scipy.sparse as sp

from .._backend._gradients import value_and_gradient
from .._data import sequence_lengths
from .._token_ids import OOV_ID, PADDING_ID
from ._targets import explained_output

#: Largest number of input values (rows x width) differentiated in one batch.
MAX_BATCH_VALUES = 1 << 23
_ATTENTION_BATCH = 256
#: Compiled gradient steps per model (see compiled_step); a model's go with it.
_STEPS = weakref.WeakKeyDictionary()


def compiled_step(model, kind, softmax, example):
    """The gradient step of ``model``'s explained output, compiled once per model.

    ``kind`` is "features" (differentiate the input) or "tokens" (the embedded
    tokens; the ids come first). Kept for as long as the model lives.
    """
    steps = _STEPS.setdefault(model, {})
    if (kind, softmax) not in steps:
        function = _explained_function(model, kind, softmax)
        wrt = 0 if kind == "features" else 1
        steps[(kind, softmax)] = value_and_gradient(function, example, wrt=wrt)
    return steps[(kind, softmax)]


def _explained_function(model, kind, softmax):
    output = model.get_layer("output")
    explained = explained_output(output, softmax)
    if kind == "features":
        body = keras.Model(model.inputs[0], output.input)

        def function(x, onehot, coef, offset):
            return explained(body(x, training=False), onehot, coef, offset)

        return function
    # Re-enter the graph after the embedding; the ids feed the padding masks.
    body = keras.Model([model.inputs[0], model.get_layer("embedding").output], output.input)

    def function(ids, vectors, onehot, coef, offset):
        return explained(body([ids, vectors], training=False), onehot, coef, offset)

    return function


def path_points(method, n_steps):
    """Positions ``alpha`` along the path and their quadrature weights.

    The last two points are the baseline (``alpha=0``) and the input
    (``alpha=1``), weighted 0: they give ``F(b)`` and ``F(x)``.
    """
    if method == "gradient":
        nodes, weights = np.ones(1), np.ones(1)
    else:
        nodes, weights = (np.arange(n_steps) + 0.5) / n_steps, np.full(n_steps, 1.0 / n_steps)
    return np.concatenate([nodes, [0.0, 1.0]]), np.concatenate([weights, [0.0, 0.0]])


class PathResult:
    """Attributions of a batch of documents and the outputs at both path ends."""

    def __init__(self, scores, outputs, baseline_outputs):
        self.scores = scores
        self.outputs = outputs
        self.baseline_outputs = baseline_outputs


def _integrate(step, x, baseline, before, after, alphas, weights):
    """Evaluate ``step`` along every document's path; ``before`` and ``after``
    are per-document arguments placed before and after the path input."""
    n, m = x.shape[0], len(alphas)
    shape = (1, m) + (1,) * (x.ndim - 1)
    difference = (x - baseline)[:, None]
    path = (baseline[:, None] + alphas.reshape(shape) * difference).astype(np.float32)
    path = path.reshape(n * m, *x.shape[1:])
    repeat = [np.repeat(arg, m, axis=0) for arg in (*before, *after)]
    values, gradients = step(*repeat[: len(before)], path, *repeat[len(before) :])
    values = keras.ops.convert_to_numpy(values).reshape(n, m)
    gradients = keras.ops.convert_to_numpy(gradients).astype(np.float64)
    gradients = gradients.reshape(n, m, *x.shape[1:])
    average = np.tensordot(weights, np.moveaxis(gradients, 1, 0), axes=1)
    return average * difference[:, 0], values[:, -1], values[:, -2]


def feature_paths(network, X, targets, *, method, n_steps):
    """Integrated gradients over the feature values of every row of ``X``.

    Returns
    -------
    result : PathResult
        ``scores`` is a list of ``(columns, scores)``, the document's nonzero
        features and their attributions.
    """
    X = sp.csr_matrix(X)
    alphas, weights = path_points(method, n_steps)
    step = None
    per_batch = max(1, MAX_BATCH_VALUES // (len(alphas) * max(X.shape[1], 1)))
    scores, outputs, baselines = [], [], []
    for start in range(0, X.shape[0], per_batch):
        rows = np.arange(start, min(start + per_batch, X.shape[0]))
        x = X[rows].toarray().astype(np.float64)
        after = targets.rows(rows)
        if step is None:
            example = (x[:1].astype(np.float32), *(arg[:1] for arg in after))
            step = compiled_step(network.model_, "features", targets.softmax, example)
        attributions, at_x, at_baseline = _integrate(
            step, x, np.zeros_like(x), (), after, alphas, weights
        )
        for row, document in zip(rows, attributions, strict=True):
            columns = X[row].indices[np.argsort(X[row].indices)]
            scores.append((columns, document[columns]))
        outputs.append(at_x)
        baselines.append(at_baseline)
    return PathResult(scores, np.concatenate(outputs), np.concatenate(baselines))


def _embedding_matrix(model):
    return np.asarray(model.get_layer("embedding").get_weights()[0], dtype=np.float64)


def _length_batches(lengths, row_values):
    """Document indices grouped by similar length, each group within budget."""
    order = np.argsort(lengths, kind="stable")
    batches, current = [], []
    for index in order:
        width = max(int(lengths[index]), 1)
        if current and (len(current) + 1) * width * row_values > MAX_BATCH_VALUES:
            batches.append(np.asarray(current))
            current = []
        current.append(index)
    if current:
        batches.append(np.asarray(current))
    return batches


def token_paths(network, token_ids, targets, *, method, n_steps, baseline):
    """Integrated gradients over the embedded tokens of every row of ``token_ids``.

    Returns
    -------
    result : PathResult
        ``scores`` is a list of per-position arrays (one score per real
        token, summed over the embedding dimensions).
    """
    matrix = _embedding_matrix(network.model_)
    alphas, weights = path_points(method, n_steps)
    lengths = sequence_lengths(token_ids)
    scores = [None] * token_ids.shape[0]
    outputs = np.zeros(token_ids.shape[0])
    baselines = np.zeros(token_ids.shape[0])
    step = None
    for rows in _length_batches(lengths, len(alphas) * matrix.shape[1]):
        width = max(int(lengths[rows].max()), 1)
        ids = np.ascontiguousarray(token_ids[rows, :width]).astype(np.int32)
        vectors = matrix[ids]
        start = np.zeros_like(vectors)
        if baseline == "unknown":
            start[:] = matrix[OOV_ID]
        start[ids == PADDING_ID] = vectors[ids == PADDING_ID]  # padding stays padding
        after = targets.rows(rows)
        if step is None:
            example = (ids[:1], vectors[:1].astype(np.float32), *(arg[:1] for arg in after))
            step = compiled_step(network.model_, "tokens", targets.softmax, example)
        attributions, at_x, at_baseline = _integrate(
            step, vectors, start, (ids,), after, alphas, weights
        )
        per_position = np.where(ids != PADDING_ID, attributions.sum(axis=-1), 0.0)
        for index, row in enumerate(rows):
            scores[row] = per_position[index, : lengths[row]]
        outputs[rows] = at_x
        baselines[rows] = at_baseline
    return PathResult(scores, outputs, baselines)


def attention_weights(network, token_ids, targets):
    """The attention-pooling weight of every real token, and the outputs."""
    model = network.model_
    try:
        pooling = model.get_layer("attention_pooling")
    except ValueError:
        raise ValueError(
            f'method="attention" needs a network with attention pooling; '
            f"{type(network).__name__} has none (set pooling=\"attention\")."
        ) from None
    # The pooling layer was called with the padding mask: its input is (states, mask).
    states = pooling.input[0] if isinstance(pooling.input, (list, tuple)) else pooling.input
    states = keras.Model(model.inputs[0], states)
    path = token_paths(
        network, token_ids, targets, method="gradient", n_steps=1, baseline="zero"
    )
    lengths = sequence_lengths(token_ids)
    scores = []
    for start in range(0, len(lengths), _ATTENTION_BATCH):
        rows = slice(start, start + _ATTENTION_BATCH)
        ids = token_ids[rows, : max(int(lengths[rows].max()), 1)].astype(np.int32)
        hidden = states(ids, training=False)
        weights = pooling.attention_weights(hidden, keras.ops.not_equal(ids, PADDING_ID))
        weights = keras.ops.convert_to_numpy(weights).astype(np.float64)
        scores += [row[:length] for row, length in zip(weights, lengths[rows], strict=True)]
    return PathResult(scores, path.outputs, None)
