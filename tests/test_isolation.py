"""Reproducible fits that leave the caller's world alone: random state, memory, threads."""

import gc
import json
import random
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from sknn_text import LSTMTextClassifier, MLPTextClassifier

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 5))
Y = (X[:, 0] > 0).astype(int)
TOKENS = np.zeros((60, 8), dtype=np.int64)
for row, length in enumerate(RNG.randint(2, 9, size=60)):
    TOKENS[row, :length] = RNG.randint(2, 20, size=length)

FIT_AND_PREDICT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from sknn_text import LSTMTextClassifier, MLPTextClassifier
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    Y = (X[:, 0] > 0).astype(int)
    tokens = np.zeros((60, 8), dtype=np.int64)
    for row, length in enumerate(rng.randint(2, 9, size=60)):
        tokens[row, :length] = rng.randint(2, 20, size=length)
    mlp = MLPTextClassifier((8,), dropout=0.3, epochs=3, random_state=7).fit(X, Y)
    lstm = LSTMTextClassifier(units=4, embedding_dim=4, dropout=0.2, epochs=2,
                              random_state=7).fit(tokens, Y)
    json.dump({"mlp": mlp.predict_proba(X).tolist(),
               "lstm": lstm.predict_proba(tokens).tolist()}, sys.stdout)
    """
)


def fit_both():
    mlp = MLPTextClassifier((8,), dropout=0.3, epochs=3, random_state=7).fit(X, Y)
    lstm = LSTMTextClassifier(
        units=4, embedding_dim=4, dropout=0.2, epochs=2, random_state=7
    ).fit(TOKENS, Y)
    return {"mlp": mlp.predict_proba(X), "lstm": lstm.predict_proba(TOKENS)}


def test_same_random_state_same_predictions_in_process_and_across_processes():
    first, second = fit_both(), fit_both()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    # One fresh process (its own hash seed, nothing fitted before) against this
    # one, which has fitted other networks already: a second fresh process
    # would only repeat that comparison at the price of one more TensorFlow import.
    run = subprocess.run(
        [sys.executable, "-c", FIT_AND_PREDICT],
        capture_output=True, text=True, check=True, timeout=300,
    )
    other_process = json.loads(run.stdout)
    for name in first:
        np.testing.assert_array_equal(np.asarray(other_process[name]), first[name])


def draw_everything():
    return (
        random.random(),
        np.random.rand(),
        keras.ops.convert_to_numpy(keras.random.uniform((3,))).tolist(),
    )


@pytest.mark.parametrize(
    "fit",
    [
        lambda: MLPTextClassifier((8,), dropout=0.3, epochs=2, random_state=0).fit(X, Y),
        lambda: LSTMTextClassifier(
            units=4, embedding_dim=4, dropout=0.2, recurrent_dropout=0.1,
            pooling="attention", epochs=1, early_stopping=True, random_state=0,
        ).fit(TOKENS, Y),
    ],
    ids=["mlp", "lstm"],
)
def test_fit_leaves_global_random_state_alone(fit):
    keras.utils.set_random_seed(1234)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    expected = draw_everything()

    keras.utils.set_random_seed(1234)
    fit()
    assert random.getstate() == python_state
    numpy_after = np.random.get_state()
    assert numpy_after[0] == numpy_state[0]
    np.testing.assert_array_equal(numpy_after[1], numpy_state[1])
    assert numpy_after[2:] == numpy_state[2:]
    assert draw_everything() == expected


def _memory_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_repeated_small_fits_do_not_grow_memory():
    """20 fits of a grid search's size: peak RSS grows by at most 33 MB.

    The tolerances are per fit those of 30 fits (50 MB, and 15 MB between the
    highs of the first and the last 15): 1.67 MB and 1 MB a fit. Measured here:
    some 5 MB of peak and under 1 MB of late growth, over 20 fits as over 30.
    """
    n_fits = 20

    def one_fit(i):
        if i % 5:
            MLPTextClassifier((4,), epochs=1, random_state=i).fit(X, Y).predict(X)
        else:
            LSTMTextClassifier(units=4, embedding_dim=4, epochs=1, random_state=i).fit(
                TOKENS, Y
            ).predict(TOKENS)

    for i in range(5):  # warm-up: caches, allocator arenas, lazy imports
        one_fit(i)
    gc.collect()
    peak_before = _memory_mb("VmHWM")
    rss = []
    for i in range(n_fits):
        one_fit(i)
        if i % 5 == 4:
            gc.collect()
            rss.append(_memory_mb("VmRSS"))
    peak_growth = _memory_mb("VmHWM") - peak_before
    # RSS saw-tooths as the allocator trims; a leak raises its highs fit after fit.
    half = len(rss) // 2
    late_growth = max(rss[half:]) - max(rss[:half])
    measured = (
        f"peak RSS +{peak_growth:.1f} MB over {n_fits} fits; highest RSS of the last "
        f"{n_fits // 2} fits {late_growth:+.1f} MB from that of the first {n_fits // 2}"
    )
    assert peak_growth <= n_fits * 50 / 30, measured
    assert late_growth <= (n_fits // 2) * 1.0, measured


@pytest.mark.parametrize(
    "fitted, data",
    [
        (lambda: MLPTextClassifier((8,), epochs=1, random_state=0).fit(X, Y), X),
        (
            lambda: MLPTextClassifier((8,), epochs=1, random_state=0).fit(
                sp.csr_matrix(np.where(X > 0, X, 0)), Y
            ),
            sp.csr_matrix(np.where(X > 0, X, 0)),
        ),
        (
            lambda: LSTMTextClassifier(units=4, embedding_dim=4, epochs=1,
                                       random_state=0).fit(TOKENS, Y),
            TOKENS,
        ),
    ],
    ids=["mlp-dense", "mlp-sparse", "lstm-tokens"],
)
def test_concurrent_predict_matches_serial(fitted, data):
    estimator = fitted()
    chunks = [data[start : start + n] for start, n in [(0, 60), (5, 17), (20, 3), (1, 40)]]
    # In parallel first, so that the threads also race to build the predict step.
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(estimator.predict_proba, chunks * 3))
    serial = [estimator.predict_proba(chunk) for chunk in chunks * 3]
    for expected, got in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(got, expected)
