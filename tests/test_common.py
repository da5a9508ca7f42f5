"""scikit-learn's own estimator checks over every public estimator.

scikit-learn runs its common checks at small "checking" parameters (a low
``max_iter``), and so do we (``conftest.sklearn_checks``), in two parts:

* the structural checks (fit/predict contracts, input validation, pickling,
  invariances...) at ``conftest.CHECKING_PARAMETERS``, a two-epoch budget
  that leaves every architecture as its defaults build it;
* the checks that judge what a fit learns (``conftest.LEARNING_CHECKS``) at
  the true defaults, for every estimator, so that ``epochs="auto"`` is still
  proven to learn scikit-learn's toy problems.

Both run in the full suite (``pytest -n 2``) and in CI; the learning checks,
the regressors' structural checks and those of the SimpleRNN and GRU
classifiers carry the ``slow`` marker, which the fast loop
(``-m "not slow"``) leaves out.
The expected failures are declared once, with their reasons, in
``conftest.EXPECTED_FAILED_CHECKS``.
"""

import pytest
from conftest import CHECKING_PARAMETERS, check_name, selected_checks, sklearn_checks

from sknn_text import TextTokenizer, _registry

# Every estimator of every built-in family of the registry.
NETWORKS = [
    _registry.resolve(name)
    for family in _registry.built_in_families()
    for name in family.estimators.values()
]

#: The fast loop checks one recurrent cell: SimpleRNN and GRU build the same
#: encoder as the LSTM (``_architectures._recurrent``) with another Keras cell.
#: The full suite and CI check them all.
SAME_ENCODER_AS_THE_LSTM = {"SimpleRNNTextClassifier", "GRUTextClassifier"}

STRUCTURAL, LEARNING = sklearn_checks(
    NETWORKS,
    others=[TextTokenizer()],
    fast_loop=lambda cls: cls.__name__ not in SAME_ENCODER_AS_THE_LSTM,
)


@pytest.mark.parametrize("estimator, check", STRUCTURAL + LEARNING)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _checks_of(params, cls):
    return {param.id.split("-", 1)[1] for param in params if type(param.values[0]) is cls}


def test_every_check_runs_once_per_estimator():
    """The two parts split scikit-learn's checks, losing none."""
    for cls in NETWORKS:
        every = _checks_of(selected_checks([cls()], lambda _: True), cls)
        structural, learning = _checks_of(STRUCTURAL, cls), _checks_of(LEARNING, cls)
        assert structural | learning == every, cls.__name__
        assert not structural & learning, cls.__name__


def test_learning_checks_run_at_the_defaults_and_the_rest_at_the_budget():
    for param in LEARNING:
        estimator = param.values[0]
        assert estimator.get_params() == type(estimator)().get_params()
    assert {check_name(param.values[1]) for param in LEARNING} >= {
        "check_classifiers_train",
        "check_regressors_train",
        "check_classifiers_classes",
        "check_supervised_y_2d",
    }
    for param in STRUCTURAL:
        estimator = param.values[0]
        if not isinstance(estimator, TextTokenizer):
            assert estimator.get_params()["epochs"] == CHECKING_PARAMETERS["epochs"]
