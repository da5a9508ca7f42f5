"""scikit-learn estimators that wrap Keras neural networks for text.

The public names load on first use, so that ``import sknn_text`` (and the
``sknn-text`` command) start without importing Keras and TensorFlow.
"""

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "CNNTextClassifier": "classifiers",
    "CNNTextRegressor": "regressors",
    "FastTextClassifier": "classifiers",
    "FastTextRegressor": "regressors",
    "GRURegressor": "regressors",
    "GRUTextClassifier": "classifiers",
    "GRUTextRegressor": "regressors",
    "LSTMRegressor": "regressors",
    "LSTMTextClassifier": "classifiers",
    "LSTMTextRegressor": "regressors",
    "MLPTextClassifier": "classifiers",
    "MLPTextRegressor": "regressors",
    "SimpleRNNRegressor": "regressors",
    "SimpleRNNTextClassifier": "classifiers",
    "SimpleRNNTextRegressor": "regressors",
    "TextTokenizer": "preprocessing",
    "TransformerTextClassifier": "classifiers",
    "TransformerTextRegressor": "regressors",
    "WordVectors": "embeddings",
    "load": "_persistence",
    "load_word_vectors": "embeddings",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_EXPORTS})
