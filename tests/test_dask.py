"""The estimators on a real Dask cluster: joblib's "dask" backend, and pickling
estimators (fitted or not) between processes.

Each worker is a separate process that imports sknn_text and the Keras backend
on its first task. A fit is seeded by ``random_state`` alone, so a fit on a
worker gives the same network as the same fit here: the scores of a grid search
run on the cluster equal those of the same search run in this process.
"""

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, MLPTextClassifier, TextTokenizer
from sknn_text.datasets import load_movie_sentences

distributed = pytest.importorskip("distributed")

#: A continuous score, so that "equal" means the same networks, not just the
#: same number of right answers.
SCORING = "neg_log_loss"


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def sentences():
    """120 movie-review sentences, 60 of each class, in a fixed random order."""
    texts, labels = load_movie_sentences(return_X_y=True)
    rng = np.random.RandomState(0)
    rows = np.concatenate([
        rng.choice(np.flatnonzero(labels == label), 60, replace=False)
        for label in ("neg", "pos")
    ])
    rows = rng.permutation(rows)
    return [texts[row] for row in rows], labels[rows]


def mlp_pipeline():
    return make_pipeline(
        TfidfVectorizer(),
        MLPTextClassifier(epochs=3, random_state=0, hidden_layer_sizes=(8,)),
    )


def lstm_pipeline():
    return make_pipeline(
        TextTokenizer(max_tokens=300, sequence_length=16),
        LSTMTextClassifier(units=4, embedding_dim=4, epochs=2, random_state=0),
    )


def search_on_both(pipeline, grid, texts, labels):
    """The same grid search run on the cluster (n_jobs=-1) and here (n_jobs=1).

    Without the final refit, which runs here in either case and is compared by
    no test: the searches' own fits are the ones that ran on the workers.
    """
    options = {"cv": 2, "scoring": SCORING, "error_score": "raise", "refit": False}
    with joblib.parallel_backend("dask"):
        on_cluster = GridSearchCV(pipeline, grid, n_jobs=-1, **options).fit(texts, labels)
    here = GridSearchCV(clone(pipeline), grid, n_jobs=1, **options).fit(texts, labels)
    return on_cluster, here


def assert_same_search(on_cluster, here):
    assert np.all(np.isfinite(here.cv_results_["mean_test_score"]))
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_allclose(
            on_cluster.cv_results_[key], here.cv_results_[key], rtol=1e-6, err_msg=key
        )
    assert on_cluster.best_params_ == here.best_params_


def test_grid_search_mlp_on_dask_equals_sequential(client, sentences):
    texts, labels = sentences
    on_cluster, here = search_on_both(
        mlp_pipeline(), {"mlptextclassifier__alpha": [1e-4, 1.0]}, texts, labels
    )
    assert_same_search(on_cluster, here)
    # The two candidates really are different networks.
    assert len(set(here.cv_results_["mean_test_score"])) == 2
    # Work went to the workers: each has imported the estimators.
    imported = client.run(
        lambda: "sknn_text._architectures._mlp" in __import__("sys").modules
    )
    assert any(imported.values()), imported


def test_grid_search_lstm_on_dask_equals_sequential(client, sentences):
    texts, labels = sentences
    on_cluster, here = search_on_both(
        lstm_pipeline(),
        {"lstmtextclassifier__pooling": ["last", "mean"]},
        texts,
        labels,
    )
    assert_same_search(on_cluster, here)


def _predict_proba(model, X):
    return model.predict_proba(X)


def _fit(model, X, y):
    return model.fit(X, y)


@pytest.mark.parametrize("make", [mlp_pipeline, lstm_pipeline], ids=["mlp", "lstm"])
def test_estimators_travel_to_and_from_workers(client, sentences, make):
    texts, labels = sentences
    fitted = make().fit(texts, labels)
    expected = fitted.predict_proba(texts)
    # A fitted estimator, pickled to a worker, predicts there exactly as here.
    on_worker = client.submit(_predict_proba, fitted, texts, pure=False).result()
    np.testing.assert_allclose(on_worker, expected, rtol=1e-6, atol=1e-7)
    predictions = client.submit(lambda m, X: m.predict(X), fitted, texts).result()
    np.testing.assert_array_equal(predictions, fitted.predict(texts))
    # An unfitted one, fitted on a worker and sent back, is the same model.
    from_worker = client.submit(_fit, make(), texts, labels, pure=False).result()
    np.testing.assert_allclose(
        from_worker.predict_proba(texts), expected, rtol=1e-6, atol=1e-7
    )
    assert from_worker[-1].n_iter_ == fitted[-1].n_iter_


# ------------------------------------------- compare_models over the workers
def test_compare_models_on_dask_equals_serial(client, sentences):
    """Folds x models spread over the workers (joblib's "dask" backend) give
    exactly the fold scores of the same comparison run in this process."""
    from sknn_text.compare import compare_models

    texts, labels = sentences
    models = {"mlp": mlp_pipeline(), "lstm": lstm_pipeline()}
    options = {"cv": 2, "scoring": ["accuracy", "neg_log_loss"], "random_state": 0}
    with joblib.parallel_backend("dask"):
        on_cluster = compare_models(
            {name: clone(model) for name, model in models.items()}, texts, labels,
            n_jobs=-1, **options,
        )
    here = compare_models(models, texts, labels, n_jobs=1, **options)
    assert set(on_cluster.fold_scores) == {"lr", "mlp", "lstm"}
    for name, scores in here.fold_scores.items():
        for metric, values in scores.items():
            np.testing.assert_allclose(
                on_cluster.fold_scores[name][metric], values, rtol=1e-6, err_msg=(name, metric)
            )
    assert len(set(here.fold_scores["lstm"]["neg_log_loss"])) == 2  # two real folds


# ------------------------------------------- dask_ml.wrappers.Incremental
def test_dask_ml_incremental_trains_block_after_block(client, sentences):
    """Incremental(estimator).fit(dask arrays) calls partial_fit on each block in
    turn on the workers: the same network as the same loop run here."""
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    from sknn_text import FastTextClassifier

    texts, labels = sentences
    tokenizer = TextTokenizer(vocabulary="hashing", max_tokens=512, sequence_length=16)
    tokenizer.fit(["any text"])
    text_blocks = da.from_array(np.asarray(texts, dtype=object), chunks=30)
    ids = text_blocks.map_blocks(
        tokenizer.transform, dtype="int32", new_axis=1, chunks=(text_blocks.chunks[0], (16,))
    )
    y = da.from_array(labels, chunks=30)

    def network():
        return FastTextClassifier(
            embedding_dim=8, vocabulary_size=tokenizer.n_token_ids_, random_state=0
        )

    incremental = wrappers.Incremental(network(), shuffle_blocks=False)
    incremental.fit(ids, y, classes=["neg", "pos"])
    fitted = incremental.estimator_
    assert fitted.n_iter_ == 4  # 120 sentences in blocks of 30
    here = network()
    for start in range(0, 120, 30):
        block = slice(start, start + 30)
        here.partial_fit(tokenizer.transform(texts[block]), labels[block], classes=["neg", "pos"])
    all_ids = tokenizer.transform(texts)
    np.testing.assert_allclose(
        fitted.predict_proba(all_ids), here.predict_proba(all_ids), rtol=1e-5, atol=1e-6
    )
    # The wrapper predicts block-wise on the cluster too.
    np.testing.assert_array_equal(incremental.predict(ids).compute(), here.predict(all_ids))
