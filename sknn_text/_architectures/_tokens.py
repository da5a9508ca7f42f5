"""What a tagger reads: sentences of tokens, with their own vocabulary.

``X`` is a list of sentences, as scikit-learn-crfsuite takes it. A token is a
string (the word), a tuple ``(word, column, ...)`` or a dict with a ``"word"``
key and further keys: the further columns (the part of speech of CoNLL-2000,
say) are categorical features of the token. ``fit`` builds one vocabulary for
the (lower-cased) words and one per feature: the word's shape (``Xxxx``,
``dd.d``), its first and last three letters, and each further column. Words
and values seen fewer than ``min_frequency`` times share the "unknown" id, whose
embedding is therefore trained, so an unseen word is read by its shape,
affixes and columns.

The network's input is one integer array ``(n_sentences, n_steps, 1 +
n_features)``: the word id (0 = padding past the end of a sentence, 1 =
unknown word) and one id per feature, looked up by :class:`TokenEmbedding`,
which concatenates the word's and the features' embeddings and masks the
padding (the recurrent layers then run cuDNN kernels on a GPU).
"""

from __future__ import annotations

import re
from collections import Counter
from numbers import Integral
from typing import ClassVar

import keras
import numpy as np
from sklearn.utils._param_validation import Interval

from .._base import BaseTextNetwork
from .._composition import Source
from .._loop.data import sequence_lengths
from .._params import parameters
from .._token_layers import TokenEmbedding, TokenPaddingMask
from ..embeddings import as_word_vectors

WORD_FEATURES = ("shape", "prefix", "suffix")
_UNKNOWN_WORD = 1
#: Characters of a word read by the character encoder: its first and last six.
MAX_CHARS = 12
_SHAPES = [(re.compile(r"[A-Z]+"), "X"), (re.compile(r"[a-z]+"), "x"), (re.compile(r"\d+"), "d")]


def word_shape(word):
    """Capitals, lower-case letters and digits collapsed to ``X``, ``x``, ``d``.

    >>> word_shape("McDonald's"), word_shape("1,000.5"), word_shape("U.S.")
    ("XxXx'x", 'd,d.d', 'X.X.')
    """
    for pattern, symbol in _SHAPES:
        word = pattern.sub(symbol, word)
    return word[:8]


_DERIVED = {
    "shape": word_shape,
    "prefix": lambda word: word[:3].lower(),
    "suffix": lambda word: word[-3:].lower(),
}


def _vocabulary(counts, min_frequency, first_id):
    kept = sorted(value for value, count in counts.items() if count >= min_frequency)
    return {value: first_id + index for index, value in enumerate(kept)}


@parameters
class TokenInput(BaseTextNetwork):
    """Networks over sentences of tokens (the taggers); subclasses encode them."""

    embedding_dim: int = 64
    feature_dim: int = 16
    word_features: tuple = WORD_FEATURES
    lowercase: bool = True
    min_frequency: int = 2
    char_filters: int = 0
    embeddings: object = None
    freeze_embeddings: bool = False

    _parameter_constraints: ClassVar[dict] = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "feature_dim": [Interval(Integral, 1, None, closed="left")],
        "word_features": ["array-like"],
        "lowercase": ["boolean"],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "char_filters": [Interval(Integral, 0, None, closed="left")],
        "embeddings": "no_validation",
        "freeze_embeddings": ["boolean"],
    }
    _parameter_docs: ClassVar[dict] = {
        "embedding_dim": ("int", "Width of the learned word embeddings."),
        "feature_dim": (
            "int",
            """Width of the embedding of each token feature (``word_features``
            and the further columns of tuple or dict tokens).""",
        ),
        "word_features": (
            'tuple of {"shape", "prefix", "suffix"}',
            """Features computed from each word: its shape (``Xxxx``, ``d.d``),
            its first three and its last three letters (lower-cased). They let
            the network read unseen words.""",
        ),
        "lowercase": ("bool", "Look words up in lower case."),
        "min_frequency": (
            "int",
            """Words and feature values seen fewer times in ``fit`` share the
            "unknown" id (whose embedding is learned from them).""",
        ),
        "char_filters": (
            "int",
            f"""Filters of a character encoder: a convolution (width 3) over
            16-d embeddings of each word's characters (its first and last
            {MAX_CHARS // 2}), max-pooled into one vector per word, beside the
            word's other embeddings. 0 (the default) leaves it out.""",
        ),
        "embeddings": (
            "WordVectors, gensim KeyedVectors or None",
            """Pretrained word vectors (see :func:`sknn_text.load_word_vectors`):
            every word of the table joins the vocabulary, whether seen in
            ``fit`` or not, and starts from its vector (their width replaces
            ``embedding_dim``); training words without a vector start at
            random. With ``lowercase=True`` words are looked up in lower case,
            so lower-cased vectors (GloVe) fit.""",
        ),
        "freeze_embeddings": (
            "bool",
            """Keep the word embeddings fixed (with ``embeddings``: as
            pretrained, so that words unseen in ``fit`` stay comparable with
            the seen ones).""",
        ),
    }
    _attribute_docs = """\
    vocabulary_ : dict of str to int
        Word -> id of its embedding (1 is the unknown word)."""
    _fitted_attributes = (
        "vocabulary_", "_feature_vocabularies", "_token_kind", "_longest_sentence",
        "_characters",
    )

    # ------------------------------------------------------------------ X
    def _sentences(self, X, *, reset):
        """``X`` as lists of ``(word, columns)``, checked sentence by sentence."""
        parsed, kinds = [], set()
        for tokens in parse_sentences(X, type(self).__name__):
            kinds.update(kind for kind, _, _ in tokens)
            parsed.append([(word, columns) for _, word, columns in tokens])
        if len(kinds) > 1:
            raise ValueError(
                f"X mixes tokens of kinds {sorted(map(str, kinds))}; give every token "
                "in the same form (str, tuple of the same length, or dict of the same keys)."
            )
        (kind,) = kinds
        if reset:
            self._token_kind = kind
        elif kind != self._token_kind:
            raise ValueError(
                f"X's tokens are {kind}, but {type(self).__name__} was fitted on "
                f"{self._token_kind} tokens."
            )
        return parsed

    def _features(self, word):
        return [_DERIVED[name](word) for name in self.word_features]

    def _validate_X(self, X, *, reset):
        sentences = self._sentences(X, reset=reset)
        if reset:
            self._check_word_features()
            self._fit_vocabularies(sentences)
        lower = self.lowercase
        vocabularies = self._feature_vocabularies
        offsets = np.cumsum([0, *(len(v) + 1 for v in vocabularies)])[:-1]
        width = max(len(sentence) for sentence in sentences)
        ids = np.zeros((len(sentences), width, 1 + len(vocabularies)), dtype=np.int32)
        for row, sentence in enumerate(sentences):
            rows = []
            for word, columns in sentence:
                values = [*self._features(word), *columns]
                word_id = self.vocabulary_.get(word.lower() if lower else word, _UNKNOWN_WORD)
                rows.append([
                    word_id,
                    *(offset + vocabulary.get(value, 0) for offset, vocabulary, value
                      in zip(offsets, vocabularies, values, strict=True)),
                ])
            ids[row, : len(rows)] = rows
        if self.char_filters:
            ids = np.concatenate([ids, self._char_ids(sentences, width)], axis=2)
        return ids

    def _char_ids(self, sentences, width):
        ids = np.zeros((len(sentences), width, MAX_CHARS), dtype=np.int32)
        for row, sentence in enumerate(sentences):
            for position, (word, _) in enumerate(sentence):
                letters = _clipped(word)
                ids[row, position, : len(letters)] = [
                    self._characters.get(c, _UNKNOWN_WORD) for c in letters
                ]
        return ids

    def _check_word_features(self):
        unknown = [name for name in self.word_features if name not in _DERIVED]
        if unknown or len(set(self.word_features)) != len(self.word_features):
            raise ValueError(
                f"word_features must be distinct names among {list(WORD_FEATURES)}, got "
                f"{self.word_features!r}."
            )

    def _fit_vocabularies(self, sentences):
        words = Counter()
        n_columns = len(self._features("")) + len(sentences[0][0][1])
        values = [Counter() for _ in range(n_columns)]
        for sentence in sentences:
            for word, columns in sentence:
                words[word.lower() if self.lowercase else word] += 1
                for counter, value in zip(values, [*self._features(word), *columns], strict=False):
                    counter[value] += 1
        kept = {word: count for word, count in words.items() if count >= self.min_frequency}
        vectors = self._word_vectors()
        if vectors is not None:
            kept.update(dict.fromkeys(vectors.words, 1))
        self.vocabulary_ = _vocabulary(kept, 1, _UNKNOWN_WORD + 1)
        # Feature value ids count from 1 within each feature; 0 is unknown.
        self._feature_vocabularies = [_vocabulary(c, self.min_frequency, 1) for c in values]
        self._longest_sentence = max(len(sentence) for sentence in sentences)
        letters = Counter(c for sentence in sentences for word, _ in sentence for c in word)
        self._characters = _vocabulary(letters, 1, _UNKNOWN_WORD + 1)

    def _sequence_lengths(self, X):
        return sequence_lengths(X[:, :, 0])

    def _embedded_input(self, seeds):
        n_features = len(self._feature_vocabularies)
        columns = 1 + n_features + (MAX_CHARS if self.char_filters else 0)
        inputs = keras.Input(shape=(None, columns), dtype="int32", name="tokens")
        vectors = self._word_vectors()
        x = TokenEmbedding(
            len(self.vocabulary_) + _UNKNOWN_WORD + 1,
            self.embedding_dim if vectors is None else vectors.dim,
            sum(len(v) + 1 for v in self._feature_vocabularies),
            n_features,
            self.feature_dim,
            seed=seeds(),
            freeze_words=self.freeze_embeddings,
            n_chars=len(self._characters) + _UNKNOWN_WORD + 1,
            char_filters=self.char_filters,
            max_chars=MAX_CHARS,
            name="token_embedding",
        )(inputs)
        return inputs, x

    def _source(self, seeds):
        """The encoder's :class:`~sknn_text.extending.Source`: each token's word
        and feature embeddings, concatenated."""
        inputs, x = self._embedded_input(seeds)
        return Source(
            inputs, x, "tokens", length=self._longest_sentence, mask_layer=TokenPaddingMask
        )

    def _word_vectors(self):
        """The vectors that start the word embeddings (``embeddings``), or None."""
        return None if self.embeddings is None else as_word_vectors(self.embeddings)

    def _initialize_model(self, model):
        """Pretrained ``embeddings`` into the rows of their words."""
        vectors = self._word_vectors()
        if vectors is None:
            return
        layer = model.get_layer("token_embedding")
        weights = layer.get_weights()
        for word, row in self.vocabulary_.items():
            if word in vectors:
                weights[0][row] = vectors[word]
        layer.set_weights(weights)

    def _longest_input(self):
        """Longest sentence the network reads at once (None: any length): an
        encoder with position embeddings reads the longest sentence of ``fit``."""
        return self._longest_sentence if getattr(self._encoder, "bounded_length", False) else None

    def _size_hint(self):
        return (
            f"the vocabulary has {len(self.vocabulary_)} words (min_frequency="
            f"{self.min_frequency}) times embedding_dim={self.embedding_dim} weights"
        )


def parse_sentences(X, name):
    """The tokens of every sentence of ``X``, each a ``(kind, word, columns)``
    (see :func:`_parse_token`), after checking that ``X`` is a non-empty list
    of non-empty sentences; ``name`` is the estimator's, for the messages."""
    if getattr(X, "ndim", None) == 1 and getattr(getattr(X, "dtype", None), "kind", "") == "O":
        X = list(X)  # a 1-D object array (or Series) of sentences
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__") or hasattr(X, "shape"):
        raise ValueError(
            f"{name} expects X as a list of sentences, each a list of tokens; got "
            f"{type(X).__name__}."
        )
    if len(X) == 0:
        raise ValueError("X holds no sentence.")
    sentences = []
    for index, sentence in enumerate(X):
        if isinstance(sentence, (str, bytes)) or not hasattr(sentence, "__len__"):
            raise ValueError(
                f"Sentence {index} of X is a {type(sentence).__name__}; each "
                "sentence must be a list of tokens (put a single sentence in a "
                "list: [tokens])."
            )
        if len(sentence) == 0:
            raise ValueError(f"Sentence {index} of X is empty.")
        sentences.append([_parse_token(token, index) for token in sentence])
    return sentences


def _clipped(word):
    half = MAX_CHARS // 2
    return word if len(word) <= MAX_CHARS else word[:half] + word[-half:]


def _parse_token(token, sentence):
    """``(kind, word, columns)`` of one token of sentence ``sentence``."""
    if isinstance(token, str):
        return "str", token, ()
    if isinstance(token, dict):
        if "word" not in token:
            raise ValueError(
                f"A token of sentence {sentence} is a dict without a 'word' key: "
                f"{token!r}."
            )
        keys = tuple(sorted(key for key in token if key != "word"))
        return f"dict with keys {keys}", str(token["word"]), tuple(str(token[k]) for k in keys)
    if isinstance(token, (tuple, list)) and token and isinstance(token[0], str):
        return f"tuples of {len(token)}", token[0], tuple(str(value) for value in token[1:])
    raise ValueError(
        f"Sentence {sentence} of X holds the token {token!r}; a token must be a str, "
        "a tuple (word, column, ...) or a dict with a 'word' key."
    )

