"""The Display objects draw the data they are given (Agg backend)."""

import re

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from sknn_text import MLPTextClassifier  # noqa: E402
from sknn_text.plotting import ComparisonDisplay, TrainingCurveDisplay  # noqa: E402


def test_training_curves_carry_the_history():
    X, y = make_blobs(n_samples=80, random_state=0)
    clf = MLPTextClassifier(
        hidden_layer_sizes=(8,), epochs=4, early_stopping=True, n_iter_no_change=10,
        random_state=0,
    ).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf, metric="accuracy")
    assert set(display.lines_) == {"accuracy", "val_accuracy"}
    np.testing.assert_allclose(
        display.lines_["accuracy"].get_ydata(), clf.history_["accuracy"]
    )
    np.testing.assert_array_equal(display.lines_["val_accuracy"].get_xdata(), [1, 2, 3, 4])
    assert display.ax_.get_title() == "MLPTextClassifier"
    with pytest.raises(ValueError, match="not in the history"):
        TrainingCurveDisplay.from_estimator(clf, metric="auc")
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(MLPTextClassifier())


@pytest.mark.parametrize("n_epochs", [2, 3, 7, 40])
def test_the_epoch_axis_has_integer_ticks(n_epochs):
    history = {"loss": list(np.linspace(1.0, 0.2, n_epochs)), "val_loss": [0.5] * n_epochs}
    display = TrainingCurveDisplay(history).plot()
    display.figure_.canvas.draw()
    low, high = display.ax_.get_xlim()
    labels = [
        label.get_text() for label in display.ax_.get_xticklabels()
        if low <= label.get_position()[0] <= high
    ]
    assert len(labels) >= 2
    assert all(re.fullmatch(r"\d+", text) for text in labels), labels


def test_comparison_chart_marks_the_baseline():
    scores = {"lr": [0.77, 0.78, 0.76], "mlp": [0.75, 0.79, 0.77], "lstm": [0.7, 0.72, 0.71]}
    display = ComparisonDisplay(scores, baseline="lr", metric="accuracy").plot()
    bars = display.ax_.patches
    np.testing.assert_allclose([bar.get_width() for bar in bars], [0.77, 0.77, 0.71])
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["lr", "mlp", "lstm"]
    baseline_line = [line for line in display.ax_.lines if line.get_linestyle() == "--"]
    assert baseline_line and baseline_line[0].get_xdata()[0] == pytest.approx(0.77)
    assert display.ax_.get_xlabel() == "accuracy"


def test_comparison_display_from_a_compare_result():
    from sknn_text.compare import ComparisonResult

    result = ComparisonResult(
        task="classification", metrics=["accuracy"], table=[],
        fold_scores={"lr": {"accuracy": [0.8, 0.7]}, "mlp": {"accuracy": [0.6, 0.9]}},
        fit_times={}, baseline="lr", n_splits=2, n_samples=10,
    )
    display = ComparisonDisplay.from_result(result)
    np.testing.assert_allclose([bar.get_width() for bar in display.ax_.patches], [0.75, 0.75])
    assert display.ax_.get_xlabel() == "accuracy"
