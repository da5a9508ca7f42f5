"""The document compressors (dense codes for TF-IDF rows), every class named
``<Architecture>TextAutoencoder``.

Each is defined with its architecture in ``sknn_text._architectures``; this
module re-exports the registry's autoencoders.
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("autoencoder", __name__)
