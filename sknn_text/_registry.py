"""The one table of sknn_text's estimator families.

Every network architecture is a :class:`Family`: a short name, the module that
defines its estimators (one per task), and how ``compare`` builds it. From this
table, and from nothing else, come

* the public names of the package (``sknn_text.__init__``, the ``classifiers``,
  ``regressors``, ``taggers`` and ``language_models`` modules) and the estimator
  sections of the API reference,
* the classes that the safe file format may name (``_saving.file_format``, ``_saving.io``),
* the models of ``sknn_text.compare.default_models`` and ``sknn-text compare``,
* the estimator lists of the test suite.

The table holds module paths, not classes, so that reading it imports neither
Keras nor TensorFlow. An architecture defined outside the package joins with
:func:`register` (see the user guide, "Adding an architecture"); resolving a
name to its class imports its module (:func:`resolve`), which only the modules
at the top of the package (``__init__``, ``_saving.io``, ``compare``) do.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

#: Task of an estimator -> title of its section in the API reference.
TASKS = {
    "classifier": "Classifiers",
    "regressor": "Regressors",
    "tagger": "Taggers",
    "language_model": "Language models",
    "autoencoder": "Autoencoders (compression)",
    "translator": "Translators",
}


@dataclass(frozen=True)
class CompareEntry:
    """How ``compare`` builds a family's model over raw documents.

    Attributes
    ----------
    description : str
        One line for ``sknn-text compare --help`` and the docs.
    features : {"tfidf", "tokens", "hashed_ngrams", "text"}
        The first step: TF-IDF of word 1- and 2-grams, a ``TextTokenizer``,
        or a ``TextTokenizer`` that also hashes word bigrams (fastText style);
        ``"text"``: none, the estimator reads raw text itself.
    params : dict
        Constructor parameters of the estimator in the comparison.
    task_params : dict of str to dict
        Further parameters for one task only (``"regressor"``: ...).
    default : bool
        Part of ``sknn-text compare``'s default ``--models``.
    needs_preset : bool
        The estimator takes the ``preset`` of ``default_models(preset=...)``
        (``sknn-text compare --preset``), and is left out without one.
    """

    description: str
    features: str = "tokens"
    params: dict = field(default_factory=dict)
    task_params: dict = field(default_factory=dict)
    default: bool = False
    needs_preset: bool = False


@dataclass(frozen=True)
class Family:
    """One architecture and its estimators.

    Attributes
    ----------
    name : str
        Short name (``"lstm"``), used by ``compare`` and ``--models``.
    module : str
        Import path of the module that defines the estimators.
    estimators : dict of str to str
        Task (a key of ``TASKS``) to class name.
    aliases : dict of str to str
        Further public names of the same classes (``GRURegressor``).
    compare : CompareEntry or None
        How ``compare`` builds it; None keeps it out of ``compare``.
    modules : dict of str to str
        Task -> import path, for the tasks whose estimators live in another
        module than ``module`` (a task with its own heavy machinery, such as
        translation, keeps it in a module of its own).
    """

    name: str
    module: str
    estimators: dict
    aliases: dict = field(default_factory=dict)
    compare: CompareEntry | None = None
    modules: dict = field(default_factory=dict)

    def module_of(self, name):
        """Import path of the module that defines the class ``name`` (or alias)."""
        name = self.aliases.get(name, name)
        for task, class_name in self.estimators.items():
            if class_name == name:
                return self.modules.get(task, self.module)
        raise KeyError(name)


_PACKAGE = __name__.rpartition(".")[0]
_RECURRENT = f"{_PACKAGE}._architectures._recurrent"
_TRANSLATION = {"translator": f"{_PACKAGE}._architectures._translation"}
_SEQUENCE_DESCRIPTION = (
    "TextTokenizer + bidirectional {} (64-d embedding, 64 units each way, max pooling)"
)
#: Bidirectional, 64 units each way, max pooling: on 20newsgroups (a validation
#: split carved from the training posts) the LSTM scored 0.848 with 32 forward
#: units and mean pooling, 0.883 bidirectional with max pooling, 0.897 with 64
#: units each way (benchmarks/README.md).
_RECURRENT_COMPARE = {"embedding_dim": 64, "units": 64, "pooling": "max", "bidirectional": True}

_BUILT_IN = (
    Family(
        "mlp",
        f"{_PACKAGE}._architectures._mlp",
        {
            "classifier": "MLPTextClassifier",
            "regressor": "MLPTextRegressor",
            "autoencoder": "MLPTextAutoencoder",
        },
        modules={"autoencoder": f"{_PACKAGE}._architectures._autoencoder"},
        compare=CompareEntry(
            "TF-IDF (1-2 grams) + MLP with one hidden layer of 64 units",
            features="tfidf",
            params={"hidden_layer_sizes": (64,), "dropout": 0.5},
            task_params={"regressor": {"dropout": 0.2}},
            default=True,
        ),
    ),
    Family(
        "simple_rnn",
        _RECURRENT,
        {"classifier": "SimpleRNNTextClassifier", "regressor": "SimpleRNNTextRegressor"},
        aliases={"SimpleRNNRegressor": "SimpleRNNTextRegressor"},
    ),
    Family(
        "lstm",
        _RECURRENT,
        {
            "classifier": "LSTMTextClassifier",
            "regressor": "LSTMTextRegressor",
            "tagger": "LSTMTextTagger",
            "language_model": "LSTMLanguageModel",
            "translator": "LSTMTranslator",
        },
        aliases={"LSTMRegressor": "LSTMTextRegressor"},
        modules=_TRANSLATION,
        compare=CompareEntry(
            _SEQUENCE_DESCRIPTION.format("LSTM"), params=_RECURRENT_COMPARE, default=True
        ),
    ),
    Family(
        "gru",
        _RECURRENT,
        {
            "classifier": "GRUTextClassifier",
            "regressor": "GRUTextRegressor",
            "tagger": "GRUTextTagger",
            "language_model": "GRULanguageModel",
            "translator": "GRUTranslator",
        },
        aliases={"GRURegressor": "GRUTextRegressor"},
        modules=_TRANSLATION,
        compare=CompareEntry(
            _SEQUENCE_DESCRIPTION.format("GRU"), params=_RECURRENT_COMPARE, default=True
        ),
    ),
    Family(
        "cnn",
        f"{_PACKAGE}._architectures._cnn",
        {
            "classifier": "CNNTextClassifier",
            "regressor": "CNNTextRegressor",
            "tagger": "CNNTextTagger",
        },
        compare=CompareEntry(
            "TextTokenizer + CNN (64-d embedding, 64 filters of widths 3, 4, 5)",
        ),
    ),
    Family(
        "transformer",
        f"{_PACKAGE}._architectures._transformer",
        {
            "classifier": "TransformerTextClassifier",
            "regressor": "TransformerTextRegressor",
            "tagger": "TransformerTextTagger",
            "language_model": "TransformerLanguageModel",
            "translator": "TransformerTranslator",
        },
        modules=_TRANSLATION,
        compare=CompareEntry(
            "TextTokenizer + Transformer (64-d, 4 heads, 1 encoder block)",
        ),
    ),
    Family(
        "fasttext",
        f"{_PACKAGE}._architectures._fasttext",
        {"classifier": "FastTextClassifier", "regressor": "FastTextRegressor"},
        compare=CompareEntry(
            "TextTokenizer with hashed bigrams + fastText (64-d mean embedding)",
            features="hashed_ngrams",
        ),
    ),
    Family(
        "pretrained",
        f"{_PACKAGE}._architectures._pretrained",
        {
            "classifier": "PretrainedTextClassifier",
            "regressor": "PretrainedTextRegressor",
            "tagger": "PretrainedTextTagger",
        },
        modules={"tagger": f"{_PACKAGE}._architectures._pretrained_tagger"},
        compare=CompareEntry(
            "keras-hub encoder of --preset, frozen (mean of its states) + an output layer",
            features="text",
            needs_preset=True,
        ),
    ),
)

#: Savable estimators outside the families, by class name.
STANDALONE = {
    "NaiveBayesWeighting": f"{_PACKAGE}._nb_weighting",
    "TextTokenizer": f"{_PACKAGE}.preprocessing",
}

_FAMILIES = {family.name: family for family in _BUILT_IN}


def families():
    """Every registered family, built-in ones first, in registration order."""
    return tuple(_FAMILIES.values())


def built_in_families():
    """The families that ship with sknn_text."""
    return _BUILT_IN


def register(family):
    """Add an architecture defined outside sknn_text to the registry.

    Its estimators can then be saved with ``save``/``load``, and ``compare``
    and ``sknn-text compare`` offer it under ``family.name``.

    Parameters
    ----------
    family : Family
        Its name must not be taken, and its tasks must be keys of ``TASKS``.
    """
    if family.name in _FAMILIES:
        raise ValueError(f"A family named {family.name!r} is already registered.")
    unknown = set(family.estimators) - set(TASKS)
    if unknown:
        raise ValueError(f"Unknown task(s) {sorted(unknown)}; tasks are {list(TASKS)}.")
    taken = set(class_modules()) & {*family.estimators.values(), *family.aliases}
    if taken:
        raise ValueError(f"The class name(s) {sorted(taken)} are already registered.")
    _FAMILIES[family.name] = family


def unregister(name):
    """Remove a family added with :func:`register`; built-in ones stay."""
    if any(family.name == name for family in _BUILT_IN):
        raise ValueError(f"{name!r} is built in and cannot be removed.")
    _FAMILIES.pop(name, None)


def class_modules(*, built_in_only=False):
    """Public estimator name (aliases included) -> module that defines it."""
    names = {}
    for family in _BUILT_IN if built_in_only else families():
        for name in (*family.estimators.values(), *family.aliases):
            names[name] = family.module_of(name)
    return {**names, **STANDALONE}


def task_names(task):
    """The built-in estimators of ``task`` (with their aliases), sorted by name."""
    names = []
    for family in _BUILT_IN:
        if task in family.estimators:
            name = family.estimators[task]
            names += [name, *(alias for alias, of in family.aliases.items() if of == name)]
    return sorted(names)


def task_exports(task, module):
    """``(__all__, __getattr__)`` of the public ``module`` that re-exports the
    built-in estimators of ``task``, each imported on first use."""
    names = task_names(task)

    def __getattr__(name):
        if name in names:
            return resolve(name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return names, __getattr__


def is_registered(cls):
    """Whether ``cls`` is one of the registered estimator classes."""
    return class_modules().get(cls.__name__) == cls.__module__


def resolve(name):
    """The registered class named ``name``: imports its module.

    Raises ``KeyError`` for an unknown name.
    """
    module = importlib.import_module(class_modules()[name])
    return getattr(module, name)
