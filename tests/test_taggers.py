"""The taggers: CRF algebra against brute force, learning, persistence, bad input."""

import itertools
import pickle

import keras
import numpy as np
import pytest
from keras import ops
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.utils import estimator_checks

import sknn_text
from sknn_text import (
    CNNTextTagger,
    GRUTextTagger,
    LSTMTextTagger,
    TransformerTextTagger,
    _crf,
)
from sknn_text.metrics import chunk_f1_scorer

TAGGERS = [LSTMTextTagger, GRUTextTagger, CNNTextTagger, TransformerTextTagger]
FAST = {"embedding_dim": 16, "feature_dim": 4, "batch_size": 16, "random_state": 0}
SIZES = {
    LSTMTextTagger: {"units": 16},
    GRUTextTagger: {"units": 16},
    CNNTextTagger: {"filters": 16},
    TransformerTextTagger: {"feedforward_dim": 32, "n_blocks": 1},
}

# A tiny chunking task: determiners open a noun phrase, nouns continue it (or
# open one without determiner), verbs are verb phrases; words are drawn at random.
DETERMINERS, NOUNS, VERBS = ["the", "a", "this"], ["cat", "dog", "idea", "house"], ["ran", "sat"]


def tiny_corpus(n_sentences, seed):
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n_sentences):
        words, tags = [], []
        for _ in range(rng.randint(1, 4)):
            if rng.rand() < 0.5:
                words += [DETERMINERS[rng.randint(3)], NOUNS[rng.randint(4)]]
                tags += ["B-NP", "I-NP"]
            else:
                words.append(NOUNS[rng.randint(4)])
                tags.append("B-NP")
            words.append(VERBS[rng.randint(2)])
            tags.append("B-VP")
        X.append(words)
        y.append(tags)
    return X, y


X_TRAIN, Y_TRAIN = tiny_corpus(120, 0)
X_TEST, Y_TEST = tiny_corpus(40, 1)


def tagger(cls=LSTMTextTagger, **params):
    return cls(**{**FAST, **SIZES[cls], "epochs": 3, **params})


# Every tagger embeds its tokens the same way (``TokenInput``: words, their
# features, further columns, characters, pretrained vectors), and every one
# trains through the same loop: the tests of those use the CNN tagger, whose
# fits take a quarter of an LSTM's (tracing a recurrent step costs seconds).


@pytest.fixture(scope="module")
def fitted():
    # A larger step than the default: 8 epochs learn the task (25 at the default rate).
    return tagger(epochs=8, learning_rate=0.01).fit(X_TRAIN, Y_TRAIN)


# ------------------------------------------------------------------ CRF algebra
def _random_crf(seed, n_tags=3, steps=4, lengths=(4, 2, 1)):
    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(len(lengths), steps, n_tags)).astype("float32")
    transitions, start, end = (
        rng.normal(size=shape).astype("float32") for shape in ((n_tags, n_tags), n_tags, n_tags)
    )
    mask = np.arange(steps)[None] < np.array(lengths)[:, None]
    return emissions, transitions, start, end, mask


def _path_scores(emissions, transitions, start, end, length):
    n_tags = emissions.shape[-1]
    scores = {}
    for path in itertools.product(range(n_tags), repeat=length):
        score = start[path[0]] + end[path[-1]]
        score += sum(emissions[t, path[t]] for t in range(length))
        score += sum(transitions[path[t - 1], path[t]] for t in range(1, length))
        scores[path] = float(score)
    return scores


@pytest.mark.parametrize("seed", [0, 1])
def test_crf_matches_brute_force(seed):
    emissions, transitions, start, end, mask = _random_crf(seed)
    log_z = ops.convert_to_numpy(_crf.log_partition(emissions, transitions, start, end, mask))
    best = ops.convert_to_numpy(_crf.viterbi_decode(emissions, transitions, start, end, mask))
    for row, length in enumerate(mask.sum(axis=1)):
        scores = _path_scores(emissions[row], transitions, start, end, length)
        values = np.array(list(scores.values()))
        brute_log_z = np.log(np.exp(values).sum())
        np.testing.assert_allclose(log_z[row], brute_log_z, rtol=1e-5)
        assert tuple(best[row, :length]) == max(scores, key=scores.get)
        marginals = np.zeros((length, emissions.shape[-1]))
        for path, score in scores.items():
            for t, tag in enumerate(path):
                marginals[t, tag] += np.exp(score - brute_log_z)
        np.testing.assert_allclose(
            _crf.crf_marginals(emissions[row, :length], transitions, start, end),
            marginals,
            atol=1e-6,
        )


def test_crf_loss_is_the_negative_log_likelihood_per_token():
    emissions, transitions, start, end, mask = _random_crf(2)
    gold = [(0, 1, 2, 1), (2, 2), (1,)]
    y = np.zeros((3, 6), dtype="int32")  # wider than the batch, as in training
    for row, path in enumerate(gold):
        y[row, : len(path)] = np.array(path) + 1
    packed = np.concatenate(
        [
            emissions * mask[..., None],
            np.broadcast_to(np.vstack([transitions, start, end]), (3, 5, 3)),
        ],
        axis=1,
    )
    loss = ops.convert_to_numpy(_crf.crf_loss(y, packed))
    for row, path in enumerate(gold):
        scores = _path_scores(emissions[row], transitions, start, end, len(path))
        log_z = np.log(np.exp(list(scores.values())).sum())
        np.testing.assert_allclose(loss[row], (log_z - scores[path]) / len(path), rtol=1e-5)


# ------------------------------------------------------------------ learning
def test_learns_a_small_chunking_task(fitted):
    assert fitted.score(X_TEST, Y_TEST) >= 0.95
    pred = fitted.predict(X_TEST)
    assert [len(p) for p in pred] == [len(x) for x in X_TEST]
    assert set(fitted.classes_) == {"B-NP", "I-NP", "B-VP"}
    proba = fitted.predict_proba(X_TEST[:3])
    for sentence, p in zip(X_TEST[:3], proba, strict=True):
        assert p.shape == (len(sentence), 3)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("cls", TAGGERS)
def test_every_architecture_tags_any_length(cls, request):
    if cls is LSTMTextTagger:  # with a CRF: the module's fitted tagger is one
        model, seen = request.getfixturevalue("fitted"), X_TRAIN
    else:
        crf = cls is TransformerTextTagger  # the CRF is tested enough
        model = tagger(cls, epochs=1, crf=crf).fit(X_TRAIN[:40], Y_TRAIN[:40])
        seen = X_TRAIN[:40]
    longest = max(len(x) for x in seen)
    long_sentence = (NOUNS * 10)[: 2 * longest + 3]  # longer than any seen in fit
    pred = model.predict([long_sentence, ["unseen", "Words"]])
    assert [len(p) for p in pred] == [len(long_sentence), 2]
    assert all(tag in model.classes_ for sentence in pred for tag in sentence)


def test_extra_columns_are_features():
    # The tag can only be read from the second column: words are uninformative.
    rng = np.random.RandomState(0)
    X, y = [], []
    for _ in range(60):
        kinds = rng.randint(2, size=4)
        X.append([("w", "DT" if k else "NN") for k in kinds])
        y.append(["B-NP" if k else "I-NP" for k in kinds])
    model = tagger(CNNTextTagger, epochs=15, crf=False).fit(X, y)
    assert model.score(X, y) == 1.0
    as_dicts = [[{"word": w, "pos": p} for w, p in sentence] for sentence in X]
    dict_model = tagger(CNNTextTagger, epochs=15, crf=False).fit(as_dicts, y)
    assert dict_model.predict(as_dicts) == model.predict(X)
    with pytest.raises(ValueError, match="fitted on tuples of 2 tokens"):
        model.predict([["w", "w"]])


def test_scorers_in_cross_validation():
    scores = cross_val_score(
        tagger(CNNTextTagger, epochs=1), X_TRAIN[:40], Y_TRAIN[:40], cv=2,
        scoring=chunk_f1_scorer,
    )
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))


# ------------------------------------------------------------------ state
def test_pickle_save_clone_and_random_state(fitted, tmp_path):
    expected = fitted.predict(X_TEST)
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.predict(X_TEST) == expected
    path = tmp_path / "tagger.sknn"
    sknn_text.save(fitted, path)
    loaded = sknn_text.load(path)
    assert loaded.predict(X_TEST) == expected
    np.testing.assert_allclose(loaded.predict_proba(X_TEST[:2])[0], fitted.predict_proba(
        X_TEST[:2])[0])
    small = tagger(CNNTextTagger, epochs=1)
    twice = [clone(small).fit(X_TRAIN[:32], Y_TRAIN[:32]) for _ in range(2)]
    np.testing.assert_array_equal(*(m.predict_proba(X_TEST[:1])[0] for m in twice))


def test_ctrl_c_keeps_the_completed_epochs():
    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    model = tagger(CNNTextTagger, epochs=5, callbacks=[Interrupt()], crf=False)
    with pytest.raises(KeyboardInterrupt, match="after 2 completed epoch"):
        model.fit(X_TRAIN[:32], Y_TRAIN[:32])
    assert model.n_iter_ == 2 and len(model.predict(X_TEST[:2])) == 2


def test_the_cap_warning_names_the_line_that_called_fit():
    # TaggerHead.fit wraps the shared fit: the warning must still skip it.
    model = tagger(CNNTextTagger, epochs=1, early_stopping=True, validation_fraction=0.25)
    with pytest.warns(ConvergenceWarning, match="raise epochs") as record:
        model.fit(X_TRAIN[:32], Y_TRAIN[:32])
    assert [w.filename for w in record if w.category is ConvergenceWarning] == [__file__]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([["a", "b"], ["c"]], [["O", "O"], ["O", "O"]], "Sentence 1 has 1 tokens but 2 tags"),
        ([["a", "b"], []], [["O", "O"], []], "Sentence 1 of X is empty"),
        ([["a"]], [["O"], ["O"]], "X has 1 sentences but y has 2"),
        (["a", "b"], [["O"], ["O"]], "Sentence 0 of X is a str"),
        ([["a", 3]], [["O", "O"]], "Sentence 0 of X holds the token 3"),
        ([["a"], [("a", "DT")]], [["O"], ["O"]], "mixes tokens"),
        ([["a"]], "O", "y must be a list of tag lists"),
        ([["a", "b"], ["c"]], [["O", "O"], ["O"]], "at least 2 distinct tags"),
    ],
)
def test_bad_input_names_the_sentence(X, y, message):
    with pytest.raises(ValueError, match=message):
        tagger(epochs=1).fit(X, y)


def test_unknown_tags_and_empty_sentences_after_fit(fitted):
    with pytest.raises(ValueError, match="tag 'B-PP' \\(sentence 1\\)"):
        fitted.score([["a"], ["the", "cat"]], [["B-NP"], ["B-PP", "I-NP"]])
    with pytest.raises(ValueError, match="Sentence 0 of X is empty"):
        fitted.predict([[]])
    with pytest.raises(ValueError, match="word_features"):
        tagger(word_features=("shape", "color")).fit(X_TRAIN[:5], Y_TRAIN[:5])


def test_load_conll_reads_gzip_docstart_and_columns(tmp_path):
    import gzip

    text = (
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n"
        "-DOCSTART- -X- -X- O\n\nPeter NNP B-NP B-PER\n"
    )
    path = tmp_path / "train.conll"  # no .gz suffix: gzip is detected by content
    path.write_bytes(gzip.compress(text.encode()))
    X, y = sknn_text.load_conll(path)
    assert X == [["EU", "rejects"], ["Peter"]] and y == [["B-ORG", "O"], ["B-PER"]]
    X, y = sknn_text.load_conll(path, feature_columns=[1, 2], tag_column=2)
    assert X[0][0] == ("EU", "NNP", "B-NP") and y[1] == ["B-NP"]
    bad = tmp_path / "bad.txt"
    bad.write_text("EU NNP\nrejects\n")
    with pytest.raises(ValueError, match="line 2: 1 column"):
        sknn_text.load_conll(bad, tag_column=1)


# ------------------------------------------------------------------ scikit-learn
API_CHECKS = [
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_valid_tag_types",
    "check_estimator_tags_renamed",
]


@pytest.mark.parametrize("check", API_CHECKS)
@pytest.mark.parametrize("cls", TAGGERS)
def test_sklearn_api_checks_that_need_no_2d_data(cls, check):
    """scikit-learn's checks feed 2-D arrays, which a tagger does not read; its
    tags (``two_d_array=False``) make ``parametrize_with_checks`` skip the
    others. These need no data."""
    getattr(estimator_checks, check)(cls.__name__, cls())


def test_compare_task_tagging_against_the_crf(tmp_path, capsys):
    from sknn_text.cli import main

    pos = {"B-NP": "DT", "I-NP": "NN", "B-VP": "VBD"}
    path = tmp_path / "train.txt"
    path.write_text("".join(
        "".join(f"{w} {pos[t]} {t}\n" for w, t in zip(words, tags, strict=True)) + "\n"
        for words, tags in zip(X_TRAIN[:40], Y_TRAIN[:40], strict=True)
    ))
    argv = ["compare", "--task", "tagging", "--conll", str(path), "--cv", "2", "--epochs",
            "1", "--models", "cnn", "-q", "--output", str(tmp_path / "out.md")]
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "| crf |" in table or "sklearn-crfsuite" in table
    assert "| cnn |" in table and "NP" in table
    assert (tmp_path / "out.md").read_text().startswith("| model | chunk F1")
    assert main(["compare", "--task", "tagging"]) == 2  # no --conll


def test_pretrained_vectors_reach_words_unseen_in_fit():
    rng = np.random.RandomState(0)
    table = {word: rng.normal(size=8) for word in [*DETERMINERS, *NOUNS, *VERBS]}
    table["kitten"] = table["cat"]  # never in the training sentences
    table["strolled"] = table["ran"]
    vectors = sknn_text.WordVectors(list(table), np.array(list(table.values())))
    model = tagger(
        CNNTextTagger, embeddings=vectors, freeze_embeddings=True, word_features=(),
        epochs=15, crf=False,
    ).fit(X_TRAIN, Y_TRAIN)
    assert "kitten" in model.vocabulary_
    layer = model.model_.get_layer("token_embedding")
    assert all(weight is not layer.words for weight in layer.trainable_weights)
    row = model.vocabulary_["kitten"]
    np.testing.assert_allclose(ops.convert_to_numpy(layer.words)[row], table["cat"], rtol=1e-6)
    assert model.predict([["the", "kitten", "strolled"]]) == [["B-NP", "I-NP", "B-VP"]]


def test_character_encoder_reads_unseen_words():
    # Words of random letters, each seen about once: only their letters tell
    # the tag (a verb ends in "zz"), and the word features are left out.
    rng = np.random.RandomState(0)

    def corpus(n_sentences):
        X, y = [], []
        for _ in range(n_sentences):
            kinds = rng.randint(2, size=3)
            X.append(["".join(rng.choice(list("abcdefgh"), 4)) + "zz" * k for k in kinds])
            y.append(["B-VP" if k else "B-NP" for k in kinds])
        return X, y

    (X, y), (X_new, y_new) = corpus(80), corpus(20)
    model = tagger(CNNTextTagger, char_filters=16, word_features=(), epochs=20, crf=False)
    model.fit(X, y)
    assert model.score(X_new, y_new) >= 0.95


def test_export_is_refused_clearly(fitted, tmp_path):
    with pytest.raises(NotImplementedError, match="cannot be exported"):
        fitted.export(tmp_path / "tagger.onnx")
