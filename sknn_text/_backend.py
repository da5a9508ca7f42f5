"""The one module that knows the Keras backend: sparse and variable-width batches.

Everything else in sknn_text speaks ``keras`` / ``keras.ops`` only. On TensorFlow a
CSR mini-batch becomes a ``tf.SparseTensor`` and the first ``Dense`` layer runs a
sparse-dense product; on a backend without that path the batch is densified (one
batch at a time, never the whole matrix). Token batches trimmed to different
widths reach TensorFlow through a ``tf.data`` pipeline whose signature leaves the
time axis open (Keras would otherwise fix it from the first batches it sees).
"""

import logging

import keras
import numpy as np


class _PerModelTracingFilter(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning about Keras steps.

    TensorFlow counts traces per *code object*, and every Keras model's train and
    predict steps share one, so fitting many small models (a grid search, a
    cross-validation) reads as one function retracing. A fitted model of ours
    traces its predict step at most twice whatever the batch shapes
    (tests/test_tracing.py checks it).
    """

    def filter(self, record):
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message
            and "<function TensorFlowTrainer." in message
        )


logging.getLogger("tensorflow").addFilter(_PerModelTracingFilter())


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


def as_keras_data(batches):
    """What ``model.fit`` should receive for an ``ArrayBatches``."""
    if not batches.variable_width or keras.backend.backend() != "tensorflow":
        return batches
    import tensorflow as tf

    def open_shape(array, open_axes):
        return tf.TensorSpec(
            [None if axis < open_axes else size for axis, size in enumerate(array.shape)],
            tf.as_dtype(array.dtype),
        )

    first = batches[0]
    signature = (open_shape(first[0], 2),) + tuple(open_shape(a, 1) for a in first[1:])

    def generate():
        for index in range(len(batches)):
            yield batches[index]
        batches.on_epoch_end()

    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(len(batches))).prefetch(2)
