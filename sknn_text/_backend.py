"""The one module that knows the Keras backend: sparse mini-batches.

Everything else in sknn_text speaks ``keras`` / ``keras.ops`` only. On TensorFlow a
CSR mini-batch becomes a ``tf.SparseTensor`` and the first ``Dense`` layer runs a
sparse-dense product; on a backend without that path the batch is densified (one
batch at a time, never the whole matrix).
"""

import keras
import numpy as np


def sparse_batches_supported():
    """Whether the active backend takes sparse mini-batches."""
    return keras.backend.backend() == "tensorflow"


def to_backend_sparse(batch):
    """A SciPy CSR mini-batch as the backend's sparse tensor (float32)."""
    import tensorflow as tf

    if not batch.has_sorted_indices:
        batch = batch.sorted_indices()
    coo = batch.tocoo()
    return tf.SparseTensor(
        indices=np.column_stack([coo.row, coo.col]).astype(np.int64),
        values=coo.data.astype(np.float32, copy=False),
        dense_shape=coo.shape,
    )
