"""The sknn-text command line, run in-process through main()."""

import csv
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import sknn_text
from sknn_text.cli import main
from sknn_text.datasets import load_movie_sentences


@pytest.fixture(scope="module")
def reviews_csv(tmp_path_factory):
    """120 movie sentences in a CSV with extra columns and a 'sentiment' target."""
    X, y = load_movie_sentences(return_X_y=True)
    rows = list(range(0, 10662, 89))[:120]
    path = tmp_path_factory.mktemp("cli") / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "review", "sentiment", "score"])
        for i in rows:
            writer.writerow([i, X[i], y[i], 1.5 if y[i] == "pos" else -0.5 + i / 1e4])
    return path


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_datasets_command(capsys):
    status, out, err = run(capsys, "datasets")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["movie_sentences", "sms_spam"]
    assert "10,662" in lines[0] and "CC BY 4.0" in lines[0]


def test_compare_on_a_csv(capsys, reviews_csv, tmp_path):
    report = tmp_path / "report.json"
    status, out, err = run(
        capsys,
        "compare",
        "--csv", str(reviews_csv),
        "--text-column", "review",
        "--target-column", "sentiment",
        "--models", "lr,mlp",
        "--cv", "2",
        "--epochs", "1",
        "--output", str(report),
    )  # fmt: skip
    assert status == 0, err
    table = out.splitlines()
    assert table[0].startswith("| model") and "accuracy" in table[0]
    assert [line.split("|")[1].strip() for line in table[2:4]] == ["lr", "mlp"]
    assert "2-fold stratified cross-validation on 120 documents" in out
    # progress: one line per (model, fold) on stderr, plus a header and a footer
    progress = [line for line in err.splitlines() if line.startswith("[")]
    assert [line[:5] for line in progress] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    # every line but the last estimates the time left from the folds so far
    assert all("left)" in line for line in progress[:-1]) and "left" not in progress[-1]
    assert "classification on reviews.csv: 120 documents" in err
    assert f"wrote {report}" in err
    assert "Traceback" not in err
    data = json.loads(report.read_text())
    assert [row["model"] for row in data["table"]] == ["lr", "mlp"]
    assert data["n_splits"] == 2 and data["n_samples"] == 120
    assert data["table"][1]["n_parameters"] > 0
    assert 0 <= data["table"][1]["p_value"] <= 1


def test_compare_quiet_regression_to_markdown_and_csv(capsys, reviews_csv, tmp_path):
    common = [
        "compare", "--csv", str(reviews_csv), "--text-column", "review",
        "--target-column", "score", "--models", "lr", "--cv", "3", "--quiet",
    ]  # fmt: skip
    report = tmp_path / "report.md"
    status, out, err = run(capsys, *common, "--output", str(report))
    assert status == 0 and err == ""
    assert "r2" in out.splitlines()[0]
    assert "3-fold cross-validation on 120 documents" in out
    assert report.read_text() == out
    report = tmp_path / "report.csv"
    status, out, err = run(capsys, *common, "--no-baseline", "--output", str(report))
    assert status == 0 and err == ""
    rows = list(csv.DictReader(report.open()))
    assert [row["model"] for row in rows] == ["lr"] and "r2_mean" in rows[0]
    assert "p-value" not in out


def test_compare_max_samples_on_a_bundled_dataset(capsys):
    status, out, err = run(
        capsys, "compare", "--dataset", "sms_spam", "--models", "lr",
        "--max-samples", "200", "--cv", "2",
    )  # fmt: skip
    assert status == 0
    assert "200 documents" in out and "sms_spam: 200 documents" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--dataset", "imdb"], "Unknown dataset 'imdb'"),
        (["compare", "--models", "lr,bert", "--max-samples", "50"], "unknown model"),
        (["compare", "--models", "lr,lr"], "lists a model twice"),
        (["compare", "--cv", "1"], "argument --cv: must be at least 2"),
        (["compare", "--cv", "many"], "argument --cv: expected an integer"),
        (["compare", "--epochs", "0"], "argument --epochs: must be at least 1"),
        (["compare", "--max-epochs", "0"], "argument --max-epochs: must be at least 1"),
        (
            ["compare", "--epochs", "3", "--max-epochs", "5"],
            "--max-epochs applies to the adaptive budget; drop --epochs",
        ),
        (
            ["compare", "--task", "tagging", "--epochs", "3", "--max-epochs", "5"],
            "--max-epochs applies to the adaptive budget; drop --epochs",
        ),
        (["compare", "--task", "ranking"], "argument --task: invalid choice"),
        (["compare", "--output", "report.html"], "--output must end with .md"),
        (
            ["compare", "--dataset", "sms_spam", "--task", "regression"],
            (
                "--task regression needs a numeric target column; 'label' holds labels "
                "such as 'ham'"
            ),
        ),
        (["compare", "--csv", "no/such/file.csv"], "CSV file not found"),
        (["compare", "--dataset", "sms_spam", "--csv", "x.csv"], "not allowed with"),
        (["compare", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["train"], "invalid choice: 'train'"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("sknn-text: error: ")
    assert message in err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--text-column", "body"], "Text column 'body' not found.*'id', 'review'"),
        (["--text-column", "review", "--target-column", "stars"], "'stars' not found"),
        (["--text-column", "id", "--target-column", "sentiment"], "only numbers"),
        (
            ["--text-column", "review", "--target-column", "sentiment", "--cv", "70"],
            "class, '(neg|pos)', has only 6[01] document.*fewer than the 70 folds",
        ),
        (
            ["--text-column", "review", "--task", "regression"],
            "Target column 'label' not found",
        ),
        (
            [
                "--text-column",
                "review",
                "--target-column",
                "sentiment",
                "--task",
                "regression",
            ],
            "not numeric",
        ),
    ],
)
def test_bad_csv_arguments_exit_2(capsys, reviews_csv, extra, message):
    status, _out, err = run(capsys, "compare", "--csv", str(reviews_csv), *extra)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("sknn-text: error: ")
    assert re.search(message, err), err


def test_single_class_csv_exits_2(capsys, tmp_path):
    path = tmp_path / "one.tsv"
    path.write_text("text\tlabel\ngood film\tpos\nfine film\tpos\n")
    status, _, err = run(capsys, "compare", "--csv", str(path), "--cv", "2")
    assert status == 2
    expected = "the target has a single class ('pos'); nothing to classify"
    assert err == f"sknn-text: error: {expected}\n"


def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.strip() == f"sknn-text {sknn_text.__version__}"


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            ["--models", "lr,bert"],
            "unknown model(s): bert; choose from lr, mlp, lstm, gru, cnn, transformer",
        ),
        (["--models", "lr,LR"], "lists a model twice"),
        (["--output", "no/such/folder/report.md"], "--output: the folder 'no/such/folder'"),
        (["--plot", "no/such/folder/plot.png"], "--plot: the folder 'no/such/folder'"),
    ],
)
def test_bad_requests_are_refused_before_the_data_is_read(capsys, extra, message):
    # The CSV does not exist: had it been read first, that would be the error.
    status, _out, err = run(capsys, "compare", "--csv", "no/such/file.csv", *extra)
    assert status == 2 and message in err and "CSV" not in err


def test_unwritable_output_is_refused_before_any_work(capsys, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        status, _, err = run(capsys, "compare", "--output", str(folder / "r.md"))
    finally:
        folder.chmod(0o700)
    assert status == 2 and "--output: cannot write" in err


def test_help_exits_0(capsys):
    status, out, _ = run(capsys, "compare", "--help")
    assert status == 0
    assert "--dataset" in out and "--epochs" in out and "lstm" in out
    assert "--max-epochs" in out


def test_python_dash_m():
    completed = subprocess.run(
        [sys.executable, "-m", "sknn_text", "compare", "--cv", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert "sknn-text: error: argument --cv: must be at least 2" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""


def test_compare_draws_a_plot(capsys, reviews_csv, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "comparison.png"
    status, _out, err = run(
        capsys, "compare", "--csv", str(reviews_csv), "--text-column", "review",
        "--target-column", "sentiment", "--models", "lr", "--cv", "2",
        "--plot", str(png),
    )
    assert status == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {png}" in err
    status, _, err = run(capsys, "compare", "--plot", str(tmp_path / "chart.svg"))
    assert status == 2 and err.count("\n") == 1 and "--plot must end with .png" in err


def test_the_notes_count_capped_fits_and_fits_that_predicted_the_mean(capsys):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from sknn_text._loop.schedule import cap_message, plan_epochs
    from sknn_text._loop.training import constant_message
    from sknn_text.cli._compare import _advised_max_epochs, _summarize

    data = dict(
        early_stopping=False,
        n_samples=400,
        batch_size=32,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
    )
    schedule = plan_epochs("auto", **data)
    capped = plan_epochs("auto", **data, max_epochs=2 * schedule.max_epochs)
    caught = [
        warnings.WarningMessage(message, category, "fit.py", 1)
        for message, category in [
            (cap_message("GRUTextClassifier", "auto", schedule), ConvergenceWarning),
            (cap_message("GRUTextClassifier", "auto", capped), ConvergenceWarning),
            (cap_message("LSTMTextClassifier", "auto", schedule), ConvergenceWarning),
            (constant_message("LSTMTextRegressor"), UserWarning),
            (constant_message("LSTMTextRegressor"), UserWarning),
            ("an unrelated warning", UserWarning),
        ]
    ]
    _summarize(caught, sys.stderr)
    lines = capsys.readouterr().err.splitlines()
    cap = schedule.max_epochs
    # A class is advised the largest max_epochs of its fits' warnings.
    assert lines == [
        "sknn-text: note: GRUTextClassifier stopped at its epoch cap while still "
        f"improving in 2 fit(s); pass --max-epochs {4 * cap} to allow more under the "
        "same stopping rule (--epochs N trains exactly N epochs instead)",
        "sknn-text: note: LSTMTextClassifier stopped at its epoch cap while still "
        f"improving in 1 fit(s); pass --max-epochs {2 * cap} to allow more under the "
        "same stopping rule (--epochs N trains exactly N epochs instead)",
        "sknn-text: note: LSTMTextRegressor did not beat the mean of y on its validation "
        "split in 2 fit(s), and predicted that mean there",
    ]
    # A fit with an int epochs advises no max_epochs: twice its cap.
    fixed = plan_epochs(12, **{**data, "early_stopping": True})
    assert _advised_max_epochs([cap_message("GRUTextClassifier", 12, fixed)]) == 24
    assert _advised_max_epochs(["GRUTextClassifier stopped early"]) is None


def test_model_names_are_read_in_any_case_and_default_to_the_registry():
    from sknn_text.cli import _build_parser
    from sknn_text.cli._compare import _model_names
    from sknn_text.compare._models import default_model_names

    assert _model_names(" LSTM, Gru,lr ") == ["lstm", "gru", "lr"]
    args = _build_parser().parse_args(["compare"])
    assert args.models is None  # no string to compare with the default list
    assert _model_names(args.models) == default_model_names() == ["lr", "mlp", "lstm", "gru"]


def test_compare_accepts_an_upper_case_model_name(capsys, reviews_csv):
    status, out, err = run(
        capsys, "compare", "--csv", str(reviews_csv), "--text-column", "review",
        "--target-column", "sentiment", "--models", "LR", "--cv", "2", "--quiet",
    )  # fmt: skip
    assert status == 0, err
    assert out.splitlines()[2].split("|")[1].strip() == "lr"


def test_time_left_counts_each_model_at_the_pace_of_its_own_folds():
    from sknn_text.cli._progress import estimate_time_left

    assert estimate_time_left({"lr": [], "lstm": []}, 5) == (None, ["lr", "lstm"])
    # fold 1, lr timed: the LSTM's cost is unknown, so the estimate is a lower bound
    assert estimate_time_left({"lr": [1.0], "lstm": [], "gru": []}, 5) == (
        4.0, ["lstm", "gru"],
    )
    # after fold 1 every later fold of a model costs what its first did
    assert estimate_time_left({"lr": [1.0], "lstm": [60.0], "gru": [70.0]}, 5) == (
        4 * 131.0, [],
    )
    # in fold 2: the mean of each model's own finished folds
    assert estimate_time_left({"lr": [1.0, 3.0], "lstm": [60.0, 50.0], "gru": [70.0]}, 5) == (
        3 * 2.0 + 3 * 55.0 + 4 * 70.0, [],
    )
    assert estimate_time_left({"lr": [1.0, 1.0], "lstm": [9.0, 9.0]}, 2) == (0.0, [])


def test_progress_lines_say_over_until_every_model_is_timed():
    import io

    from sknn_text.cli._progress import FoldProgress

    # fold 1 costs 1 + 6 + 17 + 18 = 42 s, and so does every later fold
    per_model = {"lr": 1.0, "mlp": 6.0, "lstm": 17.0, "gru": 18.0}
    ticks = iter([0.0, *np.cumsum(list(per_model.values()) * 3)])
    stream = io.StringIO()
    progress = FoldProgress(stream, "accuracy", list(per_model), 3, clock=lambda: next(ticks))
    done = 0
    for fold in (1, 2, 3):
        for name in per_model:
            done += 1
            progress(done, 12, name, fold, {"accuracy": 0.75})
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[ 1/12] fold 1 lr     accuracy=0.7500  (1s elapsed, over 2s left)"
    assert lines[2].endswith("(24s elapsed, over 48s left)")  # gru not timed yet
    assert lines[3].endswith("(42s elapsed, about 1m24s left)")  # 2 folds of 42 s
    assert lines[7].endswith("(84s elapsed, about 42s left)")
    assert lines[-1].endswith("(126s elapsed)")


def test_max_epochs_reaches_every_neural_model(capsys, reviews_csv, monkeypatch):
    import sknn_text.compare

    built = {}

    def record(models, *args, **kwargs):
        built.update(models)
        raise RuntimeError("not run")

    monkeypatch.setattr(sknn_text.compare, "compare_models", record)
    status, _, err = run(
        capsys, "compare", "--csv", str(reviews_csv), "--text-column", "review",
        "--target-column", "sentiment", "--models", "lr,mlp,lstm,gru,cnn", "--cv", "2",
        "--max-epochs", "5", "--quiet",
    )  # fmt: skip
    assert status == 1 and "RuntimeError: not run" in err
    assert list(built) == ["lr", "mlp", "lstm", "gru", "cnn"]
    assert not hasattr(built["lr"][-1], "max_epochs")
    for name in ("mlp", "lstm", "gru", "cnn"):
        estimator = built[name][-1]
        assert (estimator.max_epochs, estimator.epochs) == (5, "auto"), name


def test_max_epochs_reaches_the_taggers(capsys, tmp_path, monkeypatch):
    import sknn_text.compare._tagging as tagging

    path = tmp_path / "train.txt"
    path.write_text("The DT B-NP\ncat NN I-NP\nran VBD B-VP\n\n" * 4)
    seen = {}

    def record(X, y, **kwargs):
        seen.update(kwargs)
        raise ValueError("not run")

    monkeypatch.setattr(tagging, "compare_taggers", record)
    status, _, err = run(
        capsys, "compare", "--task", "tagging", "--conll", str(path), "--max-epochs", "5",
    )
    assert status == 2 and "not run" in err
    assert (seen["max_epochs"], seen["epochs"]) == (5, None)
    tagger = tagging.make_tagger(sknn_text.LSTMTextTagger, max_epochs=5, random_state=1)
    assert (tagger.max_epochs, tagger.epochs, tagger.random_state) == (5, "auto", 1)
