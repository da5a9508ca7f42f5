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

import keras
from keras import layers
from sklearn.utils._param_validation import Interval, StrOptions

from .._composition import Encoder, Parameter, compose
from .._docs import SERIES_REGRESSOR_EXAMPLE, TAGGER_EXAMPLE, TOKEN_CLASSIFIER_EXAMPLE, docstring
from .._heads._base import Encoding
from .._heads._classifier import ClassifierHead
from .._heads._regressor import RegressorHead
from .._heads._tagger import TaggerHead
from .._layers import PaddingMask, ZeroPadding
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


def _build(source, *, per_step, causal, l2, seeds, filters, kernel_sizes, activation, dropout):
    """The convolutional encoder on ``source`` (see :class:`~sknn_text.extending.Encoder`)."""
    series = source.kind == "series"
    return encode_convolutional(
        source.inputs,
        source.x,
        filters=filters,
        kernel_sizes=layer_sizes(kernel_sizes, "kernel_sizes", allow_empty=False),
        activation=activation,
        dropout=dropout,
        series_length=source.length if series else None,
        padding_mask=None if series else source.padding_mask(),
        seeds=seeds,
    )


#: The CNN architecture: parallel convolutions of several widths.
ENCODER = Encoder(
    "cnn",
    _build,
    {
        "filters": Parameter(
            64,
            [Interval(Integral, 1, None, closed="left")],
            "int",
            "Convolution filters (feature maps) per kernel size.",
        ),
        "kernel_sizes": Parameter(
            (3, 4, 5),
            ["array-like", Interval(Integral, 1, None, closed="left")],
            "int or tuple of int",
            """Window widths, in tokens, of the parallel convolution branches;
            a document head max-pools each branch over the real (unpadded)
            positions.""",
        ),
        "activation": Parameter(
            "relu",
            [StrOptions(set(ACTIVATIONS))],
            '{"relu", "tanh", "logistic", "identity", "gelu"}',
            "Activation of the convolutions, named as in scikit-learn's MLP.",
        ),
    },
    wording={"dropout_where": "on the convolutions' features before {output}"},
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


CNNTextClassifier = compose(
    "CNNTextClassifier",
    head=ClassifierHead,
    inputs=SequenceInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Convolutional classifier for token-id sequences or numeric series.",
        _DESCRIPTION,
        ClassifierHead,
        notes=_NOTES,
        examples=TOKEN_CLASSIFIER_EXAMPLE.format(name="CNNTextClassifier", settings="epochs=20, "),
    ),
    defaults={"dropout": 0.5},
)
CNNTextRegressor = compose(
    "CNNTextRegressor",
    head=RegressorHead,
    inputs=SequenceInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Convolutional regressor for token-id sequences or numeric series.",
        _DESCRIPTION,
        RegressorHead,
        notes=_NOTES,
        examples=SERIES_REGRESSOR_EXAMPLE.format(
            name="CNNTextRegressor",
            settings="epochs=15, dropout=0.0, learning_rate=0.01, ",
            r2=0.8,
        ),
    ),
    defaults={"dropout": 0.5},
)


CNNTextTagger = compose(
    "CNNTextTagger",
    head=TaggerHead,
    inputs=TokenInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Convolutional tagger: one tag per token (chunks, named entities, parts of speech).",
        """The embedded tokens (word, shape, affixes and further columns) pass
        through parallel one-dimensional convolutions of several widths; the
        feature maps at each token score its tags. Each tag sees a window of
        ``max(kernel_sizes)`` tokens.""",
        TaggerHead,
        examples=TAGGER_EXAMPLE.format(name="CNNTextTagger", settings=""),
    ),
    defaults={"kernel_sizes": (3, 5), "dropout": 0.25, "learning_rate": 0.003},
)
