"""fastText-style networks: averaged token (and n-gram) embeddings, linear output.

Two kinds of input give the same model:

* 2-D integer token ids (``TextTokenizer``, optionally with hashed n-grams):
  the embeddings of the real tokens are averaged;
* a document-feature matrix, dense float or sparse (``TfidfVectorizer``): the
  document vector is the feature-weighted sum of per-feature embeddings.
"""

import numpy as np
import scipy.sparse as sp

from ._architectures import build_fasttext
from ._data import looks_like_raw_text, ndim_of
from ._feedforward import validate_feature_matrix
from ._sequence import SequenceNetwork


class FastTextNetwork(SequenceNetwork):
    """Architecture half of the fastText-style estimators."""

    def _validate_X(self, X, *, reset):
        name = type(self).__name__
        if looks_like_raw_text(X):
            raise TypeError(
                f"{name} expects token ids or a document-feature matrix, but got "
                "raw text documents. Put a TextTokenizer (or a TfidfVectorizer) in "
                f"front of it: make_pipeline(TextTokenizer(), {name}())."
            )
        if not sp.issparse(X) and ndim_of(X) == 3:
            raise ValueError(
                f"{name} expects a 2-D array of token ids or features, but X is 3-D "
                f"with shape {np.asarray(X).shape}."
            )
        if reset:
            self._bag_input = sp.issparse(X) or np.asarray(X).dtype.kind not in "iu"
            self._sparse_input = False
        if not self._bag_input:
            return super()._validate_X(X, reset=reset)
        if reset and self.embeddings is not None:
            raise ValueError(
                f"{name} got pretrained embeddings but a document-feature matrix; "
                "embeddings apply to integer token ids from a TextTokenizer."
            )
        X = validate_feature_matrix(self, X, reset=reset)
        if reset:
            self._vocabulary_size = None
            self._n_channels = None
        return X

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

    def _build_network(self, head, *, l2, seed):
        if self._bag_input:
            inputs = {"n_features": self.n_features_in_, "sparse_input": self._sparse_input}
        else:
            inputs = {
                "vocabulary_size": self._vocabulary_size,
                "embedding_weights": self._embedding_weights(),
                "freeze_embeddings": self.freeze_embeddings,
            }
        return build_fasttext(
            head.n_outputs,
            embedding_dim=self.embedding_dim,
            dropout=self.dropout,
            l2=l2,
            output_activation=head.activation,
            seed=seed,
            **inputs,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
