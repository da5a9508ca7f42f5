"""Every example runs end to end in its quick mode (SKNN_TEXT_QUICK=1) and draws a figure.

The documentation build must leave unrun the examples whose data or optional package
is absent (their ``sys.exit(0)`` would end Sphinx); the last tests check, without
Sphinx and without training, that it knows every such example.
"""

import ast
import importlib.util
import os
import re
import runpy
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
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
    "plot_compression_autoencoder.py": "accuracy of LR on the 2-D code",
    "plot_translation_attention.py": "test2016 BLEU",
}


def test_every_example_has_an_expectation():
    assert {path.name for path in EXAMPLES} == set(EXPECTED_OUTPUT)


@pytest.mark.slow
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


# -- The documentation build knows which examples need what --------------------


def _requirements_module():
    spec = importlib.util.spec_from_file_location(
        "_example_requirements", ROOT / "docs" / "_example_requirements.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


needs = _requirements_module()
# A string literal naming a data file, e.g. "imdb/data.csv.gz" or "test.txt".
DATA_FILE = re.compile(r"^\S+\.(?:gz|bz2|xz|zip|csv|tsv|txt|json|parquet)$")


def _string_literals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_an_example_declares_the_shared_data_it_reads(path):
    files, _ = needs.requirements(path)
    source = path.read_text(encoding="utf-8")
    reads_shared = "SKNN_TEXT_SHARED_DATASETS" in source or '"shared"' in source
    assert reads_shared == bool(files), (
        f"{path.name} reads the shared datasets folder but declares no {needs.DECLARATION}"
        if reads_shared
        else f"{path.name} declares {needs.DECLARATION} but never reads the shared folder"
    )
    # A declared name counts whatever its extension ("multi30k/test2016.en").
    named = [text for text in _string_literals(path) if DATA_FILE.match(text) or text in files]
    assert sorted(named) == sorted(files), (
        f"{path.name} names data files {named} but declares {files} in {needs.DECLARATION}"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_an_example_stops_only_for_a_need_the_docs_know(path):
    if "sys.exit" in path.read_text(encoding="utf-8"):
        assert any(needs.requirements(path)), (
            f"{path.name} calls sys.exit for a need that docs/_example_requirements.py "
            "cannot see: declare its shared files in SHARED_FILES, or import the optional "
            "package in a try/except ImportError"
        )


def test_the_gallery_runs_exactly_the_examples_whose_needs_are_met(tmp_path, monkeypatch):
    examples = ROOT / "examples"

    def runs(skipped):
        pattern = needs.filename_pattern(skipped)
        return {path.name for path in EXAMPLES if re.search(pattern, os.path.normpath(path))}

    everything = {path.name for path in EXAMPLES}
    with_needs = {path.name for path in EXAMPLES if any(needs.requirements(path))}
    assert with_needs >= {"plot_chunking_conll.py", "plot_multilabel_reuters.py"}

    # Every shared file present: only a missing optional package skips an example.
    for path in EXAMPLES:
        for name in needs.requirements(path)[0]:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).touch()
    skipped = needs.unmet(examples, tmp_path)
    assert all("package" in what for absent in skipped.values() for what in absent)
    assert runs(skipped) == everything - set(skipped)

    # No data and no optional package: every example with a need is left unrun, the rest run.
    monkeypatch.setattr(needs.importlib.util, "find_spec", lambda name: None)
    skipped = needs.unmet(examples, tmp_path / "empty")
    assert set(skipped) == with_needs
    assert runs(skipped) == everything - with_needs


def test_the_declared_shared_files_exist_in_the_shared_folder():
    shared = Path(
        os.environ.get("SKNN_TEXT_SHARED_DATASETS", ROOT.parent / "shared" / "datasets")
    )
    if not shared.is_dir():
        pytest.skip(f"{shared} is absent")
    declared = {name for path in EXAMPLES for name in needs.requirements(path)[0]}
    assert declared and not [name for name in declared if not (shared / name).is_file()]
