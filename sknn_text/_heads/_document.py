"""The document head: one output vector per document.

Per-step encoder outputs are pooled (mean or max over the real positions, a
learned attention-weighted sum, or flattened for fixed-length numeric series),
dropped out, and fed to the output layer. Classification and regression both
use it; they differ in the output activation and loss only.
"""

from keras import layers

from .._layers import AttentionPooling1D, MaskedPooling1D
from ._base import output_layer


def document_outputs(encoding, spec, *, l2, seeds):
    """The outputs of a document model on top of ``encoding``.

    Parameters
    ----------
    encoding : Encoding
        What the encoder produced.
    spec : OutputSpec
        Width, activation and loss of the output.
    l2 : float
        L2 penalty factor of the output layer's kernel.
    seeds : Seeds
        Seeds of the attention pooling, dropout and output layer, drawn in
        that order.

    Returns
    -------
    outputs : keras.KerasTensor
        Of shape ``(batch, spec.n_outputs)``.
    """
    x, pooling = encoding.outputs, encoding.pooling
    masked = {} if encoding.mask is None else {"mask": encoding.mask}
    if pooling == "attention":
        x = AttentionPooling1D(
            encoding.attention_units, seed=seeds(), name="attention_pooling"
        )(x, **masked)
    elif pooling in ("mean", "max"):
        x = MaskedPooling1D(pooling, name=f"{pooling}_pooling")(x, **masked)
    elif pooling == "flatten":
        x = layers.Flatten(name="flatten")(x)
    elif pooling is not None:
        raise ValueError(f"Unknown pooling {pooling!r}.")
    if encoding.dropout > 0:
        x = layers.Dropout(encoding.dropout, seed=seeds())(x)
    return output_layer(x, spec, l2=l2, seeds=seeds, layer_class=encoding.output_layer)


class DocumentHead:
    """Mixin of the document tasks: the network ends in :func:`document_outputs`."""

    #: The encoder may summarize each document itself (a recurrent layer's
    #: last state) instead of returning one vector per position.
    _per_step_outputs = False
    _causal = False
    _network_suffix = ""
    _output_words = "the output"
    _doc_wording = {"penalized": "the output layer's kernel"}

    def _build_head(self, encoding, spec, *, l2, seeds):
        return document_outputs(encoding, spec, l2=l2, seeds=seeds)
