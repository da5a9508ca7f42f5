"""Pretrained word vectors: reading them and lining them up with token ids.

Files in the word2vec/GloVe text format are read by :func:`load_word_vectors`
into a :class:`WordVectors` object. The same object then serves twice in a
pipeline, which keeps token ids and embedding rows aligned without any fitting:

* ``TextTokenizer(vocabulary=vectors)`` gives the word in row ``i`` of the
  vectors the token id ``i + 2`` (0 is padding, 1 out-of-vocabulary);
* ``LSTMTextClassifier(embeddings=vectors)`` (and the other token-sequence
  estimators) start their embedding layer from the vectors, with zero rows for
  padding and unknown words, frozen or fine-tuned (``freeze_embeddings``).
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import numpy as np
from numpy.typing import ArrayLike

from ._token_ids import FIRST_TOKEN_ID

__all__ = ["WordVectors", "load_word_vectors"]


class WordVectors:
    """An immutable table of word vectors: ``vectors[word]`` is an array.

    Parameters
    ----------
    words : sequence of str
        The words, in row order; no duplicates.
    vectors : array-like of shape (n_words, dim)
        One vector per word.

    Attributes
    ----------
    words : tuple of str
        The words in row order.
    matrix : ndarray of shape (n_words, dim), dtype float32
        The vectors, read-only.
    dim : int
        Width of the vectors.

    Examples
    --------
    >>> from sknn_text import WordVectors
    >>> vectors = WordVectors(["good", "bad"], [[1.0, 0.0], [0.0, 1.0]])
    >>> len(vectors), vectors.dim, "good" in vectors
    (2, 2, True)
    >>> vectors["bad"].tolist()
    [0.0, 1.0]
    >>> vectors.coverage(["good", "film"])
    0.5
    """

    def __init__(self, words: Sequence[str], vectors: ArrayLike) -> None:
        words = tuple(words)
        matrix = np.array(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(words) or not words:
            raise ValueError(
                f"Expected one vector per word: {len(words)} words and vectors of "
                f"shape {matrix.shape}."
            )
        if not all(isinstance(word, str) for word in words):
            raise TypeError("Every word must be a str.")
        index = {word: row for row, word in enumerate(words)}
        if len(index) != len(words):
            duplicate = next(w for w in words if words.count(w) > 1)
            raise ValueError(f"The word {duplicate!r} appears more than once.")
        if not np.isfinite(matrix).all():
            row = int(np.argwhere(~np.isfinite(matrix))[0, 0])
            raise ValueError(f"The vector of {words[row]!r} contains NaN or infinity.")
        matrix.setflags(write=False)
        self.words = words
        self.matrix = matrix
        self._index = index

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self):
        return iter(self.words)

    def __contains__(self, word):
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        try:
            return self.matrix[self._index[word]]
        except KeyError:
            raise KeyError(f"{word!r} has no vector.") from None

    def __repr__(self):
        return f"WordVectors({len(self)} words, dim={self.dim})"

    def __eq__(self, other):
        return (
            isinstance(other, WordVectors)
            and self.words == other.words
            and np.array_equal(self.matrix, other.matrix)
        )

    __hash__ = object.__hash__

    def __deepcopy__(self, memo):
        # Immutable: scikit-learn's clone deep-copies parameters, which would
        # otherwise duplicate a large table for every grid-search candidate.
        return self

    def __getstate__(self):
        return {"words": self.words, "matrix": np.array(self.matrix)}

    def __setstate__(self, state):
        self.__init__(state["words"], state["matrix"])

    def coverage(self, tokens: Iterable[str]) -> float:
        """Share of the distinct ``tokens`` that have a vector.

        Parameters
        ----------
        tokens : iterable of str
            Tokens of a corpus or a tokenizer's vocabulary.

        Returns
        -------
        coverage : float
            A number in [0, 1]; 0.0 for no tokens.
        """
        distinct = set(tokens)
        if not distinct:
            return 0.0
        return sum(token in self._index for token in distinct) / len(distinct)

    def embedding_matrix(self, vocabulary: Sequence[str] | None = None) -> np.ndarray:
        """Embedding rows for token ids: zeros for padding (0) and unknown (1).

        Parameters
        ----------
        vocabulary : sequence of str or None, default=None
            Token of each id, as ``TextTokenizer.get_vocabulary()`` returns it
            (ids 0 and 1 are skipped); tokens without a vector get zeros. None
            lines the rows up with ``TextTokenizer(vocabulary=self)``: row
            ``i + 2`` is the vector of ``self.words[i]``.

        Returns
        -------
        matrix : ndarray of shape (n_ids, dim), dtype float32
        """
        if vocabulary is None:
            reserved = np.zeros((FIRST_TOKEN_ID, self.dim), np.float32)
            return np.vstack([reserved, self.matrix])
        vocabulary = list(vocabulary)
        matrix = np.zeros((max(len(vocabulary), FIRST_TOKEN_ID), self.dim), np.float32)
        for token_id, token in enumerate(vocabulary[FIRST_TOKEN_ID:], start=FIRST_TOKEN_ID):
            row = self._index.get(token)
            if row is not None:
                matrix[token_id] = self.matrix[row]
        return matrix


def as_word_vectors(value, name="embeddings"):
    """``value`` as WordVectors: WordVectors, or a gensim ``KeyedVectors``."""
    if isinstance(value, WordVectors):
        return value
    if hasattr(value, "index_to_key") and hasattr(value, "vectors"):
        return WordVectors(value.index_to_key, value.vectors)
    raise TypeError(
        f"{name} must be a WordVectors object (see sknn_text.load_word_vectors) or "
        f"a gensim KeyedVectors, got {type(value).__name__}."
    )


def load_word_vectors(
    source: str | os.PathLike | TextIO | Any,
    *,
    max_words: int | None = None,
    encoding: str = "utf-8",
) -> WordVectors:
    """Read pretrained word vectors in the word2vec/GloVe text format.

    Each line holds a word and its numbers, separated by spaces. A first line
    of two integers (word count and width, as word2vec writes) is recognized
    and skipped; gzip-compressed files (``.gz``) are read directly. A gensim
    ``KeyedVectors`` object is accepted too.

    Parameters
    ----------
    source : str, path-like, text file object or gensim KeyedVectors
        Where the vectors are.
    max_words : int or None, default=None
        Keep only the first ``max_words`` words (such files list the most
        frequent words first), to bound the size of the embedding layers.
    encoding : str, default="utf-8"
        Text encoding of the file.

    Returns
    -------
    vectors : WordVectors
        ``len(vectors)`` words; ``vectors[word]`` is a float32 array.

    Examples
    --------
    >>> import io
    >>> from sknn_text import load_word_vectors
    >>> vectors = load_word_vectors(io.StringIO("2 3\\ngood 1 0 0\\nbad 0 1 0\\n"))
    >>> vectors
    WordVectors(2 words, dim=3)
    >>> vectors["good"].tolist()
    [1.0, 0.0, 0.0]
    """
    if max_words is not None and (
        isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1
    ):
        raise ValueError(f"max_words must be a positive int or None, got {max_words!r}.")
    if hasattr(source, "index_to_key"):
        vectors = as_word_vectors(source)
        if max_words is None:
            return vectors
        return WordVectors(vectors.words[:max_words], vectors.matrix[:max_words])
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise ValueError(f"No word-vector file at {path!r}.")
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding=encoding) as handle:
            return _read_text_vectors(handle, max_words, path)
    if isinstance(source, io.IOBase) or hasattr(source, "readline"):
        return _read_text_vectors(source, max_words, "the file")
    raise TypeError(
        "source must be a path, a text file object or a gensim KeyedVectors, got "
        f"{type(source).__name__}."
    )


def _read_text_vectors(handle, max_words, where):
    words, rows, dim, seen = [], [], None, set()
    for number, line in enumerate(handle, start=1):
        parts = line.rstrip("\n").rstrip(" ").split(" ")
        if not parts or parts == [""]:
            continue
        if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
            continue  # word2vec header: word count and width
        if dim is None:
            dim = len(parts) - 1
            if dim < 1:
                raise ValueError(f"Line {number} of {where} has a word but no numbers.")
        if len(parts) - 1 > dim:  # a word with spaces in it (GloVe 840B has some)
            parts = [" ".join(parts[: len(parts) - dim]), *parts[len(parts) - dim :]]
        if len(parts) - 1 != dim:
            raise ValueError(
                f"Line {number} of {where} has {len(parts) - 1} numbers; the first "
                f"vector had {dim}."
            )
        try:
            rows.append(np.asarray(parts[1:], dtype=np.float32))
        except ValueError:
            raise ValueError(
                f"Line {number} of {where} holds a value that is not a number."
            ) from None
        if parts[0] in seen:
            rows.pop()  # a repeated word: the first vector wins
            continue
        seen.add(parts[0])
        words.append(parts[0])
        if max_words is not None and len(words) == max_words:
            break
    if not words:
        raise ValueError(f"{where} contains no word vectors.")
    return WordVectors(words, np.vstack(rows))
