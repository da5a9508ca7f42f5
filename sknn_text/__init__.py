"""scikit-learn estimators that wrap Keras neural networks for text.

The public names load on first use, so that ``import sknn_text`` (and the
``sknn-text`` command) start without importing Keras and TensorFlow. The
estimators are those of the registry (``_registry``). TensorFlow's native log
lines are kept off stderr unless ``SKNN_TEXT_TF_LOGS=1`` (``_quiet``).
"""

import importlib

from ._quiet import quiet_tensorflow
from ._registry import class_modules
from ._version import __version__

quiet_tensorflow()

_EXPORTS = {
    **class_modules(built_in_only=True),
    "WordVectors": f"{__name__}.embeddings",
    "load": f"{__name__}._saving.io",
    "load_conll": f"{__name__}.datasets",
    "load_word_vectors": f"{__name__}.embeddings",
    "save": f"{__name__}._saving.io",
    "skops_trusted_types": f"{__name__}._saving.io",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_EXPORTS})
