"""Pure functions that turn hyper-parameters into uncompiled ``keras.Model`` objects.

Nothing here knows about scikit-learn: each builder takes plain arguments and
returns a fresh, uncompiled functional model. Every random initializer and
dropout layer receives an explicit seed drawn from ``seed`` so that a model is
reproducible without touching Keras's global random state.
"""

import keras
from keras import layers

from ._layers import (
    AttentionPooling1D,
    Float64Dense,
    MaskedPooling1D,
    PaddingMask,
    PositionEmbedding,
    Seeds,
    SquaredL2,
    TransformerEncoderBlock,
    ZeroPadding,
)

_ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "gelu": "gelu",
}
_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def _output_layer(x, n_outputs, output_activation, l2, seeds, layer_class=Float64Dense):
    """The last layer, computed in float64 (see ``Float64Dense``) unless it reads
    sparse input directly (an MLP without hidden layers)."""
    return layer_class(
        n_outputs,
        activation=output_activation,
        kernel_initializer=seeds.glorot(),
        kernel_regularizer=SquaredL2(l2) if l2 > 0 else None,
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


def _sequence_input(vocabulary_size, n_channels, embedding_dim, seeds, embedding_weights):
    """Input layer and first tensor of a sequence network.

    Exactly one of ``vocabulary_size`` (token ids, embedded with
    ``mask_zero=True`` so that id 0 is right-padding and masked downstream) and
    ``n_channels`` (numeric sequences of that many features per step) is given.
    ``embedding_weights``, an array of shape ``(vocabulary_size, dim)``, replaces
    the random initial embeddings (set by :func:`_finish`, not stored in the
    model's config) and fixes their width.
    """
    if (vocabulary_size is None) == (n_channels is None):
        raise ValueError("Give exactly one of vocabulary_size and n_channels.")
    if n_channels is not None:
        inputs = keras.Input(shape=(None, n_channels), name="sequences")
        return inputs, inputs
    if embedding_weights is not None:
        embedding_dim = embedding_weights.shape[1]
    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    embedded = layers.Embedding(
        vocabulary_size,
        embedding_dim,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomUniform(
            -0.05, 0.05, seed=seeds()
        ),
        name="embedding",
    )(inputs)
    return inputs, embedded


def _finish(model, embedding_weights, freeze_embeddings):
    """Load pretrained embeddings into the model (and freeze them if asked)."""
    if embedding_weights is not None:
        embedding = model.get_layer("embedding")
        embedding.set_weights([embedding_weights])
        embedding.trainable = not freeze_embeddings
    return model


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
    seeds = Seeds(seed)
    regularizer = SquaredL2(l2) if l2 > 0 else None
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
    dense_output = layers.Dense if sparse_input and not hidden_layer_sizes else Float64Dense
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds, dense_output)
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
    embedding_weights=None,
    freeze_embeddings=False,
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
    embedding_weights, freeze_embeddings
        Pretrained embedding matrix (see :func:`_sequence_input`) and whether
        it stays fixed in training.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    seeds = Seeds(seed)
    inputs, x = _sequence_input(
        vocabulary_size, n_channels, embedding_dim, seeds, embedding_weights
    )
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
    return _finish(keras.Model(inputs, outputs, name=cell), embedding_weights, freeze_embeddings)


def build_convolutional(
    n_outputs,
    *,
    vocabulary_size=None,
    n_channels=None,
    series_length=None,
    embedding_dim=64,
    filters=64,
    kernel_sizes=(3, 4, 5),
    activation="relu",
    dropout=0.0,
    l2=0.0,
    output_activation="linear",
    embedding_weights=None,
    freeze_embeddings=False,
    seed=None,
):
    """Build a convolutional network in the style of Kim (2014).

    The embedded tokens go through parallel ``Conv1D`` branches, one per kernel
    size, each followed by a max over the real (unpadded) positions; the
    concatenated maxima feed the output layer. Numeric series of a fixed
    ``series_length`` keep where each pattern occurred: their feature maps are
    flattened instead of max-pooled, since a forecast depends on when.

    Parameters
    ----------
    n_outputs : int
        Width of the output layer.
    vocabulary_size, n_channels : int or None
        Exactly one: token-id input or numeric sequences (see ``build_recurrent``).
    series_length : int or None, default=None
        Time steps of numeric series (required with ``n_channels``).
    embedding_dim : int, default=64
        Width of the token embeddings.
    filters : int, default=64
        Filters (feature maps) per kernel size.
    kernel_sizes : tuple of int, default=(3, 4, 5)
        Window widths of the parallel branches, in time steps.
    activation : str, default="relu"
        Activation of the convolutions, named as in scikit-learn's MLP.
    dropout : float, default=0.0
        Dropout rate on the pooled features before the output layer.
    l2 : float, default=0.0
        L2 penalty factor of the output layer's kernel.
    output_activation : str, default="linear"
        Keras activation of the output layer.
    embedding_weights, freeze_embeddings
        Pretrained embedding matrix and whether it stays fixed in training.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    seeds = Seeds(seed)
    inputs, x = _sequence_input(
        vocabulary_size, n_channels, embedding_dim, seeds, embedding_weights
    )
    mask = None
    if vocabulary_size is not None:
        mask = PaddingMask(name="padding_mask")(inputs)
        x = ZeroPadding(name="zero_padding")(x)
    else:
        if series_length is None:
            raise ValueError("Numeric series need series_length.")
        inputs = keras.Input(shape=(series_length, n_channels), name="sequences")
        x = inputs
    pooled = []
    for size in kernel_sizes:
        feature_maps = layers.Conv1D(
            filters,
            size,
            padding="same",
            activation=_ACTIVATIONS[activation],
            kernel_initializer=seeds.glorot(),
            name=f"conv_{size}",
        )(x)
        if vocabulary_size is None:
            pooled.append(layers.Flatten(name=f"flatten_{size}")(feature_maps))
        else:
            pooled.append(
                MaskedPooling1D("max", name=f"max_pooling_{size}")(feature_maps, mask=mask)
            )
    x = pooled[0] if len(pooled) == 1 else layers.Concatenate(name="features")(pooled)
    if dropout > 0:
        x = layers.Dropout(dropout, seed=seeds())(x)
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds)
    model = keras.Model(inputs, outputs, name="cnn")
    return _finish(model, embedding_weights, freeze_embeddings)


def build_transformer(
    n_outputs,
    *,
    max_length,
    vocabulary_size=None,
    n_channels=None,
    embedding_dim=64,
    num_heads=4,
    feedforward_dim=128,
    n_blocks=1,
    dropout=0.0,
    l2=0.0,
    output_activation="linear",
    embedding_weights=None,
    freeze_embeddings=False,
    seed=None,
):
    """Build a Transformer encoder: token (or projected step) embeddings plus
    learned position embeddings, ``n_blocks`` encoder blocks, and a mean over
    the real positions.

    Parameters
    ----------
    n_outputs : int
        Width of the output layer.
    max_length : int
        Longest sequence the position embeddings cover.
    vocabulary_size, n_channels : int or None
        Exactly one: token-id input or numeric sequences (see ``build_recurrent``).
    embedding_dim : int, default=64
        Width of the embeddings and of every encoder block.
    num_heads : int, default=4
        Attention heads per block.
    feedforward_dim : int, default=128
        Hidden units of each block's position-wise feed-forward network.
    n_blocks : int, default=1
        Number of stacked encoder blocks.
    dropout : float, default=0.0
        Dropout rate inside the blocks and before the output layer.
    l2 : float, default=0.0
        L2 penalty factor of the output layer's kernel.
    output_activation : str, default="linear"
        Keras activation of the output layer.
    embedding_weights, freeze_embeddings
        Pretrained embedding matrix and whether it stays fixed in training.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    seeds = Seeds(seed)
    inputs, x = _sequence_input(
        vocabulary_size, n_channels, embedding_dim, seeds, embedding_weights
    )
    if n_channels is not None:
        x = layers.Dense(embedding_dim, kernel_initializer=seeds.glorot(), name="projection")(x)
    x = PositionEmbedding(max_length, seed=seeds(), name="position_embedding")(x)
    for block in range(n_blocks):
        x = TransformerEncoderBlock(
            num_heads, feedforward_dim, dropout=dropout, seed=seeds(), name=f"encoder_{block}"
        )(x)
    x = MaskedPooling1D("mean", name="mean_pooling")(x)
    if dropout > 0:
        x = layers.Dropout(dropout, seed=seeds())(x)
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds)
    model = keras.Model(inputs, outputs, name="transformer")
    return _finish(model, embedding_weights, freeze_embeddings)


def build_fasttext(
    n_outputs,
    *,
    vocabulary_size=None,
    n_features=None,
    embedding_dim=64,
    sparse_input=False,
    dropout=0.0,
    l2=0.0,
    output_activation="linear",
    embedding_weights=None,
    freeze_embeddings=False,
    seed=None,
):
    """Build a fastText-style model (Joulin et al. 2017): the mean of the
    embeddings of a document's tokens (and n-grams), then a linear output layer.

    Token-id input is embedded and averaged over the real positions. A
    document-feature matrix (``n_features`` columns, e.g. TF-IDF) gives the same
    model written as a weighted sum: a linear layer without bias whose kernel
    rows are the feature embeddings.

    Parameters
    ----------
    n_outputs : int
        Width of the output layer.
    vocabulary_size : int or None
        Number of token ids, for token-id input.
    n_features : int or None
        Columns of a document-feature matrix, for bag-of-features input.
    embedding_dim : int, default=64
        Width of the document vector.
    sparse_input : bool, default=False
        The feature matrix arrives as sparse batches.
    dropout : float, default=0.0
        Dropout rate on the document vector.
    l2 : float, default=0.0
        L2 penalty factor of the output layer's kernel.
    output_activation : str, default="linear"
        Keras activation of the output layer.
    embedding_weights, freeze_embeddings
        Pretrained embedding matrix (token input) and whether it stays fixed.
    seed : int or None, default=None
        Base seed of the initializers and dropout layers.

    Returns
    -------
    model : keras.Model
        An uncompiled model.
    """
    if (vocabulary_size is None) == (n_features is None):
        raise ValueError("Give exactly one of vocabulary_size and n_features.")
    seeds = Seeds(seed)
    if vocabulary_size is not None:
        inputs, x = _sequence_input(
            vocabulary_size, None, embedding_dim, seeds, embedding_weights
        )
        x = MaskedPooling1D("mean", name="mean_pooling")(x)
    else:
        inputs = keras.Input(shape=(n_features,), sparse=sparse_input, name="features")
        x = layers.Dense(
            embedding_dim,
            use_bias=False,
            kernel_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
            name="feature_embedding",
        )(inputs)
    if dropout > 0:
        x = layers.Dropout(dropout, seed=seeds())(x)
    outputs = _output_layer(x, n_outputs, output_activation, l2, seeds)
    model = keras.Model(inputs, outputs, name="fasttext")
    return _finish(model, embedding_weights, freeze_embeddings)
