"""``explain_tokens``: which words drove a fitted text pipeline's prediction."""

from __future__ import annotations

import warnings
from collections import Counter
from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from .._base import BaseTextNetwork
from .._loop.data import sequence_lengths
from .._vocabulary import check_documents
from ..preprocessing import OOV_TOKEN, TextTokenizer
from ._attribution import TokenAttribution
from ._integrated import attention_weights, feature_paths, token_paths
from ._spans import analyzed_spans
from ._targets import resolve_targets

METHODS = ("auto", "integrated_gradients", "gradient", "attention")
BASELINES = ("zero", "unknown")
#: Completeness gap, as a share of the output's change, worth a warning.
GAP_WARNING = 0.1


def explain_tokens(
    estimator, documents, *, target=None, method="auto", n_steps=32, baseline="zero"
):
    """Attribute a text model's output to the words of each document.

    One or two backward passes per document instead of the thousands of
    model runs of LIME or SHAP: the network is differentiated with respect to
    its inputs, and the attributions are mapped back to the words of the
    original text.

    * TF-IDF or count vectorizer + :class:`~sknn_text.MLPTextClassifier` (or
      fastText on a feature matrix): integrated gradients over the feature
      values, from the empty document (all features 0) to the document. A
      feature's score is shared evenly by its occurrences, and an n-gram's by
      the words it spans.
    * :class:`~sknn_text.TextTokenizer` + a sequence model (RNN, CNN,
      Transformer, fastText on tokens): integrated gradients over the embedded
      tokens, from ``baseline`` to the document, padding masked throughout.

    Parameters
    ----------
    estimator : Pipeline
        Fitted, of two steps: a text vectorizer with a vocabulary
        (``TfidfVectorizer``, ``CountVectorizer``) or a ``TextTokenizer``,
        then an sknn_text estimator.
    documents : iterable of str
        The documents to explain.
    target : label, list of labels or None, default=None
        What to explain. A classifier: the class whose log-odds are explained
        (the label index for multilabel); None takes the predicted class of
        each document. A regressor: the index of the output; None for a
        single output. A list gives one target per document.
    method : {"auto", "integrated_gradients", "gradient", "attention"}, default="auto"
        ``"integrated_gradients"`` (what ``"auto"`` means); ``"gradient"``,
        gradient times input at the document only: one pass, not complete;
        ``"attention"``, the weights of the attention pooling of a sequence
        model with ``pooling="attention"``: where the model looked, not signed
        and not specific to the target; never a default.
    n_steps : int, default=32
        Points along the integration path (midpoints of equal intervals) at
        which the gradient is taken. More steps shrink the completeness gap
        (see ``TokenAttribution``); a warning says when a gap exceeds 10 % of
        the change of the output, as it does where the network's output jumps
        along the path.
    baseline : {"zero", "unknown"}, default="zero"
        What a word is compared with, for token sequences: a zero vector in
        place of its embedding, or the embedding of the unknown-token id.
        Feature matrices always start from the empty document (zeros).

    Returns
    -------
    attributions : list of TokenAttribution
        One per document: its words with their character offsets and scores,
        the explained output and the baseline output.

    See Also
    --------
    TokenAttributionDisplay : Draw the words highlighted by their scores.
    comprehensiveness, sufficiency : Check the attributions against the model.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn_text import MLPTextClassifier
    >>> from sknn_text.inspection import explain_tokens
    >>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 10
    >>> labels = ["pos", "neg", "pos", "neg"] * 10
    >>> model = make_pipeline(
    ...     TfidfVectorizer(), MLPTextClassifier((8,), epochs=20, random_state=0)
    ... ).fit(texts, labels)
    >>> attribution = explain_tokens(model, ["what a great plot"])[0]
    >>> attribution.target, attribution.top(1)[0][0]
    ('pos', 'great')
    """
    text_step, network = _split(estimator)
    _check_options(method, n_steps, baseline)
    documents = check_documents(documents)
    X = network._validate_X(text_step.transform(documents), reset=False)
    targets = resolve_targets(network, X, target, len(documents))
    tokens = isinstance(text_step, TextTokenizer)
    if not tokens and method == "attention":
        raise ValueError('method="attention" applies to token sequences only.')
    if not tokens and baseline != "zero":
        raise ValueError(
            'baseline="unknown" applies to token sequences; a feature matrix is '
            "always compared with the empty document."
        )
    chosen = "integrated_gradients" if method == "auto" else method
    if chosen == "attention":
        result = attention_weights(network, X, targets)
    elif tokens:
        result = token_paths(
            network, X, targets, method=chosen, n_steps=n_steps, baseline=baseline
        )
    else:
        result = feature_paths(network, X, targets, method=chosen, n_steps=n_steps)
    classifier = is_classifier(network)
    attributions = []
    for index, document in enumerate(documents):
        if tokens:
            words, scores, names = _token_words(text_step, document, X[index],
                                                result.scores[index])
            feature_scores = result.scores[index]
        else:
            columns, feature_scores = result.scores[index]
            words, scores, names = _feature_words(text_step, document, columns,
                                                  feature_scores)
        baseline_output = None if result.baseline_outputs is None else (
            result.baseline_outputs[index]
        )
        attributions.append(
            TokenAttribution(
                document,
                words,
                scores,
                target=targets.labels[index],
                output=result.outputs[index],
                baseline_output=baseline_output,
                output_name="log-odds" if classifier else "predicted value",
                method=chosen,
                feature_names=names,
                feature_scores=feature_scores,
            )
        )
    if chosen == "integrated_gradients":
        _warn_on_gaps(attributions, n_steps)
    return attributions


def _warn_on_gaps(attributions, n_steps):
    """Warn when integrated gradients miss the change of the output by > 10 %."""
    ratios = [
        abs(a.completeness_gap) / max(abs(a.output - a.baseline_output), 1e-12)
        for a in attributions
        if abs(a.completeness_gap) > GAP_WARNING * abs(a.output - a.baseline_output)
        + 1e-3 * (1.0 + abs(a.output))
    ]
    if ratios:
        warnings.warn(
            f"The attributions of {len(ratios)} of {len(attributions)} document(s) add "
            f"up to the change of the output only within {max(ratios):.0%} (their "
            f"completeness_gap): the output changes steeply along the path from the "
            f"baseline. Raise n_steps (now {n_steps}) for attributions that add up.",
            UserWarning,
            stacklevel=3,
        )


def _split(estimator):
    """The text step and the network of a fitted two-step pipeline."""
    steps = [step for _, step in getattr(estimator, "steps", [])]
    steps = [step for step in steps if step is not None and step != "passthrough"]
    if len(steps) != 2 or not isinstance(steps[1], BaseTextNetwork):
        raise TypeError(
            "explain_tokens needs a fitted Pipeline of two steps: a text vectorizer "
            "(TfidfVectorizer, CountVectorizer) or a TextTokenizer, then an sknn_text "
            f"estimator; got {type(estimator).__name__}."
        )
    text_step, network = steps
    check_is_fitted(network, "model_")
    check_is_fitted(text_step)
    if isinstance(text_step, TextTokenizer):
        if getattr(network, "_vocabulary_size", None) is None:
            raise TypeError(f"{type(network).__name__} was not fitted on token ids.")
        return text_step, network
    if not hasattr(text_step, "vocabulary_") or not hasattr(text_step, "build_analyzer"):
        raise TypeError(
            f"The first step must be a TextTokenizer or a text vectorizer with a "
            f"vocabulary_ (TfidfVectorizer, CountVectorizer); got "
            f"{type(text_step).__name__}."
        )
    if getattr(text_step, "input", "content") != "content":
        raise ValueError(
            f'The vectorizer reads input={text_step.input!r}; explain_tokens needs '
            'input="content" (the documents themselves).'
        )
    return text_step, network


def _check_options(method, n_steps, baseline):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}, got {baseline!r}.")
    if not isinstance(n_steps, Integral) or isinstance(n_steps, bool) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive int, got {n_steps!r}.")


def _spread(occurrence_scores, covers, n_words):
    """Each occurrence's score shared evenly by the words it covers."""
    scores = np.zeros(n_words)
    for score, words in zip(occurrence_scores, covers, strict=True):
        if words:
            scores[list(words)] += score / len(words)
    return scores


def _feature_words(vectorizer, document, columns, feature_scores):
    """Word spans, word scores and feature names from a document's features."""
    occurrences = analyzed_spans(vectorizer, document)
    vocabulary = vectorizer.vocabulary_
    found = [vocabulary.get(token) for token in occurrences.tokens]
    counts = Counter(column for column in found if column is not None)
    score_of = dict(zip(columns.tolist(), feature_scores.tolist(), strict=True))
    shares = [
        0.0 if column is None else score_of.get(column, 0.0) / counts[column]
        for column in found
    ]
    name_of = dict(zip(found, occurrences.tokens, strict=True))
    names = np.asarray([name_of.get(column, "") for column in columns.tolist()], dtype=object)
    words = occurrences.words
    return words, _spread(shares, occurrences.covers, len(words)), names


def _token_words(tokenizer, document, ids, position_scores):
    """Word spans, word scores and token names from per-position scores."""
    occurrences = analyzed_spans(tokenizer._count_vectorizer(), document)
    window = tokenizer._window(list(range(len(occurrences.tokens))), tokenizer.sequence_length_)
    unigrams = [occurrences.covers[i] for i in window]
    covers, names = [], []
    hashed = tokenizer._hashes_tokens()  # every token and n-gram has an id (its hash)
    if not tokenizer._hashing() or tokenizer.ngram_range[0] == 1:
        covers = list(unigrams)
        known = tokenizer.vocabulary_
        names = [occurrences.tokens[i] if hashed or occurrences.tokens[i] in known else OOV_TOKEN
                 for i in window]
    if tokenizer._hashing() and tokenizer.n_ngram_ids_:
        for n in tokenizer._ngram_sizes():
            for start in range(len(unigrams) - n + 1):
                spanned = unigrams[start : start + n]
                covers.append(tuple(sorted({w for words in spanned for w in words})))
    length = int(sequence_lengths(ids[None, :])[0])
    if len(covers) != length:
        raise RuntimeError(  # pragma: no cover - the tokenizer's own layout
            f"The document has {length} token positions but its analysis gave "
            f"{len(covers)}; cannot place the attributions."
        )
    first_ngram = tokenizer.n_token_ids_ - tokenizer.n_ngram_ids_
    buckets = tokenizer._ngram_buckets_used
    for token_id in ids[len(names) : length].tolist():
        bucket = token_id - first_ngram
        if not hashed:
            bucket = buckets[bucket] if bucket >= 0 else None
        names.append(OOV_TOKEN if bucket is None or bucket < 0 else f"[NGRAM {bucket}]")
    scores = _spread(position_scores, covers, len(occurrences.words))
    return occurrences.words, scores, np.asarray(names, dtype=object)
