"""Turn validated ``X``/``y`` into mini-batches for Keras.

Three kinds of input reach a network:

* dense 2-D float arrays (TF-IDF after ``toarray``, numeric features),
* SciPy CSR matrices, passed on as one sparse tensor per batch where the
  backend supports it (see ``_backend``), else densified one batch at a time,
  never as a whole,
* sequences: 2-D integer token ids (0 = right-padding) or 3-D numeric series.

Shuffling uses a NumPy generator seeded by the estimator, so training order is
reproducible without any global random state.
"""

import math

import keras
import numpy as np
import scipy.sparse as sp

from ._backend import to_backend_sparse


def looks_like_raw_text(X):
    """Whether ``X`` is a string or a 1-D collection of strings (raw documents)."""
    if isinstance(X, (str, bytes)):
        return True
    if hasattr(X, "dtype") and getattr(X, "ndim", 0) >= 1:
        if X.dtype.kind in "US":
            return True
        if X.dtype.kind != "O" or X.size == 0:
            return False
        first = np.asarray(X).ravel()[0]
        return isinstance(first, (str, bytes))
    if isinstance(X, (list, tuple)) and len(X) > 0:
        return isinstance(X[0], (str, bytes))
    return False


def _batch_rows(X, rows, sparse):
    """Rows of ``X`` ready for Keras: a backend sparse tensor when ``sparse``,
    else a dense array (float32, or integer token ids as they are)."""
    chunk = X[rows]
    if sparse:
        chunk = sp.csr_matrix(chunk, dtype=np.float32)
        return to_backend_sparse(chunk)
    if sp.issparse(chunk):
        return chunk.toarray().astype(np.float32, copy=False)
    if chunk.dtype.kind in "iu":
        return chunk
    return chunk.astype(np.float32, copy=False)


class ArrayBatches(keras.utils.PyDataset):
    """A ``keras.utils.PyDataset`` over in-memory arrays or a CSR matrix.

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
    ):
        super().__init__(workers=1, use_multiprocessing=False)
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sparse = sparse
        self._rng = np.random.default_rng(seed)
        self._order = self._new_order()

    def _new_order(self):
        n = self.X.shape[0]
        return self._rng.permutation(n) if self.shuffle else np.arange(n)

    def __len__(self):
        return math.ceil(self.X.shape[0] / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        x = _batch_rows(self.X, rows, self.sparse)
        if self.y is None:
            return (x,)
        if self.sample_weight is None:
            return x, self.y[rows]
        return x, self.y[rows], self.sample_weight[rows]

    def on_epoch_end(self):
        self._order = self._new_order()


def predict_in_batches(model, X, *, batch_size, sparse=False):
    """Run ``model.predict_on_batch`` over ``X`` chunk by chunk, in order."""
    outputs = [
        keras.ops.convert_to_numpy(
            model.predict_on_batch(
                _batch_rows(X, slice(start, start + batch_size), sparse)
            )
        )
        for start in range(0, X.shape[0], batch_size)
    ]
    return np.concatenate(outputs, axis=0).astype(np.float64)
