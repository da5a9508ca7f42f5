"""Chunk F1 with the CoNLL rules, cross-checked against seqeval (conlleval's port)."""

import numpy as np
import pytest

from sknn_text.metrics import (
    chunk_f1_score,
    chunk_precision_recall_fscore_support,
    chunks,
    token_accuracy_score,
)

seqeval_metrics = pytest.importorskip("seqeval.metrics")


def random_tags(rng, n_sentences, scheme):
    """Random tag sequences, well formed or not: conlleval reads any."""
    prefixes = {"iob2": ["B", "I"], "iob1": ["I", "I", "B"], "iobes": ["B", "I", "E", "S"]}
    sentences = []
    for _ in range(n_sentences):
        length = rng.randint(1, 9)
        sentences.append([
            "O" if rng.rand() < 0.3
            else f"{rng.choice(prefixes[scheme])}-{rng.choice(['NP', 'VP', 'PP'])}"
            for _ in range(length)
        ])
    return sentences


@pytest.mark.parametrize("scheme", ["iob2", "iob1"])
@pytest.mark.parametrize("seed", range(5))
def test_chunk_f1_equals_seqeval(scheme, seed):
    rng = np.random.RandomState(seed)
    y_true = random_tags(rng, 30, scheme)
    # Predictions that are mostly right, so that F1 is far from 0.
    noise = [random_tags(rng, 1, scheme)[0][0] for _ in range(sum(map(len, y_true)))]
    y_pred = [[noise.pop() if rng.rand() < 0.3 else tag for tag in true] for true in y_true]
    expected = seqeval_metrics.f1_score(y_true, y_pred)
    assert chunk_f1_score(y_true, y_pred) == pytest.approx(expected)
    precision, recall, _, support = chunk_precision_recall_fscore_support(y_true, y_pred)
    assert precision == pytest.approx(seqeval_metrics.precision_score(y_true, y_pred))
    assert recall == pytest.approx(seqeval_metrics.recall_score(y_true, y_pred))
    per_type = chunk_precision_recall_fscore_support(y_true, y_pred, average=None)
    expected = seqeval_metrics.f1_score(y_true, y_pred, average=None)
    np.testing.assert_allclose(per_type[2], expected)
    assert per_type[3].sum() == support


def test_chunk_rules():
    # IOB1: I- after O opens a chunk; B- only separates two chunks of one type.
    assert chunks(["I-NP", "I-NP", "B-NP", "O", "I-VP"]) == [
        ("NP", 0, 2), ("NP", 2, 3), ("VP", 4, 5),
    ]
    # A chunk counts only with its type and both boundaries.
    assert chunk_f1_score([["B-NP", "I-NP", "O"]], [["B-NP", "O", "O"]]) == 0.0
    assert chunk_f1_score([["B-NP", "I-NP", "O"]], [["B-NP", "I-NP", "O"]]) == 1.0
    assert token_accuracy_score([["B-NP", "I-NP", "O"]], [["B-NP", "O", "O"]]) == 2 / 3


def test_bad_input_names_the_sentence():
    with pytest.raises(ValueError, match="Sentence 1 has 2 true tags but 1 predicted"):
        chunk_f1_score([["O"], ["O", "O"]], [["O"], ["O"]])
    with pytest.raises(ValueError, match="2 sentences but y_pred has 1"):
        chunk_f1_score([["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match=r"'NN' \(sentence 0, token 1\) is not a chunk tag"):
        chunk_f1_score([["O", "NN"]], [["O", "O"]])
