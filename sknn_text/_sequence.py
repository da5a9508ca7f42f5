"""Input half shared by the networks that read sequences (RNN, CNN, Transformer).

The kind of input is read from ``X`` in ``fit``:

* 2-D integer array: token ids, 0 = right-padding (what ``TextTokenizer``
  produces), fed to an ``Embedding`` with masking;
* 2-D float array: one numeric series per row (one feature per time step);
* 3-D float array ``(n_samples, n_steps, n_channels)``: multivariate series.

Numeric series are standardized per channel with the mean and standard deviation
seen in ``fit`` (saturating cells learn slowly on raw-scale values).
"""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import BaseTextNetwork
from ._data import looks_like_raw_text, sequence_lengths, validate_numeric
from .embeddings import as_word_vectors

#: Token ids are fed to the network as int32.
MAX_TOKEN_ID = np.iinfo(np.int32).max - 1


class SequenceNetwork(BaseTextNetwork):
    """Validates token-id or numeric-sequence input; subclasses build the model."""

    _parameter_constraints: dict = {
        **BaseTextNetwork._parameter_constraints,
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "embeddings": "no_validation",
        "freeze_embeddings": ["boolean"],
    }

    def _validate_X(self, X, *, reset):
        name = type(self).__name__
        if looks_like_raw_text(X):
            raise TypeError(
                f"{name} expects token ids or numeric sequences, but got raw text "
                "documents. Put a TextTokenizer in front of it: "
                f"make_pipeline(TextTokenizer(), {name}())."
            )
        X = validate_numeric(self, X, reset=reset, dtype="numeric", allow_nd=True)
        if X.ndim > 3:
            raise ValueError(
                f"{name} expects a 2-D or 3-D array, got {X.ndim} dimensions."
            )
        tokens = X.ndim == 2 and X.dtype.kind in "iu"
        if reset:
            self._vocabulary_size = None
            self._n_channels = None
            if tokens:
                self._vocabulary_size = _vocabulary_size(X)
                if self.embeddings is not None:
                    self._vocabulary_size = self._pretrained_size(X)
            else:
                if self.embeddings is not None:
                    raise ValueError(
                        f"{name} got pretrained embeddings but numeric (float) "
                        "input; embeddings apply to integer token ids from a "
                        "TextTokenizer."
                    )
                self._n_channels = X.shape[2] if X.ndim == 3 else 1
                series = _as_series(X, self._n_channels, name)
                # Accumulate in float64: squares of large float32 values overflow.
                self._series_mean = series.mean(axis=(0, 1), dtype=np.float64)
                scale = series.std(axis=(0, 1), dtype=np.float64)
                self._series_scale = np.where(scale > 0, scale, 1.0)
        if self._vocabulary_size is not None:
            return _check_token_ids(X, self._vocabulary_size, name)
        series = _as_series(X, self._n_channels, name)
        return ((series - self._series_mean) / self._series_scale).astype(np.float32)

    def _pretrained_size(self, X):
        vectors = as_word_vectors(self.embeddings)
        size = len(vectors) + 2
        if X.max(initial=0) >= size:
            raise ValueError(
                f"X contains the token id {int(X.max())}, but the pretrained "
                f"embeddings cover ids 0 to {size - 1} ({len(vectors)} words after "
                "the padding and unknown ids). Tokenize with "
                "TextTokenizer(vocabulary=vectors) so that ids match the vectors' rows."
            )
        return size

    def _embedding_weights(self):
        """Pretrained embedding rows for token input, or None."""
        if self.embeddings is None or self._vocabulary_size is None:
            return None
        return as_word_vectors(self.embeddings).embedding_matrix()

    def _input_arguments(self):
        """Keyword arguments that describe the input to a ``build_*`` function."""
        return {
            "vocabulary_size": self._vocabulary_size,
            "n_channels": self._n_channels,
            "embedding_dim": self.embedding_dim,
            "embedding_weights": self._embedding_weights(),
            "freeze_embeddings": self.freeze_embeddings,
        }

    def _size_hint(self):
        if self._vocabulary_size is None:
            return "fewer or smaller layers"
        return (
            f"the embedding has {self._vocabulary_size} token ids (the largest id in "
            f"X + 1) times embedding_dim={self.embedding_dim} weights"
        )

    def _sequence_lengths(self, X):
        return sequence_lengths(X) if self._vocabulary_size is not None else None


def _vocabulary_size(X):
    if X.size and X.min() < 0:
        row = int(np.argwhere(X < 0)[0, 0])
        raise ValueError(
            f"X contains the negative token id {int(X.min())} (row {row}); token ids "
            "must be >= 0, with 0 meaning padding."
        )
    largest = int(X.max(initial=0))
    if largest > MAX_TOKEN_ID:
        row = int(np.argmax(X.max(axis=1)))  # the first row holding it
        raise ValueError(
            f"X contains the token id {largest} (row {row}); token ids must be at "
            f"most {MAX_TOKEN_ID}. Number the tokens from 2 upwards, as "
            "TextTokenizer does."
        )
    return max(largest + 1, 2)


def _check_token_ids(X, vocabulary_size, name):
    if X.dtype.kind not in "iu" and not np.all(np.mod(X, 1) == 0):
        raise ValueError(
            f"{name} was fitted on integer token ids; X contains non-integer "
            "values."
        )
    if X.ndim != 2:
        raise ValueError(f"{name} was fitted on 2-D token ids; X has {X.ndim} dims.")
    if X.size and (X.min() < 0 or X.max() >= vocabulary_size):
        bad = int(X.min()) if X.min() < 0 else int(X.max())
        raise ValueError(
            f"X contains the token id {bad}, outside the range [0, "
            f"{vocabulary_size - 1}] seen in fit. Fit the tokenizer and {name} on "
            "the same documents (a Pipeline does this)."
        )
    return X.astype(np.int32, copy=False)


def _as_series(X, n_channels, name):
    series = X.reshape(X.shape[0], X.shape[1], 1) if X.ndim == 2 else X
    if series.shape[2] != n_channels:
        raise ValueError(
            f"X has {series.shape[2]} channel(s) per time step, but {name} was "
            f"fitted with {n_channels}."
        )
    return series.astype(np.float32, copy=False)
