"""Generation from a recurrent language model, one recurrent step per new token.

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
"""

import keras
import numpy as np
from keras import layers

from .._backend import compile_steps

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
