"""``sknn-text compare``: load the data, check the request, run, report."""

import contextlib
import logging
import os
import re
import sys
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

from .._quiet import native_stderr_silenced
from ._progress import FoldProgress

PROG = "sknn-text"
OUTPUT_FORMATS = (".md", ".json", ".csv")
DEFAULT_DATASET = "movie_sentences"


class UsageError(Exception):
    """A bad command line: reported in one line, exit status 2."""


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


def _listed(text, option="--models"):
    """The names of a comma-separated list, in lower case (the registry's names are)."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError(f"{option} is empty")
    if len(set(names)) != len(names):
        raise UsageError(f"{option} lists a model twice: {text}")
    return names


def _model_names(text, preset=None):
    """The ``--models`` list, checked against the registry before any data is read;
    None (the option not given) is the default list."""
    from ..compare._models import default_model_names, model_descriptions, preset_model_names

    if text is None:
        return default_model_names()
    names = _listed(text)
    known = model_descriptions()
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(
            f"unknown model(s): {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    if preset is None:
        needing = [name for name in names if name in preset_model_names()]
        if needing:
            raise UsageError(
                f"{', '.join(needing)} needs --preset: a keras-hub preset name or a folder "
                "made with save_to_preset"
            )
    return names


def _load_data(args):
    from ..datasets import load_dataset, load_text_csv

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
    name = args.dataset or DEFAULT_DATASET
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


def _check_writable(path, option):
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option}: the folder '{folder}' does not exist")
    target = path if path.exists() else folder
    if path.is_dir() or not os.access(target, os.W_OK):
        raise UsageError(f"{option}: cannot write '{path}'")


#: The start of the warning of a fit that predicts the mean (``_loop.training``).
_CONSTANT = re.compile(r"No epoch of (\w+) predicted")
#: The advice of a capped fit (``_loop.schedule.cap_message``), and its cap.
_ADVISED = re.compile(r"max_epochs=(\d+)")
_CAP = re.compile(r"cap of (\d+) epochs")


def _advised_max_epochs(messages):
    """The largest ``max_epochs`` that the warnings of capped fits advise, or
    twice the largest cap where none advises one (a fit with an int
    ``epochs``); None if neither is found."""
    advised = [int(n) for message in messages for n in _ADVISED.findall(message)]
    if advised:
        return max(advised)
    caps = [int(n) for message in messages for n in _CAP.findall(message)]
    return 2 * max(caps) if caps else None


@contextlib.contextmanager
def _watched_fits(err, always=()):
    """Around the fits of a comparison: yields ``(caught, visible)``.

    ``caught`` records every ``ConvergenceWarning`` (and the warnings whose
    message matches a pattern of ``always``) for :func:`_summarize`; Keras's
    own warnings are dropped. Native TensorFlow messages (CUDA probing, oneDNN
    notes) go to /dev/null; ``visible``, a duplicate of ``err``, still reaches
    the terminal for progress lines.
    """
    with warnings.catch_warnings(record=True) as caught, native_stderr_silenced(err) as visible:
        warnings.simplefilter("always", ConvergenceWarning)
        for pattern in always:
            warnings.filterwarnings("always", message=pattern)
        warnings.filterwarnings("ignore", module=r"keras(\.|$)")
        warnings.filterwarnings("ignore", message=r".*ran out of data.*")
        yield caught, visible


def _summarize(caught, err):
    """One line per estimator class that stopped at its epoch cap, and one per
    class that predicted the mean of y in some fits.

    A capped class is advised ``--max-epochs`` with the largest number its
    warnings advise: that raises the cap and keeps the adaptive stopping rule,
    where ``--epochs N`` would train exactly N epochs.
    """
    capped, constant = {}, {}
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, ConvergenceWarning):
            capped.setdefault(message.split(" ", 1)[0], []).append(message)
        elif match := _CONSTANT.match(message):
            constant[match[1]] = constant.get(match[1], 0) + 1
    for name, messages in capped.items():
        advised = _advised_max_epochs(messages) or "N"
        print(
            f"{PROG}: note: {name} stopped at its epoch cap while still improving in "
            f"{len(messages)} fit(s); pass --max-epochs {advised} to allow more under "
            "the same stopping rule (--epochs N trains exactly N epochs instead)",
            file=err,
        )
    for name, count in constant.items():
        print(
            f"{PROG}: note: {name} did not beat the mean of y on its validation split "
            f"in {count} fit(s), and predicted that mean there",
            file=err,
        )


def tagging_command(args, out, err):
    """``--task tagging``: the taggers against a CRF on a CoNLL file (see
    ``sknn_text.compare._tagging``); ``--test`` or ``--cv`` folds of sentences."""
    import json

    from ..compare._tagging import compare_taggers, tagger_names, tagging_table
    from ..datasets import load_conll

    if args.conll is None:
        raise UsageError("--task tagging needs --conll PATH (a CoNLL column file)")
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in (".md", ".json"):
        raise UsageError(f"--task tagging writes .md or .json; got '{output}'")
    names = tagger_names()
    models = None if args.models is None else _listed(args.models)
    unknown = [name for name in models or () if name not in names]
    if unknown:
        raise UsageError(f"no tagger named {', '.join(unknown)}; taggers: {', '.join(names)}")
    def read(path):
        try:
            columns = _feature_columns(args.feature_columns, path)
            return load_conll(path, feature_columns=columns)
        except FileNotFoundError:
            raise UsageError(f"file not found: {path}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(str(exc)) from None

    X, y = read(args.conll)
    X_test, y_test = read(args.test) if args.test else (None, None)
    if args.max_samples:
        X, y = X[: args.max_samples], y[: args.max_samples]
    _quiet_keras()

    def progress(name, split, f1):
        if not args.quiet:
            print(f"{name:<12} split {split}: chunk F1 {f1:.4f}", file=err, flush=True)

    try:
        result = compare_taggers(
            X, y, X_test=X_test, y_test=y_test, models=models, cv=args.cv,
            epochs=args.epochs, max_epochs=args.max_epochs, baseline=not args.no_baseline,
            random_state=args.random_state, progress=progress, preset=args.preset,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    table = tagging_table(result)
    print(table, file=out)
    if output is not None:
        text = table if output.suffix.lower() == ".md" else json.dumps(result, indent=2)
        output.write_text(text + "\n", "utf-8")
    return 0


def _feature_columns(text, path):
    """``--feature-columns``: a list of ints, or "auto" for every column between
    the first (the word) and the last (the tag) of the file's first token line."""
    from ..datasets._conll import _open_text

    if text != "auto":
        try:
            return [int(c) for c in text.split(",") if c.strip()]
        except ValueError:
            raise UsageError(f"--feature-columns: not a list of ints: {text}") from None
    with _open_text(path, "utf-8") as file:
        for line in file:
            columns = line.split()
            if columns and columns[0] != "-DOCSTART-":
                return list(range(1, len(columns) - 1))
    return []


def compare_command(args, out, err):
    if args.epochs is not None and args.max_epochs is not None:
        # max_epochs is ignored with an int epochs: the two would not combine.
        raise UsageError("--max-epochs applies to the adaptive budget; drop --epochs")
    if args.task is None and (args.source or args.target):
        args.task = "translation"
    if args.task == "translation":
        from ._translation import translation_command

        return translation_command(args, out, err)
    if args.source or args.target or args.test_size is not None:
        raise UsageError("--source, --target and --test-size are for --task translation")
    args.text_column = args.text_column or "text"
    args.target_column = args.target_column or "label"
    if args.task == "tagging":
        return tagging_command(args, out, err)
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix.lower() not in OUTPUT_FORMATS:
            raise UsageError(
                f"--output must end with {', '.join(OUTPUT_FORMATS)}; got '{output}'"
            )
        _check_writable(output, "--output")
    plot = Path(args.plot) if args.plot else None
    if plot is not None:
        if plot.suffix.lower() != ".png":
            raise UsageError(f"--plot must end with .png; got '{plot}'")
        _check_writable(plot, "--plot")
        try:
            import matplotlib
        except ImportError:
            raise UsageError(
                "--plot needs matplotlib: pip install matplotlib (from a checkout "
                "of sknn_text: pip install -e '.[plot]')"
            ) from None
        matplotlib.use("Agg")
    names = _model_names(args.models, args.preset)
    texts, target, source = _load_data(args)
    from ..compare import check_folds, compare_models, default_models, infer_task

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
    try:
        check_folds(target, task, args.cv)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    _quiet_keras()
    registry = default_models(
        task, epochs=args.epochs, max_epochs=args.max_epochs, random_state=args.random_state,
        preset=args.preset,
    )
    missing = [name for name in names if name not in registry]
    if missing:
        raise UsageError(
            f"no {task} model named {', '.join(missing)}; choose from {', '.join(registry)}"
        )
    models = {name: registry[name] for name in names}
    baseline = not args.no_baseline

    metric = "accuracy" if task == "classification" else "r2"
    listed = list(models) if not baseline or "lr" in models else ["lr", *models]
    if not args.quiet:
        print(
            f"{PROG}: {task} on {source}: {len(texts):,} documents, "
            f"{args.cv} folds x {len(listed)} models ({', '.join(listed)})",
            file=err,
            flush=True,
        )
    failure = None
    with _watched_fits(err, always=[_CONSTANT.pattern]) as (caught, visible):
        progress = None if args.quiet else FoldProgress(visible, metric, listed, args.cv)
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
        except KeyboardInterrupt:
            if progress is not None:
                progress.end_line()
            raise
        except Exception as exc:
            failure = f"{PROG}: error: {type(exc).__name__}: {exc}"
    if failure is not None:
        print(failure, file=err)
        return 1
    _summarize(caught, err)

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
        from ..plotting import ComparisonDisplay

        display = ComparisonDisplay.from_result(result)
        try:
            display.figure_.savefig(plot, dpi=120, bbox_inches="tight")
        except OSError as exc:
            print(f"{PROG}: error: cannot write {plot}: {exc.strerror}", file=err)
            return 1
        if not args.quiet:
            print(f"{PROG}: wrote {plot}", file=err)
    return 0


