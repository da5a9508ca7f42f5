"""The compression task: an autoencoder learns a small dense code per document.

The network reads a document-feature matrix (TF-IDF), squeezes each row through
a layer of ``n_components`` units (the code) and reconstructs the row from it;
``fit(X)`` needs no ``y``. ``transform`` returns the codes, ``inverse_transform``
maps codes back to the feature space, as scikit-learn's ``TruncatedSVD`` does.

Rows are compared by their direction, not their length: every row is scaled to
unit L2 norm before it is encoded (what ``TfidfVectorizer``'s ``norm="l2"``
already does), and a reconstruction is a unit-norm row. The reconstruction
loss (``loss``) is one of

* ``"multinomial"``: a softmax over the features, with the cross-entropy to the
  row's share of its total weight (the row read as a distribution over words);
* ``"mse"``: the squared error to the unit-norm row, summed over the features
  (a linear decoder and a linear code then learn what LSA finds, a best
  rank-``n_components`` subspace);
* ``"cosine"``: one minus the cosine similarity to the row.
"""

from __future__ import annotations

import dataclasses
from numbers import Integral
from typing import TYPE_CHECKING, ClassVar

import keras
import numpy as np
import scipy.sparse as sp
from keras import layers
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.preprocessing import normalize
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from .._layers import SquaredL2
from .._loop.data import predict_in_batches
from .._params import parameters
from ._base import OutputSpec

if TYPE_CHECKING:
    from typing_extensions import Self



@keras.saving.register_keras_serializable(package="sknn_text")
def squared_distance(y_true, y_pred):
    """``||y_true - y_pred||^2`` per row: the squared error summed over the
    features. Keras's mean squared error divides it by their number, which put
    the loss of a 20,000-feature TF-IDF near ``1e-4`` and under ``tol``."""
    return keras.ops.sum(keras.ops.square(y_true - y_pred), axis=-1)


#: ``loss`` -> (activation of the reconstruction, Keras loss).
LOSSES = {
    "multinomial": ("softmax", "categorical_crossentropy"),
    "mse": ("linear", squared_distance),
    "cosine": ("linear", "cosine_similarity"),
}
#: Activations of the code, named as in scikit-learn's MLP, and their Keras names.
CODE_ACTIVATIONS = {"identity": "linear", "tanh": "tanh", "relu": "relu", "logistic": "sigmoid"}
_BATCH = 512


class ReconstructionTargets:
    """The training targets of the rows of ``X``, made one batch at a time.

    ``X`` (unit-norm rows, CSR or dense) is never densified as a whole: a batch
    of targets is its rows, dense, as shares of their total (``"multinomial"``)
    or as they are. Indexable by row indices, as ``ArrayBatches`` reads ``y``.
    """

    def __init__(self, X, loss):
        self.X, self.loss = X, loss
        self.shape = X.shape

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, rows):
        chunk = self.X[rows]
        chunk = chunk.toarray() if sp.issparse(chunk) else np.asarray(chunk)
        chunk = chunk.astype(np.float32)
        if self.loss == "multinomial":
            totals = chunk.sum(axis=1, keepdims=True)
            chunk /= np.where(totals > 0, totals, 1.0)
        return chunk


@parameters
class AutoencoderHead(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """The compression task of a feature-matrix network (first base of an autoencoder)."""

    n_components: int = dataclasses.field(default=100, kw_only=False)
    code_activation: str = "identity"
    loss: str = "multinomial"

    _doc_rank = -1  # the size of the code comes first
    _per_step_outputs = False
    _network_suffix = "_autoencoder"
    _parameter_constraints: ClassVar[dict] = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "code_activation": [StrOptions(set(CODE_ACTIVATIONS))],
        "loss": [StrOptions(set(LOSSES))],
    }
    _parameter_docs: ClassVar[dict] = {
        "n_components": (
            "int",
            """Size of the code: the number of columns ``transform`` returns.
            A code wider than ``X`` is allowed but compresses nothing.""",
        ),
        "code_activation": (
            '{"identity", "tanh", "relu", "logistic"}',
            """Activation of the code layer. ``"identity"`` gives a linear
            code, as LSA's.""",
        ),
        "loss": (
            '{"multinomial", "mse", "cosine"}',
            """How a reconstruction is scored against its unit-norm row:
            ``"multinomial"``, a softmax over the features and the
            cross-entropy to the row's share of its total weight;
            ``"mse"``, the squared distance (summed over the features);
            ``"cosine"``, the cosine distance. See the user guide, "Compressing documents".""",
        ),
    }
    _attribute_docs = """\
    components_ : ndarray of shape (n_components, n_features_in_)
        The decoder's weights: row ``k`` is what code unit ``k`` adds to the
        reconstruction's logits (``"multinomial"``) or to the reconstruction.
    reconstruction_scale_ : float
        Length of the reconstructions of ``inverse_transform`` for the losses
        that learn a direction only (``"multinomial"``, ``"cosine"``): the
        least-squares factor on the training rows, their mean cosine similarity
        to their reconstruction; 1.0 for ``"mse"``."""
    _fitted_attributes = ("reconstruction_scale_",)
    _task_summary = "It is trained on ``X`` alone (no ``y``) to reconstruct each row."

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> Self:
        """Train the autoencoder to reconstruct the rows of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training documents as features (TF-IDF, counts), dense or CSR.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted autoencoder.
        """
        mode = "warm" if self.warm_start and self._is_fitted() else "fresh"
        return self._train(X, None, None, mode=mode, epochs=self.epochs)

    def _encode_data(self, X, y, *, reset, classes, incremental):
        X = self._unit_rows(self._validate_X(X, reset=reset))
        activation, loss = LOSSES[self.loss]
        spec = OutputSpec(X.shape[1], activation, loss)
        return X, ReconstructionTargets(X, self.loss), spec

    @staticmethod
    def _unit_rows(X):
        """``X`` with every non-zero row scaled to unit L2 norm (a copy)."""
        return normalize(X, norm="l2", copy=True).astype(np.float32, copy=False)

    def _prediction_X(self, X):
        return self._unit_rows(X)

    def _build_head(self, encoding, spec, *, l2, seeds):
        """The code, then the reconstruction (``(batch, n_features)``)."""
        regularizer = SquaredL2(l2) if l2 > 0 else None
        code = encoding.output_layer(
            self.n_components,
            activation=CODE_ACTIVATIONS[self.code_activation],
            kernel_initializer=seeds.glorot(),
            kernel_regularizer=regularizer,
            name="code",
        )(encoding.outputs)
        if encoding.dropout > 0:
            code = layers.Dropout(encoding.dropout, seed=seeds())(code)
        return layers.Dense(
            spec.n_outputs,
            activation=spec.activation,
            kernel_initializer=seeds.glorot(),
            kernel_regularizer=regularizer,
            name="reconstruction",
        )(code)

    # ------------------------------------------------------------ transform
    def transform(self, X) -> np.ndarray:
        """The code of each row of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Documents as features, of the kind seen in ``fit``.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self, "model_")
        X = self._prediction_X(self._validate_X(X, reset=False))
        code = self.model_.get_layer("code").output
        encoder = keras.Model(self.model_.inputs, code, name="encoder")
        return predict_in_batches(encoder, X, batch_size=_BATCH, sparse=self._sparse_batches())

    def inverse_transform(self, X) -> np.ndarray:
        """Map codes back to the feature space: the reconstructed rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, as ``transform`` returns them.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            Reconstructions of the unit-norm rows: the decoder's output
            (``loss="mse"``), or its direction, scaled by
            ``reconstruction_scale_`` (``"multinomial"``, ``"cosine"``).
        """
        check_is_fitted(self, "model_")
        codes = check_array(X, dtype=np.float64, input_name="X")
        if codes.shape[1] != self.n_components:
            raise ValueError(
                f"X has {codes.shape[1]} columns, but {type(self).__name__} makes "
                f"codes of n_components={self.n_components} columns."
            )
        decoder = self.model_.get_layer("reconstruction")
        return np.concatenate([
            self._reconstructed(decoder, codes[start : start + _BATCH])
            for start in range(0, codes.shape[0], _BATCH)
        ])

    def _reconstructed(self, decoder, codes, scale=None):
        """The reconstructions of ``codes`` by the layer ``decoder`` (float64)."""
        kernel, bias = (weights.astype(np.float64) for weights in decoder.get_weights())
        out = codes @ kernel + bias
        if self.loss == "mse":
            return out
        if self.loss == "multinomial":  # softmax, up to a factor that normalize drops
            out = np.exp(out - out.max(axis=1, keepdims=True))
        scale = self.reconstruction_scale_ if scale is None else scale
        return scale * normalize(out, norm="l2")

    def _fit_epochs(self, model, X, y, weights, **kwargs):
        """Train, then fit ``reconstruction_scale_`` on the training rows."""
        log = super()._fit_epochs(model, X, y, weights, **kwargs)
        # The least-squares factor of unit-norm directions u_i against unit-norm
        # rows x_i: the mean of x_i . u_i, their mean cosine similarity.
        self.reconstruction_scale_ = 1.0
        if self.loss != "mse":
            code = keras.Model(model.inputs, model.get_layer("code").output)
            codes = predict_in_batches(code, X, batch_size=_BATCH, sparse=self._sparse_batches())
            decoder = model.get_layer("reconstruction")
            dots = [
                np.asarray(
                    sp.csr_matrix(X[start : start + _BATCH])
                    .multiply(self._reconstructed(decoder, codes[start : start + _BATCH], 1.0))
                    .sum(axis=1)
                ).ravel()
                for start in range(0, X.shape[0], _BATCH)
            ]
            self.reconstruction_scale_ = float(np.mean(np.concatenate(dots)))
        return log

    @property
    def components_(self):
        check_is_fitted(self, "model_")
        kernel = self.model_.get_layer("reconstruction").get_weights()[0]
        return kernel.astype(np.float64)

    @property
    def _n_features_out(self):
        return self.n_components

    def export(self, path, format="onnx"):
        """Not available for an autoencoder: keep it with ``save`` (see
        :func:`sknn_text.save`)."""
        raise TypeError(
            f"{type(self).__name__} cannot be exported; save it with save() instead."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
