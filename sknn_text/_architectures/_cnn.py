"""Convolutional networks (Kim 2014) on token ids or numeric series.

The embedded tokens go through parallel ``Conv1D`` branches, one per kernel
size, whose feature maps are concatenated position by position. Padding is
zeroed before the convolutions, so a document's outputs do not depend on how
far its batch was padded. A document head takes the maximum of each feature
map over the real positions (Kim's max-over-time pooling); numeric series of a
fixed length keep where each pattern occurred instead: their maps are
flattened, since a forecast depends on when.
"""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import keras
from keras import layers
from sklearn.utils._param_validation import Interval, StrOptions

from .._docs import SERIES_REGRESSOR_EXAMPLE, TAGGER_EXAMPLE, TOKEN_CLASSIFIER_EXAMPLE, docstring
from .._heads._base import Encoding
from .._heads._classifier import ClassifierHead
from .._heads._regressor import RegressorHead
from .._heads._tagger import TaggerHead
from .._layers import PaddingMask, ZeroPadding
from .._params import estimator, parameters
from .._token_layers import TokenPaddingMask
from ._inputs import ACTIVATIONS, SequenceInput, layer_sizes
from ._tokens import TokenInput


def encode_convolutional(
    inputs,
    x,
    *,
    filters=64,
    kernel_sizes=(3, 4, 5),
    activation="relu",
    dropout=0.0,
    series_length=None,
    padding_mask=None,
    seeds,
):
    """Parallel ``Conv1D`` branches over embedded tokens or numeric series.

    Parameters
    ----------
    inputs, x : keras.KerasTensor
        The model's input and its embedded (masked) tokens; for numeric series
        (``series_length`` given) the input is rebuilt with that fixed length.
    filters : int, default=64
        Filters (feature maps) per kernel size.
    kernel_sizes : tuple of int, default=(3, 4, 5)
        Window widths of the parallel branches, in time steps.
    activation : str, default="relu"
        Activation of the convolutions, named as in scikit-learn's MLP.
    dropout : float, default=0.0
        Dropout rate before the output layer.
    series_length : int or None, default=None
        Time steps of numeric series; None for token ids.
    padding_mask : keras.KerasTensor or None, default=None
        Which positions are real, when ``inputs`` are not token ids (a
        tagger's token features); None computes it from the ids.
    seeds : Seeds
        Seeds of the initializers.

    Returns
    -------
    encoding : Encoding
        The concatenated feature maps, one vector per position.
    """
    mask = None
    if series_length is None:
        mask = PaddingMask(name="padding_mask")(inputs) if padding_mask is None else padding_mask
        x = ZeroPadding(name="zero_padding")(x)
    else:
        inputs = x = keras.Input(shape=(series_length, x.shape[-1]), name="sequences")
    maps = [
        layers.Conv1D(
            filters,
            size,
            padding="same",
            activation=ACTIVATIONS[activation],
            kernel_initializer=seeds.glorot(),
            name=f"conv_{size}",
        )(x)
        for size in kernel_sizes
    ]
    x = maps[0] if len(maps) == 1 else layers.Concatenate(name="feature_maps")(maps)
    pooling = "max" if series_length is None else "flatten"
    return Encoding(inputs, x, pooling=pooling, mask=mask, dropout=dropout)


@parameters
class ConvolutionalNetwork(SequenceInput):
    """The CNN architecture."""

    filters: int = 64
    kernel_sizes: int | tuple[int, ...] = (3, 4, 5)
    activation: str = "relu"
    dropout: float = 0.5

    _network_name = "cnn"
    _parameter_constraints: ClassVar[dict] = {
        "filters": [Interval(Integral, 1, None, closed="left")],
        "kernel_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
    }
    _parameter_docs: ClassVar[dict] = {
        "filters": ("int", "Convolution filters (feature maps) per kernel size."),
        "kernel_sizes": (
            "int or tuple of int",
            """Window widths, in tokens, of the parallel convolution branches;
            each branch is max-pooled over the real (unpadded) positions.""",
        ),
        "activation": (
            '{"relu", "tanh", "logistic", "identity", "gelu"}',
            "Activation of the convolutions, named as in scikit-learn's MLP.",
        ),
    }
    _doc_wording: ClassVar[dict] = {
        "dropout_where": "on the pooled features before the output layer",
        "penalized": "the output layer's kernel",
    }

    def _encode(self, seeds, *, l2, per_step):
        inputs, x = self._embedded_input(seeds)
        return encode_convolutional(
            inputs,
            x,
            filters=self.filters,
            kernel_sizes=layer_sizes(self.kernel_sizes, "kernel_sizes", allow_empty=False),
            activation=self.activation,
            dropout=self.dropout,
            series_length=None if self._n_channels is None else self.n_features_in_,
            seeds=seeds,
        )


_DESCRIPTION = """
Embedded tokens pass through parallel one-dimensional convolutions of
several widths (n-gram detectors), each max-pooled over the real positions
of the document, as in Kim (2014). Put a
:class:`~sknn_text.preprocessing.TextTokenizer` in front of it for text;
float input is read as numeric series, whose feature maps are flattened
instead of max-pooled, to keep the position of what the filters found.
"""
_NOTES = """
Padding is zeroed before the convolutions and ignored by the pooling, so a
document's prediction does not depend on its batch.
"""


@estimator
class CNNTextClassifier(ClassifierHead, ConvolutionalNetwork):
    __doc__ = docstring(
        "Convolutional classifier for token-id sequences or numeric series.",
        _DESCRIPTION,
        ClassifierHead,
        notes=_NOTES,
        examples=TOKEN_CLASSIFIER_EXAMPLE.format(name="CNNTextClassifier", settings="epochs=20, "),
    )


@estimator
class CNNTextRegressor(RegressorHead, ConvolutionalNetwork):
    __doc__ = docstring(
        "Convolutional regressor for token-id sequences or numeric series.",
        _DESCRIPTION,
        RegressorHead,
        notes=_NOTES,
        examples=SERIES_REGRESSOR_EXAMPLE.format(
            name="CNNTextRegressor",
            settings="epochs=15, dropout=0.0, learning_rate=0.01, ",
            r2=0.8,
        ),
    )


# ------------------------------------------------------------------ tagger
@parameters
class ConvolutionalTaggerNetwork(TokenInput):
    """The CNN architecture over sentences of tokens: feature maps per token."""

    filters: int = 64
    kernel_sizes: int | tuple[int, ...] = (3, 5)
    activation: str = "relu"
    dropout: float = 0.25
    learning_rate: float = 0.003

    _network_name = "cnn_tagger"
    _parameter_constraints: ClassVar[dict] = {
        name: ConvolutionalNetwork._parameter_constraints[name]
        for name in ("filters", "kernel_sizes", "activation")
    }
    _parameter_docs: ClassVar[dict] = {
        "filters": ConvolutionalNetwork._parameter_docs["filters"],
        "kernel_sizes": (
            "int or tuple of int",
            "Window widths, in tokens, of the parallel convolution branches.",
        ),
        "activation": ConvolutionalNetwork._parameter_docs["activation"],
    }
    _doc_wording: ClassVar[dict] = {
        "dropout_where": "before the tag scores",
        "penalized": "the tag-score layer's kernel",
    }

    def _encode(self, seeds, *, l2, per_step):
        inputs, x = self._embedded_input(seeds)
        return encode_convolutional(
            inputs,
            x,
            filters=self.filters,
            kernel_sizes=layer_sizes(self.kernel_sizes, "kernel_sizes", allow_empty=False),
            activation=self.activation,
            dropout=self.dropout,
            padding_mask=TokenPaddingMask(name="padding_mask")(inputs),
            seeds=seeds,
        )


@estimator
class CNNTextTagger(TaggerHead, ConvolutionalTaggerNetwork):
    __doc__ = docstring(
        "Convolutional tagger: one tag per token (chunks, named entities, parts of speech).",
        """The embedded tokens (word, shape, affixes and further columns) pass
        through parallel one-dimensional convolutions of several widths; the
        feature maps at each token score its tags. Each tag sees a window of
        ``max(kernel_sizes)`` tokens.""",
        TaggerHead,
        examples=TAGGER_EXAMPLE.format(name="CNNTextTagger", settings=""),
    )
