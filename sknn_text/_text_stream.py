"""Texts as one stream of token ids: what the language models read and predict.

A language model owns its tokenizer, so that ``generate`` takes and returns text:

* ``level="word"``: a token is a whitespace-separated word, kept as written
  (no lower-casing, punctuation stays attached unless the text separates it);
  ``" ".join`` puts generated words back together;
* ``level="char"``: a token is one character, spaces and newlines included.

The vocabulary is a list whose position ``i`` is the token of id ``i``: id 0 is
padding (never predicted), id 1 ``<unk>`` (every token outside the vocabulary,
and a literal ``<unk>`` in the text, as in the Penn Treebank), id 2 ``<eos>``
(the end of a document, and a literal ``<eos>``), then the kept tokens, the most
frequent first (ties alphabetical).

A corpus becomes one stream ``<eos> doc_1 <eos> doc_2 <eos> ...``: the first
token of each document is predicted from the document boundary. Training cuts
the stream into windows of ``sequence_length`` inputs (the targets are the same
tokens shifted by one); scoring cuts it into overlapping windows so that every
token is predicted once, with at least half a window of context (except at the
start of the stream).
"""

from collections import Counter

import numpy as np

from ._token_ids import OOV_ID, PADDING_ID

PADDING, UNKNOWN, END = "<pad>", "<unk>", "<eos>"
END_ID = 2
SPECIAL_TOKENS = (PADDING, UNKNOWN, END)


def split_text(text, level):
    """The tokens of one document."""
    return text.split() if level == "word" else list(text)


def join_tokens(tokens, level):
    """Tokens back into text (the inverse of :func:`split_text` up to spacing)."""
    return (" " if level == "word" else "").join(tokens)


def build_vocabulary(token_lists, max_tokens):
    """The vocabulary list of ``token_lists``: the special tokens, then the most
    frequent tokens (at most ``max_tokens`` entries in all; None keeps every token)."""
    counts = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    for special in SPECIAL_TOKENS:
        counts.pop(special, None)
    kept = sorted(counts, key=lambda token: (-counts[token], token))
    if max_tokens is not None:
        kept = kept[: max_tokens - len(SPECIAL_TOKENS)]
    if not kept:
        raise ValueError(
            "The corpus has no tokens: every document is empty (or holds only "
            "whitespace at word level)."
        )
    return [*SPECIAL_TOKENS, *kept]


def token_index(vocabulary):
    """Token -> id; padding is left out, so a literal ``<pad>`` is unknown."""
    return {token: i for i, token in enumerate(vocabulary) if i != PADDING_ID}


def encode_tokens(tokens, index):
    """Ids of ``tokens``; unknown ones get ``OOV_ID``."""
    get = index.get
    return [get(token, OOV_ID) for token in tokens]


def corpus_stream(token_lists, index):
    """``<eos> doc_1 <eos> doc_2 ... <eos>`` as int32 ids."""
    ids = [END_ID]
    for tokens in token_lists:
        ids += encode_tokens(tokens, index)
        ids.append(END_ID)
    return np.asarray(ids, dtype=np.int32)


def training_windows(stream, length):
    """``(inputs, targets)``, both ``(n_windows, length)``: consecutive, non
    overlapping windows of the stream and the tokens that follow each position.
    A stream shorter than one window gives one shorter window."""
    n_windows = (len(stream) - 1) // length
    if n_windows == 0:
        return stream[None, :-1], stream[None, 1:]
    end = n_windows * length
    inputs = stream[:end].reshape(n_windows, length)
    targets = stream[1 : end + 1].reshape(n_windows, length)
    return inputs, targets


def scoring_windows(stream, length):
    """``(inputs, targets, scored)`` of shape ``(n_windows, length)`` that predict
    every token of ``stream`` after the first exactly once (``scored`` marks
    where). Windows overlap by half, and each scores its positions past the end
    of the previous one, so a token is predicted from at least ``length // 2``
    tokens of context (all of them within the first window)."""
    n_targets = len(stream) - 1
    stride = max(1, length // 2)
    starts = [0]
    while starts[-1] + length < n_targets:
        starts.append(starts[-1] + stride)
    inputs = np.full((len(starts), length), PADDING_ID, dtype=np.int32)
    targets = np.full((len(starts), length), PADDING_ID, dtype=np.int32)
    scored = np.zeros((len(starts), length), dtype=bool)
    scored_until = 0
    for row, start in enumerate(starts):
        stop = min(start + length, n_targets)
        inputs[row, : stop - start] = stream[start:stop]
        targets[row, : stop - start] = stream[start + 1 : stop + 1]
        scored[row, scored_until - start : stop - start] = True
        scored_until = stop
    return inputs, targets, scored


def right_padded(rows, width=None):
    """Lists of ids as a right-padded int32 matrix, and each row's length."""
    lengths = np.asarray([len(row) for row in rows])
    width = int(lengths.max(initial=1)) if width is None else width
    matrix = np.full((len(rows), width), PADDING_ID, dtype=np.int32)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    return matrix, lengths
