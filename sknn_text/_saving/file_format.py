"""A file format for fitted estimators and pipelines that loads without running code.

``pickle`` and ``joblib`` rebuild arbitrary Python objects, so loading a pickle
from an untrusted source can execute any code. A file written by
``sknn_text.save`` (or ``estimator.save``) holds data only, in one zip archive.
For one estimator (format version 1):

* ``sknn_text.json``: the format, the versions of sknn_text and Keras that wrote
  it, the estimator's class name (one of the registry's classes, see
  ``_registry``, or a scikit-learn text step of ``encoding.SKLEARN_STEPS``) and
  whether the optimizer's state was kept;
* ``params.json``: the constructor parameters;
* ``fitted.json``: the fitted attributes (``classes_``, ``history_``, the target
  and input scaling, a vectorizer's vocabulary...), as tagged JSON (``encoding``);
* ``model.keras``: the network in Keras's own format, weights and architecture,
  loaded with ``keras.saving.load_model(..., safe_mode=True)``, which refuses
  ``Lambda`` layers and any other serialized code (absent for other steps).

A pipeline (format version 2) names its steps in ``sknn_text.json`` and stores
step ``i`` as above under ``steps/<i>/``. Anything else is refused when saving.

This module writes and reads the archive; :func:`sknn_text.load` (in ``io``)
turns what :func:`read` returns back into an estimator or a pipeline.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from sklearn.pipeline import Pipeline

from .._registry import class_modules, is_registered
from .._version import __version__
from .encoding import (
    SKLEARN_FITTED,
    SKLEARN_STEP_NAMES,
    SKLEARN_STEPS,
    Unsaveable,
    decode,
    encode,
    split_state,
)
from .model_bytes import model_to_bytes

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

FORMAT = "sknn_text"
ESTIMATOR_VERSION, PIPELINE_VERSION = 1, 2
_HEADER, _PARAMS, _FITTED, _MODEL = (
    "sknn_text.json",
    "params.json",
    "fitted.json",
    "model.keras",
)
#: The entry of a parameter stored as an estimator of its own (``_write_step``).
_ESTIMATOR = "__estimator__"
#: What a pipeline step that does nothing is stored as.
_PASSTHROUGH = ("passthrough", None)


def fitted_attribute_names(cls):
    """Every fitted attribute an instance of ``cls`` may hold besides ``model_``.

    Each class of the MRO declares the ones it sets in ``_fitted_attributes``.
    """
    names = set(SKLEARN_FITTED)
    for klass in cls.__mro__:
        names.update(vars(klass).get("_fitted_attributes", ()))
    names.discard("model_")
    return frozenset(names)


def transient_attribute_names(cls):
    """Caches derived from ``model_`` (``_transient_attributes`` of the MRO): never
    pickled nor saved, rebuilt when needed."""
    return frozenset(
        name for klass in cls.__mro__ for name in vars(klass).get("_transient_attributes", ())
    )


def drop_transient_attributes(estimator):
    """Forget ``estimator``'s transient attributes (before its weights change)."""
    for name in transient_attribute_names(type(estimator)):
        vars(estimator).pop(name, None)


def storable_names():
    """Class names the format stores: the registry's and the scikit-learn steps."""
    return sorted({*class_modules(), *SKLEARN_STEP_NAMES})


def _encode_all(values, what, hint):
    encoded = {}
    for name, value in values.items():
        try:
            encoded[name] = encode(value)
        except Unsaveable as error:
            raise ValueError(
                f"Cannot save {what} {name!r}: it holds {error}, which the "
                f"sknn_text format does not store (it keeps data, never code). "
                f"{hint}"
            ) from None
    return encoded


# ---------------------------------------------------------------------- save
def save(
    estimator: BaseEstimator,
    path: str | os.PathLike | BinaryIO,
    *,
    include_optimizer: bool = True,
) -> None:
    """Write an estimator or a pipeline to ``path`` in the sknn_text format.

    See ``sknn_text.save`` for the parameters.
    """
    steps = None
    if isinstance(estimator, Pipeline):
        steps = _pipeline_steps(estimator)
    else:
        _check_storable(estimator)
    header = {
        "format": FORMAT,
        "format_version": ESTIMATOR_VERSION if steps is None else PIPELINE_VERSION,
        "sknn_text_version": __version__,
        "keras_version": None,
        "include_optimizer": bool(include_optimizer),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if steps is None:
            header["estimator"] = type(estimator).__name__
            has_model = _write_step(archive, "", estimator, include_optimizer)
        else:
            has_model = False
            for index, (_, step) in enumerate(steps):
                if step not in _PASSTHROUGH:
                    prefix = f"steps/{index}/"
                    has_model |= _write_step(archive, prefix, step, include_optimizer)
            params = estimator.get_params(deep=False)
            del params["steps"]
            header["pipeline"] = {
                "steps": [[name, _class_name(step)] for name, step in steps],
                "params": _encode_all(
                    params, "the Pipeline parameter", "Set it to None first."
                ),
            }
        if has_model:
            import keras

            header["keras_version"] = keras.__version__
        archive.writestr(_HEADER, json.dumps(header, indent=1))


def _class_name(step):
    return step if step in _PASSTHROUGH else type(step).__name__


def _check_storable(estimator, which=""):
    cls = type(estimator)
    if is_registered(cls) or cls in SKLEARN_STEPS:
        return
    steps = ", ".join(sorted(SKLEARN_STEP_NAMES))
    raise TypeError(
        f"Cannot save {cls.__module__}.{cls.__name__}{which} in the sknn_text "
        f"format: it stores sknn_text's own estimators, the scikit-learn steps "
        f"{steps}, and pipelines of these (not subclasses). Use pickle, joblib "
        "or skops.io for other estimators."
    )


def _pipeline_steps(pipeline):
    steps = list(pipeline.steps)
    for name, step in steps:
        if step in _PASSTHROUGH:
            continue
        _check_storable(step, f" (the pipeline step {name!r})")
    return steps


def _write_step(archive, prefix, estimator, include_optimizer):
    """Write one estimator's members under ``prefix``; return whether it has a model."""
    name = type(estimator).__name__
    if is_registered(type(estimator)):
        params = estimator.get_params(deep=False)
        transient = transient_attribute_names(type(estimator))
        state = {
            k: v for k, v in vars(estimator).items() if k not in params and k not in transient
        }
        unknown = sorted(set(state) - fitted_attribute_names(type(estimator)) - {"model_"})
    else:
        params, state, unknown = split_state(estimator, SKLEARN_STEPS[type(estimator)])
    model = state.pop("model_", None)
    if unknown:
        raise ValueError(
            f"Cannot save {name}: the fitted attribute(s) {unknown} are not part of "
            "the sknn_text format; use pickle or joblib."
        )
    # A parameter that is itself one of our estimators (``pretrained``: a fitted
    # language model) is stored whole, as a copy, under params/<name>/.
    nested = {k: v for k, v in params.items() if is_registered(type(v))}
    has_nested = False
    for key, value in nested.items():
        has_nested |= _write_step(archive, f"{prefix}params/{key}/", value, include_optimizer)
    encoded_params = _encode_all(
        {k: v for k, v in params.items() if k not in nested},
        "the parameter",
        "Set it to a plain value with set_params before saving (callbacks are "
        "only used during fit, so callbacks=None loses nothing), or use pickle "
        "or joblib for files you trust.",
    )
    encoded_params.update({k: {_ESTIMATOR: type(v).__name__} for k, v in nested.items()})
    encoded_state = _encode_all(state, "the fitted attribute", "Use pickle or joblib.")
    archive.writestr(prefix + _PARAMS, json.dumps(encoded_params, indent=1))
    archive.writestr(prefix + _FITTED, json.dumps(encoded_state))
    if model is not None:
        data = model_to_bytes(model, include_optimizer=include_optimizer)
        archive.writestr(prefix + _MODEL, data)
    return model is not None or has_nested


# ---------------------------------------------------------------------- read
@dataclass
class SavedEstimator:
    """One checked estimator of a file written by :func:`save`."""

    name: str
    params: dict
    state: dict
    model_bytes: bytes | None


@dataclass
class SavedFile:
    """The checked contents of a file written by :func:`save`.

    ``estimator`` is set for a file of one estimator; ``steps`` (pairs of a
    step name and a :class:`SavedEstimator`, ``"passthrough"`` or None) and
    ``pipeline_params`` for a pipeline.
    """

    estimator: SavedEstimator | None
    steps: list | None
    pipeline_params: dict | None
    include_optimizer: bool
    version: str | None
    where: str


def read(path: str | os.PathLike | BinaryIO) -> SavedFile:
    """Read and check a file written by :func:`save`; nothing is executed.

    Raises ``ValueError`` if the file is not a complete, valid sknn_text file
    or names a class that the format does not store.
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
            version = header.get("format_version")
            estimator, steps, pipeline_params = None, None, None
            if version == ESTIMATOR_VERSION:
                estimator = _read_step(archive, "", header.get("estimator"))
            elif version == PIPELINE_VERSION:
                steps, pipeline_params = _read_pipeline(archive, header.get("pipeline"))
            else:
                raise ValueError(
                    f"it uses format version {version!r}, and this sknn_text "
                    f"({__version__}) reads versions {ESTIMATOR_VERSION} and "
                    f"{PIPELINE_VERSION}"
                )
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
    return SavedFile(
        estimator,
        steps,
        pipeline_params,
        header.get("include_optimizer", True) is not False,
        header.get("sknn_text_version"),
        where,
    )


def _read_step(archive, prefix, name):
    if not isinstance(name, str) or name not in storable_names():
        raise ValueError(f"{name!r} is not a class that the sknn_text format stores")
    params = _read_json(archive, prefix + _PARAMS)
    if not isinstance(params, dict):
        raise ValueError(f"{_PARAMS} does not hold a mapping")
    nested = {
        key: _read_step(archive, f"{prefix}params/{key}/", value[_ESTIMATOR])
        for key, value in params.items()
        if isinstance(value, dict) and set(value) == {_ESTIMATOR}
    }
    params = _decode_mapping({k: v for k, v in params.items() if k not in nested}, _PARAMS)
    params.update(nested)
    state = _decode_mapping(_read_json(archive, prefix + _FITTED), _FITTED)
    has_model = prefix + _MODEL in archive.namelist()
    model_bytes = archive.read(prefix + _MODEL) if has_model else None
    return SavedEstimator(name, params, state, model_bytes)


def _read_pipeline(archive, pipeline):
    if not isinstance(pipeline, dict) or not isinstance(pipeline.get("steps"), list):
        raise ValueError("its header does not list the pipeline's steps")
    steps = []
    for index, entry in enumerate(pipeline["steps"]):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ValueError(f"its pipeline step {index} is not a [name, class] pair")
        name, class_name = entry
        if class_name in _PASSTHROUGH:
            steps.append((name, class_name))
        else:
            steps.append((name, _read_step(archive, f"steps/{index}/", class_name)))
    params = _decode_mapping(pipeline.get("params", {}), "the pipeline parameters")
    return steps, params


def _describe(path):
    if hasattr(path, "read"):
        name = getattr(path, "name", None)
        return repr(name) if isinstance(name, str) else "the file object"
    return repr(os.fspath(path))


def _decode_mapping(value, member):
    if not isinstance(value, dict):
        raise ValueError(f"{member} does not hold a mapping")
    return {name: decode(item) for name, item in value.items()}


def _read_json(archive, member):
    try:
        text = archive.read(member).decode("utf-8")
    except KeyError:
        raise ValueError(f"it lacks {member}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{member} is not valid JSON ({error})") from None
