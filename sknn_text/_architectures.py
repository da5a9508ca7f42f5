"""Pure functions that turn hyper-parameters into uncompiled ``keras.Model`` objects.

Nothing here knows about scikit-learn: each builder takes plain arguments and
returns a fresh, uncompiled functional model. Every random initializer and
dropout layer receives an explicit seed drawn from ``seed`` so that a model is
reproducible without touching Keras's global random state.
"""

import itertools

import keras
from keras import layers, ops

_ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "gelu": "gelu",
}
_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


class _Seeds:
    """Hand out distinct integer seeds derived from one base seed (or ``None``)."""

    def __init__(self, seed):
        self._counter = None if seed is None else itertools.count(int(seed))

    def __call__(self):
        return None if self._counter is None else next(self._counter) % (2**31 - 1)

    def glorot(self):
        return keras.initializers.GlorotUniform(seed=self())


@keras.saving.register_keras_serializable(package="sknn_text")
class MaskedPooling1D(layers.Layer):
    """Mean or max over time steps that ignores padded (masked) positions.

    A sequence whose every position is masked (an empty document) pools to zeros
    instead of NaN or ``-inf``.
    """

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in ("mean", "max"):
            raise ValueError(f"mode must be 'mean' or 'max', got {mode!r}")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        count = ops.sum(weights, axis=1)
        if self.mode == "mean":
            return ops.sum(inputs * weights, axis=1) / ops.maximum(count, 1.0)
        lowest = ops.min(inputs) - 1.0
        masked = ops.where(weights > 0, inputs, lowest)
        return ops.where(count > 0, ops.max(masked, axis=1), 0.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


@keras.saving.register_keras_serializable(package="sknn_text")
class AttentionPooling1D(layers.Layer):
    """Attention-weighted sum over time steps that gives padding no weight.

    Each step's output ``h_t`` gets a score ``v . tanh(W h_t + b)``; a softmax over
    the real (unmasked) steps turns the scores into weights. A fully masked
    sequence pools to zeros.
    """

    def __init__(self, units=64, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        seeds = _Seeds(self.seed)
        self.hidden = layers.Dense(
            self.units, activation="tanh", kernel_initializer=seeds.glorot()
        )
        self.score = layers.Dense(1, use_bias=False, kernel_initializer=seeds.glorot())
        self.hidden.build(input_shape)
        self.score.build((*input_shape[:-1], self.units))

    def call(self, inputs, mask=None):
        scores = ops.squeeze(self.score(self.hidden(inputs)), axis=-1)
        if mask is not None:
            scores = ops.where(mask, scores, -1e9)
        # A softmax written out, so that a one-step batch does not make Keras warn
        # about a softmax over an axis of size 1; masked steps weigh exactly 0.
        weights = ops.exp(scores - ops.max(scores, axis=1, keepdims=True))
        if mask is not None:
            weights = weights * ops.cast(mask, weights.dtype)
        weights = weights / ops.maximum(ops.sum(weights, axis=1, keepdims=True), 1e-9)
        return ops.sum(inputs * ops.expand_dims(weights, -1), axis=1)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "units": self.units, "seed": self.seed}


def _output_layer(x, n_outputs, output_activation, l2, seeds):
    return layers.Dense(
        n_outputs,
        activation=output_activation,
        kernel_initializer=seeds.glorot(),
        kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None,
        name="output",
    )(x)


def _recurrent_layer(layer_class, n_units, seeds, **settings):
    """One recurrent layer with its own seeded initializers and dropout seed."""
    return layer_class(
        n_units,
        kernel_initializer=seeds.glorot(),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seeds()),
        seed=seeds(),
        **settings,
    )


def build_mlp(
    n_features,
    n_outputs,
    *,
    hidden_layer_sizes=(100,),
    activation="relu",
    dropout=0.0,
    sparse_input=False,
    l2=0.0,
    output_activation="linear",
    seed=None,
):
    """Build a feed-forward network ``Dense -> ... -> Dense(n_outputs)``.

    Parameters
    ----------
    n_features : int
        Width of the input vectors.
    n_outputs : int
        Width of the output layer.
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` gives a linear (or logistic) model.
    activation : {"identity", "logistic", "tanh", "relu", "gelu"}, default="relu"
        Activation of the hidden layers, named as in scikit-learn's MLP.
    dropout : float, default=0.0
        Dropout rate applied after each hidden layer.
    sparse_input : bool, default=False
        Declare the input sparse, so the first layer runs a sparse-dense product.
    l2 : float, default=0.0
        L2 penalty factor added to the loss for every kernel.
    output_activation : str, default="linear"
        Keras activation of the output layer.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    seeds = _Seeds(seed)
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    inputs = keras.Input(shape=(n_features,), sparse=sparse_input, name="features")
    x = inputs
    for units in hidden_layer_sizes:
        x = layers.Dense(
            units,
            activation=_ACTIVATIONS[activation],
            kernel_initializer=seeds.glorot(),
            kernel_regularizer=regularizer,
        )(x)
        if dropout > 0:
            x = layers.Dropout(dropout, seed=seeds())(x)
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds)
    return keras.Model(inputs, outputs, name="mlp")


def build_recurrent(
    n_outputs,
    *,
    cell="lstm",
    vocabulary_size=None,
    n_channels=None,
    embedding_dim=64,
    units=(64,),
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    pooling="last",
    l2=0.0,
    output_activation="linear",
    seed=None,
):
    """Build a (stacked, optionally bidirectional) recurrent network.

    Exactly one of ``vocabulary_size`` (token ids, embedded with
    ``mask_zero=True`` so that id 0 is right-padding) and ``n_channels``
    (numeric sequences of that many features per time step) must be given.

    Parameters
    ----------
    n_outputs : int
        Width of the output layer.
    cell : {"simple_rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell type.
    vocabulary_size : int or None, default=None
        Number of token ids (largest id + 1) for token input.
    n_channels : int or None, default=None
        Features per time step for numeric input.
    embedding_dim : int, default=64
        Width of the token embeddings.
    units : tuple of int, default=(64,)
        Units of each stacked recurrent layer.
    bidirectional : bool, default=False
        Wrap each recurrent layer in ``keras.layers.Bidirectional``.
    dropout : float, default=0.0
        Dropout rate on the input of every recurrent layer and before the output.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state (disables cuDNN kernels on a GPU).
    pooling : {"last", "mean", "max", "attention"}, default="last"
        How the last recurrent layer's outputs become one vector; "attention"
        learns a weighted sum over the real (unmasked) steps.
    l2 : float, default=0.0
        L2 penalty factor of the output layer's kernel.
    output_activation : str, default="linear"
        Keras activation of the output layer.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    if (vocabulary_size is None) == (n_channels is None):
        raise ValueError("Give exactly one of vocabulary_size and n_channels.")
    seeds = _Seeds(seed)
    if vocabulary_size is not None:
        inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        x = layers.Embedding(
            vocabulary_size,
            embedding_dim,
            mask_zero=True,
            embeddings_initializer=keras.initializers.RandomUniform(
                -0.05, 0.05, seed=seeds()
            ),
            name="embedding",
        )(inputs)
    else:
        inputs = keras.Input(shape=(None, n_channels), name="sequences")
        x = inputs
    layer_class = _CELLS[cell]
    for depth, n_units in enumerate(units):
        if dropout > 0:
            x = layers.Dropout(dropout, seed=seeds())(x)
        settings = {
            "return_sequences": not (depth == len(units) - 1 and pooling == "last"),
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
    if pooling == "attention":
        x = AttentionPooling1D(units[-1], seed=seeds(), name="attention_pooling")(x)
    elif pooling != "last":
        x = MaskedPooling1D(pooling, name=f"{pooling}_pooling")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, seed=seeds())(x)
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds)
    return keras.Model(inputs, outputs, name=cell)
