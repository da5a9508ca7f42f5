"""The one package that knows the Keras backend: compiled steps, sparse batches.

Everything else in sknn_text speaks ``keras`` / ``keras.ops`` only, and only this
package imports TensorFlow or JAX, and only when Keras runs on that backend (with
``KERAS_BACKEND=jax`` TensorFlow is never imported).

On TensorFlow the train, evaluate and predict steps of a model are
``tf.function`` steps whose input signature leaves the batch axis (and the width
of token batches, which are trimmed per batch) open, so each is traced once per
model (:func:`training_steps`, :func:`predict_on_batch`). A CSR mini-batch
becomes a ``tf.SparseTensor`` and the first ``Dense`` layer runs a sparse-dense
product. On JAX a CSR batch becomes a ``jax.experimental.sparse.BCOO`` whose
number of stored entries is padded to a power of two, token batches are rounded
up to a power-of-two width, and the steps are Keras's own, ``jax.jit``-compiled,
so that a fit compiles for a few shapes only; on a backend without sparse
tensors the batch is densified (one batch at a time, never the whole matrix).

It also keeps repeated fits (a grid search, a cross-validation) from growing the
process. Keras 3 on TensorFlow keeps process-wide state for every model it trains:

* optimizer and metric variables created lazily, while the train step is being
  traced, leave ``cond`` functions registered in the eager context;
* the optimizer's sum of the gradients over replicas goes through
  ``tf.custom_gradient``, whose entry in TensorFlow's global gradient registry
  keeps the whole traced train-step graph alive after the model is gone;
* the eager context caches the instantiated kernel of every traced function.

:func:`prepare_training` avoids the first two for a model that sknn_text compiled
itself and :func:`release_kernel_cache` drops the third.
``keras.backend.clear_session()`` is not used: it also resets Keras's global name
counters, dtype policy and custom-object scope, all of which may belong to the
user's other live models. These hooks are TensorFlow's only; on other backends
they do nothing.

Gradients with respect to a model's inputs, which ``sknn_text.inspection``
needs, are in :mod:`._gradients`.
"""

import logging
import weakref

import keras
import numpy as np

from ._steps import (  # noqa: F401  (the package's interface)
    _PREDICTORS,
    compile_steps,
    predict_on_batch,
    training_steps,
)


class _PerModelTracingFilter(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning about our steps.

    TensorFlow counts traces per *code object*, and the train, evaluate and
    predict steps of every model share one each, so fitting many small models
    (a grid search, a cross-validation) reads as one function retracing. Each
    model of ours traces each step once (tests/test_tracing.py checks it).
    """

    _STEPS = ("TensorFlowTrainer.", "predict_on_batch.<locals>")

    def filter(self, record):
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message
            and any(step in message for step in self._STEPS)
        )


logging.getLogger("tensorflow").addFilter(_PerModelTracingFilter())


#: Backends whose ``Dense`` layer takes a sparse input tensor, and that sknn_text
#: knows how to hand a sparse mini-batch to.
_SPARSE_BACKENDS = ("tensorflow", "jax")


def _on_tensorflow():
    return keras.backend.backend() == "tensorflow"


def sparse_batches_supported():
    """Whether the active backend takes sparse mini-batches."""
    return keras.backend.backend() in _SPARSE_BACKENDS


def to_backend_sparse(batch):
    """A SciPy CSR mini-batch as the backend's sparse tensor (float32)."""
    if not batch.has_sorted_indices:
        batch = batch.sorted_indices()
    coo = batch.tocoo()
    indices = np.column_stack([coo.row, coo.col])
    values = coo.data.astype(np.float32, copy=False)
    if _on_tensorflow():
        import tensorflow as tf

        return tf.SparseTensor(
            indices=indices.astype(np.int64),
            values=values,
            dense_shape=coo.shape,
        )
    if keras.backend.backend() == "jax":
        return _jax_bcoo(indices, values, coo.shape)
    raise NotImplementedError(  # pragma: no cover - guarded by sparse_batches_supported
        f"sparse mini-batches are not supported on {keras.backend.backend()!r}"
    )


def _jax_bcoo(indices, values, shape):
    """A ``BCOO`` whose stored entries are padded to a power of two.

    JAX compiles the train step once per shape of its inputs, and a ``BCOO``'s
    shape includes its number of stored entries: padding it to a power of two
    leaves a handful of shapes per fit instead of one per batch. The padding
    entries hold 0 at position (0, 0), ahead of the (sorted) real ones; a product
    (what ``Dense`` computes) sums duplicate entries, so they add exactly nothing.
    """
    import jax.experimental.sparse as jax_sparse

    stored = 1 << (max(len(values), 1) - 1).bit_length()
    padding = stored - len(values)  # (0, 0) entries may repeat: not unique
    padded_indices = np.zeros((stored, 2), dtype=np.int32)
    padded_indices[padding:] = indices
    padded_values = np.zeros(stored, dtype=np.float32)
    padded_values[padding:] = values
    return jax_sparse.BCOO(
        (padded_values, padded_indices),
        shape=tuple(int(size) for size in shape),
        indices_sorted=True,
    )


def batch_width(width, max_width):
    """Width of a token batch whose longest row has ``width`` tokens.

    TensorFlow runs each width as it is (its step signatures leave the time axis
    open). JAX compiles the train and predict steps once per input shape, so
    elsewhere the width is rounded up to a power of two (at most ``max_width``, the
    width of ``X``): a few compiled shapes per fit, at most twice the padding.
    """
    if _on_tensorflow() or width >= max_width:
        return width
    return min(1 << (int(width) - 1).bit_length(), max_width)


def _gradients_unchanged(grads_and_vars):
    return grads_and_vars


def _build_from_output_spec(model, data_batch):
    """Build the loss, metrics and optimizer of a built one-output model.

    Keras's ``_symbolic_build`` first traces the whole forward pass to learn
    the shape of the predictions; a functional model that is already built
    states that shape itself (``model.output``), so only the loss and the
    metrics are traced. Returns False, having done nothing, for any other
    model (Keras's own build then runs).
    """
    if not (
        hasattr(model, "_symbolic_build")
        and isinstance(model, keras.Model)
        and len(getattr(model, "outputs", None) or ()) == 1
        and all(layer.built for layer in model._flatten_layers())
    ):
        return False
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data_batch)
    rows = x.shape[0]
    symbolic = lambda array: None if array is None else keras.KerasTensor(  # noqa: E731
        array.shape, keras.backend.standardize_dtype(array.dtype)
    )
    shape = list(model.output.shape[1:])
    if y is not None:  # a free length (sequence outputs) is the targets' length
        for axis, size in enumerate(shape[: len(y.shape) - 1]):
            shape[axis] = y.shape[axis + 1] if size is None else size
    x, y, sample_weight = symbolic(x), symbolic(y), symbolic(sample_weight)
    y_pred = keras.KerasTensor((rows, *shape), model.output.dtype)
    from keras.src.backend import compute_output_spec  # what _symbolic_build uses

    if model._compile_metrics is not None and not model._compile_metrics.built:
        compute_output_spec(
            model.compute_metrics, x, y, y_pred, sample_weight=sample_weight
        )
    if model._compile_loss is not None and not model._compile_loss.built:
        compute_output_spec(
            model._compute_loss, x, y, y_pred, sample_weight=sample_weight, training=False
        )
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    model._post_build()
    return True


def in_shape_inference():
    """Whether Keras is only asking for output shapes (``compute_output_spec``,
    as when it builds a loss), not computing values."""
    from keras.src.backend.common.symbolic_scope import in_symbolic_scope

    return in_symbolic_scope()


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
    if not _build_from_output_spec(model, data_batch):
        symbolic_build = getattr(model, "_symbolic_build", None)
        if symbolic_build is not None:
            # What Keras itself does before training on the JAX backend.
            symbolic_build(data_batch=data_batch)
        elif not model.optimizer.built:  # pragma: no cover - older Keras
            model.optimizer.build(model.trainable_variables)
    if not _on_tensorflow():
        compile_steps(model)
        return
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


def fused_adam_update(optimizer, gradient, variable, learning_rate):
    """Apply one Adam update with TensorFlow's fused ``ResourceApplyAdam`` kernel.

    The kernel implements Keras's update rule (bias-corrected step size, epsilon
    added to the root of the second moment) in one pass, updating the weight and
    both moments in place. The step's scalars (the powers of the betas, the
    learning rate) are computed once per traced step and dtype, not once per
    weight. Returns False, having done nothing, on other backends, with AMSGrad
    and for sparse (``IndexedSlices``) gradients.
    """
    if not _on_tensorflow() or optimizer.amsgrad:
        return False
    import tensorflow as tf

    if isinstance(gradient, tf.IndexedSlices):
        return False
    index = optimizer._get_variable_index(variable)
    first, second = optimizer._momentums[index], optimizer._velocities[index]
    scalars = _adam_scalars(tf, optimizer, variable.dtype, learning_rate)
    tf.raw_ops.ResourceApplyAdam(
        var=variable.handle,
        m=first.handle,
        v=second.handle,
        grad=tf.cast(gradient, variable.dtype),
        **scalars,
    )
    return True


#: optimizer -> (weak reference to the graph being traced, learning rate, {dtype: scalars});
#: an entry lives while one ``apply`` is traced (see :func:`forget_adam_scalars`).
_ADAM_SCALARS = weakref.WeakKeyDictionary()


def forget_adam_scalars(optimizer):
    """Drop the step scalars shared while ``optimizer.apply`` was traced."""
    _ADAM_SCALARS.pop(optimizer, None)


def _adam_scalars(tf, optimizer, dtype, learning_rate):
    """The scalar arguments of ``ResourceApplyAdam`` for one step, in ``dtype``.

    While a step is traced they are built once and shared by every weight of the
    same dtype (the graph would otherwise hold a copy per weight); eagerly they
    are computed afresh on each call.
    """
    cached = None
    if not tf.executing_eagerly():
        graph = tf.compat.v1.get_default_graph()
        cached = _ADAM_SCALARS.get(optimizer)
        if cached is None or cached[0]() is not graph or cached[1] is not learning_rate:
            cached = (weakref.ref(graph), learning_rate, {})
            _ADAM_SCALARS[optimizer] = cached
        if dtype in cached[2]:
            return cached[2][dtype]
    step = tf.cast(optimizer.iterations + 1, dtype)
    beta_1 = tf.cast(optimizer.beta_1, dtype)
    beta_2 = tf.cast(optimizer.beta_2, dtype)
    scalars = {
        "beta1_power": tf.pow(beta_1, step),
        "beta2_power": tf.pow(beta_2, step),
        "lr": tf.cast(learning_rate, dtype),
        "beta1": beta_1,
        "beta2": beta_2,
        "epsilon": tf.cast(optimizer.epsilon, dtype),
    }
    if cached is not None:
        cached[2][dtype] = scalars
    return scalars


def sum_of_squares(x):
    """``sum(x ** 2)``; on TensorFlow without a temporary the size of ``x``."""
    if _on_tensorflow():
        import tensorflow as tf

        return 2.0 * tf.nn.l2_loss(x)
    return keras.ops.sum(keras.ops.square(x))


def release_kernel_cache():
    """Drop the eager context's cached kernels; they are rebuilt on demand.

    This is what ``keras.backend.clear_session()`` does to TensorFlow's eager
    context, without touching Keras's global state: live models stay valid and
    their next call instantiates its kernels once more.
    """
    if not _on_tensorflow():
        return
    from tensorflow.python.eager import context

    context.context().clear_kernel_cache()


def out_of_memory_errors():
    """The exception types that mean the backend could not allocate a tensor."""
    if not _on_tensorflow():
        return (MemoryError,)
    import tensorflow as tf

    return (MemoryError, tf.errors.ResourceExhaustedError)
