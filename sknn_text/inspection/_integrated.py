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

* feature matrices (TF-IDF, counts): the gradient with respect to the values
  of a document's nonzero features (the others contribute nothing); the first
  ``Dense`` layer's product is taken over those columns only, so the cost does
  not grow with the vocabulary. The baseline is the all-zero row, an empty
  document;
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
from .._loop.data import sequence_lengths
from .._token_ids import OOV_ID, PADDING_ID
from ._targets import explained_from_logits, explained_output

#: Largest number of values (rows x width x embedding or hidden units) in one
#: batch. Larger batches ran slower per document on a CPU (GRU, 2 cores).
MAX_BATCH_VALUES = 1 << 18
_ATTENTION_BATCH = 256
#: Compiled gradient steps per model (see compiled_step); a model's go with it.
_STEPS = weakref.WeakKeyDictionary()


def compiled_step(model, kind, softmax, example):
    """The gradient step of ``model``'s explained output, compiled once per model.

    ``kind`` is "features" (differentiate the values of the nonzero features,
    given after their columns) or "tokens" (the embedded tokens, given after
    the token ids). Kept for as long as the model lives.
    """
    steps = _STEPS.setdefault(model, {})
    if (kind, softmax) not in steps:
        function = _explained_function(model, kind, softmax)
        steps[(kind, softmax)] = value_and_gradient(function, example, wrt=1)
    return steps[(kind, softmax)]


def _explained_function(model, kind, softmax):
    output = model.get_layer("output")
    explained = explained_output(output, softmax)
    if kind == "features":
        return _feature_function(model, output, explained, softmax)
    # Re-enter the graph after the embedding; the ids feed the padding masks.
    body = keras.Model([model.inputs[0], model.get_layer("embedding").output], output.input)

    def function(ids, vectors, onehot, coef, offset):
        return explained(body([ids, vectors], training=False), onehot, coef, offset)

    return function


def _feature_function(model, output, explained, softmax):
    """``f(columns, values, ...)``: the explained output of feature rows given
    by their nonzero columns and values (padded with column 0, value 0).

    Where the input goes straight into a ``Dense`` layer (the MLP, fastText),
    that layer's product is computed on the nonzero columns only, as a
    weighted sum of kernel rows, and the graph is re-entered after it: the
    cost follows the document's length, not the vocabulary's size. Other
    networks get the dense rows.
    """
    first = model.layers[1] if len(model.layers) > 1 else None
    if not isinstance(first, keras.layers.Dense) or first.input is not model.inputs[0]:
        body = keras.Model(model.inputs[0], output.input)
        width = model.inputs[0].shape[-1]

        def dense_rows(columns, values, onehot, coef, offset):
            rows = keras.ops.arange(keras.ops.shape(columns)[0])[:, None] + 0 * columns
            indices = keras.ops.stack([rows, columns], axis=-1)
            shape = (keras.ops.shape(columns)[0], width)
            x = keras.ops.scatter(keras.ops.reshape(indices, (-1, 2)),
                                  keras.ops.reshape(values, (-1,)), shape)
            return explained(body(x, training=False), onehot, coef, offset)

        return dense_rows
    from_logits = explained_from_logits(softmax)
    wide = "float64" if first is output else "float32"
    body = None  # the output layer reads the first layer's output as it is
    if first is not output and output.input is not first.output:
        body = keras.Model(first.output, output.input)

    def function(columns, values, onehot, coef, offset):
        kernel = keras.ops.cast(keras.ops.take(first.kernel, columns, axis=0), wide)
        z = keras.ops.einsum("rk,rku->ru", keras.ops.cast(values, wide), kernel)
        if first.use_bias:
            z = z + keras.ops.cast(first.bias, wide)
        if first is output:  # no hidden layer: z are the logits
            return from_logits(z, onehot, coef, offset)
        hidden = z if first.activation is None else first.activation(z)
        features = hidden if body is None else body(hidden, training=False)
        return explained(features, onehot, coef, offset)

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
    X.sort_indices()
    alphas, weights = path_points(method, n_steps)
    nonzero = np.diff(X.indptr)
    model = network.model_
    first = model.layers[1] if len(model.layers) > 1 else None
    width = getattr(first, "units", None) or X.shape[1]
    scores = [None] * X.shape[0]
    outputs, baselines = np.zeros(X.shape[0]), np.zeros(X.shape[0])
    step = None
    for rows in _length_batches(nonzero, len(alphas) * width):
        columns = np.zeros((len(rows), max(int(nonzero[rows].max()), 1)), dtype=np.int32)
        values = np.zeros(columns.shape)
        for index, row in enumerate(rows):
            start, end = X.indptr[row], X.indptr[row + 1]
            columns[index, : end - start] = X.indices[start:end]
            values[index, : end - start] = X.data[start:end]
        after = targets.rows(rows)
        if step is None:
            example = (columns[:1], values[:1].astype(np.float32), *(arg[:1] for arg in after))
            step = compiled_step(model, "features", targets.softmax, example)
        attributions, at_x, at_baseline = _integrate(
            step, values, np.zeros_like(values), (columns,), after, alphas, weights
        )
        for index, row in enumerate(rows):
            scores[row] = (columns[index, : nonzero[row]], attributions[index, : nonzero[row]])
        outputs[rows] = at_x
        baselines[rows] = at_baseline
    return PathResult(scores, outputs, baselines)


class _Embeddings:
    """The embedding vectors (float64) of the ids in ``token_ids``, read once."""

    def __init__(self, model, token_ids):
        self.ids = np.unique(np.append(token_ids, OOV_ID))
        table = model.get_layer("embedding").embeddings.value
        rows = keras.ops.take(table, self.ids.astype(np.int32), axis=0)
        self.rows = keras.ops.convert_to_numpy(rows).astype(np.float64)
        self.unknown = self.rows[np.searchsorted(self.ids, OOV_ID)]

    def __getitem__(self, ids):
        return self.rows[np.searchsorted(self.ids, ids)]


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
    width = network.model_.get_layer("embedding").output_dim
    alphas, weights = path_points(method, n_steps)
    lengths = sequence_lengths(token_ids)
    scores = [None] * token_ids.shape[0]
    outputs = np.zeros(token_ids.shape[0])
    baselines = np.zeros(token_ids.shape[0])
    step = None
    embeddings = _Embeddings(network.model_, token_ids)
    for rows in _length_batches(lengths, len(alphas) * width):
        ids = token_ids[rows, : max(int(lengths[rows].max()), 1)].astype(np.int32)
        vectors = embeddings[ids]
        start = np.zeros_like(vectors)
        if baseline == "unknown":
            start[:] = embeddings.unknown
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
