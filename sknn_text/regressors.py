"""The neural text regressors, every class named ``<Architecture>TextRegressor``.

The recurrent ones also forecast numeric series, so each has a short alias
without ``Text`` (``GRURegressor is GRUTextRegressor``). Each is defined with its
architecture in ``sknn_text._architectures``; this module re-exports the
registry's regressors (for ``from sknn_text.regressors import ...`` and for
pickles made before they moved).
"""

from ._registry import resolve, task_names

__all__ = task_names("regressor")


def __getattr__(name):
    if name in __all__:
        return resolve(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
