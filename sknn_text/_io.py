"""``sknn_text.load``: an estimator back from a file written by its ``save``.

It sits above the estimator modules: the class a file names is looked up in the
registry (``_registry.resolve``) and built from the file's data only.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, BinaryIO

from ._persistence import fitted_attribute_names, load_model, read
from ._registry import resolve
from ._version import __version__

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator


def load(path: str | os.PathLike | BinaryIO) -> BaseEstimator:
    """Load an estimator written by ``save``; no code from the file is run.

    Unlike ``pickle.load`` and ``joblib.load``, which can execute arbitrary code
    hidden in a file, ``load`` reads JSON and a Keras model in the ``.keras``
    format with ``safe_mode=True`` only, and builds nothing but the sknn_text
    estimator class named in the file.

    Parameters
    ----------
    path : str, path-like or readable binary file object
        A file written by ``estimator.save(path)``.

    Returns
    -------
    estimator : estimator
        The estimator, fitted if it was fitted when saved; it predicts exactly
        as the saved one did.

    Raises
    ------
    ValueError
        If the file is not a complete, valid sknn_text file, or holds a Keras
        model that does not load in safe mode.

    Warns
    -----
    UserWarning
        If the file was written by another version of sknn_text.

    Examples
    --------
    >>> import sknn_text
    >>> tokenizer = sknn_text.TextTokenizer().fit(["a tiny corpus"])
    >>> import io
    >>> buffer = io.BytesIO()
    >>> tokenizer.save(buffer)
    >>> sknn_text.load(buffer).transform(["a corpus"]).tolist()
    [[2, 3, 0]]
    """
    saved = read(path)
    where, name = saved.where, saved.name
    cls = resolve(name)
    unknown = sorted(set(saved.state) - fitted_attribute_names(cls))
    if unknown:
        raise ValueError(
            f"{where} is not a valid sknn_text file: it holds unknown fitted "
            f"attributes {unknown}."
        )
    if saved.version != __version__:
        warnings.warn(
            f"{where} was saved with sknn_text {saved.version}; loading it with "
            f"sknn_text {__version__}. Check its predictions, or refit it.",
            UserWarning,
            stacklevel=2,
        )
    try:
        estimator = cls(**saved.params)
        estimator._validate_params()
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{where} is not a valid sknn_text file: its parameters do not fit "
            f"{name} ({error})."
        ) from None
    for attribute, value in saved.state.items():
        setattr(estimator, attribute, value)
    if saved.model_bytes is not None:
        estimator.model_ = load_model(saved.model_bytes, where)
    return estimator
