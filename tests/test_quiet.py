"""Library use is quiet: no native TensorFlow log lines at import, fit or predict.

Each case runs a fresh interpreter (the lines come once per process) and reads
its stderr. ``SKNN_TEXT_TF_LOGS=1`` brings the lines back.
"""

import os
import subprocess
import sys
import textwrap

import keras
import pytest

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's own log lines"
)

SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    {first}
    import numpy as np
    import sknn_text
    from sknn_text._quiet import native_logs_silenced
    print("imported", file=sys.stderr, flush=True)
    X = np.zeros((30, 6), dtype=np.int64); X[:, :3] = np.arange(2, 5)
    X[::2, 3] = 7
    y = np.arange(30) % 2
    # float64 layers (Transformer layer norm, output layers) make TensorFlow log
    # "Not handling type DT_DOUBLE" while it optimizes each compiled step.
    model = sknn_text.TransformerTextClassifier(
        num_heads=2, feedforward_dim=4, embedding_dim=4, epochs=2, early_stopping=True,
        validation_fraction=0.2, random_state=0,
    ).fit(X, y)
    model.predict_proba(X)
    # Python's own messages still come through, even in a silenced block.
    with native_logs_silenced():
        warnings.warn("a Python warning")
        print("python line", file=sys.stderr, flush=True)
    print("done", file=sys.stderr, flush=True)
    """
)
#: What TensorFlow writes from C++ (absl's "I0000 00:00:..." prefix and the rest).
NATIVE = ("0000 00:00:", "absl::InitializeLog", "oneDNN", "cuda", "cuInit", "DT_DOUBLE")


def run(first="", script=SCRIPT, **env):
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment.pop("SKNN_TEXT_TF_LOGS", None)
    done = subprocess.run(
        [sys.executable, "-c", script.format(first=first)],
        capture_output=True, text=True, timeout=300, env={**environment, **env}, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


@pytest.mark.parametrize(
    "first", ["", "import keras  # TensorFlow is imported before sknn_text"],
    ids=["sknn_text-first", "tensorflow-first"],
)
def test_import_fit_and_predict_write_no_native_lines(first):
    stderr = run(first)
    after_import = stderr.split("imported\n", 1)[1 if first else 0]
    native = [line for line in after_import.splitlines() if any(n in line for n in NATIVE)]
    assert not native, "\n".join(native)
    assert "UserWarning: a Python warning" in stderr and "python line\ndone" in stderr


def test_the_switch_brings_them_back():
    stderr = run(script="import sknn_text, keras", SKNN_TEXT_TF_LOGS="1")
    assert any(n in stderr for n in NATIVE), stderr
