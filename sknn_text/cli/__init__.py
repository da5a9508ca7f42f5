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
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from .._version import __version__
from ._compare import (
    DEFAULT_DATASET,
    PROG,
    UsageError,
    compare_command,
)

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises :class:`UsageError` instead of exiting."""

    def error(self, message):
        raise UsageError(f"{message} (see '{self.prog} --help')")


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


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value:g}")
    return value


def _build_parser():
    from .._registry import families
    from ..compare._models import default_model_names, model_descriptions

    translators = [family.name for family in families() if "translator" in family.estimators]

    parser = _Parser(
        prog=PROG,
        description="Compare neural and linear text models, the scikit-learn way.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    defaults = ",".join(default_model_names())
    model_help = "\n".join(
        f"  {name:<11} {text}" for name, text in model_descriptions().items()
    )
    compare = commands.add_parser(
        "compare",
        help="cross-validate models on a dataset and print a comparison table",
        description=(
            "Cross-validate several models on the same folds and print their "
            "scores (mean ± std over folds), fit and prediction times, number of "
            "parameters, and a corrected resampled t-test against the TF-IDF + "
            "logistic regression baseline. Without options: the bundled movie "
            f"review sentences, models {defaults}, 5 folds. --task translation "
            "fits the translators once on parallel text and scores BLEU and chrF on "
            "held-out pairs, against copying the source."
        ),
        epilog=(
            f"models:\n{model_help}\n\n--task translation: {', '.join(translators)} (their "
            "translators, at their defaults) and copy, the baseline that returns each "
            "source unchanged"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = compare.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        metavar="NAME",
        help=f"bundled dataset (default: {DEFAULT_DATASET}; see 'sknn-text datasets')",
    )
    source.add_argument(
        "--csv", metavar="PATH", help="your own CSV/TSV file (may be .gz)"
    )
    source.add_argument(
        "--conll",
        metavar="PATH",
        help="--task tagging: a CoNLL column file of training sentences (may be .gz)",
    )
    compare.add_argument(
        "--test",
        metavar="PATH",
        help="--task tagging: a CoNLL test file (default: --cv folds of the sentences)",
    )
    compare.add_argument(
        "--feature-columns",
        default="auto",
        metavar="LIST",
        help=(
            "--task tagging: columns read as token features, e.g. 1 for POS "
            "(default: auto, every column between the word and the tag)"
        ),
    )
    compare.add_argument(
        "--source",
        metavar="FILE",
        help="--task translation: source sentences, one per line (may be .gz)",
    )
    compare.add_argument(
        "--target",
        metavar="FILE",
        help="--task translation: their translations, line-aligned with --source",
    )
    compare.add_argument(
        "--text-column",
        metavar="C",
        help="column with the documents (default: text; --task translation: source)",
    )
    compare.add_argument(
        "--target-column",
        metavar="C",
        help="column with the targets (default: label; --task translation: target)",
    )
    compare.add_argument(
        "--task",
        choices=["classification", "regression", "tagging", "translation"],
        help=(
            "inferred from the targets when omitted (tagging: with --conll; "
            "translation: with --source/--target, or --csv with --task translation)"
        ),
    )
    compare.add_argument(
        "--test-size",
        type=_fraction,
        metavar="F",
        help=(
            "--task translation: the fraction of the pairs held out when the file "
            "has no 'split' column (default: 0.1)"
        ),
    )
    compare.add_argument(
        "--models",
        metavar="LIST",
        help=(
            f"comma-separated model names, in any case (default: {defaults}; "
            "--task tagging: every tagger; --task translation: every translator)"
        ),
    )
    compare.add_argument(
        "--preset",
        metavar="NAME_OR_PATH",
        help=(
            "keras-hub preset of the pretrained encoder (--models pretrained): a "
            "preset name, downloaded by keras-hub, or a folder made with "
            "save_to_preset"
        ),
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
        help=(
            "train every neural model exactly N epochs, without the adaptive "
            "stopping rule (default: each model's own, epochs=\"auto\")"
        ),
    )
    compare.add_argument(
        "--max-epochs",
        type=_positive_int(1),
        metavar="N",
        help=(
            "cap the adaptive budget (epochs=\"auto\") of every neural model at N "
            "epochs and keep its stopping rule (default: each model's own cap); "
            "not with --epochs"
        ),
    )
    compare.add_argument(
        "--max-samples",
        type=_positive_int(2),
        metavar="N",
        help=(
            "use a random (stratified) subset of N documents (--task translation: "
            "of the training pairs; the held-out ones are kept whole)"
        ),
    )
    compare.add_argument(
        "--no-baseline",
        action="store_true",
        help=(
            "skip the t-test against the lr baseline (and lr, unless listed; --task "
            "translation: the copy-the-source baseline)"
        ),
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
    from ..datasets import list_datasets

    datasets = list_datasets()
    width = max(map(len, datasets))
    for name, summary in datasets.items():
        print(f"{name:<{width}}  {summary}", file=out)
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
        return compare_command(args, out, err)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=err)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        # One line; the fit that was running is not scored.
        print(f"{PROG}: interrupted", file=err)
        return 130


