"""scikit-learn's own estimator checks over every public estimator, at its defaults."""

from conftest import MINI_BATCH_REASON, reported_not_run
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn_text import TextTokenizer, _registry

# Every estimator of every built-in family of the registry.
NETWORKS = [
    _registry.resolve(name)
    for family in _registry.built_in_families()
    for name in family.estimators.values()
]


ESTIMATORS = [*(cls() for cls in NETWORKS), TextTokenizer()]

# The one place where expected failures are declared, each with its reason.
# This list may only shrink.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": MINI_BATCH_REASON,
    "check_sample_weight_equivalence_on_sparse_data": MINI_BATCH_REASON,
}


@reported_not_run(
    parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda _: EXPECTED_FAILED_CHECKS),
    MINI_BATCH_REASON,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
