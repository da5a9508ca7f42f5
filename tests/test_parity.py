"""The lecture's sanity checks: parameter counts and agreement with linear models."""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LinearRegression, LogisticRegression

from sknn_text import MLPTextClassifier, MLPTextRegressor
from sknn_text._architectures._mlp import build_mlp


def test_mnist_mlp_has_235146_parameters():
    model = build_mlp(784, 10, hidden_layer_sizes=(256, 128), output_activation="softmax")
    assert model.count_params() == 235_146
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 784))
    y = np.arange(40) % 10
    clf = MLPTextClassifier(hidden_layer_sizes=(256, 128), epochs=1, random_state=0)
    assert clf.fit(X, y).model_.count_params() == 235_146


def test_no_hidden_layer_regressor_recovers_linear_regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    true_coef = np.array([3.0, -2.0, 0.5, 0.0])
    y = 10.0 + X @ true_coef + rng.normal(scale=0.1, size=300)
    reference = LinearRegression().fit(X, y)
    network = MLPTextRegressor(
        hidden_layer_sizes=(), alpha=0.0, epochs=150, learning_rate=0.01, random_state=0
    ).fit(X, y)
    # A linear model's coefficients are its responses to unit inputs.
    intercept = network.predict(np.zeros((1, 4)))[0]
    coef = network.predict(np.eye(4)) - intercept
    np.testing.assert_allclose(coef, reference.coef_, atol=0.02)
    np.testing.assert_allclose(intercept, reference.intercept_, atol=0.02)


def test_no_hidden_layer_classifier_agrees_with_logistic_regression():
    X, y = make_classification(
        n_samples=400, n_features=6, n_informative=4, class_sep=0.8, random_state=0
    )
    reference = LogisticRegression(C=np.inf, max_iter=5000).fit(X, y)
    network = MLPTextClassifier(
        hidden_layer_sizes=(), alpha=0.0, epochs=200, learning_rate=0.01, random_state=0
    ).fit(X, y)
    agreement = np.mean(network.predict(X) == reference.predict(X))
    assert agreement >= 0.98
    np.testing.assert_allclose(
        network.predict_proba(X), reference.predict_proba(X), atol=0.03
    )
