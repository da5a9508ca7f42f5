"""Estimator parameters declared once, as annotated class attributes.

A class decorated with :func:`parameters` lists its constructor parameters as
annotated attributes with defaults, and validates them with a
``_parameter_constraints`` dict for *its own* parameters, in scikit-learn's
declarative style. The decorator writes the ``__init__`` that stores every
parameter as given (keyword-only unless a field says otherwise, as
``dataclasses`` does), and merges the constraints of every class in the MRO,
so that each room of the package (training loop, architecture, output head)
declares its parameters and their checks in one place::

    @parameters
    class TaggerHead:
        crf: bool = True
        _parameter_constraints: ClassVar[dict] = {"crf": ["boolean"]}

The generated ``__init__`` has an explicit signature, which is what
``get_params``, ``clone`` and ``GridSearchCV`` read. Concrete estimators use
:func:`estimator` (through ``_composition.compose``, which adds the
parameters an encoder declares), which also completes the class docstring
(see ``_docs``).
"""

import dataclasses

from ._docs import complete_docstring


def parameters(cls):
    """Generate ``cls.__init__`` from its annotated parameters; merge constraints.

    Raises ``TypeError`` at import time for a parameter without a constraint,
    so that no parameter escapes ``_validate_params``.
    """
    cls = dataclasses.dataclass(
        cls, repr=False, eq=False, kw_only=True, match_args=False
    )
    constraints = {}
    for klass in reversed(cls.__mro__):
        constraints.update(vars(klass).get("_parameter_constraints", {}))
    names = [field.name for field in dataclasses.fields(cls)]
    missing = [name for name in names if name not in constraints]
    if missing:
        raise TypeError(f"{cls.__name__}: parameters without a constraint: {missing}")
    cls._parameter_constraints = {name: constraints[name] for name in names}
    return cls


def estimator(cls):
    """:func:`parameters` for a public estimator, plus its generated docstring
    sections (Parameters, Attributes) inserted into ``cls.__doc__``."""
    cls = parameters(cls)
    cls.__doc__ = complete_docstring(cls, dataclasses.fields(cls))
    return cls


def parameter_names(cls):
    """The constructor parameters of a :func:`parameters` class, in order."""
    return [field.name for field in dataclasses.fields(cls)]
