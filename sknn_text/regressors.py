"""Neural text regressors: architecture choice, defaults and documentation.

Every class is named ``<Architecture>TextRegressor``. The recurrent ones also
forecast numeric series, so each has a short alias without ``Text``
(``GRURegressor is GRUTextRegressor``).
"""

from ._convolutional import ConvolutionalNetwork
from ._docs import (
    CNN_DOC_DEFAULTS,
    CNN_PARAMETERS,
    FASTTEXT_DOC_DEFAULTS,
    FASTTEXT_PARAMETERS,
    FITTED_ATTRIBUTES,
    MLP_DOC_DEFAULTS,
    MLP_PARAMETERS,
    RECURRENT_DOC_DEFAULTS,
    RECURRENT_PARAMETERS,
    TRAINING_PARAMETERS,
    TRANSFORMER_DOC_DEFAULTS,
    TRANSFORMER_PARAMETERS,
    compose,
)
from ._fasttext import FastTextNetwork
from ._feedforward import FeedForwardNetwork
from ._recurrent import RecurrentNetwork
from ._regressor import NetworkRegressorMixin
from ._transformer import TransformerNetwork

_TARGET_NOTE = """
The target is standardized per output column for training and mapped back in
``predict``, so raw-scale targets (ratings from 1 to 10) need no scaling.
"""


class MLPTextRegressor(NetworkRegressorMixin, FeedForwardNetwork):
    __doc__ = compose(
        """
        Multi-layer perceptron regressor for document-feature matrices.

        Feed it TF-IDF or count features, dense or sparse: a sparse matrix is
        densified one mini-batch at a time, never as a whole. ``y`` may be 1-D
        or 2-D (several outputs).
        """,
        parameters=[*MLP_PARAMETERS, *TRAINING_PARAMETERS],
        defaults=MLP_DOC_DEFAULTS,
        attributes=FITTED_ATTRIBUTES,
        notes=_TARGET_NOTE
        + """
        With ``hidden_layer_sizes=()`` and ``alpha=0`` the network is a linear
        regression trained by gradient descent.
        """,
        examples="""
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

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        dropout=0.0,
        alpha=0.0001,
        epochs=20,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        warm_start=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class RecurrentTextRegressor(NetworkRegressorMixin, RecurrentNetwork):
    """Shared constructor of the recurrent regressors; use a concrete subclass."""

    def __init__(
        self,
        *,
        embedding_dim=64,
        units=64,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        pooling="last",
        embeddings=None,
        freeze_embeddings=False,
        alpha=0.0001,
        epochs=10,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        warm_start=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.embedding_dim = embedding_dim
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.pooling = pooling
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


def _recurrent_doc(layer, example_class):
    return compose(
        f"""
        {layer} regressor for token-id sequences or numeric series.

        Put a :class:`~sknn_text.preprocessing.TextTokenizer` in front of it for
        text: 2-D integer input is read as token ids (0 = right-padding, masked),
        2-D float input as one numeric series per row, and 3-D float input
        ``(n_samples, n_steps, n_channels)`` as multivariate series, e.g. sliding
        windows for forecasting. ``y`` may be 1-D or 2-D.
        """,
        parameters=[*RECURRENT_PARAMETERS, *TRAINING_PARAMETERS],
        defaults=RECURRENT_DOC_DEFAULTS,
        attributes=FITTED_ATTRIBUTES,
        notes=_TARGET_NOTE,
        examples=f"""
        >>> import numpy as np
        >>> from sknn_text import {example_class}
        >>> rng = np.random.RandomState(0)
        >>> windows = rng.normal(size=(300, 6))          # 300 series of 6 steps
        >>> next_value = windows[:, -1] * 2 + 10          # raw-scale target
        >>> model = {example_class}(epochs=30, learning_rate=0.01, random_state=0)
        >>> bool(model.fit(windows, next_value).score(windows, next_value) > 0.9)
        True
        """,
    )


class SimpleRNNTextRegressor(RecurrentTextRegressor):
    __doc__ = _recurrent_doc("Simple (Elman) RNN", "SimpleRNNTextRegressor")
    _cell = "simple_rnn"


class LSTMTextRegressor(RecurrentTextRegressor):
    __doc__ = _recurrent_doc("Long short-term memory (LSTM)", "LSTMTextRegressor")
    _cell = "lstm"


class GRUTextRegressor(RecurrentTextRegressor):
    __doc__ = _recurrent_doc("Gated recurrent unit (GRU)", "GRURegressor")
    _cell = "gru"


SimpleRNNRegressor = SimpleRNNTextRegressor
LSTMRegressor = LSTMTextRegressor
GRURegressor = GRUTextRegressor


_SERIES_EXAMPLE = """
>>> import numpy as np
>>> from sknn_text import {name}
>>> rng = np.random.RandomState(0)
>>> windows = rng.normal(size=(300, 6))          # 300 series of 6 steps
>>> next_value = windows[:, -1] * 2 + 10          # raw-scale target
>>> model = {name}({settings}random_state=0)
>>> bool(model.fit(windows, next_value).score(windows, next_value) > 0.8)
True
"""


def _cnn_doc(name):
    return compose(
        """
        Convolutional regressor for token-id sequences or numeric series.

        Embedded tokens pass through parallel one-dimensional convolutions of
        several widths, each max-pooled over the real positions, as in Kim
        (2014). Numeric series (float input, e.g. windows for forecasting) keep
        the position of what the filters found: their feature maps are
        flattened instead. ``y`` may be 1-D or 2-D.
        """,
        parameters=[*CNN_PARAMETERS, *TRAINING_PARAMETERS],
        defaults=CNN_DOC_DEFAULTS,
        attributes=FITTED_ATTRIBUTES,
        notes=_TARGET_NOTE,
        examples=_SERIES_EXAMPLE.format(
            name=name, settings="epochs=15, dropout=0.0, learning_rate=0.01, "
        ),
    )


def _transformer_doc(name):
    return compose(
        """
        Transformer-encoder regressor for token-id sequences or numeric series.

        Token embeddings (or numeric steps projected to ``embedding_dim``) plus
        learned position embeddings go through ``n_blocks`` self-attention
        encoder blocks; the mean over the real positions feeds a linear output.
        ``y`` may be 1-D or 2-D.
        """,
        parameters=[*TRANSFORMER_PARAMETERS, *TRAINING_PARAMETERS],
        defaults=TRANSFORMER_DOC_DEFAULTS,
        attributes=FITTED_ATTRIBUTES,
        notes=_TARGET_NOTE,
        examples=_SERIES_EXAMPLE.format(
            name=name, settings="epochs=15, dropout=0.0, learning_rate=0.01, "
        ),
    )


def _fasttext_doc(name):
    return compose(
        """
        fastText-style regressor: averaged embeddings and a linear output.

        The document vector is the mean of the embeddings of its tokens (and
        hashed word n-grams), or, for a document-feature matrix (TF-IDF, dense
        or sparse), the feature-weighted sum of feature embeddings; one linear
        layer maps it to the target. ``y`` may be 1-D or 2-D.
        """,
        parameters=[*FASTTEXT_PARAMETERS, *TRAINING_PARAMETERS],
        defaults=FASTTEXT_DOC_DEFAULTS,
        attributes=FITTED_ATTRIBUTES,
        notes=_TARGET_NOTE,
        examples="""
        >>> import numpy as np
        >>> from sknn_text import FastTextRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.uniform(size=(300, 8))                # e.g. TF-IDF weights
        >>> y = 3 + X @ rng.normal(size=8)
        >>> model = FastTextRegressor(epochs=20, random_state=0).fit(X, y)
        >>> bool(model.score(X, y) > 0.9)
        True
        """,
    )


class CNNTextRegressor(NetworkRegressorMixin, ConvolutionalNetwork):
    __doc__ = _cnn_doc("CNNTextRegressor")

    def __init__(
        self,
        *,
        embedding_dim=64,
        filters=64,
        kernel_sizes=(3, 4, 5),
        activation="relu",
        dropout=0.5,
        embeddings=None,
        freeze_embeddings=False,
        alpha=0.0001,
        epochs=10,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        warm_start=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.embedding_dim = embedding_dim
        self.filters = filters
        self.kernel_sizes = kernel_sizes
        self.activation = activation
        self.dropout = dropout
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class TransformerTextRegressor(NetworkRegressorMixin, TransformerNetwork):
    __doc__ = _transformer_doc("TransformerTextRegressor")

    def __init__(
        self,
        *,
        embedding_dim=64,
        num_heads=4,
        feedforward_dim=128,
        n_blocks=1,
        dropout=0.1,
        embeddings=None,
        freeze_embeddings=False,
        alpha=0.0001,
        epochs=10,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.001,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        warm_start=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.embedding_dim = embedding_dim
        self.num_heads = num_heads
        self.feedforward_dim = feedforward_dim
        self.n_blocks = n_blocks
        self.dropout = dropout
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class FastTextRegressor(NetworkRegressorMixin, FastTextNetwork):
    __doc__ = _fasttext_doc("FastTextRegressor")

    def __init__(
        self,
        *,
        embedding_dim=64,
        dropout=0.0,
        embeddings=None,
        freeze_embeddings=False,
        alpha=0.0001,
        epochs=5,
        batch_size=32,
        optimizer="adam",
        learning_rate=0.01,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0001,
        warm_start=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.embeddings = embeddings
        self.freeze_embeddings = freeze_embeddings
        self.alpha = alpha
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
