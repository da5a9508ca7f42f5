"""What an explanation explains: one output of the network, per document.

For a classifier the explained output is the *log-odds* of the target class,
``log(p / (1 - p))``, computed from the output layer's pre-activations so that
it does not saturate the way a probability does: the logit of a sigmoid unit
(negated for the first class of a binary classifier), or ``z_t - logsumexp``
of the other classes' logits for a softmax. For a regressor it is the
predicted value of the target output, in the units of ``y``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from keras import ops
from sklearn.base import is_classifier


@dataclass
class Targets:
    """Per document: what is explained, and how to read it off the logits.

    Attributes
    ----------
    labels : list
        The reported target of each document.
    onehot : ndarray of shape (n_documents, n_outputs)
        Selects the output unit of each document's target.
    coef, offset : ndarray of shape (n_documents,)
        The explained output is ``coef * selected + offset``.
    softmax : bool
        Subtract the log-sum-exp of the other units (multiclass).
    """

    labels: list
    onehot: np.ndarray
    coef: np.ndarray
    offset: np.ndarray
    softmax: bool

    def rows(self, index):
        """The per-row arguments of the explained output for these documents."""
        return self.onehot[index], self.coef[index], self.offset[index]


def resolve_targets(network, X, target, n_documents):
    """The :class:`Targets` of ``network`` for ``target`` (see ``explain_tokens``)."""
    requested = _per_document(target, n_documents)
    n_outputs = network.model_.get_layer("output").units
    if not is_classifier(network):
        return _regression_targets(network, requested, n_outputs)
    kind = network._target_kind
    classes = network.classes_.tolist()
    if any(label is None for label in requested):
        proba = network.predict_proba(X)
        predicted = [classes[i] for i in np.argmax(proba, axis=1)]
        requested = [p if r is None else r for r, p in zip(requested, predicted, strict=True)]
    units = [_class_index(label, classes) for label in requested]
    onehot = np.zeros((n_documents, n_outputs), dtype=np.float64)
    coef = np.ones(n_documents, dtype=np.float64)
    if n_outputs == 1:  # binary: one sigmoid unit, the log-odds of classes[1]
        onehot[:, 0] = 1.0
        coef = np.where(np.asarray(units) == 1, 1.0, -1.0)
    else:
        onehot[np.arange(n_documents), units] = 1.0
    labels = [classes[unit] for unit in units]
    softmax = kind != "multilabel-indicator" and n_outputs > 1
    return Targets(labels, onehot, coef, np.zeros(n_documents), softmax)


def _per_document(target, n_documents):
    if target is None or isinstance(target, (str, bytes)) or np.ndim(target) == 0:
        return [target] * n_documents
    targets = list(target)
    if len(targets) != n_documents:
        raise ValueError(
            f"target must be one label for every document or a list of "
            f"{n_documents} (one per document); got a list of {len(targets)}."
        )
    return targets


def _class_index(label, classes):
    for index, known in enumerate(classes):
        if known == label:
            return index
    raise ValueError(f"target={label!r} is not one of the classes {classes}.")


def _regression_targets(network, requested, n_outputs):
    units = []
    for label in requested:
        if label is None:
            if n_outputs > 1:
                raise ValueError(
                    f"The regressor has {n_outputs} outputs; pass target=<index> "
                    f"(0 to {n_outputs - 1}) to choose the one to explain."
                )
            label = 0
        if not isinstance(label, Integral) or not 0 <= label < n_outputs:
            raise ValueError(
                f"target must be an output index from 0 to {n_outputs - 1} for a "
                f"regressor, got {label!r}."
            )
        units.append(int(label))
    n_documents = len(units)
    onehot = np.zeros((n_documents, n_outputs), dtype=np.float64)
    onehot[np.arange(n_documents), units] = 1.0
    coef = np.asarray(network._target_scale, dtype=np.float64)[units]
    offset = np.asarray(network._target_mean, dtype=np.float64)[units]
    return Targets(units, onehot, coef, offset, softmax=False)


def explained_output(output_layer, softmax):
    """``f(h, onehot, coef, offset)``: the explained output from the features
    ``h`` that the output layer reads, written with ``keras.ops``."""
    from_logits = explained_from_logits(softmax)

    def explained(features, onehot, coef, offset):
        kernel = ops.cast(output_layer.kernel, "float64")
        logits = ops.matmul(ops.cast(features, "float64"), kernel)
        if output_layer.use_bias:
            logits = logits + ops.cast(output_layer.bias, "float64")
        return from_logits(logits, onehot, coef, offset)

    return explained


def explained_from_logits(softmax):
    """``f(logits, onehot, coef, offset)``: the explained output from the
    pre-activations of the output layer (see :class:`Targets`)."""

    def from_logits(logits, onehot, coef, offset):
        logits = ops.cast(logits, "float64")
        selected = ops.sum(logits * onehot, axis=1)
        if softmax:
            others = ops.where(onehot > 0, -np.inf, logits)
            selected = selected - ops.logsumexp(others, axis=1)
        return coef * selected + offset

    return from_logits
