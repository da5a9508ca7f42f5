"""Bundled dataset loaders and load_text_csv."""

import gzip
import hashlib
import sys
from collections import Counter
from importlib import resources

import numpy as np
import pytest

from sknn_text.datasets import (
    list_datasets,
    load_dataset,
    load_movie_sentences,
    load_sms_spam,
    load_text_csv,
)

# sha256 of the normalized files, from their SOURCE.md
CHECKSUMS = {
    "movie_sentences.csv.gz": (
        "7c8fa77983248ddbbea80b1b9704a499c18d2a38634fbc449e5cbe8d3b731dfa"
    ),
    "sms_spam.csv.gz": (
        "08e3b26b1d9b4c170ed9957fb2f93e5617ca40986298c967932ee3465469f065"
    ),
}


# ----------------------------------------------------------------- bundled data
@pytest.mark.parametrize("filename", sorted(CHECKSUMS))
def test_bundled_files_match_their_checksums(filename):
    data = (resources.files("sknn_text.datasets") / "data" / filename).read_bytes()
    assert hashlib.sha256(data).hexdigest() == CHECKSUMS[filename]


def test_load_movie_sentences():
    movies = load_movie_sentences()
    assert sorted(movies) == ["DESCR", "data", "target", "target_names"]
    assert isinstance(movies.data, list)
    assert len(movies.data) == 10662
    assert all(isinstance(text, str) and text.strip() for text in movies.data)
    assert isinstance(movies.target, np.ndarray)
    assert movies.target.dtype.kind == "U"
    assert movies.target.shape == (10662,)
    assert Counter(movies.target.tolist()) == {"pos": 5331, "neg": 5331}
    assert movies.target_names == ["neg", "pos"]
    # rows keep the file order: the first sentence is positive, text unchanged
    assert movies.data[2] == "effective but too-tepid biopic"
    assert movies.target[0] == "pos"
    assert len(set(movies.data)) == 10662  # no duplicates, per SOURCE.md


def test_load_sms_spam():
    sms = load_sms_spam()
    assert len(sms.data) == sms.target.shape[0] == 5574
    assert Counter(sms.target.tolist()) == {"ham": 4827, "spam": 747}
    assert sms.target_names == ["ham", "spam"]
    assert sms.data[1] == "Ok lar... Joking wif u oni..."
    assert min(len(text) for text in sms.data) == 2
    assert max(len(text) for text in sms.data) == 910


@pytest.mark.parametrize(
    "loader, licence, author, baseline",
    [
        (load_movie_sentences, "CC BY 4.0", "Pang", "0.7769"),
        (load_sms_spam, "CC BY 4.0", "Almeida", "0.9860"),
    ],
)
def test_descr_gives_licence_citation_and_baseline(loader, licence, author, baseline):
    descr = loader().DESCR
    assert licence in descr
    assert "Creative Commons Attribution 4.0" in descr
    assert author in descr
    assert baseline in descr
    assert "sha256" in descr


@pytest.mark.parametrize(
    "loader, n", [(load_movie_sentences, 10662), (load_sms_spam, 5574)]
)
def test_return_X_y(loader, n):
    X, y = loader(return_X_y=True)
    bunch = loader()
    assert isinstance(X, list) and len(X) == n
    assert bunch.data == X
    np.testing.assert_array_equal(y, bunch.target)


def test_as_frame():
    pd = pytest.importorskip("pandas")
    sms = load_sms_spam(as_frame=True)
    assert isinstance(sms.frame, pd.DataFrame)
    assert list(sms.frame.columns) == ["text", "label"]
    assert sms.frame.shape == (5574, 2)
    assert isinstance(sms.data, pd.Series) and sms.data.name == "text"
    assert sms.target.name == "label"
    assert not sms.data.isna().any()
    assert sms.data.tolist() == load_sms_spam().data
    assert sms.target.value_counts().to_dict() == {"ham": 4827, "spam": 747}
    X, y = load_movie_sentences(return_X_y=True, as_frame=True)
    assert isinstance(X, pd.Series) and isinstance(y, pd.Series)
    assert len(X) == len(y) == 10662


def test_as_frame_without_pandas_raises_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ImportError, match=r"as_frame=True\) requires pandas"):
        load_movie_sentences(as_frame=True)
    assert len(load_movie_sentences().data) == 10662  # as_frame=False still works


def test_list_and_load_dataset():
    datasets = list_datasets()
    assert list(datasets) == ["movie_sentences", "sms_spam"]
    assert all("\n" not in line and "CC BY 4.0" in line for line in datasets.values())
    assert "10,662" in datasets["movie_sentences"]
    X, _y = load_dataset("sms_spam", return_X_y=True)
    assert len(X) == 5574
    with pytest.raises(ValueError, match=r"Unknown dataset 'imdb'.*movie_sentences"):
        load_dataset("imdb")


# ----------------------------------------------------------------- load_text_csv
def write(path, text, *, compress=False):
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


CSV_TEXT = (
    "id,text,label\r\n"
    '1,"Great, truly great",pos\r\n'
    "2,None,neg\r\n"
    '3,"two\nlines ""quoted""",pos\r\n'
    "4,NA,neg\r\n"
)


def test_load_text_csv_keeps_every_text_as_a_string(tmp_path):
    bunch = load_text_csv(write(tmp_path / "reviews.csv", CSV_TEXT))
    assert bunch.data == ["Great, truly great", "None", 'two\nlines "quoted"', "NA"]
    assert bunch.target.tolist() == ["pos", "neg", "pos", "neg"]
    assert bunch.target_names == ["neg", "pos"]
    assert bunch.filename.endswith("reviews.csv")


def test_load_text_csv_tsv_gzip_and_delimiters(tmp_path):
    tsv = "text\tlabel\nfirst, with comma\ta\nsecond\tb\n"
    expected = ["first, with comma", "second"]
    X, y = load_text_csv(write(tmp_path / "d.tsv", tsv), return_X_y=True)
    assert expected == X and y.tolist() == ["a", "b"]
    X, y = load_text_csv(
        write(tmp_path / "d.tsv.gz", tsv, compress=True), return_X_y=True
    )
    assert expected == X and y.tolist() == ["a", "b"]
    X, _ = load_text_csv(
        write(tmp_path / "d.csv.gz", CSV_TEXT, compress=True), return_X_y=True
    )
    assert X[0] == "Great, truly great"
    # no telling extension: sniffed
    X, y = load_text_csv(
        write(tmp_path / "d.txt", "text;label\nhello there;x\nbye;y\n"), return_X_y=True
    )
    assert X == ["hello there", "bye"] and y.tolist() == ["x", "y"]
    # explicit delimiter wins over the extension
    X, _ = load_text_csv(
        write(tmp_path / "pipe.csv", "text|label\na, b|x\nc|y\n"),
        delimiter="|",
        return_X_y=True,
    )
    assert X == ["a, b", "c"]


def test_load_text_csv_utf8_bom_and_blank_lines(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftext,label\n\ncafé,x\n\nthé,y\n".encode())
    X, y = load_text_csv(path, return_X_y=True)
    assert X == ["café", "thé"] and y.tolist() == ["x", "y"]


def test_load_text_csv_target_types(tmp_path):
    path = write(tmp_path / "r.csv", "text,score,stars\na,0.5,1\nb,-1.25,5\nc,3e1,3\n")
    _X, y = load_text_csv(path, target_column="score", return_X_y=True)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.5, -1.25, 30.0])
    bunch = load_text_csv(path, target_column="score")
    assert bunch.target_names is None
    stars = load_text_csv(path, target_column="stars")
    assert stars.target.dtype.kind == "i" and stars.target_names == [1, 3, 5]
    numeric = load_text_csv(path, target_column="stars", target_type="numeric")
    assert numeric.target.dtype == np.float64
    labels = load_text_csv(path, target_column="stars", target_type="category")
    assert labels.target.tolist() == ["1", "5", "3"]
    texts_only = load_text_csv(path, target_column=None)
    assert texts_only.data == ["a", "b", "c"] and texts_only.target is None
    with pytest.raises(ValueError, match=r"Target column 'score'.* not numeric.*'x'"):
        load_text_csv(
            write(tmp_path / "bad.csv", "text,score\na,1\nb,x\n"),
            target_column="score",
            target_type="numeric",
        )
    with pytest.raises(ValueError, match="target_type must be one of"):
        load_text_csv(path, target_type="float")


def test_load_text_csv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No such file.*nothere\.csv"):
        load_text_csv(tmp_path / "nothere.csv")


def test_load_text_csv_missing_column_lists_available_ones(tmp_path):
    path = write(tmp_path / "d.csv", "review,sentiment\ngood,pos\n")
    with pytest.raises(
        ValueError,
        match=r"Text column 'text' not found in .*d\.csv.*available columns: "
        r"'review', 'sentiment'",
    ):
        load_text_csv(path)
    with pytest.raises(ValueError, match="Target column 'label' not found"):
        load_text_csv(path, text_column="review")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("\n\n  \n", "is empty"),
        ("text,label\n", "header row but no data rows"),
        ("text,label\n\n\n", "header row but no data rows"),
    ],
)
def test_load_text_csv_empty_files(tmp_path, content, message):
    with pytest.raises(ValueError, match=message):
        load_text_csv(write(tmp_path / "e.csv", content))


def test_load_text_csv_empty_gzip_file(tmp_path):
    with pytest.raises(ValueError, match="is empty"):
        load_text_csv(write(tmp_path / "e.csv.gz", "", compress=True))
    with pytest.raises(ValueError, match="not a valid gzip file"):
        load_text_csv(write(tmp_path / "fake.csv.gz", "text,label\na,b\n"))


def test_load_text_csv_numeric_text_column(tmp_path):
    path = write(tmp_path / "n.csv", "id,text,label\n1,2,a\n2,3.5,b\n")
    with pytest.raises(
        ValueError, match=r"Text column 'text'.*only numbers.*'id', 'label'"
    ):
        load_text_csv(path)


def test_load_text_csv_empty_cells_name_the_row(tmp_path):
    path = write(tmp_path / "t.csv", "text,label\ngood,a\n   ,b\nfine,a\n")
    with pytest.raises(ValueError, match=r"Row 2 of .*\(line 3\) has an empty text"):
        load_text_csv(path)
    path = write(tmp_path / "l.csv", "text,label\ngood,a\nok,\n")
    with pytest.raises(ValueError, match=r"Row 2 .* empty target in column 'label'"):
        load_text_csv(path)


def test_load_text_csv_wrong_number_of_fields(tmp_path):
    path = write(tmp_path / "r.csv", "text,label\ngood,a\nbad, very bad,b\n")
    with pytest.raises(
        ValueError, match=r"Row 2 .* has 3 field\(s\) but the header has 2"
    ):
        load_text_csv(path)


def test_load_text_csv_directory(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        load_text_csv(tmp_path)
