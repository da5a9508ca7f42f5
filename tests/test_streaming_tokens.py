"""Token families on a stream: TextTokenizer's incremental vocabulary and hashing
mode, and partial_fit of the token networks chunk after chunk (issue 30)."""

import csv
import gzip
import io
import pickle
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sklearn.base
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

import sknn_text
from sknn_text import TextTokenizer
from sknn_text.datasets import load_movie_sentences


@pytest.fixture(scope="module")
def sentences():
    texts, labels = load_movie_sentences(return_X_y=True)
    return list(texts[:1500]), labels[:1500]


def chunks_of(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"max_tokens": 300},
        {"min_df": 3},
        {"min_df": 0.01, "max_tokens": 150},
        {"sequence_length": 8, "truncating": "pre"},
        {"ngram_range": (1, 2), "ngram_buckets": 97},
        {"analyzer": "char_wb", "ngram_range": (2, 3), "max_tokens": 200},
    ],
    ids=["default", "max_tokens", "min_df", "min_df_share", "pre", "ngram_buckets", "char"],
)
def test_partial_fit_over_chunks_learns_what_fit_learns(sentences, params):
    texts, _ = sentences
    whole = TextTokenizer(**params).fit(texts)
    streamed = TextTokenizer(**params)
    for chunk in chunks_of(texts, 400):  # 4 chunks, the last one shorter
        streamed.partial_fit(chunk)
    assert streamed.vocabulary_ == whole.vocabulary_
    assert streamed.sequence_length_ == whole.sequence_length_
    assert streamed.coverage_ == whole.coverage_
    assert streamed.n_token_ids_ == whole.n_token_ids_ == len(whole.get_vocabulary())
    np.testing.assert_array_equal(streamed._ngram_buckets_used, whole._ngram_buckets_used)
    np.testing.assert_array_equal(streamed.transform(texts), whole.transform(texts))
    # A vocabulary capped by max_tokens is not the one of the first chunk alone.
    first = TextTokenizer(**params).fit(texts[:400])
    assert first.vocabulary_ != whole.vocabulary_


def test_ties_are_broken_alphabetically_whatever_the_chunk_order():
    chunks = [["b a c"], ["c d"], ["d b"], ["a"]]  # a, b, c, d: 2 each
    forward, backward = TextTokenizer(max_tokens=4), TextTokenizer(max_tokens=4)
    for chunk in chunks:
        forward.partial_fit(chunk)
    for chunk in reversed(chunks):
        backward.partial_fit(chunk)
    assert forward.vocabulary_ == backward.vocabulary_ == {"a": 2, "b": 3}


def test_the_first_transform_freezes_the_vocabulary():
    tokenizer = TextTokenizer().partial_fit(["the cat"])
    tokenizer.partial_fit(["the dog"])  # still counting
    assert set(tokenizer.vocabulary_) == {"the", "cat", "dog"}
    ids = tokenizer.transform(["the dog"])
    with pytest.raises(ValueError, match="frozen"):
        tokenizer.partial_fit(["a bird"])
    assert set(tokenizer.vocabulary_) == {"the", "cat", "dog"}
    np.testing.assert_array_equal(tokenizer.transform(["the dog"]), ids)
    # fit freezes too, and starts over
    fitted = TextTokenizer().fit(["the cat"])
    with pytest.raises(ValueError, match="frozen"):
        fitted.partial_fit(["the dog"])
    assert set(fitted.fit(["a bird"]).vocabulary_) == {"a", "bird"}


def test_a_failed_partial_fit_leaves_the_counts_unchanged():
    # min_df as a share: "a" is in 1 document of 2 after the second chunk.
    tokenizer = TextTokenizer(min_df=1.0).partial_fit(["a a"])
    with pytest.raises(ValueError, match="vocabulary is empty"):
        tokenizer.partial_fit(["b"])
    assert tokenizer.vocabulary_ == {"a": 2} and tokenizer._counts.n_documents == 1
    tokenizer.partial_fit(["a b"])
    assert tokenizer.vocabulary_ == {"a": 2}


def test_counting_survives_pickling_but_a_saved_file_is_frozen():
    tokenizer = TextTokenizer().partial_fit(["the cat"])
    copy = pickle.loads(pickle.dumps(tokenizer)).partial_fit(["the dog"])
    assert copy.vocabulary_ == tokenizer.partial_fit(["the dog"]).vocabulary_
    buffer = io.BytesIO()
    tokenizer.save(buffer)
    loaded = sknn_text.load(io.BytesIO(buffer.getvalue()))
    assert loaded.vocabulary_ == tokenizer.vocabulary_
    with pytest.raises(ValueError, match="frozen"):
        loaded.partial_fit(["a bird"])


def test_hashing_is_stateless(sentences):
    texts, _ = sentences
    params = {"vocabulary": "hashing", "max_tokens": 1000, "sequence_length": 12}
    ids = TextTokenizer(**params).fit(texts[:3]).transform(texts)
    other = TextTokenizer(**params).partial_fit(texts[500:]).transform(texts)
    np.testing.assert_array_equal(ids, other)
    tokenizer = TextTokenizer(**params).fit(["anything"])
    assert tokenizer.vocabulary_ == {} and tokenizer.coverage_ == 1.0
    assert tokenizer.n_token_ids_ == 1000 == len(tokenizer.get_vocabulary())
    assert ids.min() == 0 and ids[ids > 0].min() >= 2 and ids.max() < 1000
    # Every token gets an id: the only zeros are the padding at the end.
    lengths = [min(len(tokenizer.build_analyzer()(text)), 12) for text in texts]
    np.testing.assert_array_equal((ids > 0).sum(axis=1), lengths)
    # The same word, the same id, in any document.
    the = tokenizer.transform(["the", "the end of the film"])
    assert the[0, 0] == the[1, 0] == the[1, 3]
    assert tokenizer.inverse_transform(the[:1])[0][0].startswith("[HASH ")


def test_hashing_with_a_set_length_needs_no_fit(sentences):
    texts, _ = sentences
    params = {"vocabulary": "hashing", "max_tokens": 1000, "sequence_length": 12}
    fitted = TextTokenizer(**params).fit(texts[:3])
    unfitted = TextTokenizer(**params)
    check_is_fitted(unfitted)  # like HashingVectorizer: nothing to learn
    assert unfitted.__sklearn_tags__().requires_fit is False
    assert unfitted.n_token_ids_ == 1000
    np.testing.assert_array_equal(unfitted.transform(texts), fitted.transform(texts))
    assert TextTokenizer(**params).get_vocabulary()[5] == "[HASH 3]"
    # Without a set length, the length is learned: fit comes first.
    free_length = TextTokenizer(vocabulary="hashing", max_tokens=1000)
    assert free_length.__sklearn_tags__().requires_fit is True
    with pytest.raises(NotFittedError):
        free_length.transform(texts)


def test_hashing_with_hashed_ngrams(sentences):
    texts, _ = sentences
    tokenizer = TextTokenizer(
        vocabulary="hashing",
        max_tokens=500,
        ngram_range=(1, 2),
        ngram_buckets=64,
        sequence_length=10,
    ).fit(texts[:1])
    ids = tokenizer.transform(texts)
    assert ids.shape == (len(texts), 20)
    assert tokenizer.n_ngram_ids_ == 64 and tokenizer.n_token_ids_ == 564
    # Each row: the ids of its k words (k <= 10), then of its k - 1 bigrams.
    analyze = tokenizer.build_analyzer()
    for row, text in zip(ids, texts, strict=True):
        k = min(len(analyze(text)), 10)
        assert np.all(row[:k] < 500) and np.all(row[:k] >= 2)
        assert np.all(row[k : 2 * k - 1] >= 500) and not np.any(row[max(2 * k - 1, k) :])
    assert ids.max() < 564 and len(np.unique(ids[ids >= 500])) > 50


def test_hashing_needs_max_tokens():
    with pytest.raises(ValueError, match="vocabulary='hashing' needs max_tokens"):
        TextTokenizer(vocabulary="hashing").fit(["a b"])
    with pytest.raises(TypeError, match="vocabulary must be a sequence"):
        TextTokenizer(vocabulary="other").fit(["a b"])


# ------------------------------------------------------- networks on a stream
SMALL = {"embedding_dim": 8, "random_state": 0}
STREAMED = [
    (sknn_text.LSTMTextClassifier, {"units": 8}),
    (sknn_text.CNNTextClassifier, {"filters": 8}),
    (sknn_text.TransformerTextClassifier, {"feedforward_dim": 16, "num_heads": 2}),
    (sknn_text.FastTextClassifier, {}),
    (sknn_text.GRUTextRegressor, {"units": 8}),
]


@pytest.mark.parametrize(
    ("cls", "params"), STREAMED, ids=[cls.__name__ for cls, _ in STREAMED]
)
def test_token_networks_train_chunk_after_chunk(sentences, cls, params):
    texts, labels = sentences
    texts, labels = texts[:600], labels[:600]
    tokenizer = TextTokenizer(vocabulary="hashing", max_tokens=2**12, sequence_length=20)
    tokenizer.fit(texts[:1])
    regression = sklearn.base.is_regressor(cls())
    y = (labels == "pos").astype(float) if regression else labels
    classes = {} if regression else {"classes": ["neg", "pos"]}
    model = cls(vocabulary_size=tokenizer.n_token_ids_, **SMALL, **params)
    for start in range(0, 600, 200):
        ids = tokenizer.transform(texts[start : start + 200])
        model.partial_fit(ids, y[start : start + 200], **classes)
    assert model.n_iter_ == 3 and len(model.history_["loss"]) == 3
    assert model.model_.get_layer("embedding").input_dim == 2**12
    # An id that no chunk held still has its row in the embedding.
    unseen = np.full((1, 20), 2**12 - 1, dtype=np.int32)
    prediction = model.predict(unseen)
    assert np.all(np.isfinite(prediction)) if regression else prediction[0] in ("neg", "pos")


def test_without_vocabulary_size_a_later_chunk_may_not_fit():
    tokenizer = TextTokenizer(vocabulary="hashing", max_tokens=1000, sequence_length=4)
    tokenizer.fit(["x"])
    first = np.array([[2, 3, 0, 0], [4, 0, 0, 0]], dtype=np.int32)
    later = np.array([[900, 3, 0, 0], [4, 0, 0, 0]], dtype=np.int32)
    model = sknn_text.FastTextClassifier(**SMALL)
    model.partial_fit(first, ["a", "b"], classes=["a", "b"])
    with pytest.raises(ValueError, match="set vocabulary_size to the tokenizer's n_token_ids_"):
        model.partial_fit(later, ["a", "b"])
    model = sknn_text.FastTextClassifier(vocabulary_size=1000, **SMALL)
    model.partial_fit(first, ["a", "b"], classes=["a", "b"]).partial_fit(later, ["a", "b"])
    with pytest.raises(ValueError, match=r"token id 1000, outside the range \[0, 999\]"):
        model.partial_fit(later + 100, ["a", "b"])


@pytest.mark.slow
def test_a_streamed_lstm_learns(sentences):
    """2,000 movie sentences: one pass counts the vocabulary, three more train
    an LSTM chunk by chunk; it must beat chance clearly on 1,000 new ones."""
    texts, labels = load_movie_sentences(return_X_y=True)
    rng = np.random.RandomState(0)
    order = rng.permutation(len(texts))[:3000]
    texts, labels = [texts[i] for i in order], labels[order]
    train, test = slice(0, 2000), slice(2000, 3000)
    tokenizer = TextTokenizer(max_tokens=5000, sequence_length=30)
    for chunk in chunks_of(texts[train], 250):
        tokenizer.partial_fit(chunk)
    model = sknn_text.LSTMTextClassifier(
        units=16, embedding_dim=16, vocabulary_size=tokenizer.n_token_ids_, random_state=0
    )
    for _ in range(3):
        for start in range(0, 2000, 250):
            chunk = slice(start, start + 250)
            model.partial_fit(
                tokenizer.transform(texts[train][chunk]),
                labels[train][chunk],
                classes=["neg", "pos"],
            )
    accuracy = model.score(tokenizer.transform(texts[test]), labels[test])
    assert accuracy > 0.62, accuracy


def tagged_sentences(n, seed):
    """Noun phrases (determiner + noun, or a noun) and verbs, as in test_taggers."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(1, 4)):
            if rng.rand() < 0.5:
                words += [["the", "a"][rng.randint(2)], ["cat", "dog", "idea"][rng.randint(3)]]
                tags += ["B-NP", "I-NP"]
            else:
                words.append(["cat", "dog", "idea"][rng.randint(3)])
                tags.append("B-NP")
            words.append(["ran", "sat"][rng.randint(2)])
            tags.append("B-VP")
        X.append(words)
        y.append(tags)
    return X, y


def test_a_tagger_trains_chunk_after_chunk():
    X, y = tagged_sentences(240, 0)
    tags = ["B-NP", "B-VP", "I-NP"]
    tagger = sknn_text.CNNTextTagger(
        filters=16, embedding_dim=16, feature_dim=4, batch_size=16,
        learning_rate=0.01, random_state=0,
    )
    with pytest.raises(ValueError, match="classes must be passed"):
        tagger.partial_fit(X[:60], y[:60])
    with pytest.raises(ValueError, match=r"'I-NP' .* not in classes"):
        tagger.partial_fit(X[:60], y[:60], classes=["B-NP", "B-VP"])
    assert not hasattr(tagger, "model_")
    # The first chunk has no "I-NP": the declared classes give it its output.
    first = [i for i in range(240) if "I-NP" not in y[i]][:30]
    tagger.partial_fit([X[i] for i in first], [y[i] for i in first], classes=tags)
    assert tagger.classes_.tolist() == tags
    for _ in range(3):
        for start in range(0, 240, 120):
            tagger.partial_fit(X[start : start + 120], y[start : start + 120])
    assert tagger.n_iter_ == 7
    X_test, y_test = tagged_sentences(60, 1)
    assert tagger.score(X_test, y_test) > 0.9
    with pytest.raises(ValueError, match=r"'O' .* not seen in fit"):
        tagger.partial_fit([["x"]], [["O"]])


def guide_snippet(heading):
    """The first code block after ``heading`` in the "Data bigger than memory"
    guide (docs/user_guide/scaling_out.rst)."""
    guide = (Path(__file__).parents[1] / "docs" / "user_guide" / "scaling_out.rst").read_text()
    section = guide.split(f"\n{heading}\n", 1)[1]
    block = re.search(r"\.\. code-block:: python\n\n(.+?)\n\n(?=\S)", section, re.DOTALL)
    return textwrap.dedent(block.group(1))


@pytest.mark.slow
def test_the_guide_recipe_trains_an_lstm_from_a_csv_in_chunks(tmp_path, monkeypatch):
    """The recipe as printed, on a gzip CSV of 1,200 movie sentences sorted by
    label: three passes of two chunks, after one counting pass."""
    texts, labels = load_movie_sentences(return_X_y=True)
    rows = np.random.RandomState(0).permutation(len(texts))[:1200]
    rows = rows[np.argsort(labels[rows], kind="stable")]  # sorted: the buffer must mix
    with gzip.open(tmp_path / "reviews.csv.gz", "wt", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["review", "sentiment"])
        writer.writerows((texts[i], labels[i]) for i in rows)
    snippet = guide_snippet("Token models on a stream")
    assert "tokenizer.partial_fit(texts)" in snippet and "iter_text_csv" in snippet
    small = "LSTMTextClassifier(units=8, embedding_dim=8, "
    snippet = snippet.replace("LSTMTextClassifier(", small)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(snippet, "scaling_out.rst", "exec"), namespace)
    tokenizer, model = namespace["tokenizer"], namespace["model"]
    whole = TextTokenizer(max_tokens=20_000, sequence_length=200).fit([texts[i] for i in rows])
    assert tokenizer.vocabulary_ == whole.vocabulary_
    assert model.n_iter_ == 6  # 3 passes x 2 chunks of 1,000 and 200 rows
    assert model.model_.get_layer("embedding").input_dim == tokenizer.n_token_ids_
    with pytest.raises(ValueError, match="frozen"):
        tokenizer.partial_fit(["more"])
