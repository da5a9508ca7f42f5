"""Every example runs end to end in its quick mode (SKNN_TEXT_QUICK=1) and draws a figure."""

import runpy
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))
EXPECTED_OUTPUT = {
    "plot_digits_mlp.py": "trainable parameters: 50,826",
    "plot_sentiment_lstm.py": "tokenizer + LSTM: accuracy",
    "plot_grid_search.py": "best:",
    "plot_spam_mlp.py": "spam",
    "plot_text_regression_gru.py": "R^2",
    "plot_multilabel_reuters.py": "micro-F1",
    "plot_forecasting_gru.py": "RMSE",
    "plot_explain_sentiment.py": "comprehensiveness",
    "plot_chunking_conll.py": "chunk F1",
    "plot_language_model_chars.py": "test perplexity per character",
}


def test_every_example_has_an_expectation():
    assert {path.name for path in EXAMPLES} == set(EXPECTED_OUTPUT)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_quickly_and_draws_its_figure(path, monkeypatch, capsys):
    monkeypatch.setenv("SKNN_TEXT_QUICK", "1")
    plt.close("all")
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as stop:  # an example whose data is absent stops cleanly
        assert stop.code == 0
        pytest.skip(capsys.readouterr().out.strip())
    assert EXPECTED_OUTPUT[path.name] in capsys.readouterr().out
    figures = [plt.figure(number) for number in plt.get_fignums()]
    plt.close("all")
    assert figures, f"{path.name} draws no figure"
    axes = [axes for figure in figures for axes in figure.axes if axes.get_visible()]
    drawn = [each.has_data() or bool(each.texts) for each in axes]  # text: highlighted words
    assert all(drawn), f"{path.name} leaves an empty axes"
