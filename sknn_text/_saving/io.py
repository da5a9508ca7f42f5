"""``sknn_text.save`` and ``sknn_text.load``: estimators and pipelines as data.

Also :func:`skops_trusted_types`, the names to trust when ``skops.io`` (or
MLflow, which saves scikit-learn models with skops) loads our estimators.

It sits above the estimator modules: the class a file names is looked up in the
registry (``_registry.resolve``) or among the scikit-learn steps the format
stores (``encoding.SKLEARN_STEPS``), and built from the file's data only.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, BinaryIO

from sklearn.pipeline import Pipeline

from .._registry import class_modules, resolve
from .._version import __version__
from ..embeddings import WordVectors
from .encoding import SKLEARN_STEP_NAMES, build_sklearn_step
from .file_format import SavedEstimator, fitted_attribute_names, read
from .file_format import save as write
from .model_bytes import model_from_bytes

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator


def save(
    estimator: BaseEstimator,
    path: str | os.PathLike | BinaryIO,
    *,
    include_optimizer: bool = True,
) -> None:
    """Save an estimator or a whole pipeline to a file that loads without running code.

    The file holds JSON (parameters and fitted attributes, a vectorizer's
    vocabulary and IDF weights included) and each network in Keras's
    ``.keras`` format; :func:`sknn_text.load` reads it back without executing
    code from it. ``pickle``, ``joblib`` and ``skops.io`` work too.

    Parameters
    ----------
    estimator : estimator or Pipeline
        One of sknn_text's estimators (a network, ``TextTokenizer`` or
        ``NaiveBayesWeighting``); one of the scikit-learn text steps
        ``CountVectorizer``, ``TfidfVectorizer``, ``HashingVectorizer``,
        ``TfidfTransformer`` and ``Normalizer``; or a ``Pipeline`` of these
        (``"passthrough"`` steps too), fitted or not.
    path : str, path-like or writable binary file object
        Where to write the file (a zip archive; ``.sknn`` is a good suffix).
    include_optimizer : bool, default=True
        Keep each network's optimizer state, which only further training
        (``warm_start``, ``partial_fit``) uses. Adam keeps two numbers per
        weight, so ``False`` makes a file for prediction about a third of the
        size; it predicts identically, and further training starts with a
        fresh optimizer state.

    Raises
    ------
    TypeError
        If the estimator, or a step of the pipeline, is of another class
        (nested pipelines, ``FeatureUnion``, other scikit-learn estimators):
        use ``pickle``, ``joblib`` or ``skops.io`` for those.
    ValueError
        If a parameter is code rather than data (Keras callbacks, a custom
        ``tokenizer`` or ``preprocessor`` function).

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import io
    >>> import sknn_text
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> texts, labels = ["a good film", "a bad film", "good", "bad"] * 5, [1, 0, 1, 0] * 5
    >>> model = make_pipeline(
    ...     TfidfVectorizer(), sknn_text.MLPTextClassifier((4,), epochs=2, random_state=0)
    ... ).fit(texts, labels)
    >>> buffer = io.BytesIO()
    >>> sknn_text.save(model, buffer, include_optimizer=False)
    >>> loaded = sknn_text.load(buffer)
    >>> bool((loaded.predict_proba(texts) == model.predict_proba(texts)).all())
    True
    """
    write(estimator, path, include_optimizer=include_optimizer)


def load(path: str | os.PathLike | BinaryIO) -> BaseEstimator:
    """Load an estimator or pipeline written by ``save``; no code from the file is run.

    Unlike ``pickle.load`` and ``joblib.load``, which can execute arbitrary code
    hidden in a file, ``load`` reads JSON and Keras models in the ``.keras``
    format with ``safe_mode=True`` only, and builds nothing but the classes
    that the format stores (see :func:`save`).

    Parameters
    ----------
    path : str, path-like or readable binary file object
        A file written by :func:`sknn_text.save` or ``estimator.save(path)``.

    Returns
    -------
    estimator : estimator or Pipeline
        What was saved, fitted if it was fitted when saved; it predicts exactly
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
    if saved.version != __version__:
        warnings.warn(
            f"{saved.where} was saved with sknn_text {saved.version}; loading it with "
            f"sknn_text {__version__}. Check its predictions, or refit it.",
            UserWarning,
            stacklevel=2,
        )
    if saved.estimator is not None:
        return _build(saved.estimator, saved)
    steps = [
        (name, step if isinstance(step, (str, type(None))) else _build(step, saved))
        for name, step in saved.steps
    ]
    try:
        return Pipeline(steps, **saved.pipeline_params)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{saved.where} is not a valid sknn_text file: its pipeline cannot be "
            f"rebuilt ({error})."
        ) from None


def _build(entry, saved):
    """The estimator of one saved entry (see ``file_format.SavedEstimator``)."""
    where, name = saved.where, entry.name
    if name in SKLEARN_STEP_NAMES:
        try:
            return build_sklearn_step(name, entry.params, entry.state)
        except ValueError as error:
            raise ValueError(f"{where} is not a valid sknn_text file: {error}.") from None
    cls = resolve(name)
    unknown = sorted(set(entry.state) - fitted_attribute_names(cls))
    if unknown:
        raise ValueError(
            f"{where} is not a valid sknn_text file: it holds unknown fitted "
            f"attributes {unknown}."
        )
    params = {  # a parameter stored as an estimator (``pretrained``)
        key: _build(value, saved) if isinstance(value, SavedEstimator) else value
        for key, value in entry.params.items()
    }
    try:
        estimator = cls(**params)
        estimator._validate_params()
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{where} is not a valid sknn_text file: its parameters do not fit "
            f"{name} ({error})."
        ) from None
    for attribute, value in entry.state.items():
        setattr(estimator, attribute, value)
    if entry.model_bytes is not None:
        try:
            estimator.model_ = model_from_bytes(
                entry.model_bytes, fresh_optimizer=not saved.include_optimizer
            )
        except ValueError as error:
            raise ValueError(
                f"{where} is not a valid sknn_text file: its model.keras {error}."
            ) from error
    return estimator


def skops_trusted_types() -> list[str]:
    """The types to trust when ``skops.io`` loads sknn_text's estimators.

    ``skops.io.load`` builds only the types it is told to trust; scikit-learn's
    own are trusted by default, and these are sknn_text's: every registered
    estimator class, ``TextTokenizer``, ``NaiveBayesWeighting`` and
    ``WordVectors``. Trusting them runs
    no code from the file: an estimator's pickled state holds its network as
    the bytes of a ``.keras`` file, which it loads with ``safe_mode=True``.

    Returns
    -------
    types : list of str
        Full type names (``"sknn_text._architectures._mlp.MLPTextClassifier"``),
        as ``skops.io.get_untrusted_types`` reports them.

    Examples
    --------
    >>> import skops.io
    >>> import sknn_text
    >>> tokenizer = sknn_text.TextTokenizer().fit(["a tiny corpus"])
    >>> data = skops.io.dumps(tokenizer)
    >>> skops.io.get_untrusted_types(data=data)
    ['sknn_text.preprocessing.TextTokenizer']
    >>> loaded = skops.io.loads(data, trusted=sknn_text.skops_trusted_types())
    >>> loaded.transform(["a corpus"]).tolist()
    [[2, 3, 0]]

    With MLflow (whose default format for scikit-learn models is skops)::

        mlflow.sklearn.log_model(
            pipeline, name="model", skops_trusted_types=sknn_text.skops_trusted_types()
        )
    """
    classes = {resolve(name) for name in class_modules()}
    classes.add(WordVectors)
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
