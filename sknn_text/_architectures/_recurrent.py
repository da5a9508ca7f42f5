"""Recurrent networks (SimpleRNN, LSTM, GRU) on token ids or numeric series.

The encoder embeds the tokens (see ``_inputs.SequenceInput``) and runs a stack
of recurrent layers, each optionally bidirectional. For one output per
document with ``pooling="last"`` the last layer returns its final state (the
state at the last real token: padding is masked); otherwise it returns one
vector per position, which a document head pools (mean, max or attention) and
a per-token head reads as it is. Keras runs the cuDNN kernels on a GPU as long
as ``recurrent_dropout`` is 0 and the input is right-padded.

The estimators of every task are here: documents (classifiers, regressors, on
``_inputs.SequenceInput``), language models (their own tokens, through the
head) and taggers (sentences of tokens, ``_tokens.TokenInput``).
"""

from __future__ import annotations

import functools
from numbers import Integral, Real

import keras
from keras import layers
from sklearn.utils._param_validation import Interval, StrOptions

from .._composition import Encoder, Parameter, Pretraining, compose
from .._docs import (
    LANGUAGE_MODEL_EXAMPLE,
    SERIES_REGRESSOR_EXAMPLE,
    TAGGER_EXAMPLE,
    TOKEN_CLASSIFIER_EXAMPLE,
    docstring,
)
from .._heads._base import Encoding, OutputSpec
from .._heads._classifier import ClassifierHead
from .._heads._document import document_outputs
from .._heads._language_model import LanguageModelHead
from .._heads._regressor import RegressorHead
from .._heads._tagger import TaggerHead
from .._layers import Seeds
from ._inputs import SequenceInput, layer_sizes, sequence_input
from ._stepping import cached_generator
from ._texts import TextInput
from ._tokens import TokenInput

_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def _recurrent_layer(layer_class, n_units, seeds, **settings):
    """One recurrent layer with its own seeded initializers and dropout seed."""
    return layer_class(
        n_units,
        kernel_initializer=seeds.glorot(),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seeds()),
        seed=seeds(),
        **settings,
    )


def encode_recurrent(
    inputs,
    x,
    *,
    cell="lstm",
    units=(64,),
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    pooling="last",
    summarize=True,
    seeds,
    gate=None,
):
    """Stacked (optionally bidirectional) recurrent layers over ``x``.

    Parameters
    ----------
    inputs, x : keras.KerasTensor
        The model's input and its embedded (masked) or numeric sequences.
    cell : {"simple_rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell type.
    units : tuple of int, default=(64,)
        Units of each stacked recurrent layer.
    bidirectional : bool, default=False
        Wrap each recurrent layer in ``keras.layers.Bidirectional``.
    dropout : float, default=0.0
        Dropout rate on the input of every recurrent layer and before the output.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state (disables cuDNN kernels on a GPU).
    pooling : {"last", "mean", "max", "attention"}, default="last"
        How a document head turns the outputs into one vector.
    summarize : bool, default=True
        With ``pooling="last"``, let the last layer return its final state
        (one vector per document) instead of one vector per position.
    seeds : Seeds
        Seeds of the initializers and dropout layers.
    gate : callable, default=None
        Applied to ``x`` and to the output of every recurrent layer
        (``Source.gated``: gradual unfreezing of a pretrained network).

    Returns
    -------
    encoding : Encoding
    """
    layer_class = _CELLS[cell]
    final_state = summarize and pooling == "last"
    gate = gate or (lambda tensor: tensor)
    x = gate(x)
    for depth, n_units in enumerate(units):
        if dropout > 0:
            x = layers.Dropout(dropout, seed=seeds())(x)
        settings = {
            "return_sequences": not (depth == len(units) - 1 and final_state),
            "recurrent_dropout": recurrent_dropout,
        }
        forward = _recurrent_layer(layer_class, n_units, seeds, **settings)
        if bidirectional:
            backward = _recurrent_layer(
                layer_class, n_units, seeds, go_backwards=True, **settings
            )
            x = layers.Bidirectional(forward, backward_layer=backward)(x)
        else:
            x = forward(x)
        x = gate(x)
    return Encoding(
        inputs,
        x,
        pooling=None if final_state else pooling,
        dropout=dropout,
        attention_units=units[-1],
    )


def build_recurrent(
    n_outputs,
    *,
    vocabulary_size=None,
    n_channels=None,
    embedding_dim=64,
    output_activation="linear",
    l2=0.0,
    seed=None,
    **encoder,
):
    """A whole recurrent document model, uncompiled: the embedding (token ids,
    ``vocabulary_size``) or numeric input (``n_channels`` per step),
    :func:`encode_recurrent` with ``encoder``'s settings, and the output layer."""
    seeds = Seeds(seed)
    inputs, x = sequence_input(vocabulary_size, n_channels, embedding_dim, seeds)
    encoding = encode_recurrent(inputs, x, seeds=seeds, **encoder)
    spec = OutputSpec(n_outputs, output_activation, loss="")
    outputs = document_outputs(encoding, spec, l2=l2, seeds=seeds)
    return keras.Model(inputs, outputs, name=encoder.get("cell", "lstm"))


def _build(source, *, per_step, causal, l2, seeds, cell, units, dropout, **settings):
    """The recurrent encoder on ``source`` (see :class:`~sknn_text.extending.Encoder`)."""
    return encode_recurrent(
        source.inputs,
        source.x,
        cell=cell,
        units=layer_sizes(units, "units", allow_empty=False),
        dropout=dropout,
        summarize=not per_step,
        seeds=seeds,
        gate=source.gated,
        **settings,
    )


def _stepping(estimator):
    """A language model's generation, one recurrent step per token (``_stepping``)."""
    return cached_generator(estimator, "_step_model")


def _size_hint(estimator, hint):
    if getattr(estimator, "_n_channels", None) is not None:  # numeric series
        return f"units={estimator.units!r}"
    return hint


PARAMETERS = {
    "units": Parameter(
        64,
        ["array-like", Interval(Integral, 1, None, closed="left")],
        "int or tuple of int",
        "Units of the recurrent layer; a tuple stacks one layer per entry.",
    ),
    "bidirectional": Parameter(
        False,
        ["boolean"],
        "bool",
        "Read every sequence in both directions (``keras.layers.Bidirectional``).",
        needs="future",
    ),
    "recurrent_dropout": Parameter(
        0.0,
        [Interval(Real, 0, 1, closed="left")],
        "float",
        """Dropout on the recurrent state. Any value above 0 rules out the
        fast cuDNN kernels of LSTM and GRU on a GPU.""",
    ),
    "pooling": Parameter(
        "last",
        [StrOptions({"last", "mean", "max", "attention"})],
        '{"last", "mean", "max", "attention"}',
        """How the sequence of outputs becomes one vector: the state at the
        last real (non-padding) token, the mean or max over the real
        tokens, or a learned attention-weighted sum over them.""",
        needs="document",
    ),
}


def _recurrent_layers(model):
    """The recurrent layers of ``model`` (bidirectional wrappers whole), first to last."""
    kinds = (layers.RNN, layers.Bidirectional)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


#: A language model's recurrent layers start the other heads' (``pretrained``).
_PRETRAINING = Pretraining(_recurrent_layers, sizes=("units",))


def recurrent_encoder(cell, *, pretraining=None):
    """The :class:`~sknn_text.extending.Encoder` of recurrent ``cell`` layers
    (``"simple_rnn"``, ``"lstm"`` or ``"gru"``)."""
    return Encoder(
        cell,
        functools.partial(_build, cell=cell),
        PARAMETERS,
        wording={"dropout_where": "on the input of every recurrent layer and before {output}"},
        stepping=_stepping,
        size_hint=_size_hint,
        pretraining=pretraining,
    )


# SimpleRNN has no language model, so nothing to start from.
_SIMPLE_RNN_ENCODER = recurrent_encoder("simple_rnn")
_LSTM_ENCODER, _GRU_ENCODER = (
    recurrent_encoder(cell, pretraining=_PRETRAINING) for cell in ("lstm", "gru")
)
#: Defaults of each task: a language model reads a larger vocabulary (Zaremba
#: et al. 2014: dropout between layers), a tagger reads both directions.
_DOCUMENT = {"learning_rate": 0.003}
_LANGUAGE_MODEL = {"units": 256, "dropout": 0.2, "learning_rate": 0.002}
_TAGGER = {"units": 100, "bidirectional": True, "dropout": 0.5, "learning_rate": 0.003}


_INPUT_KINDS = """
Put a :class:`~sknn_text.preprocessing.TextTokenizer` in front of it for
text: 2-D integer input is read as token ids (0 = right-padding, masked),
2-D float input as one numeric series per row, and 3-D float input
``(n_samples, n_steps, n_channels)`` as multivariate series, e.g. sliding
windows for forecasting.
"""
_CUDNN_NOTE = """
With the defaults (no ``recurrent_dropout``) and right-padded input, Keras
runs the cuDNN kernels on a GPU.
"""


def _gpu_note(name):
    """The cuDNN note, for the cells that have cuDNN kernels (not SimpleRNN)."""
    return "" if name.startswith("SimpleRNN") else _CUDNN_NOTE


def _classifier_doc(layer, name):
    return docstring(
        f"{layer} classifier for token-id sequences or numeric series.",
        _INPUT_KINDS,
        ClassifierHead,
        notes=_gpu_note(name),
        examples=TOKEN_CLASSIFIER_EXAMPLE.format(
            name=name, settings="epochs=20, learning_rate=0.01, "
        ),
    )


def _regressor_doc(layer, name):
    return docstring(
        f"{layer} regressor for token-id sequences or numeric series.",
        _INPUT_KINDS,
        RegressorHead,
        notes=_gpu_note(name),
        examples=SERIES_REGRESSOR_EXAMPLE.format(
            name=name, settings="epochs=30, learning_rate=0.01, ", r2=0.9
        ),
    )


_SIMPLE_RNN, _LSTM, _GRU = (
    "Simple (Elman) RNN",
    "Long short-term memory (LSTM)",
    "Gated recurrent unit (GRU)",
)


def _document_estimator(name, head, encoder, doc):
    return compose(
        name, head=head, inputs=SequenceInput, encoder=encoder, module=__name__, doc=doc,
        defaults=_DOCUMENT,
    )


SimpleRNNTextClassifier = _document_estimator(
    "SimpleRNNTextClassifier", ClassifierHead, _SIMPLE_RNN_ENCODER,
    _classifier_doc(_SIMPLE_RNN, "SimpleRNNTextClassifier"),
)
LSTMTextClassifier = _document_estimator(
    "LSTMTextClassifier", ClassifierHead, _LSTM_ENCODER,
    _classifier_doc(_LSTM, "LSTMTextClassifier"),
)
GRUTextClassifier = _document_estimator(
    "GRUTextClassifier", ClassifierHead, _GRU_ENCODER,
    _classifier_doc(_GRU, "GRUTextClassifier"),
)
SimpleRNNTextRegressor = _document_estimator(
    "SimpleRNNTextRegressor", RegressorHead, _SIMPLE_RNN_ENCODER,
    _regressor_doc(_SIMPLE_RNN, "SimpleRNNTextRegressor"),
)
LSTMTextRegressor = _document_estimator(
    "LSTMTextRegressor", RegressorHead, _LSTM_ENCODER,
    _regressor_doc(_LSTM, "LSTMTextRegressor"),
)
GRUTextRegressor = _document_estimator(
    "GRUTextRegressor", RegressorHead, _GRU_ENCODER,
    _regressor_doc(_GRU, "GRUTextRegressor"),
)


def _language_model_doc(layer, name):
    return docstring(
        f"{layer} language model: next-token prediction and text generation.",
        """
        Texts are split into words or characters (``level``) by the model
        itself, embedded, and read left to right by a stack of recurrent
        layers; a softmax over the vocabulary at every position predicts the
        next token.
        """,
        LanguageModelHead,
        notes=_gpu_note(name),
        examples=LANGUAGE_MODEL_EXAMPLE.format(
            name=name, settings="units=32, embedding_dim=16, "
        ),
    )


LSTMLanguageModel, GRULanguageModel = (
    compose(
        name, head=LanguageModelHead, inputs=TextInput, encoder=encoder,
        module=__name__, doc=_language_model_doc(layer, name), defaults=_LANGUAGE_MODEL,
    )
    for name, layer, encoder in (
        ("LSTMLanguageModel", _LSTM, _LSTM_ENCODER),
        ("GRULanguageModel", _GRU, _GRU_ENCODER),
    )
)


_TAGGER_DESCRIPTION = """
The tokens are embedded (the word, its shape and affixes, and any further
columns of the tokens; see the user guide, "Tagging") and read by recurrent
layers, in both directions by default; each token's output vector scores the
tags.
"""


LSTMTextTagger, GRUTextTagger = (
    compose(
        name, head=TaggerHead, inputs=TokenInput, encoder=encoder, module=__name__,
        doc=docstring(
            f"{layer} tagger: one tag per token (chunks, named entities, parts of speech).",
            _TAGGER_DESCRIPTION,
            TaggerHead,
            notes=_CUDNN_NOTE,
            examples=TAGGER_EXAMPLE.format(name=name, settings=""),
        ),
        defaults=_TAGGER,
    )
    for name, layer, encoder in (
        ("LSTMTextTagger", _LSTM, _LSTM_ENCODER),
        ("GRUTextTagger", _GRU, _GRU_ENCODER),
    )
)


# The recurrent regressors also forecast numeric series: short aliases.
SimpleRNNRegressor = SimpleRNNTextRegressor
LSTMRegressor = LSTMTextRegressor
GRURegressor = GRUTextRegressor

