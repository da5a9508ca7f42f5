"""scikit-learn's own estimator checks over every public estimator."""

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_text import (
    FastTextClassifier,
    GRUTextRegressor,
    LSTMTextRegressor,
    SimpleRNNTextClassifier,
    TextTokenizer,
    TransformerTextClassifier,
    TransformerTextRegressor,
    _registry,
)

# Every estimator of every built-in family of the registry.
NETWORKS = [
    _registry.resolve(name)
    for family in _registry.built_in_families()
    for name in family.estimators.values()
]


def check_instance(cls):
    """The estimator with half its default epochs at twice its learning rate.

    As scikit-learn lowers ``max_iter`` for its own checks: the checks run some
    40 fits per estimator. The Transformer, the costliest, is also narrower; it
    runs the same code.
    """
    defaults = cls()
    params = {"epochs": max(1, defaults.epochs // 2), "learning_rate": 2 * defaults.learning_rate}
    if cls in (TransformerTextClassifier, TransformerTextRegressor):
        params.update(embedding_dim=16, num_heads=2, feedforward_dim=32)
    return cls(**params)


ESTIMATORS = [*(check_instance(cls) for cls in NETWORKS), TextTokenizer()]


# The one place where expected failures are declared, each with its reason.
# This list may only shrink.
MINI_BATCH_REASON = (
    "Mini-batch training cannot make a sample weight of 2 equal to duplicating the "
    "sample: duplicates change the batches and the number of steps per epoch. "
    "scikit-learn checks its own MLP here only with full-batch lbfgs."
)
SHORT_BUDGET_REASON = (
    "The check's 100-200 rows give the check instance's 2-10 epochs of batch 32 "
    "only 10-70 gradient steps; {detail} The estimator passes the same check with "
    "a larger budget: see test_budget_limited_checks_pass_with_more_training."
)
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_REASON,
    "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_REASON,
}
SERIES_DETAIL = (
    "the 10 tabular features become a 10-step series whose one informative step "
    "lies mid-sequence, and R^2 reaches about 0.3 (needs > 0.5)."
)
MORE_TRAINING = {"epochs": 40, "learning_rate": 0.01}
# (estimator class, check) -> (why it fails with the defaults, the larger budget
# under which test_budget_limited_checks_pass_with_more_training passes it)
BUDGET_LIMITED_CHECKS = {
    (LSTMTextRegressor, "check_regressors_train"): (SERIES_DETAIL, MORE_TRAINING),
    (GRUTextRegressor, "check_regressors_train"): (SERIES_DETAIL, MORE_TRAINING),
    (TransformerTextRegressor, "check_regressors_train"): (
        "a 10-step series of one channel, with one position-embedded step that "
        "matters, stays below R^2 = 0.5.",
        MORE_TRAINING,
    ),
    (SimpleRNNTextClassifier, "check_class_weight_classifiers"): (
        "the tanh cell shifts 72-82% of the predictions to the up-weighted class "
        "(needs > 87%).",
        MORE_TRAINING,
    ),
    (FastTextClassifier, "check_class_weight_classifiers"): (
        "the linear model on 2 features moves too few predictions to the "
        "up-weighted class (needs > 87%).",
        {"epochs": 40, "learning_rate": 0.05},
    ),
}


def expected_failed_checks(estimator):
    failures = dict(EXPECTED_FAILED_CHECKS)
    for (cls, check), (detail, _) in BUDGET_LIMITED_CHECKS.items():
        if type(estimator) is cls:
            failures[check] = SHORT_BUDGET_REASON.format(detail=detail)
    return failures


def reported_not_run(parametrization, reason):
    """``parametrization`` with the checks expected to fail for ``reason`` reported
    as expected failures without running them.

    For the mini-batch sample-weight checks: their failure is structural, so
    running them (some 35 s of the suite) could never tell anything new.
    """
    params = []
    for param in parametrization.args[1]:
        marks = getattr(param, "marks", ())
        if any(mark.name == "xfail" and mark.kwargs.get("reason") == reason for mark in marks):
            param = pytest.param(
                *param.values, marks=pytest.mark.xfail(reason=reason, run=False), id=param.id
            )
        params.append(param)
    return pytest.mark.parametrize(parametrization.args[0], params, **parametrization.kwargs)


@reported_not_run(
    parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks),
    MINI_BATCH_REASON,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "cls, check_name",
    list(BUDGET_LIMITED_CHECKS),
    ids=lambda value: getattr(value, "__name__", value),
)
def test_budget_limited_checks_pass_with_more_training(cls, check_name):
    check = getattr(estimator_checks, check_name)
    _, budget = BUDGET_LIMITED_CHECKS[cls, check_name]
    check(cls.__name__, cls(**budget))
