"""The shared estimator base: parameters, the training loop, ``history_``, tags, state.

Every public estimator combines three pieces:

* a *task* mixin (``_classifier.NetworkClassifierMixin`` or
  ``_regressor.NetworkRegressorMixin``) that encodes ``y`` and decodes outputs,
* an *architecture* mixin (``_feedforward`` or ``_recurrent``) that validates
  ``X`` and builds the ``keras.Model``,
* :class:`BaseTextNetwork`, which owns ``fit``, ``partial_fit``, the epoch loop
  and the guarantee that a failed fit leaves the estimator as it was.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import TYPE_CHECKING, BinaryIO

import keras
import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
)

from ._backend import (
    as_keras_data,
    out_of_memory_errors,
    prepare_training,
    release_kernel_cache,
)
from ._data import ArrayBatches, predict_in_batches
from ._optimizers import OPTIMIZERS, make_optimizer
from ._persistence import save as save_estimator
from ._typing import MatrixLike

if TYPE_CHECKING:
    from typing_extensions import Self

_PREDICT_BATCH_SIZE = 512
_AUTO_BATCH_SIZE = 200


@dataclass(frozen=True)
class OutputHead:
    """What the task needs from the network's last layer and loss."""

    n_outputs: int
    activation: str
    loss: str
    metrics: list = field(default_factory=list)


class _EpochRecorder(keras.callbacks.Callback):
    """Keep the logs (and optionally the weights) of every completed epoch.

    ``completed`` is replaced in a single assignment at the end of an epoch, so an
    interrupt (Ctrl-C) arriving at any moment finds logs and weights of the same
    epochs: never half an epoch's metrics.

    Parameters
    ----------
    keep_weights : bool
        Also keep a copy of the weights at the end of the last completed epoch.
    """

    def __init__(self, keep_weights):
        super().__init__()
        self.keep_weights = keep_weights
        self.completed = ((), None)

    def on_epoch_end(self, epoch, logs=None):
        record = {name: float(value) for name, value in (logs or {}).items()}
        weights = None
        if self.keep_weights:
            # Free the previous copy before taking the next, so at most one copy
            # of the weights is held. An interrupt in between finds no weights
            # and propagates (fit then leaves the estimator as it was).
            self.completed = (self.completed[0], None)
            weights = self.model.get_weights()
        self.completed = ((*self.completed[0], record), weights)

    @property
    def n_epochs(self):
        return len(self.completed[0])

    @property
    def last_weights(self):
        return self.completed[1]

    @property
    def history(self):
        history = {}
        for record in self.completed[0]:
            for name, value in record.items():
                history.setdefault(name, []).append(value)
        return history


class _NonFiniteLossGuard(keras.callbacks.Callback):
    """Stop training as soon as a batch loss is NaN or infinite."""

    def __init__(self):
        super().__init__()
        self.failed_at_epoch = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            self.failed_at_epoch = self._epoch
            self.model.stop_training = True


def _model_variables(model):
    optimizer_variables = model.optimizer.variables if model.optimizer else []
    return list(model.weights) + list(optimizer_variables)


class BaseTextNetwork(BaseEstimator):
    """Base class of the sknn_text estimators; not meant to be used directly.

    Subclasses provide ``_validate_X``, ``_build_network`` (architecture) and
    ``_encode_target``, ``_sample_weight_from_classes``, ``_stratify_on``
    (task). Fitted state is every instance attribute that is not a
    constructor parameter; a fit that raises restores all of it.
    """

    _parameter_constraints: dict = {
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
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

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Train the network on ``X`` and ``y``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Training inputs (see the class docstring for the accepted kinds).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values or class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, multiplied with ``class_weight`` if both are set.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        mode = "warm" if self.warm_start and self._is_fitted() else "fresh"
        return self._train(X, y, sample_weight, mode=mode, epochs=self.epochs)

    def _partial_fit(self, X, y, sample_weight, classes):
        mode = "partial" if self._is_fitted() else "fresh"
        return self._train(
            X, y, sample_weight, mode=mode, epochs=1, classes=classes, incremental=True
        )

    def _is_fitted(self):
        return hasattr(self, "model_")

    def _train(
        self, X, y, sample_weight, *, mode, epochs, classes=None, incremental=False
    ):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        reset = mode == "fresh"
        in_place = mode == "partial"
        with self._restore_state_on_error(self.model_ if in_place else None):
            callbacks = self._user_callbacks()
            X = self._validate_X(X, reset=reset)
            y_encoded, head = self._encode_target(
                y, reset=reset, classes=classes, incremental=incremental
            )
            check_consistent_length(X, y_encoded)
            weights = self._training_weights(X, y, sample_weight)
            rng = check_random_state(self.random_state)
            batch_size = self._resolve_batch_size(X.shape[0])
            if in_place:
                model = self.model_
            else:
                model = self._new_model(head, batch_size, rng, warm=mode == "warm")
            history = self._run_epochs(
                model,
                X,
                y_encoded,
                weights,
                epochs=epochs,
                batch_size=batch_size,
                rng=rng,
                validate=self.early_stopping and not incremental,
                callbacks=callbacks,
                new_model=not in_place,
            )
            previous = {} if reset else self.history_
            self.history_ = {
                name: list(previous.get(name, [])) + values
                for name, values in history.items()
            }
            self.n_iter_ = (0 if reset else self.n_iter_) + len(history["loss"])
            self.model_ = model
        return self

    @contextlib.contextmanager
    def _restore_state_on_error(self, model_in_place):
        """Undo every change to fitted state (and in-place weights) if the body raises."""
        params = self.get_params(deep=False)
        saved = {k: v for k, v in vars(self).items() if k not in params}
        saved_values = None
        if model_in_place is not None:
            saved_values = [
                keras.ops.convert_to_numpy(v) for v in _model_variables(model_in_place)
            ]
        try:
            yield
        except BaseException:
            for name in [k for k in vars(self) if k not in params]:
                delattr(self, name)
            for name, value in saved.items():
                setattr(self, name, value)
            if saved_values is not None:
                for variable, value in zip(
                    _model_variables(model_in_place), saved_values, strict=False
                ):
                    variable.assign(value)
            raise

    def _user_callbacks(self):
        callbacks = list(self.callbacks or [])
        for position, callback in enumerate(callbacks):
            if not isinstance(callback, keras.callbacks.Callback):
                raise TypeError(
                    f"callbacks[{position}] is a {type(callback).__name__}; callbacks "
                    "must be a list of keras.callbacks.Callback instances."
                )
        return callbacks

    def _resolve_batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(_AUTO_BATCH_SIZE, n_samples)
        return min(self.batch_size, n_samples)

    def _training_weights(self, X, y, sample_weight):
        weights = self._sample_weight_from_classes(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
            weights = sample_weight if weights is None else weights * sample_weight
        if weights is not None and not np.any(weights > 0):
            raise ValueError(
                "sample_weight (combined with class_weight) must contain at least "
                "one positive value."
            )
        return None if weights is None else weights.astype(np.float32)

    def _new_model(self, head, batch_size, rng, *, warm):
        if warm:
            model = keras.models.clone_model(self.model_)
            model.set_weights(self.model_.get_weights())
        else:
            # scikit-learn's MLP adds alpha / 2 * ||W||^2 / batch_size to the
            # mean batch loss; the SquaredL2(l2) penalty adds l2 * ||W||^2.
            l2 = self.alpha / (2.0 * batch_size)
            seed = int(rng.randint(np.iinfo(np.int32).max))
            try:
                model = self._build_network(head, l2=l2, seed=seed)
            except out_of_memory_errors() as error:
                raise MemoryError(
                    f"{type(self).__name__} ran out of memory creating the weights "
                    f"of its network; make it smaller ({self._size_hint()})."
                ) from error
        model.compile(
            optimizer=make_optimizer(self.optimizer, self.learning_rate),
            loss=head.loss,
            metrics=list(head.metrics),
            jit_compile=False,
        )
        return model

    def _run_epochs(
        self,
        model,
        X,
        y,
        weights,
        *,
        epochs,
        batch_size,
        rng,
        validate,
        callbacks,
        new_model,
    ):
        """Train ``model`` in place; return the logs of the completed epochs.

        Ctrl-C (``KeyboardInterrupt``) after at least one completed epoch stops
        training with a warning and keeps the weights of the best validated epoch
        (``early_stopping``) or of the last completed one; before that it
        propagates. A NaN or infinite loss raises ``ValueError``.
        """
        train_rows, val_rows = None, None
        if validate:
            train_rows, val_rows = self._validation_split(y, rng)
        # Both splits index X in place: the training matrix is never copied.
        sparse, lengths = self._sparse_batches(), self._sequence_lengths(X)
        train = ArrayBatches(
            X,
            y,
            weights,
            batch_size=batch_size,
            shuffle=True,
            seed=int(rng.randint(np.iinfo(np.int32).max)),
            sparse=sparse,
            lengths=lengths,
            rows=train_rows,
        )
        validation = None
        if val_rows is not None:
            validation = ArrayBatches(
                X,
                y,
                weights,
                batch_size=max(batch_size, _PREDICT_BATCH_SIZE),
                sparse=sparse,
                lengths=lengths,
                rows=val_rows,
            )
        recorder = _EpochRecorder(keep_weights=not validate)
        guard = _NonFiniteLossGuard()
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss" if validate else "loss",
            min_delta=self.tol,
            patience=self.n_iter_no_change,
            restore_best_weights=validate,
        )
        try:
            prepare_training(model, train[0])
            model.fit(
                as_keras_data(train),
                validation_data=None if validation is None else as_keras_data(validation),
                epochs=epochs,
                shuffle=False,  # ArrayBatches shuffles with its own seeded generator
                verbose=int(self.verbose),
                callbacks=[recorder, guard, stopper, *callbacks],
            )
        except KeyboardInterrupt:
            if not recorder.n_epochs or guard.failed_at_epoch is not None:
                raise
            if validate and stopper.best_weights is not None:
                model.set_weights(stopper.best_weights)
                kept = f"the weights of the best epoch ({stopper.best_epoch + 1})"
            elif recorder.last_weights is not None:
                model.set_weights(recorder.last_weights)
                kept = "the weights of the last completed epoch"
            else:  # interrupted while an epoch's weights were being copied
                raise
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) after "
                f"{recorder.n_epochs} completed epoch(s); {type(self).__name__} "
                f"keeps {kept} and is usable.",
                UserWarning,
                stacklevel=5,  # the caller of fit
            )
        finally:
            # Repeated fits must not grow the process (see _backend). The kernels
            # of a model trained in place (partial_fit) are reused: keep them.
            train.release()
            if validation is not None:
                validation.release()
            if new_model:
                release_kernel_cache()
        if guard.failed_at_epoch is not None:
            rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
            raise ValueError(
                f"The training loss became NaN or infinite in epoch "
                f"{guard.failed_at_epoch + 1}; training stopped and the estimator "
                f"was left unchanged. Try a lower learning_rate (now {rate:g}) or "
                "scale the inputs."
            )
        return recorder.history

    def _validation_split(self, y, rng):
        rows = np.arange(y.shape[0])
        seed = int(rng.randint(np.iinfo(np.int32).max))
        stratify = self._stratify_on(y)
        try:
            return train_test_split(
                rows,
                test_size=self.validation_fraction,
                random_state=seed,
                stratify=stratify,
            )
        except ValueError:
            if stratify is None:
                raise ValueError(
                    f"validation_fraction={self.validation_fraction} leaves no "
                    f"training or no validation sample out of {rows.size}; use more "
                    "samples or set early_stopping=False."
                ) from None
            return train_test_split(
                rows, test_size=self.validation_fraction, random_state=seed
            )

    def _stratify_on(self, y):
        return None

    def _sample_weight_from_classes(self, y):
        return None

    # ---------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike | BinaryIO) -> None:
        """Save the estimator to a file that loads without running any code.

        ``pickle`` and ``joblib`` work too, but loading a pickle executes
        whatever code the file asks for, so only trusted pickles are safe to
        load. The file written here holds JSON (the parameters and fitted
        attributes) and the network in Keras's ``.keras`` format;
        :func:`sknn_text.load` reads it back without executing code from it.

        Parameters
        ----------
        path : str, path-like or writable binary file object
            Where to write the file (a zip archive).

        Raises
        ------
        ValueError
            If a parameter cannot be stored as data, such as a list of Keras
            callbacks: set it to a plain value with ``set_params`` first.
            Optimizer instances are stored by their Keras config.

        See Also
        --------
        sknn_text.load : Load the file.

        Examples
        --------
        >>> import numpy as np, sknn_text
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 10)
        >>> clf = sknn_text.MLPTextClassifier((4,), epochs=2, random_state=0)
        >>> clf = clf.fit(X, [0, 1] * 10)
        >>> import io
        >>> buffer = io.BytesIO()
        >>> clf.save(buffer)
        >>> loaded = sknn_text.load(buffer)
        >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
        True
        """
        save_estimator(self, path)

    # -------------------------------------------------------------- predict
    def _forward(self, X):
        """Network outputs (float64) for ``X``, batch by batch."""
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        return predict_in_batches(
            self.model_,
            X,
            batch_size=_PREDICT_BATCH_SIZE,
            sparse=self._sparse_batches(),
            lengths=self._sequence_lengths(X),
        )

    def _sparse_batches(self):
        """Whether the network takes sparse mini-batches (fixed in ``fit``)."""
        return False

    def _size_hint(self):
        """What sets the size of the network, for an out-of-memory message."""
        return "fewer or smaller layers"

    def _sequence_lengths(self, X):
        """Per-row lengths of right-padded token ids, or None for other input."""
        return None
