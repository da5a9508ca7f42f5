"""Display objects for training curves and model comparisons (needs matplotlib).

They follow scikit-learn's visualization API: build with ``from_estimator`` /
``from_result`` (or the constructor), draw with ``plot(ax=...)``, and find the
drawing in ``ax_`` and ``figure_`` afterwards.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["ComparisonDisplay", "TrainingCurveDisplay"]


def _axes(ax):
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib: pip install matplotlib (from a checkout "
            "of sknn_text: pip install -e '.[plot]')."
        ) from error
    if ax is None:
        _, ax = plt.subplots()
    return ax


class TrainingCurveDisplay:
    """Training and validation curves of one metric, epoch by epoch.

    Parameters
    ----------
    history : dict of str to list of float
        Per-epoch values, as in a fitted estimator's ``history_``.
    metric : str, default="loss"
        The metric to draw; its ``val_`` counterpart is drawn when present.
    estimator_name : str, default=None
        Title of the plot.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The drawn curves, keyed by history name.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sknn_text.plotting import TrainingCurveDisplay
    >>> display = TrainingCurveDisplay({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    >>> display.plot().ax_.get_ylabel()
    'loss'
    """

    def __init__(self, history, *, metric="loss", estimator_name=None):
        self.history = history
        self.metric = metric
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, metric="loss", ax=None):
        """Plot the curves of a fitted sknn_text estimator (or a pipeline ending in one).

        Parameters
        ----------
        estimator : estimator or Pipeline
            Fitted; its (last step's) ``history_`` is drawn.
        metric : str, default="loss"
            The metric to draw.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : TrainingCurveDisplay
            The drawn display.
        """
        final = estimator[-1] if hasattr(estimator, "steps") else estimator
        check_is_fitted(final, "history_")
        display = cls(final.history_, metric=metric, estimator_name=type(final).__name__)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        self : TrainingCurveDisplay
            With ``ax_``, ``figure_`` and ``lines_`` set.
        """
        if self.metric not in self.history:
            raise ValueError(
                f"metric={self.metric!r} is not in the history; available: "
                f"{sorted(self.history)}."
            )
        ax = _axes(ax)
        from matplotlib.ticker import MaxNLocator

        self.lines_ = {}
        for name, label in ((self.metric, "train"), (f"val_{self.metric}", "validation")):
            if name in self.history:
                values = self.history[name]
                epochs = np.arange(1, len(values) + 1)
                (self.lines_[name],) = ax.plot(epochs, values, marker="o", label=label)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        ax.set_ylabel(self.metric)
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ComparisonDisplay:
    """Score per model with its spread over folds, the baseline marked.

    Parameters
    ----------
    fold_scores : dict of str to array-like
        Scores of each model on every cross-validation fold.
    baseline : str or None, default=None
        Name of the baseline model, drawn in a distinct color with a
        reference line at its mean.
    metric : str, default="score"
        Axis label.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the chart.
    figure_ : matplotlib Figure
        Figure containing the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sknn_text.plotting import ComparisonDisplay
    >>> scores = {"lr": [0.77, 0.78], "mlp": [0.76, 0.78]}
    >>> display = ComparisonDisplay(scores, baseline="lr", metric="accuracy").plot()
    >>> [label.get_text() for label in display.ax_.get_yticklabels()]
    ['lr', 'mlp']
    """

    def __init__(self, fold_scores, *, baseline=None, metric="score"):
        self.fold_scores = fold_scores
        self.baseline = baseline
        self.metric = metric

    @classmethod
    def from_result(cls, result, *, metric=None, ax=None):
        """Plot the fold scores of a :func:`sknn_text.compare.compare_models` result.

        Parameters
        ----------
        result : ComparisonResult
            The comparison to draw.
        metric : str, default=None
            Which metric; the result's primary metric when None.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : ComparisonDisplay
            The drawn display.
        """
        metric = result.primary_metric if metric is None else metric
        scores = {name: folds[metric] for name, folds in result.fold_scores.items()}
        return cls(scores, baseline=result.baseline, metric=metric).plot(ax=ax)

    def plot(self, ax=None):
        """Draw one row per model: fold scores as dots, the mean as a bar.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        self : ComparisonDisplay
            With ``ax_`` and ``figure_`` set.
        """
        ax = _axes(ax)
        names = list(self.fold_scores)
        positions = np.arange(len(names))
        means = [float(np.mean(self.fold_scores[name])) for name in names]
        colors = ["tab:gray" if name == self.baseline else "tab:blue" for name in names]
        ax.barh(positions, means, color=colors, alpha=0.6)
        for position, name in zip(positions, names, strict=False):
            scores = np.asarray(self.fold_scores[name], dtype=float)
            ax.plot(scores, np.full(scores.shape, position), "k.", alpha=0.8)
        if self.baseline in self.fold_scores:
            ax.axvline(
                float(np.mean(self.fold_scores[self.baseline])),
                color="tab:gray",
                linestyle="--",
                label=f"baseline ({self.baseline})",
            )
            ax.legend(loc="lower right")
        ax.set_yticks(positions, names)
        ax.invert_yaxis()
        low = min(float(np.min(s)) for s in self.fold_scores.values())
        high = max(float(np.max(s)) for s in self.fold_scores.values())
        margin = max(0.02, 0.1 * (high - low))
        ax.set_xlim(low - margin, high + margin)
        ax.set_xlabel(self.metric)
        self.ax_, self.figure_ = ax, ax.figure
        return self
