"""The pretrained keras-hub encoders, on a tiny BERT built here (never downloaded).

A session fixture builds a 2-layer, 32-wide ``keras_hub.models.BertBackbone``
with random weights and a WordPiece vocabulary of the test data's words, and
writes it with ``save_to_preset`` to a temporary folder, which the estimators
read as their ``preset``. Random weights carry no knowledge of language, but
the mean of their states still tells the sentiment cue words apart: enough to
show that the frozen path and fine-tuning both learn, and that everything
around them (persistence, cloning, the tagger's alignment) holds.
"""

import io
import pickle
import sys

import keras
import numpy as np
import pytest
from conftest import make_reviews
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils import estimator_checks

import sknn_text
from sknn_text import PretrainedTextClassifier, PretrainedTextRegressor, PretrainedTextTagger

keras_hub = pytest.importorskip("keras_hub")

from sknn_text._architectures import _hub  # noqa: E402
from sknn_text._architectures._pretrained import PretrainedNetwork  # noqa: E402

TEXTS, LABELS, SCORES = make_reviews(240, seed=0)
NAMES, OTHER = ["alice", "bob", "carol", "dave"], ["the", "film", "was", "a", "story", "and"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
#: Random weights tell the cue words apart by small differences: the head
#: needs a larger step than the default (1e-3) to reach them in its budget.
FAST = {"sequence_length": 32, "random_state": 0, "learning_rate": 0.01}


def people(n, seed):
    """Sentences of filler words and names (some plural: two sub-words), tagged
    PER and O."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(3, 8)):
            if rng.rand() < 0.3:
                words.append(rng.choice(NAMES) + rng.choice(["", "s"]))
                tags.append("PER")
            else:
                words.append(rng.choice(OTHER))
                tags.append("O")
        X.append(words)
        y.append(tags)
    return X, y


@pytest.fixture(scope="session")
def preset(tmp_path_factory):
    """A folder written by keras-hub's ``save_to_preset``: a tiny random BERT."""
    words = sorted({w for text in TEXTS for w in text.split()} | set(NAMES + OTHER))
    vocabulary = [*SPECIAL, *words, "##s"]
    keras.utils.set_random_seed(0)
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=vocabulary, lowercase=True)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), num_layers=2, num_heads=2, hidden_dim=32,
        intermediate_dim=64, max_sequence_length=128,
    )
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor(tokenizer, sequence_length=32)
    folder = str(tmp_path_factory.mktemp("tiny_bert"))
    backbone.save_to_preset(folder)
    preprocessor.save_to_preset(folder)
    return folder


@pytest.fixture(scope="session")
def frozen(preset):
    """A frozen-backbone classifier fitted on 160 reviews, and the 80 held out."""
    model = PretrainedTextClassifier(preset=preset, **FAST).fit(TEXTS[:160], LABELS[:160])
    return model, TEXTS[160:], LABELS[160:]


def backbone_weights(model):
    return [w.copy() for w in model.model_.get_layer("encoder").get_weights()]


# ------------------------------------------------------------------ learning
def test_the_frozen_backbone_runs_once_per_fit_and_the_head_learns(preset, monkeypatch):
    calls = []
    encoded = PretrainedNetwork._encoded

    def counted(self, encoder, X, **kwargs):
        calls.append(encoder.name)
        return encoded(self, encoder, X, **kwargs)

    monkeypatch.setattr(PretrainedNetwork, "_encoded", counted)
    model = PretrainedTextClassifier(preset=preset, **FAST).fit(TEXTS[:160], LABELS[:160])
    assert calls == ["encoder"] and model.n_iter_ > 5  # many epochs, one encoder pass
    assert model.score(TEXTS[160:], LABELS[160:]) > 0.8
    pretrained = keras_hub.models.Backbone.from_preset(preset).get_weights()
    tuned = model.model_.get_layer("encoder").get_layer("bert_backbone").get_weights()
    for before, after in zip(pretrained, tuned, strict=True):
        np.testing.assert_array_equal(before, after)


def test_fine_tuning_changes_the_backbone_and_learns(preset):
    model = PretrainedTextClassifier(
        preset=preset, freeze_backbone=False, epochs=15, **{**FAST, "learning_rate": 1e-3}
    ).fit(TEXTS[:160], LABELS[:160])
    assert model.score(TEXTS[160:], LABELS[160:]) > 0.8
    pretrained = keras_hub.models.Backbone.from_preset(preset).get_weights()
    tuned = model.model_.get_layer("encoder").get_layer("bert_backbone").get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(pretrained, tuned, strict=True))


def test_the_regressor_learns_on_the_frozen_backbone(preset):
    model = PretrainedTextRegressor(preset=preset, **FAST)
    model.fit(TEXTS[:160], SCORES[:160])
    assert model.score(TEXTS[160:], SCORES[160:]) > 0.3
    assert model.predict(TEXTS[:3]).shape == (3,)


def test_transform_returns_one_vector_per_document(frozen, preset):
    model, texts, _ = frozen
    vectors = model.transform(texts)
    assert model.hidden_dim_ == 32 and vectors.shape == (len(texts), 32)
    first = PretrainedTextClassifier(preset=preset, pooling="first", epochs=1, **FAST)
    first.fit(TEXTS[:40], LABELS[:40])
    assert not np.allclose(first.transform(texts), vectors)
    # The mean of the final states over the real sub-words, padding aside.
    packed = model._validate_X(texts[:2], reset=False)
    backbone = model.model_.get_layer("encoder").get_layer("bert_backbone")
    ids, mask = packed[:, :, 0], packed[:, :, 1]
    states = keras.ops.convert_to_numpy(backbone({
        "token_ids": ids, "padding_mask": mask, "segment_ids": np.zeros_like(ids)
    })["sequence_output"])
    expected = (states * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(vectors[:2], expected, rtol=1e-4, atol=1e-5)


def test_partial_fit_and_warm_start_train_the_head_on(frozen):
    model, texts, _ = frozen
    loaded = pickle.loads(pickle.dumps(model))
    before = loaded.predict_proba(texts)
    loaded.partial_fit(TEXTS[:64], LABELS[:64])
    assert not np.array_equal(loaded.predict_proba(texts), before)
    warm = clone(model).set_params(warm_start=True, epochs=1)
    warm.fit(TEXTS[:40], LABELS[:40])
    first = warm.model_.get_layer("head").get_weights()
    warm.fit(TEXTS[:40], LABELS[:40])
    assert warm.n_iter_ == 2 and not all(
        np.array_equal(a, b) for a, b in zip(first, warm.model_.get_layer("head").get_weights(),
                                             strict=True)
    )


# --------------------------------------------------------------- persistence
def test_predictions_survive_save_load_pickle_and_skops(frozen, tmp_path):
    model, texts, _ = frozen
    expected = model.predict_proba(texts)
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    for loaded in (sknn_text.load(buffer), pickle.loads(pickle.dumps(model))):
        assert not hasattr(loaded, "_tokenizer")  # rebuilt from data on first use
        np.testing.assert_array_equal(loaded.predict_proba(texts), expected)
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(model)
    loaded = skops_io.loads(data, trusted=sknn_text.skops_trusted_types())
    np.testing.assert_array_equal(loaded.predict_proba(texts), expected)


def test_a_loaded_model_needs_no_preset(frozen, tmp_path):
    model, texts, _ = frozen
    path = tmp_path / "model.sknn"
    model.save(path)
    loaded = sknn_text.load(path)
    loaded.set_params(preset=str(tmp_path / "gone"))
    np.testing.assert_array_equal(loaded.predict(texts), model.predict(texts))


def test_clone_get_params_and_grid_search(preset):
    model = PretrainedTextClassifier(preset=preset, epochs=2, **FAST)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy.preset == preset
    grid = GridSearchCV(model, {"pooling": ["mean", "first"]}, cv=2)
    grid.fit(TEXTS[:40], LABELS[:40])
    assert grid.best_params_["pooling"] in ("mean", "first")
    assert len(grid.cv_results_["mean_test_score"]) == 2


@pytest.mark.parametrize("cls", [PretrainedTextClassifier, PretrainedTextRegressor,
                                 PretrainedTextTagger])
@pytest.mark.parametrize("check", [
    "check_estimator_cloneable", "check_estimator_repr", "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params", "check_get_params_invariance",
    "check_set_params", "check_parameters_default_constructible", "check_valid_tag_types",
    "check_estimator_tags_renamed",
])
def test_sklearn_checks_that_need_no_2d_data(cls, check):
    """scikit-learn's other checks feed 2-D numbers, which these do not read
    (``two_d_array=False``): ``parametrize_with_checks`` skips them."""
    getattr(estimator_checks, check)(cls.__name__, cls())


def test_ctrl_c_keeps_the_epochs_done(preset):
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    model = PretrainedTextClassifier(preset=preset, epochs=10, callbacks=[Interrupt()], **FAST)
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        model.fit(TEXTS[:80], LABELS[:80])
    assert model.n_iter_ == 2 and model.predict(TEXTS[:5]).shape == (5,)


# -------------------------------------------------------------------- tagger
def test_word_tags_align_to_first_sub_words(frozen):
    model, _, _ = frozen
    packing = model._special()
    packed, owners = _hub.pack_sentences(
        model._live_tokenizer(), packing, [["alices", "was", "bobs"]], 32
    )
    vocabulary = model._live_tokenizer().get_vocabulary()
    ids = packed[0, : packed[0, :, 1].sum(), 0]
    assert [vocabulary[i] for i in ids] == [
        "[CLS]", "alice", "##s", "was", "bob", "##s", "[SEP]"
    ]
    starts = packed[0, :, _hub.WORD_STARTS]
    assert starts[:4].tolist() == [2, 4, 5, 0]  # positions 1, 3, 4 (plus one)
    long = [["alice"] * 40]
    windows, owners = _hub.pack_sentences(model._live_tokenizer(), packing, long, 32,
                                          windows=True)
    assert owners.tolist() == [0, 0] and (windows[:, :, 2] > 0).sum() == 40
    kept, _ = _hub.pack_sentences(model._live_tokenizer(), packing, long, 32)
    assert (kept[:, :, 2] > 0).sum() == 30  # the first 30 words fit


@pytest.mark.parametrize("freeze", [True, False])
def test_the_tagger_learns_one_tag_per_word(preset, freeze):
    X, y = people(100, seed=0)
    X_test, y_test = people(40, seed=1)
    tagger = PretrainedTextTagger(
        preset=preset, freeze_backbone=freeze, epochs=25 if freeze else 10,
        **{**FAST, "learning_rate": 0.01 if freeze else 1e-3},
    ).fit(X, y)
    assert tagger.score(X_test, y_test) > 0.9
    long = [[word for sentence in X_test[:8] for word in sentence]]  # read in windows
    assert len(tagger.predict(long)[0]) == len(long[0])
    assert tagger.predict([["alices", "was", "bob"]]) == [["PER", "O", "PER"]]
    buffer = io.BytesIO()
    tagger.save(buffer)
    buffer.seek(0)
    assert sknn_text.load(buffer).predict(X_test) == tagger.predict(X_test)


# -------------------------------------------------------------------- errors
def test_without_keras_hub_the_error_says_what_to_install(monkeypatch, preset):
    monkeypatch.setitem(sys.modules, "keras_hub", None)
    with pytest.raises(ImportError, match=r'pip install "sknn_text\[hub\]"'):
        PretrainedTextClassifier(preset=preset).fit(TEXTS[:20], LABELS[:20])


def test_a_missing_preset_says_where_to_put_one(tmp_path):
    model = PretrainedTextClassifier(preset=str(tmp_path / "no_such_folder"))
    with pytest.raises(ValueError, match=r"save_to_preset.*preset='path/to/folder'"):
        model.fit(TEXTS[:20], LABELS[:20])
    with pytest.raises(ValueError, match=r"is not a keras-hub text preset.*save_to_preset"):
        PretrainedTextClassifier(preset=str(tmp_path)).fit(TEXTS[:20], LABELS[:20])
    with pytest.raises(ValueError, match="needs a preset"):
        PretrainedTextClassifier().fit(TEXTS[:20], LABELS[:20])


def test_an_offline_preset_name_says_where_to_put_the_preset(monkeypatch):
    """What keras-hub raises for a preset name without network (a requests
    ConnectionError from kagglehub), simulated without touching the network."""
    from keras_hub.src.utils import preset_utils

    def offline(preset, path):
        raise ConnectionError("Failed to resolve 'api.kaggle.com'")

    monkeypatch.setattr(preset_utils, "get_file", offline)
    with pytest.raises(ValueError, match=r"needs network access.*save_to_preset"):
        PretrainedTextClassifier(preset="bert_tiny_en_uncased").fit(TEXTS[:20], LABELS[:20])


def test_a_failed_fit_leaves_the_estimator_as_it_was(frozen):
    model, texts, _ = frozen
    model = pickle.loads(pickle.dumps(model))
    expected = model.predict_proba(texts)
    with pytest.raises(ValueError, match="sequence_length=200 is more than"):
        model.set_params(sequence_length=200).fit(TEXTS[:20], LABELS[:20])
    np.testing.assert_array_equal(model.set_params(sequence_length=32).predict_proba(texts),
                                  expected)
    with pytest.raises(ValueError, match="string object received"):
        model.predict("one text")


def test_truncation_keeps_the_first_sub_words(frozen):
    model, _, _ = frozen
    packed = _hub.pack_documents(model._live_tokenizer(), model._special(), ["film " * 50], 32)
    vocabulary = model._live_tokenizer().get_vocabulary()
    tokens = [vocabulary[i] for i in packed[0, :, 0]]
    assert tokens == ["[CLS]", *["film"] * 30, "[SEP]"] and packed[0, :, 1].all()


# ------------------------------------------------------------------- compare
def test_compare_runs_the_pretrained_encoder_with_a_preset(preset, tmp_path, capsys):
    from sknn_text.cli import main
    from sknn_text.compare import default_models

    assert "pretrained" not in default_models()
    model = default_models(preset=preset)["pretrained"]
    assert len(model.steps) == 1 and model[-1].preset == preset
    assert "pretrained" in default_models("regression", preset=preset)
    csv = tmp_path / "reviews.csv"
    csv.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in
                                            zip(TEXTS[:60], LABELS[:60], strict=True)))
    assert main(["compare", "--models", "pretrained", "--csv", str(csv)]) == 2
    assert "pretrained needs --preset" in capsys.readouterr().err
    status = main(["compare", "--models", "lr,pretrained", "--preset", preset, "--csv",
                   str(csv), "--cv", "2", "--epochs", "2", "--quiet"])
    assert status == 0 and "| pretrained" in capsys.readouterr().out
