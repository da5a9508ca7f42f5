"""``sknn-text compare --task translation``: the translators against copying the source."""

import json
import time
from pathlib import Path

from ._compare import (
    PROG,
    UsageError,
    _check_writable,
    _listed,
    _quiet_keras,
    _summarize,
    _watched_fits,
)

#: Options of the other tasks that a translation comparison cannot honour.
_NOT_FOR_TRANSLATION = {
    "dataset": "--dataset (no bundled corpus is parallel; give --csv or --source/--target)",
    "conll": "--conll",
    "test": "--test (mark the held-out rows with a 'split' column of --csv)",
    "preset": "--preset",
    "plot": "--plot",
}


def _refuse_other_options(args):
    given = [text for option, text in _NOT_FOR_TRANSLATION.items() if getattr(args, option)]
    if given:
        raise UsageError(f"--task translation does not take {', '.join(given)}")


def _model_names(text):
    from ..compare._translation import BASELINE, translator_names

    if text is None:
        return None
    names = _listed(text)
    known = translator_names()
    unknown = [name for name in names if name not in (*known, BASELINE)]
    if unknown:
        raise UsageError(
            f"no translator named {', '.join(unknown)}; translators: {', '.join(known)} "
            f"(and {BASELINE}, the baseline)"
        )
    return names


def _read_pairs(args):
    """``(sources, targets, splits, dropped, name)`` of --csv or --source/--target."""
    from ..compare._translation import read_parallel_csv, read_parallel_files

    if args.csv is not None:
        paths, name = [args.csv], Path(args.csv).name
    elif args.source is not None and args.target is not None:
        paths, name = [args.source, args.target], Path(args.source).name
    else:
        raise UsageError(
            "--task translation needs --csv PATH (columns source,target and an optional "
            "split) or --source FILE --target FILE (line-aligned)"
        )
    try:
        if args.csv is not None:
            pairs = read_parallel_csv(
                args.csv,
                source_column=args.text_column or "source",
                target_column=args.target_column or "target",
            )
        else:
            pairs = read_parallel_files(args.source, args.target)
    except FileNotFoundError as exc:
        raise UsageError(str(exc).rstrip(".")) from None
    except ValueError as exc:
        raise UsageError(str(exc).rstrip(".")) from None
    except OSError as exc:
        raise UsageError(f"cannot read {paths[0]}: {exc.strerror or exc}") from None
    return (*pairs, name)


def _subsample(X, y, max_samples, random_state):
    """A random ``max_samples`` of the training pairs, in file order."""
    if max_samples is None or max_samples >= len(X):
        return X, y
    import numpy as np

    rows = np.sort(np.random.RandomState(random_state).permutation(len(X))[:max_samples])
    return [X[i] for i in rows], [y[i] for i in rows]


def _printer(err, start):
    def progress(done, total, name, row):
        width = len(str(total))
        if row is None:
            text = f"[{done + 1:>{width}}/{total}] {name}: training ..."
            if name == "copy":
                text = f"[{done + 1:>{width}}/{total}] copy: scoring the sources as translations"
        else:
            fit = "" if row["n_epochs"] is None else f"fit {row['fit_time']:.0f}s, "
            text = (
                f"[{done:>{width}}/{total}] {name}: BLEU {row['bleu']:.2f}, chrF "
                f"{row['chrf']:.2f} ({fit}{time.perf_counter() - start:.0f}s elapsed)"
            )
        print(text, file=err, flush=True)

    return progress


def translation_command(args, out, err):
    """``--task translation``: read the pairs, hold some out, fit, print the table."""
    from ..compare._translation import (
        DEFAULT_TEST_SIZE,
        compare_translators,
        held_out_split,
        translation_table,
    )

    _refuse_other_options(args)
    try:
        import sacrebleu  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"--task translation needs the translate extra ({exc.name} is missing): "
            'pip install "sknn_text[translate]"'
        ) from None
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix.lower() not in (".md", ".json"):
            raise UsageError(f"--task translation writes .md or .json; got '{output}'")
        _check_writable(output, "--output")
    models = _model_names(args.models)
    sources, targets, splits, dropped, name = _read_pairs(args)
    if splits is not None and args.test_size is not None:
        raise UsageError("--test-size applies to a file without a 'split' column")
    test_size = DEFAULT_TEST_SIZE if args.test_size is None else args.test_size
    try:
        X, y, X_test, y_test, how = held_out_split(
            sources, targets, splits, test_size=test_size, random_state=args.random_state
        )
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}".rstrip(".")) from None
    X, y = _subsample(X, y, args.max_samples, args.random_state)
    baseline = not args.no_baseline
    _quiet_keras()
    start = time.perf_counter()
    if not args.quiet:
        skipped = f"; {dropped:,} pairs with an empty side left out" if dropped else ""
        print(
            f"{PROG}: translation on {name}: {len(X):,} training pairs, {len(X_test):,} "
            f"held out ({how}){skipped}",
            file=err,
            flush=True,
        )
    failure = None
    with _watched_fits(err) as (caught, visible):
        try:
            result = compare_translators(
                X, y, X_test, y_test, models=models, epochs=args.epochs,
                max_epochs=args.max_epochs, baseline=baseline, random_state=args.random_state,
                progress=None if args.quiet else _printer(visible, start),
            )
        except ValueError as exc:
            raise UsageError(str(exc).rstrip(".")) from None
        except Exception as exc:  # a failed fit: one line, status 1
            failure = f"{PROG}: error: {type(exc).__name__}: {exc}"
    if failure is not None:
        print(failure, file=err)
        return 1
    _summarize(caught, err)
    table = translation_table(result, how)
    print(table, file=out)
    if output is not None:
        result["held_out"] = how
        text = table if output.suffix.lower() == ".md" else json.dumps(result, indent=2)
        output.write_text(text + "\n", "utf-8")
        if not args.quiet:
            print(f"{PROG}: wrote {output}", file=err)
    return 0
