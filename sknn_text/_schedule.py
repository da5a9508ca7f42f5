"""When training stops: the schedule of a fit, ``epochs="auto"`` included.

:func:`plan_epochs` turns ``epochs``, ``early_stopping`` and the size of the
data into a :class:`Schedule` that ``_training.run_epochs`` follows;
:func:`validation_split` holds out the validation rows.
"""

import math
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
    validation split."""

    small_data_epochs: int = AUTO_SMALL_DATA_EPOCHS
    small_data_steps: int = AUTO_SMALL_DATA_STEPS


#: The MLP and fastText: a bag of words or n-grams, updates under 1 ms.
BAG_OF_WORDS = AutoBudget()
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
):
    """The :class:`Schedule` of a fit on ``n_samples`` rows.

    * An int ``epochs``: exactly that many epochs; with ``early_stopping``, at
      most that many, stopped by the validation loss (patience
      ``n_iter_no_change``), the best epoch restored.
    * ``"auto"``: with a validation split (``early_stopping``, or at least
      ``AUTO_MIN_VALIDATION`` validation rows), stop when the validation loss
      has not improved by ``tol`` (or by ``AUTO_RELATIVE_TOL`` of its best
      value, if that is more) for ``patience`` epochs: as many epochs as
      make ``n_iter_no_change * AUTO_PATIENCE_STEPS`` optimizer steps, at
      least 2; never before ``AUTO_MIN_STEPS`` steps, at most
      ``max(AUTO_MAX_EPOCHS, 2 * min_epochs)`` epochs; restore the best
      epoch. Without a split, train ``AUTO_SMALL_DATA_EPOCHS`` epochs or
      ``AUTO_SMALL_DATA_STEPS`` steps, whichever is more. ``budget`` (an
      :class:`AutoBudget`) replaces these two sizes for a family.
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
        return Schedule(epochs, patience=epochs + 1, tol=tol)
    steps_per_epoch = math.ceil(max(n_samples - n_validation, 1) / batch_size)
    min_epochs = math.ceil(AUTO_MIN_STEPS / steps_per_epoch)
    patience_steps = n_iter_no_change * AUTO_PATIENCE_STEPS
    patience = max(2, math.ceil(patience_steps / steps_per_epoch))
    return Schedule(
        max(AUTO_MAX_EPOCHS, 2 * min_epochs),
        patience,
        tol,
        "val_loss",
        restore_best=True,
        min_epochs=min_epochs,
        relative_tol=AUTO_RELATIVE_TOL,
    )


def cap_message(name, epochs, schedule):
    """Advice for a fit that reached its cap while the validation loss improved."""
    raise_it = (
        f"pass epochs={2 * schedule.max_epochs} (with early_stopping=True) to allow more"
        if epochs == "auto"
        else f"raise epochs (now {epochs})"
    )
    return (
        f"{name} stopped at its cap of {schedule.max_epochs} epochs while the "
        f"validation loss was still improving; {raise_it}."
    )


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
