"""Tokens of scikit-learn analyzers located in the original text."""

import re

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from sknn_text import TextTokenizer
from sknn_text.inspection._spans import analyzed_spans

DOCUMENT = "The  Café's\tfilm was WONDERFUL, truly wonderful!\nNot dull."


def located(vectorizer, document=DOCUMENT):
    occurrences = analyzed_spans(vectorizer, document)
    assert occurrences.tokens == vectorizer.build_analyzer()(document)
    words = [document[start:end] for start, end in occurrences.words]
    return occurrences, words


@pytest.mark.parametrize(
    "vectorizer",
    [
        CountVectorizer(),
        TfidfVectorizer(lowercase=False),
        CountVectorizer(strip_accents="unicode", token_pattern=r"(?u)\b\w+\b"),
        CountVectorizer(strip_accents="ascii"),
        TextTokenizer()._count_vectorizer(),
    ],
)
def test_word_tokens_point_at_their_words(vectorizer):
    occurrences, words = located(vectorizer)
    preprocess = vectorizer.build_preprocessor()
    for token, covers in zip(occurrences.tokens, occurrences.covers, strict=True):
        assert len(covers) == 1
        assert preprocess(words[covers[0]]) == token


def test_ngrams_cover_their_words_and_stop_words_stay_words():
    vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words=["was", "not"])
    occurrences, words = located(vectorizer)
    assert "was" in words and "Not" in words  # words of the text, never features
    covers = dict(zip(occurrences.tokens, occurrences.covers, strict=True))
    # Stop words are dropped before n-grams are made, as in scikit-learn.
    assert [words[i] for i in covers["film wonderful truly"]] == ["film", "WONDERFUL", "truly"]
    assert [words[i] for i in covers["café"]] == ["Café"]


def test_a_capturing_group_of_the_token_pattern_gives_the_span():
    vectorizer = CountVectorizer(token_pattern=r"#(\w+)")
    occurrences, words = located(vectorizer, "see #cats and #dogs")
    assert occurrences.tokens == ["cats", "dogs"]
    assert words == ["cats", "dogs"]


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_character_ngrams_cover_the_words_they_overlap(analyzer):
    vectorizer = CountVectorizer(analyzer=analyzer, ngram_range=(2, 4))
    occurrences, words = located(vectorizer)
    assert words == DOCUMENT.split()
    for token, covers in zip(occurrences.tokens, occurrences.covers, strict=True):
        letters = token.strip()
        if letters:
            # The n-gram's letters are in the words it covers (lowercased).
            covered = " ".join(words[i] for i in covers).lower()
            assert all(part in covered for part in letters.split()), (token, covered)


def test_a_length_changing_preprocessor_falls_back_to_search():
    vectorizer = CountVectorizer(preprocessor=lambda text: re.sub(r"<[^>]+>", "", text.lower()))
    document = "<p>A <b>great</b> film</p>"
    occurrences, words = located(vectorizer, document)
    assert occurrences.tokens == ["great", "film"]
    found = [" ".join(words[i] for i in covers) for covers in occurrences.covers]
    assert found == ["<b>great</b>", "film</p>"]


def test_a_custom_tokenizer_and_analyzer_are_located_by_search():
    occurrences, words = located(CountVectorizer(tokenizer=str.split, token_pattern=None))
    assert words[occurrences.covers[1][0]] == "Café's"
    analyzer = CountVectorizer(analyzer=lambda text: [w.upper() for w in text.split()])
    occurrences, _ = located(analyzer, "a b")
    assert occurrences.covers == [(0,), (1,)]  # found case-insensitively
    occurrences, _ = located(CountVectorizer(analyzer=lambda text: ["zzz"]), "a b")
    assert occurrences.covers == [()]  # not in the text: no span


def test_spans_are_ordered_and_within_the_text():
    for vectorizer in (CountVectorizer(ngram_range=(1, 2)), CountVectorizer(analyzer="char_wb")):
        occurrences, _ = located(vectorizer)
        spans = occurrences.words
        assert np.all(spans[:, 0] < spans[:, 1]) and np.all(spans[1:, 0] >= spans[:-1, 1])
        assert spans.max() <= len(DOCUMENT)
