"""Which words drove a prediction: attributions of fitted text pipelines.

:func:`explain_tokens` attributes a network's output to the words of each
document by integrated gradients, in one batched forward and backward pass per
document, and maps the attributions back to character offsets of the original
text. :class:`TokenAttributionDisplay` draws them;
:func:`comprehensiveness` and :func:`sufficiency` (ERASER, DeYoung et al.
2020) measure how faithful any word ranking is to the model, by deleting
words. See the user guide, "Explaining predictions".
"""

from ._attribution import TokenAttribution
from ._display import TokenAttributionDisplay
from ._eraser import comprehensiveness, sufficiency
from ._explain import explain_tokens

__all__ = [
    "TokenAttribution",
    "TokenAttributionDisplay",
    "comprehensiveness",
    "explain_tokens",
    "sufficiency",
]
