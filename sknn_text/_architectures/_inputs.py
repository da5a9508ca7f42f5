"""What the architectures read: feature matrices and sequences.

Two kinds of input reach a network:

* a document-feature matrix (TF-IDF, counts; dense or CSR), read by the MLP and
  by fastText's bag-of-features form (:func:`validate_feature_matrix`);
* sequences, read by :class:`SequenceInput` networks (RNN, CNN, Transformer,
  fastText). The kind is read from ``X`` in ``fit``:

  - 2-D integer array: token ids right-padded with ``PADDING_ID`` (what
    ``TextTokenizer`` produces), fed to an ``Embedding`` with masking;
  - 2-D float array: one numeric series per row (one feature per time step);
  - 3-D float array ``(n_samples, n_steps, n_channels)``: multivariate series.

  Numeric series are standardized per channel with the mean and standard
  deviation seen in ``fit`` (saturating cells learn slowly on raw-scale values).
"""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import keras
import numpy as np
import scipy.sparse as sp
from keras import layers
from sklearn.utils._param_validation import Interval

from .._backend import sparse_batches_supported
from .._base import BaseTextNetwork
from .._composition import Source
from .._layers import PaddingMask
from .._loop.data import looks_like_raw_text, ndim_of, sequence_lengths, validate_numeric
from .._loop.schedule import WORD_ORDER
from .._params import parameters
from .._token_ids import FIRST_TOKEN_ID, OOV_ID, PADDING_ID
from ..embeddings import as_word_vectors

#: Token ids are fed to the network as int32.
MAX_TOKEN_ID = np.iinfo(np.int32).max - 1

#: Activations named as in scikit-learn's MLP, and their Keras names.
ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "gelu": "gelu",
}


def layer_sizes(value, name, *, allow_empty):
    """``value`` (an int or a sequence of ints) as a tuple of positive ints."""
    sizes = (value,) if isinstance(value, Integral) else tuple(value)
    valid = all(isinstance(s, Integral) and not isinstance(s, bool) for s in sizes)
    if not valid or any(s < 1 for s in sizes) or not (sizes or allow_empty):
        kind = "a possibly empty" if allow_empty else "a non-empty"
        raise ValueError(
            f"{name} must be a positive int or {kind} sequence of positive ints, "
            f"got {value!r}."
        )
    return tuple(int(s) for s in sizes)


def reject_raw_text(estimator, X, expects, first_step, step_class="TextTokenizer"):
    """A ``TypeError`` naming the step to put first, when ``X`` is raw text."""
    if looks_like_raw_text(X):
        name = type(estimator).__name__
        raise TypeError(
            f"{name} expects {expects}, but got raw text documents. Put "
            f"{first_step} in front of it: make_pipeline({step_class}(), {name}())."
        )


def reject_3d(estimator, X, expects, hint=""):
    """A ``ValueError`` for a 3-D ``X`` where a 2-D matrix is expected."""
    if not sp.issparse(X) and ndim_of(X) == 3:
        raise ValueError(
            f"{type(estimator).__name__} expects {expects}, but X is 3-D with shape "
            f"{np.asarray(X).shape}.{hint}"
        )


def validate_feature_matrix(estimator, X, *, reset):
    """``X`` as a float feature matrix (CSR kept sparse); on ``reset`` also decide
    whether the network takes sparse mini-batches (``_sparse_input``)."""
    X = validate_numeric(
        estimator,
        X,
        reset=reset,
        accept_sparse="csr",
        dtype=(np.float32, np.float64),
    )
    if reset:
        estimator._sparse_input = sp.issparse(X) and sparse_batches_supported()
    return X


def sequence_input(vocabulary_size, n_channels, embedding_dim, seeds, embedding_weights=None):
    """Input layer and first tensor of a sequence network.

    Exactly one of ``vocabulary_size`` (token ids, embedded with
    ``mask_zero=True`` so that padding is masked downstream) and ``n_channels``
    (numeric sequences of that many features per step) is given.
    ``embedding_weights``, an array of shape ``(vocabulary_size, dim)``, fixes
    the width of the embeddings; the estimator loads them into the built model
    (they are not stored in the model's config).
    """
    if (vocabulary_size is None) == (n_channels is None):
        raise ValueError("Give exactly one of vocabulary_size and n_channels.")
    if n_channels is not None:
        inputs = keras.Input(shape=(None, n_channels), name="sequences")
        return inputs, inputs
    if embedding_weights is not None:
        embedding_dim = embedding_weights.shape[1]
    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    embedded = layers.Embedding(
        vocabulary_size,
        embedding_dim,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
        name="embedding",
    )(inputs)
    return inputs, embedded


@parameters
class SequenceInput(BaseTextNetwork):
    """Networks that read token ids or numeric series; subclasses encode them."""

    _auto_budget = WORD_ORDER

    embedding_dim: int = 64
    embeddings: object = None
    freeze_embeddings: bool = False
    vocabulary_size: int | None = None

    _parameter_constraints: ClassVar[dict] = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "vocabulary_size": [
            Interval(Integral, FIRST_TOKEN_ID + 1, MAX_TOKEN_ID, closed="both"),
            None,
        ],
        "embeddings": "no_validation",
        "freeze_embeddings": ["boolean"],
    }
    _parameter_docs: ClassVar[dict] = {
        "embedding_dim": (
            "int",
            """Width of the learned token embeddings$embedding_where. Pretrained
            ``embeddings`` bring their own width.""",
        ),
        "embeddings": (
            "WordVectors, gensim KeyedVectors or None",
            """Pretrained word vectors (see :func:`sknn_text.load_word_vectors`)
            that initialize the embedding layer; the token ids must come from
            ``TextTokenizer(vocabulary=embeddings)`` so that id ``i + 2`` is the
            word in row ``i``. Padding and unknown words start at zero.""",
        ),
        "freeze_embeddings": (
            "bool",
            "Keep pretrained ``embeddings`` fixed instead of fine-tuning them.",
        ),
        "vocabulary_size": (
            "int or None",
            """Number of token ids the embedding holds (ids 0 to
            ``vocabulary_size - 1``): the tokenizer's ``n_token_ids_``, or its
            ``max_tokens`` with ``vocabulary="hashing"``. None: the largest id in
            ``X`` in the first fit, plus one. Set it for ``partial_fit`` on a
            stream, whose first chunk need not hold the largest id.""",
        ),
    }
    _doc_wording: ClassVar[dict] = {"embedding_where": " (token-id input only)"}
    _fitted_attributes = (
        "_vocabulary_size",
        "_n_channels",
        "_series_mean",
        "_series_scale",
        "_unknown_trained",
    )
    #: Whether the training token ids held ``OOV_ID``, whose embedding is
    #: otherwise never trained: ``predict`` then drops unknown words (files
    #: saved before this attribute keep reading them).
    _unknown_trained = True

    def _validate_X(self, X, *, reset):
        reject_raw_text(self, X, "token ids or numeric sequences", "a TextTokenizer")
        name = type(self).__name__
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
                size = _vocabulary_size(X)  # checks the ids first
                self._vocabulary_size = self._pretrained_size(X) or self.vocabulary_size or size
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

    def _note_training_X(self, X, *, reset):
        if self._vocabulary_size is not None:
            seen = bool(np.any(X == OOV_ID))
            self._unknown_trained = seen or (not reset and self._unknown_trained)

    @property
    def _drops_unknown_words(self):
        """Whether unknown words are dropped: token input whose training ids
        held none, so that their embedding kept its random start (at 17 % of
        the tokens it moved every prediction alike, ``benchmarks/README.md``)."""
        return self._vocabulary_size is not None and not self._unknown_trained

    def _prediction_X(self, X):
        return _known_words_first(X, np) if self._drops_unknown_words else X

    def _serving_inputs(self):
        """Numeric series are standardized in the exported graph, and unknown
        words dropped, as in ``predict``."""
        if self._n_channels is None:
            inputs, x = super()._serving_inputs()
            if self._drops_unknown_words:
                x = _KnownWordsFirst(name="known_words_first")(x)
            return inputs, x
        inputs = keras.Input(batch_shape=self.model_.inputs[0].shape, name="sequences")
        mean = self._series_mean.astype(np.float32)
        scale = self._series_scale.astype(np.float32)
        return inputs, (inputs - mean) / scale

    def _pretrained_size(self, X):
        if self.embeddings is None:
            return None
        vectors = as_word_vectors(self.embeddings)
        size = len(vectors) + FIRST_TOKEN_ID
        if self.vocabulary_size not in (None, size):
            raise ValueError(
                f"vocabulary_size={self.vocabulary_size}, but the pretrained "
                f"embeddings hold {size} token ids ({len(vectors)} words after the "
                "padding and unknown ids); leave vocabulary_size=None."
            )
        if X.max(initial=0) >= size:
            raise ValueError(
                f"X contains the token id {int(X.max())}, but the pretrained "
                f"embeddings cover ids 0 to {size - 1} ({len(vectors)} words after "
                "the padding and unknown ids). Tokenize with "
                "TextTokenizer(vocabulary=vectors) so that ids match the vectors' rows."
            )
        return size

    def _embedded_input(self, seeds):
        """The input layer and its first tensor (see :func:`sequence_input`)."""
        return sequence_input(
            self._vocabulary_size,
            self._n_channels,
            self.embedding_dim,
            seeds,
            self._embedding_weights(),
        )

    def _source(self, seeds):
        """The encoder's :class:`~sknn_text.extending.Source`: embedded token ids
        (masked), or standardized numeric series of ``n_features_in_`` steps."""
        inputs, x = self._embedded_input(seeds)
        if self._n_channels is not None:
            return Source(inputs, x, "series", length=self.n_features_in_)
        return Source(inputs, x, "token_ids", length=self.n_features_in_, mask_layer=PaddingMask)

    def _embedding_weights(self):  # pretrained embedding rows for token ids, or None
        if self.embeddings is None or self._vocabulary_size is None:
            return None
        return as_word_vectors(self.embeddings).embedding_matrix()

    def _initialize_model(self, model):
        weights = self._embedding_weights()
        if weights is not None:
            embedding = model.get_layer("embedding")
            embedding.set_weights([weights])
            embedding.trainable = not self.freeze_embeddings

    def _size_hint(self):
        if self._vocabulary_size is None:
            return super()._size_hint()
        source = "vocabulary_size" if self.vocabulary_size else "the largest id in X + 1"
        return (
            f"the embedding has {self._vocabulary_size} token ids ({source}) times "
            f"embedding_dim={self.embedding_dim} weights"
        )

    def _sequence_lengths(self, X):
        return sequence_lengths(X) if self._vocabulary_size is not None else None


def _known_words_first(x, xp):
    """Token ids ``x`` without their unknown words (``OOV_ID``): the tokens
    after each one move up, in order, and padding fills the end of the row. A
    row without a known word is kept as it is (an empty row would be all
    padding, which cuDNN refuses). ``xp`` is ``numpy`` or ``keras.ops``."""
    width = xp.shape(x)[1]
    positions = xp.expand_dims(xp.arange(width), 0)
    unknown = xp.equal(x, OOV_ID)
    order = xp.argsort(xp.where(unknown, positions + width, positions), axis=1)
    moved = xp.take_along_axis(x, order, axis=1)
    dropped = xp.where(xp.equal(moved, OOV_ID), xp.zeros_like(moved), moved)
    return xp.where(xp.any(xp.greater(x, OOV_ID), axis=1, keepdims=True), dropped, x)


class _KnownWordsFirst(layers.Layer):
    """:func:`_known_words_first` in an exported graph, where the width of a
    row is only known when it runs."""

    def call(self, x):
        return _known_words_first(x, keras.ops)

    def compute_output_shape(self, input_shape):
        return input_shape


def _vocabulary_size(X):
    if X.size and X.min() < 0:
        row = int(np.argwhere(X < 0)[0, 0])
        raise ValueError(
            f"X contains the negative token id {int(X.min())} (row {row}); token ids "
            f"must be >= 0, with {PADDING_ID} meaning padding."
        )
    largest = int(X.max(initial=0))
    if largest > MAX_TOKEN_ID:
        row = int(np.argmax(X.max(axis=1)))  # the first row holding it
        raise ValueError(
            f"X contains the token id {largest} (row {row}); token ids must be at "
            f"most {MAX_TOKEN_ID}. Number the tokens from {FIRST_TOKEN_ID} upwards, "
            "as TextTokenizer does."
        )
    return max(largest + 1, FIRST_TOKEN_ID)


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
            "the same documents (a Pipeline does this); for partial_fit, set "
            "vocabulary_size to the tokenizer's n_token_ids_."
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
