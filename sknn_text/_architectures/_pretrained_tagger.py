"""The pretrained tagger: one tag per word, read at the word's first sub-word.

Each word of a sentence is tokenized on its own; the network reads the
sentence's sub-words and the head scores the tags of each word from the state
of its first sub-word (``_hub_layers.WordStates``), as BERT's authors tagged
CoNLL-2003 (Devlin et al. 2019, section 5.3). ``predict`` returns one tag per
input word: a sentence longer than ``sequence_length`` sub-words is read in
consecutive windows of whole words; in ``fit`` it keeps its first words.
"""

from __future__ import annotations

import keras
import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._crf import unpack
from .._docs import docstring
from .._heads._base import Encoding
from .._heads._tagger import TaggerHead
from .._loop.data import predicted_batches, prediction_batches
from .._params import estimator, parameters
from ._hub import WORD_STARTS, pack_sentences
from ._hub_layers import SplitWordMask, WordStates
from ._pretrained import ENCODER_BATCH_SIZE, PretrainedNetwork
from ._tokens import parse_sentences


@parameters
class PretrainedTaggerNetwork(PretrainedNetwork):
    """A keras-hub backbone over sentences of words: one vector per word."""

    _network_name = "pretrained_tagger"
    _channels = 3

    def _words(self, X, *, reset):
        """The words of every sentence of ``X`` (further token columns unused)."""
        return [
            [word for _, word, _ in tokens]
            for tokens in parse_sentences(X, type(self).__name__)
        ]

    def _validate_X(self, X, *, reset):
        sentences = self._words(X, reset=reset)
        if reset:
            self._read_tokenizer()
        packed, _ = pack_sentences(
            self._live_tokenizer(), self._special(), sentences, self.sequence_length
        )
        return packed

    def _encode_data(self, X, y, **kwargs):
        """The tags of the words that ``fit`` reads (a sentence cut to
        ``sequence_length`` keeps its first words), as wide as ``X``."""
        X, encoded, spec = super()._encode_data(X, y, **kwargs)
        kept = (X[:, :, WORD_STARTS] > 0).sum(axis=1)
        width = min(encoded.shape[1], X.shape[1])
        targets = np.zeros((X.shape[0], X.shape[1]), dtype=encoded.dtype)
        targets[:, :width] = encoded[:, :width]
        targets[np.arange(X.shape[1]) >= kept[:, None]] = 0
        return X, targets, spec

    def _encoder_outputs(self, states, packed):
        return WordStates(name="word_states")([states, packed])

    def _encode(self, seeds, *, l2, per_step):
        inputs = keras.Input((None, self.hidden_dim_ + 1), name="word_vectors")
        states, mask = SplitWordMask(name="word_mask")(inputs)
        return Encoding(inputs, self._standardized(states), mask=mask, dropout=self.dropout)

    def _real_vectors(self, features):
        return features[features[:, :, -1] > 0.5][None, :, :-1]  # (1, words, width)


@estimator
class PretrainedTextTagger(TaggerHead, PretrainedTaggerNetwork):
    __doc__ = docstring(
        "Tagger on a pretrained Transformer encoder from keras-hub: one tag per word.",
        """A keras-hub Transformer encoder (BERT, RoBERTa...) reads the
        sub-words of each sentence; the tags of a word are scored from the
        state of its first sub-word. With ``freeze_backbone=True`` the encoder
        runs once per ``fit`` and only the tag layer (and the CRF) trains;
        ``freeze_backbone=False`` fine-tunes it all. Only the word of each
        token is read (further columns, such as a part of speech, are not).
        Needs keras-hub (``pip install "sknn_text[hub]"``).""",
        TaggerHead,
        examples="""
        >>> from sknn_text import PretrainedTextTagger
        >>> tagger = PretrainedTextTagger(preset="bert_base_en_cased")  # doctest: +SKIP
        >>> tagger.fit(sentences, tags).predict([["Ada", "met", "Alan"]])  # doctest: +SKIP
        """,
    )

    def _tag_scores(self, X):
        """Per-sentence tag scores ``(n_words, n_tags)`` and the CRF's weights:
        a sentence longer than ``sequence_length`` sub-words is read in
        windows of whole words."""
        check_is_fitted(self, "model_")
        sentences = self._words(X, reset=False)
        packed, owners = pack_sentences(
            self._live_tokenizer(), self._special(), sentences, self.sequence_length,
            windows=True,
        )
        n_words = (packed[:, :, WORD_STARTS] > 0).sum(axis=1)
        batches = prediction_batches(
            packed, batch_size=ENCODER_BATCH_SIZE, lengths=self._sequence_lengths(packed)
        )
        scores, crf_weights = [None] * len(packed), None
        for rows, output in predicted_batches(self.model_, batches):
            output = output.astype(np.float64)
            if self.crf:
                output, *crf_weights = unpack(output, len(self.classes_))
            for row, values in zip(rows, output, strict=True):
                scores[row] = values[: n_words[row]]
        joined = [[] for _ in sentences]
        for owner, values in zip(owners, scores, strict=True):
            joined[owner].append(values)
        return [np.concatenate(parts) for parts in joined], crf_weights
