"""The shared estimator base: ``fit``, ``partial_fit``, predictions, state.

A public estimator is composed of values (``_composition.compose``): a task
*head* (``_heads``: encodes ``y``, builds the output, decodes predictions), an
*encoder* (the architecture: embedding, recurrent or convolutional
layers...) and an *input kind* (``_architectures._inputs``: validates ``X``
and hands the encoder its first tensors). :class:`BaseTextNetwork`, under
them all, owns the public ``fit``, the mini-batches, the compiled model and
the guarantee that a failed fit leaves the estimator as it was; the epoch
loop itself is ``_loop.training.run_epochs``.

Fitted state is every instance attribute that is not a constructor parameter.
"""

from __future__ import annotations

import warnings
from numbers import Real
from typing import TYPE_CHECKING, ClassVar

import keras
import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
)

from ._backend import out_of_memory_errors, prepare_training, release_kernel_cache
from ._layers import Seeds
from ._loop.data import ArrayBatches, predict_in_batches
from ._loop.interrupts import deferred_interrupt
from ._loop.optimizers import make_optimizer
from ._loop.schedule import (
    BAG_OF_WORDS,
    cap_message,
    plan_epochs,
    user_stacklevel,
    validation_split,
)
from ._loop.state import state_restored_on_error
from ._loop.training import (
    NonFiniteLoss,
    TrainingParameters,
    check_callbacks,
    constant_message,
    interruption_message,
    run_epochs,
)
from ._params import parameters
from ._quiet import quiet_native_logs
from ._saving.persistable import PersistableNetwork
from ._typing import MatrixLike

if TYPE_CHECKING:
    from typing_extensions import Self

_PREDICT_BATCH_SIZE = 512
_AUTO_BATCH_SIZE = 200


@parameters
class BaseTextNetwork(PersistableNetwork, TrainingParameters, BaseEstimator):
    """Base class of the sknn_text networks; not meant to be used directly.

    Input kinds provide ``_validate_X``, encoders ``_encode`` (``Composed``);
    heads provide ``_encode_target`` and ``_build_head`` (and, for
    classification, ``_sample_weight_from_classes`` and ``_stratify_on``).
    """

    dropout: float = 0.0

    _doc_rank = 1
    _parameter_constraints: ClassVar[dict] = {
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }
    _parameter_docs: ClassVar[dict] = {
        "dropout": ("float", "Dropout rate, in [0, 1), $dropout_where."),
    }

    _attribute_docs = """\
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch metrics (``loss``, ``accuracy``, ``val_loss``...), accumulated
        over ``warm_start`` and ``partial_fit`` calls.
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        Number of features (columns, or time steps for sequences) seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` in fit was a DataFrame with string column names."""
    #: The sizes of ``epochs="auto"`` for this family (``_loop.schedule.AutoBudget``).
    _auto_budget = BAG_OF_WORDS
    _fitted_attributes = ("model_", "n_iter_", "history_", "n_features_in_", "feature_names_in_")
    #: Name of the keras.Model.
    _network_name = "network"
    #: The architecture of a composed estimator (``_composition.Encoder``).
    _encoder = None
    #: Whether the head forbids reading the positions after each one.
    _causal = False

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
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True.")
        mode = "partial" if self._is_fitted() else "fresh"
        return self._train(
            X, y, sample_weight, mode=mode, epochs=1, classes=classes, incremental=True
        )

    def _is_fitted(self):
        return hasattr(self, "model_")

    def _train(self, X, y, sample_weight, *, mode, epochs, classes=None, incremental=False):
        reset = mode == "fresh"
        in_place = mode == "partial"
        # Ctrl-C is read at safe points (see _loop.interrupts): after the model is
        # built, then between batches. The state is restored on any error.
        with (
            deferred_interrupt() as interrupted,
            state_restored_on_error(self, self.model_ if in_place else None),
        ):
            callbacks = check_callbacks(self.callbacks)
            X, y_encoded, spec = self._encode_data(
                X, y, reset=reset, classes=classes, incremental=incremental
            )
            weights = self._training_weights(X, y, sample_weight)
            rng = check_random_state(self.random_state)
            batch_size = self._resolve_batch_size(X.shape[0])
            schedule = plan_epochs(
                epochs,
                early_stopping=self.early_stopping and not incremental,
                n_samples=X.shape[0],
                batch_size=batch_size,
                validation_fraction=self.validation_fraction,
                n_iter_no_change=self.n_iter_no_change,
                tol=self.tol,
                budget=self._auto_budget,
                max_epochs=self.max_epochs,
            )
            if in_place:
                model = self.model_
            else:
                with quiet_native_logs():  # TensorFlow's first ops may log
                    model = self._new_model(spec, batch_size, rng, warm=mode == "warm")
            if interrupted():
                raise KeyboardInterrupt
            log = self._fit_epochs(
                model,
                X,
                y_encoded,
                weights,
                schedule=schedule,
                batch_size=batch_size,
                rng=rng,
                callbacks=callbacks,
                new_model=not in_place,
            )
            previous = {} if reset else self.history_
            self.history_ = {
                name: list(previous.get(name, [])) + values
                for name, values in log.history.items()
            }
            self.n_iter_ = (0 if reset else self.n_iter_) + log.n_epochs
            self.model_ = model
        if log.interrupted:
            # The estimator keeps what it learned, but the interrupt goes on: a
            # cross-validation, a grid search or compare must not score a
            # truncated fit.
            raise KeyboardInterrupt(interruption_message(type(self).__name__, log))
        if interrupted():  # pressed after the last batch: the fit is complete
            raise KeyboardInterrupt(
                f"Training was interrupted after its last batch; {type(self).__name__} "
                "is fitted."
            )
        # The warnings name the user's line, however the fit was reached.
        if log.constant:
            message = constant_message(type(self).__name__)
            warnings.warn(message, UserWarning, stacklevel=user_stacklevel())
        elif log.capped and schedule.validated:
            message = cap_message(type(self).__name__, epochs, schedule)
            warnings.warn(message, ConvergenceWarning, stacklevel=user_stacklevel())
        return self

    def _encode_data(self, X, y, *, reset, classes, incremental):
        """``(X, y_encoded, spec)`` for training: the architecture validates ``X``,
        the head encodes ``y``. A head that derives its targets from ``X`` (the
        language models) overrides this."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = self._validate_X(X, reset=reset)
        self._note_training_X(X, reset=reset)
        y_encoded, spec = self._encode_target(
            y, reset=reset, classes=classes, incremental=incremental
        )
        check_consistent_length(X, y_encoded)
        return X, y_encoded, spec

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

    # ------------------------------------------------------------- network
    def _new_model(self, spec, batch_size, rng, *, warm):
        if warm:
            model = keras.models.clone_model(self.model_)
            model.set_weights(self.model_.get_weights())
        else:
            # scikit-learn's MLP adds alpha / 2 * ||W||^2 / batch_size to the
            # mean batch loss; the SquaredL2(l2) penalty adds l2 * ||W||^2.
            l2 = self.alpha / (2.0 * batch_size)
            seed = int(rng.randint(np.iinfo(np.int32).max))
            try:
                model = self._build_network(spec, l2=l2, seed=seed)
            except out_of_memory_errors() as error:
                raise MemoryError(
                    f"{type(self).__name__} ran out of memory creating the weights "
                    f"of its network; make it smaller ({self._size_hint()})."
                ) from error
        model.compile(
            optimizer=make_optimizer(self.optimizer, self.learning_rate),
            loss=spec.loss,
            metrics=list(spec.metrics),
            jit_compile=False,
        )
        return model

    def _build_network(self, spec, *, l2, seed):
        """The uncompiled network: the architecture's encoder, then the head.

        Every initializer and dropout layer takes its seed from ``Seeds(seed)``,
        in the order the layers are built.
        """
        seeds = Seeds(seed)
        encoding = self._encode(seeds, l2=l2, per_step=self._per_step_outputs)
        outputs = self._build_head(encoding, spec, l2=l2, seeds=seeds)
        model = keras.Model(encoding.inputs, outputs, name=self._network_name)
        self._initialize_model(model)
        return model

    def _initialize_model(self, model):
        """Set weights that do not come from an initializer (pretrained vectors)."""

    # ---------------------------------------------------------------- epochs
    def _fit_epochs(self, model, X, y, weights, *, schedule, batch_size, rng, callbacks, new_model):
        """Train ``model`` in place on mini-batches of ``X``; return the EpochLog.

        A NaN or infinite loss raises ``ValueError``.
        """
        train_rows, val_rows = None, None
        if schedule.validated:
            seed = int(rng.randint(np.iinfo(np.int32).max))
            train_rows, val_rows = validation_split(
                y, self.validation_fraction, self._stratify_on(y), seed
            )
        # Both splits index X in place: the training matrix is never copied.
        sparse, lengths = self._sparse_batches(), self._sequence_lengths(X)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        train = ArrayBatches(
            X,
            y,
            weights,
            batch_size=batch_size,
            shuffle=True,
            seed=seed,
            sparse=sparse,
            lengths=lengths,
            rows=train_rows,
        )
        validation, constant, fitted = None, None, None
        if val_rows is not None:
            constant = self._constant_output(model, y, weights, train_rows)

            def batches(rows):
                return ArrayBatches(
                    X,
                    y,
                    weights,
                    batch_size=max(batch_size, _PREDICT_BATCH_SIZE),
                    sparse=sparse,
                    lengths=lengths,
                    rows=rows,
                )

            validation = batches(val_rows)
            if constant is not None:  # the bias is refitted on the training rows
                fitted = batches(train_rows)
        try:
            prepare_training(model, train[0])
            return run_epochs(
                model,
                train,
                validation,
                schedule,
                callbacks=callbacks,
                verbose=self.verbose,
                name=type(self).__name__,
                constant=constant,
                fitted=fitted,
            )
        except NonFiniteLoss as error:
            rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
            raise ValueError(
                f"The training loss became NaN or infinite in epoch {error.epoch}; "
                "training stopped and the estimator was left unchanged. Try a lower "
                f"learning_rate (now {rate:g}) or scale the inputs."
            ) from None
        finally:
            # Repeated fits must not grow the process (see _backend). The kernels
            # of a model trained in place (partial_fit) are reused: keep them.
            if new_model:
                release_kernel_cache()

    def _constant_output(self, model, y, weights, rows):
        """The constant prediction a validated fit must beat (a
        ``_heads.ConstantOutput``), or None; see ``RegressorHead``."""
        return None

    def _stratify_on(self, y):
        return None

    def _sample_weight_from_classes(self, y):
        return None

    # -------------------------------------------------------------- predict
    def _forward(self, X):
        """Network outputs (float64) for ``X``, batch by batch."""
        check_is_fitted(self, "model_")
        X = self._prediction_X(self._validate_X(X, reset=False))
        return predict_in_batches(
            self.model_,
            X,
            batch_size=_PREDICT_BATCH_SIZE,
            sparse=self._sparse_batches(),
            lengths=self._sequence_lengths(X),
        )

    def _note_training_X(self, X, *, reset):
        """Record what prediction must know of the validated training ``X``."""

    def _prediction_X(self, X):
        """The validated ``X`` as the network reads it in ``predict``."""
        return X

    def _sparse_batches(self):
        """Whether the network takes sparse mini-batches (fixed in ``fit``)."""
        return False

    def _size_hint(self):
        """What sets the size of the network, for an out-of-memory message."""
        return "fewer or smaller layers"

    def _sequence_lengths(self, X):
        """Per-row lengths of right-padded token ids, or None for other input."""
        return None
