"""The neural text regressors, every class named ``<Architecture>TextRegressor``.

The recurrent ones also forecast numeric series, so each has a short alias
without ``Text`` (``GRURegressor is GRUTextRegressor``). Each is defined with its
architecture in ``sknn_text._architectures``; this module re-exports the
registry's regressors (for ``from sknn_text.regressors import ...`` and for
pickles made before they moved).
"""

from ._registry import task_exports

__all__, __getattr__ = task_exports("regressor", __name__)
