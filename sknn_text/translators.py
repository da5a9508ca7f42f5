"""The neural translators (sequence to sequence), every class named
``<Architecture>Translator``.

Each is defined in ``sknn_text._architectures._translation``; this module
re-exports the registry's translators.
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("translator", __name__)
