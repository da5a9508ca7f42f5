"""The epoch loop: mini-batch steps, validation, early stopping, Ctrl-C, NaN loss.

:func:`run_epochs` trains a compiled Keras model in place over
:class:`~sknn_text._loop.data.ArrayBatches`, with the model's own ``train_step``
compiled once (see ``_backend.training_steps``), and returns what happened as
an :class:`EpochLog`. It is a plain loop, so that what a fit does is read in
one place:

* every epoch: reset the metrics, one optimizer step per batch, the epoch's
  mean loss and metrics, then (with a validation split) the validation loss
  and metrics under the same names prefixed ``val_``;
* a NaN or infinite loss stops training with :class:`NonFiniteLoss`;
* the :class:`Schedule` stops training when the monitored loss has not
  improved by ``tol`` for ``patience`` epochs (not before ``min_epochs``), or at
  ``max_epochs``; with ``restore_best`` the best epoch's weights are put back;
* with a ``ConstantOutput`` (see ``_heads``; regressors), a validated fit
  refits the output bias so that the mean prediction over the training rows is
  their mean ``y``, then ends predicting that mean unless the best epoch beat it
  on the validation rows;
* Ctrl-C (``KeyboardInterrupt``) after at least one completed epoch puts back
  the weights of the best (validated) or last completed epoch and reports the
  interruption in ``EpochLog.interrupted``; before that it propagates. In the
  main thread, a first Ctrl-C only raises a flag that the loop reads after
  each batch (see ``interrupts``). A second Ctrl-C raises at once;
* Keras callbacks given by the user see the usual ``on_*`` calls;
* ``schedule.Progress``, not Keras's bar, reports the epochs as ``verbose`` asks.

:class:`TrainingParameters` declares the constructor parameters that drive it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import ClassVar

import keras
import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._backend import training_steps
from .._params import parameters
from .data import mean_prediction, predicted_batches
from .interrupts import deferred_interrupt
from .optimizers import OPTIMIZERS
from .schedule import Patience, Progress


@parameters
class TrainingParameters:
    """The constructor parameters of the training loop, shared by every estimator."""

    _doc_rank = 2  # documented after the architecture's parameters

    alpha: float = 0.0001
    epochs: int | str = "auto"
    max_epochs: int | None = None
    batch_size: int | str = 32
    optimizer: str | keras.optimizers.Optimizer = "adam"
    learning_rate: float = 0.001
    early_stopping: bool = False
    validation_fraction: float = 0.1
    n_iter_no_change: int = 10
    tol: float = 0.0001
    warm_start: bool = False
    random_state: int | None = None
    verbose: int = 0
    callbacks: list | None = None

    _parameter_constraints: ClassVar[dict] = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "optimizer": [StrOptions(set(OPTIMIZERS)), keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }
    _parameter_docs: ClassVar[dict] = {
        "alpha": (
            "float",
            """Strength of the L2 penalty on $penalized, scaled as in scikit-learn's
            MLP (``alpha / 2 * ||W||^2`` per batch, divided by the batch size).""",
        ),
        "epochs": (
            'int or "auto"',
            """Passes over the training data. ``"auto"`` holds out
            ``validation_fraction`` of the training data (stratified for
            classifiers), trains until the validation loss stops improving and
            restores the weights of the best epoch (a regressor's output bias
            is refitted on the training rows, and it predicts the mean of ``y``
            instead if that epoch did not beat it), with a
            budget that adapts to the size of the data (see the user guide,
            "How long a model trains"; ``max_epochs`` sets its cap). An int
            trains exactly that many epochs (at most that many with
            ``early_stopping=True``).""",
        ),
        "max_epochs": (
            "int or None",
            """The most epochs ``epochs="auto"`` trains; None: ``max(30, 2 *
            the epochs of 300 optimizer steps)``. An int keeps the rest of the
            rule (the minimum, cut to ``max_epochs``, and the patience in
            steps), and also caps the fixed budget of a fit without a
            validation split. Ignored with an int ``epochs`` and by
            ``partial_fit``.""",
        ),
        "batch_size": (
            'int or "auto"',
            'Samples per gradient step; ``"auto"`` means ``min(200, n_samples)``.',
        ),
        "optimizer": (
            "str or keras.optimizers.Optimizer",
            """One of "adam", "adamw", "nadam", "rmsprop", "adagrad", "sgd", or an
            optimizer instance, which is cloned from its config at every fit (its
            own learning rate is then used). "adam" is Keras's Adam; on
            TensorFlow its dense updates run as one fused kernel, which saves
            memory and time.""",
        ),
        "learning_rate": ("float", "Step size of a named optimizer."),
        "early_stopping": (
            "bool",
            """With an int ``epochs``: hold out ``validation_fraction`` of the
            training data (stratified for classifiers), stop when the
            validation loss has not improved by ``tol`` for
            ``n_iter_no_change`` epochs, and restore the weights of the best
            epoch. ``epochs="auto"`` does this whenever the data allow a
            validation split; ``early_stopping=True`` makes the split
            mandatory.""",
        ),
        "validation_fraction": (
            "float",
            """Share of the training data held out for validation
            (``epochs="auto"`` or ``early_stopping=True``).""",
        ),
        "n_iter_no_change": (
            "int",
            """Epochs without an improvement of at least ``tol`` in the
            validation loss before training stops. With ``epochs="auto"``,
            patience is counted in optimizer steps, ``n_iter_no_change * 50``
            of them (at least 2 epochs): small data sets, whose epochs are
            short, wait more epochs, large ones fewer.""",
        ),
        "tol": (
            "float",
            "Smallest decrease of the validation loss that counts as an improvement.",
        ),
        "warm_start": (
            "bool",
            """Start ``fit`` from the weights of the previous fit (with a fresh
            optimizer) instead of a new initialization.""",
        ),
        "random_state": (
            "int, RandomState instance or None",
            """Seeds weight initialization, dropout, shuffling and the validation
            split. An int gives identical results on every fit; Keras's global
            random state is never touched.""",
        ),
        "verbose": (
            "int or bool",
            """Progress on ``sys.stderr``. 0: silent, but a fit that has run a
            minute on a terminal writes a line a minute. 1: a line per epoch
            (its cap, the losses, the best epoch, the seconds elapsed), updated
            in place on a terminal, and how training ended. 2: the same, every
            epoch on its own line. Off a terminal, only plain lines.""",
        ),
        "callbacks": (
            "list of keras.callbacks.Callback or None",
            "Extra Keras callbacks run in every fit; the list itself is not modified.",
        ),
    }


@dataclass
class EpochLog:
    """What :func:`run_epochs` did.

    Attributes
    ----------
    history : dict of str to list of float
        Each metric (``loss``, ``val_loss``, ...) per completed epoch.
    best_epoch : int or None
        1-based epoch whose weights the model holds when ``restore_best``.
    stopped_by_patience : bool
        The patience rule ended training (not ``max_epochs`` or an interrupt).
    stopped_by_callback : bool
        A callback set ``model.stop_training`` (Keras's ``EarlyStopping``...).
    interrupted : bool
        Training ended with Ctrl-C after at least one completed epoch; the
        model holds the weights of the best or last completed epoch.
    constant : bool
        The best epoch did not beat the ``ConstantOutput`` on the validation
        split: the model's output layer now predicts that constant.
    """

    history: dict = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_by_patience: bool = False
    stopped_by_callback: bool = False
    interrupted: bool = False
    constant: bool = False

    @property
    def n_epochs(self):
        return len(self.history.get("loss", ()))

    @property
    def capped(self):
        """Training ran to its last allowed epoch (not stopped by patience)."""
        return not (self.stopped_by_patience or self.interrupted or self.stopped_by_callback)


class NonFiniteLoss(ValueError):
    """The training loss became NaN or infinite; ``epoch`` is 1-based."""

    def __init__(self, epoch):
        super().__init__(f"non-finite loss in epoch {epoch}")
        self.epoch = epoch


def interruption_message(name, log):
    """What an interrupted fit kept, for the ``KeyboardInterrupt`` it re-raises."""
    kept = (
        f"the weights of the best epoch ({log.best_epoch})"
        if log.best_epoch is not None
        else "the weights of the last completed epoch"
    )
    return (
        f"Training was interrupted after {log.n_epochs} completed epoch(s); {name} "
        f"keeps {kept} and is usable."
    )


def constant_message(name):
    """The warning of a fit that kept its ``ConstantOutput``."""
    return (
        f"No epoch of {name} predicted the validation split better than the mean of "
        "y, so it now predicts that mean. The data may be too small or too noisy "
        "for this network: compare it with a simpler model."
    )


def check_callbacks(callbacks):
    """The ``callbacks`` parameter as a new list, each a Keras callback."""
    callbacks = list(callbacks or [])
    for position, callback in enumerate(callbacks):
        if not isinstance(callback, keras.callbacks.Callback):
            raise TypeError(
                f"callbacks[{position}] is a {type(callback).__name__}; callbacks "
                "must be a list of keras.callbacks.Callback instances."
            )
    return callbacks


def _evaluate(steps, batches):
    steps.reset()
    for index in range(len(batches)):
        steps.evaluate(batches[index])
    return {f"val_{name}": value for name, value in steps.logs().items()}


def _row_losses(model, batches):
    """The loss of each row of ``batches`` (penalties left out), and its weight."""
    loss = keras.losses.get(model.loss)
    losses, rows = [], []
    for batch_rows, outputs in predicted_batches(model, batches):
        losses.append(keras.ops.convert_to_numpy(loss(batches.y[batch_rows], outputs)))
        rows.append(batch_rows)
    rows, weights = np.concatenate(rows), batches.sample_weight
    weights = np.ones(len(rows)) if weights is None else weights[rows]
    return np.concatenate(losses).astype(np.float64), weights.astype(np.float64)


def run_epochs(
    model, train, validation, schedule, *, callbacks=(), verbose=0, name="Training",
    constant=None, fitted=None,
):
    """Train ``model`` in place; return an :class:`EpochLog`.

    Parameters
    ----------
    model : keras.Model
        A compiled model, prepared with ``_backend.prepare_training``.
    train, validation : ArrayBatches or None
        Training batches (shuffled each epoch) and validation batches.
    schedule : Schedule
        When to stop, what to monitor, whether to restore the best epoch.
    callbacks : sequence of keras.callbacks.Callback
        The user's callbacks.
    verbose, name : int, str
        What ``schedule.Progress`` reports, and the model's name in it.
    constant : ConstantOutput or None
        With a validation split and ``restore_best``: the prediction that the
        best epoch must beat on the validation rows, or replace (a
        ``_heads.ConstantOutput``).
    fitted : ArrayBatches or None
        With ``constant``: the training rows in prediction batches, over which
        the output bias is refitted first (``ConstantOutput.center``).

    Raises
    ------
    NonFiniteLoss
        The training loss of an epoch is NaN or infinite.
    KeyboardInterrupt
        Ctrl-C before the first epoch was completed.
    """
    steps = training_steps(model, train[0], open_width=train.variable_width)
    callbacks = keras.callbacks.CallbackList(
        list(callbacks),
        add_progbar=False,  # see Progress
        model=model,
        verbose=int(verbose),
        epochs=schedule.max_epochs,
        steps=len(train),
    )
    log = EpochLog()
    model.stop_training = False
    with Progress(name, schedule, verbose) as progress, deferred_interrupt() as interrupted:
        _loop(model, train, validation, schedule, steps, callbacks, log, interrupted, progress)
        if constant is not None and log.best_epoch is not None and not log.interrupted:
            constant.center(mean_prediction(model, fitted))
            log.constant = constant.wins(lambda: _row_losses(model, validation))
        progress.finish(log)
    return log


def _loop(model, train, validation, schedule, steps, callbacks, log, interrupted, progress):
    """The body of :func:`run_epochs`; fills ``log``."""
    batch_hooks = bool(callbacks.callbacks)
    patience = Patience(schedule, model)
    keep_last = not schedule.restore_best
    # (records, weights) of the completed epochs, replaced in one assignment so
    # that an interrupt at any moment finds logs and weights of the same epochs
    # (weights None: the model's own, while they are being copied).
    completed = ((), None)
    try:
        if interrupted():  # pressed while the model was built or traced
            raise KeyboardInterrupt
        callbacks.on_train_begin()
        for epoch in range(1, schedule.max_epochs + 1):
            steps.reset()
            callbacks.on_epoch_begin(epoch - 1)
            for index in range(len(train)):
                if batch_hooks:
                    callbacks.on_train_batch_begin(index)
                batch_logs = steps.train(train[index])
                if batch_hooks:
                    callbacks.on_train_batch_end(index, batch_logs)
                if interrupted():
                    raise KeyboardInterrupt
            train.on_epoch_end()
            logs = steps.logs()
            if not math.isfinite(logs["loss"]):
                raise NonFiniteLoss(epoch)
            if validation is not None:
                logs.update(_evaluate(steps, validation))
            # The epoch is complete before the user's callbacks see it.
            stop = patience.update(epoch, logs)
            progress.epoch(epoch, logs, patience.best_epoch if schedule.restore_best else None)
            records = (*completed[0], logs)
            # At most one copy of the weights is held. While it is being taken,
            # the model itself holds the weights of the epoch just completed.
            completed = (records, None)
            if keep_last:
                completed = (records, model.get_weights())
            callbacks.on_epoch_end(epoch - 1, logs)
            if stop or model.stop_training:
                log.stopped_by_patience = stop
                log.stopped_by_callback = not stop
                break
            if interrupted():  # pressed during validation or a callback
                raise KeyboardInterrupt
        callbacks.on_train_end()
        if interrupted():
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        if not completed[0]:
            raise
        weights = patience.best_weights if schedule.restore_best else completed[1]
        if weights is not None:
            model.set_weights(weights)
        # else the interrupt came while those weights were being copied from
        # the model, which still holds them.
        log.interrupted = True
    else:
        if schedule.restore_best and patience.best_weights is not None:
            model.set_weights(patience.best_weights)
    for record in completed[0]:
        for name in sorted(record):
            log.history.setdefault(name, []).append(record[name])
    log.best_epoch = patience.best_epoch if schedule.restore_best else None
