"""Multi-layer perceptrons on document-feature matrices (TF-IDF, counts).

The encoder is a stack of ``Dense`` layers over dense or sparse features; a
sparse matrix reaches the network one sparse mini-batch at a time and is never
densified as a whole.
"""

from __future__ import annotations

from numbers import Integral

import keras
from keras import layers
from sklearn.utils._param_validation import Interval, StrOptions

from .._composition import Encoder, Parameter, Source, compose
from .._heads._base import Encoding, OutputSpec
from .._heads._classifier import ClassifierHead
from .._heads._document import document_outputs
from .._heads._regressor import RegressorHead
from .._layers import Float64Dense, Seeds, SquaredL2
from ._features import FeatureInput
from ._inputs import ACTIVATIONS, layer_sizes


def encode_mlp(
    n_features,
    *,
    hidden_layer_sizes=(100,),
    activation="relu",
    dropout=0.0,
    sparse_input=False,
    l2=0.0,
    seeds,
):
    """The hidden layers of an MLP: ``Dense -> (Dropout) -> ...``.

    Parameters
    ----------
    n_features : int
        Width of the input vectors.
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` leaves the inputs as they are (the
        network is then a linear or logistic model).
    activation : {"identity", "logistic", "tanh", "relu", "gelu"}, default="relu"
        Activation of the hidden layers, named as in scikit-learn's MLP.
    dropout : float, default=0.0
        Dropout rate applied after each hidden layer.
    sparse_input : bool, default=False
        Declare the input sparse, so the first layer runs a sparse-dense product.
    l2 : float, default=0.0
        L2 penalty factor of every hidden kernel.
    seeds : Seeds
        Seeds of the initializers and dropout layers.

    Returns
    -------
    encoding : Encoding
        One vector per document.
    """
    inputs = keras.Input(shape=(n_features,), sparse=sparse_input, name="features")
    return _hidden_layers(
        Source(inputs, inputs, "features", sparse=sparse_input),
        hidden_layer_sizes=hidden_layer_sizes,
        activation=activation,
        dropout=dropout,
        l2=l2,
        seeds=seeds,
    )


def _hidden_layers(source, *, hidden_layer_sizes, activation, dropout, l2, seeds):
    regularizer = SquaredL2(l2) if l2 > 0 else None
    x = source.x
    for units in hidden_layer_sizes:
        x = layers.Dense(
            units,
            activation=ACTIVATIONS[activation],
            kernel_initializer=seeds.glorot(),
            kernel_regularizer=regularizer,
        )(x)
        if dropout > 0:
            x = layers.Dropout(dropout, seed=seeds())(x)
    # A sparse input read directly by the output layer needs Keras's own Dense.
    direct = source.sparse and not hidden_layer_sizes
    return Encoding(source.inputs, x, output_layer=layers.Dense if direct else Float64Dense)


def build_mlp(n_features, n_outputs, *, output_activation="linear", l2=0.0, seed=None, **encoder):
    """A whole document MLP, ``Dense -> ... -> Dense(n_outputs)``, uncompiled.

    ``encoder`` takes the keyword arguments of :func:`encode_mlp` (but
    ``seeds``); ``l2`` penalizes every kernel, the output layer's too.
    """
    seeds = Seeds(seed)
    encoding = encode_mlp(n_features, l2=l2, seeds=seeds, **encoder)
    spec = OutputSpec(n_outputs, output_activation, loss="")
    outputs = document_outputs(encoding, spec, l2=l2, seeds=seeds)
    return keras.Model(encoding.inputs, outputs, name="mlp")


def _build(source, *, per_step, causal, l2, seeds, hidden_layer_sizes, activation, dropout):
    """The hidden layers on ``source`` (see :class:`~sknn_text.extending.Encoder`)."""
    if per_step:
        raise TypeError("An MLP reads one feature vector per document: it has no per-step outputs.")
    return _hidden_layers(
        source,
        hidden_layer_sizes=layer_sizes(hidden_layer_sizes, "hidden_layer_sizes", allow_empty=True),
        activation=activation,
        dropout=dropout,
        l2=l2,
        seeds=seeds,
    )


#: The MLP architecture: dense hidden layers over a feature vector.
ENCODER = Encoder(
    "mlp",
    _build,
    {
        "hidden_layer_sizes": Parameter(
            (100,),
            ["array-like", Interval(Integral, 1, None, closed="left")],
            "int or tuple of int",
            """Units of each hidden layer. ``()`` means no hidden layer: a linear
            model (regressor) or a logistic regression (classifier).""",
            positional=True,
        ),
        "activation": Parameter(
            "relu",
            [StrOptions(set(ACTIVATIONS))],
            '{"relu", "tanh", "logistic", "identity", "gelu"}',
            "Activation of the hidden layers, named as in scikit-learn's MLP.",
        ),
    },
    wording={"dropout_where": "after every hidden layer", "penalized": "every layer's kernel"},
    size_hint=lambda estimator, hint: (
        f"{hint}, hidden_layer_sizes={estimator.hidden_layer_sizes!r}"
    ),
)


MLPTextClassifier = compose(
    "MLPTextClassifier",
    head=ClassifierHead,
    inputs=FeatureInput,
    encoder=ENCODER,
    module=__name__,
    doc="""Multi-layer perceptron classifier for document-feature matrices.

    Feed it TF-IDF or count features, dense or sparse: a sparse matrix is
    densified one mini-batch at a time, never as a whole. Binary targets get
    one sigmoid unit, multiclass a softmax, multilabel indicator matrices one
    sigmoid per label.

    Notes
    -----
    Parameters named as in :class:`sklearn.neural_network.MLPClassifier`
    mean the same here; ``epochs`` plays the role of ``max_iter``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn_text import MLPTextClassifier
    >>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 5
    >>> labels = ["pos", "neg", "pos", "neg"] * 5
    >>> model = make_pipeline(
    ...     TfidfVectorizer(),
    ...     MLPTextClassifier(epochs=20, learning_rate=0.01, random_state=0),
    ... )
    >>> model.fit(texts, labels).predict(["great film", "dull film"]).tolist()
    ['pos', 'neg']
    """,
)


MLPTextRegressor = compose(
    "MLPTextRegressor",
    head=RegressorHead,
    inputs=FeatureInput,
    encoder=ENCODER,
    module=__name__,
    doc="""Multi-layer perceptron regressor for document-feature matrices.

    Feed it TF-IDF or count features, dense or sparse: a sparse matrix is
    densified one mini-batch at a time, never as a whole. ``y`` may be 1-D
    or 2-D (several outputs).

    Notes
    -----
    The target is standardized per output column for training and mapped back
    in ``predict``, so raw-scale targets (ratings from 1 to 10) need no
    scaling. With ``hidden_layer_sizes=()`` and ``alpha=0`` the network is a
    linear regression trained by gradient descent.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn_text import MLPTextRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = 5 + X @ np.array([1.0, -2.0, 0.5])
    >>> model = MLPTextRegressor(hidden_layer_sizes=(), alpha=0, epochs=50,
    ...                          learning_rate=0.01, random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.99)
    True
    """,
)
