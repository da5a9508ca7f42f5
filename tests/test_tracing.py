"""Graph tracing stays bounded per model (the grid-search log check is in test_pipelines)."""

import keras
import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from sknn_text import LSTMTextClassifier, MLPTextClassifier, TextTokenizer, _backend
from sknn_text._backend import training_steps
from sknn_text._loop import training as _training

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="tf.function tracing counts"
)
TEXTS = [f"{'good great fine' if i % 2 else 'bad poor dull'} film number {i} " * (1 + i % 7)
         for i in range(120)]
LABELS = np.array(["pos" if i % 2 else "neg" for i in range(120)])


@pytest.mark.parametrize(
    "pipeline",
    [
        make_pipeline(TextTokenizer(), LSTMTextClassifier(units=4, embedding_dim=4, epochs=3)),
        make_pipeline(TfidfVectorizer(), MLPTextClassifier(hidden_layer_sizes=(4,), epochs=3)),
    ],
    ids=["lstm-tokens", "mlp-sparse"],
)
def test_each_step_is_traced_once_per_model(pipeline, monkeypatch):
    traces = []

    def recording(model, batch, **options):
        train_step = model.train_step

        def counted(data):  # runs once per trace, not per step
            traces.append(data[0].shape)
            return train_step(data)

        model.train_step = counted
        return training_steps(model, batch, **options)

    monkeypatch.setattr(_training, "training_steps", recording)
    pipeline.fit(TEXTS, LABELS)
    # Every batch of every epoch, the last and smaller one too, ran one trace.
    assert len(traces) == 1 and pipeline[-1].n_iter_ == 3
    model = pipeline[-1].model_
    for n in (1, 2, 3, 5, 7, 1, 60, 120, 1):
        pipeline.predict(TEXTS[:n])
    assert _backend._PREDICTORS[model].experimental_get_tracing_count() == 1

