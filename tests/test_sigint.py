"""A real Ctrl-C (SIGINT) stops fits, cross-validation, grid search and the CLI.

The tests run Python in subprocesses and send SIGINT once one reports that
training is under way; nothing after the interrupted fit may be scored. The
direct fit and the model-selection cases share one process, interrupted once
per case; the CLI runs as its own command.
"""

import os
import signal
import subprocess
import sys
import textwrap
import threading
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


def _sigint_as_from_a_terminal():
    # A pytest started in the background (``&``, nohup) ignores SIGINT, and its
    # children would inherit that: give them the default, as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(code, *, marker="TRAINING", args=None, timeout=120):
    """Run ``code`` (or ``args``), SIGINT it each time ``marker`` appears on stdout/stderr.

    Returns the exit status, the whole output and the number of signals sent.
    """
    command = args or [sys.executable, "-c", textwrap.dedent(PREAMBLE) + textwrap.dedent(code)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_sigint_as_from_a_terminal,
    )
    # A watchdog, not a deadline read between lines: a child that stops
    # printing would otherwise block the loop for as long as it trains.
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    lines, sent = [], 0
    try:
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                time.sleep(0.3)
                process.send_signal(signal.SIGINT)
                sent += 1
                if args:  # a command: one signal, then let it finish
                    break
        rest, _ = process.communicate(timeout=timeout)
    finally:
        watchdog.cancel()
        if process.poll() is None:  # never leave a fit of 100000 epochs behind
            process.kill()
            process.communicate()
    output = "".join(lines)
    assert process.returncode != -signal.SIGKILL, f"killed after {timeout} s:\n{output}"
    return process.returncode, "".join(lines) + rest, sent


#: ``call`` of each model-selection case; it must not reach ``print('SCORED', ...)``.
MODEL_SELECTION = {
    "cross_val_score": "from sklearn.model_selection import cross_val_score\n"
    "scores = cross_val_score(clf, X, y, cv=3)",
    "GridSearchCV": "from sklearn.model_selection import GridSearchCV\n"
    "scores = GridSearchCV(clf, {'alpha': [1e-4, 1e-3]}, cv=2).fit(X, y)",
}

#: The direct fit and each model-selection case, one after another in one process
#: (one TensorFlow import instead of three), each interrupted once it trains. A
#: KeyboardInterrupt that leaves a model-selection call is printed with its
#: traceback, as the interpreter would print it on its way out.
SCENARIOS = """
import signal
import traceback

print("=== fit", flush=True)
try:
    clf.fit(X, y)
except KeyboardInterrupt as error:
    print("KEPT", clf.n_iter_, len(clf.history_["loss"]), clf.score(X, y) > 0.9)
    print("MESSAGE", error)

# Python drops a KeyboardInterrupt raised inside a destructor ("Exception
# ignored in ..."); TensorFlow and Keras run destructors during training, so a
# Ctrl-C may land in one. It must stop the fit all the same.
print("=== destructor", flush=True)
class PressedInDestructor:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)

class Press(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            PressedInDestructor()  # dropped at once: its __del__ runs here

late = MLPTextClassifier((8,), epochs=50, random_state=0, callbacks=[Press()])
try:
    late.fit(X[:300], y[:300])
    print("FINISHED", late.n_iter_)
except KeyboardInterrupt:
    print("STOPPED", late.n_iter_)
# A Ctrl-C while the network is built (or a step traced) waits for the build
# to finish: raised inside TensorFlow's graph construction, it can leave a
# half-built graph and surface as an unrelated error. The fit then stops, and
# the estimator stays unfitted.
print("=== build", flush=True)
import sknn_text._base as base
building = base.BaseTextNetwork._new_model

def pressed_while_building(self, *args, **kwargs):
    signal.raise_signal(signal.SIGINT)
    model = building(self, *args, **kwargs)
    print("BUILT", flush=True)
    return model

base.BaseTextNetwork._new_model = pressed_while_building
fresh = MLPTextClassifier((8,), epochs=3, random_state=0)
try:
    fresh.fit(X[:300], y[:300])
except KeyboardInterrupt:
    print("UNFITTED", not hasattr(fresh, "model_"), flush=True)
base.BaseTextNetwork._new_model = building

# A Ctrl-C after the last batch (here: while the fit tidies up) is not lost:
# the estimator is complete, and the interrupt goes on.
print("=== after", flush=True)
tidying = base.release_kernel_cache

def pressed_while_tidying():
    signal.raise_signal(signal.SIGINT)
    tidying()

base.release_kernel_cache = pressed_while_tidying
done = MLPTextClassifier((8,), epochs=3, random_state=0)
try:
    done.fit(X[:300], y[:300])
except KeyboardInterrupt as error:
    print("FITTED", done.n_iter_, error, flush=True)
base.release_kernel_cache = tidying
for name, case in CASES:
    print("===", name, flush=True)
    try:
        case()
    except KeyboardInterrupt:
        traceback.print_exc()
        print("LEFT", name, flush=True)
print("=== end", flush=True)
"""


def scenarios_code():
    """Each model-selection ``call`` as a function (not ``exec``: a KeyboardInterrupt
    through ``exec`` would make the interpreter exit by SIGINT, even if caught)."""
    functions = "".join(
        f"def case_{i}():\n{textwrap.indent(call, '    ')}\n    print('SCORED', scores)\n\n"
        for i, call in enumerate(MODEL_SELECTION.values())
    )
    cases = ", ".join(f"({name!r}, case_{i})" for i, name in enumerate(MODEL_SELECTION))
    return f"{functions}CASES = [{cases}]\n{SCENARIOS}"


@pytest.fixture(scope="module")
def interrupted_scenarios():
    """Exit status, signals sent, ``{scenario: its output}`` and the whole output."""
    status, output, sent = interrupt(scenarios_code())
    sections = {}
    for section in output.split("=== ")[1:]:
        name, _, text = section.partition("\n")
        sections[name] = text
    return status, sent, sections, output


def test_a_direct_fit_keeps_its_epochs_and_stays_usable(interrupted_scenarios):
    status, sent, sections, output = interrupted_scenarios
    assert status == 0 and "end" in sections, output
    assert sent == 1 + len(MODEL_SELECTION), output
    kept = next(line for line in sections["fit"].splitlines() if line.startswith("KEPT"))
    _, n_iter, n_history, good = kept.split()
    assert int(n_iter) == int(n_history) >= 2 and good == "True"
    assert "keeps the weights of the last completed epoch and is usable" in sections["fit"]


def test_a_ctrl_c_inside_a_destructor_still_stops_the_fit(interrupted_scenarios):
    _, _, sections, output = interrupted_scenarios
    assert "STOPPED 2" in sections["destructor"], output


def test_a_ctrl_c_while_building_waits_for_the_build_then_stops(interrupted_scenarios):
    _, _, sections, output = interrupted_scenarios
    assert sections["build"].split() == ["BUILT", "UNFITTED", "True"], output


def test_a_ctrl_c_after_the_last_batch_is_not_lost(interrupted_scenarios):
    _, _, sections, output = interrupted_scenarios
    assert sections["after"].startswith("FITTED 3 Training was interrupted after its last"), output


@pytest.mark.parametrize("name", list(MODEL_SELECTION))
def test_model_selection_stops_instead_of_scoring(interrupted_scenarios, name):
    _, _, sections, output = interrupted_scenarios
    assert name in sections, output
    section = sections[name]
    assert "SCORED" not in section, output
    # The interrupt left the call: the KeyboardInterrupt reached the caller.
    assert "KeyboardInterrupt" in section and f"LEFT {name}" in section, output


def test_the_cli_prints_one_line_and_exits_130(tmp_path):
    path = tmp_path / "reviews.csv"
    rows = [f"{'good' if i % 2 else 'bad'} film number {i},{'pos' if i % 2 else 'neg'}"
            for i in range(400)]
    path.write_text("text,label\n" + "\n".join(rows) + "\n")
    status, output, _ = interrupt(
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
