"""What ``sknn-text compare`` says while it runs: one line per fitted (model,
fold), with the time the unfinished fits should take."""

import time


def estimate_time_left(seconds, n_folds):
    """The seconds that the unfinished (model, fold) fits should take.

    A model costs about the same on every fold, and models differ by far more
    than folds do (lr takes a second where an LSTM takes a minute), so each
    model's remaining folds are counted at the mean of its own finished ones.

    Parameters
    ----------
    seconds : dict of str to list of float
        Every model of the run, with the measured seconds of each of its
        finished folds (an empty list for a model not yet fitted once).
    n_folds : int
        Folds per model.

    Returns
    -------
    seconds_left : float or None
        None before the first fit ends.
    untimed : list of str
        The models not yet fitted once: nothing is known of their cost, so
        their folds are left out of ``seconds_left``, which is then a lower
        bound.
    """
    if not any(seconds.values()):
        return None, list(seconds)
    left = sum(
        (n_folds - len(times)) * sum(times) / len(times)
        for times in seconds.values()
        if times
    )
    return left, [name for name, times in seconds.items() if not times]


class FoldProgress:
    """One line per fitted (model, fold) on stderr, or a counter on a terminal,
    with the time left (:func:`estimate_time_left`): "about" once every model
    has been timed, "over" (a lower bound) before."""

    def __init__(self, stream, primary_metric, names, n_folds, clock=time.perf_counter):
        self.stream = stream
        self.metric = primary_metric
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.clock = clock
        self.start = self.last = clock()
        self.seconds = {name: [] for name in names}
        self.n_folds = n_folds
        self.pending_line = False

    def __call__(self, done, total, name, fold, scores):
        now = self.clock()
        self.seconds[name].append(now - self.last)
        self.last = now
        left, untimed = estimate_time_left(self.seconds, self.n_folds)
        remaining = ""
        if done != total and left is not None:
            remaining = f", {'over' if untimed else 'about'} {_duration(left)} left"
        width = len(str(total))
        text = (
            f"[{done:>{width}}/{total}] fold {fold} {name:<6} "
            f"{self.metric}={scores[self.metric]:.4f}  "
            f"({now - self.start:.0f}s elapsed{remaining})"
        )
        if self.interactive:
            end = "\n" if done == total else ""
            print(f"\r\033[K{text}", end=end, file=self.stream, flush=True)
            self.pending_line = done != total
        else:
            print(text, file=self.stream, flush=True)

    def end_line(self):
        """End the counter's line, if a fit was interrupted in the middle of it."""
        if self.pending_line:
            print(file=self.stream)
            self.pending_line = False


def _duration(seconds):
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
