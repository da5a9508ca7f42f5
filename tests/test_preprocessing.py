"""TextTokenizer: vocabulary, ids, padding, truncation, sklearn API."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer

from sknn_text import TextTokenizer

DOCS = ["The cat sat on the mat.", "The dog sat.", "A dog and a cat!"]


def test_ids_padding_and_frequency_order():
    tokenizer = TextTokenizer().fit(DOCS)
    vocabulary = tokenizer.get_vocabulary().tolist()
    assert vocabulary[:2] == ["", "[UNK]"]
    # "the" (3x) first, then 2x tokens alphabetically, then 1x tokens.
    assert vocabulary[2:7] == ["the", "a", "cat", "dog", "sat"]
    assert tokenizer.sequence_length_ == 6
    ids = tokenizer.transform(["the bird sat", ""])
    assert ids.dtype == np.int32 and ids.shape == (2, 6)
    assert ids[0].tolist() == [2, 1, 6, 0, 0, 0]
    assert ids[1].tolist() == [0] * 6


def test_same_analyzer_as_count_vectorizer():
    params = {"lowercase": False, "token_pattern": r"[A-Za-z]+", "stop_words": ["on"]}
    tokenizer = TextTokenizer(**params).fit(DOCS)
    vectorizer = CountVectorizer(**params).fit(DOCS)
    assert set(tokenizer.vocabulary_) == set(vectorizer.vocabulary_)
    char = TextTokenizer(analyzer="char", ngram_range=(2, 2)).fit(["abc"])
    assert set(char.vocabulary_) == {"ab", "bc"}


def test_max_tokens_min_df_and_truncation():
    tokenizer = TextTokenizer(max_tokens=4, min_df=2).fit(DOCS)
    assert len(tokenizer.get_vocabulary()) == 4
    assert set(tokenizer.vocabulary_) == {"the", "cat"}
    post = TextTokenizer(sequence_length=2).fit(DOCS)
    pre = TextTokenizer(sequence_length=2, truncating="pre").fit(DOCS)
    assert post.inverse_transform(post.transform(["x y the cat"]))[0].tolist() == [
        "[UNK]",
        "[UNK]",
    ]
    assert pre.inverse_transform(pre.transform(["x y the cat"]))[0].tolist() == [
        "the",
        "cat",
    ]
    # The vocabulary is counted on the kept window only.
    assert "mat" not in post.vocabulary_ and "mat" in pre.vocabulary_


def test_every_vocabulary_id_occurs_in_the_training_output():
    docs = ["alpha beta gamma delta epsilon", "beta zeta"] * 3
    tokenizer = TextTokenizer(sequence_length=3)
    ids = tokenizer.fit_transform(docs)
    assert ids.max() + 1 == len(tokenizer.get_vocabulary())


def test_auto_sequence_length_is_capped():
    tokenizer = TextTokenizer().fit(["word " * 2000])
    assert tokenizer.sequence_length_ == 500


def test_inverse_transform_round_trip():
    tokenizer = TextTokenizer().fit(DOCS)
    tokens = tokenizer.inverse_transform(tokenizer.transform(DOCS))
    assert tokens[1].tolist() == ["the", "dog", "sat"]
    with pytest.raises(ValueError, match="outside"):
        tokenizer.inverse_transform([[999]])


def test_feature_names_are_positions():
    tokenizer = TextTokenizer(sequence_length=3).fit(DOCS)
    names = tokenizer.get_feature_names_out()
    assert names.tolist() == ["texttokenizer0", "texttokenizer1", "texttokenizer2"]


@pytest.mark.parametrize(
    "documents, error, message",
    [
        ("just one string", ValueError, "string object received"),
        ([], ValueError, "empty"),
        (["ok", None], ValueError, "Document 1 is missing"),
        (["ok", float("nan")], ValueError, "Document 1 is missing"),
        ([b"bytes"], TypeError, "Document 0 is bytes"),
        (["ok", 3], TypeError, "Document 1 is a int"),
        (np.array([["a", "b"]]), ValueError, "1-D"),
        (["", "   "], ValueError, "vocabulary is empty"),
        (["the a of"], ValueError, "vocabulary is empty"),
    ],
)
def test_bad_documents(documents, error, message):
    tokenizer = TextTokenizer(stop_words="english")
    with pytest.raises(error, match=message):
        tokenizer.fit(documents)


def test_not_fitted_and_invalid_parameters():
    with pytest.raises(NotFittedError):
        TextTokenizer().transform(DOCS)
    with pytest.raises(ValueError, match="max_tokens"):
        TextTokenizer(max_tokens=1).fit(DOCS)
    with pytest.raises(ValueError, match="truncating"):
        TextTokenizer(truncating="middle").fit(DOCS)


def test_clone_and_pickle():
    tokenizer = TextTokenizer(max_tokens=10).fit(DOCS)
    assert clone(tokenizer).get_params() == tokenizer.get_params()
    restored = pickle.loads(pickle.dumps(tokenizer))
    np.testing.assert_array_equal(restored.transform(DOCS), tokenizer.transform(DOCS))


def test_set_output_pandas_feeds_a_sequence_model():
    import pandas as pd

    from sknn_text import LSTMTextClassifier

    docs = ["the cat sat", "a dog ran", "the dog sat", "a cat ran"] * 5
    tokenizer = TextTokenizer(sequence_length=4).set_output(transform="pandas")
    frame = tokenizer.fit_transform(docs)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [f"texttokenizer{i}" for i in range(4)]
    assert frame.dtypes.unique().tolist() == [np.dtype("int32")]
    clf = LSTMTextClassifier(units=4, embedding_dim=4, epochs=1, random_state=0)
    clf.fit(frame, [0, 1, 0, 1] * 5)
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert clf.predict(frame).shape == (20,)


def test_hashed_ngram_rows_and_unseen_buckets():
    tokenizer = TextTokenizer(ngram_range=(1, 2), ngram_buckets=1000, sequence_length=3)
    tokenizer.fit(["good film", "bad film"])
    assert tokenizer.transform(["good film"]).shape == (1, 6)  # 3 unigrams + 3 bigrams
    assert tokenizer.n_ngram_ids_ == 2
    good_film, bad_film = tokenizer.transform(["good film", "bad film"])[:, 2]
    first_ngram_id = len(tokenizer.vocabulary_) + 2
    assert {good_film, bad_film} == {first_ngram_id, first_ngram_id + 1}
    # A bigram never seen in fit falls in an unused bucket: it is left out (it has
    # no trained vector), unlike an unknown word, which is out-of-vocabulary.
    film, good = tokenizer.vocabulary_["film"], tokenizer.vocabulary_["good"]
    assert tokenizer.transform(["film good"])[0].tolist() == [film, good, 0, 0, 0, 0]
    assert tokenizer.transform(["film awful"])[0].tolist() == [film, 1, 0, 0, 0, 0]
    assert tokenizer.get_vocabulary()[first_ngram_id].startswith("[NGRAM ")
    assert len(tokenizer.get_feature_names_out()) == 6
