"""The models a comparison runs: the TF-IDF + linear baseline and the registry's.

Every family of the registry (``sknn_text._registry``) that has a
``CompareEntry`` is offered here under its short name; nothing else lists them.
"""

from numbers import Integral

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

from .._registry import families, resolve

__all__ = ["default_models", "make_baseline", "model_descriptions"]

BASELINE_NAME = "lr"
TASKS = ("classification", "regression")
#: Task of a comparison -> task of the registry's estimators.
_ESTIMATOR_TASK = {"classification": "classifier", "regression": "regressor"}
_BASELINE_DESCRIPTION = "TF-IDF (1-2 grams) + LogisticRegression (Ridge for regression)"
#: Token ids kept per document by the token-sequence models, and hashed bigrams.
_MAX_TOKENS, _NGRAM_BUCKETS = 20000, 2**18


def check_task(task):
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}.")


def _tfidf():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def make_baseline(task="classification"):
    """The TF-IDF + linear model every comparison is measured against.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        LogisticRegression(C=10) for classification, Ridge(alpha=1) for
        regression, both after TF-IDF of word 1- and 2-grams
        (``min_df=2, sublinear_tf=True``).

    Returns
    -------
    baseline : Pipeline
        An unfitted pipeline over raw documents.

    Examples
    --------
    >>> from sknn_text.compare import make_baseline
    >>> [name for name, _ in make_baseline("regression").steps]
    ['tfidfvectorizer', 'ridge']
    """
    check_task(task)
    if task == "classification":
        return make_pipeline(_tfidf(), LogisticRegression(C=10, max_iter=2000))
    return make_pipeline(_tfidf(), Ridge(alpha=1.0))


def _compared_families():
    return [family for family in families() if family.compare is not None]


def model_descriptions():
    """Short name -> one-line description of every model ``compare`` offers.

    Returns
    -------
    descriptions : dict of str to str
        The baseline ``"lr"`` first, then the registry's families.
    """
    return {
        BASELINE_NAME: _BASELINE_DESCRIPTION,
        **{family.name: family.compare.description for family in _compared_families()},
    }


def preset_model_names():
    """The models that need a ``preset`` (the pretrained encoders)."""
    return [family.name for family in _compared_families() if family.compare.needs_preset]


def default_model_names():
    """The models ``sknn-text compare`` runs without ``--models``."""
    names = [family.name for family in _compared_families() if family.compare.default]
    return [BASELINE_NAME, *names]


def _first_step(features, sequence_length):
    if features == "tfidf":
        return _tfidf()
    from ..preprocessing import TextTokenizer

    hashing = {}
    if features == "hashed_ngrams":
        hashing = {"ngram_range": (1, 2), "ngram_buckets": _NGRAM_BUCKETS}
    return TextTokenizer(max_tokens=_MAX_TOKENS, sequence_length=sequence_length, **hashing)


def default_models(
    task="classification",
    *,
    epochs=None,
    max_epochs=None,
    random_state=0,
    sequence_length=128,
    preset=None,
):
    """The models that ``sknn-text compare`` cross-validates, by short name.

    {table}

    The neural networks are deliberately small, and each trains until its
    validation loss stops improving (``epochs="auto"``), so that five folds of
    the default models on 10,000 sentences take a few minutes on a laptop CPU;
    they are a fair starting point, not tuned models.

    Parameters
    ----------
    task : {{"classification", "regression"}}, default="classification"
        Which estimators to build.
    epochs : int, default=None
        Number of epochs of every neural model, trained exactly (the adaptive
        stopping rule is dropped); None keeps each default (``"auto"``).
    max_epochs : int, default=None
        The cap of every neural model's adaptive budget (``epochs="auto"``),
        which keeps its stopping rule; None keeps each model's own cap. As
        in the estimators, it is ignored when ``epochs`` is given.
    random_state : int, default=0
        Seed of the neural models' weights, dropout and batch order.
    sequence_length : int, default=128
        Tokens kept per document by the token-sequence models (longer
        documents are truncated at the end).
    preset : str, default=None
        The keras-hub preset (a name or a folder written by
        ``save_to_preset``) of the pretrained encoders (``"pretrained"``),
        which are left out without one.

    Returns
    -------
    models : dict of str to Pipeline
        Unfitted pipelines over raw documents: the baseline ``"lr"``, then
        one per family of the registry that ``compare`` offers (those that
        need a ``preset`` only when it is given).
        ``sknn-text compare`` runs {defaults} unless ``--models`` names
        others.

    Examples
    --------
    >>> from sknn_text.compare import default_models
    >>> models = default_models(epochs=1)
    >>> list(models)
    ['lr', 'mlp', 'lstm', 'gru', 'cnn', 'transformer', 'fasttext']
    >>> models["gru"][-1].epochs
    1
    >>> default_models(max_epochs=60)["gru"][-1].max_epochs
    60
    """
    check_task(task)
    _check_epochs("epochs", epochs)
    _check_epochs("max_epochs", max_epochs)
    estimator_task = _ESTIMATOR_TASK[task]
    models = {BASELINE_NAME: make_baseline(task)}
    for family in _compared_families():
        entry = family.compare
        if estimator_task not in family.estimators or (entry.needs_preset and preset is None):
            continue
        params = {
            "batch_size": 64,
            **entry.params,
            **entry.task_params.get(estimator_task, {}),
            "random_state": random_state,
        }
        if epochs is not None:
            params["epochs"] = epochs
        if max_epochs is not None:
            params["max_epochs"] = max_epochs
        if entry.needs_preset:
            params["preset"] = preset
        estimator = resolve(family.estimators[estimator_task])(**params)
        first = [] if entry.features == "text" else [_first_step(entry.features, sequence_length)]
        models[family.name] = make_pipeline(*first, estimator)
    return models


def _check_epochs(name, value):
    if value is not None and (
        not isinstance(value, Integral) or isinstance(value, bool) or value < 1
    ):
        raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")


def _describe_registry():
    rows = [(name, text) for name, text in model_descriptions().items()]
    width = max(len(name) for name, _ in rows) + 4
    rule = "=" * width + "  " + "=" * 60
    lines = [rule, *(f"{'``' + name + '``':<{width}}  {text}" for name, text in rows), rule]
    return "\n    ".join(lines)


default_models.__doc__ = default_models.__doc__.format(
    table=_describe_registry(),
    defaults=", ".join(default_model_names()),
)
