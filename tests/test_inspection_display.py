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
