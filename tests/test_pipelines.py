"""The estimators inside scikit-learn's tooling: Pipeline, CV, grid search."""

import logging
import pickle

import numpy as np
import pytest
from conftest import make_reviews
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sknn_text import GRURegressor, LSTMTextClassifier, MLPTextClassifier, TextTokenizer


@pytest.fixture(scope="module")
def reviews():
    return make_reviews(300, max_cues=2)


def test_tfidf_mlp_pipeline(reviews):
    texts, labels, _ = reviews
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2)),
        MLPTextClassifier(
            hidden_layer_sizes=(16,), epochs=6, learning_rate=0.01, random_state=0
        ),
    )
    model.fit(texts[:240], labels[:240])
    assert model.score(texts[240:], labels[240:]) >= 0.9
    assert model.predict_proba(texts[240:]).shape == (60, 2)


def test_tokenizer_lstm_pipeline_and_pickle(reviews):
    texts, labels, _ = reviews
    model = make_pipeline(
        TextTokenizer(max_tokens=50, sequence_length=12),
        LSTMTextClassifier(
            units=16, embedding_dim=16, pooling="max", epochs=8, learning_rate=0.01,
            random_state=0,
        ),
    )
    model.fit(texts[:240], labels[:240])
    assert model.score(texts[240:], labels[240:]) >= 0.9
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        restored.predict_proba(texts[240:]), model.predict_proba(texts[240:])
    )


def test_tokenizer_gru_regressor_pipeline(reviews):
    texts, _, scores = reviews
    model = make_pipeline(
        TextTokenizer(),
        GRURegressor(
            units=16, embedding_dim=16, pooling="max", epochs=8, learning_rate=0.01,
            random_state=0,
        ),
    )
    model.fit(texts[:240], scores[:240])
    assert model.score(texts[240:], scores[240:]) > 0.6
    assert model.predict(texts[:3]).shape == (3,)


def test_cross_val_score_uses_stratified_folds(reviews, monkeypatch):
    texts, labels, _ = reviews
    seen = []
    original = StratifiedKFold.split

    def spy(self, X, y=None, groups=None):
        seen.append(type(self).__name__)
        return original(self, X, y, groups)

    monkeypatch.setattr(StratifiedKFold, "split", spy)
    model = make_pipeline(
        TfidfVectorizer(),
        MLPTextClassifier(
            hidden_layer_sizes=(8,), epochs=6, learning_rate=0.01, random_state=0
        ),
    )
    scores = cross_val_score(model, texts, labels, cv=3)
    assert seen == ["StratifiedKFold"]
    assert scores.shape == (3,) and scores.mean() > 0.85


def run_grid(texts, labels, n_jobs):
    pipeline = make_pipeline(
        TextTokenizer(),
        LSTMTextClassifier(units=8, embedding_dim=8, epochs=3, random_state=0),
    )
    # Two candidates, each setting a parameter of the tokenizer and one of the
    # network: every fit in the search runs the same code, so more would only cost.
    grid = GridSearchCV(
        pipeline,
        [
            {"texttokenizer__max_tokens": [10], "lstmtextclassifier__pooling": ["last"]},
            {"texttokenizer__max_tokens": [None], "lstmtextclassifier__pooling": ["max"]},
        ],
        cv=2,
        n_jobs=n_jobs,
    )
    return grid.fit(texts, labels)


@pytest.mark.slow
def test_grid_search_over_tokenizer_and_network_n_jobs_1_and_2(reviews, caplog):
    texts, labels, _ = reviews
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        sequential = run_grid(texts[:80], labels[:80], n_jobs=1)
        for n in (1, 2, 3, 1):
            sequential.predict(texts[:n])
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    parallel = run_grid(texts[:80], labels[:80], n_jobs=2)
    assert len(sequential.cv_results_["params"]) == 2
    np.testing.assert_allclose(
        sequential.cv_results_["mean_test_score"], parallel.cv_results_["mean_test_score"]
    )
    assert parallel.best_params_ == sequential.best_params_
    np.testing.assert_array_equal(
        parallel.predict(texts[80:]), sequential.predict(texts[80:])
    )
    assert not hasattr(clone(sequential.best_estimator_)[-1], "model_")
