"""The language models (next-token prediction, generation), every class named
``<Architecture>LanguageModel``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's language models.
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("language_model", __name__)
