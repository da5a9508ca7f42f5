"""Pretrained Transformer encoders from keras-hub, under sknn_text's heads.

The network is two Keras models in one: the *encoder*, a keras-hub backbone
(BERT, DistilBERT, RoBERTa, DeBERTa-v3, ELECTRA...) loaded from a ``preset``
with its pretrained weights, followed by a pooling of its per-sub-word states
(one vector per document) or a gathering of each word's first sub-word (one
vector per word, for the tagger); and the *head*, the task's output layer on
those vectors (``_heads``). Texts are tokenized outside the network by the
preset's own tokenizer (``_hub``), which the fitted estimator keeps as data.

With ``freeze_backbone=True`` (the default) only the head trains: ``fit``
runs the encoder once over the training texts and trains the head on the
vectors it returned, so every epoch costs what a linear model on dense
features costs. With ``freeze_backbone=False`` the whole network is
fine-tuned. Either way ``model_`` is the whole network, which predicts from
packed sub-word ids, saves and pickles as one ``.keras`` model.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import ClassVar

import keras
import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._base import BaseTextNetwork
from .._docs import docstring
from .._heads._base import Encoding
from .._heads._classifier import ClassifierHead
from .._heads._regressor import RegressorHead
from .._layers import Seeds
from .._loop.data import predicted_batches, prediction_batches
from .._loop.optimizers import make_optimizer
from .._loop.schedule import BAG_OF_WORDS, WORD_ORDER
from .._params import estimator, parameters
from .._vocabulary import check_documents
from ._hub import (
    PADDING_MASK,
    Packing,
    load_backbone,
    load_tokenizer,
    pack_documents,
    tokenizer_from_state,
    tokenizer_state,
)
from ._hub_layers import BackboneInputs, SubWordPooling

#: Rows per batch when the encoder runs for predictions or cached features.
ENCODER_BATCH_SIZE = 64
#: Learning rates of ``learning_rate="auto"``: the head alone, and fine-tuning
#: (5e-5 is the largest of those BERT's authors tried for fine-tuning).
AUTO_LEARNING_RATES = {True: 1e-3, False: 5e-5}
_INPUT_NAMES = ("token_ids", "padding_mask", "segment_ids")


@parameters
class PretrainedNetwork(BaseTextNetwork):
    """A keras-hub backbone and a head (see the module docstring); subclasses
    say what the encoder hands the head (``_encoder_outputs``, ``_encode``)."""

    preset: str | None = None
    freeze_backbone: bool = True
    sequence_length: int = 128
    dropout: float = 0.1
    learning_rate: float | str = "auto"

    _network_name = "pretrained"
    _transient_attributes = ("_tokenizer",)
    _parameter_constraints: ClassVar[dict] = {
        "preset": [str, None],
        "freeze_backbone": ["boolean"],
        "sequence_length": [Interval(Integral, 2, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    }
    _parameter_docs: ClassVar[dict] = {
        "preset": (
            "str or None",
            """Required (None only lets the class be built without one, as
            scikit-learn's tools do). A keras-hub preset: a name (``"bert_base_en_uncased"``,
            ``"distil_bert_base_en_uncased"``, ``"roberta_base_en"``,
            ``"deberta_v3_base_en"``...), which keras-hub downloads on first
            use, or a folder written by ``save_to_preset``, for a machine
            without network access. Its backbone and tokenizer are read in
            ``fit``; the fitted estimator needs the preset no more.""",
        ),
        "freeze_backbone": (
            "bool",
            """Keep the pretrained weights and train only the head: ``fit``
            runs the backbone once over the training texts and trains the
            head on its outputs (seconds on a CPU). False fine-tunes the
            whole network (a GPU helps).""",
        ),
        "sequence_length": (
            "int",
            """Sub-words read per document, the start and end tokens
            (``[CLS]``, ``[SEP]``) included: a longer document keeps its first
            ``sequence_length - 2`` sub-words, as keras-hub's preprocessors
            truncate. At most the backbone's ``max_sequence_length`` (512 for
            BERT).""",
        ),
        "learning_rate": (
            'float or "auto"',
            """Learning rate of the optimizer. ``"auto"``: 1e-3 with
            ``freeze_backbone=True``, 5e-5 when fine-tuning.""",
        ),
    }
    _doc_wording: ClassVar[dict] = {
        "dropout_where": "on the encoder's output, before the head's output layer",
        "penalized": "the head's output kernel",
    }
    _attribute_docs = """\
    hidden_dim_ : int
        Width of the backbone's states (the vectors the head reads)."""
    _fitted_attributes = ("hidden_dim_", "_tokenizer_config", "_tokenizer_assets", "_packing")

    @property
    def _auto_budget(self):
        return BAG_OF_WORDS if self.freeze_backbone else WORD_ORDER

    # ------------------------------------------------------------------- X
    def _validate_X(self, X, *, reset):
        texts = check_documents(X)
        if reset:
            self._read_tokenizer()
        return pack_documents(self._live_tokenizer(), self._special(), texts, self.sequence_length)

    def _read_tokenizer(self):
        """The preset's tokenizer, kept as data (``_hub.tokenizer_state``)."""
        tokenizer, packing = load_tokenizer(self.preset, type(self).__name__)
        if self.sequence_length <= packing.room:
            raise ValueError(
                f"sequence_length={self.sequence_length} leaves no room for a sub-word "
                f"besides the {packing.room} start and end tokens."
            )
        self._tokenizer = tokenizer
        self._tokenizer_config, self._tokenizer_assets = tokenizer_state(tokenizer)
        self._packing = (packing.start, packing.end, packing.pad, packing.unknown)

    def _live_tokenizer(self):
        if getattr(self, "_tokenizer", None) is None:
            self._tokenizer = tokenizer_from_state(self._tokenizer_config, self._tokenizer_assets)
        return self._tokenizer

    def _special(self):
        start, end, pad, unknown = self._packing
        return Packing(tuple(start), tuple(end), int(pad), int(unknown))

    def _sequence_lengths(self, X):
        if X.dtype.kind in "iu":  # packed sub-word ids
            return X[:, :, PADDING_MASK].sum(axis=1)
        if X.ndim == 3:  # cached word states, the word mask last
            return (X[:, :, -1] > 0.5).sum(axis=1)
        return None

    # ------------------------------------------------------------- network
    def _build_network(self, spec, *, l2, seed):
        """The encoder (backbone + ``_encoder_outputs``), then the head on its
        outputs, each a nested ``keras.Model`` (``"encoder"``, ``"head"``)."""
        backbone = load_backbone(self.preset, type(self).__name__)
        longest = getattr(backbone, "max_sequence_length", None)
        if longest is not None and self.sequence_length > longest:
            raise ValueError(
                f"sequence_length={self.sequence_length} is more than the backbone of "
                f"{self.preset!r} reads (max_sequence_length={longest})."
            )
        names = backbone.input if isinstance(backbone.input, dict) else {}
        unknown = sorted(set(names) - set(_INPUT_NAMES))
        if not names or unknown:
            raise ValueError(
                f"The backbone of {self.preset!r} takes the inputs {sorted(names) or '?'}; "
                f"{type(self).__name__} feeds text encoders, which take "
                f"{list(_INPUT_NAMES)}."
            )
        packed = keras.Input((None, self._channels), dtype="int32", name="sub_words")
        ordered = [name for name in _INPUT_NAMES if name in names]
        parts = BackboneInputs(ordered, name="backbone_inputs")(packed)
        outputs = backbone(dict(zip(ordered, parts, strict=True)))
        states = outputs["sequence_output"] if isinstance(outputs, dict) else outputs
        encoder = keras.Model(packed, self._encoder_outputs(states, packed), name="encoder")
        self.hidden_dim_ = int(states.shape[-1])
        seeds = Seeds(seed)
        encoding = self._encode(seeds, l2=l2, per_step=self._per_step_outputs)
        head = keras.Model(
            encoding.inputs, self._build_head(encoding, spec, l2=l2, seeds=seeds), name="head"
        )
        return keras.Model(packed, head(encoder(packed)), name=self._network_name)

    def _new_model(self, spec, batch_size, rng, *, warm):
        if warm:
            model = keras.Model.from_config(self.model_.get_config())
            model.set_weights(self.model_.get_weights())
        else:
            l2 = self.alpha / (2.0 * batch_size)
            model = self._build_network(
                spec, l2=l2, seed=int(rng.randint(np.iinfo(np.int32).max))
            )
        model.get_layer("encoder").trainable = not self.freeze_backbone
        model.compile(
            optimizer=make_optimizer(self.optimizer, self._learning_rate()),
            loss=spec.loss,
            metrics=list(spec.metrics),
            jit_compile=False,
        )
        return model

    def _standardized(self, vectors):
        """``vectors`` scaled by the mean and variance of the training rows'
        (learned in ``fit``) when the backbone is frozen: the head's Adam then
        steps alike in every direction, whatever the scale of the backbone's
        states (some of BERT's are ten times the others)."""
        if not self.freeze_backbone:
            return vectors
        return keras.layers.Normalization(name="standardize")(vectors)

    def _learning_rate(self):
        if self.learning_rate == "auto":
            return AUTO_LEARNING_RATES[bool(self.freeze_backbone)]
        return self.learning_rate

    def _fit_epochs(self, model, X, y, weights, **kwargs):
        """With a frozen backbone, the head trains on the encoder's outputs,
        computed once (the head is a layer of ``model``, which it updates);
        a new head first learns their mean and variance (``standardize``)."""
        if not self.freeze_backbone:
            with warnings.catch_warnings():  # a backbone output the head does not read
                warnings.filterwarnings("ignore", "Gradients do not exist", UserWarning)
                return super()._fit_epochs(model, X, y, weights, **kwargs)
        head = model.get_layer("head")
        # The head's layers trained alone, with the whole network's optimizer
        # (whose variables are the head's: the encoder is frozen), so that its
        # state is saved with model_.
        trainer = keras.Model(head.input, head.output, name="head")
        config = keras.saving.deserialize_keras_object(model.get_compile_config())
        trainer.compile(**{**config, "optimizer": model.optimizer})
        features = self._encoded(model.get_layer("encoder"), X)
        if kwargs["new_model"] and not (self.warm_start and self._is_fitted()):
            head.get_layer("standardize").adapt(self._real_vectors(features))
        return super()._fit_epochs(trainer, features, y, weights, **kwargs)

    def _encoded(self, encoder, X, dtype=np.float32):
        """The outputs of ``encoder`` (or of the whole network) for packed ``X``,
        rows in order (per-word outputs padded with zeros to the width of ``X``)."""
        batches = prediction_batches(
            X, batch_size=ENCODER_BATCH_SIZE, lengths=self._sequence_lengths(X)
        )
        result = None
        for rows, outputs in predicted_batches(encoder, batches):
            if result is None:
                shape = (X.shape[0], *((X.shape[1],) if outputs.ndim == 3 else ()))
                result = np.zeros((*shape, outputs.shape[-1]), dtype=dtype)
            result[rows, : outputs.shape[1]] = outputs
        return result

    def _forward(self, X):
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        return self._encoded(self.model_, X, dtype=np.float64)

    def _size_hint(self):
        return "a smaller preset, or a shorter sequence_length"

    def export(self, path, format="onnx"):
        """Not available for the pretrained encoders yet: their tokenizer runs
        outside the network. Pickle or :meth:`save` them instead."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot be exported for serving yet; use save() or "
            "pickle."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


# ------------------------------------------------------------- documents
@parameters
class PretrainedDocumentNetwork(PretrainedNetwork):
    """One vector per document: the mean of its sub-words' states, or the
    state of its first sub-word."""

    pooling: str = "mean"

    _parameter_constraints: ClassVar[dict] = {"pooling": [StrOptions({"mean", "first"})]}
    _parameter_docs: ClassVar[dict] = {
        "pooling": (
            '{"mean", "first"}',
            """The document's vector, which the head reads and ``transform``
            returns: the mean of the backbone's final states over the real
            sub-words (start and end tokens included), or the state of the
            first one (``[CLS]``, ``<s>``), which keras-hub's own classifiers
            read.""",
        ),
    }
    _channels = 2

    def _encoder_outputs(self, states, packed):
        return SubWordPooling(self.pooling, name=f"{self.pooling}_pooling")([states, packed])

    def _encode(self, seeds, *, l2, per_step):
        inputs = keras.Input((self.hidden_dim_,), name="document_vectors")
        return Encoding(inputs, self._standardized(inputs), dropout=self.dropout)

    def _real_vectors(self, features):
        return features

    def transform(self, X):
        """One vector per document: the encoder's output (see ``pooling``).

        Sentence embeddings for another model (a ``LogisticRegression``, a
        nearest-neighbour search); with ``freeze_backbone=False`` they come
        from the fine-tuned encoder.

        Parameters
        ----------
        X : iterable of str
            Raw documents.

        Returns
        -------
        vectors : ndarray of shape (n_documents, hidden_dim_), dtype float32
        """
        check_is_fitted(self, "model_")
        return self._encoded(self.model_.get_layer("encoder"), self._validate_X(X, reset=False))


_DESCRIPTION = """A keras-hub Transformer encoder, pretrained on unlabelled
text, reads the sub-words of each document (tokenized by the preset's own
tokenizer); the mean of its final states (or the first token's, ``pooling``)
feeds the output layer. With ``freeze_backbone=True`` the encoder runs once
per ``fit`` and only the output layer trains; ``freeze_backbone=False``
fine-tunes it all. Needs keras-hub (``pip install "sknn_text[hub]"``). ``X``
is raw text."""
_NOTES = """The fitted estimator keeps the tokenizer's vocabulary and the
whole network, so it predicts, saves and loads without the preset. With
``freeze_backbone=False`` the backbone's own dropout draws from Keras's global
seed: call ``keras.utils.set_random_seed`` as well for repeatable fits."""
_EXAMPLE = """
>>> from sknn_text import {name}
>>> model = {name}(preset="bert_base_en_uncased")  # doctest: +SKIP
>>> model.fit(texts, {target}).predict(["a gorgeous, moving film"])  # doctest: +SKIP
"""


@estimator
class PretrainedTextClassifier(ClassifierHead, PretrainedDocumentNetwork):
    __doc__ = docstring(
        "Classifier on a pretrained Transformer encoder from keras-hub (BERT, RoBERTa...).",
        _DESCRIPTION,
        ClassifierHead,
        notes=_NOTES,
        examples=_EXAMPLE.format(name="PretrainedTextClassifier", target="labels"),
    )


@estimator
class PretrainedTextRegressor(RegressorHead, PretrainedDocumentNetwork):
    __doc__ = docstring(
        "Regressor on a pretrained Transformer encoder from keras-hub (BERT, RoBERTa...).",
        _DESCRIPTION,
        RegressorHead,
        notes=_NOTES,
        examples=_EXAMPLE.format(name="PretrainedTextRegressor", target="ratings"),
    )

    def _constant_output(self, model, y, weights, rows):
        head = model if model.name == "head" else model.get_layer("head")
        return super()._constant_output(head, y, weights, rows)
