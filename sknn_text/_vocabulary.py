"""Documents in, a vocabulary out: what every tokenizer of sknn_text shares.

* :func:`check_documents`: raw documents checked, with errors that name the
  document at fault;
* :class:`TokenCounts`: term and document frequencies of tokenized documents,
  counted all at once or chunk after chunk (:meth:`TokenCounts.update`), and
  the vocabulary they give (``min_df``, ``max_tokens``, most frequent first,
  ties broken alphabetically), numbered from ``FIRST_TOKEN_ID``;
* :func:`learned_state`: what a ``TextTokenizer`` learns from documents (one
  more chunk of them, for ``partial_fit``);
* :func:`window_ids`: the ids of one document's tokens, and of its n-grams;
* :func:`fixed_vocabulary`: a vocabulary given by the user (pretrained vectors'
  words) checked;
* :func:`hashed_tokens` and :func:`hashed_ngrams`: stateless ids, crc32 hashes
  of the tokens (and word n-grams) modulo a number of buckets;
* :func:`check_tokenizer_parameters` and :func:`check_id_rows`: the errors of
  ``TextTokenizer`` that CountVectorizer would raise late, or not at all.
"""

import heapq
import math
import re
import zlib
from collections import Counter
from numbers import Integral, Real

import numpy as np

from ._token_ids import FIRST_TOKEN_ID, OOV_ID

#: The longest rows of ``TextTokenizer(sequence_length=None)``.
MAX_AUTO_SEQUENCE_LENGTH = 500


def _is_missing(value):
    """Whether ``value`` is a missing-value marker: None, NaN, pandas NA or NaT."""
    if value is None:
        return True
    if isinstance(value, Real) and not isinstance(value, Integral):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def check_documents(raw_documents):
    """Validate an iterable of raw text documents and return it as a list.

    Raises a ``ValueError`` for a single string, an empty corpus or a missing
    (None/NaN) document, and a ``TypeError`` for bytes or other non-string
    documents; the message names the offending position.
    """
    if isinstance(raw_documents, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received. "
            "Wrap a single document in a list: [document]."
        )
    if hasattr(raw_documents, "ndim") and raw_documents.ndim != 1:
        raise ValueError(
            "Raw text documents must be a 1-D sequence of strings, got an array "
            f"of shape {raw_documents.shape}."
        )
    try:
        documents = list(raw_documents)
    except TypeError:
        raise TypeError(
            "Raw text documents must be an iterable of strings, got "
            f"{type(raw_documents).__name__}."
        ) from None
    if not documents:
        raise ValueError("The corpus is empty: expected at least one document.")
    for position, document in enumerate(documents):
        if isinstance(document, str):
            continue
        if _is_missing(document):
            raise ValueError(
                f"Document {position} is missing ({document!r}); fill or drop "
                "missing texts before tokenizing."
            )
        if isinstance(document, bytes):
            raise TypeError(
                f"Document {position} is bytes; decode it to str first, e.g. "
                "document.decode('utf-8')."
            )
        raise TypeError(
            f"Document {position} is a {type(document).__name__}, not a string."
        )
    return documents


class TokenCounts:
    """Term and document frequencies of tokenized documents.

    Parameters
    ----------
    token_lists : iterable of list of str
        The tokens of each document.
    """

    def __init__(self, token_lists=()):
        self.terms, self.documents, self.n_documents = Counter(), Counter(), 0
        self.update(token_lists)

    def copy(self):
        """Counts that further updates leave these unchanged."""
        copied = TokenCounts()
        copied.terms, copied.documents = self.terms.copy(), self.documents.copy()
        copied.n_documents = self.n_documents
        return copied

    def update(self, token_lists):
        """Add the counts of more documents (a chunk of a stream).

        Counting a corpus chunk by chunk gives the same counts, hence the same
        vocabulary, as counting it at once.
        """
        for tokens in token_lists:
            self.terms.update(tokens)
            self.documents.update(set(tokens))
            self.n_documents += 1
        return self

    def vocabulary(self, *, min_df=1, max_tokens=None, fixed=None):
        """Token -> id, the most frequent tokens first (ties alphabetical).

        Parameters
        ----------
        min_df : int or float, default=1
            Keep tokens found in at least this many documents (a float: this
            share of the documents).
        max_tokens : int or None, default=None
            Size of the id range, the reserved ids included.
        fixed : list of str or None, default=None
            Use these tokens, in this order, instead of counting.

        Returns
        -------
        vocabulary : dict of str to int
            Ids from ``FIRST_TOKEN_ID`` upwards.
        """
        if fixed is not None:
            kept = list(fixed)
        else:
            min_count = min_df if isinstance(min_df, Integral) else min_df * self.n_documents
            candidates = (token for token, df in self.documents.items() if df >= min_count)
            order = lambda token: (-self.terms[token], token)  # noqa: E731 - a total order
            if max_tokens is None:
                kept = sorted(candidates, key=order)
            else:  # the same first tokens as sorted(), without sorting them all
                kept = heapq.nsmallest(max_tokens - FIRST_TOKEN_ID, candidates, key=order)
        if max_tokens is not None:
            kept = kept[: max_tokens - FIRST_TOKEN_ID]
        if not kept:
            raise ValueError(
                "The vocabulary is empty: no token passed min_df, or the documents "
                "are empty or contain only stop words."
            )
        return {token: i + FIRST_TOKEN_ID for i, token in enumerate(kept)}

    def coverage(self, vocabulary):
        """Share of the distinct tokens counted that ``vocabulary`` holds."""
        if not self.documents:
            return 0.0
        return sum(token in vocabulary for token in self.documents) / len(self.documents)


def fixed_vocabulary(value):
    """A ``vocabulary`` parameter (tokens, WordVectors, KeyedVectors) as a list
    of unique tokens; id ``i + FIRST_TOKEN_ID`` is the token at position ``i``."""
    if isinstance(value, (str, dict)):
        raise TypeError(
            "vocabulary must be a sequence of tokens (position i gets id i + 2) "
            f"or WordVectors, got {type(value).__name__}."
        )
    if hasattr(value, "index_to_key"):  # gensim KeyedVectors
        value = value.index_to_key
    try:
        tokens = list(value)
    except TypeError:
        raise TypeError(
            "vocabulary must be a sequence of tokens or WordVectors, got "
            f"{type(value).__name__}."
        ) from None
    if not tokens:
        raise ValueError("vocabulary is empty.")
    if not all(isinstance(token, str) for token in tokens):
        raise TypeError("Every token of vocabulary must be a str.")
    if len(set(tokens)) != len(tokens):
        raise ValueError("vocabulary contains a token more than once.")
    return tokens


def hashed_tokens(tokens, n_buckets):
    """Bucket of each token: crc32 of its UTF-8 bytes modulo ``n_buckets``.

    The same in every process and on every machine, whatever the data: a
    stateless vocabulary (scikit-learn's ``HashingVectorizer`` uses MurmurHash3
    instead; crc32 is the one ``hashed_ngrams`` already uses).
    """
    return [zlib.crc32(token.encode("utf-8")) % n_buckets for token in tokens]


def hashed_ngrams(tokens, sizes, n_buckets):
    """Bucket of each word n-gram of ``tokens``, for each n in ``sizes``.

    The hash is crc32 of the n-gram's words joined by a space, so buckets are
    the same in every process (Python's own ``hash`` of a str is not).
    """
    buckets = [
        zlib.crc32(" ".join(tokens[i : i + n]).encode("utf-8")) % n_buckets
        for n in sizes
        for i in range(len(tokens) - n + 1)
    ]
    return np.asarray(buckets, dtype=np.int64)


def used_bucket_ids(buckets, used, first_id):
    """Ids of ``buckets`` among the sorted ``used`` ones (``first_id`` for
    ``used[0]``...); buckets outside ``used`` are left out."""
    if not len(used):
        return []
    position = np.minimum(np.searchsorted(used, buckets), len(used) - 1)
    found = used[position] == buckets
    return (position[found] + first_id).tolist()


def check_tokenizer_parameters(tokenizer):
    """Errors of a ``TextTokenizer``'s parameters that CountVectorizer would
    raise late or without the name, and hashing parameters that do not work
    together."""
    ngram_range, analyzer, token_pattern = (
        tokenizer.ngram_range,
        tokenizer.analyzer,
        tokenizer.token_pattern,
    )
    low, high = (*ngram_range, None, None)[:2]
    if (
        len(ngram_range) != 2
        or not all(isinstance(n, Integral) for n in ngram_range)
        or not 1 <= low <= high
    ):
        raise ValueError(
            "ngram_range must be a tuple (min_n, max_n) of ints with "
            f"1 <= min_n <= max_n, got {ngram_range!r}."
        )
    if analyzer == "word" and tokenizer.tokenizer is None:
        try:
            re.compile(token_pattern)
        except re.error as error:
            raise ValueError(
                f"token_pattern={token_pattern!r} is not a valid regular "
                f"expression: {error}."
            ) from None
    if tokenizer._hashes_tokens() and tokenizer.max_tokens is None:
        raise ValueError(
            "vocabulary='hashing' needs max_tokens, the number of ids: tokens "
            "hash into max_tokens - 2 of them, e.g. max_tokens=2**18."
        )
    if tokenizer.ngram_buckets is None:
        return
    if analyzer != "word":
        raise ValueError(
            "ngram_buckets hashes word n-grams; it needs analyzer='word', got "
            f"analyzer={analyzer!r}."
        )
    if high < 2:
        raise ValueError(
            "ngram_buckets hashes word n-grams of 2 or more words; set "
            f"ngram_range=(1, 2) or wider (got {ngram_range!r})."
        )


def check_id_rows(X, n_ids):
    """``X`` as a 2-D integer array of ids in ``[0, n_ids)``; a ValueError
    naming the first id outside."""
    X = np.asarray(X)
    if X.ndim != 2 or X.dtype.kind not in "iu":
        raise ValueError(
            f"X must be a 2-D array of integer token ids, got shape {X.shape} "
            f"and dtype {X.dtype}."
        )
    if X.size and (X.min() < 0 or X.max() >= n_ids):
        row, column = np.argwhere((X < 0) | (n_ids <= X))[0]
        raise ValueError(
            f"X contains the token id {X[row, column]} (row {row}, column "
            f"{column}), outside [0, {n_ids - 1}]."
        )
    return X


def learned_state(tokenizer, documents, *, resume):
    """The fitted attributes of ``tokenizer`` (a ``TextTokenizer``) once it
    has counted ``documents``: alone, or (``resume``) after the counts, the
    longest document and the n-gram buckets of its ``partial_fit`` so far,
    which are left unchanged.

    Windows are cut at ``sequence_length`` or at 500 tokens: for a document,
    the same tokens as at ``min(longest, 500)``, which no shorter document
    reaches; so, chunk after chunk, the counts are those of one fit.
    """
    counts, longest, used = TokenCounts(), 1, np.zeros(0, dtype=np.int64)
    if resume:
        counts, longest = tokenizer._counts.copy(), tokenizer.sequence_length_
        used = tokenizer._ngram_buckets_used
    analyze = tokenizer.build_analyzer()
    tokenized = [analyze(document) for document in documents]
    cut = tokenizer.sequence_length or MAX_AUTO_SEQUENCE_LENGTH
    longest = max([longest, *(min(len(tokens), cut) for tokens in tokenized)])
    windows = [tokenizer._window(tokens, cut) for tokens in tokenized]
    hashing, n_ngram_ids = tokenizer._hashes_tokens(), tokenizer.ngram_buckets or 0
    if hashing:
        counts.n_documents += len(windows)
        vocabulary, coverage = {}, 1.0
    else:
        counts.update(windows)
        fixed = tokenizer.vocabulary
        vocabulary = counts.vocabulary(
            min_df=tokenizer.min_df,
            max_tokens=tokenizer.max_tokens,
            fixed=None if fixed is None else fixed_vocabulary(fixed),
        )
        coverage = counts.coverage(vocabulary)
        if tokenizer._hashing():
            ngrams = [tokenizer_ngrams(tokenizer, window) for window in windows]
            used = np.unique(np.concatenate([used, *ngrams]))
            n_ngram_ids = len(used)
    width = int(tokenizer.sequence_length or longest)
    return {
        "vocabulary_": vocabulary,
        "coverage_": coverage,
        "_ngram_buckets_used": used,
        "n_ngram_ids_": n_ngram_ids,
        "sequence_length_": width,
        "_n_features_out": width * (blocks_per_row(tokenizer) if tokenizer._hashing() else 1),
        "_counts": counts,
    }


def blocks_per_row(tokenizer):
    """How many n-gram sizes a row of a ``TextTokenizer`` with hashed n-grams
    holds: its width is ``sequence_length_`` times this."""
    low, _high = tokenizer.ngram_range
    return len(tokenizer._ngram_sizes()) + (1 if low == 1 else 0)


def tokenizer_ngrams(tokenizer, window):
    """The n-gram buckets of one document's kept tokens under ``tokenizer``."""
    return hashed_ngrams(window, tokenizer._ngram_sizes(), tokenizer.ngram_buckets)


def is_stateless(tokenizer):
    """Whether a ``TextTokenizer`` learns nothing from data: hashed ids and a
    set ``sequence_length``."""
    return tokenizer._hashes_tokens() and tokenizer.sequence_length is not None


def fit_if_stateless(tokenizer):
    """Give a stateless ``TextTokenizer`` that was never fitted its fitted
    attributes, which need no documents (like ``HashingVectorizer``)."""
    if not is_stateless(tokenizer) or hasattr(tokenizer, "vocabulary_"):
        return
    check_tokenizer_parameters(tokenizer)
    vars(tokenizer).update(learned_state(tokenizer, [], resume=False))
    del tokenizer._counts


def window_ids(tokenizer, window):
    """The ids of one document's kept tokens (``window``) under a fitted
    ``TextTokenizer``: its tokens' ids (unless only n-grams are asked for),
    then, with ``ngram_buckets``, those of its hashed n-grams (only the buckets
    used in ``fit``, unless every bucket has an id)."""
    hashing, ids = tokenizer._hashes_tokens(), []
    if tokenizer.ngram_range[0] == 1 or not tokenizer._hashing():
        if hashing:
            buckets = hashed_tokens(window, tokenizer.max_tokens - FIRST_TOKEN_ID)
            ids = [bucket + FIRST_TOKEN_ID for bucket in buckets]
        else:
            ids = [tokenizer.vocabulary_.get(token, OOV_ID) for token in window]
    if tokenizer._hashing():
        buckets = tokenizer_ngrams(tokenizer, window)
        if hashing:
            ids.extend((buckets + tokenizer.max_tokens).tolist())
        else:
            first = len(tokenizer.vocabulary_) + FIRST_TOKEN_ID
            ids.extend(used_bucket_ids(buckets, tokenizer._ngram_buckets_used, first))
    return ids
