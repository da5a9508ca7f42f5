"""Documents in, a vocabulary out: what every tokenizer of sknn_text shares.

* :func:`check_documents`: raw documents checked, with errors that name the
  document at fault;
* :class:`TokenCounts`: term and document frequencies of tokenized documents,
  and the vocabulary they give (``min_df``, ``max_tokens``, most frequent
  first, ties broken alphabetically), numbered from ``FIRST_TOKEN_ID``;
* :func:`fixed_vocabulary`: a vocabulary given by the user (pretrained vectors'
  words) checked.
"""

import math
import zlib
from collections import Counter
from numbers import Integral, Real

import numpy as np

from ._token_ids import FIRST_TOKEN_ID


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

    def __init__(self, token_lists):
        self.terms, self.documents, self.n_documents = Counter(), Counter(), 0
        for tokens in token_lists:
            self.terms.update(tokens)
            self.documents.update(set(tokens))
            self.n_documents += 1

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
            kept = sorted(
                (token for token, df in self.documents.items() if df >= min_count),
                key=lambda token: (-self.terms[token], token),
            )
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
