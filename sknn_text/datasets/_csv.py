"""Read labelled texts from delimited files (CSV, TSV), optionally gzip-compressed.

Only the standard library's :mod:`csv` and :mod:`gzip` are used: pandas is not
needed, and every cell stays a string until the target column is converted, so
texts such as "None", "NA" or "null" are never turned into missing values.
"""

import contextlib
import csv
import gzip
import io
import os
import re
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_text_csv"]

_TAB_SUFFIXES = (".tsv", ".tab")
_SNIFF_DELIMITERS = ",\t;|"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_TARGET_TYPES = ("auto", "category", "numeric")

# Fields of a few megabytes (whole articles in one cell) are legitimate here.
csv.field_size_limit(min(2**31 - 1, 64 * 1024 * 1024))


def _is_number(value):
    return _NUMBER.fullmatch(value.strip()) is not None


def _open_text(path, encoding):
    """Open ``path`` for reading as text, through gzip when it ends with ``.gz``."""
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _checked_path(path, target_type):
    """``(path, source)``: ``path`` as a ``Path`` to an existing file, and the
    name the error messages give it; ``target_type`` checked too."""
    if target_type not in _TARGET_TYPES:
        raise ValueError(
            f"target_type must be one of {_TARGET_TYPES}, got {target_type!r}."
        )
    path = Path(os.fspath(path))
    source = f"'{path}'"
    if not path.exists():
        raise FileNotFoundError(f"No such file: {source}.")
    if path.is_dir():
        raise ValueError(f"{source} is a directory, not a CSV or TSV file.")
    return path, source


@contextlib.contextmanager
def _read_errors(source, encoding):
    """A gzip or decoding error while ``source`` is read, as a ``ValueError``
    that names the file (and, for decoding, what to pass instead)."""
    try:
        yield
    except (gzip.BadGzipFile, EOFError) as exc:
        raise ValueError(f"{source} is not a valid gzip file: {exc}.") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{source} could not be decoded as {encoding} ({exc.reason}); pass the "
            "right encoding, e.g. encoding='latin-1'."
        ) from None


def _sample(stream, path, delimiter, source):
    """``(sample, delimiter)``: the first 64 KiB of ``stream`` and the delimiter
    (``delimiter``, or the one the name or the sample implies); an empty file is
    an error."""
    sample = stream.read(64 * 1024)
    if not sample.strip():
        raise ValueError(f"{source} is empty: expected a header row and data rows.")
    return sample, _delimiter_for(path, sample) if delimiter is None else delimiter


def _delimiter_for(path, sample):
    """The delimiter implied by the file name, else sniffed from ``sample``."""
    name = str(path).lower().removesuffix(".gz")
    if name.endswith(_TAB_SUFFIXES):
        return "\t"
    if name.endswith(".csv"):
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=_SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _iter_rows(stream, delimiter, source):
    """Yield the header row, then each data row lazily; blank lines are skipped.

    Each data row comes with the line number (1-based) where it ends.
    """
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ValueError(f"{source} is empty: expected a header row and data rows.")
        yield [cell.strip() for cell in header]
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        raise ValueError(
            f"{source} is not a valid delimited file (line {reader.line_num}): {exc}."
        ) from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{source} could not be decoded ({exc.reason} at byte {exc.start}); "
            "pass the right encoding, e.g. encoding='latin-1'."
        ) from None


def _read_rows(stream, delimiter, source):
    """Header and data rows of a delimited text stream (see ``_iter_rows``)."""
    rows = _iter_rows(stream, delimiter, source)
    header = next(rows)
    return header, list(rows)


def _column_index(header, column, role, source):
    if column in header:
        return header.index(column)
    available = ", ".join(repr(name) for name in header)
    raise ValueError(
        f"{role} column {column!r} not found in {source}; available columns: "
        f"{available}."
    )


def _row_cells(row, number, line, header, text, target, delimiter, source):
    """The text and the stripped target (None without one) of one data row.

    ``text`` and ``target`` are ``(index, column name)`` pairs; the target
    index is None when no target is read.
    """
    (text_index, text_column), (target_index, target_column) = text, target
    if len(row) != len(header):
        raise ValueError(
            f"Row {number} of {source} (line {line}) has {len(row)} field(s) "
            f"but the header has {len(header)}; check the delimiter "
            f"({delimiter!r}) and the quoting."
        )
    document = row[text_index]
    if not document.strip():
        raise ValueError(
            f"Row {number} of {source} (line {line}) has an empty text in "
            f"column {text_column!r}; remove the row or fill in the text."
        )
    if target_index is None:
        return document, None
    label = row[target_index]
    if not label.strip():
        raise ValueError(
            f"Row {number} of {source} (line {line}) has an empty target "
            f"in column {target_column!r}."
        )
    return document, label.strip()


def _check_not_numbers(texts, header, text_column, source, where=""):
    """Refuse a text column that holds only numbers (the wrong column, surely)."""
    if not all(_is_number(text) for text in texts):
        return
    others = [name for name in header if name != text_column]
    hint = f" Available columns: {', '.join(map(repr, others))}." if others else ""
    raise ValueError(
        f"Text column {text_column!r} of {source} holds only numbers{where}, not "
        f"text; pass the name of the column with the documents as text_column.{hint}"
    )


def _convert_target(values, target_type, column, source):
    """Labels as a str array, or numbers as an int/float array."""
    numeric = all(_is_number(value) for value in values)
    if target_type == "numeric" and not numeric:
        bad = next(value for value in values if not _is_number(value))
        raise ValueError(
            f"Target column {column!r} of {source} is not numeric: it contains {bad!r}."
        )
    if target_type == "category" or not numeric:
        return np.array(values, dtype=str)
    if target_type == "auto" and all(_INTEGER.fullmatch(v.strip()) for v in values):
        return np.array([int(value) for value in values], dtype=np.int64)
    return np.array([float(value) for value in values], dtype=np.float64)


def load_text_csv(
    path,
    *,
    text_column="text",
    target_column="label",
    delimiter=None,
    encoding="utf-8-sig",
    target_type="auto",
    return_X_y=False,
):
    """Load documents and their targets from a CSV or TSV file.

    The file needs a header row. Every cell is read as a string with the
    standard :mod:`csv` module, so texts such as ``"None"`` or ``"NA"`` stay
    texts. Paths ending with ``.gz`` are decompressed on the fly.

    Parameters
    ----------
    path : str or path-like
        The file to read, e.g. ``"reviews.csv"``, ``"reviews.tsv"`` or
        ``"reviews.csv.gz"``.
    text_column : str, default="text"
        Name of the column holding the documents.
    target_column : str or None, default="label"
        Name of the column holding the targets; None loads the texts only.
    delimiter : str, default=None
        Field separator. None picks a tab for ``.tsv``/``.tab`` files, a comma
        for ``.csv`` files, and sniffs other files (comma, tab, semicolon or
        pipe), with or without a trailing ``.gz``.
    encoding : str, default="utf-8-sig"
        Text encoding; the default reads UTF-8 with or without a byte-order mark.
    target_type : {"auto", "category", "numeric"}, default="auto"
        How to convert the target column. "auto" returns an integer array when
        every target is an integer, a float array when every target is a number
        (regression targets) and a string array otherwise; "category" always
        returns strings and "numeric" always returns floats.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : list of str
            The documents, in file order.
        target : ndarray of shape (n_samples,) or None
            The targets (see ``target_type``), None without ``target_column``.
        target_names : list or None
            The sorted distinct targets for string or integer targets, None for
            float targets or without ``target_column``.
        filename : str
            The path that was read.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is empty or has no data rows, a column is missing (the
        message lists the available columns), a row has the wrong number of
        fields, a text cell is empty, the text column holds only numbers, or a
        target cell is empty.

    See Also
    --------
    load_movie_sentences : A bundled sentiment dataset.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sknn_text.datasets import load_text_csv
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "reviews.tsv").write_text(
    ...     "text\\tstars\\nA fine film\\t4\\nNone\\t1\\nDull, dull, dull\\t2\\n"
    ... )
    >>> texts, stars = load_text_csv(
    ...     folder / "reviews.tsv", target_column="stars", target_type="numeric",
    ...     return_X_y=True,
    ... )
    >>> texts
    ['A fine film', 'None', 'Dull, dull, dull']
    >>> stars
    array([4., 1., 2.])
    """
    path, source = _checked_path(path, target_type)
    with _read_errors(source, encoding), _open_text(path, encoding) as stream:
        sample, delimiter = _sample(stream, path, delimiter, source)
        rest = io.StringIO(sample + stream.read())

    header, rows = _read_rows(rest, delimiter, source)
    if not rows:
        raise ValueError(f"{source} has a header row but no data rows.")
    text_index = _column_index(header, text_column, "Text", source)
    target_index = None
    if target_column is not None:
        target_index = _column_index(header, target_column, "Target", source)

    texts, targets = [], []
    for number, (line, row) in enumerate(rows, start=1):
        text, target = _row_cells(
            row, number, line, header, (text_index, text_column),
            (target_index, target_column), delimiter, source,
        )
        texts.append(text)
        if target_index is not None:
            targets.append(target)

    _check_not_numbers(texts, header, text_column, source)

    target, target_names = None, None
    if target_index is not None:
        target = _convert_target(targets, target_type, target_column, source)
        if target.dtype.kind in "Ui":
            target_names = np.unique(target).tolist()
    if return_X_y:
        return texts, target
    return Bunch(
        data=texts, target=target, target_names=target_names, filename=str(path)
    )
