"""Data-parallel training through ``keras.distribution.DataParallel`` (issue 30).

The fits run in a subprocess on the JAX backend with two virtual CPU devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=2``), since both the
backend and the device count are fixed when JAX starts. Every batch that
reaches Keras is recorded as JAX lays it out: each device must hold half of
it, and a fit must give the same network as the same fit on one device.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import jax, keras
    import keras.src.backend.jax.distribution_lib as distribution_lib
    import sknn_text
    from sklearn.base import clone
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sknn_text import TextTokenizer
    from sknn_text.datasets import load_movie_sentences

    texts, labels = load_movie_sentences(return_X_y=True)
    rows = np.random.RandomState(0).permutation(len(texts))[:301]  # 9 x 32 + 13
    texts, labels = [texts[i] for i in rows], labels[rows]
    ids = TextTokenizer(max_tokens=500, sequence_length=16).fit(texts).transform(texts)
    features = TfidfVectorizer(max_features=300).fit_transform(texts).toarray()
    target = (labels == "pos").astype(float)
    words = [text.split()[:12] for text in texts]
    tags = [["A" if len(word) > 3 else "B" for word in sentence] for sentence in words]
    small = {"epochs": 2, "batch_size": 32, "random_state": 0}
    cases = {
        "lstm": (sknn_text.LSTMTextClassifier(units=8, embedding_dim=8, **small), ids, labels),
        "cnn": (sknn_text.CNNTextClassifier(filters=8, embedding_dim=8, **small), ids, labels),
        "transformer": (
            sknn_text.TransformerTextClassifier(
                embedding_dim=8, num_heads=2, feedforward_dim=16, **small
            ),
            ids,
            labels,
        ),
        "fasttext": (sknn_text.FastTextClassifier(embedding_dim=8, **small), ids, labels),
        "mlp": (sknn_text.MLPTextClassifier(hidden_layer_sizes=(8,), **small), features, labels),
        "gru_regressor": (
            sknn_text.GRUTextRegressor(units=8, embedding_dim=8, **small), ids, target
        ),
        "cnn_tagger": (
            sknn_text.CNNTextTagger(filters=8, embedding_dim=8, feature_dim=4, crf=False, **small),
            words,
            tags,
        ),
        "lstm_tagger": (  # with its CRF
            sknn_text.LSTMTextTagger(units=8, embedding_dim=8, feature_dim=4, **small),
            words,
            tags,
        ),
        "lstm_lm": (sknn_text.LSTMLanguageModel(units=8, embedding_dim=8, **small), texts, None),
        "lstm_auto": (  # epochs="auto": validation batches too
            sknn_text.LSTMTextClassifier(
                units=8, embedding_dim=8, max_epochs=3, batch_size=32, random_state=0
            ),
            ids,
            labels,
        ),
    }
    which = sys.argv[1].split(",")

    taggers = (sknn_text.CNNTextTagger, sknn_text.LSTMTextTagger)

    def outputs(model, X):
        if isinstance(model, sknn_text.LSTMLanguageModel):
            return np.log([model.perplexity(X[:100]), model.perplexity(X[100:])])
        if isinstance(model, taggers):
            return np.concatenate([p.ravel() for p in model.predict_proba(X)])
        if hasattr(model, "predict_proba"):
            return np.asarray(model.predict_proba(X), dtype=float).ravel()
        return np.asarray(model.predict(X), dtype=float).ravel()

    def fit(model, X, y):
        return model.fit(X) if y is None else model.fit(X, y)

    single = {name: outputs(fit(*cases[name]), cases[name][1]) for name in which}
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    seen = []
    original = distribution_lib.jax.make_array_from_process_local_data

    def spy(sharding, data, *args, **kwargs):
        array = original(sharding, data, *args, **kwargs)
        if array is not None:  # None stands for no sample weights
            seen.append([(str(s.device), s.data.shape[0]) for s in array.addressable_shards])
        return array

    distribution_lib.jax.make_array_from_process_local_data = spy
    result = {}
    for name in which:
        model, X, y = cases[name]
        seen.clear()
        model = fit(clone(model), X, y)
        weights = model.model_.trainable_weights[0].value
        result[name] = {
            "shards": seen[:],
            "replicated": str(weights.sharding.spec),
            "weight_devices": sorted(str(d) for d in weights.sharding.device_set),
            "difference": float(np.max(np.abs(outputs(model, X) - single[name]))),
            "n_iter": int(model.n_iter_),
        }
    print("RESULT" + json.dumps({"devices": [str(d) for d in jax.devices()], **result}))
    """
)


def run_data_parallel(names):
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
        "JAX_PLATFORMS": "cpu",
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(names)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    assert completed.returncode == 0 and lines, completed.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT") :])


FAMILIES = ["lstm", "cnn", "transformer", "fasttext", "mlp", "gru_regressor"]
#: Sentences and windows: other row counts, so other batch sizes.
SEQUENCE_TASKS = ["lstm_tagger", "lstm_lm"]


@pytest.mark.slow
def test_each_batch_is_split_across_two_devices_and_matches_one_device():
    pytest.importorskip("jax")
    result = run_data_parallel([*FAMILIES, "lstm_auto"])
    assert len(result["devices"]) == 2
    for name in [*FAMILIES, "lstm_auto"]:
        fit = result[name]
        # The weights live on both devices, whole (replicated).
        assert len(fit["weight_devices"]) == 2, (name, fit)
        assert "batch" not in fit["replicated"], (name, fit)
        # Every array of every batch (x, y, weights) is split in two halves, one
        # per device; the last batch of 13 rows goes out padded to 14 (7 + 7).
        assert fit["shards"], name
        for shards in fit["shards"]:
            assert len({device for device, _ in shards}) == 2, (name, shards)
            assert shards[0][1] == shards[1][1], (name, shards)
        assert [16, 16] in [[rows for _, rows in shards] for shards in fit["shards"]], name
        assert [7, 7] in [[rows for _, rows in shards] for shards in fit["shards"]], name
        # The same network as on one device, to float32 rounding.
        assert fit["difference"] < 1e-4, (name, fit["difference"])


@pytest.mark.slow
def test_taggers_and_language_models_split_batches_too():
    pytest.importorskip("jax")
    result = run_data_parallel(SEQUENCE_TASKS)
    for name in SEQUENCE_TASKS:
        fit = result[name]
        assert len(fit["weight_devices"]) == 2 and fit["shards"], (name, fit)
        for shards in fit["shards"]:
            assert len({device for device, _ in shards}) == 2, (name, shards)
            assert shards[0][1] == shards[1][1], (name, shards)
        # Tag probabilities, or the log-perplexity of two halves of the texts.
        assert fit["difference"] < 1e-4, (name, fit["difference"])
