"""scikit-learn estimators that wrap Keras neural networks for text."""

from .classifiers import (
    GRUTextClassifier,
    LSTMTextClassifier,
    MLPTextClassifier,
    SimpleRNNTextClassifier,
)
from .preprocessing import TextTokenizer
from .regressors import (
    GRURegressor,
    GRUTextRegressor,
    LSTMRegressor,
    LSTMTextRegressor,
    MLPTextRegressor,
    SimpleRNNRegressor,
    SimpleRNNTextRegressor,
)

__version__ = "0.1.0"

__all__ = [
    "GRURegressor",
    "GRUTextClassifier",
    "GRUTextRegressor",
    "LSTMRegressor",
    "LSTMTextClassifier",
    "LSTMTextRegressor",
    "MLPTextClassifier",
    "MLPTextRegressor",
    "SimpleRNNRegressor",
    "SimpleRNNTextClassifier",
    "SimpleRNNTextRegressor",
    "TextTokenizer",
    "__version__",
]
