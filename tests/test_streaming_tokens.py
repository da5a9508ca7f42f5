"""Token families on a stream: TextTokenizer's incremental vocabulary and hashing
mode, and partial_fit of the token networks chunk after chunk (issue 30)."""

import io
import pickle

import numpy as np
import pytest

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
