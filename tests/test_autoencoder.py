"""MLPTextAutoencoder: dense codes for TF-IDF rows, against LSA on small real-ish data."""

import io
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_reviews
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize

import sknn_text
from sknn_text import MLPTextAutoencoder
from sknn_text.datasets import load_movie_sentences

#: Small and quick: 8 components, a fixed budget.
FAST = {"n_components": 8, "epochs": 30, "random_state": 0}


@pytest.fixture(scope="module")
def sentences():
    """800 bundled movie sentences as TF-IDF (fitted on the first 600), and labels."""
    data = load_movie_sentences()
    order = np.random.RandomState(0).permutation(len(data.data))[:800]
    texts = [data.data[i] for i in order]
    vectorizer = TfidfVectorizer(min_df=2).fit(texts[:600])
    return vectorizer.transform(texts[:600]), vectorizer.transform(texts[600:])


def squared_error(X, reconstructed):
    """Mean over rows of ``||x - x_hat||^2`` for the unit-norm rows of ``X``."""
    X = normalize(sp.csr_matrix(X)).toarray()
    return float(np.mean(((X - reconstructed) ** 2).sum(axis=1)))


def test_codes_have_the_right_shape_and_names(sentences):
    X_train, X_test = sentences
    model = MLPTextAutoencoder(**FAST).fit(X_train)
    codes = model.transform(X_test)
    assert codes.shape == (X_test.shape[0], 8) and codes.dtype == np.float64
    assert np.isfinite(codes).all() and codes.std(axis=0).min() > 0
    assert model.inverse_transform(codes).shape == X_test.shape
    assert model.components_.shape == (8, X_train.shape[1])
    names = model.get_feature_names_out()
    assert names.tolist() == [f"mlptextautoencoder{i}" for i in range(8)]


@pytest.mark.parametrize("loss", ["multinomial", "mse", "cosine"])
def test_it_reconstructs_better_than_the_mean_row_and_near_lsa(sentences, loss):
    X_train, X_test = sentences
    params = {**FAST, "epochs": "auto", "max_epochs": 100, "learning_rate": 0.01}
    model = MLPTextAutoencoder(loss=loss, **params)
    model.fit(X_train)
    ours = squared_error(X_test, model.inverse_transform(model.transform(X_test)))
    mean_row = np.asarray(normalize(X_train).mean(axis=0))  # the best constant
    baseline = squared_error(X_test, np.repeat(mean_row, X_test.shape[0], axis=0))
    svd = TruncatedSVD(8, random_state=0).fit(X_train)
    lsa = squared_error(X_test, svd.inverse_transform(svd.transform(X_test)))
    assert ours < baseline, (ours, baseline)
    if loss != "multinomial":
        # LSA's is the least squared error of any linear rank-8 reconstruction
        # of the training rows; these two come within a few percent of it. The
        # multinomial loss scores a softmax, not squared errors.
        assert ours < 1.08 * lsa, (ours, lsa)


def test_in_a_pipeline_logistic_regression_learns_from_the_codes():
    texts, labels, _ = make_reviews(300)

    def accuracy(compressor):
        model = make_pipeline(TfidfVectorizer(), compressor, LogisticRegression())
        return cross_val_score(model, texts, labels, cv=3).mean()

    ours, lsa = accuracy(MLPTextAutoencoder(**FAST)), accuracy(TruncatedSVD(8, random_state=0))
    assert ours > 0.75 and ours > lsa - 0.05, (ours, lsa)


def test_set_output_names_the_code_columns(sentences):
    pandas = pytest.importorskip("pandas")
    X_train, _ = sentences
    model = MLPTextAutoencoder(**{**FAST, "epochs": 2}).set_output(transform="pandas")
    frame = model.fit_transform(X_train.toarray())
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == [f"mlptextautoencoder{i}" for i in range(8)]


def test_sparse_and_dense_inputs_give_the_same_codes(sentences):
    X_train, X_test = sentences
    sparse = MLPTextAutoencoder(**{**FAST, "epochs": 3}).fit(X_train)
    dense = MLPTextAutoencoder(**{**FAST, "epochs": 3}).fit(X_train.toarray())
    np.testing.assert_allclose(sparse.transform(X_test), dense.transform(X_test.toarray()),
                               rtol=1e-4, atol=1e-5)


def test_rows_are_read_by_their_direction(sentences):
    """A row and the same row times 3 (a longer document) get the same code."""
    X_train, X_test = sentences
    model = MLPTextAutoencoder(**{**FAST, "epochs": 3}).fit(X_train)
    np.testing.assert_allclose(model.transform(3 * X_test), model.transform(X_test), atol=1e-6)


def test_random_state_makes_fits_reproducible(sentences):
    X_train, X_test = sentences
    params = {**FAST, "epochs": 3}
    first = MLPTextAutoencoder(**params).fit(X_train).transform(X_test)
    second = MLPTextAutoencoder(**params).fit(X_train).transform(X_test)
    np.testing.assert_array_equal(first, second)
    other = MLPTextAutoencoder(**{**params, "random_state": 1}).fit(X_train).transform(X_test)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("loss", ["multinomial", "mse"])  # mse: a loss of our own
def test_save_load_pickle_and_skops_keep_the_transforms(sentences, loss):
    X_train, X_test = sentences
    model = MLPTextAutoencoder(loss=loss, **{**FAST, "epochs": 3}).fit(X_train)
    codes = model.transform(X_test)
    import skops.io

    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    copies = (
        sknn_text.load(buffer),
        pickle.loads(pickle.dumps(model)),
        skops.io.loads(skops.io.dumps(model), trusted=sknn_text.skops_trusted_types()),
    )
    for loaded in copies:
        np.testing.assert_array_equal(loaded.transform(X_test), codes)
        np.testing.assert_array_equal(
            loaded.inverse_transform(codes), model.inverse_transform(codes)
        )
        assert loaded.reconstruction_scale_ == model.reconstruction_scale_


def test_a_clone_is_unfitted_and_early_stopping_keeps_the_best_epoch(sentences):
    X_train, _ = sentences
    model = MLPTextAutoencoder(n_components=4, epochs=5, early_stopping=True, random_state=0)
    model.fit(X_train)
    assert len(model.history_["val_loss"]) == model.n_iter_ == 5
    assert not hasattr(clone(model), "model_")


def test_bad_input_gets_clear_errors(sentences):
    X_train, _ = sentences
    with pytest.raises(TypeError, match=r"raw text.*TfidfVectorizer"):
        MLPTextAutoencoder(**FAST).fit(["a text", "another text"])
    with pytest.raises(ValueError, match="n_components"):
        MLPTextAutoencoder(n_components=0).fit(X_train)
    with pytest.raises(ValueError, match="loss"):
        MLPTextAutoencoder(loss="l1").fit(X_train)
    model = MLPTextAutoencoder(**{**FAST, "epochs": 1}).fit(X_train)
    with pytest.raises(ValueError, match="features"):
        model.transform(X_train[:, :-1])
    with pytest.raises(ValueError, match="n_components=8"):
        model.inverse_transform(np.zeros((2, 5)))
    with pytest.raises(TypeError, match="cannot be exported"):
        model.export(io.BytesIO())
