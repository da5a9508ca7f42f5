"""scikit-learn conventions beyond fit/predict: metadata routing and the HTML repr.

With ``enable_metadata_routing=True`` a ``sample_weight`` passed to a Pipeline or
to ``cross_validate`` reaches our ``fit`` exactly when the estimator asked for it
(``set_fit_request(sample_weight=True)``).
"""

import numpy as np
import pytest
import sklearn
from conftest import make_reviews
from sklearn.base import clone
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import get_scorer, log_loss
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from sknn_text import CNNTextClassifier, MLPTextClassifier, TextTokenizer
from sknn_text._base import BaseTextNetwork


@pytest.fixture(scope="module")
def reviews():
    return make_reviews(120)[:2]


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def mlp_pipeline(request=True):
    clf = MLPTextClassifier(
        hidden_layer_sizes=(8,), epochs=10, learning_rate=0.01, random_state=0
    )
    if request:
        clf.set_fit_request(sample_weight=True)
    return make_pipeline(TfidfVectorizer(), clf)


def token_pipeline(request=True):
    # Routing happens in the base class, the same for every network on token
    # ids: the CNN fits in half the time of an LSTM.
    clf = CNNTextClassifier(
        filters=8, embedding_dim=8, epochs=10, learning_rate=0.01, random_state=0
    )
    if request:
        clf.set_fit_request(sample_weight=True)
    return make_pipeline(TextTokenizer(), clf)


PIPELINES = {"mlp": mlp_pipeline, "tokens-cnn": token_pipeline}


@pytest.fixture
def received(monkeypatch):
    """The ``sample_weight`` each fit of ours received, in order."""
    calls = []
    original = BaseTextNetwork._training_weights

    def spy(self, X, y, sample_weight):
        calls.append(None if sample_weight is None else np.asarray(sample_weight))
        return original(self, X, y, sample_weight)

    monkeypatch.setattr(BaseTextNetwork, "_training_weights", spy)
    return calls


@pytest.mark.parametrize("name", list(PIPELINES))
def test_pipeline_routes_sample_weight_to_fit(name, reviews, routing, received):
    texts, labels = reviews
    make = PIPELINES[name]
    plain = make().fit(texts, labels)
    assert received == [None]

    # Weights of 1 change nothing (same random_state, same network).
    ones = make().fit(texts, labels, sample_weight=np.ones(len(labels)))
    np.testing.assert_array_equal(received[1], np.ones(len(labels)))
    np.testing.assert_allclose(
        ones.predict_proba(texts), plain.predict_proba(texts), rtol=1e-6, atol=1e-7
    )

    # Zero weight on every "neg" review: the network learns (almost) only "pos".
    weights = np.where(labels == "neg", 0.0, 1.0)
    weighted = make().fit(texts, labels, sample_weight=weights)
    np.testing.assert_array_equal(received[2], weights)
    pos = list(plain.classes_).index("pos")
    shift = weighted.predict_proba(texts)[:, pos] - plain.predict_proba(texts)[:, pos]
    assert np.all(shift > 0) and shift[labels == "neg"].mean() > 0.3, shift
    assert (weighted.predict(texts) == "pos").mean() > 0.9
    assert (plain.predict(texts) == "pos").mean() < 0.7


@pytest.mark.parametrize("name", list(PIPELINES))
def test_unrequested_sample_weight_is_an_error(name, reviews, routing):
    texts, labels = reviews
    with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
        PIPELINES[name](request=False).fit(
            texts, labels, sample_weight=np.ones(len(labels))
        )


@pytest.mark.parametrize("name", list(PIPELINES))
def test_cross_validate_routes_sample_weight(name, reviews, routing, received):
    texts, labels = reviews
    texts = np.asarray(texts, dtype=object)
    make = PIPELINES[name]
    rng = np.random.RandomState(0)
    weights = np.where(labels == "neg", 0.05, 1.0) * rng.uniform(0.5, 1.5, len(labels))
    cv = StratifiedKFold(2)
    # The scorer ignores the weights: only fit asks for them.
    scoring = get_scorer("neg_log_loss").set_score_request(sample_weight=False)
    results = cross_validate(
        make(), texts, labels, cv=cv, params={"sample_weight": weights}, scoring=scoring
    )
    # Each fold's fit received that fold's weights ...
    folds = list(cv.split(texts, labels))
    assert len(received) == len(folds)
    for (train, _), got in zip(folds, received, strict=False):
        np.testing.assert_array_equal(got, weights[train])
    # ... and scores what a fit on that fold with those weights scores.
    for fold, (train, test) in enumerate(folds):
        model = make().fit(texts[train], labels[train], sample_weight=weights[train])
        expected = -log_loss(
            labels[test], model.predict_proba(texts[test]), labels=model.classes_
        )
        np.testing.assert_allclose(results["test_score"][fold], expected, rtol=1e-6)
    unweighted = cross_validate(make(), texts, labels, cv=cv, scoring=scoring)
    assert not np.allclose(results["test_score"], unweighted["test_score"])


# ------------------------------------------------------------------ HTML repr
@pytest.mark.parametrize("name", list(PIPELINES))
def test_html_repr_unfitted_fitted_and_pipeline(name, reviews):
    texts, labels = reviews
    pipeline = PIPELINES[name](request=False)
    estimator = clone(pipeline[-1])
    class_name = type(estimator).__name__

    unfitted = estimator._repr_html_()
    assert class_name in unfitted and "<div" in unfitted
    assert "<span>Not fitted</span>" in unfitted

    pipeline_html = pipeline._repr_html_()
    assert class_name in pipeline_html and "Pipeline" in pipeline_html

    pipeline.fit(texts, labels)
    fitted = pipeline[-1]._repr_html_()
    assert class_name in fitted and "<div" in fitted
    assert "<span>Fitted</span>" in fitted and "Not fitted" not in fitted
    fitted_pipeline = pipeline._repr_html_()
    assert class_name in fitted_pipeline and "<span>Fitted</span>" in fitted_pipeline
    assert "Not fitted" not in fitted_pipeline
    # The parameter table shows our parameters.
    assert "hidden_layer_sizes" in fitted or "embedding_dim" in fitted
