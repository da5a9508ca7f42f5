"""Which words drove a prediction: attributions of fitted text pipelines.

:func:`explain_tokens` attributes a network's output to the words of each
document by integrated gradients, in one batched forward and backward pass per
document, and maps the attributions back to character offsets of the original
text. See the user guide, "Explaining predictions".
"""

from ._attribution import TokenAttribution
from ._explain import explain_tokens

__all__ = [
    "TokenAttribution",
    "explain_tokens",
]
