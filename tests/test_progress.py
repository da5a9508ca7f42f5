"""What a fit writes as it trains: see the ``verbose`` parameter and ``_loop.schedule.Progress``."""

import io
import sys
import warnings

import keras
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import sknn_text._loop.schedule as schedule
from sknn_text import MLPTextClassifier
from sknn_text._loop.schedule import Progress, Schedule

RNG = np.random.RandomState(0)
X = RNG.normal(size=(300, 8))
Y = (X[:, 0] > 0).astype(int)


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


def fit(**params):
    model = MLPTextClassifier((4,), random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, Y)


def assert_plain(text):
    assert "\x1b" not in text and "\r" not in text and "\b" not in text


def test_verbose_1_writes_a_plain_line_per_epoch_when_not_on_a_terminal(capsys):
    fit(epochs=3, early_stopping=True, verbose=1)
    out, err = capsys.readouterr()
    assert out == ""
    assert_plain(err)
    lines = err.splitlines()
    assert len(lines) == 4
    # the cap of a validated fit is only a cap; the best epoch and time are given
    assert lines[0].startswith("MLPTextClassifier epoch 1 of at most 3 (")
    assert " s): val_loss " in lines[0] and "(best: epoch 1), loss " in lines[0]
    assert lines[-1].startswith("MLPTextClassifier reached its cap of 3 epochs; it keeps epoch")
    assert "Epoch 1/3" not in err  # Keras's own bar is not used


def test_an_exact_budget_is_given_as_such(capsys):
    fit(epochs=2, verbose=2)
    err = capsys.readouterr().err
    assert_plain(err)
    assert err.splitlines()[1].startswith("MLPTextClassifier epoch 2 of 2 (")
    assert " s): loss " in err.splitlines()[1]
    assert "at most" not in err and "val_loss" not in err
    assert err.splitlines()[-1].startswith("MLPTextClassifier trained 2 epochs (")


def test_patience_is_named_when_it_ends_training(capsys):
    fit(epochs=100, early_stopping=True, n_iter_no_change=1, learning_rate=0.5, verbose=1)
    last = capsys.readouterr().err.splitlines()[-1]
    assert "stopped after" in last and "had not improved for 1 epochs" in last


def test_verbose_0_is_silent_off_a_terminal_even_for_a_long_fit(capsys, monkeypatch):
    monkeypatch.setattr(schedule, "QUIET_PROGRESS_SECONDS", 0.0)
    fit(epochs=3, early_stopping=True)
    assert capsys.readouterr() == ("", "")


def test_verbose_0_speaks_on_a_terminal_once_the_fit_is_long(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    fit(epochs=3, early_stopping=True)
    assert terminal.getvalue() == ""  # a short fit: silent
    monkeypatch.setattr(schedule, "QUIET_PROGRESS_SECONDS", 0.0)
    fit(epochs=3, early_stopping=True)
    text = terminal.getvalue()
    assert_plain(text)  # whole lines: parallel fits cannot garble each other's
    lines = text.splitlines()
    assert lines[0].startswith("MLPTextClassifier is still training, epoch 1 of at most 3 (")
    assert lines[0].endswith("; verbose=1 shows each epoch")
    assert len(lines) == 4 and lines[-1].startswith("MLPTextClassifier reached its cap")


def test_verbose_1_rewrites_one_line_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    fit(epochs=3, early_stopping=True, verbose=1)
    text = terminal.getvalue()
    assert "\x1b" not in text  # no escape codes, even on a terminal
    shown, last, end = text.split("\n")
    assert end == "" and last.startswith("MLPTextClassifier reached its cap")
    updates = shown.split("\r")[1:]
    assert [u.split(" (")[0] for u in updates] == [
        f"MLPTextClassifier epoch {n} of at most 3" for n in (1, 2, 3)
    ]


def test_verbose_2_writes_every_epoch_on_its_own_line_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    fit(epochs=3, early_stopping=True, verbose=2)
    assert_plain(terminal.getvalue())
    assert len(terminal.getvalue().splitlines()) == 4


def test_a_shorter_line_in_place_blanks_the_longer_one():
    terminal = Terminal()
    progress = Progress("M", Schedule(max_epochs=12, patience=13, tol=0.0), 1, stream=terminal)
    progress.epoch(1, {"loss": 1.23456789}, None)
    progress.epoch(12, {"loss": 1.0}, None)
    progress.close()
    first, second = terminal.getvalue().split("\r")[1:]
    assert len(second.rstrip("\n")) == len(first) and second.startswith("M epoch 12 of 12")
    assert terminal.getvalue().endswith("\n")


def test_an_error_ends_the_line_shown_in_place(monkeypatch):
    class Failing(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("a failing callback")

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    model = MLPTextClassifier((4,), epochs=5, callbacks=[Failing()], verbose=1)
    with pytest.raises(RuntimeError, match="a failing callback"):
        model.fit(X, Y)
    text = terminal.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
