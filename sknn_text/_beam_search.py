"""Greedy and beam search over an incremental decoder, in NumPy.

Both searches drive a *decoder*: an object with

* ``step(tokens, position)``: the log-probabilities ``(rows, vocabulary)`` of
  the token after ``tokens`` (one id per row, the last one of each row's
  prefix; ``position`` is its place, 0 for ``<s>``), having read only that one
  token (the decoder carries what it read before);
* ``select(rows)``: keep (and repeat) the rows of its state given by the
  indices ``rows`` (the survivors of a search step, in their new order).

Row ``i`` starts as sentence ``i``. A hypothesis ends with ``end`` (which is not
part of the returned ids) or at the sentence's ``max_lengths`` tokens. The
``never`` ids are never chosen. Beam search keeps the ``beam_size`` most
likely prefixes of each sentence; a sentence is done when ``beam_size``
hypotheses have ended (or at its maximum length), and the best of them by
``log p / length ** length_penalty`` (length counted with ``end``) is returned.
Ties are broken by the lower token id and then the earlier beam, the same in
both searches, so ``beam_size=1`` gives greedy search's output.
"""

import numpy as np


def _allowed(log_probs, never):
    log_probs = np.array(log_probs, dtype=np.float64)
    log_probs[:, list(never)] = -np.inf
    return log_probs


def _best(values, k):
    """The indices of the ``k`` largest ``values``, largest first, ties by the
    lower index: ``np.argsort(-values, kind="stable")[:k]`` without sorting
    the whole vocabulary (every value tied with the k-th is a candidate)."""
    if values.size <= k:
        return np.argsort(-values, kind="stable")
    kth = np.partition(values, values.size - k)[values.size - k]
    candidates = np.flatnonzero(values >= kth)
    return candidates[np.lexsort((candidates, -values[candidates]))][:k]


def greedy_search(decoder, max_lengths, *, start, end, never):
    """``(ids, log_probs)``: the most likely token at every step, per sentence."""
    n = len(max_lengths)
    outputs = [[] for _ in range(n)]
    scores = np.zeros(n)
    alive = np.arange(n)
    last = np.full(n, start, dtype=np.int32)
    position = 0
    while alive.size:
        log_probs = _allowed(decoder.step(last, position), never)
        chosen = np.argmax(log_probs, axis=1)
        scores[alive] += log_probs[np.arange(alive.size), chosen]
        position += 1
        keep = []
        for row, (sentence, token) in enumerate(zip(alive, chosen, strict=True)):
            if token != end:
                outputs[sentence].append(int(token))
            if token != end and position < max_lengths[sentence]:
                keep.append(row)
        keep = np.asarray(keep, dtype=np.int64)
        if keep.size < alive.size and keep.size:
            decoder.select(keep)
        alive, last = alive[keep], chosen[keep].astype(np.int32)
    return outputs, scores


def beam_search(decoder, max_lengths, *, beam_size, length_penalty, start, end, never):
    """``(ids, normalized_scores)``: the best hypothesis of each sentence."""
    n = len(max_lengths)
    finished = [[] for _ in range(n)]  # (normalized score, -order, ids)
    owners = np.arange(n)  # sentence of each row
    prefixes = [[] for _ in range(n)]
    scores = np.zeros(n)
    last = np.full(n, start, dtype=np.int32)
    position = 0
    while owners.size:
        log_probs = _allowed(decoder.step(last, position), never)
        totals = scores[:, None] + log_probs
        position += 1
        parents, tokens, new_scores, new_owners = [], [], [], []
        for sentence in np.unique(owners):
            rows = np.flatnonzero(owners == sentence)
            flat = totals[rows].ravel()
            order = _best(flat, 2 * beam_size)
            kept = 0
            for candidate in order:
                score = flat[candidate]
                if not np.isfinite(score):
                    break
                row, token = rows[candidate // totals.shape[1]], candidate % totals.shape[1]
                ids = prefixes[row] + ([] if token == end else [int(token)])
                if token == end or position >= max_lengths[sentence]:
                    normalized = score / (len(ids) + (token == end)) ** length_penalty
                    finished[sentence].append((normalized, -len(finished[sentence]), ids))
                    if token == end:
                        continue
                else:
                    parents.append(row)
                    tokens.append(token)
                    new_scores.append(score)
                    new_owners.append(sentence)
                kept += 1
                if kept == beam_size:
                    break
            if len(finished[sentence]) >= beam_size or position >= max_lengths[sentence]:
                while new_owners and new_owners[-1] == sentence:
                    for values in (parents, tokens, new_scores, new_owners):
                        values.pop()
        parents = np.asarray(parents, dtype=np.int64)
        if parents.size:
            decoder.select(parents)
        prefixes = [
            prefixes[row] + [int(token)] for row, token in zip(parents, tokens, strict=True)
        ]
        owners = np.asarray(new_owners, dtype=np.int64)
        scores = np.asarray(new_scores, dtype=np.float64)
        last = np.asarray(tokens, dtype=np.int32)
    best = [max(candidates) if candidates else (-np.inf, 0, []) for candidates in finished]
    return [ids for _, _, ids in best], np.array([score for score, _, _ in best])
