"""CNN, Transformer and fastText estimators: what sets them apart from the rest."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import right_padded_tokens
from sklearn.base import is_classifier, is_regressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from sknn_text import (
    CNNTextClassifier,
    CNNTextRegressor,
    FastTextClassifier,
    FastTextRegressor,
    TextTokenizer,
    TransformerTextClassifier,
    TransformerTextRegressor,
)

TINY = {"embedding_dim": 8, "random_state": 0}
CLASSIFIERS = {
    "cnn": lambda **p: CNNTextClassifier(filters=8, kernel_sizes=(2, 3), **TINY, **p),
    "transformer": lambda **p: TransformerTextClassifier(
        num_heads=2, feedforward_dim=16, **TINY, **p
    ),
    "fasttext": lambda **p: FastTextClassifier(**TINY, **p),
}
REGRESSORS = {
    "cnn": lambda **p: CNNTextRegressor(filters=8, kernel_sizes=(2, 3), **TINY, **p),
    "transformer": lambda **p: TransformerTextRegressor(
        num_heads=2, feedforward_dim=16, **TINY, **p
    ),
    "fasttext": lambda **p: FastTextRegressor(**TINY, **p),
}


@pytest.fixture(scope="module")
def tokens():
    X = right_padded_tokens(160, 12, seed=0)
    y = (X == 5).any(axis=1).astype(int)  # does the document hold token 5?
    return X, y


def test_naming_rule():
    for cls in (CNNTextClassifier, TransformerTextClassifier, FastTextClassifier):
        assert cls.__name__.endswith("TextClassifier") and is_classifier(cls())
    for cls in (CNNTextRegressor, TransformerTextRegressor, FastTextRegressor):
        assert cls.__name__.endswith("TextRegressor") and is_regressor(cls())


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_learns_which_token_decides(name, tokens):
    X, y = tokens
    clf = CLASSIFIERS[name](epochs=30, learning_rate=0.01).fit(X, y)
    assert clf.score(X, y) > 0.9
    assert clf.history_["loss"][-1] < clf.history_["loss"][0]


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_padding_and_batch_do_not_change_a_prediction(name, tokens):
    # Batches are trimmed to their longest document, so one short document is
    # seen with less padding alone than beside long ones: same output required.
    X, y = tokens
    clf = CLASSIFIERS[name](epochs=2).fit(X, y)
    shortest = int(np.argmin((X != 0).sum(axis=1)))
    alone = clf.predict_proba(X[[shortest]])
    in_batch = clf.predict_proba(X)[[shortest]]
    np.testing.assert_allclose(alone, in_batch, atol=1e-6)


@pytest.mark.parametrize("name", ["cnn", "transformer"])
def test_forecasts_numeric_series(name):
    rng = np.random.RandomState(0)
    windows = rng.normal(size=(300, 8, 2))
    target = 3 * windows[:, -1, 0] - windows[:, 2, 1] + 100  # raw scale
    reg = REGRESSORS[name](epochs=40, learning_rate=0.01, dropout=0.0).fit(windows, target)
    assert reg.score(windows, target) > 0.8
    assert abs(reg.predict(windows).mean() - 100) < 1.0


def test_transformer_positions_cover_fit_length_only(tokens):
    X, y = tokens
    clf = CLASSIFIERS["transformer"](epochs=1).fit(X, y)
    assert clf.model_.get_layer("position_embedding").max_length == X.shape[1]
    with pytest.raises(ValueError, match="12 features"):
        clf.predict(np.zeros((2, 20), dtype=np.int64))


def test_cnn_kernel_sizes_make_parallel_branches(tokens):
    X, y = tokens
    clf = CNNTextClassifier(filters=4, kernel_sizes=(2, 3, 5), embedding_dim=4, epochs=1).fit(X, y)
    names = [layer.name for layer in clf.model_.layers]
    assert {"conv_2", "conv_3", "conv_5"} <= set(names)
    assert clf.model_.get_layer("feature_maps").output.shape[-1] == 12
    with pytest.raises(ValueError, match="kernel_sizes"):
        CNNTextClassifier(kernel_sizes=(3, 0)).fit(X, y)


def test_fasttext_same_model_on_sparse_and_dense_features():
    texts = ["good film", "bad film", "good plot", "bad acting", "great good", "awful bad"] * 10
    y = [1, 0, 1, 0, 1, 0] * 10
    X = TfidfVectorizer().fit_transform(texts)
    sparse = FastTextClassifier(epochs=10, random_state=0).fit(X, y)
    dense = FastTextClassifier(epochs=10, random_state=0).fit(X.toarray(), y)
    assert sp.issparse(X)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X.toarray()), atol=1e-5)
    assert sparse.score(X, y) == 1.0
    # The feature path is a weighted sum of feature embeddings: no bias.
    assert sparse.model_.get_layer("feature_embedding").use_bias is False


def test_fasttext_with_hashed_bigrams_in_a_pipeline():
    # "not good" is negative although "good" alone is positive: only the
    # bigram ids can tell the two apart.
    texts = ["good", "not good", "very good", "not bad", "bad", "very bad"] * 20
    y = [1, 0, 1, 1, 0, 0] * 20
    tokenizer = TextTokenizer(ngram_range=(1, 2), ngram_buckets=64)
    unigram_model = make_pipeline(TextTokenizer(), FastTextClassifier(epochs=30, random_state=0))
    bigram_model = make_pipeline(tokenizer, FastTextClassifier(epochs=30, random_state=0))
    assert bigram_model.fit(texts, y).score(texts, y) == 1.0
    assert unigram_model.fit(texts, y).score(texts, y) < 1.0
    assert tokenizer.n_ngram_ids_ >= 3


def test_fasttext_rejects_3d_and_raw_text():
    with pytest.raises(ValueError, match="3-D"):
        FastTextClassifier().fit(np.zeros((4, 3, 2)), [0, 1, 0, 1])
    with pytest.raises(TypeError, match="TextTokenizer"):
        FastTextClassifier().fit(["some text", "more text"], [0, 1])


def _with_unknown_words(X):
    """``X`` with the second token of each row made unknown, and ``X`` with
    that token dropped instead (the rest of the row moves up)."""
    unknown, dropped = X.copy(), X.copy()
    has_second = X[:, 1] > 0
    unknown[has_second, 1] = 1
    dropped[has_second, 1:-1] = X[has_second, 2:]
    dropped[has_second, -1] = 0
    return unknown, dropped


@pytest.mark.parametrize("family", ["simple_rnn", "lstm", "gru", "cnn", "transformer", "fasttext"])
def test_an_unknown_word_never_seen_in_fit_is_dropped(family, tiny_classifiers):
    from sknn_text._saving.export import serving_model

    model, X = tiny_classifiers[family]
    assert not (X == 1).any()  # the training ids held no unknown word
    unknown, dropped = _with_unknown_words(X)
    assert (unknown == 1).any()
    np.testing.assert_array_equal(model.predict_proba(unknown), model.predict_proba(dropped))
    served = np.asarray(serving_model(model)(unknown.astype(np.int32)))
    np.testing.assert_allclose(served, model.predict_proba(unknown), atol=1e-5)
    # a row of unknown words only is read as it is (an empty row would be padding)
    alone = np.array([[1, 1, 0, 0, 0, 0, 0, 0]])
    assert not np.allclose(model.predict_proba(alone), model.predict_proba(alone * 0))


def test_an_unknown_word_seen_in_fit_is_read(tokens):
    X, y = tokens
    X, _ = _with_unknown_words(X)  # id 1 is now in the training ids
    model = CLASSIFIERS["fasttext"](epochs=3).fit(X, y)
    assert model._unknown_trained
    unknown, dropped = _with_unknown_words(X)
    assert not np.allclose(model.predict_proba(unknown), model.predict_proba(dropped))
