"""The README's quick start and CI stay the same commands; its first snippet runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2
    main_job, tests = commands
    assert "sknn-text compare" in main_job and "pytest" in tests
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci_lines


def test_first_snippet_defines_every_name_it_uses():
    import ast
    import builtins

    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(.+?)\n```", readme, re.DOTALL).group(1)
    tree = ast.parse(code)
    defined = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    assert used <= defined, used - defined
    assert "min_df" in code  # a vocabulary that fits the data


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:.*stopped at its cap")
def test_first_snippet_runs_and_prints_what_it_computes(monkeypatch, capsys):
    """Every line of the first snippet does something the reader sees: both
    pipelines are fitted and scored, and a row of probabilities is printed. On
    600 of the movie sentences, to keep it short."""
    import sknn_text.datasets as datasets

    load = datasets.load_movie_sentences

    def fewer_sentences(**kwargs):
        texts, labels = load(**kwargs)
        return texts[::17][:600], labels[::17][:600]

    monkeypatch.setattr(datasets, "load_movie_sentences", fewer_sentences)
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(.+?)\n```", readme, re.DOTALL).group(1)
    exec(compile(code, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" accuracy: ")[0] for line in lines[:2]] == ["mlp", "lstm"]
    assert all(0 <= float(line.split(": ")[1]) <= 1 for line in lines[:2])
    assert re.fullmatch(r"\['neg' 'pos'\] \[\[0\.\d+ +[01]\.\d+\]\]", lines[2]), lines[2]
