"""Fine-tuning a language model: the ``pretrained`` parameter (ULMFiT).

Dai & Le (2015) and Howard & Ruder (2018, ULMFiT): a language model fitted on
unlabelled text starts a classifier, regressor or tagger of the same
architecture. ``_composition.compose`` gives :class:`Pretrained` to every
estimator whose encoder declares a ``Pretraining`` (its head is not a
language model's). When a fit builds a new network (not a ``warm_start`` or
``partial_fit`` continuation), ``pretrained=lm`` means:

* sizes: the parameters of ``Pretraining.sizes`` (``units``; a Transformer's
  blocks and widths) and the embedding width are the language model's;
* embedding: token ids must be the language model's own, as
  ``lm.tokenizer()`` numbers them (id ``i`` is ``lm.vocabulary_[i]``); the
  embedding starts as the language model's whole matrix. A tagger looks its
  words up in the language model's vocabulary instead (lower-cased with
  ``lowercase=True``, the most frequent spelling first);
* encoder: every layer of ``Pretraining.layers`` starts from the language
  model's, weight for weight. Inputs that the language model did not have (a
  tagger's token features, the backward half of a bidirectional layer below)
  get zero input weights, so the network starts computing what the language
  model computed; a bidirectional layer's forward half is the language
  model's layer, its backward half starts from scratch; position embeddings
  take the language model's first positions (further ones start at random).
  A Transformer's blocks read both directions once fine-tuned (no causal mask).

Gradual unfreezing (``gradual_unfreezing=k``): gradient gates
(``_layers.GradientGate``) sit on the embedded input and on the output of
every encoder layer. During the first ``k`` epochs only the layers above the
encoder (the head) train; every further ``k`` epochs the next encoder layer
down is unfrozen; the embeddings come last. Epochs count from the fit that
took the weights (``warm_start`` and ``partial_fit`` go on counting).
"""

from __future__ import annotations

import dataclasses
import itertools
from numbers import Integral
from typing import ClassVar

import keras
import numpy as np
from keras import layers
from sklearn.utils._param_validation import Interval

from ._layers import GradientGate, PositionEmbedding
from ._params import parameters
from ._text_stream import END_ID, SPECIAL_TOKENS
from .embeddings import WordVectors

#: Share of the tokens of ``X`` above which id ``END_ID`` (``<eos>``, which a
#: language model's own tokenizer gives only to a literal "<eos>") shows that
#: the ids come from another vocabulary, where 2 is the most frequent word.
_END_SHARE = 0.01


@parameters
class Pretrained:
    """The ``pretrained`` and ``gradual_unfreezing`` parameters (see the module)."""

    pretrained: object = None
    gradual_unfreezing: int = 0

    _doc_rank = 1
    _parameter_constraints: ClassVar[dict] = {
        "pretrained": "no_validation",
        "gradual_unfreezing": [Interval(Integral, 0, None, closed="left")],
    }
    _parameter_docs: ClassVar[dict] = {
        "pretrained": (
            "fitted language model or None",
            """A fitted language model of the same architecture (an
            ``LSTMLanguageModel`` for an LSTM estimator...) to start from
            (ULMFiT): its embedding and its layers, and their sizes, which
            replace this estimator's (``units``, ``embedding_dim``...). Token
            ids must be the language model's: put ``pretrained.tokenizer()``
            in front. ``clone`` and ``GridSearchCV`` share the language model,
            which fitting only reads; pickles and saved files hold a copy. See
            the user guide, "Pretraining on your own texts".""",
        ),
        "gradual_unfreezing": (
            "int",
            """With ``pretrained``: train only the layers above the encoder
            for this many epochs, then unfreeze one more encoder layer,
            from the top down, every this many epochs, the embeddings last
            (ULMFiT's gradual unfreezing uses 1). 0 trains every layer from
            the start. ``freeze_embeddings=True`` keeps the embeddings frozen
            throughout.""",
        ),
    }

    # --------------------------------------------------------------- checks
    def _validate_X(self, X, *, reset):
        if reset and self.pretrained is not None:
            self._check_pretrained()
        X = super()._validate_X(X, reset=reset)
        if reset and self.pretrained is not None and getattr(self, "_n_channels", None):
            raise ValueError(
                f"{type(self).__name__} got a pretrained language model but numeric "
                "(float) input; it applies to token ids from pretrained.tokenizer()."
            )
        return X

    def _check_pretrained(self):
        name, lm = type(self).__name__, self.pretrained
        if getattr(lm, "_causal", False) is not True or not hasattr(lm, "generate"):
            raise TypeError(
                f"pretrained must be a fitted language model of {name}'s architecture "
                f"or None, got {type(lm).__name__}."
            )
        if lm._encoder is not self._encoder:
            raise ValueError(
                f"pretrained is a {type(lm).__name__} ({lm._encoder.name!r} layers), "
                f"but {name} has {self._encoder.name!r} layers: pretrain a language "
                "model of the same architecture."
            )
        if not hasattr(lm, "model_"):
            raise ValueError(
                f"pretrained {type(lm).__name__} is not fitted: fit it on your "
                "unlabelled texts first."
            )
        if self.embeddings is not None:
            raise ValueError(
                "Give pretrained or embeddings, not both: a pretrained language "
                "model brings its own embedding."
            )

    def _pretrained_size(self, X):
        """Token ids (SequenceInput): those of ``pretrained``, checked."""
        if self.pretrained is None:
            return super()._pretrained_size(X)
        lm, name = self.pretrained, type(self).__name__
        size, fix = len(lm.vocabulary_), f"make_pipeline(lm.tokenizer(), {name}(pretrained=lm))"
        if X.max(initial=0) >= size:
            raise ValueError(
                f"X contains the token id {int(X.max())}, but the pretrained "
                f"{type(lm).__name__} knows ids 0 to {size - 1}: the ids come from "
                f"another tokenizer. Use the language model's own: {fix}."
            )
        tokens = X[X > 0]
        share = float(np.mean(tokens == END_ID)) if tokens.size else 0.0
        if share > _END_SHARE:
            raise ValueError(
                f"{share:.0%} of the tokens of X have the id {END_ID}, which is "
                f"'<eos>' for the pretrained {type(lm).__name__}: the ids come from "
                "a tokenizer with another vocabulary (a TextTokenizer numbers its "
                f"most frequent word {END_ID}). Use the language model's own: {fix}."
            )
        return size

    # ---------------------------------------------------------- the network
    def _encoder_values(self):
        values = super()._encoder_values()
        if self.pretrained is not None:
            sizes = self._encoder.pretraining.sizes
            values.update({name: getattr(self.pretrained, name) for name in sizes})
        return values

    def _source(self, seeds):
        source = super()._source(seeds)
        if self.pretrained is None or not self.gradual_unfreezing:
            return source
        count = itertools.count()
        return dataclasses.replace(
            source, gate=lambda x: GradientGate(name=f"unfreeze_{next(count)}")(x)
        )

    def _embedding_weights(self):
        """Token ids (SequenceInput): the language model's embedding matrix."""
        if self.pretrained is None or self._vocabulary_size is None:
            return super()._embedding_weights()
        return _embedding_matrix(self.pretrained)

    def _word_vectors(self):
        """A tagger's words (TokenInput): the language model's embedding rows."""
        if self.pretrained is None:
            return super()._word_vectors()
        lm = self.pretrained
        if lm.level != "word":
            raise ValueError(
                f"{type(self).__name__} reads words, but the pretrained "
                f"{type(lm).__name__} has level={lm.level!r}: pretrain it with "
                "level='word'."
            )
        matrix, words, rows = _embedding_matrix(lm), {}, []
        for row, token in enumerate(lm.vocabulary_):
            word = token.lower() if self.lowercase else token
            if row >= len(SPECIAL_TOKENS) and word not in words:
                words[word] = len(rows)
                rows.append(row)
        return WordVectors(list(words), matrix[rows])

    def _initialize_model(self, model):
        super()._initialize_model(model)
        if self.pretrained is not None:
            _transfer(self._encoder.pretraining, self.pretrained.model_, model)

    # -------------------------------------------------------------- training
    def _train(self, X, y, sample_weight, *, mode, epochs, classes=None, incremental=False):
        # Gradual unfreezing counts the epochs since the weights were taken.
        self._epochs_before = 0 if mode == "fresh" else getattr(self, "n_iter_", 0)
        try:
            return super()._train(
                X, y, sample_weight, mode=mode, epochs=epochs, classes=classes,
                incremental=incremental,
            )
        finally:
            vars(self).pop("_epochs_before", None)

    def _fit_epochs(self, model, X, y, weights, *, schedule, batch_size, rng, callbacks,
                    new_model):
        gates = [layer for layer in model.layers if isinstance(layer, GradientGate)]
        if gates and self.gradual_unfreezing:
            unfreezing = _Unfreezing(gates, self.gradual_unfreezing, self._epochs_before)
            callbacks = [unfreezing, *callbacks]
        try:
            return super()._fit_epochs(
                model, X, y, weights, schedule=schedule, batch_size=batch_size, rng=rng,
                callbacks=callbacks, new_model=new_model,
            )
        finally:
            for gate in gates:  # a best epoch restored may have closed some
                gate.open.assign(1.0)

    def __sklearn_clone__(self):
        """A clone shares the fitted language model (fitting only reads it)."""
        if self.pretrained is None:
            return super().__sklearn_clone__()
        shallow = object.__new__(type(self))  # its parameters, without the weights
        kept = ("_metadata_request", "_sklearn_output_config")
        vars(shallow).update({k: v for k, v in vars(self).items() if k in kept})
        vars(shallow).update(self.get_params(deep=False))
        shallow.pretrained = _Shared(self.pretrained)
        return super(Pretrained, shallow).__sklearn_clone__()


class _Shared:
    """What ``clone`` turns into the object itself, not an unfitted copy."""

    def __init__(self, value):
        self.value = value

    def __sklearn_clone__(self):
        return self.value


class _Unfreezing(keras.callbacks.Callback):
    """Opens the gradient gates from the top down, one every ``every`` epochs."""

    def __init__(self, gates, every, epochs_before):
        super().__init__()
        self.gates, self.every, self.epochs_before = gates, every, epochs_before

    def on_epoch_begin(self, epoch, logs=None):
        stage = (self.epochs_before + epoch) // self.every
        for depth, gate in enumerate(reversed(self.gates)):
            gate.open.assign(1.0 if depth < stage else 0.0)


def _embedding_matrix(lm):
    return keras.ops.convert_to_numpy(lm.model_.get_layer("embedding").embeddings)


def _transfer(pretraining, source_model, model):
    """The language model's encoder weights into ``model`` (see the module)."""
    for source, target in zip(
        pretraining.layers(source_model), pretraining.layers(model), strict=True
    ):
        if isinstance(target, layers.Bidirectional) and not isinstance(
            source, layers.Bidirectional
        ):
            target = target.forward_layer
        positions = isinstance(target, PositionEmbedding)
        target.set_weights([
            _fitted(value, old, positions=positions)
            for value, old in zip(source.get_weights(), target.get_weights(), strict=True)
        ])
    projection = {layer.name: layer for layer in model.layers}.get("projection")
    if projection is not None:  # a Transformer tagger: words pass through as they are
        kernel, bias = projection.get_weights()
        kernel[:] = np.eye(*kernel.shape, dtype=kernel.dtype)
        projection.set_weights([kernel, np.zeros_like(bias)])


def _fitted(value, old, *, positions):
    """``value`` (a language model's weight) in the shape of ``old``."""
    if value.shape == old.shape:
        return value
    if positions:
        new = old.copy()
        n = min(len(value), len(old))
        new[:n] = value[:n]
        return new
    if value.ndim == old.ndim and value.shape[1:] == old.shape[1:] and len(old) > len(value):
        new = np.zeros_like(old)  # inputs the language model lacked start at zero
        new[: len(value)] = value
        return new
    raise ValueError(
        f"A weight of shape {value.shape} in the pretrained language model does "
        f"not fit the shape {old.shape}."
    )
