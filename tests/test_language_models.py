"""The language models: learning, scoring, sampling, generation, persistence, errors."""

import io
import pickle

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import sknn_text
from sknn_text import GRULanguageModel, LSTMLanguageModel, TransformerLanguageModel
from sknn_text._layers import TiedEmbedding
from sknn_text._sampling import draw, filtered_distribution, sample_continuation
from sknn_text._text_stream import (
    END_ID,
    encode_tokens,
    join_tokens,
    scoring_windows,
    split_text,
    token_index,
)

SENTENCES = ["the cat sat on the mat", "my old dog lay on the red rug"]
# Of two lengths, in random order: windows of a periodic corpus would all start
# at the same place of a text, and a Transformer would learn the positions.
TEXTS = [SENTENCES[i] for i in np.random.RandomState(0).randint(2, size=40)]
SMALL = {"units": 32, "embedding_dim": 16, "learning_rate": 0.01, "random_state": 0}
TRANSFORMER_SMALL = {
    "embedding_dim": 16,
    "feedforward_dim": 32,
    "n_blocks": 1,
    "sequence_length": 12,
    "batch_size": 8,
    "learning_rate": 0.01,
    "random_state": 0,
}


@pytest.fixture(scope="module")
def lstm():
    return LSTMLanguageModel(epochs=40, **SMALL).fit(TEXTS)


@pytest.fixture(scope="module")
def transformer():
    return TransformerLanguageModel(epochs=40, **TRANSFORMER_SMALL).fit(TEXTS)


@pytest.fixture(scope="module")
def char_gru():
    texts = ["abcabcabcabc", "abcabcab"] * 10
    return GRULanguageModel(level="char", epochs=40, **SMALL).fit(texts)


# ------------------------------------------------------------------ learning
@pytest.mark.parametrize("name", ["lstm", "transformer"])
def test_a_repetitive_corpus_is_learned(name, request):
    lm = request.getfixturevalue(name)
    # Each text starts with "the" or "my" at random: 2 ** (1 / 8) = 1.09 at best.
    assert lm.perplexity(TEXTS) < 1.3
    assert lm.predict_next(["my old dog lay on the", "the cat sat on the"], top_k=1) == [
        ["red"],
        ["mat"],
    ]
    assert lm.generate("the cat", top_k=1) == "the cat sat on the mat"
    assert lm.vocabulary_[:3] == ["<pad>", "<unk>", "<eos>"]


def test_perplexity_is_exp_of_minus_the_score(lstm):
    held_out = ["the cat lay on the rug", "my dog sat"]
    score = lstm.score(held_out)
    assert score < 0
    assert lstm.perplexity(held_out) == pytest.approx(np.exp(-score), rel=1e-12)
    # An unknown word ("a") is scored as <unk>: the perplexity stays finite.
    assert np.isfinite(lstm.perplexity(["a a a"]))


def test_scoring_windows_predict_every_token_once_with_context():
    stream = np.arange(1, 102, dtype=np.int32)
    inputs, targets, scored = scoring_windows(stream, 10)
    assert sorted(targets[scored].tolist()) == stream[1:].tolist()
    for row in range(1, inputs.shape[0]):
        first_scored = np.argmax(scored[row])
        assert first_scored >= 5  # at least half a window of context
        assert targets[row, first_scored] == inputs[row, first_scored] + 1


# ------------------------------------------------------------------ sampling
def test_generation_is_reproducible_and_leaves_the_global_state_alone(lstm):
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    first = lstm.generate("the", temperature=2.0, random_state=1)
    assert lstm.generate("the", temperature=2.0, random_state=1) == first
    others = {lstm.generate("the", temperature=2.0, random_state=seed) for seed in range(6)}
    assert len(others) > 1
    lstm.generate("the", temperature=2.0)  # random_state=None
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_greedy_decoding_follows_the_argmax(lstm):
    greedy = lstm.generate("my old", max_new_tokens=8, top_k=1)
    assert lstm.generate("my old", max_new_tokens=8, temperature=1e-4, random_state=3) == greedy
    text = "my old"
    for _ in range(8):
        (best,) = lstm.predict_next([text], top_k=1)[0]
        if best == "<eos>":
            break
        text += " " + best
    assert greedy == text


def test_top_k_top_p_and_temperature_on_a_known_distribution():
    p = np.array([0.05, 0.5, 0.15, 0.3])
    np.testing.assert_allclose(filtered_distribution(p, top_p=0.8), [0, 0.625, 0, 0.375])
    np.testing.assert_allclose(
        filtered_distribution(p, top_p=0.81), [0, 0.5, 0.15, 0.3] / np.float64(0.95)
    )
    np.testing.assert_allclose(filtered_distribution(p, top_p=1.0), p)
    np.testing.assert_allclose(filtered_distribution(p, top_k=1), [0, 1, 0, 0])
    np.testing.assert_allclose(filtered_distribution(p, top_k=2), [0, 0.625, 0, 0.375])
    sharpened = p**2 / (p**2).sum()
    np.testing.assert_allclose(filtered_distribution(p, temperature=0.5), sharpened)
    zero_stays_zero = filtered_distribution(np.array([0.0, 1.0]), temperature=5.0)
    np.testing.assert_array_equal(zero_stays_zero, [0.0, 1.0])
    rng = np.random.default_rng(0)
    draws = np.bincount([draw(p, rng) for _ in range(4000)], minlength=4) / 4000
    np.testing.assert_allclose(draws, p, atol=0.03)


# ---------------------------------------------------------- char level, causality
def test_char_level_round_trip(char_gru):
    text = "héllo, wörld\n  two"
    assert join_tokens(split_text(text, "char"), "char") == text
    assert set(char_gru.vocabulary_[3:]) == {"a", "b", "c"}
    assert char_gru.predict_next(["abcab", "abca"], top_k=1) == [["c"], ["b"]]
    generated = char_gru.generate("ab", max_new_tokens=7, top_k=1)
    assert generated.startswith("abcabc") and set(generated) <= {"a", "b", "c"}


def test_the_transformer_is_causal(transformer):
    rng = np.random.default_rng(0)
    ids = rng.integers(3, len(transformer.vocabulary_), size=(2, 12)).astype(np.int32)
    changed = ids.copy()
    changed[:, 6:] = rng.integers(3, len(transformer.vocabulary_), size=(2, 6))
    before = keras.ops.convert_to_numpy(transformer.model_(ids))
    after = keras.ops.convert_to_numpy(transformer.model_(changed))
    np.testing.assert_allclose(before[:, :6], after[:, :6], rtol=1e-5, atol=1e-6)
    assert not np.allclose(before[:, 6:], after[:, 6:])


# ------------------------------------------------------- scikit-learn contract
def test_pickle_save_load_and_clone(lstm):
    expected = lstm.perplexity(TEXTS[:4])
    assert pickle.loads(pickle.dumps(lstm)).perplexity(TEXTS[:4]) == pytest.approx(expected)
    buffer = io.BytesIO()
    sknn_text.save(lstm, buffer)
    loaded = sknn_text.load(buffer)
    assert loaded.perplexity(TEXTS[:4]) == pytest.approx(expected)
    assert loaded.generate("the cat", top_k=1) == lstm.generate("the cat", top_k=1)
    copy = clone(lstm)
    assert copy.get_params() == lstm.get_params() and not hasattr(copy, "model_")
    assert copy.set_params(level="char").level == "char"


def test_grid_search_maximizes_the_log_likelihood():
    search = GridSearchCV(
        LSTMLanguageModel(epochs=3, **SMALL), {"units": [4, 32]}, cv=2, refit=False
    ).fit(TEXTS)
    assert search.best_params_ == {"units": 32}
    assert np.all(search.cv_results_["mean_test_score"] < 0)


def test_transform_feeds_a_classifier(lstm):
    vectors = lstm.transform([*TEXTS[:5], "", "the " * 100])
    assert vectors.shape == (7, 32) and np.isfinite(vectors).all()
    labels = ["cat" if "cat" in text else "dog" for text in TEXTS]
    pipeline = make_pipeline(clone(lstm), LogisticRegression(C=100.0))
    assert pipeline.fit(TEXTS, labels).score(TEXTS, labels) == 1.0


def test_tied_weights_and_a_vocabulary_cap():
    lm = LSTMLanguageModel(epochs=2, tie_weights=True, max_tokens=6, **SMALL).fit(TEXTS)
    assert isinstance(lm.model_.get_layer("embedding"), TiedEmbedding)
    assert lm.model_.get_layer("projection").units == 16  # 32 units -> 16-d embeddings
    assert len(lm.vocabulary_) == 6
    assert len(lm.predict_next(["x"], top_k=6)[0]) == 4  # never <pad> or <unk>


def test_early_stopping_on_validation_perplexity_and_warm_start():
    lm = LSTMLanguageModel(
        epochs=30, early_stopping=True, validation_fraction=0.25, sequence_length=4, **SMALL
    ).fit(TEXTS)
    assert "val_loss" in lm.history_ and lm.n_iter_ <= 30
    vocabulary = lm.vocabulary_
    lm.set_params(warm_start=True, epochs=1, early_stopping=False).fit(["the cat ran"])
    assert lm.vocabulary_ == vocabulary and lm.n_iter_ >= 2


def test_the_cap_warning_names_the_line_that_called_fit():
    lm = LSTMLanguageModel(
        epochs=1, early_stopping=True, validation_fraction=0.25, sequence_length=4, **SMALL
    )
    with pytest.warns(ConvergenceWarning, match="raise epochs") as record:
        lm.fit(TEXTS)
    assert [w.filename for w in record if w.category is ConvergenceWarning] == [__file__]
    # fit_transform (scikit-learn's TransformerMixin) is skipped too
    with pytest.warns(ConvergenceWarning, match="raise epochs") as record:
        lm.fit_transform(TEXTS)
    assert [w.filename for w in record if w.category is ConvergenceWarning] == [__file__]


def test_ctrl_c_keeps_the_trained_model():
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    lm = LSTMLanguageModel(epochs=10, callbacks=[Interrupt()], **SMALL)
    with pytest.raises(KeyboardInterrupt, match="interrupted after 2"):
        lm.fit(TEXTS)
    assert lm.n_iter_ == 2 and np.isfinite(lm.perplexity(TEXTS))


# --------------------------------------------------------------- bad input
def test_bad_input_gets_clear_errors(lstm):
    with pytest.raises(NotFittedError):
        LSTMLanguageModel().perplexity(TEXTS)
    with pytest.raises(ValueError, match="single document in a list"):
        LSTMLanguageModel().fit("the cat sat")
    with pytest.raises(ValueError, match="corpus is empty"):
        LSTMLanguageModel().fit([])
    with pytest.raises(ValueError, match="no tokens"):
        LSTMLanguageModel().fit(["", "   "])
    with pytest.raises(TypeError, match="not a string"):
        LSTMLanguageModel().fit([1, 2])
    with pytest.raises(ValueError, match="level"):
        LSTMLanguageModel(level="byte").fit(TEXTS)
    with pytest.raises(ValueError, match="single document"):
        lstm.predict_next("the cat")
    with pytest.raises(TypeError, match="prompt must be a str"):
        lstm.generate(["the cat"])
    for settings, message in [
        ({"temperature": 0}, "temperature"),
        ({"temperature": -1.0}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.5}, "top_p"),
        ({"top_k": 0}, "top_k"),
        ({"max_new_tokens": -1}, "max_new_tokens"),
    ]:
        with pytest.raises(ValueError, match=message):
            lstm.generate("the", **settings)
    with pytest.raises(ValueError, match="top_k"):
        lstm.predict_next(["the"], top_k=0)
    with pytest.raises(TypeError, match="random_state"):
        lstm.generate("the", random_state="seed")


# ------------------------------------------- recurrent generation, one step a token
CHAR_TEXTS = ["the cat sat on the mat.", "my old dog lay on the red rug."] * 6
TINY = {"level": "char", "embedding_dim": 8, "epochs": 2, "random_state": 0}


def _reference(lm, prompt, n, *, window=None, **sampling):
    """Generation as it was: the whole network on the growing text, every token
    (only its last ``window`` tokens if given), sampled the same way."""
    ids = [END_ID, *encode_tokens(split_text(prompt, lm.level), token_index(lm.vocabulary_))]

    def next_probabilities(context):
        batch = np.asarray([context[-window:] if window else context], dtype="int32")
        return keras.ops.convert_to_numpy(lm.model_(batch, training=False))[0, -1]

    new = sample_continuation(
        next_probabilities, ids, max_new_tokens=n, stop=END_ID, never=(0, 1), **sampling
    )
    return prompt + join_tokens([lm.vocabulary_[i] for i in new], lm.level)


@pytest.mark.parametrize(
    ("cls", "settings"),
    [
        (LSTMLanguageModel, {"units": 8}),
        (GRULanguageModel, {"units": 8}),
        (LSTMLanguageModel, {"units": (8, 8)}),
        (GRULanguageModel, {"units": (8, 8), "tie_weights": True}),
    ],
)
def test_greedy_generation_steps_as_the_whole_network_reads(cls, settings):
    lm = cls(sequence_length=40, **TINY, **settings).fit(CHAR_TEXTS)
    greedy = {"temperature": 1.0, "top_k": 1, "top_p": None, "random_state": 0}
    # Shorter than the window: the same text as the windowed generation of before.
    assert lm.generate("my o", max_new_tokens=12, top_k=1) == _reference(
        lm, "my o", 12, window=lm.sequence_length_, **greedy
    )
    # Longer: the whole text is the context (the window forgot what came before it).
    prompt = " ".join(CHAR_TEXTS[:2]) + " the cat sat on the m"
    assert len(prompt) > lm.sequence_length_
    assert lm.generate(prompt, max_new_tokens=8, top_k=1) == _reference(lm, prompt, 8, **greedy)
    first = lm.predict_next([prompt], top_k=1)[0][0]  # predict_next reads it all too
    assert lm.generate(prompt, max_new_tokens=1, top_k=1) in (prompt, prompt + first)


def test_seeded_sampling_is_reproducible_and_matches_the_whole_network():
    lm = LSTMLanguageModel(units=8, **TINY).fit(CHAR_TEXTS)
    sampling = {"temperature": 1.5, "top_k": None, "top_p": 0.95, "random_state": 7}
    first = lm.generate("the ", max_new_tokens=20, **sampling)
    assert lm.generate("the ", max_new_tokens=20, **sampling) == first
    assert first == _reference(lm, "the ", 20, **sampling)


def test_the_step_model_is_built_once_and_never_kept_in_files():
    lm = GRULanguageModel(units=(8, 8), **TINY).fit(CHAR_TEXTS)
    assert "_step_model" not in vars(lm)
    text = lm.generate("my ", max_new_tokens=10, top_k=1)
    built = lm._step_model
    assert lm.generate("the ", max_new_tokens=5, random_state=0) and lm._step_model is built
    assert "_step_model" not in lm.__getstate__()
    copy = pickle.loads(pickle.dumps(lm))
    assert "_step_model" not in vars(copy)
    assert copy.generate("my ", max_new_tokens=10, top_k=1) == text
    assert copy._step_model[1] is not built[1]
    buffer = io.BytesIO()
    sknn_text.save(lm, buffer)  # the cache is not a fitted attribute of the format
    assert sknn_text.load(buffer).generate("my ", max_new_tokens=10, top_k=1) == text
    # Training drops it, and the next generation reads the new weights.
    lm.set_params(warm_start=True).fit(["zzzz zzzz zzzz"] * 4)
    assert "_step_model" not in vars(lm)
    greedy = {"temperature": 1.0, "top_k": 1, "top_p": None, "random_state": 0}
    assert lm.generate("z", max_new_tokens=10, top_k=1) == _reference(lm, "z", 10, **greedy)


def test_the_transformer_generates_from_cached_keys_and_values():
    """Each new token is one attention step over the cached keys and values:
    inside the window it generates what re-reading the window generated;
    past it, the window is read again from its second half, and generation
    goes on with the positions the network was trained on."""
    lm = TransformerLanguageModel(
        feedforward_dim=16, n_blocks=2, sequence_length=24, **TINY
    ).fit(CHAR_TEXTS)
    greedy = {"temperature": 1.0, "top_k": 1, "top_p": None, "random_state": 0}
    assert lm.generate("my o", max_new_tokens=12, top_k=1) == _reference(
        lm, "my o", 12, window=24, **greedy
    )
    assert "_step_model" in vars(lm) and "_step_model" not in lm.__getstate__()
    long = lm.generate("the cat sat", max_new_tokens=40, top_k=1)
    assert len(long) > 24 + len("the cat sat") - 12 and long.startswith("the cat sat")
    sampled = lm.generate("the ", max_new_tokens=30, temperature=1.5, random_state=3)
    assert lm.generate("the ", max_new_tokens=30, temperature=1.5, random_state=3) == sampled
