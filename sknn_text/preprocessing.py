"""Text preprocessing transformers: raw documents to padded token-id sequences."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from numbers import Integral
from typing import TYPE_CHECKING, BinaryIO, ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._nb_weighting import NaiveBayesWeighting
from ._params import parameters
from ._saving.file_format import save as save_estimator
from ._token_ids import FIRST_TOKEN_ID, PADDING_ID
from ._vocabulary import (
    check_documents,
    check_id_rows,
    check_tokenizer_parameters,
    fit_if_stateless,
    is_stateless,
    learned_state,
    window_ids,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["NaiveBayesWeighting", "TextTokenizer"]

PADDING_TOKEN = ""
OOV_TOKEN = "[UNK]"


@parameters
class TextTokenizer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Turn raw documents into right-padded sequences of token ids.

    The documents are split into tokens by scikit-learn's own analyzer (the
    one :class:`~sklearn.feature_extraction.text.CountVectorizer` builds from
    the same parameters), a vocabulary is learned in ``fit`` and every document
    becomes one row of ``sequence_length_`` integer ids: 0 is padding (at the
    end of short documents), 1 marks an out-of-vocabulary token, and known
    tokens get ids from 2 upwards, the most frequent first. The output feeds
    the recurrent estimators, whose embeddings mask the padding.

    Only the documents passed to ``fit`` shape the vocabulary, so inside a
    Pipeline the tokenizer is leak-free under cross-validation.

    For a corpus bigger than memory, ``partial_fit`` counts the tokens chunk
    after chunk (the same vocabulary as ``fit`` on all of them), and
    ``vocabulary="hashing"`` needs no pass at all.

    Parameters
    ----------
    max_tokens : int or None, default=None
        Size of the id range, padding and out-of-vocabulary ids included: at
        most ``max_tokens - 2`` tokens are kept, the most frequent ones (ties
        broken alphabetically). None keeps every token that passes ``min_df``.
        With ``vocabulary="hashing"``, the number of ids (required).
    sequence_length : int or None, default=None
        Length of every output row. None uses the longest document seen in
        ``fit`` (or so far by ``partial_fit``), capped at 500 tokens; set it
        when streaming, so that every chunk has the same width.
    truncating : {"post", "pre"}, default="post"
        Where longer documents lose tokens: at the end ("post") or at the
        start ("pre"). The vocabulary is counted on the kept tokens only.
    min_df : int or float, default=1
        Ignore tokens found in fewer documents than this (a count), or in a
        smaller share of documents (a float in [0, 1]).
    lowercase : bool, default=True
        Convert documents to lower case before tokenizing.
    strip_accents : {"ascii", "unicode"} or callable, default=None
        Accent removal, as in ``CountVectorizer``.
    stop_words : "english", list or None, default=None
        Tokens to drop, as in ``CountVectorizer``.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token when ``analyzer="word"``. Unlike
        ``CountVectorizer``'s default, one-character tokens ("a", "I") are kept
        since word order matters to sequence models.
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        Unit of a token, as in ``CountVectorizer``.
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Range of n-gram sizes, as in ``CountVectorizer``.
    preprocessor : callable, default=None
        Replaces the preprocessing (lowercasing, accent stripping) step.
    tokenizer : callable, default=None
        Replaces the token-splitting step of the "word" analyzer.
    vocabulary : sequence of str, WordVectors, "hashing" or None, default=None
        A fixed vocabulary instead of one learned in ``fit``: the token at
        position ``i`` gets the id ``i + 2`` (``min_df`` is then ignored and
        ``max_tokens`` keeps the first ``max_tokens - 2`` tokens). Pass the
        :class:`~sknn_text.WordVectors` that an estimator's ``embeddings`` use,
        and the ids line up with the rows of the pretrained vectors.
        ``"hashing"``: no vocabulary, like ``HashingVectorizer``; a token's id
        is 2 plus its crc32 hash modulo ``max_tokens - 2`` whatever the data
        (tokens may share an id, none is unknown); ``min_df`` is ignored.
        With ``sequence_length`` set too, nothing is learned from data and
        ``transform`` needs no ``fit`` (like ``HashingVectorizer``).
    ngram_buckets : int or None, default=None
        Hash word n-grams into this many buckets, fastText style, instead of
        learning them as tokens: with ``analyzer="word"`` and
        ``ngram_range=(1, 2)``, each row holds the ids of the unigrams, then
        the ids of the hashed bigrams. ``sequence_length`` then counts the
        unigrams, and rows are ``sequence_length_`` times the number of n-gram
        sizes long. N-grams whose bucket no n-gram filled in ``fit`` are left
        out (they have no trained vector), like n-grams outside fastText's
        own table. With ``vocabulary="hashing"`` every bucket has an id, from
        ``max_tokens`` upwards.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token to id; ids start at 2. Empty with ``vocabulary="hashing"``.
    sequence_length_ : int
        Number of tokens kept per document.
    coverage_ : float
        Share of the distinct tokens of the ``fit`` documents that have an id;
        with a fixed ``vocabulary`` (pretrained vectors), the share of the
        corpus vocabulary the vectors cover; 1.0 with ``vocabulary="hashing"``.
    n_ngram_ids_ : int
        Number of ids given to hashed n-gram buckets (0 without
        ``ngram_buckets``); they follow the token ids.
    n_token_ids_ : int
        Size of the id range (padding, unknown, tokens, n-gram buckets): the
        ``vocabulary_size`` of a network trained with ``partial_fit`` on them.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts.

    Examples
    --------
    >>> from sknn_text import TextTokenizer
    >>> tokenizer = TextTokenizer().fit(["the cat sat", "the dog"])
    >>> tokenizer.transform(["the dog sat", "a cat"])
    array([[2, 4, 5],
           [1, 3, 0]], dtype=int32)
    >>> tokenizer.inverse_transform([[2, 4, 5]])[0].tolist()
    ['the', 'dog', 'sat']

    The same vocabulary, counted chunk by chunk:

    >>> streamed = TextTokenizer().partial_fit(["the cat sat"]).partial_fit(["the dog"])
    >>> streamed.vocabulary_ == tokenizer.vocabulary_
    True
    """

    max_tokens: int | None = None
    sequence_length: int | None = None
    truncating: str = "post"
    min_df: int | float = 1
    lowercase: bool = True
    strip_accents: str | Callable | None = None
    stop_words: str | list | None = None
    token_pattern: str = r"(?u)\b\w+\b"
    analyzer: str | Callable = "word"
    ngram_range: tuple[int, int] = (1, 1)
    preprocessor: Callable | None = None
    tokenizer: Callable | None = None
    vocabulary: object = None
    ngram_buckets: int | None = None

    _parameter_constraints: ClassVar[dict] = {
        "max_tokens": [Interval(Integral, 3, None, closed="left"), None],
        "sequence_length": [Interval(Integral, 1, None, closed="left"), None],
        "truncating": [StrOptions({"post", "pre"})],
        "min_df": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="both"),
        ],
        "lowercase": ["boolean"],
        "strip_accents": [StrOptions({"ascii", "unicode"}), callable, None],
        "stop_words": [StrOptions({"english"}), list, None],
        "token_pattern": [str],
        "analyzer": [StrOptions({"word", "char", "char_wb"}), callable],
        "ngram_range": [tuple],
        "preprocessor": [callable, None],
        "tokenizer": [callable, None],
        "vocabulary": "no_validation",
        "ngram_buckets": [Interval(Integral, 1, 2**26, closed="both"), None],
    }
    _fitted_attributes = (
        "vocabulary_", "sequence_length_", "coverage_", "n_ngram_ids_",
        "_ngram_buckets_used", "_n_features_out",
    )  # fmt: skip
    #: partial_fit's counts (gone once frozen): pickled, not saved (a loaded one is frozen).
    _transient_attributes = ("_counts",)

    def build_analyzer(self) -> Callable[[str], list[str]]:
        """Return the callable that splits one document into tokens.

        Returns
        -------
        analyzer : callable
            scikit-learn's analyzer for these parameters.
        """
        return self._count_vectorizer().build_analyzer()

    def _count_vectorizer(self):
        """The (unfitted) ``CountVectorizer`` whose analyzer splits documents."""
        return CountVectorizer(
            lowercase=self.lowercase,
            strip_accents=self.strip_accents,
            stop_words=list(self.stop_words)
            if isinstance(self.stop_words, list)
            else self.stop_words,
            token_pattern=self.token_pattern,
            analyzer=self.analyzer,
            ngram_range=(1, 1) if self._hashing() else tuple(self.ngram_range),
            preprocessor=self.preprocessor,
            tokenizer=self.tokenizer,
        )

    def _hashing(self):
        """Whether word n-grams are hashed into ``ngram_buckets``."""
        return self.ngram_buckets is not None

    def _hashes_tokens(self):
        """Whether ``vocabulary="hashing"``: every token's id is its hash."""
        return isinstance(self.vocabulary, str) and self.vocabulary == "hashing"

    def _ngram_sizes(self):
        low, high = self.ngram_range
        return range(max(low, 2), high + 1)

    def _window(self, tokens, length):
        return tokens[:length] if self.truncating == "post" else tokens[-length:]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, raw_documents: Iterable[str], y: None = None) -> Self:
        """Learn the vocabulary and the sequence length from the documents.

        Parameters
        ----------
        raw_documents : iterable of str
            The training documents.
        y : None
            Ignored.

        Returns
        -------
        self : TextTokenizer
            The fitted tokenizer.
        """
        documents = check_documents(raw_documents)
        check_tokenizer_parameters(self)
        vars(self).update(learned_state(self, documents, resume=False))
        del self._counts  # frozen
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, raw_documents: Iterable[str], y: None = None) -> Self:
        """Count the tokens of one more chunk of documents.

        Only the counts are kept. After each call the tokenizer is the one
        ``fit`` would give on every chunk so far (same vocabulary, ties broken
        alphabetically, same ``sequence_length_``). The first ``transform``
        freezes the vocabulary, so that the ids a network learns never move:
        a later ``partial_fit`` raises ``ValueError`` (``fit`` starts over).

        Parameters
        ----------
        raw_documents : iterable of str
            A chunk of the training documents.
        y : None
            Ignored.

        Returns
        -------
        self : TextTokenizer
            The tokenizer, fitted on every chunk so far.
        """
        documents = check_documents(raw_documents)
        resume = hasattr(self, "vocabulary_")
        if resume and getattr(self, "_counts", None) is None:
            raise ValueError(
                "The vocabulary of this TextTokenizer is frozen: it was set by fit, "
                "by a transform after partial_fit, or loaded from a file, and the "
                "ids it gives must not change. Call partial_fit on every chunk "
                "before the first transform, or fit to start over."
            )
        if not resume:
            check_tokenizer_parameters(self)
        vars(self).update(learned_state(self, documents, resume=resume))
        return self

    def transform(self, raw_documents: Iterable[str]) -> np.ndarray:
        """Map each document to a row of token ids, right-padded with 0.

        Parameters
        ----------
        raw_documents : iterable of str
            Documents to encode.

        Returns
        -------
        token_ids : ndarray of shape (n_documents, n_columns), dtype int32
            Token ids; 1 for unknown tokens, 0 for padding. ``n_columns`` is
            ``sequence_length_``, times the number of n-gram sizes with
            ``ngram_buckets``.
        """
        fit_if_stateless(self)
        check_is_fitted(self, "vocabulary_")
        documents = check_documents(raw_documents)
        vars(self).pop("_counts", None)  # the first transform freezes the vocabulary
        analyze = self.build_analyzer()
        output = np.zeros((len(documents), self._n_features_out), dtype=np.int32)
        for row, document in enumerate(documents):
            ids = window_ids(self, self._window(analyze(document), self.sequence_length_))
            output[row, : len(ids)] = ids
        return output

    @property
    def n_token_ids_(self) -> int:
        """Size of the id range (padding, unknown, tokens, n-gram buckets)."""
        fit_if_stateless(self)
        first_ngram_id = len(self.vocabulary_) + FIRST_TOKEN_ID
        return (self.max_tokens if self._hashes_tokens() else first_ngram_id) + self.n_ngram_ids_

    def get_vocabulary(self) -> np.ndarray:
        """Tokens in id order, with ``""`` for padding and ``"[UNK]"`` at id 1.

        Hashed n-gram ids, if any, follow as ``"[NGRAM <bucket>]"``; with
        ``vocabulary="hashing"`` the tokens' ids read ``"[HASH <bucket>]"``.

        Returns
        -------
        vocabulary : ndarray of str
            ``vocabulary[i]`` is the token with id ``i``.
        """
        fit_if_stateless(self)
        check_is_fitted(self, "vocabulary_")
        tokens = sorted(self.vocabulary_, key=self.vocabulary_.get)
        used = self._ngram_buckets_used
        if self._hashes_tokens():
            tokens = [f"[HASH {bucket}]" for bucket in range(self.max_tokens - FIRST_TOKEN_ID)]
            used = range(self.n_ngram_ids_)
        buckets = [f"[NGRAM {bucket}]" for bucket in used]
        return np.asarray([PADDING_TOKEN, OOV_TOKEN, *tokens, *buckets], dtype=object)

    def inverse_transform(self, X: ArrayLike) -> list[np.ndarray]:
        """Map rows of token ids back to tokens, dropping the padding.

        Parameters
        ----------
        X : array-like of shape (n_documents, n_positions)
            Token ids, as returned by ``transform``.

        Returns
        -------
        tokens : list of ndarray of str
            One array of tokens per row; unknown ids read ``"[UNK]"``.
        """
        vocabulary = self.get_vocabulary()
        X = check_id_rows(X, len(vocabulary))
        return [vocabulary[row[row != PADDING_ID]] for row in X]

    def save(self, path: str | os.PathLike | BinaryIO) -> None:
        """Save the tokenizer to a file that loads without running any code.

        The file holds JSON only (parameters and vocabulary), unlike a pickle,
        whose loading can execute code. Read it with :func:`sknn_text.load`.
        Callable parameters (``tokenizer``, ``preprocessor``, a callable
        ``analyzer`` or ``strip_accents``) cannot be saved this way. To keep
        it together with the network after it, save the whole pipeline with
        :func:`sknn_text.save`.

        Parameters
        ----------
        path : str, path-like or writable binary file object
            Where to write the file (a zip archive).
        """
        save_estimator(self, path)

    def __sklearn_is_fitted__(self):
        return is_stateless(self) or hasattr(self, "vocabulary_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = not is_stateless(self)
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags
