"""Stream labelled texts from a CSV or TSV file in chunks, mixed on the way.

The file is read lazily, row by row, with the standard :mod:`csv` module over
an open (optionally gzip-compressed) file, so a corpus larger than memory can
feed ``partial_fit`` one chunk at a time. Rows pass through a shuffle buffer:
a file sorted by class would otherwise arrive one class at a time, and a
network trained on such a stream learns only the last class it saw.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ._csv import (
    _INTEGER,
    _check_not_numbers,
    _checked_path,
    _column_index,
    _is_number,
    _iter_rows,
    _open_text,
    _read_errors,
    _row_cells,
    _sample,
)

__all__ = ["iter_text_csv"]

_KIND_NAMES = {"int": "integers", "float": "numbers", "str": "strings"}


def _check_count(value, name, minimum, meaning):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        raise ValueError(f"{name} must be an int >= {minimum} ({meaning}), got {value!r}.")
    return int(value)


def _target_kind(values, target_type):
    """The kind ("int", "float" or "str") the targets of the stream convert to."""
    if target_type == "category":
        return "str"
    if target_type == "numeric":
        return "float"
    if all(_INTEGER.fullmatch(value) for value in values):
        return "int"
    return "float" if all(_is_number(value) for value in values) else "str"


def _convert_chunk(values, kind, column, source):
    """Targets of one chunk as an array of ``kind``; a value that does not fit
    the kind (fixed by the first chunk under "auto") is an error."""
    if kind == "str":
        return np.array(values, dtype=str)
    fits = _INTEGER.fullmatch if kind == "int" else _is_number
    bad = next((value for value in values if not fits(value)), None)
    if bad is not None:
        raise ValueError(
            f"Target column {column!r} of {source} holds {bad!r}, but the targets "
            f"read so far were {_KIND_NAMES[kind]}; pass target_type='category' "
            "(labels) or target_type='numeric' (numbers) to fix the type."
        )
    if kind == "int":
        return np.array([int(value) for value in values], dtype=np.int64)
    return np.array([float(value) for value in values], dtype=np.float64)


def _read_header(path, delimiter, encoding, source):
    """The delimiter and the header row, read once before streaming."""
    with _read_errors(source, encoding), _open_text(path, encoding) as stream:
        _, delimiter = _sample(stream, path, delimiter, source)
        stream.seek(0)
        return delimiter, next(_iter_rows(stream, delimiter, source))


def iter_text_csv(
    path,
    *,
    text_column="text",
    target_column="label",
    chunksize=1000,
    shuffle_buffer=10_000,
    random_state=None,
    delimiter=None,
    encoding="utf-8-sig",
    target_type="auto",
):
    """Stream documents and their targets from a CSV or TSV file, in chunks.

    The out-of-core counterpart of :func:`load_text_csv`: the file is read
    lazily, one row at a time, and never held in memory as a whole; paths
    ending with ``.gz`` are decompressed on the fly. Each chunk suits one call
    of ``partial_fit`` after a stateless vectorizer such as
    :class:`~sklearn.feature_extraction.text.HashingVectorizer`.

    Rows are mixed through a shuffle buffer of ``shuffle_buffer`` rows: the
    buffer is filled first, then every new row takes the place of a row drawn
    at random from the buffer, which is emitted; the rows left at the end come
    out in random order. A buffer only mixes rows that are at most about
    ``shuffle_buffer`` rows apart, so to mix a file sorted by class the buffer
    must be about as large as the distance between the classes in the file
    (for two sorted classes, the size of the first class). A buffer at least
    as large as the file shuffles it completely.

    Parameters
    ----------
    path : str or path-like
        The file to read, e.g. ``"reviews.csv"``, ``"reviews.tsv"`` or
        ``"reviews.csv.gz"``; it needs a header row.
    text_column : str, default="text"
        Name of the column holding the documents.
    target_column : str or None, default="label"
        Name of the column holding the targets; None streams the texts only.
    chunksize : int, default=1000
        Number of rows per chunk; the last chunk may be smaller.
    shuffle_buffer : int, default=10_000
        Number of rows held in memory to mix the stream; 0 keeps file order.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle buffer; an int gives the same order on every pass.
        Pass a different int per pass (e.g. the pass number) to get a new
        order each time, reproducibly.
    delimiter : str, default=None
        Field separator. None picks a tab for ``.tsv``/``.tab`` files, a comma
        for ``.csv`` files, and sniffs other files (comma, tab, semicolon or
        pipe), with or without a trailing ``.gz``.
    encoding : str, default="utf-8-sig"
        Text encoding; the default reads UTF-8 with or without a byte-order mark.
    target_type : {"auto", "category", "numeric"}, default="auto"
        How to convert the target column. "category" gives strings and
        "numeric" floats. "auto" fixes the type on the first chunk (integers
        when every target is an integer, floats when every target is a number,
        strings otherwise) and keeps it for the whole stream: a later target
        that does not fit is an error, so every chunk has the same dtype.

    Returns
    -------
    chunks : iterator of (list of str, ndarray or None)
        ``(texts, targets)`` pairs of at most ``chunksize`` rows; ``targets``
        is None without ``target_column``. Every data row comes out exactly
        once. Each iteration over a new call reads the file again.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        At the call: for a bad ``chunksize``, ``shuffle_buffer`` or
        ``target_type``, an empty file, or a missing column (the message lists
        the available columns). While streaming: for a row with the wrong
        number of fields, an empty text or target cell, a first chunk whose
        texts are all numbers, or a target that does not fit the type of the
        first chunk.

    See Also
    --------
    load_text_csv : Load a whole file at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sknn_text.datasets import iter_text_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text(
    ...     "text,label\\nGreat fun,pos\\nA bore,neg\\nLoved it,pos\\nAwful,neg\\n"
    ... )
    >>> for texts, labels in iter_text_csv(path, chunksize=3, shuffle_buffer=0):
    ...     print(texts, labels)
    ['Great fun', 'A bore', 'Loved it'] ['pos' 'neg' 'pos']
    ['Awful'] ['neg']
    >>> chunks = iter_text_csv(path, chunksize=4, random_state=0)
    >>> sorted(next(chunks)[0])
    ['A bore', 'Awful', 'Great fun', 'Loved it']
    """
    chunksize = _check_count(chunksize, "chunksize", 1, "rows per chunk")
    shuffle_buffer = _check_count(
        shuffle_buffer, "shuffle_buffer", 0, "rows held to mix the stream; 0 keeps file order"
    )
    path, source = _checked_path(path, target_type)
    delimiter, header = _read_header(path, delimiter, encoding, source)
    text_index = _column_index(header, text_column, "Text", source)
    target_index = None
    if target_column is not None:
        target_index = _column_index(header, target_column, "Target", source)
    columns = (text_index, text_column), (target_index, target_column)
    rows = _checked_rows(path, encoding, delimiter, header, columns, source)
    mixed = _shuffled(rows, shuffle_buffer, check_random_state(random_state))
    return _chunks(mixed, chunksize, header, columns, target_type, source)


def _checked_rows(path, encoding, delimiter, header, columns, source):
    """``(text, target)`` of every data row, in file order, read lazily."""
    with _read_errors(source, encoding), _open_text(path, encoding) as stream:
        rows = _iter_rows(stream, delimiter, source)
        next(rows)  # the header, already read
        for number, (line, row) in enumerate(rows, start=1):
            yield _row_cells(row, number, line, header, *columns, delimiter, source)


def _shuffled(rows, size, rng):
    """``rows`` mixed through a buffer of ``size`` rows (file order for 0)."""
    buffer = []
    for row in rows:
        if len(buffer) < size:
            buffer.append(row)
            continue
        if not buffer:
            yield row
            continue
        index = rng.randint(len(buffer))
        yield buffer[index]
        buffer[index] = row
    for index in rng.permutation(len(buffer)):
        yield buffer[index]


def _chunks(rows, chunksize, header, columns, target_type, source):
    """Group ``rows`` into ``(texts, targets)`` chunks of ``chunksize`` rows."""
    kind = None
    texts, targets = [], []
    for text, target in rows:
        texts.append(text)
        targets.append(target)
        if len(texts) < chunksize:
            continue
        kind = yield from _emit(texts, targets, kind, header, columns, target_type, source)
        texts, targets = [], []
    if texts:
        yield from _emit(texts, targets, kind, header, columns, target_type, source)


def _emit(texts, targets, kind, header, columns, target_type, source):
    """Yield one chunk; return the target kind fixed by the first chunk."""
    (_, text_column), (target_index, target_column) = columns
    if kind is None:
        _check_not_numbers(texts, header, text_column, source, " in the first chunk")
        kind = "none" if target_index is None else _target_kind(targets, target_type)
    if kind == "none":
        yield texts, None
    else:
        yield texts, _convert_chunk(targets, kind, target_column, source)
    return kind
