"""Each benchmark script runs end to end in its --quick mode (needs shared/datasets)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "benchmarks" / "results"

#: Runs each ``[script, arg, ...]`` of the JSON list argv[2] as ``python script --quick
#: arg ...`` would (as ``__main__``, with its own ``sys.argv``), one after the other in
#: this one process, and writes {script: {returncode, stdout, stderr}} to argv[1] as
#: JSON. A quick run is mostly start-up (Python, scikit-learn, TensorFlow): paid once
#: here instead of once per script.
RUN_SCRIPTS = """
import contextlib, io, json, runpy, sys, traceback
path, commands, results = sys.argv[1], json.loads(sys.argv[2]), {}
for script, *args in commands:
    sys.argv = [script, "--quick", *args]
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exit:
            if isinstance(exit.code, str):
                print(exit.code, file=sys.stderr)
            code = 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
    results[script] = {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
with open(path, "w") as handle:
    json.dump(results, handle)
"""


def needs(data=(), modules=()):
    """Why a script cannot run here (a shared data set or a module is missing), or None."""
    for name in data:
        if not (DATASETS / name).exists():
            return f"shared/datasets/{name} not found"
    for name in modules:
        if importlib.util.find_spec(name) is None:
            return f"{name} not installed"
    return None


def has_result(name, key):
    """The check of an IMDB script: a table, and a quick result with ``key`` non-empty."""

    def check(stdout):
        assert "|---" in stdout
        payload = json.loads((RESULTS / f"{name}.quick.json").read_text())
        assert payload["quick"] is True and payload[key]

    return check


def explanations_check(stdout):
    assert "|---" in stdout and "LIME" in stdout
    payload = json.loads((RESULTS / "explanations.quick.json").read_text())
    assert payload["quick"] is True and len(payload["summaries"]) == 4
    for rows in payload["tables"].values():
        methods = {row["method"] for row in rows}
        ours = "integrated gradients (ours), all in 1 call"
        assert {"LIME", "random word order", ours} <= methods


def tagging_check(stdout):
    # The script says where it wrote (tagging.json, or tagging.quick.json where
    # quick runs keep off the real numbers).
    path = stdout.rsplit("wrote ", 1)[1].strip()
    payload = json.loads(Path(path).read_text())
    assert payload["quick"] is True and len(payload["rows"]) == 2


IMDB = needs(data=["imdb/data.csv.gz"])
#: script, its arguments after --quick, why it cannot run here (None: it can), the
#: check of its output, its quick result file (removed before the run).
SCRIPTS = [
    ("bench_tfidf_mlp.py", ["--repeats", "1"], IMDB, has_result("tfidf_mlp", "ratios"),
     "tfidf_mlp"),
    ("bench_sequences.py", ["--repeats", "1"], IMDB,
     has_result("sequences", "padded_token_ratio"), "sequences"),
    ("bench_tokenizer.py", ["--repeats", "1"], IMDB, has_result("tokenizer", "rows"),
     "tokenizer"),
    ("bench_overhead.py", ["--repeats", "1"], IMDB, has_result("overhead", "rows"),
     "overhead"),
    # Three families keep the smoke run short; each family's estimator is
    # tested on its own elsewhere.
    ("bench_accuracy.py", ["--repeats", "1", "--families", "lr,mlp_nb,cnn,fasttext"], IMDB,
     has_result("accuracy", "rows"), "accuracy"),
    # The bundled movie sentences: no shared data needed.
    ("bench_saving.py", ["--repeats", "1"], None, has_result("saving", "rows"), "saving"),
    ("bench_mean_rule.py", [], None, has_result("mean_rule", "rows"), "mean_rule"),
    ("bench_pretrained.py", [], needs(modules=["keras_hub"]), has_result("pretrained", "rows"),
     "pretrained"),
    ("bench_explanations.py", [],
     needs(data=["rt_polarity/data.csv.gz", "sms_spam/data.csv.gz"], modules=["lime", "shap"]),
     explanations_check, "explanations"),
    ("bench_compression.py", [], needs(data=["rt_polarity/data.csv.gz"]),
     has_result("compression", "rows"), "compression"),
    ("bench_tagging.py", [],
     needs(data=["conll2000/train.txt.gz"], modules=["sklearn_crfsuite"]),
     tagging_check, "tagging"),
]


def test_benchmarks_quick_mode(tmp_path):
    # Every script that can run here runs in one process, one after the other (each
    # in a process of its own spent most of its time starting TensorFlow); each run is
    # checked on its own. A script that cannot run here makes the test a skip, after
    # the others have passed.
    runnable = [entry for entry in SCRIPTS if entry[2] is None]
    for *_, result in runnable:
        (RESULTS / f"{result}.quick.json").unlink(missing_ok=True)  # only this run counts
    commands = [[str(ROOT / "benchmarks" / script), *args] for script, args, *_ in runnable]
    out = tmp_path / "runs.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN_SCRIPTS, str(out), json.dumps(commands)],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    runs = json.loads(out.read_text())
    assert len(runs) == len(runnable)
    for (script, _, _, check, _), command in zip(runnable, commands, strict=True):
        run = runs[command[0]]
        assert run["returncode"] == 0, f"{script}: {run['stderr'][-2000:]}"
        try:
            check(run["stdout"])
        except (AssertionError, LookupError, OSError, ValueError) as error:
            raise AssertionError(f"{script}: {error!r}\n{run['stdout'][-2000:]}") from error
    not_run = [f"{script} ({reason})" for script, _, reason, *_ in SCRIPTS if reason]
    if not_run:
        pytest.skip(f"the others passed; not run: {', '.join(not_run)}")
