"""Estimators composed of values: an encoder, an input and a task head.

An estimator is three things, each written once:

* an :class:`Encoder`: an architecture (LSTM, CNN, Transformer...). It
  declares its parameters (:class:`Parameter`) and builds, from a
  :class:`Source`, the layers that turn embedded tokens (or features) into an
  ``Encoding``: one vector per position, or per document where it summarizes;
* an input kind: a ``BaseTextNetwork`` subclass that validates ``X`` and
  hands the encoder its first tensor as a :class:`Source` (``SequenceInput``
  for token ids and series, ``TokenInput`` for a tagger's sentences,
  ``FeatureInput`` for TF-IDF; a language model's head brings its own);
* a task head (``_heads``): it encodes ``y``, builds the output on the
  encoding and decodes predictions.

:func:`compose` joins them into the public class. A new task is a new head and
a new architecture a new encoder: neither knows the other, and the
parameters an encoder declares appear on every estimator built with it, with
the defaults each composition chooses. A parameter that only means something
for one kind of head (pooling for document heads, reading backwards for
heads that may see the future) is left out of the others
(:attr:`Parameter.needs`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._params import estimator
from ._pretraining import Pretrained

#: What a :attr:`Parameter.needs` of a head: ``"document"``, a head that reads
#: one vector per document; ``"future"``, a head that may read the tokens after
#: a position (every head but a language model's).
NEEDS = ("document", "future")


@dataclass(frozen=True)
class Parameter:
    """One constructor parameter of an encoder.

    Attributes
    ----------
    default : object
        Its default; a composition may choose another.
    constraint : list
        scikit-learn's parameter constraints (``_parameter_constraints``).
    kind, doc : str
        Its type and description in the Parameters section of a docstring;
        ``doc`` may hold ``$placeholders`` (see ``_docs``).
    needs : {None, "document", "future"}
        Leave the parameter out of estimators whose head lacks it: pooling
        needs a document head, reading backwards a head that may see the
        future (not a language model's).
    positional : bool
        Accept it as the first positional argument (``hidden_layer_sizes``),
        unless the head has a positional parameter of its own.
    """

    default: Any
    constraint: list
    kind: str
    doc: str
    needs: str | None = None
    positional: bool = False


@dataclass(frozen=True)
class Source:
    """What an input kind hands to an encoder: the network's first tensors.

    Attributes
    ----------
    inputs : keras.KerasTensor
        The model's input.
    x : keras.KerasTensor
        Its first tensor: embedded tokens (masked), numeric steps, or features.
    kind : {"token_ids", "series", "tokens", "features"}
        Token ids (embedded), numeric series (one vector per step), a
        tagger's tokens (word and feature embeddings concatenated), or one
        feature vector per document.
    length : int or None
        Positions the network reads at most (position embeddings), or the
        fixed length of numeric series; None for features.
    mask_layer : type or None
        Layer that computes, from ``inputs``, which positions are real, for an
        encoder whose layers do not carry Keras's mask (convolutions).
    embedding : keras.layers.Layer or None
        The token embedding, for a head that ties its output to it.
    sparse : bool
        Features arrive as a sparse matrix.
    gate : callable or None
        Set when layers pretrained by a language model are unfrozen one at a
        time (``gradual_unfreezing``): an encoder that can be pretrained
        passes its embedded input and the output of each of its layers through
        :meth:`gated`.
    """

    inputs: Any
    x: Any
    kind: str
    length: int | None = None
    mask_layer: type | None = None
    embedding: Any = None
    sparse: bool = False
    gate: Callable | None = None

    def padding_mask(self):
        """Which positions of ``inputs`` are real: ``(batch, steps)`` booleans."""
        return self.mask_layer(name="padding_mask")(self.inputs)

    def gated(self, x):
        """``x`` through the next gradient gate (see ``gate``), or ``x`` itself."""
        return x if self.gate is None else self.gate(x)


@dataclass(frozen=True)
class Pretraining:
    """How a language model of an encoder starts the encoder's other estimators.

    Attributes
    ----------
    layers : callable
        ``layers(model)``: the encoder's layers in a built model, first to
        last. A language model's and another head's list the same layers, in
        the same order, for the same sizes.
    sizes : tuple of str
        The parameters that set the shapes of those layers' weights: an
        estimator started from a language model takes their values from it.
    """

    layers: Callable
    sizes: tuple = ()


@dataclass(frozen=True)
class Encoder:
    """An architecture: its parameters and the function that builds it.

    Attributes
    ----------
    name : str
        Name of the Keras model (a head may add to it: ``lstm_tagger``).
    build : callable
        ``build(source, *, per_step, causal, l2, seeds, **settings)`` returns
        an ``Encoding``: ``per_step`` asks for one vector per position (a
        tagger or language model), ``causal`` forbids reading later positions,
        ``l2`` is the penalty factor for kernels the encoder penalizes, and
        ``settings`` holds the estimator's values of ``parameters`` and
        ``reads``.
    parameters : dict of str to Parameter
        The parameters it declares.
    reads : tuple of str
        Parameters declared elsewhere (the input's ``embedding_dim``, the
        base's ``dropout``) that ``build`` reads too.
    wording : dict of str to str
        Docstring wording (``$dropout_where``...); ``{output}`` in it becomes
        the head's name for its output (``the tag scores``).
    auto_budget : AutoBudget or None
        The sizes of ``epochs="auto"``, if not the input's.
    bounded_length : bool
        Whether the network reads at most ``source.length`` positions
        (position embeddings): longer sentences are read in windows.
    stepping : callable or None
        ``stepping(estimator)``: a language model's next-token function that
        carries the encoder's state (one step per generated token); None
        re-reads the window for every token.
    size_hint : callable or None
        ``size_hint(estimator, hint)``: what makes the network large, for an
        out-of-memory message, given the input's ``hint``.
    pretraining : Pretraining or None
        Set when a language model of this encoder can start its classifiers,
        regressors and taggers (their ``pretrained`` parameter).
    """

    name: str
    build: Callable
    parameters: dict = field(default_factory=dict)
    reads: tuple = ("dropout",)
    wording: dict = field(default_factory=dict)
    auto_budget: Any = None
    bounded_length: bool = False
    stepping: Callable | None = None
    size_hint: Callable | None = None
    pretraining: Pretraining | None = None

    def parameters_for(self, head):
        """The parameters that apply under ``head``."""
        has = {
            "document": not getattr(head, "_per_step_outputs", False),
            "future": not getattr(head, "_causal", False),
        }
        return {
            name: parameter
            for name, parameter in self.parameters.items()
            if parameter.needs is None or has[parameter.needs]
        }


class Composed:
    """Mixin of every composed estimator: the encoder's layers on the input's
    :class:`Source`, as ``BaseTextNetwork._build_network`` asks for them."""

    _encoder = None
    #: The parameters (the encoder's and those it reads) passed to ``build``.
    _encoder_settings = ()

    def _encode(self, seeds, *, l2, per_step):
        source = self._source(seeds)
        settings = self._encoder_values()
        encoding = self._encoder.build(
            source, per_step=per_step, causal=self._causal, l2=l2, seeds=seeds, **settings
        )
        if source.embedding is not None:
            encoding = dataclasses.replace(encoding, embedding=source.embedding)
        return encoding

    def _encoder_values(self):
        """The settings passed to the encoder's ``build``."""
        return {name: getattr(self, name) for name in self._encoder_settings}

    def _size_hint(self):
        hint = super()._size_hint()
        size_hint = self._encoder.size_hint
        return hint if size_hint is None else size_hint(self, hint)


def compose(name, *, head, inputs, encoder, module, doc, defaults=None, docs=None):
    """The public estimator class ``name``: ``head`` over ``encoder`` over ``inputs``.

    Parameters
    ----------
    name : str
        Class name; the module-level name it is bound to in ``module``.
    head : type
        The task head (``ClassifierHead``, ``TaggerHead``...).
    inputs : type
        The input kind, a ``BaseTextNetwork`` subclass (``SequenceInput``...).
    encoder : Encoder
        The architecture.
    module : str
        ``__name__`` of the defining module (pickles find the class there).
    doc : str
        The class docstring without Parameters and Attributes (see
        ``_docs.docstring``); they are generated.
    defaults : dict, default=None
        Defaults of this composition, for the encoder's parameters or any
        inherited one (``dropout``, ``learning_rate``).
    docs : dict, default=None
        Parameter -> ``(type, text)``: the encoder's description of a
        parameter in this task's words.

    Returns
    -------
    cls : type
    """
    defaults = dict(defaults or {})
    own = encoder.parameters_for(head)
    unknown = set(defaults) - set(own) - set(_inherited(head, inputs))
    if unknown:
        raise TypeError(f"{name}: defaults for unknown parameters {sorted(unknown)}")
    annotations, namespace = {}, {}
    # A head with a positional parameter of its own (an autoencoder's
    # n_components) keeps the first place.
    head_first = dataclasses.is_dataclass(head) and any(
        not field.kw_only for field in dataclasses.fields(head)
    )
    for key, parameter in own.items():
        value = defaults.pop(key, parameter.default)
        annotations[key] = object
        positional = parameter.positional and not head_first
        namespace[key] = dataclasses.field(
            default=value, **({"kw_only": False} if positional else {})
        )
    for key, value in defaults.items():  # a new default for an inherited parameter
        annotations[key] = _annotation(key, head, inputs)
        namespace[key] = value
    output = getattr(head, "_output_words", "the output")
    namespace.update(
        __annotations__=annotations,
        __module__=module,
        __qualname__=name,
        __doc__=doc,
        _encoder=encoder,
        _encoder_settings=(*own, *encoder.reads),
        _network_name=encoder.name + getattr(head, "_network_suffix", ""),
        _parameter_constraints={key: p.constraint for key, p in own.items()},
        _parameter_docs={**{key: (p.kind, p.doc) for key, p in own.items()}, **(docs or {})},
        _doc_wording={key: text.format(output=output) for key, text in encoder.wording.items()},
    )
    if encoder.auto_budget is not None:
        namespace["_auto_budget"] = encoder.auto_budget
    bases = (head, Composed, inputs)
    # A language model pretrains; the estimators of the other heads start from one.
    if encoder.pretraining is not None and not head._causal:
        bases = (head, Pretrained, Composed, inputs)
    return estimator(type(name, bases, namespace))


def _annotation(name, *classes):
    for cls in classes:
        for klass in cls.__mro__:
            if name in vars(klass).get("__annotations__", {}):
                return vars(klass)["__annotations__"][name]
    return object


def _inherited(*classes):
    names = set()
    for cls in classes:
        for klass in cls.__mro__:
            names.update(vars(klass).get("__annotations__", {}))
    return names
