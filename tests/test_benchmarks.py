"""Each benchmark script runs end to end in its --quick mode (needs shared/datasets)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
IMDB = DATASETS / "imdb" / "data.csv.gz"


@pytest.mark.skipif(not IMDB.exists(), reason="shared/datasets/imdb not found")
@pytest.mark.parametrize(
    "script, result, key, extra",
    [
        ("bench_tfidf_mlp.py", "tfidf_mlp.quick.json", "ratios", []),
        ("bench_sequences.py", "sequences.quick.json", "padded_token_ratio", []),
        ("bench_tokenizer.py", "tokenizer.quick.json", "rows", []),
        ("bench_overhead.py", "overhead.quick.json", "rows", []),
        # Three families keep the smoke run short; each family's estimator is
        # tested on its own elsewhere.
        ("bench_accuracy.py", "accuracy.quick.json", "rows", ["--families", "lr,cnn,fasttext"]),
        ("bench_saving.py", "saving.quick.json", "rows", []),
    ],
)
def test_benchmark_quick_mode(script, result, key, extra):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick", "--repeats", "1", *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "|---" in done.stdout
    payload = json.loads((ROOT / "benchmarks" / "results" / result).read_text())
    assert payload["quick"] is True and payload[key]


@pytest.mark.skipif(
    not all((DATASETS / name / "data.csv.gz").exists() for name in ("rt_polarity", "sms_spam")),
    reason="shared/datasets/rt_polarity or sms_spam not found",
)
def test_explanation_benchmark_quick_mode():
    pytest.importorskip("lime")
    pytest.importorskip("shap")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_explanations.py"), "--quick"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "|---" in done.stdout and "LIME" in done.stdout
    payload = json.loads((ROOT / "benchmarks" / "results" / "explanations.quick.json").read_text())
    assert payload["quick"] is True and len(payload["summaries"]) == 4
    for rows in payload["tables"].values():
        methods = {row["method"] for row in rows}
        ours = "integrated gradients (ours), all in 1 call"
        assert {"LIME", "random word order", ours} <= methods


@pytest.mark.skipif(
    not (DATASETS / "conll2000" / "train.txt.gz").exists(),
    reason="shared/datasets/conll2000 not found",
)
def test_tagging_benchmark_quick_mode():
    pytest.importorskip("sklearn_crfsuite")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_tagging.py"), "--quick"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # The script says where it wrote (tagging.json, or tagging.quick.json where
    # quick runs keep off the real numbers).
    path = done.stdout.rsplit("wrote ", 1)[1].strip()
    payload = json.loads(Path(path).read_text())
    assert payload["quick"] is True and len(payload["rows"]) == 2
