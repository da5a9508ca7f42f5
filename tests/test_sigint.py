"""A real Ctrl-C (SIGINT) stops fits, cross-validation, grid search and the CLI.

Each test runs Python in a subprocess and sends it SIGINT once it reports that
training is under way; nothing after the interrupted fit may be scored.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT to a subprocess")

PREAMBLE = """
import os, sys, warnings
warnings.simplefilter("ignore")
import keras, numpy as np
from sknn_text import MLPTextClassifier

class Announce(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            print("TRAINING", flush=True)

rng = np.random.RandomState(0)
X = rng.normal(size=(3000, 30))
y = (X[:, 0] > 0).astype(int)
clf = MLPTextClassifier((64,), epochs=100000, random_state=0, callbacks=[Announce()])
"""


def interrupt(code, *, marker="TRAINING", args=None, timeout=120):
    """Run ``code`` (or ``args``), SIGINT it when ``marker`` appears on stdout/stderr."""
    command = args or [sys.executable, "-c", textwrap.dedent(PREAMBLE) + textwrap.dedent(code)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines, deadline = [], time.monotonic() + timeout
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            time.sleep(0.3)
            process.send_signal(signal.SIGINT)
            break
        assert time.monotonic() < deadline, "".join(lines)
    rest, _ = process.communicate(timeout=timeout)
    return process.returncode, "".join(lines) + rest


def test_a_direct_fit_keeps_its_epochs_and_stays_usable():
    status, output = interrupt(
        """
        try:
            clf.fit(X, y)
        except KeyboardInterrupt as error:
            print("KEPT", clf.n_iter_, len(clf.history_["loss"]), clf.score(X, y) > 0.9)
            print("MESSAGE", error)
        """
    )
    assert status == 0, output
    kept = next(line for line in output.splitlines() if line.startswith("KEPT"))
    _, n_iter, n_history, good = kept.split()
    assert int(n_iter) == int(n_history) >= 2 and good == "True"
    assert "keeps the weights of the last completed epoch and is usable" in output


@pytest.mark.parametrize(
    "call",
    [
        "from sklearn.model_selection import cross_val_score\n"
        "scores = cross_val_score(clf, X, y, cv=3)",
        "from sklearn.model_selection import GridSearchCV\n"
        "scores = GridSearchCV(clf, {'alpha': [1e-4, 1e-3]}, cv=2).fit(X, y)",
    ],
    ids=["cross_val_score", "GridSearchCV"],
)
def test_model_selection_stops_instead_of_scoring(call):
    status, output = interrupt(call + "\nprint('SCORED', scores)\n")
    assert "SCORED" not in output, output
    assert status != 0 and "KeyboardInterrupt" in output


def test_the_cli_prints_one_line_and_exits_130(tmp_path):
    path = tmp_path / "reviews.csv"
    rows = [f"{'good' if i % 2 else 'bad'} film number {i},{'pos' if i % 2 else 'neg'}"
            for i in range(400)]
    path.write_text("text,label\n" + "\n".join(rows) + "\n")
    status, output = interrupt(
        None,
        marker="[1/",
        args=[
            sys.executable, "-m", "sknn_text", "compare", "--csv", str(path),
            "--models", "lr,lstm", "--cv", "2", "--epochs", "100000",
        ],
    )
    assert status == 130, output
    assert output.rstrip().splitlines()[-1] == "sknn-text: interrupted"
    assert "| model" not in output and "Traceback" not in output
