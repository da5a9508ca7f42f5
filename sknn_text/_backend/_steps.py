"""Compiled train, evaluate and predict steps of one model (see the package docstring)."""

import weakref

import keras
import numpy as np

from .._loop.interrupts import deferred_interrupt
from .._quiet import quiet_first_call


def _on_tensorflow():
    return keras.backend.backend() == "tensorflow"


class _KerasSteps:
    """Train, evaluate and predict through Keras's own ``*_on_batch`` methods.

    Used on backends other than TensorFlow. Each call returns the batch's own
    metrics; :meth:`logs` averages them over the batches since :meth:`reset`,
    weighted by batch size.
    """

    def __init__(self, model):
        self.model = model
        self._sums, self._rows = {}, 0

    def reset(self):
        self._sums, self._rows = {}, 0

    def _accumulate(self, batch, logs):
        rows = int(batch[0].shape[0])
        for name, value in logs.items():
            self._sums[name] = self._sums.get(name, 0.0) + float(value) * rows
        self._rows += rows
        return logs

    def train(self, batch):
        return self._accumulate(
            batch, self.model.train_on_batch(*even_batch(batch), return_dict=True)
        )

    def evaluate(self, batch):
        return self._accumulate(
            batch, self.model.test_on_batch(*even_batch(batch), return_dict=True)
        )

    def logs(self):
        return {name: total / max(self._rows, 1) for name, total in self._sums.items()}


def data_parallel_shards():
    """Into how many shards the global ``keras.distribution`` splits each of
    this process's batches: the devices of its batch axis on this host (JAX
    only; 1 without a distribution)."""
    if keras.backend.backend() != "jax":
        return 1
    distribution = keras.distribution.distribution()
    mesh = getattr(distribution, "device_mesh", None)
    axis = getattr(distribution, "batch_dim_name", None)
    if mesh is None or axis not in mesh.axis_names:
        return 1
    import jax

    return max(1, int(mesh.shape[mesh.axis_names.index(axis)]) // jax.process_count())


def even_batch(batch):
    """``batch`` padded to a multiple of :func:`data_parallel_shards` rows.

    A data-parallel step gives each device an equal slice of the batch, so a
    last, smaller batch (13 rows on 2 devices) cannot be split. The padding
    rows are zeros with a sample weight of 0, and the real rows' weights are
    multiplied by ``padded / real``: Keras divides the weighted sum of the
    losses by the number of rows, padding included, so the loss, its gradient
    and the (weighted) metrics are those of the unpadded batch.
    """
    x, y, *weights = batch
    rows = x.shape[0]
    missing = -rows % data_parallel_shards()
    if not missing or not isinstance(x, np.ndarray):
        return batch
    if weights and weights[0] is not None:
        weight = weights[0]
    else:  # (rows, 1): Keras spreads it over a loss per row or per token alike
        weight = np.ones((rows, 1) if np.ndim(y) > 1 else rows)
    weight = np.asarray(weight, dtype=np.float32) * np.float32((rows + missing) / rows)

    def padded(array):
        array = np.asarray(array)
        return np.concatenate([array, np.zeros((missing, *array.shape[1:]), array.dtype)])

    return padded(x), padded(y), padded(weight)


class _TensorFlowSteps:
    """``model.train_step`` and ``model.test_step`` as ``tf.function`` steps traced once.

    The input signature leaves the batch axis open (and the time axis of
    token batches, which are trimmed to their longest row), so one trace
    serves every batch of a fit; Keras's own functions would trace again for
    the last, smaller batch and for every new width. The concrete functions
    are called directly (no signature lookup per step). The metrics accumulate
    in the model's trackers between resets, as in ``model.fit``; each step
    returns their running values, so the last step's are the epoch's, read
    once by :meth:`logs`. :meth:`reset` only marks the trackers: the next step
    empties them before its batch, inside the same compiled call (an epoch of
    one batch, common on small data, costs one call instead of two).
    """

    def __init__(self, model, batch, open_width):
        import tensorflow as tf

        signature = tuple(
            _open_spec(part, 2 if index == 0 and open_width else 1)
            for index, part in enumerate(batch)
        )
        self.model, self._last, self._signature = model, {}, signature
        self._flags = {True: tf.constant(True), False: tf.constant(False)}
        self._train = _concrete(tf, _resetting(model, model.train_step), signature)
        self._evaluate = None  # traced on first use: many fits never validate
        self._pending_reset = True

    def _call(self, step, batch):
        self._last = step(batch, self._flags[self._pending_reset])
        self._pending_reset = False
        return self._last

    def train(self, batch):
        return self._call(self._train, batch)

    def evaluate(self, batch):
        if self._evaluate is None:
            import tensorflow as tf

            step = _resetting(self.model, self.model.test_step)
            self._evaluate = _concrete(tf, step, self._signature)
        return self._call(self._evaluate, batch)

    def reset(self):
        self._pending_reset = True
        self._last = {}

    def logs(self):
        return {name: float(value) for name, value in self._last.items()}


def _resetting(model, step):
    """``step(batch)`` that first empties the metric trackers when ``reset``."""

    def run(batch, reset):
        import tensorflow as tf

        tf.cond(reset, lambda: _reset_metrics(model), lambda: tf.constant(False))
        return step(batch)

    return run


def _reset_metrics(model):
    import tensorflow as tf

    model.reset_metrics()
    return tf.constant(True)


def _concrete(tf, step, signature):
    specs = [signature, tf.TensorSpec((), tf.bool)]
    function = tf.function(step, input_signature=specs, jit_compile=False)
    return quiet_first_call(function.get_concrete_function())


def _open_spec(array, open_axes):
    """A ``tf.TensorSpec`` (or sparse spec) of ``array`` with its first axes open."""
    import tensorflow as tf

    shape = [None if axis < open_axes else size for axis, size in enumerate(array.shape)]
    if isinstance(array, tf.SparseTensor):
        return tf.SparseTensorSpec(shape, array.dtype)
    return tf.TensorSpec(shape, tf.as_dtype(array.dtype))


def training_steps(model, batch, *, open_width=False):
    """The compiled train and evaluate steps of ``model`` for batches like ``batch``.

    Parameters
    ----------
    model : keras.Model
        A compiled model, prepared with :func:`prepare_training`.
    batch : tuple
        One training batch ``(x, y[, sample_weight])``.
    open_width : bool, default=False
        Batches differ in their second axis (trimmed token ids).

    Returns
    -------
    steps : object
        With ``train(batch)``, ``evaluate(batch)``, ``reset()`` (forget the
        metrics) and ``logs()`` (the mean metrics since ``reset``, as floats).
    """
    if _on_tensorflow():
        return _TensorFlowSteps(model, batch, open_width)
    return _KerasSteps(model)


_PREDICTORS = weakref.WeakKeyDictionary()


def predict_on_batch(model, x):
    """``model(x)`` for one batch, with a predict step compiled once per model.

    On TensorFlow the step is a ``tf.function`` whose signature leaves the batch
    axis (and the width of token batches) open, kept for as long as the model
    lives; elsewhere Keras's ``predict_on_batch``.
    """
    if not _on_tensorflow():
        compile_steps(model)
        return model.predict_on_batch(x)
    predictor = _PREDICTORS.get(model)
    if predictor is None:
        import tensorflow as tf

        integer = not _is_sparse(x) and np.asarray(x).dtype.kind in "iu"
        spec = _open_spec(x, 2 if integer else 1)
        # A weak reference: the cached function must not keep its model alive.
        reference = weakref.ref(model)

        def predict(inputs):
            return reference()(inputs, training=False)

        # A Ctrl-C while the step is traced is raised once the trace is done.
        with deferred_interrupt() as interrupted:
            predictor = tf.function(predict, input_signature=[spec], jit_compile=False)
            predictor = quiet_first_call(predictor)
            outputs = predictor(x)
        if interrupted():
            raise KeyboardInterrupt
        _PREDICTORS[model] = predictor
        return outputs
    return predictor(x)


def _is_sparse(x):
    return type(x).__name__ in ("SparseTensor", "BCOO")


def compile_steps(model):
    """Have Keras compile the train and predict steps where the backend needs it.

    sknn_text compiles its models with ``jit_compile=False``: on TensorFlow that
    runs them as a ``tf.function`` without XLA, which takes sparse inputs and
    open-width token batches. On JAX it would run every step op by op (and
    compile each recurrent layer's scan at every batch), so there the steps are
    ``jax.jit``-compiled, as Keras does by default. This also covers a model
    loaded from a file or a pickle, whose compile settings come from the file.
    Nothing changes on TensorFlow.
    """
    if keras.backend.backend() != "jax" or getattr(model, "jit_compile", True):
        return
    model.jit_compile = True
    # Steps made before the change would keep running op by op.
    model.train_function = model.test_function = model.predict_function = None
