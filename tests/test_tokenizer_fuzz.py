"""Property-based tests of TextTokenizer on arbitrary Unicode text."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sknn_text import TextTokenizer

documents = st.lists(st.text(max_size=40), min_size=1, max_size=8)
# Text made of words, so that most examples have a vocabulary.
words = st.text(st.characters(categories=["L", "N", "M", "P", "Zs"]), min_size=1, max_size=12)
wordy_documents = st.lists(
    st.lists(words, max_size=8).map(" ".join), min_size=1, max_size=8
)
parameters = st.fixed_dictionaries(
    {
        "lowercase": st.booleans(),
        "strip_accents": st.sampled_from([None, "ascii", "unicode"]),
        "analyzer": st.sampled_from(["word", "char", "char_wb"]),
        "ngram_range": st.sampled_from([(1, 1), (1, 2), (2, 3)]),
        "truncating": st.sampled_from(["post", "pre"]),
        "sequence_length": st.none() | st.integers(1, 12),
    }
)
SETTINGS = settings(max_examples=120, deadline=None)


def fit_or_explain(tokenizer, docs):
    """Fit, or check that the only failure is a corpus without any token."""
    try:
        return tokenizer.fit(docs)
    except ValueError as error:
        assert "vocabulary is empty" in str(error)
        analyze = tokenizer.build_analyzer()
        assert not any(analyze(doc) for doc in docs)
        return None


@SETTINGS
@given(docs=documents | wordy_documents, unseen=documents, params=parameters,
       max_tokens=st.none() | st.integers(3, 30))
def test_any_unicode_gives_int32_ids_in_range(docs, unseen, params, max_tokens):
    tokenizer = fit_or_explain(TextTokenizer(max_tokens=max_tokens, **params), docs)
    assume(tokenizer is not None)
    vocabulary = tokenizer.get_vocabulary()
    if max_tokens is not None:
        assert len(vocabulary) <= max_tokens
    for batch in (docs, unseen):
        ids = tokenizer.transform(batch)
        assert ids.shape == (len(batch), tokenizer.sequence_length_)
        assert ids.dtype == np.int32
        assert ids.min() >= 0 and ids.max() < len(vocabulary)
        tokens = tokenizer.inverse_transform(ids)
        assert [len(row) for row in tokens] == np.count_nonzero(ids, axis=1).tolist()


@SETTINGS
@given(docs=wordy_documents | documents, params=parameters)
def test_inverse_transform_round_trips_known_tokens(docs, params):
    tokenizer = fit_or_explain(TextTokenizer(**params), docs)
    assume(tokenizer is not None)
    analyze = tokenizer.build_analyzer()
    decoded = tokenizer.inverse_transform(tokenizer.transform(docs))
    for doc, tokens in zip(docs, decoded, strict=True):
        expected = analyze(doc)
        if len(expected) <= tokenizer.sequence_length_:
            assert tokens.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(docs=wordy_documents)
def test_fit_transform_equals_fit_then_transform(docs):
    tokenizer = fit_or_explain(TextTokenizer(), docs)
    assume(tokenizer is not None)
    np.testing.assert_array_equal(TextTokenizer().fit_transform(docs), tokenizer.transform(docs))


@pytest.mark.parametrize("bad", [None, float("nan"), b"bytes", 3])
@settings(max_examples=30, deadline=None)
@given(docs=documents, position=st.integers(0, 8))
def test_a_non_string_anywhere_is_named(bad, docs, position):
    position = min(position, len(docs))
    corpus = [*docs[:position], bad, *docs[position:]]
    with pytest.raises((TypeError, ValueError), match=f"Document {position} is"):
        TextTokenizer().fit(corpus)
