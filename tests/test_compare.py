"""compare_models, the corrected t-test and the result object."""

import csv
import io
import json
import math

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

from sknn_text import (
    GRUTextClassifier,
    LSTMTextClassifier,
    LSTMTextRegressor,
    MLPTextClassifier,
    MLPTextRegressor,
    TextTokenizer,
)
from sknn_text.compare import (
    ComparisonResult,
    compare_models,
    corrected_ttest,
    count_parameters,
    default_models,
    infer_task,
    make_baseline,
)
from sknn_text.datasets import load_movie_sentences

# ------------------------------------------------------------- corrected t-test


def test_corrected_ttest_hand_computed():
    # d = (0.02, 0.01, 0.03): mean 0.02, sample variance 1e-4, k = 3 folds,
    # n_test / n_train = 100 / 200: corrected variance (1/3 + 1/2) * 1e-4.
    t, p = corrected_ttest(
        [0.82, 0.81, 0.83], [0.80, 0.80, 0.80], n_train=200, n_test=100
    )
    expected_t = 0.02 / math.sqrt((1 / 3 + 1 / 2) * 1e-4)
    assert t == pytest.approx(expected_t)
    assert t == pytest.approx(2.19089, abs=1e-5)
    # Student's t with 2 degrees of freedom: P(T > t) = (1 - t / sqrt(t^2 + 2)) / 2
    expected_p = 1 - expected_t / math.sqrt(expected_t**2 + 2)
    assert p == pytest.approx(expected_p)
    assert p == pytest.approx(0.15983, abs=1e-5)


def test_corrected_ttest_is_more_conservative_than_the_plain_paired_test():
    from scipy import stats

    a = [0.78, 0.80, 0.79, 0.81, 0.80]
    b = [0.76, 0.77, 0.78, 0.78, 0.77]
    _, p_corrected = corrected_ttest(a, b, n_train=800, n_test=200)
    _, p_plain = stats.ttest_rel(a, b)
    assert p_plain < p_corrected < 1
    t_reverse, p_reverse = corrected_ttest(b, a, n_train=800, n_test=200)
    assert t_reverse < 0 and p_reverse == pytest.approx(p_corrected)


def test_corrected_ttest_degenerate_cases():
    assert corrected_ttest([0.5, 0.6], [0.5, 0.6], n_train=10, n_test=5) == (0.0, 1.0)
    t, p = corrected_ttest([0.6, 0.7], [0.5, 0.6], n_train=10, n_test=5)
    assert t == math.inf and p == 0.0
    with pytest.raises(ValueError, match="same length"):
        corrected_ttest([0.5, 0.6], [0.5], n_train=10, n_test=5)
    with pytest.raises(ValueError, match="at least 2 folds"):
        corrected_ttest([0.5], [0.4], n_train=10, n_test=5)


# ------------------------------------------------------------- registries


def test_default_models_classification_and_regression():
    models = default_models(epochs=2, random_state=3)
    assert list(models) == ["lr", "mlp", "lstm", "gru", "cnn", "transformer", "fasttext"]
    assert isinstance(models["lr"][-1], LogisticRegression)
    assert isinstance(models["mlp"][0], TfidfVectorizer)
    assert isinstance(models["mlp"][-1], MLPTextClassifier)
    assert isinstance(models["lstm"][0], TextTokenizer)
    assert isinstance(models["lstm"][-1], LSTMTextClassifier)
    assert isinstance(models["gru"][-1], GRUTextClassifier)
    for name in ("mlp", "lstm", "gru"):
        assert models[name][-1].epochs == 2
        assert models[name][-1].random_state == 3
    for name in ("lstm", "gru"):  # chosen on 20newsgroups (benchmarks/README.md)
        assert models[name][-1].bidirectional and models[name][-1].pooling == "max"
    assert default_models()["mlp"][-1].epochs == "auto"  # each model's own default
    assert default_models()["mlp"][-1].max_epochs is None
    capped = default_models(max_epochs=60)
    for name in ("mlp", "lstm", "gru", "cnn", "transformer", "fasttext"):
        assert (capped[name][-1].max_epochs, capped[name][-1].epochs) == (60, "auto")
    regressors = default_models("regression")
    assert isinstance(regressors["lr"][-1], Ridge)
    assert isinstance(regressors["mlp"][-1], MLPTextRegressor)
    assert isinstance(regressors["lstm"][-1], LSTMTextRegressor)
    with pytest.raises(ValueError, match="task must be one of"):
        default_models("ranking")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        default_models(epochs=0)
    with pytest.raises(ValueError, match="max_epochs must be a positive integer"):
        default_models(max_epochs=True)


def test_make_baseline_matches_the_documented_protocol():
    baseline = make_baseline()
    tfidf, lr = baseline[0], baseline[-1]
    assert tfidf.ngram_range == (1, 2) and tfidf.min_df == 2 and tfidf.sublinear_tf
    assert lr.C == 10 and lr.max_iter == 2000
    assert make_baseline("regression")[-1].alpha == 1.0


def test_count_parameters():
    X = ["aa bb", "bb cc", "cc dd", "dd aa"]
    pipe = make_pipeline(CountVectorizer(), LogisticRegression()).fit(X, [0, 1, 0, 1])
    assert count_parameters(pipe) == 4 + 1
    three = make_pipeline(CountVectorizer(), LogisticRegression()).fit(X, [0, 1, 2, 1])
    assert count_parameters(three) == 3 * 4 + 3
    nb = make_pipeline(CountVectorizer(), MultinomialNB()).fit(X, [0, 1, 0, 1])
    assert count_parameters(nb) is None


def test_infer_task():
    assert infer_task(np.array(["a", "b", "a"])) == "classification"
    assert infer_task([0, 1, 2]) == "classification"
    assert infer_task([0.5, 1.5, 2.25]) == "regression"
    with pytest.raises(ValueError, match="multilabel"):
        infer_task(np.array([[0, 1], [1, 0]]))


# ------------------------------------------------------------- compare_models

SEEN = {}


class RecordTrainingDocuments(TransformerMixin, BaseEstimator):
    """Pass-through step that records the documents of every fit under ``tag``."""

    def __init__(self, tag="model"):
        self.tag = tag

    def fit(self, X, y=None):
        SEEN.setdefault(self.tag, []).append(frozenset(X))
        return self

    def transform(self, X):
        return X


@pytest.fixture(scope="module")
def sentences():
    X, y = load_movie_sentences(return_X_y=True)
    rows = np.random.default_rng(0).choice(len(X), size=300, replace=False)
    return [X[i] for i in rows], y[rows]


@pytest.fixture(scope="module")
def small_comparison(sentences):
    X, y = sentences
    SEEN.clear()
    models = {
        "lr": make_pipeline(RecordTrainingDocuments("lr"), make_baseline()),
        "mlp": make_pipeline(
            RecordTrainingDocuments("mlp"),
            TfidfVectorizer(),
            MLPTextClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0),
        ),
        "lstm": make_pipeline(
            RecordTrainingDocuments("lstm"),
            TextTokenizer(max_tokens=500, sequence_length=20),
            LSTMTextClassifier(embedding_dim=8, units=4, epochs=1, random_state=0),
        ),
    }
    calls = []
    result = compare_models(
        models, X, y, cv=3, random_state=0, progress=lambda *a: calls.append(a)
    )
    return result, calls, {tag: list(folds) for tag, folds in SEEN.items()}


def test_every_model_trains_on_the_same_folds(small_comparison, sentences):
    result, _, seen = small_comparison
    X, _ = sentences
    assert sorted(seen) == ["lr", "lstm", "mlp"]
    assert len(seen["lr"]) == 3
    assert seen["lr"] == seen["mlp"] == seen["lstm"]
    # the training documents of fold i are everything but its test rows
    assert len(result.test_indices) == 3
    for train_docs, test_rows in zip(seen["lr"], result.test_indices, strict=True):
        assert train_docs == frozenset(X) - {X[i] for i in test_rows}
    all_test = sorted(i for rows in result.test_indices for i in rows)
    assert all_test == list(range(300))


def test_comparison_table(small_comparison):
    result, calls, _ = small_comparison
    assert isinstance(result, ComparisonResult)
    assert result.task == "classification"
    assert result.metrics == ["accuracy", "f1_macro"]
    assert result.baseline == "lr"
    assert result.n_splits == 3 and result.n_samples == 300
    assert [row["model"] for row in result.table] == ["lr", "mlp", "lstm"]
    baseline_row = result.table[0]
    assert baseline_row["p_value"] is None and baseline_row["delta"] is None
    for row in result.table:
        for metric in result.metrics:
            scores = result.fold_scores[row["model"]][metric]
            assert len(scores) == 3
            assert all(0.0 <= score <= 1.0 for score in scores)
            assert row[f"{metric}_mean"] == pytest.approx(np.mean(scores))
            assert row[f"{metric}_std"] == pytest.approx(np.std(scores))
        assert row["fit_time"] > 0 and row["predict_time_per_1k"] > 0
        assert isinstance(row["n_parameters"], int) and row["n_parameters"] > 0
    for row in result.table[1:]:
        assert 0.0 <= row["p_value"] <= 1.0
        lr_scores = result.fold_scores["lr"]["accuracy"]
        scores = result.fold_scores[row["model"]]["accuracy"]
        assert row["delta"] == pytest.approx(np.mean(scores) - np.mean(lr_scores))
        _, p = corrected_ttest(scores, lr_scores, n_train=200, n_test=100)
        assert row["p_value"] == pytest.approx(p)
    # MLP on 8 hidden units: (n_features + 1) * 8 + 9 weights
    mlp = result.table[1]
    assert (mlp["n_parameters"] - 9) % 8 == 0
    # LSTM with 500 ids, 8-d embedding, 4 units, one sigmoid output
    assert result.table[2]["n_parameters"] == 500 * 8 + 4 * (4 * (8 + 4 + 1)) + 5
    # progress: one call per (model, fold), in order
    assert [c[:2] for c in calls] == [(i, 9) for i in range(1, 10)]
    assert [c[2] for c in calls[:3]] == ["lr", "mlp", "lstm"]
    assert [c[3] for c in calls] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert set(calls[0][4]) == {"accuracy", "f1_macro"}


def test_result_outputs(small_comparison):
    result, _, _ = small_comparison
    markdown = result.to_markdown()
    lines = markdown.splitlines()
    assert lines[0].startswith("| model") and "accuracy" in lines[0]
    assert "p-value" in lines[0] and "parameters" in lines[0]
    assert set(lines[1]) <= {"|", "-", ":"}
    assert [line.split("|")[1].strip() for line in lines[2:5]] == ["lr", "mlp", "lstm"]
    assert "±" in lines[2]
    assert "corrected resampled t-test" in markdown
    assert str(result) == markdown

    data = json.loads(result.to_json())
    assert data["task"] == "classification" and data["baseline"] == "lr"
    assert [row["model"] for row in data["table"]] == ["lr", "mlp", "lstm"]
    assert data["table"][0]["p_value"] is None
    assert len(data["fold_scores"]["mlp"]["accuracy"]) == 3

    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert [row["model"] for row in rows] == ["lr", "mlp", "lstm"]
    assert float(rows[1]["accuracy_mean"]) == pytest.approx(
        result.table[1]["accuracy_mean"]
    )

    pd = pytest.importorskip("pandas")
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index) == ["lr", "mlp", "lstm"]


def fast_models():
    return {"nb": make_pipeline(CountVectorizer(), MultinomialNB())}


def test_baseline_is_added_first_unless_disabled(sentences):
    X, y = sentences
    result = compare_models(fast_models(), X, y, cv=2)
    assert [row["model"] for row in result.table] == ["lr", "nb"]
    assert 0.0 <= result.table[1]["p_value"] <= 1.0

    result = compare_models(fast_models(), X, y, cv=2, baseline=False)
    assert [row["model"] for row in result.table] == ["nb"]
    assert result.baseline is None and result.table[0]["p_value"] is None
    assert "p-value" not in result.to_markdown()

    models = {**fast_models(), "nb2": make_pipeline(TfidfVectorizer(), MultinomialNB())}
    result = compare_models(models, X, y, cv=2, baseline="nb2")
    assert [row["model"] for row in result.table] == ["nb2", "nb"]
    with pytest.raises(ValueError, match="baseline 'svm' is not one of the models"):
        compare_models(models, X, y, cv=2, baseline="svm")


def test_same_random_state_gives_the_same_folds(sentences):
    X, y = sentences
    a = compare_models(fast_models(), X, y, cv=3, random_state=1)
    b = compare_models(fast_models(), X, y, cv=3, random_state=1)
    c = compare_models(fast_models(), X, y, cv=3, random_state=2)
    assert a.test_indices == b.test_indices != c.test_indices
    assert a.fold_scores == b.fold_scores
    # stratified: every test fold holds both classes in equal shares (+-1)
    for rows in a.test_indices:
        counts = np.unique(y[rows], return_counts=True)[1]
        expected = np.unique(y, return_counts=True)[1] / 3
        assert np.all(np.abs(counts - expected) <= 1)


def test_custom_scoring_and_splitter(sentences):
    X, y = sentences
    result = compare_models(
        fast_models(),
        X,
        y,
        cv=KFold(2, shuffle=True, random_state=0),
        scoring=["balanced_accuracy"],
    )
    assert result.metrics == ["balanced_accuracy"]
    assert "balanced_accuracy_mean" in result.table[0]


def test_regression_uses_kfold_and_regression_metrics():
    rng = np.random.default_rng(0)
    words = np.array(["good", "bad", "plot", "film", "the", "great"])
    X = [" ".join(rng.choice(words, size=6)) for _ in range(60)]
    y = np.array(
        [doc.count("good") + doc.count("great") - doc.count("bad") for doc in X]
    )
    y = y + rng.normal(scale=0.1, size=60)
    result = compare_models(
        {"ridge": make_pipeline(CountVectorizer(), Ridge(alpha=0.1))}, X, y, cv=3
    )
    assert result.task == "regression"
    assert result.metrics == ["r2", "neg_mean_absolute_error"]
    assert [row["model"] for row in result.table] == ["lr", "ridge"]
    assert isinstance(make_baseline("regression")[-1], Ridge)
    assert result.table[1]["r2_mean"] > 0.9
    assert result.table[1]["neg_mean_absolute_error_mean"] < 0


def test_compare_models_validation(sentences):
    X, y = sentences
    with pytest.raises(ValueError, match="cv must be at least 2"):
        compare_models(fast_models(), X, y, cv=1)
    with pytest.raises(ValueError, match="smallest class, 'b', has only 2 document"):
        compare_models(fast_models(), X[:10], ["a"] * 8 + ["b"] * 2, cv=3)
    with pytest.raises(ValueError, match="300 documents but y has 299"):
        compare_models(fast_models(), X, y[:-1])
    with pytest.raises(ValueError, match=r"'nb' .*not a regressor"):
        compare_models(fast_models(), X, np.linspace(0, 1, 300), cv=2)
    with pytest.raises(ValueError, match=r"'ridge' .*not a classifier"):
        compare_models({"ridge": make_pipeline(CountVectorizer(), Ridge())}, X, y)
    with pytest.raises(ValueError, match="needs numeric targets"):
        compare_models(fast_models(), X, y, task="regression")
    with pytest.raises(TypeError, match="not a single string"):
        compare_models(fast_models(), "one document", ["a"])
    with pytest.raises(TypeError, match="'x' is not an estimator"):
        compare_models({"x": 3}, X, y)
