"""How a fitted network leaves the process: pickled state, the sknn_text file.

:class:`PersistableNetwork` is a base of every network estimator. Its pickled
state (``__getstate__``) holds the Keras model as the bytes of its ``.keras``
file, which ``__setstate__`` loads with ``safe_mode=True``: pickle and joblib
work as before, and tools that walk an object's state instead of running it
(``skops.io``, and MLflow, which saves scikit-learn models with skops) see
plain data. A Keras optimizer given as the ``optimizer`` parameter is pickled
by its Keras config, for the same reason. ``save`` writes the code-free
sknn_text file (``file_format``), ``export`` the network for serving
(``export``).
"""

from __future__ import annotations

import contextlib
import os
from typing import BinaryIO

import keras
from sklearn.utils.validation import check_is_fitted

from .encoding import Unsaveable, decode, encode
from .export import export as export_network
from .file_format import save as save_estimator
from .file_format import transient_attribute_names
from .model_bytes import model_from_bytes, model_to_bytes


class PersistableNetwork:
    """Pickling and saving of an estimator whose network is ``model_``."""

    def __getstate__(self):
        state = dict(super().__getstate__())
        for name in transient_attribute_names(type(self)):
            state.pop(name, None)
        model = state.get("model_")
        if model is not None and not isinstance(model, bytes):
            state["model_"] = model_to_bytes(model)
        if not isinstance(state.get("optimizer"), (str, type(None))):
            with contextlib.suppress(Unsaveable):  # else pickled as it is
                state["optimizer"] = encode(state["optimizer"])
        return state

    def __setstate__(self, state):
        state = dict(state)
        model = state.get("model_")
        # Pickles made by sknn_text 0.1.0 hold the keras.Model itself (Keras pickles it).
        if isinstance(model, bytes):
            try:
                state["model_"] = model_from_bytes(model)
            except ValueError as error:
                raise ValueError(
                    f"Cannot unpickle {type(self).__name__}: its network (model_) "
                    f"{error}."
                ) from None
        if isinstance(state.get("optimizer"), dict):  # {"__keras_optimizer__": config}
            state["optimizer"] = decode(state["optimizer"])
        super().__setstate__(state)

    def save(
        self, path: str | os.PathLike | BinaryIO, *, include_optimizer: bool = True
    ) -> None:
        """Save the estimator to a file that loads without running any code.

        ``pickle`` and ``joblib`` work too, but loading a pickle executes
        whatever code the file asks for, so only trusted pickles are safe to
        load. The file written here holds JSON (the parameters and fitted
        attributes) and the network in Keras's ``.keras`` format;
        :func:`sknn_text.load` reads it back without executing code from it.
        :func:`sknn_text.save` saves whole pipelines the same way.

        Parameters
        ----------
        path : str, path-like or writable binary file object
            Where to write the file (a zip archive).
        include_optimizer : bool, default=True
            Keep the optimizer's state, which only further training
            (``warm_start``, ``partial_fit``) uses. Adam keeps two numbers per
            weight, so ``False`` makes the file about a third of the size; the
            loaded estimator predicts identically, and further training starts
            with a fresh optimizer state.

        Raises
        ------
        ValueError
            If a parameter cannot be stored as data, such as a list of Keras
            callbacks: set it to a plain value with ``set_params`` first.
            Optimizer instances are stored by their Keras config.

        See Also
        --------
        sknn_text.load : Load the file.
        sknn_text.save : Save an estimator or a whole pipeline.

        Examples
        --------
        >>> import numpy as np, sknn_text
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 10)
        >>> clf = sknn_text.MLPTextClassifier((4,), epochs=2, random_state=0)
        >>> clf = clf.fit(X, [0, 1] * 10)
        >>> import io
        >>> buffer = io.BytesIO()
        >>> clf.save(buffer)
        >>> loaded = sknn_text.load(buffer)
        >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
        True
        """
        save_estimator(self, path, include_optimizer=include_optimizer)

    def export(self, path: str | os.PathLike, format: str = "onnx") -> None:
        """Export the fitted network for serving, without Python or sknn_text.

        The exported graph computes what ``predict_proba`` (classifiers) or
        ``predict`` (regressors) return, from the input that the network reads
        after the estimator's checks. Its one input is, for a network fitted on

        * token ids (from ``TextTokenizer``): ``token_ids``, int32 of shape
          (batch, width), right-padded with 0, at most as wide as in fit;
        * a feature matrix (TF-IDF, counts): ``features``, float32 of shape
          (batch, ``n_features_in_``), dense;
        * numeric series: ``sequences``, float32 of shape (batch, steps,
          channels) in their raw scale (a 2-D series ``X`` is ``X[:, :, None]``).

        Its one output is ``probabilities`` (float32, (batch, n_classes),
        columns in the order of ``classes_``; for multilabel ``y`` one column
        per label) or ``predictions`` (float64, (batch,) or (batch, n_outputs),
        in the scale of ``y``). The tokenizer or vectorizer in front of the
        network is not part of the graph: run it (or an equivalent) first, and
        map columns to ``classes_`` after.

        Parameters
        ----------
        path : str or path-like
            The ``.onnx`` file, or the SavedModel's folder.
        format : {"onnx", "tf_saved_model"}, default="onnx"
            ONNX (run it with ``onnxruntime``; needs ``tf2onnx``, the ``onnx``
            extra) or a TensorFlow SavedModel (``tf.saved_model.load(path)
            .serve(x)``). Both need Keras's TensorFlow backend.

        See Also
        --------
        save : Keep the estimator itself, for Python.

        Examples
        --------
        >>> import numpy as np, onnxruntime, sknn_text, tempfile, os
        >>> X = np.array([[2, 3, 0], [4, 5, 6]] * 10)
        >>> clf = sknn_text.GRUTextClassifier(units=4, epochs=1, random_state=0)
        >>> clf = clf.fit(X, [0, 1] * 10)
        >>> path = os.path.join(tempfile.mkdtemp(), "gru.onnx")
        >>> clf.export(path)
        >>> session = onnxruntime.InferenceSession(path)
        >>> (proba,) = session.run(None, {"token_ids": X.astype(np.int32)})
        >>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
        True
        """
        check_is_fitted(self, "model_")
        export_network(self, path, format)

    def _serving_inputs(self):
        """The exported graph's input, and the tensor that the network reads."""
        spec = self.model_.inputs[0]
        inputs = keras.Input(batch_shape=spec.shape, dtype=spec.dtype, name=spec.name)
        return inputs, inputs
