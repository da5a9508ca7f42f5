"""Reader of CoNLL-style column files (CoNLL-2000 chunking, CoNLL-2002/2003 NER)."""

from __future__ import annotations

import gzip
import os

_GZIP_MAGIC = b"\x1f\x8b"


def _open_text(path, encoding):
    with open(path, "rb") as file:
        gzipped = file.read(2) == _GZIP_MAGIC
    if gzipped:
        return gzip.open(path, "rt", encoding=encoding)
    return open(path, encoding=encoding)


def load_conll(
    path,
    *,
    word_column=0,
    tag_column=-1,
    feature_columns=(),
    separator=None,
    encoding="utf-8",
):
    """Read sentences and their tags from a CoNLL-style column file.

    One token per line, its columns separated by whitespace (or
    ``separator``); a blank line ends a sentence. ``-DOCSTART-`` lines (document
    breaks of CoNLL-2002/2003) are skipped. Gzip-compressed files are read as
    they are (detected by their first bytes, whatever their name).

    Parameters
    ----------
    path : str or path-like
        The file.
    word_column : int, default=0
        Column of the token.
    tag_column : int, default=-1
        Column of the tag to predict (the last: the chunk tag of CoNLL-2000, the
        entity tag of CoNLL-2003).
    feature_columns : sequence of int, default=()
        Further columns (part of speech, ...) to keep as token features. When
        given, each token of ``X`` is a tuple ``(word, feature, ...)``, which
        the taggers read as extra per-token inputs.
    separator : str or None, default=None
        Column separator; None splits on runs of whitespace.
    encoding : str, default="utf-8"
        Text encoding of the file.

    Returns
    -------
    X : list of list
        The sentences: lists of tokens (str), or of tuples with
        ``feature_columns``.
    y : list of list of str
        The tags of each sentence.

    Examples
    --------
    >>> import os, tempfile
    >>> from sknn_text.datasets import load_conll
    >>> text = "-DOCSTART- -X- O\\n\\nHe PRP B-NP\\nreckons VBZ B-VP\\n\\nYes UH B-INTJ\\n"
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.txt")
    >>> _ = open(path, "w").write(text)
    >>> load_conll(path)
    ([['He', 'reckons'], ['Yes']], [['B-NP', 'B-VP'], ['B-INTJ']])
    >>> load_conll(path, feature_columns=[1])[0]
    [[('He', 'PRP'), ('reckons', 'VBZ')], [('Yes', 'UH')]]
    """
    feature_columns = tuple(feature_columns)
    X, y = [], []
    sentence, tags = [], []

    def close():
        if sentence:
            X.append(list(sentence))
            y.append(list(tags))
        sentence.clear()
        tags.clear()

    with _open_text(os.fspath(path), encoding) as file:
        for number, line in enumerate(file, start=1):
            columns = line.rstrip("\r\n").split(separator)
            if not line.strip():
                close()
                continue
            if columns[0] == "-DOCSTART-":
                close()
                continue
            try:
                word = columns[word_column]
                tag = columns[tag_column]
                features = tuple(columns[c] for c in feature_columns)
            except IndexError:
                raise ValueError(
                    f"{path}, line {number}: {len(columns)} column(s), but columns "
                    f"{[word_column, tag_column, *feature_columns]} are read."
                ) from None
            sentence.append((word, *features) if feature_columns else word)
            tags.append(tag)
    close()
    return X, y
