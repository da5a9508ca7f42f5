"""Fitted networks for serving: ONNX and TensorFlow SavedModel, through Keras.

:func:`serving_model` wraps an estimator's network in the steps that its
``predict_proba`` (classifiers) or ``predict`` (regressors) take in NumPy, so
that the exported graph returns what the estimator returns:

* in front, the input scaling seen in fit (numeric series are standardized per
  channel, ``SequenceInput._serving_inputs``);
* behind, the head's decoding (``_serving_outputs``): two columns for a binary
  classifier, the softmax renormalized for a multiclass one, the target scale
  and offset of a regressor (in float64).

:func:`export` hands that model to ``keras.Model.export``: ONNX goes through
``tf2onnx`` (TensorFlow backend), a SavedModel through TensorFlow. The graph's
input keeps the network's name (``token_ids``, ``features``, ``sequences``) and
its output is renamed ``probabilities`` or ``predictions``.
"""

import contextlib
import importlib.util
import logging
import os
import warnings

import keras

from .._quiet import quiet_native_logs

FORMATS = ("onnx", "tf_saved_model")


def serving_model(estimator):
    """A ``keras.Model`` from the estimator's validated input to its predictions."""
    inputs, x = estimator._serving_inputs()
    outputs = estimator._serving_outputs(estimator.model_(x, training=False))
    return keras.Model(inputs, outputs, name=f"{estimator.model_.name}_serving")


def export(estimator, path, format):
    """Write ``estimator``'s :func:`serving_model` to ``path`` in ``format``."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}, got {format!r}.")
    if format == "onnx":
        _check_onnx_converter()
    model = serving_model(estimator)
    path = os.fspath(path)
    with quiet_native_logs(), _quiet_conversion():
        # The signature is the input itself: the model is never called here.
        model.export(path, format=format, verbose=False, input_signature=model.inputs)
    if format == "onnx":
        _rename_output(path, estimator._serving_output_name)


#: The modules that an ONNX export imports: the converter, and ``onnx`` for the
#: output's name (both come with the ``onnx`` extra).
_ONNX_MODULES = ("tf2onnx", "onnx")


def _check_onnx_converter():
    """Raise an ImportError naming the extra when the ONNX converter is missing,
    before Keras reaches for it (its own error does not say how to install it)."""
    missing = [name for name in _ONNX_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            f"Exporting to ONNX needs {' and '.join(missing)}, which sknn_text's "
            'onnx extra installs: pip install "sknn_text[onnx]" (from a checkout: '
            "pip install -e \".[onnx]\"). format=\"tf_saved_model\" needs only "
            "TensorFlow."
        )


class _DropConverterNotes(logging.Filter):
    """tf2onnx logs notes about its own optimizations to the root logger."""

    def filter(self, record):
        return record.name != "root" or record.levelno > logging.WARNING


@contextlib.contextmanager
def _quiet_conversion():
    root = logging.getLogger()
    notes = _DropConverterNotes()
    root.addFilter(notes)
    try:
        with warnings.catch_warnings():
            # Keras's tf2onnx patch probes np.object, which NumPy 2 warns about.
            warnings.filterwarnings("ignore", "In the future `np.object`", FutureWarning)
            yield
    finally:
        root.removeFilter(notes)


def _rename_output(path, name):
    """Give the ONNX graph's single output ``name`` (tf2onnx calls it ``Identity:0``)."""
    import onnx

    model = onnx.load(path)
    (output,) = model.graph.output
    old = output.name
    for node in model.graph.node:
        node.output[:] = [name if value == old else value for value in node.output]
    output.name = name
    onnx.save(model, path)
