"""``sknn-text compare --task translation``: the translators against copying the
source, on a tiny synthetic parallel corpus written to temporary files."""

import csv
import gzip
import json
import sys

import pytest
from conftest import toy_translation_pairs

from sknn_text import LSTMTranslator
from sknn_text.cli import main
from sknn_text.compare._translation import (
    compare_translators,
    held_out_split,
    make_translator,
    read_parallel_files,
    translation_table,
    translator_names,
)
from sknn_text.metrics import bleu_score, chrf_score

pytest.importorskip("sacrebleu")
pytest.importorskip("tokenizers")

def toy_pairs(n, seed):
    """The toy pair of ``conftest``; the target keeps the source's word order."""
    return toy_translation_pairs(n, seed, reverse=False)


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def table_models(out):
    return [line.split("|")[1].strip() for line in out.splitlines()[2:] if line.startswith("|")]


@pytest.fixture(scope="module")
def split_csv(tmp_path_factory):
    """60 pairs: 40 train, 8 val (left out), 12 test; a target with a comma."""
    sources, targets = toy_pairs(60, seed=0)
    targets[0] += ", sieht"
    splits = ["train"] * 40 + ["val"] * 8 + ["Test"] * 12  # any case
    path = tmp_path_factory.mktemp("translation") / "pairs.csv.gz"
    with gzip.open(path, "wt", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["split", "source", "target", "id"])
        writer.writerows(zip(splits, sources, targets, range(60), strict=True))
    return path, sources, targets


def test_compare_on_a_csv_with_a_split_column(capsys, split_csv, tmp_path):
    path, sources, targets = split_csv
    report = tmp_path / "report.json"
    status, out, err = run(
        capsys, "compare", "--task", "translation", "--csv", path, "--models", "GRU",
        "--epochs", "2", "--output", report,
    )  # fmt: skip
    assert status == 0, err
    assert out.startswith("| model | BLEU | chrF | Δ BLEU | fit (s) |")
    assert table_models(out) == ["copy", "gru"]
    legend = "Trained on 40 sentence pairs, scored on 12 held-out pairs (the file's test split)"
    assert legend in out
    assert "translation on pairs.csv.gz: 40 training pairs, 12 held out" in err
    progress = [line for line in err.splitlines() if line.startswith("[")]
    expected = ["[1/2] copy: "] * 2 + ["[2/2] gru: t", "[2/2] gru: B"]
    assert [line[:12] for line in progress] == expected
    assert "Traceback" not in err and f"wrote {report}" in err
    data = json.loads(report.read_text())
    copy, gru = data["rows"]
    # copying: the test sources scored against their references, nothing trained
    assert copy["bleu"] == pytest.approx(bleu_score(targets[48:], sources[48:]))
    assert copy["chrf"] == pytest.approx(chrf_score(targets[48:], sources[48:]))
    assert copy["n_parameters"] is None and copy["delta_bleu"] is None
    assert gru["n_epochs"] == 2 and gru["n_parameters"] > 0 and gru["fit_time"] > 0
    assert gru["delta_bleu"] == pytest.approx(gru["bleu"] - copy["bleu"])
    assert (data["n_train"], data["n_test"]) == (40, 12)


def test_compare_on_two_line_aligned_files(capsys, tmp_path):
    sources, targets = toy_pairs(40, seed=1)
    sources[5] = "   "  # an empty side: the pair is left out, and counted
    (tmp_path / "train.en").write_text("\n".join(sources) + "\n", encoding="utf-8")
    (tmp_path / "train.de").write_text("\r\n".join(targets) + "\r\n", encoding="utf-8")
    status, out, err = run(
        capsys, "compare", "--source", tmp_path / "train.en", "--target", tmp_path / "train.de",
        "--models", "transformer", "--epochs", "1", "--test-size", "0.25", "--max-samples", "20",
    )  # fmt: skip
    assert status == 0, err
    assert table_models(out) == ["copy", "transformer"]  # --task inferred from --source
    assert "Trained on 20 sentence pairs, scored on 10 held-out pairs (a random 0.25" in out
    assert "1 pairs with an empty side left out" in err
    X, y, _, _ = read_parallel_files(tmp_path / "train.en", tmp_path / "train.de")
    assert "\r" not in "".join(y) and len(X) == 39


def test_a_translator_that_learns_beats_copying():
    X, y = toy_pairs(300, seed=0)
    X_test, y_test = toy_pairs(40, seed=1)
    tiny = LSTMTranslator(
        level="word", embedding_dim=32, units=64, learning_rate=0.01, epochs=15, random_state=0
    )
    seen = []
    result = compare_translators(
        X, y, X_test, y_test, models={"tiny": tiny},
        progress=lambda done, total, name, row: seen.append((done, total, name, row is None)),
    )  # fmt: skip
    copy, learned = result["rows"]
    assert copy["model"] == "copy" and copy["bleu"] < 5
    assert learned["bleu"] > 30 and learned["delta_bleu"] > 25  # 55 when written
    assert learned["n_parameters"] == tiny.model_.count_params() and learned["n_epochs"] == 15
    assert seen == [(0, 2, "copy", True), (1, 2, "copy", False), (1, 2, "tiny", True),
                    (2, 2, "tiny", False)]  # fmt: skip
    table = translation_table(result)
    assert table.splitlines()[3].startswith("| tiny | ") and "Δ BLEU" in table


def test_the_registry_names_the_translators_and_the_budget_reaches_them(
    capsys, split_csv, monkeypatch
):
    import sknn_text.compare._translation as translation

    assert translator_names() == ["lstm", "gru", "transformer"]
    model = make_translator(translation.resolve("GRUTranslator"), max_epochs=5, random_state=3)
    assert (model.epochs, model.max_epochs, model.random_state) == ("auto", 5, 3)
    assert make_translator(LSTMTranslator, epochs=2).epochs == 2
    seen = {}

    def record(X, y, X_test, y_test, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("not run")

    monkeypatch.setattr(translation, "compare_translators", record)
    status, _, err = run(
        capsys, "compare", "--task", "translation", "--csv", split_csv[0], "--max-epochs", "5",
        "--no-baseline", "-q",
    )  # fmt: skip
    assert status == 1 and "RuntimeError: not run" in err
    assert (seen["max_epochs"], seen["epochs"], seen["models"], seen["baseline"]) == (
        5, None, None, False,
    )  # fmt: skip


def test_held_out_split_by_fraction_is_seeded_and_disjoint():
    X, y = toy_pairs(50, seed=2)
    first = held_out_split(X, y, test_size=0.2, random_state=0)
    assert first[:4] == held_out_split(X, y, test_size=0.2, random_state=0)[:4]
    assert (len(first[0]), len(first[2])) == (40, 10)
    assert sorted(first[0] + first[2]) == sorted(X)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "a.en").write_text("one\ntwo\nthree\n")
    (tmp_path / "a.de").write_text("eins\nzwei\n")
    (tmp_path / "two.en").write_text("one\ntwo\n")
    (tmp_path / "two.de").write_text("eins\nzwei\n")
    (tmp_path / "cols.csv").write_text("en,de\nhello,hallo\n")
    (tmp_path / "notest.csv").write_text("split,source,target\ntrain,a,b\nval,c,d\n")
    return tmp_path


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--task", "translation"], "--task translation needs --csv PATH"),
        (["--source", "{}/a.en"], "needs --csv PATH (columns source,target"),
        (["--source", "{}/a.en", "--target", "{}/a.de"], "a.en' has 3 lines but '{}/a.de' has 2"),
        (["--source", "{}/no.en", "--target", "{}/a.de"], "No such file"),
        (["--source", "{}/two.en", "--target", "{}/two.de"], "2 sentence pairs are too few"),
        (["--task", "translation", "--csv", "{}/cols.csv"], "Source column 'source' not found"),
        (
            ["--task", "translation", "--csv", "{}/cols.csv", "--text-column", "en",
             "--target-column", "de"],
            "1 sentence pairs are too few",
        ),
        (
            ["--task", "translation", "--csv", "{}/notest.csv"],
            "no 'test' rows (it holds: train, val)",
        ),
        (
            ["--task", "translation", "--csv", "{}/notest.csv", "--test-size", "0.5"],
            "--test-size applies to a file without a 'split' column",
        ),
        (["--task", "translation", "--models", "lstm,bert"], "no translator named bert"),
        (["--task", "translation", "--plot", "p.png"], "does not take --plot"),
        (["--task", "translation", "--dataset", "sms_spam"], "does not take --dataset"),
        (["--task", "translation", "--output", "r.csv"], "writes .md or .json"),
        (["--source", "{}/a.en", "--task", "classification"], "are for --task translation"),
        (["--test-size", "1.5"], "argument --test-size: must be between 0 and 1"),
    ],
)  # fmt: skip
def test_bad_requests_exit_2_with_one_line(capsys, files, argv, message):
    status, out, err = run(capsys, "compare", *(arg.format(files) for arg in argv))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("sknn-text: error: "), err
    assert message.format(files) in err


def test_a_missing_translate_extra_is_named_before_any_work(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sacrebleu", None)  # its import fails
    status, out, err = run(capsys, "compare", "--task", "translation", "--csv", "no/such.csv")
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "needs the translate extra (sacrebleu is missing)" in err
