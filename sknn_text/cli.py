"""The ``sknn-text`` command line: compare text models, list bundled datasets.

Run ``sknn-text compare`` (or ``python -m sknn_text compare``) to
cross-validate a TF-IDF + logistic regression baseline, an MLP, an LSTM and a
GRU on the bundled movie-review sentences and print a table of scores, times,
model sizes and p-values. ``sknn-text compare --help`` lists the options.

Examples
--------
>>> from sknn_text.cli import main
>>> main(["datasets"])  # doctest: +NORMALIZE_WHITESPACE
movie_sentences  10,662 movie-review sentences, pos/neg (Pang & Lee 2005, CC BY 4.0)
sms_spam         5,574 SMS messages, ham/spam (Almeida et al. 2011, CC BY 4.0)
0
"""

import argparse
import logging
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from ._quiet import native_stderr_silenced

__all__ = ["main"]

PROG = "sknn-text"
_OUTPUT_FORMATS = (".md", ".json", ".csv")
_DEFAULT_DATASET = "movie_sentences"


class UsageError(Exception):
    """A bad command line: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises :class:`UsageError` instead of exiting."""

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _quiet_keras():
    """Import Keras with its start-up noise hidden, and silence absl logging."""
    if "keras" not in sys.modules:
        with native_stderr_silenced():
            import keras  # noqa: F401
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl comes with TensorFlow
        pass


def _positive_int(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _build_parser():
    from .compare import MODEL_DESCRIPTIONS

    parser = _Parser(
        prog=PROG,
        description="Compare neural and linear text models, the scikit-learn way.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    model_help = "\n".join(
        f"  {name:<11} {text}" for name, text in MODEL_DESCRIPTIONS.items()
    )
    compare = commands.add_parser(
        "compare",
        help="cross-validate models on a dataset and print a comparison table",
        description=(
            "Cross-validate several models on the same folds and print their "
            "scores (mean ± std over folds), fit and prediction times, number of "
            "parameters, and a corrected resampled t-test against the TF-IDF + "
            "logistic regression baseline. Without options: the bundled movie "
            "review sentences, models lr,mlp,lstm,gru, 5 folds."
        ),
        epilog=f"models:\n{model_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = compare.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        metavar="NAME",
        help=f"bundled dataset (default: {_DEFAULT_DATASET}; see 'sknn-text datasets')",
    )
    source.add_argument(
        "--csv", metavar="PATH", help="your own CSV/TSV file (may be .gz)"
    )
    compare.add_argument(
        "--text-column",
        default="text",
        metavar="C",
        help="column with the documents (default: text)",
    )
    compare.add_argument(
        "--target-column",
        default="label",
        metavar="C",
        help="column with the targets (default: label)",
    )
    compare.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="inferred from the targets when omitted",
    )
    compare.add_argument(
        "--models",
        default="lr,mlp,lstm,gru",
        metavar="LIST",
        help="comma-separated model names (default: lr,mlp,lstm,gru)",
    )
    compare.add_argument(
        "--cv",
        type=_positive_int(2),
        default=5,
        metavar="K",
        help="number of cross-validation folds, at least 2 (default: 5)",
    )
    compare.add_argument(
        "--epochs",
        type=_positive_int(1),
        metavar="N",
        help="epochs of every neural model (default: each model's own)",
    )
    compare.add_argument(
        "--max-samples",
        type=_positive_int(2),
        metavar="N",
        help="use a random (stratified) subset of N documents",
    )
    compare.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the t-test against the lr baseline (and lr, unless listed)",
    )
    compare.add_argument(
        "--output",
        metavar="PATH",
        help="also write the results to PATH (.md, .json or .csv)",
    )
    compare.add_argument(
        "--plot",
        metavar="PNG",
        help="also draw the fold scores per model to PNG (needs matplotlib)",
    )
    compare.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds, subsampling and networks (default: 0)",
    )
    compare.add_argument(
        "--quiet", "-q", action="store_true", help="no progress on stderr"
    )
    commands.add_parser(
        "datasets",
        help="list the bundled datasets",
        description="List the datasets that ship with sknn_text.",
    )
    return parser


def _datasets_command(out):
    from .datasets import list_datasets

    datasets = list_datasets()
    width = max(map(len, datasets))
    for name, summary in datasets.items():
        print(f"{name:<{width}}  {summary}", file=out)
    return 0


def _load_data(args):
    from .datasets import load_dataset, load_text_csv

    if args.csv is not None:
        try:
            bunch = load_text_csv(
                args.csv,
                text_column=args.text_column,
                target_column=args.target_column,
                target_type="numeric" if args.task == "regression" else "auto",
            )
        except FileNotFoundError:
            raise UsageError(f"CSV file not found: {args.csv}") from None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"cannot read {args.csv}: {exc.strerror or exc}") from None
        return bunch.data, bunch.target, Path(args.csv).name
    name = args.dataset or _DEFAULT_DATASET
    try:
        texts, target = load_dataset(name, return_X_y=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return texts, target, name


def _subsample(texts, target, task, max_samples, random_state):
    if max_samples is None or max_samples >= len(texts):
        return texts, target
    from sklearn.model_selection import train_test_split

    rows = list(range(len(texts)))
    stratify = target if task == "classification" else None
    try:
        rows, _ = train_test_split(
            rows, train_size=max_samples, random_state=random_state, stratify=stratify
        )
    except ValueError as exc:
        raise UsageError(f"--max-samples {max_samples}: {exc}") from None
    rows.sort()
    return [texts[i] for i in rows], target[rows]


def _check_classes(target, cv):
    import numpy as np

    labels, counts = np.unique(target, return_counts=True)
    if labels.size < 2:
        raise UsageError(
            f"the target has a single class ({labels[0].item()!r}); nothing to classify"
        )
    if counts.min() < cv:
        rare = labels[np.argmin(counts)]
        raise UsageError(
            f"class {rare.item()!r} has only {counts.min()} document(s), fewer than "
            f"--cv {cv}; lower --cv or add data"
        )


class _Progress:
    """One line per fitted (model, fold) on stderr, or a counter on a terminal."""

    def __init__(self, stream, primary_metric):
        self.stream = stream
        self.metric = primary_metric
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.perf_counter()

    def __call__(self, done, total, name, fold, scores):
        elapsed = time.perf_counter() - self.start
        width = len(str(total))
        text = (
            f"[{done:>{width}}/{total}] fold {fold} {name:<6} "
            f"{self.metric}={scores[self.metric]:.4f}  ({elapsed:.0f}s elapsed)"
        )
        if self.interactive:
            end = "\n" if done == total else ""
            print(f"\r\033[K{text}", end=end, file=self.stream, flush=True)
        else:
            print(text, file=self.stream, flush=True)


def _compare_command(args, out, err):
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in _OUTPUT_FORMATS:
        raise UsageError(
            f"--output must end with {', '.join(_OUTPUT_FORMATS)}; got '{output}'"
        )
    plot = Path(args.plot) if args.plot else None
    if plot is not None:
        if plot.suffix.lower() != ".png":
            raise UsageError(f"--plot must end with .png; got '{plot}'")
        try:
            import matplotlib
        except ImportError:
            raise UsageError(
                "--plot needs matplotlib: pip install 'sknn_text[plot]'"
            ) from None
        matplotlib.use("Agg")
    names = [name.strip() for name in args.models.split(",") if name.strip()]
    if not names:
        raise UsageError("--models is empty")
    if len(set(names)) != len(names):
        raise UsageError(f"--models lists a model twice: {args.models}")

    texts, target, source = _load_data(args)
    from .compare import compare_models, default_models, infer_task

    task = args.task
    if task is None:
        try:
            task = infer_task(target)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if task == "regression" and target.dtype.kind not in "iuf":
        raise UsageError(
            f"--task regression needs a numeric target column; "
            f"{args.target_column!r} holds labels such as {target[0].item()!r}"
        )
    texts, target = _subsample(texts, target, task, args.max_samples, args.random_state)
    if task == "classification":
        _check_classes(target, args.cv)
    elif len(texts) < args.cv:
        raise UsageError(f"--cv {args.cv} is more than the {len(texts)} documents")

    _quiet_keras()
    registry = default_models(task, epochs=args.epochs, random_state=args.random_state)
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise UsageError(
            f"unknown model(s): {', '.join(unknown)}; choose from {', '.join(registry)}"
        )
    models = {name: registry[name] for name in names}
    baseline = not args.no_baseline

    metric = "accuracy" if task == "classification" else "r2"
    if not args.quiet:
        listed = (
            list(models)
            if args.no_baseline or "lr" in models
            else [
                "lr",
                *models,
            ]
        )
        print(
            f"{PROG}: {task} on {source}: {len(texts):,} documents, "
            f"{args.cv} folds x {len(listed)} models ({', '.join(listed)})",
            file=err,
            flush=True,
        )
    failure = None
    # Native TensorFlow messages (CUDA probing, oneDNN notes) go to /dev/null;
    # progress lines still reach the terminal through a duplicate of stderr.
    with warnings.catch_warnings(), native_stderr_silenced(err) as visible:
        warnings.filterwarnings("ignore", module=r"keras(\.|$)")
        warnings.filterwarnings("ignore", message=r".*ran out of data.*")
        progress = None if args.quiet else _Progress(visible, metric)
        try:
            result = compare_models(
                models,
                texts,
                target,
                task=task,
                cv=args.cv,
                baseline=baseline,
                random_state=args.random_state,
                progress=progress,
            )
        except Exception as exc:
            failure = f"{PROG}: error: {type(exc).__name__}: {exc}"
    if failure is not None:
        print(failure, file=err)
        return 1

    print(result.to_markdown(), file=out, end="")
    if output is not None:
        suffix = output.suffix.lower()
        text = {
            ".md": result.to_markdown,
            ".json": result.to_json,
            ".csv": result.to_csv,
        }[suffix]()
        try:
            output.write_text(text if text.endswith("\n") else text + "\n", "utf-8")
        except OSError as exc:
            print(f"{PROG}: error: cannot write {output}: {exc.strerror}", file=err)
            return 1
        if not args.quiet:
            print(f"{PROG}: wrote {output}", file=err)
    if plot is not None:
        from .plotting import ComparisonDisplay

        display = ComparisonDisplay.from_result(result)
        try:
            display.figure_.savefig(plot, dpi=120, bbox_inches="tight")
        except OSError as exc:
            print(f"{PROG}: error: cannot write {plot}: {exc.strerror}", file=err)
            return 1
        if not args.quiet:
            print(f"{PROG}: wrote {plot}", file=err)
    return 0


def main(argv=None):
    """Run the ``sknn-text`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 1 when a model fails, 2 for a bad command line or data
        file (reported as one ``sknn-text: error: ...`` line on stderr), 130
        when interrupted.
    """
    out, err = sys.stdout, sys.stderr
    try:
        parser = _build_parser()
        args = parser.parse_args(argv)
        if args.command == "datasets":
            return _datasets_command(out)
        return _compare_command(args, out, err)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=err)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=err)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
