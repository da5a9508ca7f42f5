"""Scores of sequence labelling: chunk (entity) F1 with the CoNLL rules, token accuracy.

``y_true`` and ``y_pred`` are lists of sentences, each a list of tags, as the
taggers (``LSTMTextTagger``...) take and return them. Chunks are read with the
rules of the CoNLL shared tasks' ``conlleval`` script, which cover IOB2 (every
chunk starts with ``B-``), IOB1 (``B-`` only between two chunks of one type)
and IOBES: a chunk starts at ``B-X`` or ``S-X``, or at ``I-X``/``E-X`` after a
tag of another type or ``O``, and ends where the next tag does not continue it.
A predicted chunk counts only if its type and both of its boundaries match a
true chunk.

For ``GridSearchCV`` and ``cross_val_score`` pass ``scoring=chunk_f1_scorer``
(the same as ``make_scorer(chunk_f1_score)``); scikit-learn's named scorers
("f1", "accuracy") expect flat arrays of labels, not lists of tag lists.

Translations are scored with ``sacrebleu`` (the ``translate`` extra), on
detokenized text, cased, with its default tokenization (``13a``) and one
reference per sentence: corpus BLEU (:func:`bleu_score`, Papineni et al. 2002)
and chrF (:func:`chrf_score`, Popović 2015), both on a 0-100 scale.
``bleu_scorer`` and ``chrf_scorer`` are their scorers for ``GridSearchCV``.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import make_scorer

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "chrf_score",
    "chrf_scorer",
    "chunk_f1_score",
    "chunk_f1_scorer",
    "chunk_precision_recall_fscore_support",
    "chunks",
    "token_accuracy_score",
    "token_accuracy_scorer",
]

_PREFIXES = ("B", "I", "E", "S")


def _split(tag, position):
    if tag == "O":
        return "O", ""
    prefix, dash, kind = str(tag).partition("-")
    if not dash or prefix not in _PREFIXES:
        raise ValueError(
            f"Tag {tag!r} ({position}) is not a chunk tag: chunk F1 reads "
            "'O' and 'B-TYPE', 'I-TYPE' (also 'E-TYPE', 'S-TYPE')."
        )
    return prefix, kind


def chunks(tags, *, sentence=None):
    """The chunks of one sentence's tags, as ``(type, start, end)`` with ``end``
    exclusive, read with the ``conlleval`` rules (see the module docstring).

    Examples
    --------
    >>> chunks(["B-NP", "I-NP", "B-VP", "O", "I-NP"])
    [('NP', 0, 2), ('VP', 2, 3), ('NP', 4, 5)]
    """
    found = []
    start, previous, previous_kind = None, "O", ""
    where = "" if sentence is None else f"sentence {sentence}, "
    for index, tag in enumerate([*tags, "O"]):
        prefix, kind = _split(tag, f"{where}token {index}") if index < len(tags) else ("O", "")
        ends = previous in ("E", "S") or (
            previous != "O"
            and (prefix in ("B", "S", "O") or kind != previous_kind)
        )
        if ends and start is not None:
            found.append((previous_kind, start, index))
            start = None
        begins = prefix in ("B", "S") or (
            prefix in ("I", "E") and (previous in ("O", "E", "S") or kind != previous_kind)
        )
        if begins:
            start = index
        previous, previous_kind = prefix, kind
    return found


def check_sentences(y_true, y_pred):
    """``y_true`` and ``y_pred`` as lists of tag lists of matching lengths."""
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if isinstance(y, str) or not hasattr(y, "__len__"):
            raise ValueError(f"{name} must be a list of sentences (lists of tags).")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true has {len(y_true)} sentences but y_pred has {len(y_pred)}."
        )
    pairs = []
    for index, (true, pred) in enumerate(zip(y_true, y_pred, strict=False)):
        if isinstance(true, str) or isinstance(pred, str):
            raise ValueError(
                f"Sentence {index} is a string; each sentence must be a list of tags."
            )
        true, pred = list(true), list(pred)
        if len(true) != len(pred):
            raise ValueError(
                f"Sentence {index} has {len(true)} true tags but {len(pred)} "
                "predicted tags."
            )
        pairs.append((true, pred))
    return pairs


def chunk_precision_recall_fscore_support(y_true, y_pred, *, average="micro"):
    """Chunk precision, recall, F1 and support (true chunks).

    Parameters
    ----------
    y_true, y_pred : list of list of str
        True and predicted tags of each sentence.
    average : {"micro", None}, default="micro"
        ``"micro"`` counts every chunk alike (CoNLL's overall score); None
        returns one value per chunk type.

    Returns
    -------
    precision, recall, f1 : float or ndarray
    support : int or ndarray
    types : ndarray of str
        Only when ``average=None``: the chunk types, sorted.
    """
    if average not in ("micro", None):
        raise ValueError(f'average must be "micro" or None, got {average!r}.')
    true_set, pred_set = set(), set()
    for index, (true, pred) in enumerate(check_sentences(y_true, y_pred)):
        true_set.update((index, *c) for c in chunks(true, sentence=index))
        pred_set.update((index, *c) for c in chunks(pred, sentence=index))
    correct = true_set & pred_set
    if average == "micro":
        return (*_prf(len(correct), len(pred_set), len(true_set)), len(true_set))
    types = np.array(sorted({c[1] for c in true_set | pred_set}), dtype=object)
    scores = [
        _prf(*(sum(c[1] == kind for c in group) for group in (correct, pred_set, true_set)))
        for kind in types
    ]
    precision, recall, f1 = (np.array(values, dtype=float) for values in zip(*scores, strict=False))
    support = np.array([sum(c[1] == kind for c in true_set) for kind in types])
    return precision, recall, f1, support, types


def _prf(correct, predicted, true):
    precision = correct / predicted if predicted else 0.0
    recall = correct / true if true else 0.0
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total else 0.0)


def chunk_f1_score(y_true, y_pred):
    """Micro-averaged chunk (entity) F1, as CoNLL's ``conlleval`` reports it.

    Parameters
    ----------
    y_true, y_pred : list of list of str
        True and predicted tags of each sentence (IOB1, IOB2 or IOBES).

    Returns
    -------
    f1 : float
        In [0, 1]; 0 when no chunk is predicted or none is true.

    Examples
    --------
    >>> from sknn_text.metrics import chunk_f1_score
    >>> chunk_f1_score([["B-NP", "I-NP", "B-VP"]], [["B-NP", "I-NP", "B-NP"]])
    0.5
    """
    return chunk_precision_recall_fscore_support(y_true, y_pred)[2]


def token_accuracy_score(y_true, y_pred):
    """Share of tokens whose predicted tag is the true one (all sentences pooled).

    Examples
    --------
    >>> from sknn_text.metrics import token_accuracy_score
    >>> token_accuracy_score([["B-NP", "I-NP"], ["O"]], [["B-NP", "B-NP"], ["O"]])
    0.6666666666666666
    """
    pairs = check_sentences(y_true, y_pred)
    total = sum(len(true) for true, _ in pairs)
    if total == 0:
        raise ValueError("y_true holds no tokens.")
    return sum(t == p for true, pred in pairs for t, p in zip(true, pred, strict=False)) / total


#: Scorer of chunk F1 for ``GridSearchCV(scoring=...)`` and ``cross_val_score``.
chunk_f1_scorer = make_scorer(chunk_f1_score)
#: Scorer of token accuracy (what a tagger's ``score`` returns).
token_accuracy_scorer = make_scorer(token_accuracy_score)


def _sacrebleu():
    try:
        import sacrebleu
    except ImportError as error:  # pragma: no cover - the extra is installed in tests
        raise ImportError(
            'Scoring translations needs sacrebleu: pip install "sknn_text[translate]".'
        ) from error
    return sacrebleu


def _check_translations(y_true, y_pred):
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must hold as many sentences; got {len(y_true)} and "
            f"{len(y_pred)}."
        )
    for name, texts in (("y_true", y_true), ("y_pred", y_pred)):
        for position, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(
                    f"{name}[{position}] is a {type(text).__name__}; translations are "
                    "strings."
                )
    return y_true, y_pred


def bleu_score(y_true, y_pred):
    """Corpus BLEU of the translations ``y_pred`` against the references ``y_true``.

    ``sacrebleu.corpus_bleu`` with its defaults (``13a`` tokenization, cased,
    exponential smoothing), one reference per sentence.

    Parameters
    ----------
    y_true : list of str
        Reference translations.
    y_pred : list of str
        Translations, one per reference.

    Returns
    -------
    score : float
        Between 0 and 100.

    Examples
    --------
    >>> from sknn_text.metrics import bleu_score
    >>> bleu_score(["ein mann fährt fahrrad ."], ["ein mann fährt fahrrad ."])
    100.00000000000004
    """
    y_true, y_pred = _check_translations(y_true, y_pred)
    return float(_sacrebleu().corpus_bleu(y_pred, [y_true]).score)


def chrf_score(y_true, y_pred):
    """Corpus chrF (character 6-grams, beta 2) of ``y_pred`` against ``y_true``.

    ``sacrebleu.corpus_chrf`` with its defaults, one reference per sentence.

    Parameters
    ----------
    y_true : list of str
        Reference translations.
    y_pred : list of str
        Translations, one per reference.

    Returns
    -------
    score : float
        Between 0 and 100.
    """
    y_true, y_pred = _check_translations(y_true, y_pred)
    return float(_sacrebleu().corpus_chrf(y_pred, [y_true]).score)


#: Scorers for ``GridSearchCV`` and ``cross_val_score`` (greater is better).
bleu_scorer = make_scorer(bleu_score)
chrf_scorer = make_scorer(chrf_score)
