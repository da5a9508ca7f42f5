"""The classification task: label encoding, class weights, ``predict_proba``.

* binary ``y``: one sigmoid unit, ``predict_proba`` returns two columns;
* multiclass ``y``: softmax over ``len(classes_)`` units;
* multilabel indicator ``y`` (2-D 0/1): one sigmoid unit per label.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from keras import ops
from numpy.typing import ArrayLike
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from .._params import parameters
from .._typing import MatrixLike
from ._base import OutputSpec
from ._document import DocumentHead

if TYPE_CHECKING:
    from typing_extensions import Self

_MULTILABEL = "multilabel-indicator"


@parameters
class ClassifierHead(DocumentHead, ClassifierMixin):
    """The classification task of a document network (first base of a classifier)."""

    class_weight: dict | str | None = None

    _doc_rank = 3

    _parameter_constraints: ClassVar[dict] = {
        "class_weight": [dict, StrOptions({"balanced"}), None]
    }
    _parameter_docs: ClassVar[dict] = {
        "class_weight": (
            'dict, "balanced" or None',
            """Weights of the classes, multiplied into the per-sample weights;
            "balanced" uses ``n_samples / (n_classes * np.bincount(y))``.""",
        ),
    }
    _attribute_docs = """\
    classes_ : ndarray of shape (n_classes,)
        Class labels (label indices for multilabel ``y``)."""
    _fitted_attributes = ("classes_", "_target_kind")
    _task_summary = (
        "Binary targets get one sigmoid unit, multiclass a softmax, multilabel "
        "indicator matrices one sigmoid per label."
    )

    def _encode_target(self, y, *, reset, classes=None, incremental=False):
        y = self._check_labels(y)
        kind = _MULTILABEL if y.ndim == 2 else type_of_target(y)
        found = np.arange(y.shape[1]) if kind == _MULTILABEL else np.unique(y)
        if reset:
            self.classes_ = self._initial_classes(found, classes, kind, incremental)
            self._target_kind = kind
        else:
            self._check_known_classes(found, kind, incremental)
        if self._target_kind == _MULTILABEL:
            encoded = y.astype(np.float32)
            spec = (encoded.shape[1], "sigmoid", "binary_crossentropy")
        elif len(self.classes_) == 2:
            encoded = (y == self.classes_[1]).astype(np.float32).reshape(-1, 1)
            spec = (1, "sigmoid", "binary_crossentropy")
        else:
            encoded = np.searchsorted(self.classes_, y).astype(np.int32)
            spec = (len(self.classes_), "softmax", "sparse_categorical_crossentropy")
        return encoded, OutputSpec(*spec, metrics=("accuracy",))

    @staticmethod
    def _check_labels(y):
        y = np.asarray(y) if not hasattr(y, "iloc") else y.to_numpy()
        if y.ndim > 2 or y.ndim == 0:
            raise ValueError(
                "y must be 1-D (class labels) or 2-D (a multilabel indicator "
                f"matrix), got an array of shape {y.shape}."
            )
        if y.dtype.kind == "O":
            _check_object_labels(y)
        if y.ndim == 2 and y.shape[1] > 1:
            if type_of_target(y) != _MULTILABEL:
                raise ValueError(
                    "2-D y must be a multilabel indicator matrix of 0/1 values; got "
                    f"target type {type_of_target(y)!r}."
                )
            return y
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return y

    def _initial_classes(self, found, classes, kind, incremental):
        if incremental:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            classes = np.unique(np.asarray(classes))
            if kind != _MULTILABEL:
                unknown = np.setdiff1d(found, classes)
                if unknown.size:
                    raise ValueError(
                        f"y contains labels {unknown.tolist()} that are not in "
                        f"classes={classes.tolist()}."
                    )
            found = classes
        if kind != _MULTILABEL and len(found) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contains only one class: {found[0]!r}."
            )
        return found

    def _check_known_classes(self, found, kind, incremental):
        if kind != self._target_kind and _MULTILABEL in (kind, self._target_kind):
            raise ValueError(
                f"y is {kind!r} but the estimator was fitted on {self._target_kind!r}."
            )
        if kind == _MULTILABEL:
            if len(found) != len(self.classes_):
                raise ValueError(
                    f"y has {len(found)} labels but the estimator was fitted with "
                    f"{len(self.classes_)}."
                )
            return
        if incremental:
            unknown = np.setdiff1d(found, self.classes_)
            if unknown.size:
                raise ValueError(
                    f"y contains new labels {unknown.tolist()} not seen on the first "
                    f"call to partial_fit (classes={self.classes_.tolist()})."
                )
        elif not np.array_equal(found, self.classes_):
            raise ValueError(
                "warm_start can only be used where y has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_.tolist()}, "
                f"y has {found.tolist()}."
            )

    def _sample_weight_from_classes(self, y):
        if self.class_weight is None:
            return None
        if self._target_kind == _MULTILABEL:
            raise ValueError("class_weight is not supported for multilabel y.")
        class_weight = (
            dict(self.class_weight)
            if isinstance(self.class_weight, dict)
            else self.class_weight
        )
        labels = column_or_1d(np.asarray(y))
        return compute_sample_weight(class_weight, labels)

    def _stratify_on(self, y):
        if self._target_kind == _MULTILABEL:
            return None
        return y.ravel()

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self,
        X: MatrixLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        classes: ArrayLike | None = None,
    ) -> Self:
        """Train for one epoch on ``X`` and ``y``, keeping optimizer state.

        Parameters
        ----------
        X : array-like or sparse matrix
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight, classes)

    def predict_proba(self, X: MatrixLike) -> np.ndarray:
        """Class probabilities for ``X``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Inputs of the same kind as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in the order of ``classes_``; for
            multilabel ``y``, the independent probability of each label.
        """
        return self._probabilities(self._forward(X), np)

    def _probabilities(self, outputs, xp):
        """The rule of ``predict_proba`` on the network's ``outputs``, written
        once for NumPy and Keras ops (``xp``): the complement column of one
        sigmoid unit, a softmax renormalized (float32 sums drift from 1),
        multilabel sigmoids as they are."""
        if self._target_kind == _MULTILABEL:
            return outputs
        if outputs.shape[-1] == 1:
            return xp.concatenate([1.0 - outputs, outputs], axis=1)
        return outputs / xp.sum(outputs, axis=1, keepdims=True)

    #: Name of the output of an exported network (see ``export``).
    _serving_output_name = "probabilities"

    def _serving_outputs(self, outputs):
        """``predict_proba`` in Keras ops, on the network's ``outputs``."""
        return self._probabilities(outputs, ops)

    def predict(self, X: MatrixLike) -> np.ndarray:
        """Predicted class labels for ``X``.

        Parameters
        ----------
        X : array-like or sparse matrix
            Inputs of the same kind as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels from ``classes_``, or a 0/1 indicator matrix for multilabel.
        """
        proba = self.predict_proba(X)
        if self._target_kind == _MULTILABEL:
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _check_object_labels(y):
    """Missing or mixed-type labels, named by row, before NumPy sorts them."""
    kinds = {}
    for row, label in enumerate(y.ravel()):
        if label is None or (isinstance(label, float) and math.isnan(label)):
            raise ValueError(
                f"y contains a missing label ({label!r}) at row {row}; drop or fill "
                "missing labels before fitting."
            )
        kind = "str" if isinstance(label, str) else "number"
        kinds.setdefault(kind, (row, label))
    if len(kinds) > 1:
        (row_a, a), (row_b, b) = kinds.values()
        raise TypeError(
            f"y mixes strings and numbers as labels (e.g. {a!r} at row {row_a} and "
            f"{b!r} at row {row_b}); use one type for every label."
        )
