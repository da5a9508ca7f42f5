"""Where the tokens of a scikit-learn analyzer lie in the raw document.

A vectorizer's analyzer (``CountVectorizer(...).build_analyzer()``, which
``TfidfVectorizer`` and ``TextTokenizer`` share) returns strings: words,
word n-grams joined by a space, or character n-grams, after preprocessing
(lowercasing, accent stripping). To highlight them, each needs the span of
characters of the *original* document it came from. :func:`analyzed_spans`
replays the analyzer's steps while keeping track of character offsets and
checks that it produced exactly the analyzer's strings. Where it cannot (a
callable ``analyzer``, or a ``preprocessor`` that changes the text beyond
recognition), it finds each string in the document from left to right
instead, and a string it cannot find gets no span.

A document's *words* (:class:`Occurrences` ``.words``) are the units an
explanation reports: the matches of ``token_pattern`` (stop words included)
for word analyzers, runs of non-space characters otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_NON_SPACE = re.compile(r"\S+")
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn collapses for char n-grams


@dataclass
class Occurrences:
    """The analyzer's tokens of one document and the words they cover.

    Attributes
    ----------
    tokens : list of str
        Exactly what the analyzer returned, in order.
    words : ndarray of shape (n_words, 2)
        Character spans ``[start, end)`` of the document's words.
    covers : list of tuple of int
        For each token, the indices of the words it covers (empty when the
        token could not be located).
    """

    tokens: list
    words: np.ndarray
    covers: list


def analyzed_spans(vectorizer, document):
    """The tokens ``vectorizer``'s analyzer makes of ``document``, located.

    Parameters
    ----------
    vectorizer : CountVectorizer, TfidfVectorizer or HashingVectorizer
        Anything with scikit-learn's text-vectorizer parameters and
        ``build_analyzer``.
    document : str

    Returns
    -------
    occurrences : Occurrences
    """
    tokens = list(vectorizer.build_analyzer()(document))
    analyzer = vectorizer.analyzer
    replayed = None
    if analyzer == "word":
        replayed = _word_tokens(vectorizer, document)
    elif analyzer in ("char", "char_wb"):
        replayed = _char_tokens(vectorizer, document, analyzer == "char_wb")
    if replayed is not None and replayed[0] == tokens:
        return Occurrences(tokens, replayed[1], replayed[2])
    return _searched(tokens, document)


def _offset_map(document, processed, preprocess):
    """Index into ``document`` of every character of ``processed`` (plus its end).

    Lowercasing and accent stripping work character by character; when the
    preprocessed text is the concatenation of its preprocessed characters,
    each output character comes from a known input character. None otherwise.
    """
    if len(processed) == len(document):
        return np.arange(len(document) + 1)
    pieces = [preprocess(character) for character in document]
    if "".join(pieces) != processed:
        return None
    lengths = np.fromiter((len(piece) for piece in pieces), dtype=np.int64, count=len(pieces))
    origin = np.repeat(np.arange(len(document)), lengths)
    return np.append(origin, len(document))


def _to_original(spans, offsets):
    """Spans over the preprocessed text as spans over the document."""
    if not len(spans):
        return np.zeros((0, 2), dtype=np.int64)
    spans = np.asarray(spans, dtype=np.int64)
    starts = offsets[spans[:, 0]]
    # The end of a span is one past the source of its last character.
    ends = offsets[np.maximum(spans[:, 1] - 1, spans[:, 0])] + 1
    ends = np.where(spans[:, 1] > spans[:, 0], ends, starts)
    return np.column_stack([starts, ends])


def _word_tokens(vectorizer, document):
    """Replay of scikit-learn's word analyzer: (tokens, word spans, covers)."""
    preprocess = vectorizer.build_preprocessor()
    processed = preprocess(document)
    offsets = _offset_map(document, processed, preprocess)
    if offsets is None:
        return None
    if vectorizer.tokenizer is None:
        pattern = re.compile(vectorizer.token_pattern)
        group = 1 if pattern.groups == 1 else 0
        found = [(m.group(group), m.span(group)) for m in pattern.finditer(processed)]
    else:
        strings = vectorizer.build_tokenizer()(processed)
        spans = _search(strings, processed)
        if any(span is None for span in spans):
            return None
        found = list(zip(strings, spans, strict=True))
    words = _to_original([span for _, span in found], offsets)
    stop_words = vectorizer.get_stop_words() or ()
    kept = [(index, token) for index, (token, _) in enumerate(found) if token not in stop_words]
    low, high = vectorizer.ngram_range
    tokens, covers = [], []
    for n in range(low, min(high, len(kept)) + 1):
        for start in range(len(kept) - n + 1):
            window = kept[start : start + n]
            tokens.append(" ".join(token for _, token in window))
            covers.append(tuple(index for index, _ in window))
    return tokens, words, covers


def _char_tokens(vectorizer, document, word_bounded):
    """Replay of scikit-learn's char and char_wb analyzers."""
    preprocess = vectorizer.build_preprocessor()
    processed = preprocess(document)
    offsets = _offset_map(document, processed, preprocess)
    if offsets is None:
        return None
    # Runs of 2+ white spaces become one space: keep where each kept char was.
    kept = np.ones(len(processed), dtype=bool)
    for run in _WHITE_SPACES.finditer(processed):
        kept[run.start() + 1 : run.end()] = False
    source = np.flatnonzero(kept)
    text = _WHITE_SPACES.sub(" ", processed)
    low, high = vectorizer.ngram_range
    tokens, spans = [], []
    parts = [(m.start(), m.group()) for m in _NON_SPACE.finditer(text)] if word_bounded else [
        (0, text)
    ]
    for begin, part in parts:
        padded = f" {part} " if word_bounded else part
        shift = begin - 1 if word_bounded else begin
        for n in range(low, high + 1):
            if not word_bounded and n > len(padded):
                break
            offset = 0
            while True:
                tokens.append(padded[offset : offset + n])
                first = min(max(shift + offset, begin), begin + len(part) - 1)
                last = max(min(shift + offset + n, begin + len(part)), first + 1)
                spans.append((first, last))
                if offset + n >= len(padded):
                    break
                offset += 1
            if word_bounded and offset == 0:
                break
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if len(spans):
        spans = np.column_stack([source[spans[:, 0]], source[spans[:, 1] - 1] + 1])
    spans = _to_original(spans, offsets)
    words = np.asarray(
        [m.span() for m in _NON_SPACE.finditer(document)], dtype=np.int64
    ).reshape(-1, 2)
    return tokens, words, [_overlapping(words, span) for span in spans]


def _overlapping(words, span):
    """Indices of the word spans that overlap ``span``."""
    start, end = span
    hits = np.flatnonzero((words[:, 0] < end) & (words[:, 1] > start))
    return tuple(int(i) for i in hits)


def _search(strings, text):
    """Span of each string in ``text``, searched from left to right (or None)."""
    spans, position = [], 0
    for string in strings:
        found = text.find(string, position) if string else -1
        if found < 0:
            spans.append(None)
            continue
        spans.append((found, found + len(string)))
        position = found + len(string)
    return spans


def _searched(tokens, document):
    """Occurrences located by a case-insensitive search in the document."""
    if len(document.lower()) == len(document):
        spans = _search([token.lower() for token in tokens], document.lower())
    else:
        spans = _search(tokens, document)
    words = np.asarray(
        [m.span() for m in _NON_SPACE.finditer(document)], dtype=np.int64
    ).reshape(-1, 2)
    covers = [() if span is None else _overlapping(words, span) for span in spans]
    return Occurrences(tokens, words, covers)
