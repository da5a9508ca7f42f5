"""Cross-validate models on the same folds: :func:`compare_models`."""

import time
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target

from ._models import BASELINE_NAME, check_task, default_models, make_baseline
from ._result import ComparisonResult
from ._stats import corrected_ttest

__all__ = ["compare_models", "count_parameters", "infer_task"]

_DEFAULT_SCORING = {
    "classification": ["accuracy", "f1_macro"],
    "regression": ["r2", "neg_mean_absolute_error"],
}
_CLASSIFICATION_TARGETS = ("binary", "multiclass")
_REGRESSION_TARGETS = ("continuous",)


def count_parameters(estimator):
    """Number of learned parameters of the final step of a fitted model.

    For a network (an estimator with a Keras ``model_``) this is
    ``model_.count_params()``; for a linear model, ``coef_.size`` plus
    ``intercept_.size``. Preprocessing steps (vocabularies, IDF weights) are
    not counted.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A fitted estimator; for a pipeline, its (innermost) last step is
        counted.

    Returns
    -------
    n_parameters : int or None
        None when the final estimator is neither a network nor linear.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sknn_text.compare import count_parameters
    >>> count_parameters(LogisticRegression().fit([[0, 1], [1, 0]], [0, 1]))
    3
    """
    final = estimator
    while isinstance(final, Pipeline):  # nested pipelines too
        final = final.steps[-1][1]
    model = getattr(final, "model_", None)
    if model is not None and hasattr(model, "count_params"):
        return int(model.count_params())
    coef = getattr(final, "coef_", None)
    if coef is None:
        return None
    return int(np.size(coef) + np.size(getattr(final, "intercept_", 0)))


def infer_task(y):
    """Infer the task, "classification" or "regression", from the target ``y``.

    String or integer labels (binary or multiclass) mean classification,
    non-integer numbers mean regression; other kinds of target are rejected.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Targets.

    Returns
    -------
    task : str

    Examples
    --------
    >>> from sknn_text.compare import infer_task
    >>> infer_task(["pos", "neg"]), infer_task([0.5, 1.25])
    ('classification', 'regression')
    """
    kind = type_of_target(y, input_name="y")
    if kind in _CLASSIFICATION_TARGETS:
        return "classification"
    if kind in _REGRESSION_TARGETS:
        return "regression"
    raise ValueError(
        f"compare_models supports single-output classification or regression "
        f"targets; y is {kind!r}."
    )


def check_folds(y, task, n_splits):
    """Raise ``ValueError`` unless ``y`` can be split into ``n_splits`` folds.

    Classification needs two classes and at least ``n_splits`` documents of
    each; regression at least ``n_splits`` documents. ``sknn-text compare``
    runs the same check before it trains anything.
    """
    if task == "classification":
        labels, counts = np.unique(y, return_counts=True)
        if labels.size < 2:
            raise ValueError(
                f"the target has a single class ({labels[0].item()!r}); nothing to "
                "classify"
            )
        if counts.min() < n_splits:
            rare = labels[np.argmin(counts)]
            raise ValueError(
                f"the smallest class, {rare.item()!r}, has only {counts.min()} "
                f"document(s), fewer than the {n_splits} folds; use fewer folds or "
                "more data"
            )
    elif len(y) < n_splits:
        raise ValueError(f"{n_splits} folds need more than the {len(y)} documents")


def _make_folds(X, y, task, cv, random_state):
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2, got {cv}.")
        splitter_class = StratifiedKFold if task == "classification" else KFold
        cv = splitter_class(n_splits=cv, shuffle=True, random_state=random_state)
    elif not hasattr(cv, "split"):
        raise ValueError(
            f"cv must be an int >= 2 or a cross-validation splitter, got {cv!r}."
        )
    if isinstance(cv, (StratifiedKFold, KFold)):
        check_folds(y, task, cv.n_splits)
    return [(np.asarray(train), np.asarray(test)) for train, test in cv.split(X, y)]


def _scoring_names(scoring, task):
    if scoring is None:
        scoring = _DEFAULT_SCORING[task]
    if isinstance(scoring, str):
        scoring = [scoring]
    if isinstance(scoring, dict):
        names = list(scoring)
    else:
        scoring = list(scoring)
        names = [s if isinstance(s, str) else None for s in scoring]
        if None in names:
            raise ValueError(
                "scoring must be a metric name, a list of names or a dict of name to "
                "scorer."
            )
    if not names:
        raise ValueError("scoring must name at least one metric.")
    return scoring, names


def _resolve_models(models, task, baseline):
    if models is None:
        models = default_models(task)
    models = dict(models)
    if not models and baseline is False:
        raise ValueError("models is empty: give at least one model to compare.")
    for name, model in models.items():
        if not hasattr(model, "fit"):
            raise TypeError(f"Model {name!r} is not an estimator: {model!r}.")
    if baseline is True:
        if BASELINE_NAME not in models:
            models = {BASELINE_NAME: make_baseline(task), **models}
        baseline = BASELINE_NAME
    elif baseline is False or baseline is None:
        baseline = None
    elif baseline not in models:
        known = ", ".join(map(repr, models))
        raise ValueError(f"baseline {baseline!r} is not one of the models: {known}.")
    if baseline is not None:  # the reference comes first
        models = {baseline: models[baseline], **models}
    return models, baseline


def _fit_and_score(model, X, y, train, test, scorer):
    X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
    start = time.perf_counter()
    model.fit(X_train, y[train])
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    scores = scorer(model, X_test, y[test])
    score_time = time.perf_counter() - start
    scores = {metric: float(value) for metric, value in scores.items()}
    return scores, fit_time, score_time, count_parameters(model)


def compare_models(
    models=None,
    X=None,
    y=None,
    *,
    task="auto",
    cv=5,
    scoring=None,
    baseline=True,
    random_state=0,
    n_jobs=None,
    progress=None,
):
    """Cross-validate text models on the same folds and compare them.

    Every model is fitted on exactly the same training folds and scored on the
    same test folds. For each model the result holds the mean and standard
    deviation of every metric, the fit time, the prediction time per 1,000
    documents and the number of learned parameters; each model is also tested
    against a TF-IDF + linear baseline on the first (primary) metric with the
    corrected resampled t-test of Nadeau & Bengio (:func:`corrected_ttest`).

    Parameters
    ----------
    models : dict of str to estimator, default=None
        Name to unfitted estimator or pipeline that accepts raw documents.
        None uses :func:`default_models` for the task.
    X : list of str or array-like of shape (n_samples,)
        The documents.
    y : array-like of shape (n_samples,)
        Class labels or numeric targets.
    task : {"auto", "classification", "regression"}, default="auto"
        "auto" infers the task from ``y`` with
        :func:`~sklearn.utils.multiclass.type_of_target`: integer or string
        labels mean classification, non-integer floats regression.
    cv : int or cross-validation splitter, default=5
        Number of folds: ``StratifiedKFold(cv, shuffle=True)`` for
        classification, ``KFold(cv, shuffle=True)`` for regression. A splitter
        object is used as given.
    scoring : str, list of str or dict of str to callable, default=None
        Metrics, the first being primary. None means accuracy and macro F1
        for classification, R² and negated mean absolute error for regression.
    baseline : bool or str, default=True
        True adds the TF-IDF + LogisticRegression (or Ridge) baseline of
        :func:`make_baseline` under the name "lr", unless ``models`` already
        has a model named "lr", which is then the reference. A str names the
        reference among ``models``. False runs no baseline and no t-test.
    random_state : int, default=0
        Seed of the fold shuffling.
    n_jobs : int, default=None
        Number of (model, fold) fits run in parallel processes with joblib;
        None means 1. Parallel fits distort the measured times, and each
        Keras model already uses several threads.
    progress : callable, default=None
        Called after each model is fitted and scored on a fold, as
        ``progress(done, total, model_name, fold, scores)`` with ``fold``
        counted from 1 and ``scores`` a dict of metric to score.

    Returns
    -------
    result : ComparisonResult
        ``str(result)`` is a Markdown table; see also ``result.table``,
        ``result.to_json()`` and ``result.to_frame()``.

    See Also
    --------
    default_models : The neural models compared by default.
    corrected_ttest : The test behind the p-values.

    Notes
    -----
    Fit and prediction times are wall-clock times measured in this process;
    compare them only within one run.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.naive_bayes import MultinomialNB
    >>> from sklearn.pipeline import make_pipeline
    >>> from sknn_text.compare import compare_models
    >>> X = ["a great film", "a dull film", "great acting", "dull plot"] * 6
    >>> y = ["pos", "neg", "pos", "neg"] * 6
    >>> result = compare_models(
    ...     {"nb": make_pipeline(CountVectorizer(), MultinomialNB())}, X, y, cv=3
    ... )
    >>> [row["model"] for row in result.table]
    ['lr', 'nb']
    >>> result.table[1]["accuracy_mean"], result.table[1]["p_value"]
    (1.0, 1.0)
    """
    if X is None or y is None:
        raise ValueError("compare_models needs documents X and targets y.")
    if isinstance(X, str):
        raise TypeError("X must be a collection of documents, not a single string.")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got an array of shape {y.shape}.")
    n_samples = len(X)
    if n_samples != y.shape[0]:
        raise ValueError(f"X has {n_samples} documents but y has {y.shape[0]} targets.")
    if task == "auto":
        task = infer_task(y)
    check_task(task)
    if task == "regression":
        try:
            y = y.astype(np.float64)
        except ValueError:
            raise ValueError(
                "task='regression' needs numeric targets; y holds non-numbers."
            ) from None
    models, baseline = _resolve_models(models, task, baseline)
    scoring, metrics = _scoring_names(scoring, task)
    folds = _make_folds(X, y, task, cv, random_state)
    for name, model in models.items():
        kind = type(model[-1] if isinstance(model, Pipeline) else model).__name__
        if task == "classification" and not is_classifier(model):
            raise ValueError(
                f"Model {name!r} ({kind}) is not a classifier, but the task is "
                "classification."
            )
        if task == "regression" and not is_regressor(model):
            raise ValueError(
                f"Model {name!r} ({kind}) is not a regressor, but the task is "
                "regression."
            )

    scorers = {
        name: check_scoring(model, scoring=scoring) for name, model in models.items()
    }
    tasks = [
        (fold, name, train, test)
        for fold, (train, test) in enumerate(folds, start=1)
        for name in models
    ]
    fold_scores = {name: {metric: [] for metric in metrics} for name in models}
    fit_times = {name: [] for name in models}
    predict_times = {name: [] for name in models}
    n_parameters = {name: [] for name in models}
    outcomes = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_score)(clone(models[name]), X, y, train, test, scorers[name])
        for _, name, train, test in tasks
    )
    for done, ((fold, name, _, test), outcome) in enumerate(
        zip(tasks, outcomes, strict=True), start=1
    ):
        scores, fit_time, score_time, n_params = outcome
        for metric in metrics:
            fold_scores[name][metric].append(scores[metric])
        fit_times[name].append(fit_time)
        predict_times[name].append(1000.0 * score_time / len(test))
        n_parameters[name].append(n_params)
        if progress is not None:
            progress(done, len(tasks), name, fold, scores)

    n_train = float(np.mean([len(train) for train, _ in folds]))
    n_test = float(np.mean([len(test) for _, test in folds]))
    primary = metrics[0]
    table = []
    for name in models:
        row = {"model": name}
        for metric in metrics:
            values = np.asarray(fold_scores[name][metric])
            row[f"{metric}_mean"] = float(values.mean())
            row[f"{metric}_std"] = float(values.std())
        row["fit_time"] = float(np.mean(fit_times[name]))
        row["predict_time_per_1k"] = float(np.mean(predict_times[name]))
        counts = n_parameters[name]
        row["n_parameters"] = None if None in counts else round(float(np.mean(counts)))
        row["delta"] = row["p_value"] = None
        if baseline is not None and name != baseline:
            reference = fold_scores[baseline][primary]
            row["delta"] = row[f"{primary}_mean"] - float(np.mean(reference))
            _, row["p_value"] = corrected_ttest(
                fold_scores[name][primary], reference, n_train=n_train, n_test=n_test
            )
        table.append(row)
    return ComparisonResult(
        task=task,
        metrics=metrics,
        table=table,
        fold_scores=fold_scores,
        fit_times=fit_times,
        baseline=baseline,
        n_splits=len(folds),
        n_samples=n_samples,
        test_indices=[test.tolist() for _, test in folds],
    )
