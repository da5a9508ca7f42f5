"""The token-tagging task: one tag per token, softmax or a linear-chain CRF.

The encoder's per-token vectors (``(batch, steps, features)`` with a padding
mask) get a dense layer of one score per tag. Without a CRF the scores are
trained with the softmax cross-entropy of each real token and a token's tag
is the one of highest score. With ``crf=True`` they are the emissions of a
linear-chain CRF (``_crf``): trained on the log-likelihood of the whole tag
sequence and decoded with Viterbi, so the tags of a sentence are chosen
together (no ``I-NP`` after ``O``, say). Targets go to the network as
right-padded tag indices plus one (0 = padding); both losses are averaged over
the real tokens of each sentence.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from keras import layers, ops
from sklearn.base import _fit_context
from sklearn.utils.validation import check_is_fitted

from .._crf import (
    LinearChainCRF,
    crf_loss,
    crf_marginals,
    token_crossentropy,
    unpack,
    viterbi_decode,
)
from .._layers import SquaredL2, ZeroPadding
from .._loop.data import predicted_batches, prediction_batches
from .._params import parameters
from ._base import OutputSpec

_PREDICT_BATCH_SIZE = 256
#: Sentences decoded together: Viterbi's loop runs once per token position of a
#: batch, so large batches (of similar lengths) make few iterations.
_VITERBI_BATCH_SIZE = 4096


@parameters
class TaggerHead:
    """The tagging task of a token network (first base of a tagger)."""

    crf: bool = True

    _doc_rank = 3
    _per_step_outputs = True
    _causal = False
    _network_suffix = "_tagger"
    _output_words = "the tag scores"
    _doc_wording: ClassVar[dict] = {"penalized": "the tag-score layer's kernel"}
    _parameter_constraints: ClassVar[dict] = {"crf": ["boolean"]}
    _parameter_docs: ClassVar[dict] = {
        "crf": (
            "bool",
            """End in a linear-chain CRF: train on the likelihood of each
            sentence's whole tag sequence and predict its most likely sequence
            (Viterbi). False: a softmax per token.""",
        ),
    }
    _attribute_docs = """\
    classes_ : ndarray of str
        The tags seen in fit, sorted; ``predict_proba`` columns follow them."""
    _fitted_attributes = ("classes_",)
    _task_summary = (
        "``X`` is a list of sentences (lists of tokens), ``y`` the list of their "
        "tag lists; ``predict`` returns one tag per token."
    )
    _task_notes = """
    ``score`` is the token accuracy; for chunk or entity F1 pass
    ``scoring=sknn_text.metrics.chunk_f1_scorer`` to ``GridSearchCV`` or
    ``cross_val_score``. With ``crf=True``, ``predict_proba`` gives the CRF's
    marginal probability of each tag at each token (forward-backward), and
    ``predict`` the most likely sequence, whose tags need not each be the most
    likely one.
    """

    # ----------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Train the tagger on sentences ``X`` and their tags ``y``.

        Parameters
        ----------
        X : list of list
            Sentences: lists of tokens (str, tuples ``(word, column, ...)`` or
            dicts with a ``"word"`` key).
        y : list of list of str
            The tag of each token, sentence by sentence.
        sample_weight : array-like of shape (n_sentences,), default=None
            Weight of each sentence.

        Returns
        -------
        self : object
            The fitted tagger.
        """
        _check_aligned(X, y)
        return super().fit(X, y, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on a chunk of sentences, keeping optimizer state.

        The vocabularies of words and of their features (``min_frequency``
        included) are those of the first call's sentences: a word first seen
        in a later chunk reads as unknown, as in ``predict``, and is known by
        its features (shape, prefix, suffix). Make the first chunk large.

        Parameters
        ----------
        X : list of list
            A chunk of sentences: lists of tokens.
        y : list of list of str
            The tag of each token, sentence by sentence.
        sample_weight : array-like of shape (n_sentences,), default=None
            Weight of each sentence.
        classes : array-like of str, default=None
            Every tag that will ever appear; required on the first call.

        Returns
        -------
        self : object
            The updated tagger.
        """
        _check_aligned(X, y)
        return self._partial_fit(X, y, sample_weight, classes)

    def _encode_target(self, y, *, reset, classes=None, incremental=False):
        tags = sorted({tag for sentence in y for tag in sentence}, key=str)
        if reset and incremental:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_ = np.array(sorted(set(classes), key=str))
            _check_known(y, self.classes_, "in classes")
        elif reset:
            self.classes_ = np.array(tags)
        else:
            _check_known(y, self.classes_)
        if reset and len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 distinct tags, but y holds only "
                f"{list(self.classes_)}: there is nothing to choose between."
            )
        index = {tag: position + 1 for position, tag in enumerate(self.classes_)}
        encoded = np.zeros((len(y), max(len(s) for s in y)), dtype=np.int32)
        for row, sentence in enumerate(y):
            encoded[row, : len(sentence)] = [index[tag] for tag in sentence]
        loss = crf_loss if self.crf else token_crossentropy
        return encoded, OutputSpec(len(self.classes_), "linear", loss)

    def _build_head(self, encoding, spec, *, l2, seeds):
        x = encoding.outputs
        masked = {} if encoding.mask is None else {"mask": encoding.mask}
        if encoding.dropout > 0:
            x = layers.Dropout(encoding.dropout, seed=seeds())(x)
        scores = layers.Dense(
            spec.n_outputs,
            kernel_initializer=seeds.glorot(),
            kernel_regularizer=SquaredL2(l2) if l2 > 0 else None,
            name="tag_scores",
        )(x)
        if self.crf:
            return LinearChainCRF(spec.n_outputs, seed=seeds(), name="crf")(scores, **masked)
        return ZeroPadding(name="tag_padding")(scores, **masked)

    # ------------------------------------------------------------- predict
    def _tag_scores(self, X):
        """Per-sentence tag scores ``(length, n_tags)`` and the CRF's weights."""
        check_is_fitted(self, "model_")
        ids = self._validate_X(X, reset=False)
        lengths = self._sequence_lengths(ids)
        pieces, owners = _windows(ids, lengths, self._longest_input())
        piece_lengths = self._sequence_lengths(pieces)
        batches = prediction_batches(
            pieces, batch_size=_PREDICT_BATCH_SIZE, lengths=piece_lengths
        )
        n_tags, crf_weights = len(self.classes_), None
        scores = [None] * len(pieces)
        for rows, output in predicted_batches(self.model_, batches):
            output = output.astype(np.float64)
            if self.crf:
                output, *crf_weights = unpack(output, n_tags)
            for row, values in zip(rows, output, strict=True):
                scores[row] = values[: piece_lengths[row]]
        joined = [[] for _ in range(len(ids))]
        for owner, values in zip(owners, scores, strict=False):
            joined[owner].append(values)
        return [np.concatenate(parts) for parts in joined], crf_weights

    def predict(self, X):
        """The tag of every token of every sentence of ``X``.

        Parameters
        ----------
        X : list of list
            Sentences in the form given to ``fit``; of any length.

        Returns
        -------
        y_pred : list of list of str
            One tag per token, aligned with ``X``.
        """
        scores, weights = self._tag_scores(X)
        if not self.crf:
            return [self.classes_[s.argmax(axis=1)].tolist() for s in scores]
        return [self.classes_[tags].tolist() for tags in _viterbi(scores, weights)]

    def predict_proba(self, X):
        """Probability of each tag at each token.

        Softmax probabilities of the scores, or with ``crf=True`` the CRF's
        marginal probabilities (forward-backward over the whole sentence).

        Parameters
        ----------
        X : list of list
            Sentences in the form given to ``fit``.

        Returns
        -------
        proba : list of ndarray of shape (n_tokens, n_tags)
            One array per sentence; columns follow ``classes_``.
        """
        scores, weights = self._tag_scores(X)
        if self.crf:
            return [crf_marginals(s, *weights) for s in scores]
        return [_softmax(s) for s in scores]

    def score(self, X, y, sample_weight=None):
        """Token accuracy of ``predict(X)`` against ``y`` (every token counts once).

        Parameters
        ----------
        X : list of list
            Sentences.
        y : list of list of str
            Their true tags.
        sample_weight : array-like of shape (n_sentences,), default=None
            Weight of each sentence's tokens.

        Returns
        -------
        score : float
        """
        _check_aligned(X, y)
        _check_known(y, self.classes_)
        pred = self.predict(X)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        hits = sum(w * sum(t == p for t, p in zip(true, guess, strict=False))
                   for w, true, guess in zip(weights, y, pred, strict=False))
        return float(hits / sum(w * len(true) for w, true in zip(weights, y, strict=False)))

    def export(self, path, format="onnx"):
        """Not available for taggers yet: their decoding (Viterbi, the vocabulary
        lookup) runs outside the network. Pickle or :meth:`save` them instead."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot be exported for serving yet; use save() or "
            "pickle."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X is a list of token lists: scikit-learn's checks, which feed 2-D
        # arrays, do not apply (see tests/test_taggers.py for those that run).
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags


def _check_aligned(X, y):
    """Sentence counts and per-sentence lengths of ``X`` and ``y`` agree."""
    if y is None:
        raise ValueError("A tagger requires y: a list of tag lists, one per sentence.")
    if isinstance(y, str) or not hasattr(y, "__len__"):
        raise ValueError("y must be a list of tag lists, one per sentence.")
    if not hasattr(X, "__len__") or len(X) != len(y):
        n_x = len(X) if hasattr(X, "__len__") else "?"
        raise ValueError(f"X has {n_x} sentences but y has {len(y)} tag lists.")
    for index, (sentence, tags) in enumerate(zip(X, y, strict=False)):
        if isinstance(tags, str) or not hasattr(tags, "__len__"):
            raise ValueError(f"y[{index}] is not a list of tags: {tags!r}.")
        if hasattr(sentence, "__len__") and len(sentence) != len(tags):
            raise ValueError(
                f"Sentence {index} has {len(sentence)} tokens but {len(tags)} tags."
            )


def _check_known(y, classes, where="seen in fit"):
    known = set(classes.tolist())
    for index, sentence in enumerate(y):
        unknown = [tag for tag in sentence if tag not in known]
        if unknown:
            raise ValueError(
                f"y contains the tag {unknown[0]!r} (sentence {index}) that was not "
                f"{where}; the tags are {sorted(known, key=str)}."
            )


def _windows(ids, lengths, longest):
    """Rows of at most ``longest`` tokens, and the sentence each comes from."""
    if longest is None or ids.shape[1] <= longest:
        return ids, np.arange(len(ids))
    pieces, owners = [], []
    for row, length in enumerate(lengths):
        for start in range(0, max(int(length), 1), longest):
            pieces.append(ids[row, start : start + longest])
            owners.append(row)
    windows = np.zeros((len(pieces), longest, ids.shape[2]), dtype=ids.dtype)
    for index, piece in enumerate(pieces):
        windows[index, : len(piece)] = piece
    return windows, np.array(owners)


def _viterbi(scores, weights):
    """Viterbi paths of every sentence, in batches of similar lengths."""
    transitions, start, end = (np.asarray(w, dtype=np.float32) for w in weights)
    order = np.argsort([len(s) for s in scores], kind="stable")
    paths = [None] * len(scores)
    for first in range(0, len(order), _VITERBI_BATCH_SIZE):
        rows = order[first : first + _VITERBI_BATCH_SIZE]
        width = max(len(scores[r]) for r in rows)
        emissions = np.zeros((len(rows), width, transitions.shape[0]), dtype=np.float32)
        mask = np.zeros((len(rows), width), dtype=bool)
        for slot, row in enumerate(rows):
            emissions[slot, : len(scores[row])] = scores[row]
            mask[slot, : len(scores[row])] = True
        best = ops.convert_to_numpy(viterbi_decode(emissions, transitions, start, end, mask))
        for slot, row in enumerate(rows):
            paths[row] = best[slot, : len(scores[row])]
    return paths


def _softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
