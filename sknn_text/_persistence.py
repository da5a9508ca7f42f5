"""A file format for fitted sknn_text estimators that loads without running code.

``pickle`` and ``joblib`` rebuild arbitrary Python objects, so loading a pickle
from an untrusted source can execute any code. A file written by
``estimator.save(path)`` holds data only, in one zip archive:

* ``sknn_text.json``: the format, the versions of sknn_text and Keras that wrote
  it, and the estimator's class name (one of the registry's classes, see
  ``_registry``);
* ``params.json``: the constructor parameters;
* ``fitted.json``: the fitted attributes (``classes_``, ``history_``, the target
  and input scaling, ...), NumPy arrays stored as lists with their dtype;
* ``model.keras``: the network in Keras's own format, weights and architecture,
  loaded with ``keras.saving.load_model(..., safe_mode=True)``, which refuses
  ``Lambda`` layers and any other serialized code (absent for ``TextTokenizer``).

JSON values carry tags for what JSON lacks: tuples, dicts with non-string keys,
NumPy arrays and scalars, a ``RandomState`` and a Keras optimizer (by its Keras
config). Loading rebuilds only these; anything else is refused when saving.

This module writes and reads the archive; :func:`sknn_text.load` (in ``_io``)
turns what :func:`read` returns back into an estimator.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from ._registry import class_modules, is_registered
from ._version import __version__
from .embeddings import WordVectors

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

FORMAT = "sknn_text"
FORMAT_VERSION = 1
_HEADER, _PARAMS, _FITTED, _MODEL = (
    "sknn_text.json",
    "params.json",
    "fitted.json",
    "model.keras",
)

#: Fitted attributes that scikit-learn itself may set on any estimator.
_SKLEARN_FITTED = ("n_features_in_", "feature_names_in_", "_sklearn_output_config")


def fitted_attribute_names(cls):
    """Every fitted attribute an instance of ``cls`` may hold besides ``model_``.

    Each class of the MRO declares the ones it sets in ``_fitted_attributes``.
    """
    names = set(_SKLEARN_FITTED)
    for klass in cls.__mro__:
        names.update(vars(klass).get("_fitted_attributes", ()))
    names.discard("model_")
    return frozenset(names)


class _Unsaveable(TypeError):
    """A value that the format cannot store; ``where`` says which one."""


# ------------------------------------------------------------------ encoding
def _encode(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise _Unsaveable(f"an array of dtype {value.dtype}")
        return {
            "__ndarray__": _encode(value.ravel().tolist()),
            "dtype": value.dtype.str,
            "shape": list(value.shape),
        }
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biufU":
            raise _Unsaveable(f"a NumPy scalar of dtype {value.dtype}")
        return {"__scalar__": value.item(), "dtype": value.dtype.str}
    if type(value) in (int, float):
        return value
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, np.random.RandomState):
        return {"__random_state__": _encode(value.get_state())}
    if isinstance(value, WordVectors):
        return {"__word_vectors__": [list(value.words), _encode(np.asarray(value.matrix))]}
    optimizer_config = _optimizer_config(value)
    if optimizer_config is not None:
        return {"__keras_optimizer__": optimizer_config}
    raise _Unsaveable(f"an object of type {type(value).__name__}")


def _optimizer_config(value):
    if not type(value).__module__.startswith("keras"):
        return None
    import keras

    if not isinstance(value, keras.optimizers.Optimizer):
        return None
    return keras.saving.serialize_keras_object(value)


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biufUO":
            raise ValueError(f"unsupported array dtype {dtype}")
        items = _decode(value["__ndarray__"])
        if dtype.kind == "O":
            array = np.empty(len(items), dtype=object)
            array[:] = items
        else:
            array = np.array(items, dtype=dtype)
        return array.reshape(value["shape"])
    if "__scalar__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biufU":
            raise ValueError(f"unsupported scalar dtype {dtype}")
        return dtype.type(value["__scalar__"])
    if "__tuple__" in value:
        return tuple(_decode(item) for item in value["__tuple__"])
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__word_vectors__" in value:
        words, matrix = value["__word_vectors__"]
        return WordVectors([str(word) for word in words], _decode(matrix))
    if "__random_state__" in value:
        state = np.random.RandomState()
        state.set_state(_decode(value["__random_state__"]))
        return state
    if "__keras_optimizer__" in value:
        import keras

        config = value["__keras_optimizer__"]
        cls = getattr(keras.optimizers, str(config.get("class_name")), None)
        if not (isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer)):
            raise ValueError("the optimizer entry is not a Keras optimizer")
        return keras.saving.deserialize_keras_object(config, safe_mode=True)
    raise ValueError(f"unknown entry with keys {sorted(value)}")


def _encode_all(values, what, hint):
    encoded = {}
    for name, value in values.items():
        try:
            encoded[name] = _encode(value)
        except _Unsaveable as error:
            raise ValueError(
                f"Cannot save {what} {name!r}: it holds {error}, which the "
                f"sknn_text format does not store (it keeps data, never code). "
                f"{hint}"
            ) from None
    return encoded


# ---------------------------------------------------------------------- save
def save(estimator: BaseEstimator, path: str | os.PathLike | BinaryIO) -> None:
    """Write ``estimator`` to ``path`` in the sknn_text format.

    Parameters
    ----------
    estimator : BaseTextNetwork or TextTokenizer
        An estimator of one of sknn_text's own classes, fitted or not.
    path : str, path-like or writable binary file object
        Where to write the zip archive (``.sknn`` is a good suffix).
    """
    name = type(estimator).__name__
    if not is_registered(type(estimator)):
        raise TypeError(
            f"Only sknn_text's own estimators can be saved in the sknn_text format, "
            f"not {type(estimator).__module__}.{name}; use pickle or joblib for "
            "subclasses and pipelines."
        )
    params = estimator.get_params(deep=False)
    state = {k: v for k, v in vars(estimator).items() if k not in params}
    model = state.pop("model_", None)
    unknown = sorted(set(state) - fitted_attribute_names(type(estimator)))
    if unknown:
        raise ValueError(
            f"Cannot save {name}: the fitted attribute(s) {unknown} are not part of "
            "the sknn_text format; use pickle or joblib."
        )
    encoded_params = _encode_all(
        params,
        "the parameter",
        "Set it to a plain value with set_params before saving (callbacks are "
        "only used during fit, so callbacks=None loses nothing), or use pickle "
        "or joblib for files you trust.",
    )
    encoded_state = _encode_all(state, "the fitted attribute", "Use pickle or joblib.")
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sknn_text_version": __version__,
        "keras_version": _keras_version(model),
        "estimator": name,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_HEADER, json.dumps(header, indent=1))
        archive.writestr(_PARAMS, json.dumps(encoded_params, indent=1))
        archive.writestr(_FITTED, json.dumps(encoded_state))
        if model is not None:
            with tempfile.TemporaryDirectory() as folder:
                model_path = os.path.join(folder, _MODEL)
                model.save(model_path)
                archive.write(model_path, _MODEL)


def _keras_version(model):
    if model is None:
        return None
    import keras

    return keras.__version__


# ---------------------------------------------------------------------- read
@dataclass
class SavedEstimator:
    """The checked contents of a file written by :func:`save`."""

    name: str
    params: dict
    state: dict
    model_bytes: bytes | None
    version: str | None
    where: str


def read(path: str | os.PathLike | BinaryIO) -> SavedEstimator:
    """Read and check a file written by :func:`save`; nothing is executed.

    Raises ``ValueError`` if the file is not a complete, valid sknn_text file
    or names a class that is not registered.
    """
    where = _describe(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValueError(
            f"{where} is not a valid sknn_text file: not a readable zip archive "
            f"({error})."
        ) from None
    with archive:
        try:
            header = _read_json(archive, _HEADER)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError("its header does not name the sknn_text format")
            if header.get("format_version") != FORMAT_VERSION:
                raise ValueError(
                    f"it uses format version {header.get('format_version')!r}, and "
                    f"this sknn_text ({__version__}) reads version {FORMAT_VERSION}"
                )
            name = header.get("estimator")
            if not isinstance(name, str) or name not in class_modules():
                raise ValueError(f"{name!r} is not an sknn_text estimator class")
            params = _decode_mapping(_read_json(archive, _PARAMS), _PARAMS)
            state = _decode_mapping(_read_json(archive, _FITTED), _FITTED)
            has_model = _MODEL in archive.namelist()
            model_bytes = archive.read(_MODEL) if has_model else None
        except (
            KeyError,
            ValueError,
            TypeError,
            EOFError,
            OSError,
            RuntimeError,
            zipfile.BadZipFile,
            zlib.error,
        ) as error:
            raise ValueError(
                f"{where} is not a valid sknn_text file: {error}."
            ) from None
    return SavedEstimator(
        name, params, state, model_bytes, header.get("sknn_text_version"), where
    )


def _describe(path):
    if hasattr(path, "read"):
        name = getattr(path, "name", None)
        return repr(name) if isinstance(name, str) else "the file object"
    return repr(os.fspath(path))


def _decode_mapping(value, member):
    if not isinstance(value, dict):
        raise ValueError(f"{member} does not hold a mapping")
    return {name: _decode(item) for name, item in value.items()}


def _read_json(archive, member):
    try:
        text = archive.read(member).decode("utf-8")
    except KeyError:
        raise ValueError(f"it lacks {member}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{member} is not valid JSON ({error})") from None


def load_model(model_bytes, where):
    import keras

    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, _MODEL)
        with open(model_path, "wb") as file:
            file.write(model_bytes)
        if not zipfile.is_zipfile(model_path):
            raise ValueError(
                f"{where} is not a valid sknn_text file: its {_MODEL} is not a "
                "Keras model archive."
            )
        try:
            return keras.saving.load_model(model_path, safe_mode=True)
        except Exception as error:  # any failure to load means a bad file
            raise ValueError(
                f"{where} is not a valid sknn_text file: its Keras model could not "
                f"be loaded in safe mode ({type(error).__name__}: {error})."
            ) from error
