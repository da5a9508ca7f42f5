"""The backend seam (``sknn_text._backend``) on TensorFlow and on JAX.

The in-process tests run on whatever ``KERAS_BACKEND`` says; the JAX tests that
need a fresh process (nothing imported yet) run whenever JAX is installed.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from sknn_text import _backend
from sknn_text._loop.data import ArrayBatches

BACKEND = keras.backend.backend()


def test_sparse_batches_on_tensorflow_and_jax():
    assert _backend.sparse_batches_supported() == (BACKEND in ("tensorflow", "jax"))


@pytest.mark.skipif(
    not _backend.sparse_batches_supported(), reason="backend without sparse batches"
)
@pytest.mark.parametrize("density", [0.0, 0.01, 0.3])
def test_sparse_batch_holds_the_csr_values(density):
    batch = sp.random(17, 40, density=density, format="csr", random_state=0)
    tensor = _backend.to_backend_sparse(batch)
    dense = keras.ops.convert_to_tensor(tensor, sparse=False)
    dense = keras.ops.convert_to_numpy(dense)
    np.testing.assert_array_equal(dense, batch.toarray().astype(np.float32))
    if BACKEND == "jax":
        # Stored entries padded to a power of two: few shapes to compile.
        stored = tensor.nse
        assert stored >= max(batch.nnz, 1) and stored & (stored - 1) == 0


def test_token_batch_width():
    lengths = np.array([1, 3, 5, 9, 12, 12])
    X = np.zeros((6, 12), dtype=np.int32)
    for row, length in enumerate(lengths):
        X[row, :length] = 2
    batches = ArrayBatches(X, batch_size=2, lengths=lengths)
    widths = [batches[i][0].shape[1] for i in range(len(batches))]
    if BACKEND == "tensorflow":
        assert widths == [3, 9, 12]  # trimmed to the longest row
    else:
        assert widths == [4, 12, 12]  # rounded up to a power of two, at most 12
    assert batches.padded_positions() == 2 * sum(widths)
    for index in range(len(batches)):
        x = batches[index][0]
        rows = batches._batches[index]
        np.testing.assert_array_equal(x, X[rows, : x.shape[1]])
        assert not X[rows, x.shape[1] :].any()  # nothing but padding cut off


JAX_SCRIPT = textwrap.dedent(
    """
    import io, logging, sys
    import jax
    jax.config.update("jax_log_compiles", True)
    log = io.StringIO()
    logging.getLogger("jax").addHandler(logging.StreamHandler(log))
    import keras, numpy as np, scipy.sparse as sp
    from sknn_text import LSTMTextClassifier, MLPTextClassifier

    def compiled_steps():
        lines = log.getvalue().splitlines()
        log.seek(0), log.truncate()
        return sum("Finished XLA compilation of jit(train_step)" in l for l in lines)

    assert keras.backend.backend() == "jax"
    rng = np.random.RandomState(0)
    X = sp.random(400, 300, density=0.05, format="csr", random_state=0)
    y = (X[:, :150].sum(axis=1).A1 > X[:, 150:].sum(axis=1).A1).astype(int)
    clf = MLPTextClassifier((8,), batch_size=32, epochs=3, random_state=0).fit(X, y)
    assert clf._sparse_input and clf.model_.jit_compile
    # 13 batches of different numbers of stored values, 3 epochs: a few shapes.
    mlp_steps = compiled_steps()
    dense = MLPTextClassifier((8,), batch_size=32, epochs=3, random_state=0)
    dense.fit(X.toarray(), y)
    np.testing.assert_allclose(
        clf.predict_proba(X), dense.predict_proba(X.toarray()), rtol=1e-4, atol=1e-5
    )
    compiled_steps()

    T = np.zeros((400, 40), dtype=np.int64)
    for row, n in enumerate(rng.randint(9, 41, size=400)):
        T[row, :n] = rng.randint(2, 50, size=n)
    lstm = LSTMTextClassifier(
        units=4, embedding_dim=4, batch_size=16, epochs=2, random_state=0
    )
    proba = lstm.fit(T, y).predict_proba(T)
    # 25 batches of some 20 widths from 9 to 40 tokens: compiled for powers of two
    # (and 40) only, i.e. 16, 32 and 40. No row is shorter than 9 tokens, so that
    # these three shapes are all (each compile of the LSTM step takes over a second).
    lstm_steps = compiled_steps()
    assert np.isfinite(proba).all()
    print(mlp_steps, lstm_steps, "tensorflow" in sys.modules)
    """
)


@pytest.mark.slow  # starts a process: JAX, Keras and the package from scratch
@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="JAX is not installed"
)
def test_jax_backend_trains_without_tensorflow():
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    result = subprocess.run(
        [sys.executable, "-c", JAX_SCRIPT],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    mlp_steps, lstm_steps, tensorflow_imported = result.stdout.split()[-3:]
    assert tensorflow_imported == "False"
    assert 1 <= int(mlp_steps) <= 6, mlp_steps
    assert 1 <= int(lstm_steps) <= 8, lstm_steps


def test_crf_tagger_trains_on_this_backend():
    # The CRF packs its transitions behind the time steps of its output; on
    # JAX, Keras's symbolic build of the loss cannot cut them off a free length.
    from sknn_text import LSTMTextTagger

    X = [["the", "dog", "runs"], ["a", "cat", "sleeps", "now"]] * 10
    y = [["D", "N", "V"], ["D", "N", "V", "R"]] * 10
    tagger = LSTMTextTagger(units=8, embedding_dim=8, epochs=25, batch_size=4, random_state=0)
    tagger.fit(X, y)
    assert tagger.history_["loss"][-1] < tagger.history_["loss"][0] / 2
    assert tagger.predict([["a", "dog", "sleeps", "now"]]) == [["D", "N", "V", "R"]]
