"""Cross-validate several text models on the same folds and compare them.

:func:`compare_models` fits every model (a pipeline from raw documents to
predictions) on identical cross-validation folds, measures the scores, the fit
and prediction times and the model sizes, and tests each model against a
TF-IDF + linear baseline with the Nadeau & Bengio corrected resampled t-test.
:func:`default_models` returns the registry used by ``sknn-text compare``.
"""

import csv
import io
import json
import math
import time
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy import stats
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target

__all__ = [
    "ComparisonResult",
    "compare_models",
    "corrected_ttest",
    "count_parameters",
    "default_models",
    "infer_task",
    "make_baseline",
]

BASELINE_NAME = "lr"
TASKS = ("classification", "regression")
_DEFAULT_SCORING = {
    "classification": ["accuracy", "f1_macro"],
    "regression": ["r2", "neg_mean_absolute_error"],
}
_CLASSIFICATION_TARGETS = ("binary", "multiclass")
_REGRESSION_TARGETS = ("continuous",)

MODEL_DESCRIPTIONS = {
    "lr": "TF-IDF (1-2 grams) + LogisticRegression (Ridge for regression)",
    "mlp": "TF-IDF (1-2 grams) + MLP with one hidden layer of 64 units",
    "lstm": "TextTokenizer + LSTM (64-d embedding, 32 units, mean pooling)",
    "gru": "TextTokenizer + GRU (64-d embedding, 32 units, mean pooling)",
    "cnn": "TextTokenizer + CNN (64-d embedding, 64 filters of widths 3, 4, 5)",
    "transformer": "TextTokenizer + Transformer (64-d, 4 heads, 1 encoder block)",
    "fasttext": "TextTokenizer with hashed bigrams + fastText (64-d mean embedding)",
}


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
    _check_task(task)
    if task == "classification":
        return make_pipeline(_tfidf(), LogisticRegression(C=10, max_iter=2000))
    return make_pipeline(_tfidf(), Ridge(alpha=1.0))


def default_models(
    task="classification", *, epochs=None, random_state=0, sequence_length=128
):
    """The models that ``sknn-text compare`` cross-validates, by short name.

    ===============  =======================================================
    ``lr``           TF-IDF (1-2 grams) + LogisticRegression(C=10), or
                     Ridge(alpha=1)
    ``mlp``          TF-IDF (1-2 grams) + MLP, 64 hidden units, dropout 0.5,
                     3 epochs
    ``lstm``         TextTokenizer (20,000 ids) + LSTM, 64-d embedding, 32
                     units, mean pooling over time, 2 epochs
    ``gru``          TextTokenizer (20,000 ids) + GRU, same sizes, 2 epochs
    ``cnn``          TextTokenizer (20,000 ids) + CNN, 64-d embedding, 64
                     filters of widths 3, 4 and 5, dropout 0.5, 3 epochs
    ``transformer``  TextTokenizer (20,000 ids) + Transformer, 64-d
                     embeddings, 4 heads, one encoder block, 3 epochs
    ``fasttext``     TextTokenizer (20,000 ids, bigrams hashed into 2**18
                     buckets) + fastText, 64-d mean embedding, 5 epochs
    ===============  =======================================================

    The neural networks are deliberately small and trained for few epochs, so
    that five folds of all four models on 10,000 sentences take a few minutes
    on a laptop CPU; they are a starting point, not tuned models.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        Which estimators to build.
    epochs : int, default=None
        Number of epochs of every neural model; None keeps each default.
    random_state : int, default=0
        Seed of the neural models' weights, dropout and batch order.
    sequence_length : int, default=128
        Tokens kept per document by the recurrent models (longer documents
        are truncated at the end).

    Returns
    -------
    models : dict of str to Pipeline
        Unfitted pipelines over raw documents, in the order lr, mlp, lstm, gru,
        cnn, transformer, fasttext. ``sknn-text compare`` runs the first four
        unless ``--models`` names others.

    Examples
    --------
    >>> from sknn_text.compare import default_models
    >>> models = default_models(epochs=1)
    >>> list(models)
    ['lr', 'mlp', 'lstm', 'gru', 'cnn', 'transformer', 'fasttext']
    >>> models["gru"][-1].epochs
    1
    """
    from . import (
        CNNTextClassifier,
        CNNTextRegressor,
        FastTextClassifier,
        FastTextRegressor,
        GRUTextClassifier,
        GRUTextRegressor,
        LSTMTextClassifier,
        LSTMTextRegressor,
        MLPTextClassifier,
        MLPTextRegressor,
        TextTokenizer,
        TransformerTextClassifier,
        TransformerTextRegressor,
    )

    _check_task(task)
    if epochs is not None and (
        not isinstance(epochs, Integral) or isinstance(epochs, bool) or epochs < 1
    ):
        raise ValueError(f"epochs must be a positive integer or None, got {epochs!r}.")
    classification = task == "classification"
    mlp = MLPTextClassifier if classification else MLPTextRegressor
    lstm = LSTMTextClassifier if classification else LSTMTextRegressor
    gru = GRUTextClassifier if classification else GRUTextRegressor
    cnn = CNNTextClassifier if classification else CNNTextRegressor
    transformer = TransformerTextClassifier if classification else TransformerTextRegressor
    fasttext = FastTextClassifier if classification else FastTextRegressor
    mlp_params = {
        "hidden_layer_sizes": (64,),
        "dropout": 0.5 if classification else 0.2,
        "epochs": 3 if epochs is None else epochs,
        "batch_size": 64,
        "random_state": random_state,
    }
    recurrent_params = {
        "embedding_dim": 64,
        "units": 32,
        "pooling": "mean",
        "epochs": 2 if epochs is None else epochs,
        "batch_size": 64,
        "random_state": random_state,
    }

    short_params = {
        "epochs": 3 if epochs is None else epochs,
        "batch_size": 64,
        "random_state": random_state,
    }

    def tokenizer(**hashing):
        return TextTokenizer(max_tokens=20000, sequence_length=sequence_length, **hashing)

    return {
        "lr": make_baseline(task),
        "mlp": make_pipeline(_tfidf(), mlp(**mlp_params)),
        "lstm": make_pipeline(tokenizer(), lstm(**recurrent_params)),
        "gru": make_pipeline(tokenizer(), gru(**recurrent_params)),
        "cnn": make_pipeline(tokenizer(), cnn(**short_params)),
        "transformer": make_pipeline(tokenizer(), transformer(**short_params)),
        "fasttext": make_pipeline(
            tokenizer(ngram_range=(1, 2), ngram_buckets=2**18),
            fasttext(**{**short_params, "epochs": 5 if epochs is None else epochs}),
        ),
    }


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


def corrected_ttest(scores, reference_scores, *, n_train, n_test):
    """Nadeau & Bengio's corrected resampled t-test for paired CV scores.

    Fold scores of two models evaluated on the same ``k`` folds are not
    independent (the training sets overlap), so the plain paired t-test is
    overconfident. The variance of the score differences ``d`` is inflated by
    ``(1 / k + n_test / n_train)`` instead of ``1 / k``::

        t = mean(d) / sqrt((1 / k + n_test / n_train) * var(d, ddof=1))

    with ``k - 1`` degrees of freedom.

    Parameters
    ----------
    scores : array-like of shape (k,)
        Fold scores of the model under test.
    reference_scores : array-like of shape (k,)
        Fold scores of the reference model on the same folds.
    n_train : float
        Number of training samples per fold (the mean if folds differ).
    n_test : float
        Number of test samples per fold (the mean if folds differ).

    Returns
    -------
    t_statistic : float
        Positive when ``scores`` are higher on average.
    p_value : float
        Two-sided p-value from Student's t distribution with ``k - 1`` degrees
        of freedom. 1.0 when all differences are zero; 0.0 when they are all
        equal and non-zero.

    References
    ----------
    C. Nadeau and Y. Bengio. Inference for the generalization error. Machine
    Learning, 52(3):239-281, 2003.

    Examples
    --------
    Differences 0.02, 0.01, 0.03 over k = 3 folds with 200 training and 100
    test documents: mean 0.02, variance 1e-4, corrected variance
    (1/3 + 1/2) * 1e-4, so t = 0.02 / 0.00913 = 2.19 with 2 degrees of freedom.

    >>> from sknn_text.compare import corrected_ttest
    >>> t, p = corrected_ttest(
    ...     [0.82, 0.81, 0.83], [0.80, 0.80, 0.80], n_train=200, n_test=100
    ... )
    >>> round(t, 3), round(p, 3)
    (2.191, 0.16)
    """
    scores = np.asarray(scores, dtype=np.float64)
    reference_scores = np.asarray(reference_scores, dtype=np.float64)
    if scores.shape != reference_scores.shape or scores.ndim != 1:
        raise ValueError(
            "scores and reference_scores must be 1-D arrays of the same length, got "
            f"shapes {scores.shape} and {reference_scores.shape}."
        )
    k = scores.shape[0]
    if k < 2:
        raise ValueError(f"The corrected t-test needs at least 2 folds, got {k}.")
    if n_train <= 0 or n_test <= 0:
        raise ValueError("n_train and n_test must be positive.")
    differences = scores - reference_scores
    mean = float(differences.mean())
    variance = float(differences.var(ddof=1)) * (1.0 / k + n_test / n_train)
    if variance <= 0.0 or not np.isfinite(variance):
        if mean == 0.0:
            return 0.0, 1.0
        return math.copysign(math.inf, mean), 0.0
    t_statistic = mean / math.sqrt(variance)
    p_value = 2.0 * float(stats.t.sf(abs(t_statistic), df=k - 1))
    return float(t_statistic), min(1.0, p_value)


@dataclass
class ComparisonResult:
    """Outcome of :func:`compare_models`.

    Attributes
    ----------
    task : str
        "classification" or "regression".
    metrics : list of str
        Metric names; the first is the primary metric used by the t-test.
    table : list of dict
        One row per model, the baseline first. Keys: ``model``,
        ``<metric>_mean`` and ``<metric>_std`` for each metric, ``fit_time``
        (mean seconds per fold), ``predict_time_per_1k`` (mean seconds to
        predict and score 1,000 documents), ``n_parameters`` (mean over the
        folds, since vocabularies differ), and
        ``delta`` (difference of the primary metric's mean from the
        baseline's) and ``p_value`` (corrected resampled t-test), both None for
        the baseline and without a baseline.
    fold_scores : dict
        ``fold_scores[model][metric]`` is the list of the ``k`` fold scores.
    fit_times : dict
        ``fit_times[model]`` is the list of fit times in seconds.
    baseline : str or None
        Name of the reference model.
    n_splits : int
        Number of folds.
    n_samples : int
        Number of documents.
    test_indices : list of list of int
        The test rows of every fold, shared by all models.
    """

    task: str
    metrics: list
    table: list
    fold_scores: dict
    fit_times: dict
    baseline: str | None
    n_splits: int
    n_samples: int
    test_indices: list = field(default_factory=list, repr=False)

    @property
    def primary_metric(self):
        """The metric the t-test compares (the first one)."""
        return self.metrics[0]

    def _columns(self):
        """(header, key, formatter) of each displayed column."""

        def mean_std(metric):
            return lambda row: (
                f"{row[metric + '_mean']:.4f} ± {row[metric + '_std']:.4f}"
            )

        columns = [("model", "model", lambda row: str(row["model"]))]
        for metric in self.metrics:
            columns.append((metric, metric, mean_std(metric)))
        columns += [
            ("fit (s)", "fit_time", lambda row: f"{row['fit_time']:.1f}"),
            (
                "predict (s/1k docs)",
                "predict_time_per_1k",
                lambda row: f"{row['predict_time_per_1k']:.3f}",
            ),
            (
                "parameters",
                "n_parameters",
                lambda row: (
                    "-" if row["n_parameters"] is None else f"{row['n_parameters']:,}"
                ),
            ),
        ]
        if self.baseline is not None:
            columns += [
                (
                    f"Δ {self.primary_metric}",
                    "delta",
                    lambda row: "-" if row["delta"] is None else f"{row['delta']:+.4f}",
                ),
                (
                    "p-value",
                    "p_value",
                    lambda row: (
                        "-" if row["p_value"] is None else f"{row['p_value']:.3f}"
                    ),
                ),
            ]
        return columns

    def to_markdown(self):
        """The table as GitHub-flavoured Markdown, with a one-line legend.

        Returns
        -------
        markdown : str
        """
        columns = self._columns()
        cells = [[fmt(row) for _, _, fmt in columns] for row in self.table]
        header = [name for name, _, _ in columns]
        widths = [
            max(len(header[i]), *(len(line[i]) for line in cells))
            for i in range(len(header))
        ]

        def line(values):
            padded = [
                value.ljust(width) if i == 0 else value.rjust(width)
                for i, (value, width) in enumerate(zip(values, widths, strict=True))
            ]
            return "| " + " | ".join(padded) + " |"

        rule = (
            "|"
            + "|".join(
                "-" * (width + 1) + (":" if i else "-")
                for i, width in enumerate(widths)
            )
            + "|"
        )
        lines = [line(header), rule, *(line(values) for values in cells)]
        kind = "stratified " if self.task == "classification" else ""
        legend = (
            f"{self.n_splits}-fold {kind}cross-validation on {self.n_samples:,} "
            "documents; scores are mean ± std over the folds."
        )
        if self.baseline is not None:
            legend += (
                f" Δ and p-value: {self.primary_metric} against '{self.baseline}', "
                "Nadeau & Bengio corrected resampled t-test (two-sided)."
            )
        return "\n".join(lines) + "\n\n" + legend + "\n"

    def _serializable(self):
        def clean(value):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            return value

        return {
            "task": self.task,
            "metrics": list(self.metrics),
            "baseline": self.baseline,
            "n_splits": self.n_splits,
            "n_samples": self.n_samples,
            "table": [{k: clean(v) for k, v in row.items()} for row in self.table],
            "fold_scores": self.fold_scores,
            "fit_times": self.fit_times,
        }

    def to_json(self, **kwargs):
        """The result as a JSON string (table, fold scores and settings).

        Parameters
        ----------
        **kwargs
            Passed to :func:`json.dumps`; ``indent`` defaults to 2.

        Returns
        -------
        json : str
        """
        kwargs.setdefault("indent", 2)
        return json.dumps(self._serializable(), **kwargs)

    def to_csv(self):
        """The table as CSV text, one row per model, raw (unrounded) values.

        Returns
        -------
        csv : str
        """
        buffer = io.StringIO()
        keys = list(self.table[0]) if self.table else ["model"]
        writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.table)
        return buffer.getvalue()

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` indexed by model name.

        Returns
        -------
        frame : pandas.DataFrame

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "ComparisonResult.to_frame requires pandas; install it with "
                "'pip install pandas', or use .table, .to_markdown() or .to_json()."
            ) from None
        return pd.DataFrame(self.table).set_index("model")

    def __str__(self):
        return self.to_markdown()


def _check_task(task):
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}.")


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
    if task == "classification" and isinstance(cv, StratifiedKFold):
        _, counts = np.unique(y, return_counts=True)
        if counts.min() < cv.n_splits:
            raise ValueError(
                f"The smallest class has {counts.min()} document(s), fewer than the "
                f"{cv.n_splits} folds; use a smaller cv or more data."
            )
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
    _check_task(task)
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
