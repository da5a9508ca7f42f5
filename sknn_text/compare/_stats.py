"""Nadeau & Bengio's corrected resampled t-test for paired cross-validation scores."""

import math

import numpy as np
from scipy import stats

__all__ = ["corrected_ttest"]


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
