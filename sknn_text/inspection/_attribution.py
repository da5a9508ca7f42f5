"""The explanation of one document: a score per word, aligned with the text."""

from __future__ import annotations

import html

import numpy as np
from scipy.special import expit

#: Colors of the HTML highlighting: red for support of the target, blue against.
_POSITIVE = (214, 39, 40)
_NEGATIVE = (31, 119, 180)


class TokenAttribution:
    """How much each word of one document contributed to one model output.

    :func:`explain_tokens` returns one per document; it can also be built from
    any other method's word scores (LIME, SHAP...) to compare them with
    :func:`comprehensiveness` and :func:`sufficiency`.

    Parameters
    ----------
    text : str
        The document, as given.
    spans : array-like of shape (n_words, 2)
        Character offsets ``[start, end)`` of the words in ``text``, in
        document order and not overlapping.
    scores : array-like of shape (n_words,)
        Contribution of each word: positive scores push the explained output
        up (towards the target class), negative ones down.
    target : object, default=None
        What was explained: a class label, a label index (multilabel), or an
        output index (regression).
    output : float, default=None
        The explained output for the document: the log-odds of the target
        class, or the predicted value of a regressor.
    baseline_output : float, default=None
        The same output for the baseline input that the attributions are
        measured against (no words, for ``baseline="zero"``).
    output_name : {"log-odds", "predicted value"} or str, default=None
        What ``output`` is, for the summary that ``repr``, ``to_html`` and the
        display's title show: :func:`explain_tokens` gives ``"log-odds"`` for
        a classifier (shown with its probability) and ``"predicted value"``
        for a regressor. None shows ``output=``.
    method : str, default=None
        How the scores were computed.
    feature_names : array-like of str, default=None
        The model's inputs behind the words: the document's n-grams for a
        vectorizer, one token per position for a tokenizer.
    feature_scores : array-like of float, default=None
        The score of each of ``feature_names``; spread evenly over the words
        (and the occurrences) each covers, they give ``scores``.

    Attributes
    ----------
    words : list of str
        ``text[start:end]`` for every span.
    completeness_gap : float or None
        ``output - baseline_output - sum(feature_scores)``: how far the
        attributions are from adding up to the change of the output (zero for
        exact integrated gradients; it shrinks as ``n_steps`` grows).

    Examples
    --------
    >>> from sknn_text.inspection import TokenAttribution
    >>> attribution = TokenAttribution(
    ...     "a truly great film", [(0, 1), (2, 7), (8, 13), (14, 18)],
    ...     [0.0, 0.5, 2.0, -0.1], target="pos",
    ... )
    >>> attribution.top(2)
    [('great', 2.0), ('truly', 0.5)]
    """

    def __init__(
        self,
        text,
        spans,
        scores,
        *,
        target=None,
        output=None,
        baseline_output=None,
        output_name=None,
        method=None,
        feature_names=None,
        feature_scores=None,
    ):
        self.text = str(text)
        self.spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        self.scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        if self.scores.shape[0] != self.spans.shape[0]:
            raise ValueError(
                f"spans and scores must have one row per word; got {len(self.spans)} "
                f"spans and {len(self.scores)} scores."
            )
        starts, ends = self.spans[:, 0], self.spans[:, 1]
        if np.any(starts < 0) or np.any(ends > len(self.text)) or np.any(ends < starts):
            raise ValueError(f"spans must lie within the text (0 to {len(self.text)}).")
        if np.any(starts[1:] < ends[:-1]):
            raise ValueError("spans must be in document order and must not overlap.")
        self.target = target
        self.output = None if output is None else float(output)
        self.baseline_output = None if baseline_output is None else float(baseline_output)
        self.output_name = output_name
        self.method = method
        self.feature_names = None if feature_names is None else np.asarray(feature_names)
        self.feature_scores = (
            None if feature_scores is None else np.asarray(feature_scores, dtype=np.float64)
        )

    @property
    def words(self):
        return [self.text[start:end] for start, end in self.spans]

    @property
    def completeness_gap(self):
        if self.output is None or self.baseline_output is None:
            return None
        total = self.scores if self.feature_scores is None else self.feature_scores
        return self.output - self.baseline_output - float(total.sum())

    def top(self, k=5):
        """The ``k`` words with the highest scores, as ``(word, score)`` pairs.

        Parameters
        ----------
        k : int, default=5

        Returns
        -------
        top : list of tuple
            Highest score first; equal scores in document order.
        """
        order = ranking(self.scores)[:k]
        return [(self.text[slice(*self.spans[i])], float(self.scores[i])) for i in order]

    def to_html(self, *, max_abs=None):
        """The document with each word's background colored by its score.

        Red supports the target, blue opposes it; the stronger the color, the
        larger the score's magnitude relative to ``max_abs``. Hovering over a
        word shows its score.

        Parameters
        ----------
        max_abs : float, default=None
            Magnitude of the full color; the largest ``|score|`` when None.

        Returns
        -------
        snippet : str
            An HTML ``<div>``, for a notebook or a web page.
        """
        scale = _scale(self.scores, max_abs)
        parts, position = [], 0
        for (start, end), score in zip(self.spans, self.scores, strict=True):
            parts.append(html.escape(self.text[position:start]))
            red, green, blue = _POSITIVE if score >= 0 else _NEGATIVE
            alpha = min(abs(score) / scale, 1.0)
            parts.append(
                f'<span style="background-color: rgba({red}, {green}, {blue}, '
                f'{alpha:.3f}); border-radius: 3px" title="{score:+.4g}">'
                f"{html.escape(self.text[start:end])}</span>"
            )
            position = end
        parts.append(html.escape(self.text[position:]))
        header = html.escape(self._summary())
        return (
            '<div class="sknn-text-attribution" style="line-height: 1.8">'
            f'<div style="font-size: smaller; color: #555">{header}</div>'
            f"{''.join(parts)}</div>"
        )

    def _repr_html_(self):
        return self.to_html()

    def _summary(self):
        """``target=..., <what the output is>=..., baseline ...=..., method=...``:
        a classifier's log-odds of the target class come with their probability."""
        parts = [f"target={self.target!r}"]
        name = self.output_name
        if self.output is not None:
            if name == "log-odds":
                probability = expit(self.output)
                parts.append(
                    f"log-odds of {self.target!r}={self.output:.4g} (p={probability:.3g})"
                )
            else:
                parts.append(f"{name or 'output'}={self.output:.4g}")
        if self.baseline_output is not None:
            parts.append(f"baseline{' ' + name if name else ''}={self.baseline_output:.4g}")
        if self.method:
            parts.append(f"method={self.method}")
        return ", ".join(parts)

    def __repr__(self):
        text = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        top = ", ".join(f"{word!r}: {score:+.3g}" for word, score in self.top(3))
        return f"TokenAttribution({text!r}, {self._summary()}, top={{{top}}})"


def ranking(scores):
    """Word indices from the highest score to the lowest; ties in document order."""
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")


def _scale(scores, max_abs):
    if max_abs is not None:
        if not max_abs > 0:
            raise ValueError(f"max_abs must be positive, got {max_abs!r}.")
        return float(max_abs)
    largest = float(np.max(np.abs(scores), initial=0.0))
    return largest if largest > 0 else 1.0
