"""The translation task: source sentences in, target sentences out.

A translator owns two :class:`~sknn_text._translation_text.TextCodec` (one per
language, or one shared), so ``fit``, ``predict`` and ``score`` take and return
text. Training is teacher forcing: the decoder reads ``<s> t_1 ... t_n`` and
predicts ``t_1 ... t_n </s>``; each training row packs the source ids and the
decoder's ids into one ``(steps, 2)`` array, which the shared training loop
batches (by length, trimmed), so the adaptive budget, the validation split and
Ctrl-C work as for every estimator. ``history_`` holds the loss in nats per
target token.

``predict`` decodes with greedy or beam search (``_beam_search``) over the
architecture's incremental decoder (``_decoder``): the source is encoded once,
and each new token costs one decoder step.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING, ClassVar

import keras
import numpy as np
from keras import ops
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._beam_search import beam_search, greedy_search
from .._params import parameters
from .._saving.file_format import drop_transient_attributes
from .._token_ids import PADDING_ID
from .._translation_text import (
    END_ID,
    LEVELS,
    NEVER_GENERATED,
    START_ID,
    TextCodec,
    check_pairs,
    check_sentences,
    packed,
    right_padded,
)
from .._vocabulary import check_documents
from ._base import OutputSpec

if TYPE_CHECKING:
    from typing_extensions import Self


@keras.saving.register_keras_serializable(package="sknn_text")
def translation_loss(y_true, y_pred):
    """Mean cross-entropy per real target token of the batch.

    ``y_true`` holds the whole padded width of the targets; the batch's inputs
    are trimmed to their longest row (source or target), so ``y_true`` is
    trimmed to the predictions' width, and padding (id 0) does not count.
    """
    y_true = y_true[:, : ops.shape(y_pred)[1]]
    real = ops.cast(ops.not_equal(y_true, PADDING_ID), "float32")
    chosen = ops.take_along_axis(y_pred, ops.expand_dims(ops.cast(y_true, "int32"), -1), axis=-1)
    losses = -ops.log(ops.maximum(ops.squeeze(chosen, -1), 1e-12)) * real
    # Keras averages over every position: rescale to the mean over real tokens.
    size = ops.cast(ops.size(real), "float32")
    return losses * size / ops.maximum(ops.sum(real), 1.0)


#: Sentences decoded together (times ``beam_size`` rows).
_DECODE_SENTENCES = 64
_TINY = np.finfo(np.float64).tiny


@parameters
class TranslatorHead:
    """The translation task of an encoder-decoder network (first base of a translator)."""

    level: str = "bpe"
    max_tokens: int | None = 8000
    min_frequency: int = 1
    lowercase: bool = False
    shared_vocabulary: bool = False
    beam_size: int = 4
    length_penalty: float = 1.0
    max_length: int | str = "auto"

    _doc_rank = 0
    _parameter_constraints: ClassVar[dict] = {
        "level": [StrOptions(set(LEVELS))],
        "max_tokens": [Interval(Integral, 5, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "lowercase": ["boolean"],
        "shared_vocabulary": ["boolean"],
        "beam_size": [Interval(Integral, 1, None, closed="left")],
        "length_penalty": [Interval(Real, 0, None, closed="left")],
        "max_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    }
    _parameter_docs: ClassVar[dict] = {
        "level": (
            '{"bpe", "word", "char"}',
            """What a token is. ``"bpe"``: sub-words learned by byte-pair
            encoding (the ``tokenizers`` library, the ``translate`` extra),
            which spell any word, rare or new, from pieces, and decode back to
            the exact text. ``"word"``: whitespace-separated words as written
            (separate punctuation beforehand if it should be a token of its
            own), joined by single spaces in the output. ``"char"``: one
            character.""",
        ),
        "max_tokens": (
            "int or None",
            """Size of each vocabulary, the four special tokens ``<pad>``,
            ``<unk>``, ``<s>`` and ``</s>`` included: the number of BPE
            sub-words to learn, or the most frequent words (characters) to
            keep. None keeps every word (character); for BPE it means 32,000.
            A source token outside the vocabulary reads as ``<unk>``; a
            translation never contains ``<unk>``.""",
        ),
        "min_frequency": (
            "int",
            """Fewest occurrences in the training sentences of a kept word
            (character), or of a pair that BPE merges.""",
        ),
        "lowercase": (
            "bool",
            """Lower-case every sentence (source and target) before
            tokenizing; the translations are then lower case, which BLEU
            (cased) counts as errors against cased references.""",
        ),
        "shared_vocabulary": (
            "bool",
            """One vocabulary learned from the sources and targets together,
            and one embedding matrix for both sides (languages that share an
            alphabet and many names); False: one vocabulary per language.""",
        ),
        "beam_size": (
            "int",
            """Hypotheses kept per sentence by ``predict``'s beam search; 1 is
            greedy decoding (the most likely token at every step).""",
        ),
        "length_penalty": (
            "float",
            """Beam search ranks hypotheses by ``log p / length **
            length_penalty`` (``</s>`` counted): 0 favors short outputs.""",
        ),
        "max_length": (
            'int or "auto"',
            """Most tokens of a translation (``</s>`` not counted); decoding
            stops there. ``"auto"``: ``2 * n + 10`` for a source of ``n``
            tokens.""",
        ),
    }
    _attribute_docs = """\
    source_vocabulary_ : list of str
        The source token of each id: ``"<pad>"`` (0), ``"<unk>"`` (1),
        ``"<s>"`` (2), ``"</s>"`` (3), then the learned tokens.
    target_vocabulary_ : list of str
        The target token of each id, in the same layout (the same list when
        ``shared_vocabulary``)."""
    _fitted_attributes = ("source_vocabulary_", "target_vocabulary_", "_codec_states")
    _transient_attributes = ("_codecs", "_decoding_models")
    _task_summary = (
        "It is trained on pairs of sentences, ``X`` the sources and ``y`` their "
        "translations (lists of str), and translates new sentences with ``predict``."
    )
    _task_notes = """\
    Training uses teacher forcing: the decoder reads the reference translation
    shifted by one token and predicts every next token; ``history_`` holds the
    cross-entropy in nats per target token, which ``epochs="auto"`` monitors on
    a validation split. ``predict`` encodes each source once, then adds one
    token at a time from cached decoder states (greedy or beam search); it
    never outputs ``<unk>``. ``score`` is corpus BLEU (``sacrebleu``, default
    tokenization, cased; the ``translate`` extra) and ``log_probability`` the
    log-likelihood of given translations."""

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> Self:
        """Train the translator on source sentences ``X`` and their translations ``y``.

        Parameters
        ----------
        X : list of str
            Source sentences.
        y : list of str
            Their translations, one per source sentence.

        Returns
        -------
        self : object
            The fitted translator.
        """
        mode = "warm" if self.warm_start and self._is_fitted() else "fresh"
        return self._train(X, y, None, mode=mode, epochs=self.epochs)

    def _encode_data(self, X, y, *, reset, classes, incremental):
        sources, targets = check_pairs(X, y)
        drop_transient_attributes(self)  # caches of the weights about to change
        if reset:
            settings = {
                "level": self.level,
                "max_tokens": self.max_tokens,
                "min_frequency": self.min_frequency,
                "lowercase": self.lowercase,
            }
            if self.shared_vocabulary:
                source = target = TextCodec.fit(sources + targets, **settings)
            else:
                source = TextCodec.fit(sources, **settings)
                target = TextCodec.fit(targets, **settings)
            self.source_vocabulary_, self.target_vocabulary_ = source.tokens, target.tokens
            self._codec_states = (source.state(), target.state())
        source, target = self._text_codecs()
        pairs, next_ids = packed(source.encode(sources), target.encode(targets))
        spec = OutputSpec(len(target), "softmax", translation_loss)
        return pairs, next_ids, spec

    def _sequence_lengths(self, X):
        real = X != PADDING_ID
        last = X.shape[1] - np.argmax(real[:, ::-1, :].any(axis=2), axis=1)
        return np.where(real.any(axis=(1, 2)), last, 0)

    def _text_codecs(self):
        """The (source, target) codecs, rebuilt from the fitted attributes once."""
        codecs = vars(self).get("_codecs")
        if codecs is None:
            source_state, target_state = self._codec_states
            source = TextCodec.from_state(self.source_vocabulary_, source_state)
            target = (
                source
                if self.shared_vocabulary and self.target_vocabulary_ == self.source_vocabulary_
                else TextCodec.from_state(self.target_vocabulary_, target_state)
            )
            codecs = self._codecs = (source, target)
        return codecs

    # -------------------------------------------------------------- decoding
    def _source_ids(self, X):
        check_is_fitted(self, "model_")
        sources = check_sentences(check_documents(X))
        return self._text_codecs()[0].encode(sources)

    def _length_limits(self, source_ids):
        if self.max_length == "auto":
            return np.array([2 * len(ids) + 10 for ids in source_ids])
        return np.full(len(source_ids), int(self.max_length))

    def _decode_batches(self, source_ids, search):
        """``search(decoder, limits)`` over batches of sources of similar length."""
        limits = self._length_limits(source_ids)
        order = np.argsort([len(ids) for ids in source_ids], kind="stable")
        results = [None] * len(source_ids)
        for start in range(0, len(order), _DECODE_SENTENCES):
            rows = order[start : start + _DECODE_SENTENCES]
            decoder = self._decoder(right_padded([source_ids[i] for i in rows]))
            for row, result in zip(rows, search(decoder, limits[rows]), strict=True):
                results[row] = result
        return results

    def _translate_ids(self, source_ids, beam_size):
        settings = {"start": START_ID, "end": END_ID, "never": NEVER_GENERATED}

        def search(decoder, limits):
            if beam_size == 1:
                ids, _ = greedy_search(decoder, limits, **settings)
            else:
                ids, _ = beam_search(
                    decoder,
                    limits,
                    beam_size=beam_size,
                    length_penalty=self.length_penalty,
                    **settings,
                )
            return ids

        return self._decode_batches(source_ids, search)

    def predict(self, X, *, beam_size=None) -> np.ndarray:
        """Translate the sentences ``X``.

        Parameters
        ----------
        X : list of str
            Source sentences.
        beam_size : int or None, default=None
            Overrides the ``beam_size`` parameter for this call (1: greedy).

        Returns
        -------
        translations : ndarray of str, shape (n_sentences,)
            Detokenized text (see ``level``).
        """
        source_ids = self._source_ids(X)
        beam_size = self.beam_size if beam_size is None else beam_size
        if isinstance(beam_size, bool) or not isinstance(beam_size, Integral) or beam_size < 1:
            raise ValueError(f"beam_size must be an int >= 1, got {beam_size!r}.")
        target = self._text_codecs()[1]
        outputs = self._translate_ids(source_ids, int(beam_size))
        return np.array([target.decode(ids) for ids in outputs], dtype=object)

    def score(self, X, y) -> float:
        """Corpus BLEU of the translations of ``X`` against the references ``y``.

        ``sacrebleu``'s defaults: its ``13a`` tokenization, cased, one
        reference per sentence, on a 0-100 scale (see
        :func:`sknn_text.metrics.bleu_score`).

        Parameters
        ----------
        X : list of str
            Source sentences.
        y : list of str
            Reference translations.

        Returns
        -------
        score : float
        """
        from ..metrics import bleu_score

        sources, references = check_pairs(X, y)
        return bleu_score(references, self.predict(sources))

    def log_probability(self, X, y) -> np.ndarray:
        """The natural-log probability of each translation ``y`` given its source.

        The sum over the tokens of ``y`` and the final ``</s>`` of ``log p(token
        | source, tokens before)``, with teacher forcing (one pass of the
        network); tokens outside the vocabulary count as ``<unk>``.

        Parameters
        ----------
        X : list of str
            Source sentences.
        y : list of str
            One candidate translation per source.

        Returns
        -------
        log_probabilities : ndarray of shape (n_sentences,)
        """
        from .._backend import predict_on_batch

        check_is_fitted(self, "model_")
        sources, targets = check_pairs(X, y)
        source, target = self._text_codecs()
        pairs, next_ids = packed(source.encode(sources), target.encode(targets))
        lengths = self._sequence_lengths(pairs)
        result = np.empty(len(pairs))
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(order), _DECODE_SENTENCES):
            rows = order[start : start + _DECODE_SENTENCES]
            width = max(int(lengths[rows].max()), 1)
            probabilities = np.asarray(predict_on_batch(self.model_, pairs[rows, :width]))
            chosen = np.take_along_axis(probabilities, next_ids[rows, :width, None], axis=-1)
            logs = np.log(np.maximum(chosen[..., 0].astype(np.float64), _TINY))
            result[rows] = (logs * (next_ids[rows, :width] != PADDING_ID)).sum(axis=1)
        return result

    def attention_weights(self, source, target=None):
        """Attention weights of the decoder over the source, for one sentence pair.

        Parameters
        ----------
        source : str
            A source sentence.
        target : str or None, default=None
            Its translation; None translates ``source`` (greedy) first.

        Returns
        -------
        weights : ndarray of shape (n_target_tokens + 1, n_source_tokens)
            Row ``i`` is the attention when the decoder predicted target token
            ``i`` (the last row: ``</s>``); rows sum to 1. A Transformer's are
            those of its last block, averaged over heads.
        source_tokens, target_tokens : list of str
            The tokens labelling the columns and the rows (``"</s>"`` last).
        """
        (source_ids,) = self._source_ids([source])
        codec_in, codec_out = self._text_codecs()
        if target is None:
            (target_ids,) = self._translate_ids([source_ids], 1)
        elif isinstance(target, str):
            (target_ids,) = codec_out.encode([target])
        else:
            raise TypeError(f"target must be a str or None, got {type(target).__name__}.")
        decoder = self._decoder(right_padded([source_ids]))
        rows = []
        for position, token in enumerate([START_ID, *target_ids]):
            decoder.step(np.array([token], dtype=np.int32), position)
            rows.append(decoder.weights[0, : len(source_ids)])
        labels_in = [codec_in.tokens[i] for i in source_ids]
        labels_out = [codec_out.tokens[i] for i in target_ids] + ["</s>"]
        return np.array(rows, dtype=np.float64), labels_in, labels_out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        tags.non_deterministic = False
        return tags
