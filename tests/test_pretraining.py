"""Pretraining on unlabelled text, then fine-tuning (``pretrained=``, ULMFiT)."""

import io
import pickle

import keras
import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import sknn_text
from sknn_text import (
    GRULanguageModel,
    LSTMLanguageModel,
    LSTMTextClassifier,
    LSTMTextRegressor,
    LSTMTextTagger,
    TextTokenizer,
    TransformerLanguageModel,
    TransformerTextClassifier,
)
from sknn_text._text_stream import encode_tokens, split_text, token_index

RNG = np.random.RandomState(0)
GOOD, BAD = ["good", "great", "fine", "superb"], ["bad", "awful", "poor", "dull"]
FILLER = ["the", "film", "movie", "plot", "was", "and", "it", "a", "story"]


def _text(label):
    words = [*RNG.choice(FILLER, 5), RNG.choice(GOOD if label else BAD)]
    RNG.shuffle(words)
    return " ".join(words)


LABELS = RNG.randint(2, size=160)
TEXTS = [_text(label) for label in LABELS]
#: Unlabelled texts of the same kind, for the language models.
UNLABELLED = [_text(label) for label in RNG.randint(2, size=200)]
TINY = {"embedding_dim": 8, "epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def lm():
    return LSTMLanguageModel(units=(8, 8), **TINY).fit(UNLABELLED)


def _weights(layer):
    return [np.array(w) for w in layer.get_weights()]


def _recurrent(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]


class _AtStart(keras.callbacks.Callback):
    """The model's weights when training begins."""

    def on_train_begin(self, logs=None):
        self.weights = {layer.name: _weights(layer) for layer in self.model.layers}


def _assert_same(left, right):
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_tokenizer_numbers_texts_as_the_language_model(lm):
    texts = ["the film was good", "an unseen word <eos> here", "  spaced\tout  "]
    ids = lm.tokenizer().fit(texts).transform(texts)
    index = token_index(lm.vocabulary_)
    for row, text in zip(ids, texts, strict=True):
        expected = encode_tokens(split_text(text, "word"), index)
        assert row[: len(expected)].tolist() == expected
        assert not row[len(expected) :].any()
    chars = LSTMLanguageModel(level="char", units=4, **TINY).fit(["ab c\nd", "b a"])
    text = "a\nb c z"
    ids = chars.tokenizer().fit([text]).transform([text])[0]
    assert ids.tolist() == encode_tokens(split_text(text, "char"), token_index(chars.vocabulary_))


def test_a_classifier_starts_from_the_language_model_and_learns(lm):
    at_start = _AtStart()
    clf = LSTMTextClassifier(
        pretrained=lm, epochs=15, learning_rate=0.01, callbacks=[at_start], random_state=0
    )
    model = make_pipeline(lm.tokenizer(), clf).fit(TEXTS, LABELS)
    start = at_start.weights
    _assert_same(start["embedding"], _weights(lm.model_.get_layer("embedding")))
    pretrained_layers = _recurrent(lm.model_)
    layers = _recurrent(clf.model_)
    assert [layer.units for layer in layers] == [8, 8]  # the language model's sizes
    for source, target in zip(pretrained_layers, layers, strict=True):
        _assert_same(start[target.name], _weights(source))
        assert not np.array_equal(_weights(target)[0], _weights(source)[0])  # fine-tuned
    assert model.score(TEXTS, LABELS) > 0.9


def test_a_frozen_embedding_stays_as_pretrained(lm):
    clf = LSTMTextClassifier(pretrained=lm, freeze_embeddings=True, epochs=2, random_state=0)
    make_pipeline(lm.tokenizer(), clf).fit(TEXTS, LABELS)
    embedding = clf.model_.get_layer("embedding")
    assert not embedding.trainable
    _assert_same(_weights(embedding), _weights(lm.model_.get_layer("embedding")))


@pytest.mark.parametrize("epochs", [1, 2, 3, 4])
def test_gradual_unfreezing_unfreezes_one_layer_per_stage_from_the_top(lm, epochs):
    clf = LSTMTextClassifier(
        pretrained=lm, gradual_unfreezing=1, epochs=epochs, learning_rate=0.01, random_state=0
    )
    make_pipeline(lm.tokenizer(), clf).fit(TEXTS, LABELS)
    # Bottom first: the embedding, the first and the second LSTM layer.
    before = [lm.model_.get_layer("embedding"), *_recurrent(lm.model_)]
    after = [clf.model_.get_layer("embedding"), *_recurrent(clf.model_)]
    changed = [
        not np.array_equal(_weights(old)[0], _weights(new)[0])
        for old, new in zip(before, after, strict=True)
    ]
    # Epoch 1 trains the head only; epoch 2 also the top layer; and so on down.
    assert changed == [epochs >= 4, epochs >= 3, epochs >= 2]
    gates = [layer for layer in clf.model_.layers if type(layer).__name__ == "GradientGate"]
    assert len(gates) == 3 and all(float(gate.open.numpy()) == 1.0 for gate in gates)


def test_partial_fit_goes_on_counting_the_epochs_of_gradual_unfreezing(lm):
    tokenizer = lm.tokenizer().fit(TEXTS)
    X = tokenizer.transform(TEXTS)
    clf = LSTMTextClassifier(pretrained=lm, gradual_unfreezing=1, random_state=0)
    top = _weights(_recurrent(lm.model_)[-1])[0]
    clf.partial_fit(X, LABELS, classes=[0, 1])
    np.testing.assert_array_equal(_weights(_recurrent(clf.model_)[-1])[0], top)
    clf.partial_fit(X, LABELS)  # the second epoch since the weights were taken
    assert not np.array_equal(_weights(_recurrent(clf.model_)[-1])[0], top)


def test_a_bidirectional_tagger_starts_its_forward_half_from_the_language_model(lm):
    sentences = [text.split() for text in TEXTS[:40]]
    tags = [["POS" if word in GOOD else "NEG" if word in BAD else "O" for word in s]
            for s in sentences]
    at_start = _AtStart()
    tagger = LSTMTextTagger(pretrained=lm, epochs=1, callbacks=[at_start], random_state=0)
    tagger.fit(sentences, tags)
    assert len(tagger.predict(sentences[:2])[0]) == len(sentences[0])
    first, second = [
        layer for layer in tagger.model_.layers
        if isinstance(layer, keras.layers.Bidirectional)
    ]
    source_first, source_second = (_weights(layer) for layer in _recurrent(lm.model_))
    start = at_start.weights
    # Bidirectional weights: the forward layer's (kernel, recurrent, bias), then the backward's.
    kernel, recurrent, bias = start[first.name][:3]
    np.testing.assert_array_equal(kernel[:8], source_first[0])  # the word embedding's rows
    assert not kernel[8:].any()  # the token features start at zero
    _assert_same([recurrent, bias], source_first[1:])
    kernel = start[second.name][0]
    np.testing.assert_array_equal(kernel[:8], source_second[0])  # the forward half below
    assert not kernel[8:].any()
    assert not np.array_equal(start[second.name][3][:8], source_second[0])  # backward: new
    words = start["token_embedding"][0]
    lm_rows = _weights(lm.model_.get_layer("embedding"))[0]
    for word in ("film", "good"):
        row = tagger.vocabulary_[word]
        np.testing.assert_array_equal(words[row], lm_rows[lm.vocabulary_.index(word)])


def test_a_transformer_classifier_takes_the_blocks_and_first_positions():
    lm = TransformerLanguageModel(
        feedforward_dim=16, n_blocks=1, sequence_length=4, **TINY
    ).fit(UNLABELLED)
    at_start = _AtStart()
    clf = TransformerTextClassifier(pretrained=lm, epochs=1, callbacks=[at_start], random_state=0)
    make_pipeline(lm.tokenizer(), clf).fit(TEXTS, LABELS)
    start = at_start.weights
    _assert_same(start["encoder_0"], _weights(lm.model_.get_layer("decoder_0")))
    positions = start["position_embedding"][0]
    assert positions.shape == (6, 8)  # the texts' 6 words; the language model read 4
    pretrained_positions = _weights(lm.model_.get_layer("position_embedding"))[0]
    np.testing.assert_array_equal(positions[:4], pretrained_positions)


def test_a_regressor_starts_from_the_language_model_too(lm):
    reg = LSTMTextRegressor(pretrained=lm, epochs=1, random_state=0)
    make_pipeline(lm.tokenizer(), reg).fit(TEXTS, LABELS.astype(float))
    assert [layer.units for layer in _recurrent(reg.model_)] == [8, 8]


def test_ids_of_another_tokenizer_are_refused(lm):
    clf = LSTMTextClassifier(pretrained=lm, epochs=1)
    with pytest.raises(ValueError, match=r"another vocabulary.*lm\.tokenizer\(\)"):
        make_pipeline(TextTokenizer(), clf).fit(TEXTS, LABELS)
    wide = TextTokenizer(vocabulary=[f"w{i}" for i in range(50)] + FILLER)
    with pytest.raises(ValueError, match="knows ids 0 to"):
        make_pipeline(wide, clf).fit(TEXTS, LABELS)
    assert not hasattr(clf, "model_")


def test_a_language_model_of_another_kind_is_refused(lm):
    X = lm.tokenizer().fit(TEXTS).transform(TEXTS)
    gru = GRULanguageModel(units=4, **TINY).fit(UNLABELLED)
    with pytest.raises(ValueError, match=r"'gru' layers.*'lstm' layers"):
        LSTMTextClassifier(pretrained=gru).fit(X, LABELS)
    with pytest.raises(ValueError, match="not fitted"):
        LSTMTextClassifier(pretrained=LSTMLanguageModel()).fit(X, LABELS)
    with pytest.raises(TypeError, match="pretrained must be a fitted language model"):
        LSTMTextClassifier(pretrained=LSTMTextClassifier()).fit(X, LABELS)
    with pytest.raises(ValueError, match="numeric"):
        LSTMTextClassifier(pretrained=lm).fit(RNG.rand(20, 5), LABELS[:20])
    vectors = sknn_text.WordVectors(["film"], [[0.0] * 8])
    with pytest.raises(ValueError, match="pretrained or embeddings"):
        LSTMTextClassifier(pretrained=lm, embeddings=vectors).fit(X, LABELS)
    chars = LSTMLanguageModel(level="char", units=4, **TINY).fit(["ab c"])
    with pytest.raises(ValueError, match="level='word'"):
        LSTMTextTagger(pretrained=chars).fit([["a", "b"]], [["X", "Y"]])


def test_the_parameter_is_only_where_a_language_model_exists():
    assert "pretrained" in LSTMTextTagger().get_params()
    assert "pretrained" not in sknn_text.SimpleRNNTextClassifier().get_params()
    assert "pretrained" not in sknn_text.CNNTextClassifier().get_params()
    assert "pretrained" not in LSTMLanguageModel().get_params()


def test_clone_shares_the_language_model_and_grid_search_runs(lm):
    with sklearn.config_context(enable_metadata_routing=True):
        clf = LSTMTextClassifier(pretrained=lm, epochs=1).set_fit_request(sample_weight=True)
        copy = clone(clf)
        assert copy.get_metadata_routing().fit.requests["sample_weight"] is True
    assert copy.pretrained is lm and copy is not clf
    search = GridSearchCV(
        make_pipeline(lm.tokenizer(), LSTMTextClassifier(pretrained=lm, epochs=1)),
        {"lstmtextclassifier__gradual_unfreezing": [0, 1]},
        cv=2,
    ).fit(TEXTS[:60], LABELS[:60])
    assert search.best_estimator_[-1].pretrained is lm


def test_save_load_and_pickle_predict_identically(lm, tmp_path):
    model = make_pipeline(
        lm.tokenizer(), LSTMTextClassifier(pretrained=lm, gradual_unfreezing=1, epochs=2,
                                           random_state=0)
    ).fit(TEXTS, LABELS)
    expected = model.predict_proba(TEXTS)
    sknn_text.save(model, tmp_path / "model.sknn")
    loaded = sknn_text.load(tmp_path / "model.sknn")
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), expected)
    copy = loaded[-1].pretrained  # the file keeps a copy of the language model
    assert type(copy) is LSTMLanguageModel and copy is not lm
    assert copy.perplexity(TEXTS[:5]) == pytest.approx(lm.perplexity(TEXTS[:5]))
    unpickled = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(unpickled.predict_proba(TEXTS), expected)
    refit = clone(loaded).fit(TEXTS, LABELS)  # the copy starts a new fit as lm did
    np.testing.assert_allclose(refit.predict_proba(TEXTS), expected, atol=1e-5)


def test_word2vec_vectors_go_through_embeddings_as_they_are():
    gensim = pytest.importorskip("gensim")
    sentences = [text.split() for text in UNLABELLED]
    word2vec = gensim.models.Word2Vec(
        sentences, vector_size=8, min_count=1, epochs=2, seed=0, workers=1
    )
    tokenizer = TextTokenizer(vocabulary=word2vec.wv)
    clf = LSTMTextClassifier(embeddings=word2vec.wv, freeze_embeddings=True, epochs=1)
    make_pipeline(tokenizer, clf).fit(TEXTS, LABELS)
    rows = clf.model_.get_layer("embedding").get_weights()[0]
    for word in ("film", "good"):
        np.testing.assert_array_equal(rows[tokenizer.vocabulary_[word]], word2vec.wv[word])


def test_a_saved_file_holds_the_language_model_once_per_estimator(lm):
    buffer = io.BytesIO()
    clf = LSTMTextClassifier(pretrained=lm)  # unfitted, with a fitted parameter
    sknn_text.save(clf, buffer)
    assert sknn_text.load(buffer).pretrained.vocabulary_ == lm.vocabulary_
