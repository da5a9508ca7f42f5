"""Generation from a language model, one step per new token.

A language model's network maps a window of ids to the next-token distribution
at every position. Generating with it alone means reading the whole context
again for every new token. A recurrent network can instead read the context
once and carry its states: :func:`step_model` builds, from a fitted network, a
second Keras model with the same weights whose inputs are token ids *and* the
initial states of every recurrent layer, and whose outputs are the distribution
after the last id and the final states. Called on the whole context with zero
states, it reads the context (what the network does on a window that starts at
the context's first token); called on one id with the states it returned, it
takes one step.

The recurrent layers are rebuilt from their configuration with
``return_state=True`` and get copies of the fitted weights (so the model must be
built again after any further training); the embedding and the layers after the
last recurrent layer (dropout, which is inactive at inference, the projection,
the output layer or the tied embedding, the softmax) are the fitted layers
themselves.

A causal Transformer steps with a cache: :func:`transformer_step_model` reads
new positions against the keys and values that every block computed for the
earlier ones (a key-value cache), with the fitted blocks' own weights.
"""

import keras
import numpy as np
from keras import layers, ops

from .._backend import compile_steps
from .._layers import TransformerEncoderBlock

_RECURRENT = (layers.SimpleRNN, layers.LSTM, layers.GRU)


def _state_sizes(layer):
    """Widths of a recurrent layer's states (the LSTM has two: ``h`` and ``c``)."""
    return [layer.units] * (2 if isinstance(layer, layers.LSTM) else 1)


def step_model(network):
    """The stepping model of a fitted recurrent language-model network.

    Inputs: ``[token_ids (batch, steps), *states]``; outputs: ``[probabilities
    (batch, 1, vocabulary), *final_states]``, the distribution of the token
    after the last id. The states are those of the recurrent layers from the
    bottom up, each of shape ``(batch, units)``.
    """
    recurrent = [layer for layer in network.layers if isinstance(layer, _RECURRENT)]
    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    states_in = [
        keras.Input(shape=(width,), name=f"state_{depth}_{k}")
        for depth, layer in enumerate(recurrent)
        for k, width in enumerate(_state_sizes(layer))
    ]
    x = network.get_layer("embedding")(ids)
    states_out, start, copies = [], 0, []
    for depth, layer in enumerate(recurrent):
        last = depth == len(recurrent) - 1
        config = {
            **layer.get_config(),
            "name": f"{layer.name}_step",
            "return_sequences": not last,
            "return_state": True,
        }
        copy = type(layer).from_config(config)
        count = len(_state_sizes(layer))
        outputs = copy(x, initial_state=states_in[start : start + count])
        start += count
        x, states_out = outputs[0], [*states_out, *outputs[1:]]
        copies.append((copy, layer))
    for copy, layer in copies:
        copy.set_weights(layer.get_weights())
    # The layers after the last recurrent layer, as one model of its output.
    features = network.get_layer("features")
    head = keras.Model(features.input, network.get_layer("probabilities").output)
    probabilities = head(layers.Reshape((1, recurrent[-1].units))(x))
    return keras.Model([ids, *states_in], [probabilities, *states_out], name="step")


class RecurrentGenerator:
    """The ``next_probabilities`` of ``_sampling.sample_continuation``, stepping.

    The first call reads its whole context (from zero states); every later
    call must come with the context grown by exactly one id (the one drawn),
    which is the only one read.
    """

    def __init__(self, model):
        compile_steps(model)
        self.model = model
        self.zeros = [np.zeros((1, int(state.shape[-1])), "float32") for state in model.inputs[1:]]
        self.states, self.n_read = None, 0

    def _run(self, ids, states):
        outputs = self.model.predict_on_batch([np.asarray([ids], dtype="int32"), *states])
        probabilities, *self.states = (keras.ops.convert_to_numpy(out) for out in outputs)
        return probabilities[0, -1].astype(np.float64)

    def __call__(self, context):
        if self.states is None:
            ids, states = context, self.zeros
        elif len(context) == self.n_read + 1:
            ids, states = context[-1:], self.states
        else:
            raise ValueError("RecurrentGenerator reads one new id per call.")
        self.n_read = len(context)
        return self._run(ids, states)


def cached_generator(estimator, attribute):
    """A :class:`RecurrentGenerator` of ``estimator.model_``, whose step model is
    built once per fitted network and kept in ``attribute`` (a transient
    attribute: never pickled nor saved, dropped by every fit)."""
    cached = vars(estimator).get(attribute)
    if cached is None or cached[0] is not estimator.model_:
        cached = (estimator.model_, step_model(estimator.model_))
        setattr(estimator, attribute, cached)
    return RecurrentGenerator(cached[1])


# ------------------------------------------------------------- Transformer
class _CachedDecoderBlock(layers.Layer):
    """A fitted causal ``TransformerEncoderBlock`` reading new positions against
    the keys and values it cached for the earlier ones: attention over the
    cache costs one step per new token, not a re-read of the prefix."""

    def __init__(self, block, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def call(self, x, keys, values):
        attention = self.block.attention
        query = attention._query_dense(x)  # (batch, new, heads, key_dim)
        keys = ops.concatenate([keys, attention._key_dense(x)], axis=1)
        values = ops.concatenate([values, attention._value_dense(x)], axis=1)
        scores = ops.einsum("bqhd,bkhd->bhqk", query, keys) / np.sqrt(query.shape[-1])
        new, total = ops.shape(x)[1], ops.shape(keys)[1]
        # Query i of the new ones sits at position total - new + i.
        seen = ops.arange(total)[None, :] <= (total - new + ops.arange(new))[:, None]
        scores = ops.where(seen[None, None], scores, -1e9)
        mixed = ops.einsum("bhqk,bkhd->bqhd", ops.softmax(scores, axis=-1), values)
        x = self.block.norm_attention(x + attention._output_dense(mixed))
        x = self.block.norm_output(x + self.block.projection(self.block.hidden(x)))
        return x, keys, values


def transformer_step_model(network):
    """The stepping model of a fitted causal Transformer language-model network.

    Inputs: ``[token_ids (batch, new), positions (batch, new), *caches]``, the
    caches being the keys and values of every block (``(batch, seen, heads,
    key_dim)`` each, empty at first); outputs: ``[probabilities (batch, 1,
    vocabulary), *caches]``, the distribution after the last new id and the
    caches grown by the new positions.
    """
    blocks = [layer for layer in network.layers if isinstance(layer, TransformerEncoderBlock)]
    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    positions = keras.Input(shape=(None,), dtype="int32", name="positions")
    caches = []
    for block in blocks:
        heads, key_dim = block.num_heads, block.attention._key_dim
        caches += [keras.Input(shape=(None, heads, key_dim), name=f"{block.name}_{kind}")
                   for kind in ("keys", "values")]
    table = network.get_layer("position_embedding")
    x = network.get_layer("embedding")(ids) + _PositionRows(table)(positions)
    grown = []
    for index, block in enumerate(blocks):
        x, keys, values = _CachedDecoderBlock(block, name=f"{block.name}_step")(
            x, caches[2 * index], caches[2 * index + 1]
        )
        grown += [keys, values]
    features = network.get_layer("features")
    head = keras.Model(features.input, network.get_layer("probabilities").output)
    last = layers.Lambda(lambda t: t[:, -1:], name="last_position")(x)
    return keras.Model([ids, positions, *caches], [head(last), *grown], name="step")


class _PositionRows(layers.Layer):
    """The rows of a fitted ``PositionEmbedding`` for given positions."""

    def __init__(self, table, **kwargs):
        super().__init__(**kwargs)
        self.table = table

    def call(self, positions):
        return ops.take(self.table.positions, positions, axis=0)


class TransformerGenerator(RecurrentGenerator):
    """:class:`RecurrentGenerator` for a Transformer: the caches are the keys and
    values of every block. Its position embeddings cover ``window`` positions:
    when a new token would pass them, the generator reads the last half window
    again from empty caches (so the context is always between half a window and
    a whole one), then steps on."""

    def __init__(self, model, window):
        compile_steps(model)
        self.model, self.window = model, window
        self.zeros = [
            np.zeros((1, 0, *(int(d) for d in cache.shape[2:])), "float32")
            for cache in model.inputs[2:]
        ]
        self.states, self.n_read, self.used = None, 0, 0

    def _run(self, ids, states):
        if states is self.zeros:
            self.used = 0
        positions = np.arange(self.used, self.used + len(ids), dtype="int32")[None]
        self.used += len(ids)
        outputs = self.model.predict_on_batch(
            [np.asarray([ids], dtype="int32"), positions, *states]
        )
        probabilities, *self.states = (keras.ops.convert_to_numpy(out) for out in outputs)
        return probabilities[0, -1].astype(np.float64)

    def __call__(self, context):
        if self.states is None:
            ids, states = context[-self.window :], self.zeros
        elif len(context) != self.n_read + 1:
            raise ValueError("TransformerGenerator reads one new id per call.")
        elif self.used >= self.window:  # no position left: read half a window again
            ids, states = context[-max(1, self.window // 2) :], self.zeros
        else:
            ids, states = context[-1:], self.states
        self.n_read = len(context)
        return self._run(ids, states)


def cached_transformer_generator(estimator, attribute):
    """:func:`cached_generator` for a Transformer language model."""
    cached = vars(estimator).get(attribute)
    if cached is None or cached[0] is not estimator.model_:
        cached = (estimator.model_, transformer_step_model(estimator.model_))
        setattr(estimator, attribute, cached)
    return TransformerGenerator(cached[1], estimator.sequence_length_)
