"""TokenAttributionDisplay draws the words of its attribution (Agg backend)."""

import re

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from sknn_text import MLPTextClassifier  # noqa: E402
from sknn_text.inspection import TokenAttribution, TokenAttributionDisplay  # noqa: E402


def words_of(text):
    return [match.span() for match in re.finditer(r"\w+", text)]


def test_words_are_drawn_in_order_with_the_color_of_their_sign():
    text = "a truly great film, but dull"
    scores = [0.0, 0.5, 2.0, 0.1, 0.0, -2.0]
    attribution = TokenAttribution(text, words_of(text), scores, target="pos", output=1.2)
    display = TokenAttributionDisplay.from_attribution(attribution)
    artists = display.word_artists_
    assert [artist.get_text() for artist in artists] == attribution.words
    great, dull = (artists[i].get_bbox_patch().get_facecolor() for i in (2, 5))
    assert great[0] > great[2] + 0.2  # red: supports the target
    assert dull[2] > dull[0] + 0.2  # blue: against it
    neutral = artists[0].get_bbox_patch().get_facecolor()
    assert min(neutral[:3]) > 0.9  # a zero score stays (nearly) white
    assert display.colorbar_ is not None
    assert "target='pos'" in display.ax_.get_title(loc="left")
    assert display.figure_ is display.ax_.figure


def test_long_documents_wrap_onto_several_lines_and_newlines_break():
    text = " ".join(["word"] * 60) + "\nlast"
    attribution = TokenAttribution(text, words_of(text), np.linspace(-1, 1, 61))
    display = TokenAttributionDisplay(attribution).plot(colorbar=False)
    heights = {round(artist.get_position()[1], 3) for artist in display.word_artists_}
    assert len(heights) > 2
    last, before = display.word_artists_[-1], display.word_artists_[-2]
    assert last.get_position()[0] == 0 and last.get_position()[1] < before.get_position()[1]
    assert display.colorbar_ is None
    assert display.figure_.get_size_inches()[1] > 2  # the figure grew to fit the lines


def test_from_estimator_explains_the_document_on_given_axes():
    import matplotlib.pyplot as plt

    texts = ["good film", "bad film", "good plot", "bad plot"] * 10
    model = make_pipeline(
        CountVectorizer(), MLPTextClassifier((), epochs=20, learning_rate=0.05, random_state=0)
    ).fit(texts, ["pos", "neg"] * 20)
    _, ax = plt.subplots()
    display = TokenAttributionDisplay.from_estimator(model, "a good plot", target="pos", ax=ax)
    assert display.ax_ is ax
    assert display.attribution.target == "pos"
    assert [a.get_text() for a in display.word_artists_] == ["good", "plot"]
    with pytest.raises(TypeError, match="one string"):
        TokenAttributionDisplay.from_estimator(model, ["a good plot"])


def test_the_title_says_what_the_explained_output_is():
    from scipy.special import expit
    from sklearn.feature_extraction.text import TfidfVectorizer

    from sknn_text import MLPTextRegressor

    texts = ["good film", "bad film", "good plot", "bad plot"] * 10
    classifier = make_pipeline(
        CountVectorizer(), MLPTextClassifier((), epochs=20, learning_rate=0.05, random_state=0)
    ).fit(texts, ["pos", "neg"] * 20)
    display = TokenAttributionDisplay.from_estimator(classifier, "a good plot", target="pos")
    attribution = display.attribution
    assert attribution.output_name == "log-odds"
    probability = classifier.predict_proba(["a good plot"])[0, 1]
    np.testing.assert_allclose(expit(attribution.output), probability, rtol=1e-4)
    title = display.ax_.get_title(loc="left")
    assert title.startswith(
        f"target='pos', log-odds of 'pos'={attribution.output:.4g} (p={probability:.3g}), "
        f"baseline log-odds={attribution.baseline_output:.4g}, "
    )
    assert "output=" not in title

    regressor = make_pipeline(
        TfidfVectorizer(), MLPTextRegressor((), epochs=5, random_state=0)
    ).fit(texts, [4.0, 1.0] * 20)
    display = TokenAttributionDisplay.from_estimator(regressor, "a good plot")
    attribution = display.attribution
    assert attribution.output_name == "predicted value"
    np.testing.assert_allclose(attribution.output, regressor.predict(["a good plot"])[0],
                               rtol=1e-4)
    assert display.ax_.get_title(loc="left").startswith(
        f"target=0, predicted value={attribution.output:.4g}, baseline predicted value="
    )


def test_a_hand_made_attribution_titles_its_output_as_told():
    text = "a great film"
    told = TokenAttribution(text, words_of(text), [0.0, 3.0, 0.1], target="pos", output=3.094,
                            output_name="log-odds")
    title = TokenAttributionDisplay(told).plot().ax_.get_title(loc="left")
    assert title == "target='pos', log-odds of 'pos'=3.094 (p=0.957)"
    untold = TokenAttribution(text, words_of(text), [0.0, 3.0, 0.1], target="pos", output=3.094)
    assert "output=3.094" in TokenAttributionDisplay(untold).plot().ax_.get_title(loc="left")
