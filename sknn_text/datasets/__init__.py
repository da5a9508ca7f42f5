"""Bundled text datasets and a loader for your own CSV/TSV files.

The datasets are small enough to ship with the package, so the loaders need
no network access. Each returns a :class:`~sklearn.utils.Bunch` with ``data``
(a list of str), ``target``, ``target_names`` and ``DESCR``, like
:mod:`sklearn.datasets`. :func:`load_conll` reads the column files of
sequence labelling (sentences and their tags). :func:`iter_text_csv` streams a
file too large for memory in shuffled chunks, for ``partial_fit``.
"""

from ._bundled import list_datasets, load_dataset, load_movie_sentences, load_sms_spam
from ._conll import load_conll
from ._csv import load_text_csv
from ._stream import iter_text_csv

__all__ = [
    "iter_text_csv",
    "list_datasets",
    "load_conll",
    "load_dataset",
    "load_movie_sentences",
    "load_sms_spam",
    "load_text_csv",
]
