"""iter_text_csv: a CSV/TSV file streamed lazily in shuffled chunks."""

import csv
import gzip

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from sknn_text.datasets import iter_text_csv, load_movie_sentences


def write_csv(path, rows, header=("text", "label"), delimiter=","):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sorted_file(tmp_path, n=2000):
    """``n`` rows sorted by class: the first half "neg", the second "pos"."""
    rows = [(f"document number {i}", "neg" if i < n // 2 else "pos") for i in range(n)]
    return write_csv(tmp_path / "sorted.csv", rows)


def collect(chunks):
    texts, labels = [], []
    for chunk_texts, chunk_labels in chunks:
        texts.extend(chunk_texts)
        labels.extend(chunk_labels.tolist())
    return texts, labels


@pytest.mark.parametrize("shuffle_buffer", [0, 1, 7, 50, 10_000])
def test_every_row_comes_out_exactly_once(tmp_path, shuffle_buffer):
    path = sorted_file(tmp_path, n=123)
    texts, labels = collect(
        iter_text_csv(path, chunksize=10, shuffle_buffer=shuffle_buffer, random_state=0)
    )
    assert sorted(texts) == sorted(f"document number {i}" for i in range(123))
    assert dict(zip(texts, labels, strict=True)) == {
        f"document number {i}": "neg" if i < 61 else "pos" for i in range(123)
    }


def test_chunk_sizes(tmp_path):
    path = sorted_file(tmp_path, n=25)
    chunks = list(iter_text_csv(path, chunksize=10, random_state=0))
    assert [len(texts) for texts, _ in chunks] == [10, 10, 5]
    assert [len(labels) for _, labels in chunks] == [10, 10, 5]
    assert [len(t) for t, _ in iter_text_csv(path, chunksize=25)] == [25]
    assert [len(t) for t, _ in iter_text_csv(path, chunksize=1000)] == [25]


def test_zero_buffer_keeps_file_order(tmp_path):
    path = sorted_file(tmp_path, n=30)
    texts, labels = collect(iter_text_csv(path, chunksize=7, shuffle_buffer=0))
    assert texts == [f"document number {i}" for i in range(30)]
    assert labels == ["neg"] * 15 + ["pos"] * 15


def class_shares(path, **params):
    return [np.mean(labels == "pos") for _, labels in iter_text_csv(path, **params)]


def test_a_buffer_as_large_as_the_class_distance_mixes_a_sorted_file(tmp_path):
    path = sorted_file(tmp_path, n=2000)
    # File order: every chunk holds one class only.
    assert set(class_shares(path, chunksize=100, shuffle_buffer=0)) == {0.0, 1.0}
    # A 2,000-row buffer: every 100-row chunk is close to half and half
    # (measured: shares between 0.40 and 0.61 with this seed; a binomial
    # chunk of 100 has a standard deviation of 0.05).
    shares = class_shares(path, chunksize=100, shuffle_buffer=2000, random_state=0)
    assert len(shares) == 20
    assert all(0.3 <= share <= 0.7 for share in shares), shares
    assert abs(np.mean(shares) - 0.5) < 1e-9
    # A buffer much smaller than the distance between the classes does not mix:
    # the first chunks are all "neg".
    small = class_shares(path, chunksize=100, shuffle_buffer=100, random_state=0)
    assert small[:5] == [0.0] * 5


def test_random_state_makes_the_order_reproducible(tmp_path):
    path = sorted_file(tmp_path, n=200)

    def order(seed):
        return collect(iter_text_csv(path, chunksize=30, shuffle_buffer=50, random_state=seed))

    assert order(0) == order(0)
    assert order(0) != order(1)
    rng = np.random.RandomState(3)
    first = collect(iter_text_csv(path, chunksize=30, random_state=rng))
    second = collect(iter_text_csv(path, chunksize=30, random_state=rng))
    assert first != second  # a RandomState instance moves on between passes


def test_gzip_and_tsv(tmp_path):
    rows = [("Great, fun film", "1"), ("A\ttabbed bore", "0"), ("Loved it", "1")]
    for name, delimiter in [("r.csv.gz", ","), ("r.tsv", "\t"), ("r.tsv.gz", "\t")]:
        path = write_csv(tmp_path / name, rows, delimiter=delimiter)
        chunks = list(iter_text_csv(path, chunksize=2, shuffle_buffer=0))
        assert [texts for texts, _ in chunks] == [
            ["Great, fun film", "A\ttabbed bore"],
            ["Loved it"],
        ]
        assert chunks[0][1].dtype == np.int64
        assert chunks[0][1].tolist() == [1, 0]


def test_targets_keep_one_type_and_can_be_left_out(tmp_path):
    path = write_csv(tmp_path / "r.csv", [("good", "1"), ("bad", "0"), ("meh", "0.5")])
    with pytest.raises(ValueError, match=r"holds '0.5', but the targets read so far were"):
        list(iter_text_csv(path, chunksize=2, shuffle_buffer=0))
    numeric = list(iter_text_csv(path, chunksize=2, shuffle_buffer=0, target_type="numeric"))
    assert [labels.dtype for _, labels in numeric] == [np.float64, np.float64]
    labels = list(iter_text_csv(path, chunksize=2, shuffle_buffer=0, target_type="category"))
    assert labels[0][1].tolist() == ["1", "0"]
    texts_only = list(iter_text_csv(path, target_column=None, shuffle_buffer=0))
    assert texts_only == [(["good", "bad", "meh"], None)]


def test_reads_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftext,label\ngood,1\n".encode())
    (texts, labels), = iter_text_csv(path)
    assert texts == ["good"]
    assert labels.tolist() == [1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"chunksize": 0}, r"chunksize must be an int >= 1"),
        ({"chunksize": 2.5}, r"chunksize must be an int >= 1"),
        ({"chunksize": True}, r"chunksize must be an int >= 1"),
        ({"shuffle_buffer": -1}, r"shuffle_buffer must be an int >= 0"),
        ({"target_type": "label"}, r"target_type must be one of"),
        ({"text_column": "review"}, r"Text column 'review' not found.*'text', 'label'"),
        ({"target_column": "stars"}, r"Target column 'stars' not found.*'text', 'label'"),
    ],
)
def test_bad_parameters_fail_at_the_call(tmp_path, params, message):
    path = sorted_file(tmp_path, n=10)
    with pytest.raises(ValueError, match=message):
        iter_text_csv(path, **params)


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file"):
        iter_text_csv(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="is a directory"):
        iter_text_csv(tmp_path)
    (tmp_path / "empty.csv").write_text("\n\n")
    with pytest.raises(ValueError, match="is empty"):
        iter_text_csv(tmp_path / "empty.csv")
    (tmp_path / "fake.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="not a valid gzip file"):
        iter_text_csv(tmp_path / "fake.csv.gz")
    ragged = write_csv(tmp_path / "ragged.csv", [("ok", "1"), ("too", "many", "fields")])
    chunks = iter_text_csv(ragged, shuffle_buffer=0)  # rows are checked while streaming
    with pytest.raises(ValueError, match=r"Row 2 .*\(line 3\) has 3 field\(s\)"):
        list(chunks)
    blank = write_csv(tmp_path / "blank.csv", [("ok", "1"), ("  ", "0")])
    with pytest.raises(ValueError, match=r"Row 2 .* has an empty text in column 'text'"):
        list(iter_text_csv(blank))
    numbers = write_csv(tmp_path / "ids.csv", [("1", "a"), ("2", "b")], header=("text", "label"))
    with pytest.raises(ValueError, match=r"only numbers in the first chunk.*'label'"):
        list(iter_text_csv(numbers))
    # A byte that is not UTF-8 after the first 64 KiB is found while streaming,
    # and named as load_text_csv names it.
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"text,label\n" + b"fine words,1\n" * 8000 + b"caf\xe9,0\n")
    chunks = iter_text_csv(latin, shuffle_buffer=0)
    with pytest.raises(ValueError, match=r"latin.csv. could not be decoded .*latin-1"):
        list(chunks)


@pytest.mark.slow
def test_learns_from_a_class_sorted_stream_only_when_mixed(tmp_path):
    """3,000 movie sentences sorted by label, 2 passes in 500-row chunks.

    Measured (2 shared CPU cores, about 5 s a run): 0.713 held-out accuracy
    with a 3,000-row shuffle buffer, 0.495 in file order (the last chunks are
    all "pos", so the network ends up predicting "pos").
    """
    from sknn_text.classifiers import MLPTextClassifier

    data = load_movie_sentences()
    order = np.random.RandomState(0).permutation(len(data.data))
    train, test = order[:3000], order[3000:4000]
    rows = sorted(((data.data[i], data.target[i]) for i in train), key=lambda row: row[1])
    path = write_csv(tmp_path / "sorted.csv", rows)
    vectorizer = HashingVectorizer(n_features=2**18, alternate_sign=False, ngram_range=(1, 2))
    X_test = vectorizer.transform([data.data[i] for i in test])
    y_test = data.target[test]

    def score(shuffle_buffer):
        model = MLPTextClassifier(hidden_layer_sizes=(32,), random_state=0)
        for epoch in range(2):
            chunks = iter_text_csv(
                path, chunksize=500, shuffle_buffer=shuffle_buffer, random_state=epoch
            )
            for texts, labels in chunks:
                model.partial_fit(vectorizer.transform(texts), labels, classes=data.target_names)
        return model.score(X_test, y_test)

    mixed, file_order = score(3000), score(0)
    assert mixed >= 0.65
    assert file_order <= 0.56
    assert mixed - file_order >= 0.1
