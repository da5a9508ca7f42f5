"""The one module that knows the Keras backend: sparse and variable-width batches.

Everything else in sknn_text speaks ``keras`` / ``keras.ops`` only. On TensorFlow a
CSR mini-batch becomes a ``tf.SparseTensor`` and the first ``Dense`` layer runs a
sparse-dense product; on a backend without that path the batch is densified (one
batch at a time, never the whole matrix). Token batches trimmed to different
widths reach TensorFlow through a ``tf.data`` pipeline whose signature leaves the
time axis open (Keras would otherwise fix it from the first batches it sees).

It also keeps repeated fits (a grid search, a cross-validation) from growing the
process. Keras 3 on TensorFlow keeps process-wide state for every model it trains:

* optimizer and metric variables created lazily, while the train step is being
  traced, leave ``cond`` functions registered in the eager context;
* the optimizer's sum of the gradients over replicas goes through
  ``tf.custom_gradient``, whose entry in TensorFlow's global gradient registry
  keeps the whole traced train-step graph alive after the model is gone;
* the eager context caches the instantiated kernel of every traced function;
* ``tf.data.Dataset.from_generator`` (which Keras uses for every ``PyDataset``)
  ties its Python callbacks, hence the dataset and its arrays, to the global
  default graph for the life of the process.

:func:`prepare_training` avoids the first two for a model that sknn_text compiled
itself, :func:`release_kernel_cache` drops the third, and ``ArrayBatches.release``
lets go of the training arrays so that the fourth keeps only a few small objects.
``keras.backend.clear_session()`` is not used: it also resets Keras's global name
counters, dtype policy and custom-object scope, and drops every ``tf.data``
callback, all of which may belong to the user's other live models.
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


def _gradients_unchanged(grads_and_vars):
    return grads_and_vars


def prepare_training(model, data_batch):
    """Create the optimizer and metric variables of a compiled model eagerly.

    Parameters
    ----------
    model : keras.Model
        A model compiled by sknn_text with an optimizer of its own.
    data_batch : tuple
        One training batch ``(x, y[, sample_weight])``; only its shapes and
        dtypes are used.
    """
    symbolic_build = getattr(model, "_symbolic_build", None)
    if symbolic_build is not None:
        # What Keras itself does before training on the JAX backend.
        symbolic_build(data_batch=data_batch)
    elif not model.optimizer.built:  # pragma: no cover - older Keras
        model.optimizer.build(model.trainable_variables)
    optimizer = model.optimizer
    strategy = getattr(optimizer, "_distribution_strategy", None)
    if (
        strategy is not None
        and strategy.num_replicas_in_sync == 1
        and hasattr(optimizer, "_all_reduce_sum_gradients")
    ):
        # With one replica the sum over replicas is the identity; skipping it
        # avoids the tf.custom_gradient registration that keeps graphs alive.
        optimizer._all_reduce_sum_gradients = _gradients_unchanged


def release_kernel_cache():
    """Drop the eager context's cached kernels; they are rebuilt on demand.

    This is what ``keras.backend.clear_session()`` does to TensorFlow's eager
    context, without touching Keras's global state: live models stay valid and
    their next call instantiates its kernels once more.
    """
    if keras.backend.backend() != "tensorflow":
        return
    from tensorflow.python.eager import context

    context.context().clear_kernel_cache()


def out_of_memory_errors():
    """The exception types that mean the backend could not allocate a tensor."""
    if keras.backend.backend() != "tensorflow":
        return (MemoryError,)
    import tensorflow as tf

    return (MemoryError, tf.errors.ResourceExhaustedError)
