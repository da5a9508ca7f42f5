"""The neural text classifiers, every class named ``<Architecture>TextClassifier``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's classifiers (for ``from sknn_text.classifiers
import ...`` and for pickles made before they moved).
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("classifier", __name__)
