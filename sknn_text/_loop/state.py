"""A fit that raises leaves the estimator exactly as it was."""

import contextlib

import keras


def _model_variables(model):
    optimizer_variables = model.optimizer.variables if model.optimizer else []
    return list(model.weights) + list(optimizer_variables)


@contextlib.contextmanager
def state_restored_on_error(estimator, model_in_place=None):
    """Undo every change to ``estimator``'s fitted state if the body raises.

    Fitted state is every instance attribute that is not a constructor
    parameter. ``model_in_place``, a model trained in place (``partial_fit``),
    also gets its weights and optimizer state back.
    """
    params = estimator.get_params(deep=False)
    saved = {k: v for k, v in vars(estimator).items() if k not in params}
    saved_values = None
    if model_in_place is not None:
        saved_values = [
            keras.ops.convert_to_numpy(v) for v in _model_variables(model_in_place)
        ]
    try:
        yield
    except BaseException:
        for name in [k for k in vars(estimator) if k not in params]:
            delattr(estimator, name)
        for name, value in saved.items():
            setattr(estimator, name, value)
        if saved_values is not None:
            for variable, value in zip(
                _model_variables(model_in_place), saved_values, strict=False
            ):
                variable.assign(value)
        raise
