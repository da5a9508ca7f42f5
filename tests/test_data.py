"""Mini-batching: every row once per epoch, length buckets, trimming, order."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from sknn_text._backend import batch_width
from sknn_text._loop.data import (
    ArrayBatches,
    content_order,
    predict_in_batches,
    prediction_batches,
    sequence_lengths,
)


def right_padded(n=1000, width=80, seed=0):
    rng = np.random.RandomState(seed)
    lengths = np.minimum(rng.geometric(1 / 15, size=n), width)
    X = np.zeros((n, width), dtype=np.int32)
    for row, length in enumerate(lengths):
        X[row, :length] = rng.randint(2, 50, size=length)
    return X, lengths


def test_sequence_lengths():
    X = np.array([[3, 4, 0, 0], [0, 0, 0, 0], [5, 0, 6, 0], [1, 2, 3, 4]])
    assert sequence_lengths(X).tolist() == [2, 0, 3, 4]


def test_length_buckets_cover_every_row_once_and_trim_padding():
    X, lengths = right_padded()
    y = np.arange(len(X))
    batches = ArrayBatches(X, y, batch_size=32, shuffle=True, seed=0, lengths=lengths)
    for _ in range(2):
        seen = np.concatenate([batches[i][1] for i in range(len(batches))])
        assert sorted(seen) == list(range(len(X)))
        for i in range(len(batches)):
            x, rows = batches[i]
            # The longest row's length (on JAX rounded up to a power of two).
            assert x.shape[1] == batch_width(max(lengths[rows].max(), 1), X.shape[1])
            np.testing.assert_array_equal(x, X[rows, : x.shape[1]])
        batches.on_epoch_end()
    tensorflow = keras.backend.backend() == "tensorflow"
    assert batches.padded_positions() / lengths.sum() <= (1.3 if tensorflow else 1.6)
    assert X.size / lengths.sum() > 3  # what fixed-width batches would cost


def test_shuffling_is_seeded_and_changes_every_epoch():
    X, lengths = right_padded(200)
    first = ArrayBatches(X, batch_size=16, shuffle=True, seed=3, lengths=lengths)
    second = ArrayBatches(X, batch_size=16, shuffle=True, seed=3, lengths=lengths)
    np.testing.assert_array_equal(first.row_order(), second.row_order())
    before = first.row_order()
    first.on_epoch_end()
    assert not np.array_equal(before, first.row_order())


def test_predict_in_batches_restores_row_order():
    X, lengths = right_padded(300)

    tokens = keras.Input(shape=(None,), dtype="int32")
    row_sum = keras.layers.Lambda(
        lambda x: keras.ops.sum(keras.ops.cast(x, "float32"), axis=1, keepdims=True)
    )(tokens)
    result = predict_in_batches(
        keras.Model(tokens, row_sum), X.astype(np.int32), batch_size=64, lengths=lengths
    )
    np.testing.assert_array_equal(result.ravel(), X.sum(axis=1))


def test_content_order_follows_the_rows_not_their_positions():
    X, _ = right_padded(300)
    series = np.random.RandomState(0).uniform(size=(300, 4, 2))
    for data in (X, sp.csr_matrix(X, dtype=np.float32), series):
        order = content_order(data)
        assert sorted(order) == list(range(300))
        for seed in range(3):
            shuffle = np.random.RandomState(seed).permutation(300)
            # The same rows, visited in the same order, wherever they stood
            # (identical rows may trade places).
            shuffled = data[shuffle]
            visited, expected = shuffled[content_order(shuffled)], data[order]
            if sp.issparse(data):
                visited, expected = visited.toarray(), expected.toarray()
            np.testing.assert_array_equal(visited, expected)


def test_prediction_batches_end_in_empty_rows_up_to_a_multiple_of_32():
    X, lengths = right_padded(300)
    numbers = np.random.RandomState(0).uniform(size=(300, 5))
    for data, kind in [(X, lengths), (numbers, None), (sp.csr_matrix(numbers), None)]:
        batches = prediction_batches(data, batch_size=100, lengths=kind)
        served = []
        for index in range(len(batches)):
            (x,), rows = batches[index], batches.rows_of(index)
            served.extend(rows)
            assert x.shape[0] == 128  # 100 rows and 28 empty ones
            if not isinstance(x, np.ndarray):  # a backend sparse tensor
                x = keras.ops.convert_to_numpy(keras.ops.convert_to_tensor(x, sparse=False))
            expected = data[rows].toarray() if sp.issparse(data) else data[rows]
            expected = expected[:, : x.shape[1]].astype(x.dtype)
            np.testing.assert_array_equal(x[:100], expected)
            assert not x[100:].any()
        assert sorted(served) == list(range(300))
    with pytest.raises(ValueError, match="y must be None"):
        ArrayBatches(numbers, np.zeros(300), batch_size=100, row_multiple=32)


def test_rows_serve_a_split_of_x_in_place():
    X, lengths = right_padded(300)
    y = np.arange(len(X))
    weights = y * 0.5
    rows = np.random.RandomState(1).permutation(len(X))[:200]
    for lengths_or_none in (lengths, None):
        batches = ArrayBatches(
            X, y, weights, batch_size=32, shuffle=True, seed=0, lengths=lengths_or_none,
            rows=rows,
        )
        assert batches.X is X  # indexed, never copied
        for _ in range(2):
            parts = [batches[i] for i in range(len(batches))]
            served = np.concatenate([part[1] for part in parts])
            assert sorted(served) == sorted(rows)
            for x, row_ids, w in parts:
                np.testing.assert_array_equal(x, X[row_ids, : x.shape[1]])
                np.testing.assert_array_equal(w, weights[row_ids])
            batches.on_epoch_end()
