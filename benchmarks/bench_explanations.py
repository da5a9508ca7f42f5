"""Benchmark 6: word attributions, ours vs LIME vs SHAP vs random word order.

On rt_polarity (movie-review sentences) and sms_spam, train a TF-IDF + MLP and a
TextTokenizer + GRU pipeline on a stratified 80 % of the documents, then explain
held-out documents (the predicted class of each) with

* ours: ``sknn_text.inspection.explain_tokens``, integrated gradients (32 steps),
  and gradient x input (one pass);
* LIME: ``lime.lime_text.LimeTextExplainer`` (5,000 perturbed texts per document,
  its default);
* SHAP: ``shap.Explainer`` with a ``shap.maskers.Text`` masker (the partition
  explainer, 500 evaluations per document, its default);
* random: the words in a random order.

Every method's word scores are put on the same words (the pipeline's tokens, by
character overlap) and scored with ERASER's comprehensiveness (higher is better)
and sufficiency (lower is better), averaged over 1, 5, 10, 20 and 50 % of the words
(``sknn_text.inspection``). Seconds per document are wall time on this machine: ours
one document per call and all documents in one call, both with the gradient step
already compiled (the first call's compilation is reported apart). Prints a markdown table per
dataset and model, the goal's ratios (ours vs LIME: comprehensiveness, time), and
writes benchmarks/results/explanations.json.

    python benchmarks/bench_explanations.py            # 100 documents per dataset
    python benchmarks/bench_explanations.py --quick    # 4 documents, small everything

--quick keeps SHAP's numba kernels compiled: running them as plain Python
(``NUMBA_DISABLE_JIT=1``) failed in numba's typing when another process of the test
suite had compiled and cached them meanwhile; set the variable yourself to try it.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_all, markdown_table, save_json

DATASETS = ("rt_polarity", "sms_spam")
MODELS = ("tfidf_mlp", "tokens_gru")
COLUMNS = ["method", "comprehensiveness", "comp_se", "sufficiency", "suff_se", "s_per_doc",
           "x_lime_time"]


def build(name, epochs):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from sknn_text import GRUTextClassifier, MLPTextClassifier, TextTokenizer

    if name == "tfidf_mlp":
        return make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            MLPTextClassifier((64,), dropout=0.3, epochs=epochs["tfidf_mlp"], random_state=0),
        )
    return make_pipeline(
        TextTokenizer(max_tokens=20_000, sequence_length=100),
        GRUTextClassifier(embedding_dim=64, units=32, pooling="mean",
                          epochs=epochs["tokens_gru"], random_state=0),
    )


def held_out(texts, labels, n_documents, limit):
    """A stratified 80/20 split; ``n_documents`` test documents, half of each class
    when a class is rare (sms_spam), else drawn at random."""
    from sklearn.model_selection import train_test_split

    train, test, y_train, y_test = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=0
    )
    if limit:
        train, y_train = train[:limit], y_train[:limit]
    rng = np.random.RandomState(0)
    classes, counts = np.unique(y_test, return_counts=True)
    if counts.min() / counts.sum() < 0.25:
        per_class = n_documents // len(classes)
        chosen = np.concatenate([
            rng.permutation(np.flatnonzero(y_test == c))[:per_class] for c in classes
        ])
    else:
        chosen = rng.permutation(len(test))[:n_documents]
    return train, y_train, [test[i] for i in chosen], test, y_test


def project(units, spans, scores):
    """Scores given on ``spans`` put on our word ``units`` by overlap (summed)."""
    result = np.zeros(len(units))
    for (start, end), score in zip(spans, scores, strict=True):
        hits = (units[:, 0] < end) & (units[:, 1] > start)
        result[hits] += score
    return result


def on_units(reference, scores, method):
    from sknn_text.inspection import TokenAttribution

    return TokenAttribution(reference.text, reference.spans, scores, target=reference.target,
                            method=method)


def run_ours(model, documents, method, n_steps):
    """Attributions, and seconds per document: one document per call, all in one
    call (both with the gradient step compiled), and the first call's compile."""
    from sknn_text.inspection import explain_tokens

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        explain_tokens(model, documents[:1], method=method, n_steps=n_steps)
        first_call = time.perf_counter() - start
        start = time.perf_counter()
        batch = explain_tokens(model, documents, method=method, n_steps=n_steps)
        batch_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for document in documents:
            explain_tokens(model, [document], method=method, n_steps=n_steps)
        single_seconds = time.perf_counter() - start
    gap_warnings = sum("Raise n_steps" in str(w.message) for w in caught)
    n = len(documents)
    return batch, single_seconds / n, batch_seconds / n, first_call, gap_warnings


def run_lime(model, references, n_samples):
    from lime.lime_text import LimeTextExplainer

    classes = model.classes_.tolist()
    explainer = LimeTextExplainer(class_names=classes, random_state=0)
    attributions, start = [], time.perf_counter()
    for reference in references:
        label = classes.index(reference.target)
        explanation = explainer.explain_instance(
            reference.text, model.predict_proba, labels=(label,), num_features=10_000,
            num_samples=n_samples,
        )
        words = explanation.domain_mapper.indexed_string
        spans, scores = [], []
        for feature, weight in explanation.as_map()[label]:
            for position in words.string_position(feature):
                spans.append((position, position + len(words.word(feature))))
                scores.append(weight)
        attributions.append(on_units(reference, project(reference.spans, spans, scores), "lime"))
    return attributions, (time.perf_counter() - start) / len(references)


def run_shap(model, references, max_evals):
    import shap

    classes = model.classes_.tolist()
    explainer = shap.Explainer(
        lambda texts: model.predict_proba(list(texts)), shap.maskers.Text(r"\W+"),
        output_names=classes,
    )
    explainer([references[0].text], max_evals=max_evals, silent=True)  # warm-up, untimed
    attributions, start = [], time.perf_counter()
    for reference in references:
        values = explainer([reference.text], max_evals=max_evals, silent=True)
        tokens = values.data[0]
        ends = np.cumsum([len(token) for token in tokens])
        spans = list(zip(ends - [len(token) for token in tokens], ends, strict=True))
        scores = values.values[0][:, classes.index(reference.target)]
        attributions.append(on_units(reference, project(reference.spans, spans, scores), "shap"))
    return attributions, (time.perf_counter() - start) / len(references)


def run_random(references):
    rng = np.random.RandomState(0)
    start = time.perf_counter()
    attributions = [
        on_units(reference, rng.permutation(len(reference.scores)).astype(float), "random")
        for reference in references
    ]
    return attributions, (time.perf_counter() - start) / len(references)


def score(model, attributions):
    from sknn_text.inspection import comprehensiveness, sufficiency

    comp = comprehensiveness(model, attributions)
    suff = sufficiency(model, attributions)
    se = np.sqrt(len(comp))
    return {"comprehensiveness": float(comp.mean()), "comp_se": float(comp.std() / se),
            "sufficiency": float(suff.mean()), "suff_se": float(suff.std() / se)}, comp


def evaluate(dataset, model_name, args, epochs):
    texts, labels = load_all(dataset)
    train, y_train, documents, test, y_test = held_out(
        texts, labels, args.documents, 1000 if args.quick else None
    )
    model = build(model_name, epochs)
    fit_start = time.perf_counter()
    model.fit(train, y_train)
    fit_seconds = time.perf_counter() - fit_start
    accuracy = float(np.mean(model.predict(test) == np.asarray(y_test)))
    ours, single, batch, first_call, gaps = run_ours(
        model, documents, "integrated_gradients", args.n_steps
    )
    relative = [abs(a.completeness_gap) / max(abs(a.output - a.baseline_output), 1e-12)
                for a in ours]
    runs = [("integrated gradients (ours), 1 document per call", ours, single),
            ("integrated gradients (ours), all in 1 call", ours, batch)]
    gradient, g_single, g_batch, _, _ = run_ours(model, documents, "gradient", args.n_steps)
    runs.append(("gradient x input (ours), 1 document per call", gradient, g_single))
    runs.append(("gradient x input (ours), all in 1 call", gradient, g_batch))
    runs.append(("LIME", *run_lime(model, ours, args.lime_samples)))
    runs.append(("SHAP (partition, Text masker)", *run_shap(model, ours, args.shap_evals)))
    runs.append(("random word order", *run_random(ours)))
    rows, per_document = [], {}
    for name, attributions, seconds in runs:
        scores, per_document[name] = score(model, attributions)
        rows.append({"method": name, **scores, "s_per_doc": seconds})
    lime = next(row for row in rows if row["method"] == "LIME")
    for row in rows:
        row["x_lime_time"] = lime["s_per_doc"] / max(row["s_per_doc"], 1e-9)
    difference = per_document[runs[0][0]] - per_document["LIME"]
    summary = {
        "dataset": dataset, "model": model_name, "accuracy": accuracy, "fit_s": fit_seconds,
        "n_documents": len(documents),
        "mean_words": float(np.mean([len(a.scores) for a in ours])),
        "comp_ours_minus_lime": float(difference.mean()),
        "paired_se": float(difference.std() / np.sqrt(len(difference))),
        "lime_time_over_ours_1_per_call": lime["s_per_doc"] / rows[0]["s_per_doc"],
        "lime_time_over_ours_all_in_1": lime["s_per_doc"] / rows[1]["s_per_doc"],
        "first_call_s": first_call,
        "median_relative_gap": float(np.median(relative)),
        "gap_warnings": gaps,
    }
    return rows, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=1, help="accepted for symmetry; 1 run")
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--n-steps", type=int, default=32)
    parser.add_argument("--lime-samples", type=int, default=5000)
    parser.add_argument("--shap-evals", type=int, default=500)
    args = parser.parse_args()
    epochs = {"tfidf_mlp": 5, "tokens_gru": 4}
    if args.quick:
        args.documents, args.lime_samples, args.shap_evals = 4, 200, 60
        epochs = {"tfidf_mlp": 1, "tokens_gru": 1}
    summaries, tables = [], {}
    for dataset in args.datasets.split(","):
        for model_name in args.models.split(","):
            rows, summary = evaluate(dataset, model_name, args, epochs)
            summaries.append(summary)
            tables[f"{dataset}/{model_name}"] = rows
            print(f"\n### {dataset}, {model_name}: test accuracy {summary['accuracy']:.3f}, "
                  f"{summary['n_documents']} documents, {summary['mean_words']:.1f} words "
                  f"each on average\n")
            print(markdown_table(rows, COLUMNS))
    print("\n" + markdown_table(summaries, [
        "dataset", "model", "comp_ours_minus_lime", "paired_se",
        "lime_time_over_ours_1_per_call", "lime_time_over_ours_all_in_1", "first_call_s",
        "median_relative_gap", "gap_warnings",
    ]))
    path = save_json("explanations", {"quick": args.quick, "tables": tables,
                                      "summaries": summaries, "rows": summaries})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
