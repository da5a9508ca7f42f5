"""Attributions of fitted text pipelines (sknn_text.inspection).

The models are tiny and trained on a toy corpus whose label is decided by one
planted word ("wonderful" makes a document positive, "awful" negative), so the
right explanation is known.
"""

import warnings

import keras
import numpy as np
import pytest
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import make_pipeline

from sknn_text import (
    CNNTextClassifier,
    FastTextClassifier,
    GRUTextClassifier,
    GRUTextRegressor,
    LSTMTextClassifier,
    MLPTextClassifier,
    MLPTextRegressor,
    TextTokenizer,
    TransformerTextClassifier,
)
from sknn_text.inspection import TokenAttribution, explain_tokens
from sknn_text.inspection._integrated import _STEPS

NEUTRAL = [
    "the", "a", "film", "movie", "plot", "acting", "was", "is", "very", "quite", "rather",
    "story", "and", "it",
]
TRIGGERS = {"pos": "wonderful", "neg": "awful"}


def toy_corpus(n=240, seed=0):
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        words = list(rng.choice(NEUTRAL, rng.randint(2, 9)))
        label = ("pos", "neg", "none")[i % 3]
        if label in TRIGGERS:
            words.insert(rng.randint(len(words) + 1), TRIGGERS[label])
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


TEXTS, LABELS = toy_corpus()
DOCUMENTS = [
    "The film was WONDERFUL, and the plot very quite good.",
    "it is a rather awful movie",
    "a story",
    "wonderful",
]

MODELS = {
    "mlp": lambda: make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2)),
        MLPTextClassifier((16,), epochs=15, learning_rate=0.01, random_state=0),
    ),
    "lstm": lambda: make_pipeline(
        TextTokenizer(),
        LSTMTextClassifier(units=8, embedding_dim=8, epochs=8, learning_rate=0.01,
                           random_state=0),
    ),
    "gru_attention": lambda: make_pipeline(
        TextTokenizer(),
        GRUTextClassifier(units=8, embedding_dim=8, pooling="attention", epochs=12,
                          learning_rate=0.02, random_state=0),
    ),
    "cnn": lambda: make_pipeline(
        TextTokenizer(),
        CNNTextClassifier(filters=8, kernel_sizes=(2,), embedding_dim=8, dropout=0.0,
                          epochs=10, learning_rate=0.02, random_state=0),
    ),
    "transformer": lambda: make_pipeline(
        TextTokenizer(),
        TransformerTextClassifier(embedding_dim=8, num_heads=2, feedforward_dim=8,
                                  dropout=0.0, epochs=12, learning_rate=0.02,
                                  random_state=0),
    ),
    "fasttext_ngrams": lambda: make_pipeline(
        TextTokenizer(ngram_range=(1, 2), ngram_buckets=64),
        FastTextClassifier(embedding_dim=8, epochs=15, learning_rate=0.05, random_state=0),
    ),
}
_FITTED = {}


def fitted(name):
    if name not in _FITTED:
        model = MODELS[name]().fit(TEXTS, LABELS)
        assert model.score(TEXTS, LABELS) > 0.95, f"{name} did not learn the toy task"
        _FITTED[name] = model
    return _FITTED[name]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_planted_word_gets_the_top_attribution_and_outputs_match(name):
    model = fitted(name)
    attributions = explain_tokens(model, DOCUMENTS, n_steps=16)
    proba = model.predict_proba(DOCUMENTS)
    classes = model.classes_.tolist()
    for attribution, document, row in zip(attributions, DOCUMENTS, proba, strict=True):
        assert attribution.text == document
        assert attribution.target == classes[int(np.argmax(row))]
        # The explained output is the log-odds of the target class, as predicted.
        p = row[classes.index(attribution.target)]
        np.testing.assert_allclose(expit(attribution.output), p, rtol=1e-4, atol=1e-7)
    assert attributions[0].target == "pos" and attributions[1].target == "neg"
    assert attributions[0].top(1)[0][0] == "WONDERFUL"
    assert attributions[1].top(1)[0][0] == "awful"
    # Character offsets of the original text, case and punctuation kept.
    assert attributions[0].words[:4] == ["The", "film", "was", "WONDERFUL"]
    start, end = attributions[0].spans[3]
    assert DOCUMENTS[0][start:end] == "WONDERFUL"


@pytest.mark.parametrize("name", ["mlp", "gru_attention", "transformer", "fasttext_ngrams"])
def test_integrated_gradients_add_up_to_the_change_of_the_output(name):
    model = fitted(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coarse = explain_tokens(model, DOCUMENTS[:2], n_steps=1)
    # A warning exactly when some document misses its change by more than 10 %.
    missed = [abs(a.completeness_gap) > 0.1 * abs(a.output - a.baseline_output) + 1e-3 *
              (1 + abs(a.output)) for a in coarse]
    warned = [w for w in caught if "Raise n_steps (now 1)" in str(w.message)]
    assert len(warned) == any(missed)
    fine = explain_tokens(model, DOCUMENTS[:2], n_steps=64)
    for rough, exact in zip(coarse, fine, strict=True):
        change = exact.output - exact.baseline_output
        assert abs(change) > 0.1
        assert abs(exact.completeness_gap) < 1e-2 * abs(change)
        assert abs(exact.completeness_gap) < abs(rough.completeness_gap)
        # Every feature's attribution lands on the words: the totals agree.
        np.testing.assert_allclose(exact.scores.sum(), exact.feature_scores.sum(), atol=1e-9)


def test_a_large_completeness_gap_is_worth_a_warning():
    from sknn_text.inspection._explain import _warn_on_gaps

    def attribution(total):
        return TokenAttribution("a b", [(0, 1), (2, 3)], [total / 2] * 2, output=3.0,
                                baseline_output=1.0)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _warn_on_gaps([attribution(1.9), attribution(2.1)], n_steps=32)  # within 5 %
    with pytest.warns(UserWarning, match=r"1 of 2 document\(s\).* within 40%.*now 8"):
        _warn_on_gaps([attribution(2.0), attribution(1.2)], n_steps=8)


def test_hashed_ngram_positions_are_placed_on_their_words():
    model = fitted("fasttext_ngrams")
    (attribution,) = explain_tokens(model, DOCUMENTS[:1], n_steps=8)
    kept = model[0].sequence_length_  # the tokenizer keeps the first 9 words
    assert len(attribution.words) > kept
    assert len(attribution.feature_names) == 2 * kept - 1  # unigrams, then bigrams
    assert str(attribution.feature_names[kept]).startswith(("[NGRAM", "[UNK]"))
    assert np.all(attribution.scores[kept:] == 0)
    np.testing.assert_allclose(attribution.scores.sum(), attribution.feature_scores.sum())


def test_batching_and_padding_do_not_change_the_attributions():
    model = fitted("lstm")
    together = explain_tokens(model, DOCUMENTS, n_steps=8)
    alone = [explain_tokens(model, [document], n_steps=8)[0] for document in DOCUMENTS[:2]]
    for batched, single in zip(together, alone, strict=False):
        np.testing.assert_allclose(batched.scores, single.scores, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(batched.output, single.output, rtol=1e-5)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="tf.function tracing")
def test_the_gradient_step_is_compiled_once_per_model():
    model = fitted("lstm")
    explain_tokens(model, DOCUMENTS[:1], method="gradient")
    explain_tokens(model, DOCUMENTS[1:3], n_steps=16, target="none")
    (step,) = _STEPS[model[-1].model_].values()
    assert step.experimental_get_tracing_count() == 1


def test_target_chooses_the_class_explained():
    model = fitted("mlp")
    document = DOCUMENTS[:1]
    proba = model.predict_proba(document)[0]
    classes = model.classes_.tolist()
    for label in classes:
        (attribution,) = explain_tokens(model, document, target=label, n_steps=8)
        assert attribution.target == label
        np.testing.assert_allclose(
            expit(attribution.output), proba[classes.index(label)], rtol=1e-4, atol=1e-7
        )
    pos, neg = explain_tokens(model, DOCUMENTS[:1] * 2, target=["pos", "neg"], n_steps=8)
    trigger = pos.words.index("WONDERFUL")
    assert pos.scores[trigger] > 0 > neg.scores[trigger]
    with pytest.raises(ValueError, match="not one of the classes"):
        explain_tokens(model, document, target="spam")
    with pytest.raises(ValueError, match="one per document"):
        explain_tokens(model, document, target=["pos", "neg"])


def test_binary_classifier_explains_either_class_with_opposite_signs():
    texts, labels = TEXTS, np.where(LABELS == "pos", "pos", "other")
    model = make_pipeline(
        CountVectorizer(), MLPTextClassifier((), epochs=20, learning_rate=0.05, random_state=0)
    ).fit(texts, labels)
    pos, other = explain_tokens(model, DOCUMENTS[:1] * 2, target=["pos", "other"], n_steps=4)
    np.testing.assert_allclose(pos.scores, -other.scores, atol=1e-6)
    np.testing.assert_allclose(pos.output, -other.output, rtol=1e-6)
    # A logistic regression is linear in its features: exact in any step count.
    assert abs(pos.completeness_gap) < 1e-6
    assert pos.top(1)[0][0] == "WONDERFUL"


def test_multilabel_classifier_explains_the_chosen_label():
    indicator = np.column_stack([LABELS == "pos", LABELS == "neg"]).astype(int)
    model = make_pipeline(
        TfidfVectorizer(), MLPTextClassifier((8,), epochs=20, learning_rate=0.01, random_state=0)
    ).fit(TEXTS, indicator)
    proba = model.predict_proba(DOCUMENTS[:2])
    first, second = explain_tokens(model, DOCUMENTS[:2], target=1, n_steps=8)
    assert first.target == second.target == 1
    np.testing.assert_allclose(expit([first.output, second.output]), proba[:, 1], rtol=1e-4)
    assert second.top(1)[0][0] == "awful"
    # By default, each document's most probable label.
    assert [a.target for a in explain_tokens(model, DOCUMENTS[:2], n_steps=4)] == [0, 1]


def test_regressor_explains_the_predicted_value():
    rng = np.random.RandomState(0)
    y = np.array([3.0 * ("wonderful" in text) + rng.normal(0, 0.1) + 5 for text in TEXTS])
    for model in (
        make_pipeline(TfidfVectorizer(), MLPTextRegressor((8,), dropout=0.2, epochs=20,
                                                          learning_rate=0.01, random_state=0)),
        make_pipeline(TextTokenizer(), GRUTextRegressor(units=8, embedding_dim=8, epochs=8,
                                                        learning_rate=0.02, random_state=0)),
    ):
        model.fit(TEXTS, y)
        attributions = explain_tokens(model, DOCUMENTS[:2], n_steps=32)
        np.testing.assert_allclose(
            [a.output for a in attributions], model.predict(DOCUMENTS[:2]), rtol=1e-4
        )
        first = attributions[0]
        assert first.target == 0
        assert first.top(1)[0][0] == "WONDERFUL"
        change = first.output - first.baseline_output
        assert abs(first.completeness_gap) < 0.01 * abs(change)
        with pytest.raises(ValueError, match="output index"):
            explain_tokens(model, DOCUMENTS[:1], target=1)


def test_attention_weights_are_offered_but_never_the_default():
    model = fitted("gru_attention")
    (default,) = explain_tokens(model, DOCUMENTS[:1], n_steps=4)
    assert default.method == "integrated_gradients"
    (attention,) = explain_tokens(model, DOCUMENTS[:1], method="attention")
    assert attention.method == "attention"
    assert attention.baseline_output is None and attention.completeness_gap is None
    weights = attention.feature_scores
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(), 1.0, rtol=1e-5)
    np.testing.assert_allclose(attention.output, default.output, rtol=1e-5)
    with pytest.raises(ValueError, match="attention pooling"):
        explain_tokens(fitted("lstm"), DOCUMENTS[:1], method="attention")
    with pytest.raises(ValueError, match="token sequences only"):
        explain_tokens(fitted("mlp"), DOCUMENTS[:1], method="attention")


def test_gradient_times_input_and_the_unknown_token_baseline():
    model = fitted("cnn")
    (gradient,) = explain_tokens(model, DOCUMENTS[:1], method="gradient")
    assert gradient.method == "gradient" and gradient.top(1)[0][0] == "WONDERFUL"
    zero, unknown = (
        explain_tokens(model, DOCUMENTS[:1], baseline=baseline, n_steps=32)[0]
        for baseline in ("zero", "unknown")
    )
    assert zero.baseline_output != pytest.approx(unknown.baseline_output)
    assert abs(unknown.completeness_gap) < 0.01 * abs(unknown.output - unknown.baseline_output)
    with pytest.raises(ValueError, match="empty document"):
        explain_tokens(fitted("mlp"), DOCUMENTS[:1], baseline="unknown")


def test_words_the_tokenizer_cuts_off_get_no_attribution():
    model = make_pipeline(
        TextTokenizer(sequence_length=4, truncating="pre"),
        FastTextClassifier(embedding_dim=4, epochs=10, learning_rate=0.05, random_state=0),
    ).fit(TEXTS, LABELS)
    (attribution,) = explain_tokens(model, ["wonderful film and a rather quite good plot"])
    assert len(attribution.feature_scores) == 4
    assert np.all(attribution.scores[:-4] == 0) and np.any(attribution.scores[-4:] != 0)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (MLPTextClassifier(), TypeError, "Pipeline of two steps"),
        (make_pipeline(TfidfVectorizer(), MLPTextClassifier()), NotFittedError, "not fitted"),
    ],
)
def test_what_cannot_be_explained_says_why(bad, error, match):
    with pytest.raises(error, match=match):
        explain_tokens(bad, DOCUMENTS)


@pytest.mark.parametrize(
    "options, match",
    [
        ({"method": "lime"}, "method must be one of"),
        ({"n_steps": 0}, "n_steps must be a positive int"),
        ({"baseline": "mean"}, "baseline must be one of"),
    ],
)
def test_bad_options_are_rejected(options, match):
    with pytest.raises(ValueError, match=match):
        explain_tokens(fitted("mlp"), DOCUMENTS, **options)


def test_a_single_string_is_not_a_list_of_documents():
    with pytest.raises(ValueError, match="Wrap a single document"):
        explain_tokens(fitted("mlp"), DOCUMENTS[0])


def test_html_highlights_every_word_and_escapes_the_text():
    attribution = TokenAttribution(
        "<b>great</b> & dull", [(3, 8), (15, 19)], [2.0, -1.0], target="pos", output=1.5
    )
    snippet = attribution.to_html()
    assert snippet == attribution._repr_html_()
    assert "&lt;b&gt;" in snippet and "&amp;" in snippet and "<b>" not in snippet
    assert 'title="+2"' in snippet and 'title="-1"' in snippet
    assert "rgba(214, 39, 40, 1.000)" in snippet  # the largest positive, full red
    assert "rgba(31, 119, 180, 0.500)" in snippet  # half the magnitude, blue
    assert "target=&#x27;pos&#x27;" in snippet


def test_attribution_checks_its_spans():
    with pytest.raises(ValueError, match="one row per word"):
        TokenAttribution("a b", [(0, 1)], [1.0, 2.0])
    with pytest.raises(ValueError, match="within the text"):
        TokenAttribution("a b", [(0, 5)], [1.0])
    with pytest.raises(ValueError, match="must not overlap"):
        TokenAttribution("a b c", [(2, 3), (0, 1)], [1.0, 2.0])


def test_networks_not_starting_with_a_dense_layer_are_differentiated_densely():
    from sknn_text.inspection._integrated import compiled_step

    def network(wrapped):
        inputs = keras.Input((6,), name="features")
        x = keras.layers.Activation("linear")(inputs) if wrapped else inputs
        x = keras.layers.Dense(4, activation="tanh", name="hidden")(x)
        x = keras.layers.Dropout(0.5)(x)
        return keras.Model(inputs, keras.layers.Dense(3, name="output")(x))

    direct, wrapped = network(False), network(True)
    wrapped.set_weights(direct.get_weights())
    columns = np.array([[0, 2, 5], [1, 0, 0]], dtype=np.int32)
    values = np.array([[0.5, 1.0, 2.0], [3.0, 0.0, 0.0]], dtype=np.float32)
    onehot = np.eye(3)[[0, 2]]
    args = (columns, values, onehot, np.ones(2), np.zeros(2))
    results = [
        [keras.ops.convert_to_numpy(part) for part in compiled_step(model, "features", True,
                                                                    args)(*args)]
        for model in (direct, wrapped)
    ]
    # Equal up to float32 rounding: a sum of kernel rows against a matrix product.
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-4, atol=1e-6)
    # Both are the log-odds of the target class read off the dense network.
    dense = np.zeros((2, 6), dtype=np.float32)
    dense[0, [0, 2, 5]] = [0.5, 1.0, 2.0]
    dense[1, 1] = 3.0
    logits = keras.ops.convert_to_numpy(direct(dense)).astype(np.float64)
    expected = [logits[0, 0] - np.logaddexp(logits[0, 1], logits[0, 2]),
                logits[1, 2] - np.logaddexp(logits[1, 0], logits[1, 1])]
    np.testing.assert_allclose(results[0][0], expected, rtol=1e-5)
