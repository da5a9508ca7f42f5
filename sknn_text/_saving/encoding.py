"""Values as tagged JSON, for the sknn_text file format: data in, data out.

:func:`encode` turns a parameter or fitted attribute into JSON; what JSON lacks
is written as a one-key object naming its kind: tuples, dicts with non-string
keys, NumPy arrays, scalars and scalar types (a vectorizer's ``dtype``), a
``RandomState``, :class:`~sknn_text.WordVectors`, a Keras optimizer (by its
Keras config) and the scikit-learn text steps of :data:`SKLEARN_STEPS` (by
their parameters and fitted attributes). :func:`decode` rebuilds only these;
anything else is refused when saving (:class:`Unsaveable`) and when loading
(``ValueError``). Nothing in a file names a function or a class outside these
lists, so loading one cannot run code.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.preprocessing import Normalizer

from ..embeddings import WordVectors

#: Fitted attributes that scikit-learn itself may set on any estimator.
SKLEARN_FITTED = ("n_features_in_", "feature_names_in_", "_sklearn_output_config")

_VECTORIZER_FITTED = ("vocabulary_", "fixed_vocabulary_", "stop_words_")

#: The scikit-learn steps the format stores, with the fitted attributes it keeps.
SKLEARN_STEPS = {
    CountVectorizer: _VECTORIZER_FITTED,
    TfidfVectorizer: (*_VECTORIZER_FITTED, "_tfidf"),
    TfidfTransformer: ("idf_",),
    HashingVectorizer: (),
    Normalizer: (),
}
SKLEARN_STEP_NAMES = {cls.__name__: cls for cls in SKLEARN_STEPS}

#: Fitted attributes that are caches, rebuilt on use and not saved.
_CACHES = ("_stop_words_id",)


class Unsaveable(TypeError):
    """A value that the format cannot store; the message says what it is."""


def encode(value):
    """``value`` as JSON-compatible data; raises :class:`Unsaveable`."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUO":
            raise Unsaveable(f"an array of dtype {value.dtype}")
        return {
            "__ndarray__": encode(value.ravel().tolist()),
            "dtype": value.dtype.str,
            "shape": list(value.shape),
        }
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biufU":
            raise Unsaveable(f"a NumPy scalar of dtype {value.dtype}")
        return {"__scalar__": value.item(), "dtype": value.dtype.str}
    if isinstance(value, type) and issubclass(value, np.number):
        return {"__scalar_type__": np.dtype(value).str}
    if type(value) in (int, float):
        return value
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, np.random.RandomState):
        return {"__random_state__": encode(value.get_state())}
    if isinstance(value, WordVectors):
        return {"__word_vectors__": [list(value.words), encode(np.asarray(value.matrix))]}
    if type(value) in SKLEARN_STEPS:
        return {"__sklearn_step__": sklearn_step_record(value)}
    optimizer_config = _optimizer_config(value)
    if optimizer_config is not None:
        return {"__keras_optimizer__": optimizer_config}
    raise Unsaveable(f"an object of type {type(value).__name__}")


def _optimizer_config(value):
    if not type(value).__module__.startswith("keras"):
        return None
    import keras

    if not isinstance(value, keras.optimizers.Optimizer):
        return None
    return keras.saving.serialize_keras_object(value)


def decode(value):
    """The value that :func:`encode` wrote; raises ``ValueError`` for anything else."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        dtype = _dtype(value["dtype"], "biufUO", "array")
        items = decode(value["__ndarray__"])
        if dtype.kind == "O":
            array = np.empty(len(items), dtype=object)
            array[:] = items
        else:
            array = np.array(items, dtype=dtype)
        return array.reshape(value["shape"])
    if "__scalar__" in value:
        return _dtype(value["dtype"], "biufU", "scalar").type(value["__scalar__"])
    if "__scalar_type__" in value:
        return _dtype(value["__scalar_type__"], "biuf", "scalar type").type
    if "__tuple__" in value:
        return tuple(decode(item) for item in value["__tuple__"])
    if "__dict__" in value:
        return {decode(k): decode(v) for k, v in value["__dict__"]}
    if "__word_vectors__" in value:
        words, matrix = value["__word_vectors__"]
        return WordVectors([str(word) for word in words], decode(matrix))
    if "__random_state__" in value:
        state = np.random.RandomState()
        state.set_state(decode(value["__random_state__"]))
        return state
    if "__sklearn_step__" in value:
        record = value["__sklearn_step__"]
        return build_sklearn_step(
            record["class"], decode(record["params"]), decode(record["fitted"])
        )
    if "__keras_optimizer__" in value:
        import keras

        config = value["__keras_optimizer__"]
        cls = getattr(keras.optimizers, str(config.get("class_name")), None)
        if not (isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer)):
            raise ValueError("the optimizer entry is not a Keras optimizer")
        return keras.saving.deserialize_keras_object(config, safe_mode=True)
    raise ValueError(f"unknown entry with keys {sorted(value)}")


def _dtype(text, kinds, what):
    dtype = np.dtype(str(text))
    if dtype.kind not in kinds:
        raise ValueError(f"unsupported {what} dtype {dtype}")
    return dtype


# ----------------------------------------------------------- scikit-learn steps
def split_state(estimator, allowed):
    """``estimator``'s parameters and fitted state (minus caches), and the names
    of fitted attributes outside ``allowed``."""
    params = estimator.get_params(deep=False)
    state = {
        k: v for k, v in vars(estimator).items() if k not in params and k not in _CACHES
    }
    unknown = sorted(set(state) - set(allowed) - set(SKLEARN_FITTED))
    return params, state, unknown


def sklearn_step_record(step):
    """A scikit-learn step of :data:`SKLEARN_STEPS` as ``{"class", "params", "fitted"}``."""
    name = type(step).__name__
    params, state, unknown = split_state(step, SKLEARN_STEPS[type(step)])
    if unknown:
        raise Unsaveable(f"a {name} with the fitted attribute(s) {unknown}")
    return {"class": name, "params": encode(params), "fitted": encode(state)}


def build_sklearn_step(name, params, fitted):
    """The scikit-learn step ``name`` (a key of :data:`SKLEARN_STEP_NAMES`), from
    its decoded parameters and fitted attributes; raises ``ValueError``."""
    cls = SKLEARN_STEP_NAMES.get(name)
    if cls is None:
        raise ValueError(f"{name!r} is not a scikit-learn step that sknn_text stores")
    if not (isinstance(params, dict) and isinstance(fitted, dict)):
        raise ValueError(f"the {name} entry does not hold mappings")
    unknown = sorted(set(fitted) - set(SKLEARN_STEPS[cls]) - set(SKLEARN_FITTED))
    if unknown:
        raise ValueError(f"the {name} entry holds unknown fitted attributes {unknown}")
    try:
        step = cls(**params)
        step._validate_params()
    except (TypeError, ValueError) as error:
        raise ValueError(f"its parameters do not fit {name} ({error})") from None
    vars(step).update(fitted)
    return step
