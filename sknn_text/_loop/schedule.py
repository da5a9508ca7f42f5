"""When training stops, and what a fit says about it.

:func:`plan_epochs` turns ``epochs``, ``max_epochs``, ``early_stopping`` and
the size of the data into a :class:`Schedule` that ``training.run_epochs``
follows, with :class:`Patience` as its stopping rule;
:func:`validation_split` holds out the validation rows. :class:`Progress`
writes the lines that ``verbose`` asks for, :func:`cap_message` the advice
of a fit that reached its cap, and :func:`user_stacklevel` points a warning
of ``fit`` at the user's line.
"""

import math
import shutil
import sys
import time
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class Schedule:
    """When training stops.

    Attributes
    ----------
    max_epochs : int
        Epochs at most.
    patience : int
        Stop after this many epochs without an improvement of ``tol`` in
        ``monitor``...
    min_epochs : int
        ... but never before this many epochs.
    tol : float
        Smallest decrease of ``monitor`` that counts as an improvement...
    relative_tol : float
        ... or this share of the best value so far, if that is more.
    monitor : str
        ``"val_loss"`` (with a validation split) or ``"loss"``.
    restore_best : bool
        Put back the weights of the best epoch at the end.
    """

    max_epochs: int
    patience: int
    tol: float
    monitor: str = "loss"
    restore_best: bool = False
    min_epochs: int = 1
    relative_tol: float = 0.0

    def min_delta(self, best):
        """The decrease from ``best`` that counts as an improvement."""
        return max(self.tol, self.relative_tol * abs(best)) if best != math.inf else 0.0

    @property
    def validated(self):
        return self.monitor == "val_loss"


#: ``epochs="auto"``: optimizer steps before patience may end training.
AUTO_MIN_STEPS = 300
#: ``epochs="auto"``: patience, in optimizer steps, per unit of ``n_iter_no_change``.
AUTO_PATIENCE_STEPS = 50
#: ``epochs="auto"``: the cap is this many epochs, or twice the epochs of
#: ``AUTO_MIN_STEPS``, whichever is more.
AUTO_MAX_EPOCHS = 30
#: ``epochs="auto"``: an improvement is also at least this share of the best
#: validation loss (a loss that creeps down by less is a plateau).
AUTO_RELATIVE_TOL = 0.0
#: ``epochs="auto"`` holds out a validation split when it gets this many rows...
AUTO_MIN_VALIDATION = 20
#: ... and otherwise trains this many epochs, or as many as make
#: ``AUTO_SMALL_DATA_STEPS`` optimizer steps, whichever is more.
AUTO_SMALL_DATA_EPOCHS = 50
AUTO_SMALL_DATA_STEPS = 200


@dataclass(frozen=True)
class AutoBudget:
    """What a family may set of ``epochs="auto"``: the fixed budget (epochs or
    optimizer steps, whichever gives more epochs) of a fit without a
    validation split, and the share of the best validation loss that an
    epoch must gain to count as an improvement."""

    small_data_epochs: int = AUTO_SMALL_DATA_EPOCHS
    small_data_steps: int = AUTO_SMALL_DATA_STEPS
    relative_tol: float = AUTO_RELATIVE_TOL


#: The MLP and fastText: a bag of words or n-grams, updates under 1 ms.
BAG_OF_WORDS = AutoBudget()
#: The language models: an epoch must lower the best validation loss by 1 % of
#: it to count. Their loss creeps down for tens of epochs by gains that a plain
#: ``tol`` would count: on 1 MB of English text a character LSTM language model
#: was still gaining 0.2 % an epoch at its cap of 30 epochs (1.421 nats per
#: character, 13 minutes on 2 cores); the 1 % rule stopped it after 18 (7.6
#: minutes) at 1.462, 1.029 times that (``benchmarks/bench_lm_budget.py``).
#: The translators keep the plain rule: on all of Multi30k the recurrent ones
#: sit two epochs on the plateau of the target words' frequencies (6.49, then
#: 6.43 nats per token: 1.0 %) before they learn to translate, where a 1 %
#: threshold could end the fit.
GENERATION_RELATIVE_TOL = 0.01
GENERATION = AutoBudget(relative_tol=GENERATION_RELATIVE_TOL)
#: The networks that read word order (recurrent, convolutional, Transformer)
#: get half the updates without a validation split: on 200-row samples of three
#: shared data sets they scored the same with half (``benchmarks/README.md``),
#: at 2.5 to 5 ms an update. Half the minimum of a validated fit scored the
#: same on 400-row samples too, but left ``LSTMTextRegressor`` under the bar of
#: scikit-learn's ``check_regressors_train``: every family keeps
#: ``AUTO_MIN_STEPS``.
WORD_ORDER = AutoBudget(
    small_data_epochs=AUTO_SMALL_DATA_EPOCHS // 2,
    small_data_steps=AUTO_SMALL_DATA_STEPS // 2,
)


def plan_epochs(
    epochs,
    *,
    early_stopping,
    n_samples,
    batch_size,
    validation_fraction,
    n_iter_no_change,
    tol,
    budget=BAG_OF_WORDS,
    max_epochs=None,
):
    """The :class:`Schedule` of a fit on ``n_samples`` rows.

    * An int ``epochs``: exactly that many epochs; with ``early_stopping``, at
      most that many, stopped by the validation loss (patience
      ``n_iter_no_change``), the best epoch restored.
    * ``"auto"``: with a validation split (``early_stopping``, or at least
      ``AUTO_MIN_VALIDATION`` validation rows), stop when the validation loss
      has not improved by ``tol`` (or by ``budget.relative_tol`` of its best
      value, if that is more) for ``patience`` epochs: as many epochs as
      make ``n_iter_no_change * AUTO_PATIENCE_STEPS`` optimizer steps, at
      least 2; never before ``AUTO_MIN_STEPS`` steps, at most
      ``max(AUTO_MAX_EPOCHS, 2 * min_epochs)`` epochs, or ``max_epochs``
      when it is given (the minimum is then cut to it if it is more); restore
      the best epoch. Without a split, train ``AUTO_SMALL_DATA_EPOCHS``
      epochs or ``AUTO_SMALL_DATA_STEPS`` steps, whichever is more, and at
      most ``max_epochs``. ``budget`` (an :class:`AutoBudget`) replaces these
      two sizes for a family.

    ``max_epochs`` is ignored with an int ``epochs``, which is the budget itself.
    """
    if epochs != "auto":
        if early_stopping:
            return Schedule(epochs, n_iter_no_change, tol, "val_loss", restore_best=True)
        return Schedule(epochs, patience=epochs + 1, tol=tol)
    n_validation = math.ceil(validation_fraction * n_samples)
    if not early_stopping and n_validation < AUTO_MIN_VALIDATION:
        steps_per_epoch = math.ceil(n_samples / batch_size)
        epochs = max(
            budget.small_data_epochs, math.ceil(budget.small_data_steps / steps_per_epoch)
        )
        if max_epochs is not None:
            epochs = min(epochs, max_epochs)
        return Schedule(epochs, patience=epochs + 1, tol=tol)
    steps_per_epoch = math.ceil(max(n_samples - n_validation, 1) / batch_size)
    min_epochs = math.ceil(AUTO_MIN_STEPS / steps_per_epoch)
    patience_steps = n_iter_no_change * AUTO_PATIENCE_STEPS
    patience = max(2, math.ceil(patience_steps / steps_per_epoch))
    cap = max(AUTO_MAX_EPOCHS, 2 * min_epochs) if max_epochs is None else max_epochs
    return Schedule(
        cap,
        patience,
        tol,
        "val_loss",
        restore_best=True,
        min_epochs=min(min_epochs, cap),
        relative_tol=budget.relative_tol,
    )


def cap_message(name, epochs, schedule):
    """Advice for a fit that reached its cap while the validation loss improved.

    With ``epochs="auto"`` the advice is a larger ``max_epochs``, which keeps
    the adaptive rule (an int ``epochs`` would replace it by a plain patience
    in epochs). The message starts with ``name``: ``sknn-text compare`` counts
    the warnings of each class by it.
    """
    raise_it = (
        f"pass max_epochs={2 * schedule.max_epochs} to allow more under the same "
        "stopping rule"
        if epochs == "auto"
        else f"raise epochs (now {epochs})"
    )
    return (
        f"{name} stopped at its cap of {schedule.max_epochs} epochs while the "
        f"validation loss was still improving; {raise_it}."
    )


class Patience:
    """The stopping rule of a :class:`Schedule`, and the best epoch's weights."""

    def __init__(self, schedule, model):
        self.schedule, self.model = schedule, model
        self.best = math.inf  # the lowest value so far: its epoch's weights are kept
        self.mark = math.inf  # the value of the last gain that counted for patience
        self.best_epoch = None
        self.best_weights = None
        self.wait = 0

    def update(self, epoch, logs):
        """Record epoch ``epoch`` (1-based); whether training should stop.

        Patience counts the epochs since the last gain of at least the
        schedule's ``min_delta``; the weights kept are those of the lowest
        value, whatever its gain (as scikit-learn's MLP keeps its best
        coefficients).
        """
        schedule = self.schedule
        current = logs[schedule.monitor]
        self.wait += 1
        if current < self.mark - schedule.min_delta(self.mark):
            self.mark, self.wait = current, 0
        if current < self.best:
            self.best, self.best_epoch = current, epoch
            if schedule.restore_best:
                self.best_weights = None  # at most one copy held at a time
                self.best_weights = self.model.get_weights()
        if not self.wait:
            return False
        return self.wait >= schedule.patience and epoch >= schedule.min_epochs


#: ``verbose=0``: a fit on a terminal writes a line once it has run this many
#: seconds, then at most one line per this many seconds.
QUIET_PROGRESS_SECONDS = 60.0


def _is_terminal(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):  # no isatty, a closed stream
        return False


class Progress:
    """The progress lines of a fit, on ``stream`` (``sys.stderr`` when None).

    * ``verbose=0``: nothing, unless ``stream`` is a terminal and the fit has
      run ``QUIET_PROGRESS_SECONDS``: then a line, at most one per that many
      seconds, and a last line on how training ended;
    * ``verbose=1``: a line per epoch, rewritten in place on a terminal, and
      the last line;
    * ``verbose>=2``: a line per epoch, on a terminal too, and the last line.

    Only a line rewritten in place uses a carriage return; no escape codes are
    ever written.
    """

    def __init__(self, name, schedule, verbose, stream=None):
        self.name, self.schedule = name, schedule
        self.verbose = int(verbose)
        self.stream = sys.stderr if stream is None else stream
        self.terminal = _is_terminal(self.stream)
        self.start = self.last = time.monotonic()
        self.width = 0  # of the line shown in place; 0 when there is none
        self.spoke = False  # at verbose=0: a line was written

    def elapsed(self):
        return time.monotonic() - self.start

    def epoch(self, epoch, logs, best_epoch):
        """Report the completed epoch ``epoch`` (1-based) and its ``logs``."""
        if self.verbose == 0:
            now = time.monotonic()
            if self.terminal and now - self.last >= QUIET_PROGRESS_SECONDS:
                self.last, self.spoke = now, True
                state = self._state(epoch, logs, best_epoch)
                self._line(f"{self.name} is still training, {state}; verbose=1 shows each epoch")
            return
        text = f"{self.name} {self._state(epoch, logs, best_epoch)}"
        if self.verbose == 1 and self.terminal:
            self._in_place(text)
        else:
            self._line(text)

    def _state(self, epoch, logs, best_epoch):
        # A validated fit may stop before its last epoch: that one is a cap.
        total = "of at most" if self.schedule.validated else "of"
        # Most telling first: a narrow terminal cuts the end of the line.
        head = f"epoch {epoch} {total} {self.schedule.max_epochs} ({self.elapsed():.1f} s): "
        loss = f"loss {logs['loss']:.4g}"
        if "val_loss" not in logs:
            return head + loss
        best = "" if best_epoch is None else f" (best: epoch {best_epoch})"
        return f"{head}val_loss {logs['val_loss']:.4g}{best}, {loss}"

    def finish(self, log):
        """End the report with how training ended (an ``EpochLog``), if it spoke."""
        ended = summary(log, self.schedule, self.elapsed())
        if ended is not None and (self.verbose or self.spoke):
            self._line(f"{self.name} {ended}")
        self.close()

    def close(self):
        """End the line shown in place, if any."""
        if self.width:
            self.width = 0
            self._write("\n")

    def __enter__(self):
        return self

    def __exit__(self, *error):
        self.close()  # before the traceback of an error is printed

    def _line(self, text):
        self.close()
        self._write(text + "\n")

    def _in_place(self, text):
        text = text[: max(shutil.get_terminal_size().columns - 1, 20)]
        self._write("\r" + text.ljust(self.width))
        self.width = len(text)

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()


def summary(log, schedule, seconds):
    """How training ended, for :meth:`Progress.finish`; None after Ctrl-C."""
    if log.interrupted:
        return None  # the KeyboardInterrupt that follows says it
    if log.stopped_by_patience:
        ended = (
            f"stopped after {log.n_epochs} epochs: the validation loss had not "
            f"improved for {schedule.patience} epochs"
        )
    elif log.stopped_by_callback:
        ended = f"was stopped by a callback after {log.n_epochs} epochs"
    elif schedule.validated:
        ended = f"reached its cap of {log.n_epochs} epochs"
    else:
        ended = f"trained {log.n_epochs} epochs"
    if log.constant:
        ended += "; no epoch beat the mean of y, which it now predicts"
    elif log.best_epoch is not None:
        ended += f"; it keeps epoch {log.best_epoch}"
    return f"{ended} ({seconds:.1f} s)."


#: Modules whose frames a warning raised in ``fit`` skips to name the user's
#: line: this package, and scikit-learn's wrappers of ``fit`` (``_fit_context``,
#: ``TransformerMixin.fit_transform``, the ``set_output`` wrapper).
_WRAPPER_MODULES = frozenset({"sklearn.base", "sklearn.utils._set_output"})


def _in_library(frame):
    module = frame.f_globals.get("__name__", "")
    return module == "sknn_text" or module.startswith("sknn_text.") or module in _WRAPPER_MODULES


def user_stacklevel():
    """The ``stacklevel`` that makes a ``warnings.warn`` in the calling function
    name the first frame outside sknn_text: the user's ``fit``, however many
    layers of the package (a head's own ``fit``, ``partial_fit``) lie between.

    A stack that is sknn_text all the way up (the command line) names its
    outermost frame.
    """
    frame, level = sys._getframe(1), 1
    while _in_library(frame) and frame.f_back is not None:
        frame, level = frame.f_back, level + 1
    return level


def validation_split(y, fraction, stratify, seed):
    """``(train_rows, validation_rows)``: a (stratified, when possible) split.

    Falls back to a plain split when a class is too rare to stratify, and
    raises ``ValueError`` when ``fraction`` leaves one side empty.
    """
    rows = np.arange(y.shape[0])
    try:
        return train_test_split(rows, test_size=fraction, random_state=seed, stratify=stratify)
    except ValueError:
        if stratify is None:
            raise ValueError(
                f"validation_fraction={fraction} leaves no training or no validation "
                f"sample out of {rows.size}; use more samples or set "
                "early_stopping=False."
            ) from None
        return train_test_split(rows, test_size=fraction, random_state=seed)
