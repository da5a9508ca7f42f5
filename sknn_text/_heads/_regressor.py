"""The regression task: standardized targets, one linear unit per output.

The network learns ``(y - mean) / std`` so that raw-scale targets (ratings from
1 to 10, prices) train as well as unit-scale ones; ``predict`` maps back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from keras import ops
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils import check_array

from .._loop.data import ndim_of
from .._typing import MatrixLike
from ._base import ConstantOutput, OutputSpec
from ._document import DocumentHead

if TYPE_CHECKING:
    from typing_extensions import Self


class RegressorHead(DocumentHead, RegressorMixin):
    """The regression task of a document network (first base of a regressor)."""

    _attribute_docs = ""
    _fitted_attributes = ("_target_is_1d", "_target_mean", "_target_scale")
    _task_summary = "``y`` may be 1-D or 2-D (several outputs)."
    _task_notes = """\
    The target is standardized per output column for training and mapped back in
    ``predict``, so raw-scale targets (ratings from 1 to 10) need no scaling."""

    def _encode_target(self, y, *, reset, classes=None, incremental=False):
        if (ndim_of(y) or 0) > 2:
            raise ValueError(
                f"y must be 1-D or 2-D, got an array of shape {np.asarray(y).shape}."
            )
        y = _check_numeric_target(y)
        columns = y.reshape(-1, 1) if y.ndim == 1 else y
        if reset:
            self._target_is_1d = y.ndim == 1
            self._target_mean = columns.mean(axis=0)
            scale = columns.std(axis=0)
            self._target_scale = np.where(scale > 0, scale, 1.0)
        elif columns.shape[1] != self._target_mean.shape[0]:
            raise ValueError(
                f"y has {columns.shape[1]} output(s) but the estimator was fitted "
                f"with {self._target_mean.shape[0]}."
            )
        encoded = ((columns - self._target_mean) / self._target_scale).astype(
            np.float32
        )
        return encoded, OutputSpec(encoded.shape[1], "linear", "mean_squared_error")

    def _constant_output(self, model, y, weights, rows):
        """The mean of the training rows of ``y`` (weighted), which a validated
        fit must beat on its validation rows."""
        weights = None if weights is None or not weights[rows].sum() > 0 else weights[rows]
        mean = np.average(y[rows], axis=0, weights=weights)
        return ConstantOutput(model.get_layer("output"), mean)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> Self:
        """Train for one epoch on ``X`` and ``y``, keeping optimizer state.

        The target scaling is fixed by the first call.

        Parameters
        ----------
        X : array-like or sparse matrix
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight, None)

    def predict(self, X: MatrixLike) -> np.ndarray:
        """Predicted targets for ``X``, in the original scale of ``y``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Inputs of the same kind as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when ``y`` was 1-D in ``fit``.
        """
        output = self._forward(X) * self._target_scale + self._target_mean
        return output.ravel() if self._target_is_1d else output

    #: Name of the output of an exported network (see ``export``).
    _serving_output_name = "predictions"

    def _serving_outputs(self, outputs):
        """``predict`` in Keras ops (float64, as ``predict``), on ``outputs``."""
        wide = ops.cast(outputs, "float64") * self._target_scale + self._target_mean
        return ops.squeeze(wide, axis=1) if self._target_is_1d else wide

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _check_numeric_target(y):
    """``y`` as float64, with an error naming the first non-numeric value."""
    try:
        return check_array(
            y, ensure_2d=False, dtype=np.float64, input_name="y", ensure_min_samples=1
        )
    except (TypeError, ValueError) as error:
        values = np.asarray(y, dtype=object)
        for position, value in np.ndenumerate(values):
            try:
                float(value)
            except (TypeError, ValueError):
                row = position[0] if position else 0
                raise ValueError(
                    f"A regressor needs a numeric target, but y holds {value!r} at "
                    f"row {row}."
                ) from error
        raise
