"""Encoder-decoder translators: recurrent with attention, and Transformer.

Both networks read one packed input, ``(batch, steps, 2)`` ids (the source and
the decoder's shifted target, see ``_heads._translator``), and output the
next-token probabilities at every target position.

* Recurrent (``LSTMTranslator``, ``GRUTranslator``): a bidirectional encoder;
  its final states, through a ``tanh`` layer, start a one-layer decoder whose
  state at every step attends over the encoder's outputs (``attention``:
  ``"multiplicative"``, Luong et al. 2015's "general" score, or ``"additive"``,
  Bahdanau et al. 2015); ``tanh(W [context; state])`` feeds the softmax.
* Transformer (``TransformerTranslator``): scaled embeddings plus sinusoidal
  positions, ``n_blocks`` pre-norm encoder blocks and ``n_blocks`` decoder
  blocks (causal self-attention, attention over the encoder's outputs).

Decoding is incremental (:class:`StepDecoder`): an *encoder model* reads the
sources once (and projects the attention keys of every block once), then a
*step model* reads one new token per call, carrying the recurrent states or,
for the Transformer, the keys and values of the earlier positions of every
block. Both are built from the fitted network's own layers (no weights copied)
and kept as a transient cache.
"""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import keras
import numpy as np
from keras import layers
from sklearn.utils._param_validation import Interval, StrOptions

from .._base import BaseTextNetwork
from .._docs import docstring
from .._heads._translator import TranslatorHead
from .._layers import LayerNorm, PaddingMask, Seeds, SquaredL2
from .._loop.schedule import WORD_ORDER
from .._params import estimator, parameters
from ._seq2seq_layers import (
    NextTokenProbabilities,
    PairChannel,
    ScaledPositions,
    SourceAttention,
    TransformerBlock,
    padding_bias,
    sinusoids,
)
from ._step_decoder import Apply, StepDecoder

_CELLS = {"lstm": layers.LSTM, "gru": layers.GRU}


@parameters
class TranslatorNetwork(BaseTextNetwork):
    """What both translator architectures share: embeddings, output, decoding."""

    embedding_dim: int = 256
    batch_size: int | str = 64

    _auto_budget = WORD_ORDER
    _parameter_constraints: ClassVar[dict] = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    }
    _parameter_docs: ClassVar[dict] = {
        "embedding_dim": ("int", "Width of the token embeddings$embedding_where."),
    }

    def _embeddings(self, seeds, n_source, n_target, *, mask_zero):
        def embedding(size, name):
            return layers.Embedding(
                size,
                self.embedding_dim,
                embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
                mask_zero=mask_zero,
                name=name,
            )

        source = embedding(n_source, "source_embedding")
        shared = self.shared_vocabulary and n_source == n_target
        return source, source if shared else embedding(n_target, "target_embedding")

    def _output(self, x, n_target, *, l2, seeds):
        regularizer = SquaredL2(l2) if l2 > 0 else None
        if self.dropout > 0:
            x = layers.Dropout(self.dropout, seed=seeds(), name="output_dropout")(x)
        logits = layers.Dense(
            n_target, kernel_initializer=seeds.glorot(), kernel_regularizer=regularizer,
            name="next_token",
        )(x)
        return NextTokenProbabilities(name="probabilities")(logits)

    def _build_network(self, spec, *, l2, seed):
        seeds = Seeds(seed)
        pairs = keras.Input(shape=(None, 2), dtype="int32", name="token_ids")
        source, target = PairChannel(0, name="source")(pairs), PairChannel(1, name="target")(pairs)
        n_source = len(self.source_vocabulary_)
        outputs = self._seq2seq(source, target, n_source, spec.n_outputs, l2=l2, seeds=seeds)
        return keras.Model(pairs, outputs, name=self._network_name)

    def _decoder(self, source_ids):
        """A :class:`StepDecoder` of the fitted network for ``source_ids``."""
        cached = vars(self).get("_decoding_models")
        if cached is None or cached[0] is not self.model_:
            cached = (self.model_, self._decoding_models_of(self.model_))
            self._decoding_models = cached
        models, n_carried, empty = cached[1]
        return StepDecoder(models, source_ids, n_carried, empty)


# ------------------------------------------------------------------ recurrent
@parameters
class RecurrentTranslatorNetwork(TranslatorNetwork):
    """Bidirectional recurrent encoder, attentive recurrent decoder."""

    units: int = 256
    attention: str = "additive"
    dropout: float = 0.2
    learning_rate: float = 0.002

    _cell = "lstm"
    _parameter_constraints: ClassVar[dict] = {
        "units": [Interval(Integral, 1, None, closed="left")],
        "attention": [StrOptions({"multiplicative", "additive"})],
    }
    _parameter_docs: ClassVar[dict] = {
        "units": (
            "int",
            """Units of the decoder and of each direction of the bidirectional
            encoder.""",
        ),
        "attention": (
            '{"multiplicative", "additive"}',
            """How a decoder state ``s`` scores an encoder output ``h``:
            ``v . tanh(W s + U h)`` (Bahdanau et al. 2015; one hidden layer
            per pair) or ``s . W h`` (Luong et al. 2015, "general"; faster,
            but in a short Multi30k run it had not learned to align: its
            decoder attended to one source word throughout, BLEU 10.4
            against the additive score's 21.3).""",
        ),
    }
    _doc_wording: ClassVar[dict] = {
        "embedding_where": " (source and target)",
        "dropout_where": "on the embeddings and before the output layer",
        "penalized": "the output layer's kernel",
    }

    @property
    def _network_name(self):
        return f"{self._cell}_translator"

    def _recurrent(self, seeds, name, **settings):
        return _CELLS[self._cell](
            self.units,
            kernel_initializer=seeds.glorot(),
            recurrent_initializer=keras.initializers.Orthogonal(seed=seeds()),
            return_sequences=True,
            return_state=True,
            name=name,
            **settings,
        )

    def _seq2seq(self, source, target, n_source, n_target, *, l2, seeds):
        source_embedding, target_embedding = self._embeddings(
            seeds, n_source, n_target, mask_zero=True
        )
        source_mask = PaddingMask(name="source_mask")(source)
        x, y = source_embedding(source), target_embedding(target)
        if self.dropout > 0:
            x = layers.Dropout(self.dropout, seed=seeds())(x)
            y = layers.Dropout(self.dropout, seed=seeds())(y)
        encoder = layers.Bidirectional(
            self._recurrent(seeds, "forward"),
            backward_layer=self._recurrent(seeds, "backward", go_backwards=True),
            name="encoder",
        )
        memory, *final = encoder(x)
        half = len(final) // 2
        states = [
            layers.Dense(self.units, activation="tanh", kernel_initializer=seeds.glorot(),
                         name=f"bridge_{k}")(layers.Concatenate()([final[k], final[half + k]]))
            for k in range(half)
        ]
        decoded = self._recurrent(seeds, "decoder")(y, initial_state=states)[0]
        context, _ = SourceAttention(
            self.attention, self.units, seed=seeds(), name="attention"
        )([decoded, memory, source_mask])
        attentional = layers.Dense(
            self.units, activation="tanh", kernel_initializer=seeds.glorot(), name="combine"
        )(layers.Concatenate(name="context_and_state")([context, decoded]))
        return self._output(attentional, n_target, l2=l2, seeds=seeds)

    def _decoding_models_of(self, network):
        get = network.get_layer
        source = keras.Input(shape=(None,), dtype="int32", name="source_ids")
        mask = PaddingMask()(source)
        memory, *final = get("encoder")(get("source_embedding")(source))
        half = len(final) // 2
        states = [
            get(f"bridge_{k}")(layers.Concatenate()([final[k], final[half + k]]))
            for k in range(half)
        ]
        attention = get("attention")
        keys = Apply(attention.project)(memory)
        encoder = keras.Model(source, [memory, keys, mask, *states])

        token = keras.Input(shape=(1,), dtype="int32", name="token")
        position = keras.Input(shape=(1,), dtype="int32", name="position")
        memory_in = keras.Input(shape=(None, memory.shape[-1]), name="memory")
        keys_in = keras.Input(shape=(None, keys.shape[-1]), name="keys")
        mask_in = keras.Input(shape=(None,), dtype="bool", name="mask")
        states_in = [keras.Input(shape=(self.units,), name=f"state_{k}") for k in range(half)]
        embedding = get("target_embedding" if "target_embedding" in _names(network)
                        else "source_embedding")
        decoded, *states_out = get("decoder")(embedding(token), initial_state=states_in)
        context, weights = Apply(attention.attend)(decoded, keys_in, memory_in, mask_in)
        attentional = get("combine")(layers.Concatenate()([context, decoded]))
        probabilities = get("probabilities")(get("next_token")(attentional))
        squeeze = layers.Reshape((-1,))
        stepper = keras.Model(
            [token, position, memory_in, keys_in, mask_in, *states_in],
            [squeeze(probabilities), layers.Reshape((-1,))(weights), *states_out],
        )
        return (encoder, stepper), half, None


def _names(network):
    return {layer.name for layer in network.layers}


# ---------------------------------------------------------------- Transformer
@parameters
class TransformerTranslatorNetwork(TranslatorNetwork):
    """Transformer encoder-decoder (pre-norm blocks, sinusoidal positions)."""

    num_heads: int = 4
    feedforward_dim: int = 1024
    n_blocks: int = 3
    dropout: float = 0.1
    learning_rate: float = 0.0005

    _network_name = "transformer_translator"
    _parameter_constraints: ClassVar[dict] = {
        "num_heads": [Interval(Integral, 1, None, closed="left")],
        "feedforward_dim": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 1, None, closed="left")],
    }
    _parameter_docs: ClassVar[dict] = {
        "num_heads": ("int", "Attention heads of every block."),
        "feedforward_dim": (
            "int",
            "Hidden units of each block's position-wise feed-forward network.",
        ),
        "n_blocks": ("int", "Encoder blocks, and as many decoder blocks."),
    }
    _doc_wording: ClassVar[dict] = {
        "embedding_where": " and of every block",
        "dropout_where": "on the embeddings, inside every block and before the output",
        "penalized": "the output layer's kernel",
    }

    def _seq2seq(self, source, target, n_source, n_target, *, l2, seeds):
        source_embedding, target_embedding = self._embeddings(
            seeds, n_source, n_target, mask_zero=False
        )
        source_mask = PaddingMask(name="source_mask")(source)
        x = ScaledPositions()(source_embedding(source))
        y = ScaledPositions()(target_embedding(target))
        if self.dropout > 0:
            x = layers.Dropout(self.dropout, seed=seeds())(x)
            y = layers.Dropout(self.dropout, seed=seeds())(y)
        for block in range(self.n_blocks):
            x = self._block(seeds, f"encoder_{block}", cross=False)([x, source_mask])
        memory = LayerNorm(name="encoder_norm")(x)
        for block in range(self.n_blocks):
            y, _ = self._block(seeds, f"decoder_{block}", cross=True)([y, memory, source_mask])
        return self._output(LayerNorm(name="decoder_norm")(y), n_target, l2=l2, seeds=seeds)

    def _block(self, seeds, name, *, cross):
        return TransformerBlock(
            self.num_heads, self.feedforward_dim, dropout=self.dropout, cross=cross,
            seed=seeds(), name=name,
        )

    def _decoding_models_of(self, network):
        get = network.get_layer
        blocks = [get(f"decoder_{block}") for block in range(self.n_blocks)]
        source = keras.Input(shape=(None,), dtype="int32", name="source_ids")
        mask = PaddingMask()(source)
        x = ScaledPositions()(get("source_embedding")(source))
        for block in range(self.n_blocks):
            x = get(f"encoder_{block}")([x, mask])
        memory = get("encoder_norm")(x)
        cached = [part for block in blocks for part in Apply(block.memory)(memory)]
        encoder = keras.Model(source, [Apply(padding_bias)(mask), *cached])

        width = self.embedding_dim
        token = keras.Input(shape=(1,), dtype="int32", name="token")
        position = keras.Input(shape=(1,), dtype="int32", name="position")
        bias = keras.Input(shape=(1, 1, None), name="bias")
        memory_in = [keras.Input(shape=(None, part.shape[-1])) for part in cached]
        carried_in = [keras.Input(shape=(None, part.shape[-1])) for part in cached]
        embedding = get("target_embedding" if "target_embedding" in _names(network)
                        else "source_embedding")
        y = Apply(lambda e, p: e * np.sqrt(width) + sinusoids(p, width))(
            embedding(token), position
        )
        carried_out = []
        for index, block in enumerate(blocks):
            y, keys, values, weights = Apply(block.step)(
                y, *carried_in[2 * index : 2 * index + 2],
                *memory_in[2 * index : 2 * index + 2], bias,
            )
            carried_out += [keys, values]
        probabilities = get("probabilities")(get("next_token")(get("decoder_norm")(y)))
        stepper = keras.Model(
            [token, position, bias, *memory_in, *carried_in],
            [layers.Reshape((-1,))(probabilities), layers.Reshape((-1,))(weights), *carried_out],
        )
        return (encoder, stepper), 0, [part.shape[-1] for part in cached]


# ------------------------------------------------------------------ estimators
_EXAMPLE = """
>>> from sknn_text import {name}
>>> english = ["the cat sleeps", "the dog runs", "a cat runs", "a dog sleeps"] * 20
>>> german = ["die katze schläft", "der hund läuft", "eine katze läuft",
...           "ein hund schläft"] * 20
>>> translator = {name}(level="word", {settings}epochs=40,
...                     learning_rate=0.01, random_state=0).fit(english, german)
>>> translator.predict(["the dog runs", "a cat runs"]).tolist()
['der hund läuft', 'eine katze läuft']
>>> bool(translator.log_probability(["the dog runs"], ["der hund läuft"])[0] > -1)
True
"""


def _recurrent_doc(layer, name):
    return docstring(
        f"{layer} encoder-decoder translator with attention.",
        """
        The source sentence is embedded and read in both directions by a
        recurrent encoder; a recurrent decoder, started from the encoder's
        final states, attends over the encoder's outputs (``attention``) at
        every step and predicts the next target token.
        """,
        TranslatorHead,
        examples=_EXAMPLE.format(name=name, settings="units=32, embedding_dim=16, "),
    )


@estimator
class LSTMTranslator(TranslatorHead, RecurrentTranslatorNetwork):
    __doc__ = _recurrent_doc("Long short-term memory (LSTM)", "LSTMTranslator")
    #: At 0.002 (the GRU's) the LSTM never left the plateau of the target words'
    #: frequencies on 6,000 Multi30k pairs (6.69 to 6.78 nats per token over 10
    #: epochs); at 0.001 it left it after 8 (5.27 after 10; ``benchmarks/README.md``).
    learning_rate: float = 0.001
    _cell = "lstm"


@estimator
class GRUTranslator(TranslatorHead, RecurrentTranslatorNetwork):
    __doc__ = _recurrent_doc("Gated recurrent unit (GRU)", "GRUTranslator")
    _cell = "gru"


@estimator
class TransformerTranslator(TranslatorHead, TransformerTranslatorNetwork):
    __doc__ = docstring(
        "Transformer encoder-decoder translator (Vaswani et al. 2017).",
        """
        Scaled token embeddings plus sinusoidal positions go through
        ``n_blocks`` encoder blocks; ``n_blocks`` decoder blocks (causal
        self-attention, then attention over the encoder's outputs, then a
        feed-forward network; pre-norm, Xiong et al. 2020) predict the next
        target token.
        """,
        TranslatorHead,
        notes="""
        Positions are sinusoidal, so sentences longer than any seen in ``fit``
        are read as any other. Decoding caches the keys and values of every
        block: a new token costs one attention step per block.
        """,
        examples=_EXAMPLE.format(
            name="TransformerTranslator",
            settings="embedding_dim=32, feedforward_dim=64, n_blocks=1, dropout=0.0,\n"
            "...                     ",
        ),
    )
