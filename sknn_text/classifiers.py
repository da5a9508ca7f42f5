"""The neural text classifiers, every class named ``<Architecture>TextClassifier``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's classifiers (for ``from sknn_text.classifiers
import ...`` and for pickles made before they moved).
"""

from ._registry import resolve, task_names

__all__ = task_names("classifier")


def __getattr__(name):
    if name in __all__:
        return resolve(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
