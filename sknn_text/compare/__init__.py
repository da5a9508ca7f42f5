"""Cross-validate several text models on the same folds and compare them.

:func:`compare_models` fits every model (a pipeline from raw documents to
predictions) on identical cross-validation folds, measures the scores, the fit
and prediction times and the model sizes, and tests each model against a
TF-IDF + linear baseline with the Nadeau & Bengio corrected resampled t-test.
:func:`default_models` returns the registry used by ``sknn-text compare``.
"""

from ._models import default_models, make_baseline, model_descriptions
from ._result import ComparisonResult
from ._run import check_folds, compare_models, count_parameters, infer_task
from ._stats import corrected_ttest

__all__ = [
    "ComparisonResult",
    "check_folds",
    "compare_models",
    "corrected_ttest",
    "count_parameters",
    "default_models",
    "infer_task",
    "make_baseline",
    "model_descriptions",
]
