"""Transformer encoders on token ids or numeric series.

Token embeddings (or numeric steps projected to ``embedding_dim``) plus learned
position embeddings go through ``n_blocks`` encoder blocks (multi-head
self-attention and a feed-forward network, each with a residual connection and
layer normalization); padding is masked out of the attention. A document head
takes the mean over the real positions.
"""

from __future__ import annotations

from numbers import Integral

from keras import layers
from sklearn.utils._param_validation import Interval

from .._composition import Encoder, Parameter, Pretraining, compose
from .._docs import (
    LANGUAGE_MODEL_EXAMPLE,
    SERIES_REGRESSOR_EXAMPLE,
    TAGGER_EXAMPLE,
    TOKEN_CLASSIFIER_EXAMPLE,
    docstring,
)
from .._heads._base import Encoding
from .._heads._classifier import ClassifierHead
from .._heads._language_model import LanguageModelHead
from .._heads._regressor import RegressorHead
from .._heads._tagger import TaggerHead
from .._layers import PositionEmbedding, TransformerEncoderBlock
from ._inputs import SequenceInput
from ._stepping import cached_transformer_generator
from ._texts import TextInput
from ._tokens import TokenInput


def encode_transformer(
    inputs,
    x,
    *,
    max_length,
    embedding_dim=64,
    num_heads=4,
    feedforward_dim=128,
    n_blocks=1,
    dropout=0.0,
    project=False,
    causal=False,
    seeds,
    gate=None,
):
    """Position embeddings and ``n_blocks`` encoder blocks over ``x``.

    Parameters
    ----------
    inputs, x : keras.KerasTensor
        The model's input and its embedded (masked) tokens or numeric steps.
    max_length : int
        Longest sequence the position embeddings cover.
    embedding_dim : int, default=64
        Width of every block; numeric steps are projected to it (``project``).
    num_heads : int, default=4
        Attention heads per block.
    feedforward_dim : int, default=128
        Hidden units of each block's position-wise feed-forward network.
    n_blocks : int, default=1
        Number of stacked encoder blocks.
    dropout : float, default=0.0
        Dropout rate inside the blocks and before the output layer.
    project : bool, default=False
        Project numeric steps to ``embedding_dim`` first.
    causal : bool, default=False
        Decoder blocks: each position attends only to itself and earlier ones.
    seeds : Seeds
        Seeds of the initializers and dropout layers.
    gate : callable, default=None
        Applied after the position embeddings and every block
        (``Source.gated``: gradual unfreezing of a pretrained network).

    Returns
    -------
    encoding : Encoding
        One vector per position, mean-pooled by a document head.
    """
    gate = gate or (lambda tensor: tensor)
    if project:
        x = layers.Dense(embedding_dim, kernel_initializer=seeds.glorot(), name="projection")(x)
    x = gate(PositionEmbedding(max_length, seed=seeds(), name="position_embedding")(x))
    for block in range(n_blocks):
        x = TransformerEncoderBlock(
            num_heads,
            feedforward_dim,
            dropout=dropout,
            seed=seeds(),
            causal=causal,
            name=f"{'decoder' if causal else 'encoder'}_{block}",
        )(x)
        x = gate(x)
    return Encoding(inputs, x, pooling="mean", dropout=dropout)


def _build(
    source, *, per_step, causal, l2, seeds, num_heads, feedforward_dim, n_blocks, dropout,
    embedding_dim,
):
    """The Transformer encoder on ``source`` (see :class:`~sknn_text.extending.Encoder`):
    numeric steps and a tagger's concatenated embeddings are projected to
    ``embedding_dim`` first."""
    return encode_transformer(
        source.inputs,
        source.x,
        max_length=source.length,
        embedding_dim=embedding_dim,
        num_heads=num_heads,
        feedforward_dim=feedforward_dim,
        n_blocks=n_blocks,
        dropout=dropout,
        project=source.kind in ("series", "tokens"),
        causal=causal,
        seeds=seeds,
        gate=source.gated,
    )


def _stepping(estimator):
    """A language model's generation, one cached attention step per token."""
    return cached_transformer_generator(estimator, "_step_model")


def _pretrained_layers(model):
    """The position embeddings and the blocks of ``model``, first to last."""
    kinds = (PositionEmbedding, TransformerEncoderBlock)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


def _size_hint(estimator, hint):
    positions = getattr(estimator, "n_features_in_", None)
    where = "" if positions is None else f" over {positions} positions"
    return f"{hint}; attention{where} with num_heads={estimator.num_heads} per block"


#: The Transformer architecture: attention blocks over learned positions.
ENCODER = Encoder(
    "transformer",
    _build,
    {
        "num_heads": Parameter(
            4, [Interval(Integral, 1, None, closed="left")], "int",
            "Attention heads of every block.",
        ),
        "feedforward_dim": Parameter(
            128, [Interval(Integral, 1, None, closed="left")], "int",
            "Hidden units of each block's position-wise feed-forward network.",
        ),
        "n_blocks": Parameter(
            1, [Interval(Integral, 1, None, closed="left")], "int",
            "Number of stacked attention blocks.",
        ),
    },
    reads=("dropout", "embedding_dim"),
    wording={
        "embedding_where": " and of every attention block",
        "dropout_where": "on the attention weights, inside every block and before {output}",
    },
    bounded_length=True,
    stepping=_stepping,
    size_hint=_size_hint,
    pretraining=Pretraining(
        _pretrained_layers, sizes=("num_heads", "feedforward_dim", "n_blocks", "embedding_dim")
    ),
)


_DESCRIPTION = """
Token embeddings plus learned position embeddings go through ``n_blocks``
encoder blocks (multi-head self-attention and a feed-forward network, each
with a residual connection and layer normalization); the mean over the real
positions feeds the output. Padding is masked out of the attention. Float
input is read as numeric series, each step projected to ``embedding_dim``.
"""
_NOTES = """
The position embeddings cover the sequence length seen in ``fit``
(``n_features_in_``); attention costs grow with its square, so cap
``TextTokenizer(sequence_length=...)`` for long documents.
"""


TransformerTextClassifier = compose(
    "TransformerTextClassifier",
    head=ClassifierHead,
    inputs=SequenceInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Transformer-encoder classifier for token-id sequences or numeric series.",
        _DESCRIPTION,
        ClassifierHead,
        notes=_NOTES,
        examples=TOKEN_CLASSIFIER_EXAMPLE.format(
            name="TransformerTextClassifier", settings="epochs=20, learning_rate=0.005, "
        ),
    ),
    defaults={"dropout": 0.1},
)


TransformerTextRegressor = compose(
    "TransformerTextRegressor",
    head=RegressorHead,
    inputs=SequenceInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Transformer-encoder regressor for token-id sequences or numeric series.",
        _DESCRIPTION,
        RegressorHead,
        notes=_NOTES,
        examples=SERIES_REGRESSOR_EXAMPLE.format(
            name="TransformerTextRegressor",
            settings="epochs=15, dropout=0.0, learning_rate=0.01, ",
            r2=0.8,
        ),
    ),
    defaults={"dropout": 0.1},
)


TransformerTextTagger = compose(
    "TransformerTextTagger",
    head=TaggerHead,
    inputs=TokenInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Transformer-encoder tagger: one tag per token (chunks, named entities...).",
        """The embedded tokens (word, shape, affixes and further columns) are
        projected to ``embedding_dim``, get learned position embeddings, and go
        through ``n_blocks`` encoder blocks; each token's output scores its
        tags.""",
        TaggerHead,
        notes="""The position embeddings cover the longest sentence seen in
        ``fit``; ``predict`` reads longer sentences in windows of that length.""",
        examples=TAGGER_EXAMPLE.format(
            name="TransformerTextTagger", settings="learning_rate=0.005, "
        ),
    ),
    defaults={"n_blocks": 2, "dropout": 0.1},
)


TransformerLanguageModel = compose(
    "TransformerLanguageModel",
    head=LanguageModelHead,
    inputs=TextInput,
    encoder=ENCODER,
    module=__name__,
    doc=docstring(
        "Causal Transformer (decoder) language model: next-token prediction and "
        "text generation.",
        """
        Texts are split into words or characters (``level``) by the model
        itself; token embeddings plus learned position embeddings go through
        ``n_blocks`` decoder blocks, whose self-attention sees each position
        and the ones before it only (a causal mask), and a softmax over the
        vocabulary at every position predicts the next token.
        """,
        LanguageModelHead,
        notes="""
        The position embeddings cover ``sequence_length_`` positions: longer
        texts are scored in windows and generation reads the last
        ``sequence_length_`` tokens.
        """,
        examples=LANGUAGE_MODEL_EXAMPLE.format(
            name="TransformerLanguageModel",
            settings="embedding_dim=16, feedforward_dim=32, n_blocks=1, dropout=0.0,\n"
            "...     sequence_length=12, batch_size=8, ",
        ),
    ),
    defaults={"feedforward_dim": 512, "n_blocks": 2, "dropout": 0.1},
)
