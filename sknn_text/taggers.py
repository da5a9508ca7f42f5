"""The neural taggers (one tag per token), every class named ``<Architecture>TextTagger``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's taggers.
"""

from ._registry import resolve, task_names

__all__ = task_names("tagger")


def __getattr__(name):
    if name in __all__:
        return resolve(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
