"""ERASER's comprehensiveness and sufficiency on a model whose answers are known.

A logistic regression over word counts whose weights are set by hand: "good"
adds 3 to the log-odds of class 1, "bad" subtracts 3, every other word adds 0.
Each perturbed document's probability is then a known sigmoid.
"""

import re

import numpy as np
import pytest
from scipy.special import expit
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline

from sknn_text.inspection import TokenAttribution, comprehensiveness, sufficiency
from sknn_text.inspection._eraser import perturbed_document


def toy_model():
    texts = ["good film", "bad film", "good plot", "bad plot", "a film", "the plot"]
    model = make_pipeline(CountVectorizer(), LogisticRegression()).fit(texts, [1, 0] * 3)
    vectorizer, classifier = model[0], model[-1]
    weights = np.zeros(len(vectorizer.vocabulary_))
    weights[vectorizer.vocabulary_["good"]] = 3.0
    weights[vectorizer.vocabulary_["bad"]] = -3.0
    classifier.coef_ = weights[None, :]
    classifier.intercept_ = np.zeros(1)
    return model


def attribution(text, scores, target=1):
    spans = [match.span() for match in re.finditer(r"\w+", text)]
    return TokenAttribution(text, spans, scores, target=target)


MODEL = toy_model()
TEXT = "good film and plot"  # 4 words; "good" decides


def test_perturbed_documents_cut_or_keep_the_top_words():
    right = attribution("good film, and plot", [5.0, 1.0, 0.0, 2.0])
    assert right.words == ["good", "film", "and", "plot"]
    assert perturbed_document(right, 1, keep_top=False) == "  film, and plot"
    assert perturbed_document(right, 2, keep_top=False) == "  film, and  "
    assert perturbed_document(right, 2, keep_top=True) == "good plot"
    assert perturbed_document(right, 0, keep_top=True) == ""


def test_the_right_explanation_scores_what_the_formulas_say():
    right = attribution(TEXT, [3.0, 0.0, 0.0, 0.0])
    fractions = [0.25, 0.5, 1.0]  # 1, 2 and 4 words
    full = expit(3.0)
    comp = comprehensiveness(MODEL, [right], fractions=fractions, per_fraction=True)
    # Without "good" the document is neutral; without every word it is empty.
    np.testing.assert_allclose(comp[0], [full - 0.5, full - 0.5, full - 0.5])
    suff = sufficiency(MODEL, [right], fractions=fractions, per_fraction=True)
    # "good" alone is as positive as the whole document.
    np.testing.assert_allclose(suff[0], [0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(
        comprehensiveness(MODEL, [right], fractions=fractions), [full - 0.5]
    )


def test_a_wrong_ranking_scores_worse_than_the_right_one():
    right = attribution(TEXT, [3.0, 0.0, 0.0, 0.0])
    wrong = attribution(TEXT, [0.0, 3.0, 2.0, 1.0])  # "good" ranked last
    comp = comprehensiveness(MODEL, [right, wrong])
    suff = sufficiency(MODEL, [right, wrong])
    assert comp[0] > comp[1] and suff[0] < suff[1]
    # ERASER's fractions of 4 words: 1, 1, 1, 1 and 2 words moved (ceil).
    np.testing.assert_allclose(comp[1], 0.0, atol=1e-12)
    np.testing.assert_allclose(suff[1], expit(3.0) - 0.5)


def test_the_target_class_is_the_one_scored():
    negative = attribution("bad film", [3.0, 0.0], target=0)
    comp = comprehensiveness(MODEL, [negative], fractions=[0.5])
    # The probability of class 0 falls from expit(3) to 0.5 without "bad".
    np.testing.assert_allclose(comp, [expit(3.0) - 0.5])
    predicted = attribution("bad film", [3.0, 0.0], target=None)
    np.testing.assert_allclose(comprehensiveness(MODEL, [predicted], fractions=[0.5]), comp)
    with pytest.raises(ValueError, match="not one of the classes"):
        comprehensiveness(MODEL, [attribution("bad film", [1.0, 0.0], target=7)])


def test_a_regressor_is_scored_on_its_predicted_value():
    texts = ["good film", "bad film", "film", "good good film"]
    model = make_pipeline(CountVectorizer(), LinearRegression()).fit(texts, [2.0, -2.0, 0.0, 4.0])
    right = attribution("good film", [1.0, 0.0], target=0)
    np.testing.assert_allclose(comprehensiveness(model, [right], fractions=[0.5]), [2.0])


@pytest.mark.parametrize("fractions", [[], [0.0], [1.5]])
def test_bad_fractions_are_rejected(fractions):
    with pytest.raises(ValueError, match="fractions"):
        comprehensiveness(MODEL, [attribution(TEXT, [1.0, 0.0, 0.0, 0.0])], fractions=fractions)


def test_no_attributions_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        sufficiency(MODEL, [])
