"""Faithfulness by deletion: ERASER's comprehensiveness and sufficiency.

DeYoung et al. (2020), "ERASER: A Benchmark to Evaluate Rationalized NLP
Models", score an explanation by what the model does without the words it
ranks highest. For each fraction ``k`` of a document's words (1, 5, 10, 20
and 50 %), the rationale ``r_k`` is its ``ceil(k * n_words)`` highest-scored
words, and with ``m(.)`` the model's probability of the explained class:

* comprehensiveness: ``m(x) - m(x without r_k)``. High is good: the words
  the explanation ranks highest are the ones the prediction needed;
* sufficiency: ``m(x) - m(r_k alone)``. Low is good: the top words suffice
  to make the prediction.

Each is averaged over the fractions (the "area over the perturbation curve",
AOPC, of ERASER's soft-score evaluation). Words are deleted from the text
itself and the perturbed documents go through the whole pipeline, so any
fitted scikit-learn text pipeline can be scored, whatever explained it.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import is_classifier

from ._attribution import ranking

#: ERASER's fractions of the document's words.
FRACTIONS = (0.01, 0.05, 0.1, 0.2, 0.5)


def comprehensiveness(estimator, attributions, *, fractions=FRACTIONS, per_fraction=False):
    """How much the predicted probability falls without the top-ranked words.

    ERASER's comprehensiveness (DeYoung et al. 2020), averaged over
    ``fractions`` (AOPC). Higher is better.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Fitted, taking raw documents; a classifier (its ``predict_proba`` is
        read) or a regressor (its ``predict``).
    attributions : list of TokenAttribution
        One per document, from any method; their ``target`` is the explained
        class (the predicted class when None) or output index.
    fractions : sequence of float, default=(0.01, 0.05, 0.1, 0.2, 0.5)
        Shares of each document's words to delete, each in (0, 1].
    per_fraction : bool, default=False
        Return the score at every fraction instead of their mean.

    Returns
    -------
    scores : ndarray of shape (n_documents,) or (n_documents, n_fractions)
        ``m(x) - m(x without the top words)``, with ``m`` the probability of
        the target class (the predicted value, for a regressor).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn_text.inspection import TokenAttribution, comprehensiveness
    >>> texts = ["good movie", "bad movie", "good plot", "bad plot"] * 5
    >>> model = make_pipeline(CountVectorizer(), LogisticRegression())
    >>> model = model.fit(texts, [1, 0, 1, 0] * 5)
    >>> right = TokenAttribution("good movie", [(0, 4), (5, 10)], [1.0, 0.0], target=1)
    >>> wrong = TokenAttribution("good movie", [(0, 4), (5, 10)], [0.0, 1.0], target=1)
    >>> scores = comprehensiveness(model, [right, wrong], fractions=[0.5])
    >>> bool(scores[0] > scores[1])
    True
    """
    return _aopc(estimator, attributions, fractions, per_fraction, keep_top=False)


def sufficiency(estimator, attributions, *, fractions=FRACTIONS, per_fraction=False):
    """How much the predicted probability falls with the top-ranked words alone.

    ERASER's sufficiency (DeYoung et al. 2020), averaged over ``fractions``
    (AOPC). Lower is better; negative means the top words alone make the
    model surer than the whole document.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Fitted, taking raw documents (see :func:`comprehensiveness`).
    attributions : list of TokenAttribution
        One per document.
    fractions : sequence of float, default=(0.01, 0.05, 0.1, 0.2, 0.5)
        Shares of each document's words to keep, each in (0, 1].
    per_fraction : bool, default=False
        Return the score at every fraction instead of their mean.

    Returns
    -------
    scores : ndarray of shape (n_documents,) or (n_documents, n_fractions)
        ``m(x) - m(the top words alone)``.
    """
    return _aopc(estimator, attributions, fractions, per_fraction, keep_top=True)


def perturbed_document(attribution, n_top, *, keep_top):
    """The document without its ``n_top`` best-ranked words, or with them alone.

    Deleted words are cut out of the text (each replaced by a space, so that
    its neighbours do not merge); kept-alone words are joined by spaces in
    document order.
    """
    top = np.sort(ranking(attribution.scores)[:n_top])
    text, spans = attribution.text, attribution.spans
    if keep_top:
        return " ".join(text[start:end] for start, end in spans[top])
    parts, position = [], 0
    for start, end in spans[top]:
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return " ".join(parts)


def _aopc(estimator, attributions, fractions, per_fraction, *, keep_top):
    attributions = list(attributions)
    fractions = _check_fractions(fractions)
    if not attributions:
        raise ValueError("attributions is empty: give one TokenAttribution per document.")
    texts = [attribution.text for attribution in attributions]
    perturbed = [
        perturbed_document(a, math.ceil(f * len(a.scores)), keep_top=keep_top)
        for a in attributions
        for f in fractions
    ]
    outputs = _target_outputs(estimator, texts + perturbed, attributions, len(fractions))
    full = outputs[: len(texts)]
    reduced = outputs[len(texts) :].reshape(len(texts), len(fractions))
    scores = full[:, None] - reduced
    return scores if per_fraction else scores.mean(axis=1)


def _check_fractions(fractions):
    fractions = np.asarray(fractions, dtype=np.float64).reshape(-1)
    if fractions.size == 0 or np.any(fractions <= 0) or np.any(fractions > 1):
        raise ValueError(f"fractions must be non-empty and in (0, 1], got {fractions.tolist()}.")
    return fractions


def _target_outputs(estimator, texts, attributions, n_fractions):
    """The explained probability (or value) of every text; the first
    ``len(attributions)`` are the originals, then ``n_fractions`` per document."""
    if not is_classifier(estimator):
        predictions = np.asarray(estimator.predict(texts), dtype=np.float64)
        if predictions.ndim == 1:
            return predictions
        columns = [0 if a.target is None else int(a.target) for a in attributions]
        columns = np.concatenate([columns, np.repeat(columns, n_fractions)])
        return predictions[np.arange(len(texts)), columns]
    proba = np.asarray(estimator.predict_proba(texts), dtype=np.float64)
    classes = list(estimator.classes_)
    columns = []
    for index, attribution in enumerate(attributions):
        if attribution.target is None:
            columns.append(int(np.argmax(proba[index])))
        elif attribution.target in classes:
            columns.append(classes.index(attribution.target))
        else:
            raise ValueError(
                f"The target {attribution.target!r} of attribution {index} is not one "
                f"of the classes {classes}."
            )
    columns = np.concatenate([columns, np.repeat(columns, n_fractions)]).astype(int)
    return proba[np.arange(len(texts)), columns]
