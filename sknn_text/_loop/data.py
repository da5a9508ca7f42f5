"""Turn validated ``X``/``y`` into mini-batches for the network.

Three kinds of input reach a network:

* dense 2-D float arrays (TF-IDF after ``toarray``, numeric features),
* SciPy CSR matrices, passed on as one sparse tensor per batch where the
  backend supports it (TensorFlow, JAX: see ``_backend``), else densified one
  batch at a time, never as a whole,
* sequences: 2-D integer token ids (0 = right-padding) or 3-D numeric series.

Token batches are bucketed by length and trimmed to their longest row, so the
network processes little padding (on JAX the width is rounded up to a power of
two, see ``_backend.batch_width``); masking keeps them right-padded. Shuffling
uses a NumPy generator seeded by the estimator, so training order is
reproducible without any global random state.
"""

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from .._backend import batch_width, predict_on_batch, to_backend_sparse
from .._token_ids import PADDING_ID

#: Rows sorted by length together, as a multiple of the batch size: large enough
#: for batches of similar lengths, small enough to keep each epoch's order random.
BUCKET_BATCHES = 50


def looks_like_raw_text(X):
    """Whether ``X`` is a string or a 1-D collection holding strings (raw documents).

    A 1-D collection counts as raw text if any element is a string, so that
    documents with a missing first entry still get the raw-text hint.
    """
    if isinstance(X, (str, bytes)):
        return True
    if hasattr(X, "dtype") and getattr(X, "ndim", 0) >= 1:
        if X.dtype.kind in "US":
            return True
        if X.dtype.kind != "O" or X.size == 0 or X.ndim > 1:
            return False
        return any(isinstance(value, (str, bytes)) for value in np.asarray(X))
    if isinstance(X, (list, tuple)):
        return any(isinstance(value, (str, bytes)) for value in X)
    return False


def ndim_of(value):
    """Number of dimensions of an array-like, or None if it has no regular shape."""
    if hasattr(value, "ndim"):
        return value.ndim
    try:
        return np.asarray(value).ndim
    except (TypeError, ValueError):  # ragged nested lists
        return None


def _first_non_numeric(X):
    """``(value, row, column)`` of the first cell of ``X`` that is not a number."""
    try:
        cells = np.asarray(X, dtype=object)
    except (TypeError, ValueError):  # ragged nested lists
        return None
    if cells.ndim != 2:
        return None
    columns = list(X.columns) if hasattr(X, "columns") else range(cells.shape[1])
    for (row, column), value in np.ndenumerate(cells):
        try:
            float(value)
        except (TypeError, ValueError):
            return value, row, columns[column]
    return None


def validate_numeric(estimator, X, **kwargs):
    """``sklearn.utils.validation.validate_data`` on ``X`` only, with errors that
    name the offending cell when ``X`` holds something other than numbers."""
    if X is None:
        raise ValueError(
            f"{type(estimator).__name__} needs X as an array-like or sparse matrix; "
            "got None."
        )
    try:
        return validate_data(estimator, X, **kwargs)
    except (TypeError, ValueError) as error:
        if sp.issparse(X) or (hasattr(X, "dtype") and X.dtype.kind not in "OUS"):
            raise
        cell = _first_non_numeric(X)
        if cell is None:
            raise
        value, row, column = cell
        raise type(error)(
            f"X must be numeric, but the value {value!r} at row {row}, column "
            f"{column!r} is not a number ({error})."
        ) from error


def sequence_lengths(token_ids):
    """Length of each right-padded row: position of its last non-zero id + 1."""
    nonzero = token_ids != PADDING_ID
    last = token_ids.shape[1] - np.argmax(nonzero[:, ::-1], axis=1)
    return np.where(nonzero.any(axis=1), last, 0)


def _trimmed_width(lengths, max_width):
    """Width of a token batch with these row lengths, out of ``max_width``."""
    return batch_width(max(int(lengths.max(initial=0)), 1), max_width)


def _batch_rows(X, rows, sparse, lengths=None, row_multiple=1):
    """Rows of ``X`` ready for Keras: a backend sparse tensor when ``sparse``,
    else a dense array (float32, or integer token ids trimmed to the longest
    row when ``lengths`` are given); followed by empty (all-zero) rows up to a
    multiple of ``row_multiple`` rows."""
    chunk = X[rows]
    missing = -len(rows) % row_multiple
    if missing:
        empty = (missing, *chunk.shape[1:])
        if sp.issparse(chunk):
            chunk = sp.vstack([chunk, sp.csr_matrix(empty, dtype=chunk.dtype)], format="csr")
        else:
            chunk = np.concatenate([chunk, np.zeros(empty, dtype=chunk.dtype)])
    if lengths is not None:
        width = _trimmed_width(lengths[rows], X.shape[1])
        return np.ascontiguousarray(chunk[:, :width])
    if sparse:
        chunk = sp.csr_matrix(chunk, dtype=np.float32)
        return to_backend_sparse(chunk)
    if sp.issparse(chunk):
        return chunk.toarray().astype(np.float32, copy=False)
    if chunk.dtype.kind in "iu":
        return chunk
    return chunk.astype(np.float32, copy=False)


class ArrayBatches:
    """Mini-batches over in-memory arrays or a CSR matrix, indexable like a list.

    Parameters
    ----------
    X : ndarray or scipy.sparse.csr_matrix
        Validated inputs.
    y : ndarray or None
        Encoded targets; ``None`` for prediction.
    sample_weight : ndarray or None
        Per-sample weights.
    batch_size : int
        Rows per batch; the last batch may be smaller.
    shuffle : bool
        Draw a new order at every epoch.
    seed : int or None
        Seed of the shuffling generator.
    sparse : bool
        Yield backend sparse tensors (the model's input is sparse).
    lengths : ndarray or None
        Sequence length of every row of right-padded token ids: batches are
        then bucketed by length and trimmed to their longest row.
    rows : ndarray or None
        Indices of the rows of ``X`` (and ``y``, ``sample_weight``, ``lengths``)
        to serve; ``None`` serves them all. Batches index ``X`` directly, so a
        training split never copies the matrix.
    row_multiple : int
        Inputs only (``y`` is None): each batch is followed by empty rows up to
        a multiple of this many rows (see :data:`PREDICT_ROW_MULTIPLE`).
    """

    def __init__(
        self,
        X,
        y=None,
        sample_weight=None,
        *,
        batch_size,
        shuffle=False,
        seed=None,
        sparse=False,
        lengths=None,
        rows=None,
        row_multiple=1,
    ):
        if row_multiple > 1 and y is not None:
            raise ValueError("row_multiple pads inputs only; y must be None.")
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.row_multiple = row_multiple
        self.rows = np.arange(X.shape[0]) if rows is None else np.asarray(rows)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sparse = sparse
        self.lengths = lengths
        self._rng = np.random.default_rng(seed)
        self._batches = self._new_batches()

    @property
    def variable_width(self):
        """Whether batches differ in their second dimension (trimmed token ids)."""
        return self.lengths is not None

    def _new_batches(self):
        n = self.rows.shape[0]
        order = self.rows[self._rng.permutation(n)] if self.shuffle else self.rows
        if self.lengths is not None:
            bucket = self.batch_size * (BUCKET_BATCHES if self.shuffle else n)
            order = np.concatenate([
                part[np.argsort(self.lengths[part], kind="stable")]
                for part in np.array_split(order, max(1, -(-n // bucket)))
            ])
        batches = [
            order[start : start + self.batch_size]
            for start in range(0, n, self.batch_size)
        ]
        if self.shuffle and self.lengths is not None:
            batches = [batches[i] for i in self._rng.permutation(len(batches))]
        return batches

    def rows_of(self, index):
        """Indices of the rows of ``X`` in batch ``index`` (padding excluded)."""
        return self._batches[index]

    def row_order(self):
        """Row indices in the order the batches of this epoch visit them."""
        return np.concatenate(self._batches)

    def padded_positions(self):
        """Token positions the network processes in one epoch, padding included."""
        return sum(
            len(rows) * _trimmed_width(self.lengths[rows], self.X.shape[1])
            for rows in self._batches
        )

    def __len__(self):
        return len(self._batches)

    def __getitem__(self, index):
        rows = self._batches[index]
        x = _batch_rows(self.X, rows, self.sparse, self.lengths, self.row_multiple)
        if self.y is None:
            return (x,)
        if self.sample_weight is None:
            return x, self.y[rows]
        return x, self.y[rows], self.sample_weight[rows]

    def on_epoch_end(self):
        self._batches = self._new_batches()


#: Prediction batches are padded with empty rows to a multiple of this many.
#: A CPU kernel computes the rows of a full block of vector lanes alike, but
#: the leftover rows of a batch through other code (on AVX2, a leftover of
#: fewer than 8 rows), whose float32 rounding differs: unpadded, a document's
#: prediction changed in its last digits with its position in the batch and
#: with the size of ``X`` (scikit-learn's ``check_methods_subset_invariance``
#: and ``check_methods_sample_order_invariance`` failed at random). 32 covers
#: AVX-512's 16 lanes twice over; the empty rows cost little.
PREDICT_ROW_MULTIPLE = 32
#: Rows of ``X`` per chunk when :func:`content_order` computes its keys.
_KEY_CHUNK = 4096


def content_order(X):
    """The rows of ``X`` in an order set by their contents, not their positions.

    Token batches are trimmed to their longest row, so the rows a document
    shares a batch with set the width it is computed at; batching the rows in
    this order gives every row the same batch whatever the order of ``X``
    (identical rows aside). The key of a row is its dot product with a fixed
    random vector, computed in float64 one chunk of rows at a time (no copy of
    ``X``).
    """
    n_rows = X.shape[0]
    width = int(np.prod(X.shape[1:]))
    weights = np.random.default_rng(0).standard_normal(width)
    keys = np.empty(n_rows)
    for start in range(0, n_rows, _KEY_CHUNK):
        chunk = X[start : start + _KEY_CHUNK]
        if not sp.issparse(chunk):
            chunk = np.asarray(chunk, dtype=np.float64).reshape(chunk.shape[0], width)
        keys[start : start + _KEY_CHUNK] = chunk @ weights
    return np.argsort(keys, kind="stable")


def prediction_batches(X, *, batch_size, sparse=False, lengths=None):
    """:class:`ArrayBatches` over ``X`` for prediction: rows in
    :func:`content_order`, each batch padded to a multiple of
    :data:`PREDICT_ROW_MULTIPLE` rows. A row's output then does not depend on
    its position in ``X``, nor, for numbers and TF-IDF, on the size of ``X`` (a
    token row is computed at the width of its batch's longest row)."""
    return ArrayBatches(
        X,
        batch_size=batch_size,
        sparse=sparse,
        lengths=lengths,
        rows=content_order(X),
        row_multiple=PREDICT_ROW_MULTIPLE,
    )


def predicted_batches(model, batches):
    """``(rows, outputs)`` of each batch of ``batches`` (made by
    :func:`prediction_batches`): the indices of its rows in ``X`` and the
    model's outputs for them as a NumPy array, the padding rows cut off."""
    for index in range(len(batches)):
        rows = batches.rows_of(index)
        outputs = keras.ops.convert_to_numpy(predict_on_batch(model, batches[index][0]))
        yield rows, outputs[: len(rows)]


def mean_prediction(model, batches):
    """The mean output of ``model`` over the rows of ``batches``, weighted by
    their sample weights (unweighted when those sum to zero)."""
    rows, outputs = zip(*predicted_batches(model, batches), strict=True)
    rows = np.concatenate(rows)
    outputs = np.concatenate(outputs).reshape(len(rows), -1).astype(np.float64)
    weights = batches.sample_weight
    weights = None if weights is None or not weights[rows].sum() > 0 else weights[rows]
    return np.average(outputs, axis=0, weights=weights)


def predict_in_batches(model, X, *, batch_size, sparse=False, lengths=None):
    """Run ``model`` over ``X`` batch by batch (see :func:`prediction_batches`);
    rows come back in their original order, as float64."""
    batches = prediction_batches(X, batch_size=batch_size, sparse=sparse, lengths=lengths)
    result = None
    for rows, outputs in predicted_batches(model, batches):
        if result is None:
            result = np.empty((X.shape[0], *outputs.shape[1:]), dtype=np.float64)
        result[rows] = outputs
    return result
