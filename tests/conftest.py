import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def right_padded_tokens(n_rows, width, *, low=2, high=30, min_length=3, seed=0):
    """Random token ids in ``[low, high)``, each row right-padded with 0.

    Row lengths are drawn from ``[min_length, width]``; returns int64 ids.
    """
    rng = np.random.RandomState(seed)
    X = np.zeros((n_rows, width), dtype=np.int64)
    for row, length in enumerate(rng.randint(min_length, width + 1, size=n_rows)):
        X[row, :length] = rng.randint(low, high, size=length)
    return X
