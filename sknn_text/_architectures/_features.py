"""What the MLP reads: a document-feature matrix (TF-IDF, counts; dense or CSR).

A sparse matrix reaches the network one sparse mini-batch at a time (where the
backend takes sparse batches) and is never densified as a whole.
"""

from __future__ import annotations

import keras

from .._base import BaseTextNetwork
from .._composition import Source
from .._params import parameters
from ._inputs import reject_3d, reject_raw_text, validate_feature_matrix


@parameters
class FeatureInput(BaseTextNetwork):
    """Networks that read a document-feature matrix (TF-IDF, counts; dense or
    sparse): one feature vector per document."""

    _fitted_attributes = ("_sparse_input",)

    def _validate_X(self, X, *, reset):
        reject_raw_text(
            self,
            X,
            "numeric features, such as a TF-IDF matrix,",
            "a vectorizer",
            step_class="TfidfVectorizer",
        )
        reject_3d(
            self,
            X,
            "a 2-D matrix of features",
            " Flatten each sample, or use a recurrent estimator for sequences.",
        )
        return validate_feature_matrix(self, X, reset=reset)

    def _source(self, seeds):
        inputs = keras.Input(
            shape=(self.n_features_in_,), sparse=self._sparse_input, name="features"
        )
        return Source(inputs, inputs, "features", sparse=self._sparse_input)

    def _size_hint(self):
        return f"{self.n_features_in_} input features"

    def _sparse_batches(self):
        return self._sparse_input

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
