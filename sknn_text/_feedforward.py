"""Feed-forward (MLP) networks on dense or sparse feature matrices."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions

from ._architectures import _ACTIVATIONS, build_mlp
from ._backend import sparse_batches_supported
from ._base import BaseTextNetwork
from ._data import looks_like_raw_text, ndim_of, validate_numeric


def layer_sizes(value, name, *, allow_empty):
    """``value`` (an int or a sequence of ints) as a tuple of positive ints."""
    sizes = (value,) if isinstance(value, Integral) else tuple(value)
    valid = all(isinstance(s, Integral) and not isinstance(s, bool) for s in sizes)
    if not valid or any(s < 1 for s in sizes) or not (sizes or allow_empty):
        kind = "a possibly empty" if allow_empty else "a non-empty"
        raise ValueError(
            f"{name} must be a positive int or {kind} sequence of positive ints, "
            f"got {value!r}."
        )
    return tuple(int(s) for s in sizes)


def validate_feature_matrix(estimator, X, *, reset):
    """``X`` as a float feature matrix (CSR kept sparse); on ``reset`` also decide
    whether the network takes sparse mini-batches (``_sparse_input``)."""
    X = validate_numeric(
        estimator,
        X,
        reset=reset,
        accept_sparse="csr",
        dtype=(np.float32, np.float64),
    )
    if reset:
        estimator._sparse_input = sp.issparse(X) and sparse_batches_supported()
    return X


class FeedForwardNetwork(BaseTextNetwork):
    """Architecture half of the MLP estimators: validates X, builds the model."""

    _parameter_constraints: dict = {
        **BaseTextNetwork._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
    }

    def _validate_X(self, X, *, reset):
        name = type(self).__name__
        if looks_like_raw_text(X):
            raise TypeError(
                f"{name} expects numeric features, such as a TF-IDF matrix, but got "
                "raw text documents. Put a vectorizer in front of it: "
                f"make_pipeline(TfidfVectorizer(), {name}())."
            )
        if not sp.issparse(X) and ndim_of(X) == 3:
            raise ValueError(
                f"{name} expects a 2-D matrix of features, but X is 3-D with shape "
                f"{np.asarray(X).shape}. Flatten each sample, or use a recurrent "
                "estimator for sequences."
            )
        return validate_feature_matrix(self, X, reset=reset)

    def _size_hint(self):
        return (
            f"{self.n_features_in_} input features, "
            f"hidden_layer_sizes={self.hidden_layer_sizes!r}"
        )

    def _sparse_batches(self):
        return self._sparse_input

    def _build_network(self, head, *, l2, seed):
        return build_mlp(
            self.n_features_in_,
            head.n_outputs,
            hidden_layer_sizes=layer_sizes(
                self.hidden_layer_sizes, "hidden_layer_sizes", allow_empty=True
            ),
            activation=self.activation,
            dropout=self.dropout,
            sparse_input=self._sparse_input,
            l2=l2,
            output_activation=head.activation,
            seed=seed,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

