"""The outcome of a comparison: the table, fold scores, and its output formats."""

import csv
import io
import json
import math
from dataclasses import dataclass, field

__all__ = ["ComparisonResult"]


@dataclass
class ComparisonResult:
    """Outcome of :func:`compare_models`.

    Attributes
    ----------
    task : str
        "classification" or "regression".
    metrics : list of str
        Metric names; the first is the primary metric used by the t-test.
    table : list of dict
        One row per model, the baseline first. Keys: ``model``,
        ``<metric>_mean`` and ``<metric>_std`` for each metric, ``fit_time``
        (mean seconds per fold), ``predict_time_per_1k`` (mean seconds to
        predict and score 1,000 documents), ``n_parameters`` (mean over the
        folds, since vocabularies differ), and
        ``delta`` (difference of the primary metric's mean from the
        baseline's) and ``p_value`` (corrected resampled t-test), both None for
        the baseline and without a baseline.
    fold_scores : dict
        ``fold_scores[model][metric]`` is the list of the ``k`` fold scores.
    fit_times : dict
        ``fit_times[model]`` is the list of fit times in seconds.
    baseline : str or None
        Name of the reference model.
    n_splits : int
        Number of folds.
    n_samples : int
        Number of documents.
    test_indices : list of list of int
        The test rows of every fold, shared by all models.
    """

    task: str
    metrics: list
    table: list
    fold_scores: dict
    fit_times: dict
    baseline: str | None
    n_splits: int
    n_samples: int
    test_indices: list = field(default_factory=list, repr=False)

    @property
    def primary_metric(self):
        """The metric the t-test compares (the first one)."""
        return self.metrics[0]

    def _columns(self):
        """(header, key, formatter) of each displayed column."""

        def mean_std(metric):
            return lambda row: (
                f"{row[metric + '_mean']:.4f} ± {row[metric + '_std']:.4f}"
            )

        columns = [("model", "model", lambda row: str(row["model"]))]
        for metric in self.metrics:
            columns.append((metric, metric, mean_std(metric)))
        columns += [
            ("fit (s)", "fit_time", lambda row: f"{row['fit_time']:.1f}"),
            (
                "predict (s/1k docs)",
                "predict_time_per_1k",
                lambda row: f"{row['predict_time_per_1k']:.3f}",
            ),
            (
                "parameters",
                "n_parameters",
                lambda row: (
                    "-" if row["n_parameters"] is None else f"{row['n_parameters']:,}"
                ),
            ),
        ]
        if self.baseline is not None:
            columns += [
                (
                    f"Δ {self.primary_metric}",
                    "delta",
                    lambda row: "-" if row["delta"] is None else f"{row['delta']:+.4f}",
                ),
                (
                    "p-value",
                    "p_value",
                    lambda row: (
                        "-" if row["p_value"] is None else f"{row['p_value']:.3f}"
                    ),
                ),
            ]
        return columns

    def to_markdown(self):
        """The table as GitHub-flavoured Markdown, with a one-line legend.

        Returns
        -------
        markdown : str
        """
        columns = self._columns()
        cells = [[fmt(row) for _, _, fmt in columns] for row in self.table]
        header = [name for name, _, _ in columns]
        widths = [
            max(len(header[i]), *(len(line[i]) for line in cells))
            for i in range(len(header))
        ]

        def line(values):
            padded = [
                value.ljust(width) if i == 0 else value.rjust(width)
                for i, (value, width) in enumerate(zip(values, widths, strict=True))
            ]
            return "| " + " | ".join(padded) + " |"

        rule = (
            "|"
            + "|".join(
                "-" * (width + 1) + (":" if i else "-")
                for i, width in enumerate(widths)
            )
            + "|"
        )
        lines = [line(header), rule, *(line(values) for values in cells)]
        kind = "stratified " if self.task == "classification" else ""
        legend = (
            f"{self.n_splits}-fold {kind}cross-validation on {self.n_samples:,} "
            "documents; scores are mean ± std over the folds."
        )
        if self.baseline is not None:
            legend += (
                f" Δ and p-value: {self.primary_metric} against '{self.baseline}', "
                "Nadeau & Bengio corrected resampled t-test (two-sided)."
            )
        return "\n".join(lines) + "\n\n" + legend + "\n"

    def _serializable(self):
        def clean(value):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            return value

        return {
            "task": self.task,
            "metrics": list(self.metrics),
            "baseline": self.baseline,
            "n_splits": self.n_splits,
            "n_samples": self.n_samples,
            "table": [{k: clean(v) for k, v in row.items()} for row in self.table],
            "fold_scores": self.fold_scores,
            "fit_times": self.fit_times,
        }

    def to_json(self, **kwargs):
        """The result as a JSON string (table, fold scores and settings).

        Parameters
        ----------
        **kwargs
            Passed to :func:`json.dumps`; ``indent`` defaults to 2.

        Returns
        -------
        json : str
        """
        kwargs.setdefault("indent", 2)
        return json.dumps(self._serializable(), **kwargs)

    def to_csv(self):
        """The table as CSV text, one row per model, raw (unrounded) values.

        Returns
        -------
        csv : str
        """
        buffer = io.StringIO()
        keys = list(self.table[0]) if self.table else ["model"]
        writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.table)
        return buffer.getvalue()

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` indexed by model name.

        Returns
        -------
        frame : pandas.DataFrame

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "ComparisonResult.to_frame requires pandas; install it with "
                "'pip install pandas', or use .table, .to_markdown() or .to_json()."
            ) from None
        return pd.DataFrame(self.table).set_index("model")

    def __str__(self):
        return self.to_markdown()
