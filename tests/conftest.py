import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest

POSITIVE = ["great", "wonderful", "moving", "brilliant", "funny", "superb"]
NEGATIVE = ["dull", "boring", "awful", "tedious", "flat", "clumsy"]
FILLER = ["the", "film", "plot", "was", "a", "story", "acting", "really", "and"]


def make_reviews(n, seed=0, *, max_cues=1):
    """``n`` short synthetic reviews: filler words and 1 to ``max_cues`` sentiment
    cues. Returns texts, labels (``"pos"``/``"neg"``) and scores (10 or 1)."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(FILLER, size=rng.randint(3, 9)))
        cue = POSITIVE if label else NEGATIVE
        for _ in range(rng.randint(1, max_cues + 1)):
            words.insert(rng.randint(len(words) + 1), rng.choice(cue))
        texts.append(" ".join(words))
        labels.append(label)
    labels = np.array(labels)
    return texts, np.where(labels == 1, "pos", "neg"), 1.0 + 9.0 * labels


class KeepWeights(keras.callbacks.Callback):
    """A callback that keeps the weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.per_epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.per_epoch.append(self.model.get_weights())


def right_padded_tokens(n_rows, width, *, low=2, high=30, min_length=3, seed=0):
    """Random token ids in ``[low, high)``, each row right-padded with 0.

    Row lengths are drawn from ``[min_length, width]``; returns int64 ids.
    """
    rng = np.random.RandomState(seed)
    X = np.zeros((n_rows, width), dtype=np.int64)
    for row, length in enumerate(rng.randint(min_length, width + 1, size=n_rows)):
        X[row, :length] = rng.randint(low, high, size=length)
    return X


#: A tiny configuration of every built-in family, for tests that need each one fitted.
TINY_FAMILIES = {
    "mlp": {"hidden_layer_sizes": (4,)},
    "simple_rnn": {"units": 3, "embedding_dim": 4},
    "lstm": {"units": 3, "embedding_dim": 4, "pooling": "attention", "bidirectional": True},
    "gru": {"units": 3, "embedding_dim": 4},
    "cnn": {"filters": 3, "kernel_sizes": (2, 3), "embedding_dim": 4},
    "transformer": {"num_heads": 2, "feedforward_dim": 4, "embedding_dim": 4},
    "fasttext": {"embedding_dim": 3},
}


@pytest.fixture(scope="session")
def tiny_classifiers():
    """One fitted classifier per built-in family (3 classes, one epoch) and its ``X``:
    a feature matrix for the MLP, right-padded token ids for the others."""
    from sknn_text._registry import built_in_families, resolve

    rng = np.random.RandomState(0)
    tokens = right_padded_tokens(40, 8, min_length=1)
    features = rng.uniform(size=(40, 6))
    y = np.arange(40) % 3
    fitted = {}
    for family in built_in_families():
        cls = resolve(family.estimators["classifier"])
        X = features if family.name == "mlp" else tokens
        params = {**TINY_FAMILIES[family.name], "epochs": 1, "random_state": 0}
        fitted[family.name] = (cls(**params).fit(X, y), X)
    return fitted
