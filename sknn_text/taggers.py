"""The neural taggers (one tag per token), every class named ``<Architecture>TextTagger``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's taggers.
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("tagger", __name__)
