"""A Keras model as the bytes of its ``.keras`` file, and back in safe mode.

The ``.keras`` format is a zip archive of JSON (the architecture, the compile
settings) and the weights; :func:`model_from_bytes` loads it with
``safe_mode=True``, which refuses ``Lambda`` layers and any other serialized
code, so bytes from an untrusted source rebuild a network and nothing else.
Both the sknn_text file format and the pickled state of an estimator hold
their network this way. Keras is imported on first use only.
"""

import os
import tempfile
import warnings
import zipfile

_NAME = "model.keras"


def model_to_bytes(model, *, include_optimizer=True):
    """The ``.keras`` file of ``model``, as bytes.

    Parameters
    ----------
    model : keras.Model
        A built model, compiled or not.
    include_optimizer : bool, default=True
        Keep the optimizer's state (Adam's two moments per weight: twice the
        size of the weights), which only further training needs. When False,
        the file holds the weights and the compile settings with a fresh,
        unbuilt optimizer: it predicts identically, and training it again
        starts a new optimizer state.

    Returns
    -------
    data : bytes
    """
    if not include_optimizer and getattr(model, "optimizer", None) is not None:
        model = _without_optimizer_state(model)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, _NAME)
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def _without_optimizer_state(model):
    """A copy of ``model`` with the same weights and a fresh, unbuilt optimizer."""
    import keras

    # From the config, as loading does: clone_model drops an input's sparse=True.
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    # compile_from_config would also build the optimizer's variables.
    config = keras.saving.deserialize_keras_object(model.get_compile_config())
    copy.compile(**config)
    return copy


def model_from_bytes(data, *, fresh_optimizer=False):
    """The model in ``data`` (a ``.keras`` file), loaded with ``safe_mode=True``.

    Parameters
    ----------
    data : bytes
        A ``.keras`` file.
    fresh_optimizer : bool, default=False
        The file was written with ``include_optimizer=False``: Keras's warning
        that the optimizer's saved variables do not match is expected, and is
        not shown.

    Raises
    ------
    ValueError
        With the reason as its message ("is not a Keras model archive", "could
        not be loaded in safe mode (...)"), for the caller to put in context.
    """
    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, _NAME)
        with open(path, "wb") as file:
            file.write(data)
        if not zipfile.is_zipfile(path):
            raise ValueError("is not a Keras model archive")
        try:
            with warnings.catch_warnings():
                if fresh_optimizer:
                    warnings.filterwarnings(
                        "ignore", "Skipping variable loading for optimizer", UserWarning
                    )
                return keras.saving.load_model(path, safe_mode=True)
        except Exception as error:  # any failure to load means bad bytes
            raise ValueError(
                f"could not be loaded in safe mode ({type(error).__name__}: {error})"
            ) from error
