"""Neural text classifiers: architecture choice, defaults and documentation.

Every class is named ``<Architecture>TextClassifier``.
"""

from ._classifier import CLASS_WEIGHT_CONSTRAINT, NetworkClassifierMixin
from ._convolutional import ConvolutionalNetwork
from ._docs import (
    CLASSES_ATTRIBUTE,
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
from ._transformer import TransformerNetwork


class MLPTextClassifier(NetworkClassifierMixin, FeedForwardNetwork):
    __doc__ = compose(
        """
        Multi-layer perceptron classifier for document-feature matrices.

        Feed it TF-IDF or count features, dense or sparse: a sparse matrix is
        densified one mini-batch at a time, never as a whole. Binary targets get
        one sigmoid unit, multiclass a softmax, multilabel indicator matrices one
        sigmoid per label.
        """,
        parameters=[*MLP_PARAMETERS, *TRAINING_PARAMETERS, "class_weight"],
        defaults=MLP_DOC_DEFAULTS,
        attributes=CLASSES_ATTRIBUTE + "\n" + FITTED_ATTRIBUTES,
        notes="""
        Parameters named as in :class:`sklearn.neural_network.MLPClassifier`
        mean the same here; ``epochs`` plays the role of ``max_iter``.
        """,
        examples="""
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

    _parameter_constraints: dict = {
        **FeedForwardNetwork._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

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
        class_weight=None,
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
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class RecurrentTextClassifier(NetworkClassifierMixin, RecurrentNetwork):
    """Shared constructor of the recurrent classifiers; use a concrete subclass."""

    _parameter_constraints: dict = {
        **RecurrentNetwork._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

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
        class_weight=None,
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
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


def _recurrent_doc(layer, example_class):
    return compose(
        f"""
        {layer} classifier for token-id sequences or numeric series.

        Put a :class:`~sknn_text.preprocessing.TextTokenizer` in front of it for
        text: 2-D integer input is read as token ids (0 = right-padding, masked),
        2-D float input as one numeric series per row, and 3-D float input as
        multivariate series. Binary targets get one sigmoid unit, multiclass a
        softmax, multilabel indicator matrices one sigmoid per label.
        """,
        parameters=[*RECURRENT_PARAMETERS, *TRAINING_PARAMETERS, "class_weight"],
        defaults=RECURRENT_DOC_DEFAULTS,
        attributes=CLASSES_ATTRIBUTE + "\n" + FITTED_ATTRIBUTES,
        notes="""
        With the defaults (no ``recurrent_dropout``) and right-padded input,
        Keras runs the cuDNN kernels on a GPU.
        """,
        examples=f"""
        >>> from sklearn.pipeline import make_pipeline
        >>> from sknn_text import {example_class}, TextTokenizer
        >>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 5
        >>> labels = ["pos", "neg", "pos", "neg"] * 5
        >>> model = make_pipeline(
        ...     TextTokenizer(),
        ...     {example_class}(epochs=20, learning_rate=0.01, random_state=0),
        ... )
        >>> model.fit(texts, labels).predict(["great film", "dull film"]).tolist()
        ['pos', 'neg']
        """,
    )


class SimpleRNNTextClassifier(RecurrentTextClassifier):
    __doc__ = _recurrent_doc("Simple (Elman) RNN", "SimpleRNNTextClassifier")
    _cell = "simple_rnn"


class LSTMTextClassifier(RecurrentTextClassifier):
    __doc__ = _recurrent_doc("Long short-term memory (LSTM)", "LSTMTextClassifier")
    _cell = "lstm"


class GRUTextClassifier(RecurrentTextClassifier):
    __doc__ = _recurrent_doc("Gated recurrent unit (GRU)", "GRUTextClassifier")
    _cell = "gru"


_TOKEN_EXAMPLE = """
>>> from sklearn.pipeline import make_pipeline
>>> from sknn_text import {name}, TextTokenizer
>>> texts = ["a great film", "a dull film", "great acting", "dull plot"] * 5
>>> labels = ["pos", "neg", "pos", "neg"] * 5
>>> model = make_pipeline(
...     TextTokenizer(),
...     {name}({settings}random_state=0),
... )
>>> model.fit(texts, labels).predict(["great film", "dull film"]).tolist()
['pos', 'neg']
"""
_TASKS = (
    "Binary targets get one sigmoid unit, multiclass a softmax, multilabel "
    "indicator matrices one sigmoid per label."
)


def _cnn_doc(name):
    return compose(
        f"""
        Convolutional classifier for token-id sequences or numeric series.

        Embedded tokens pass through parallel one-dimensional convolutions of
        several widths (n-gram detectors), each max-pooled over the real
        positions of the document, as in Kim (2014). Put a
        :class:`~sknn_text.preprocessing.TextTokenizer` in front of it for
        text; float input is read as numeric series. {_TASKS}
        """,
        parameters=[*CNN_PARAMETERS, *TRAINING_PARAMETERS, "class_weight"],
        defaults=CNN_DOC_DEFAULTS,
        attributes=CLASSES_ATTRIBUTE + "\n" + FITTED_ATTRIBUTES,
        notes="""
        Padding is zeroed before the convolutions and ignored by the pooling,
        so a document's prediction does not depend on its batch. Numeric
        series keep the position of what the filters found: their feature maps
        are flattened instead of max-pooled.
        """,
        examples=_TOKEN_EXAMPLE.format(name=name, settings="epochs=20, "),
    )


def _transformer_doc(name):
    return compose(
        f"""
        Transformer-encoder classifier for token-id sequences or numeric series.

        Token embeddings plus learned position embeddings go through
        ``n_blocks`` encoder blocks (multi-head self-attention and a
        feed-forward network, each with a residual connection and layer
        normalization); the mean over the real positions feeds the output.
        Padding is masked out of the attention. {_TASKS}
        """,
        parameters=[*TRANSFORMER_PARAMETERS, *TRAINING_PARAMETERS, "class_weight"],
        defaults=TRANSFORMER_DOC_DEFAULTS,
        attributes=CLASSES_ATTRIBUTE + "\n" + FITTED_ATTRIBUTES,
        notes="""
        The position embeddings cover the sequence length seen in ``fit``
        (``n_features_in_``); attention costs grow with its square, so cap
        ``TextTokenizer(sequence_length=...)`` for long documents.
        """,
        examples=_TOKEN_EXAMPLE.format(
            name=name, settings="epochs=20, learning_rate=0.005, "
        ),
    )


def _fasttext_doc(name):
    return compose(
        f"""
        fastText-style classifier: averaged embeddings and a linear output.

        The document vector is the mean of the embeddings of its tokens (and
        hashed word n-grams, with ``TextTokenizer(ngram_range=(1, 2),
        ngram_buckets=...)``), followed by one linear layer, as in Joulin et al.
        (2017). A document-feature matrix (TF-IDF, dense or sparse) is accepted
        too: its document vector is the feature-weighted sum of feature
        embeddings. Fast to train on large corpora. {_TASKS}
        """,
        parameters=[*FASTTEXT_PARAMETERS, *TRAINING_PARAMETERS, "class_weight"],
        defaults=FASTTEXT_DOC_DEFAULTS,
        attributes=CLASSES_ATTRIBUTE + "\n" + FITTED_ATTRIBUTES,
        notes="""
        The name reads ``<Architecture>Text<Task>`` like the others, with
        "Fast" for the architecture. 2-D integer input is token ids; float or
        sparse input is a document-feature matrix.
        """,
        examples=_TOKEN_EXAMPLE.format(name=name, settings="epochs=20, "),
    )


class CNNTextClassifier(NetworkClassifierMixin, ConvolutionalNetwork):
    __doc__ = _cnn_doc("CNNTextClassifier")

    _parameter_constraints: dict = {
        **ConvolutionalNetwork._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

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
        class_weight=None,
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
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class TransformerTextClassifier(NetworkClassifierMixin, TransformerNetwork):
    __doc__ = _transformer_doc("TransformerTextClassifier")

    _parameter_constraints: dict = {
        **TransformerNetwork._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

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
        class_weight=None,
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
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks


class FastTextClassifier(NetworkClassifierMixin, FastTextNetwork):
    __doc__ = _fasttext_doc("FastTextClassifier")

    _parameter_constraints: dict = {
        **FastTextNetwork._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

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
        class_weight=None,
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
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
