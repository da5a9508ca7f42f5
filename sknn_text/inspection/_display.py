"""``TokenAttributionDisplay``: a document drawn with its words highlighted."""

from __future__ import annotations

import numpy as np

from ..plotting import _axes
from ._attribution import _scale


class TokenAttributionDisplay:
    """A document with each word's background colored by its attribution.

    Red words push the explained output up (towards the target class), blue
    words push it down; the color saturates at ``max_abs``. Build it with
    :meth:`from_estimator` or :meth:`from_attribution`, draw with
    :meth:`plot`.

    Parameters
    ----------
    attribution : TokenAttribution
        What to draw.

    Attributes
    ----------
    word_artists_ : list of matplotlib Text
        One per word of the attribution, in document order.
    colorbar_ : matplotlib Colorbar or None
        The scale of the colors.
    ax_ : matplotlib Axes
        Axes with the text.
    figure_ : matplotlib Figure
        Figure containing the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sknn_text.inspection import TokenAttribution, TokenAttributionDisplay
    >>> attribution = TokenAttribution(
    ...     "a great film", [(0, 1), (2, 7), (8, 12)], [0.0, 1.5, -0.2], target="pos"
    ... )
    >>> display = TokenAttributionDisplay.from_attribution(attribution)
    >>> [artist.get_text() for artist in display.word_artists_]
    ['a', 'great', 'film']
    """

    def __init__(self, attribution):
        self.attribution = attribution

    @classmethod
    def from_estimator(
        cls,
        estimator,
        document,
        *,
        target=None,
        method="auto",
        n_steps=32,
        baseline="zero",
        ax=None,
        **kwargs,
    ):
        """Explain one document with :func:`explain_tokens` and draw it.

        Parameters
        ----------
        estimator : Pipeline
            Fitted text pipeline (see :func:`explain_tokens`).
        document : str
            The document.
        target, method, n_steps, baseline
            As in :func:`explain_tokens`.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : TokenAttributionDisplay
            The drawn display.
        """
        from ._explain import explain_tokens

        if not isinstance(document, str):
            raise TypeError(
                f"document must be one string, got {type(document).__name__}; "
                "explain several with explain_tokens."
            )
        (attribution,) = explain_tokens(
            estimator, [document], target=target, method=method, n_steps=n_steps,
            baseline=baseline,
        )
        return cls(attribution).plot(ax=ax, **kwargs)

    @classmethod
    def from_attribution(cls, attribution, *, ax=None, **kwargs):
        """Draw an attribution made earlier (by :func:`explain_tokens` or by hand).

        Parameters
        ----------
        attribution : TokenAttribution
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : TokenAttributionDisplay
            The drawn display.
        """
        return cls(attribution).plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, max_abs=None, cmap="RdBu_r", fontsize=12, colorbar=True):
        """Draw the document, wrapping lines at the width of the axes.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure (whose height fits the text) when None.
        max_abs : float, default=None
            Score of the fullest color; the largest ``|score|`` when None.
        cmap : str or Colormap, default="RdBu_r"
            A diverging colormap, centered on 0.
        fontsize : float, default=12
        colorbar : bool, default=True
            Draw the color scale below the text.

        Returns
        -------
        self : TokenAttributionDisplay
            With ``ax_``, ``figure_``, ``word_artists_`` and ``colorbar_`` set.
        """
        import matplotlib as mpl

        own_figure = ax is None
        ax = _axes(ax)
        if own_figure:
            ax.figure.set_size_inches(8, 1.5)
        figure = ax.figure
        cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        scale = _scale(self.attribution.scores, max_abs)
        norm = mpl.colors.Normalize(-scale, scale)
        ax.set_axis_off()
        renderer = figure.canvas.get_renderer()
        width = ax.get_window_extent(renderer).width * 72.0 / figure.dpi  # in points
        line_height = 1.9 * fontsize
        space = 0.35 * fontsize  # width of a space, in points
        self.word_artists_ = []
        x, y = 0.0, line_height / 2

        def place(text, **style):
            nonlocal x, y
            artist = ax.annotate(
                text, xy=(0, 1), xycoords="axes fraction", xytext=(x, -y),
                textcoords="offset points", va="center", fontsize=fontsize, **style,
            )
            size = artist.get_window_extent(renderer).width * 72.0 / figure.dpi
            if x > 0 and x + size > width:
                x, y = 0.0, y + line_height
                artist.set_position((x, -y))
            x += size
            return artist

        for kind, text, score in self._segments():
            if kind == "newline":
                x, y = 0.0, y + line_height
            elif kind == "gap":
                core = text.strip()
                if x > 0:
                    x += space * (len(text) - len(text.lstrip()))
                if core:
                    place(core)
                    x += space * (len(text) - len(text.rstrip()))
            else:
                color = cmap(norm(score))
                light = np.dot(color[:3], (0.299, 0.587, 0.114)) > 0.5
                self.word_artists_.append(place(
                    text,
                    color="black" if light else "white",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": color,
                          "edgecolor": "none"},
                ))
        ax.set_title(self.attribution._summary(), fontsize=fontsize - 2, loc="left")
        self.colorbar_ = None
        if colorbar:
            mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
            self.colorbar_ = figure.colorbar(
                mappable, ax=ax, orientation="horizontal", fraction=0.08, pad=0.02,
                aspect=40, label="attribution",
            )
        if own_figure:
            lines = y / line_height + 0.5
            figure.set_size_inches(8, 1.2 + lines * line_height / 72.0)
        self.ax_, self.figure_ = ax, figure
        return self

    def _segments(self):
        """("word", text, score), ("gap", text, None) and ("newline", ...) in order."""
        attribution = self.attribution
        text, position = attribution.text, 0
        pieces = []
        for (start, end), score in zip(attribution.spans, attribution.scores, strict=True):
            pieces.append(("gap", text[position:start], None))
            pieces.append(("word", text[start:end], float(score)))
            position = end
        pieces.append(("gap", text[position:], None))
        segments = []
        for kind, piece, score in pieces:
            if kind == "word":
                segments.append((kind, piece, score))
                continue
            for number, line in enumerate(piece.split("\n")):
                if number:
                    segments.append(("newline", "", None))
                if line:
                    segments.append(("gap", line, None))
        return segments
