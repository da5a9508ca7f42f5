"""fastText-style networks (Joulin et al. 2017): averaged embeddings, linear output.

Two kinds of input give the same model:

* 2-D integer token ids (``TextTokenizer``, optionally with hashed n-grams):
  the embeddings of the real tokens are averaged by the document head;
* a document-feature matrix, dense float or sparse (``TfidfVectorizer``): the
  document vector is the feature-weighted sum of per-feature embeddings, a
  linear layer without bias whose kernel rows are the feature embeddings.
"""

from __future__ import annotations

import keras
import numpy as np
import scipy.sparse as sp
from keras import layers

from .._composition import Encoder, Source, compose
from .._docs import TOKEN_CLASSIFIER_EXAMPLE, docstring
from .._heads._base import Encoding
from .._heads._classifier import ClassifierHead
from .._heads._regressor import RegressorHead
from .._loop.schedule import BAG_OF_WORDS
from .._params import parameters
from ._inputs import SequenceInput, reject_3d, reject_raw_text, validate_feature_matrix


@parameters
class BagInput(SequenceInput):
    """What fastText reads: token ids, or a document-feature matrix (a bag)."""

    # A bag of tokens and n-grams: updates as cheap as the MLP's, and as many.
    _auto_budget = BAG_OF_WORDS
    _fitted_attributes = ("_bag_input", "_sparse_input")

    def _validate_X(self, X, *, reset):
        reject_raw_text(
            self,
            X,
            "token ids or a document-feature matrix",
            "a TextTokenizer (or a TfidfVectorizer)",
        )
        reject_3d(self, X, "a 2-D array of token ids or features")
        if reset:
            self._bag_input = sp.issparse(X) or np.asarray(X).dtype.kind not in "iu"
            self._sparse_input = False
        if not self._bag_input:
            return super()._validate_X(X, reset=reset)
        if reset and self.embeddings is not None:
            raise ValueError(
                f"{type(self).__name__} got pretrained embeddings but a "
                "document-feature matrix; embeddings apply to integer token ids "
                "from a TextTokenizer."
            )
        X = validate_feature_matrix(self, X, reset=reset)
        if reset:
            self._vocabulary_size = None
            self._n_channels = None
        return X

    def _source(self, seeds):
        if not self._bag_input:
            return super()._source(seeds)
        inputs = keras.Input(
            shape=(self.n_features_in_,), sparse=self._sparse_input, name="features"
        )
        return Source(inputs, inputs, "features", sparse=self._sparse_input)

    def _sparse_batches(self):
        return self._sparse_input

    def _sequence_lengths(self, X):
        return None if self._bag_input else super()._sequence_lengths(X)

    def _size_hint(self):
        if self._bag_input:
            return (
                f"{self.n_features_in_} input features times "
                f"embedding_dim={self.embedding_dim} weights"
            )
        return super()._size_hint()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _build(source, *, per_step, causal, l2, seeds, dropout, embedding_dim):
    """The document vector (see :class:`~sknn_text.extending.Encoder`): the
    token embeddings, mean-pooled by the head, or a feature-weighted sum of
    feature embeddings (a linear layer without bias)."""
    if source.kind != "features":
        return Encoding(source.inputs, source.x, pooling="mean", dropout=dropout)
    if per_step:
        raise TypeError("A document-feature matrix has no per-token outputs.")
    x = layers.Dense(
        embedding_dim,
        use_bias=False,
        kernel_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seeds()),
        name="feature_embedding",
    )(source.x)
    return Encoding(source.inputs, x, dropout=dropout)


#: The fastText architecture: no parameters of its own beyond the embedding.
ENCODER = Encoder(
    "fasttext",
    _build,
    reads=("dropout", "embedding_dim"),
    wording={
        "embedding_where": " of tokens, n-grams or features: the width of the document vector",
        "dropout_where": "on the document vector",
    },
)

_DESCRIPTION = """
The document vector is the mean of the embeddings of its tokens (and hashed
word n-grams, with ``TextTokenizer(ngram_range=(1, 2), ngram_buckets=...)``),
followed by one linear layer, as in Joulin et al. (2017). A document-feature
matrix (TF-IDF, dense or sparse) is accepted too: its document vector is the
feature-weighted sum of feature embeddings. Fast to train on large corpora.
"""
_NOTES = """
The name reads ``<Architecture>Text<Task>`` like the others, with "Fast" for
the architecture. 2-D integer input is token ids; float or sparse input is a
document-feature matrix.
"""


FastTextClassifier = compose(
    "FastTextClassifier",
    head=ClassifierHead,
    inputs=BagInput,
    encoder=ENCODER,
    module=__name__,
    defaults={"learning_rate": 0.01},
    doc=docstring(
        "fastText-style classifier: averaged embeddings and a linear output.",
        _DESCRIPTION,
        ClassifierHead,
        notes=_NOTES,
        examples=TOKEN_CLASSIFIER_EXAMPLE.format(name="FastTextClassifier", settings="epochs=20, "),
    ),
)


FastTextRegressor = compose(
    "FastTextRegressor",
    head=RegressorHead,
    inputs=BagInput,
    encoder=ENCODER,
    module=__name__,
    defaults={"learning_rate": 0.01},
    doc=docstring(
        "fastText-style regressor: averaged embeddings and a linear output.",
        _DESCRIPTION,
        RegressorHead,
        notes=_NOTES,
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
    ),
)
