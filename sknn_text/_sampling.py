"""Drawing the next token from a predicted distribution: temperature, top-k, top-p.

Everything here is NumPy on one probability vector. The random generator is
the caller's own (:func:`generator`): the global NumPy state is never drawn from.
"""

from numbers import Integral, Real

import numpy as np


def generator(random_state):
    """A random source of its own for ``random_state``.

    None gives a fresh, unseeded ``numpy.random.Generator`` (not NumPy's global
    state), an int a seeded one; a ``RandomState`` or ``Generator`` is used as
    given (it belongs to the caller).
    """
    if random_state is None or isinstance(random_state, Integral):
        if isinstance(random_state, bool):
            raise TypeError("random_state must be None, an int or a random generator.")
        return np.random.default_rng(random_state)
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    raise TypeError(
        "random_state must be None, an int, a numpy.random.RandomState or a "
        f"numpy.random.Generator; got {type(random_state).__name__}."
    )


def check_sampling(temperature, top_k, top_p):
    """Validate the sampling settings; raise ``TypeError``/``ValueError``."""
    if isinstance(temperature, bool) or not isinstance(temperature, Real):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}.")
    if not temperature > 0 or not np.isfinite(temperature):
        raise ValueError(
            f"temperature must be a finite number > 0, got {temperature!r}; use "
            "top_k=1 for greedy decoding."
        )
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, Integral) or top_k < 1
    ):
        raise ValueError(f"top_k must be None or an int >= 1, got {top_k!r}.")
    if top_p is not None and (
        isinstance(top_p, bool) or not isinstance(top_p, Real) or not 0 < top_p <= 1
    ):
        raise ValueError(f"top_p must be None or a number in (0, 1], got {top_p!r}.")


def filtered_distribution(probabilities, *, temperature=1.0, top_k=None, top_p=None):
    """The distribution to sample from, renormalized (float64).

    ``temperature`` divides the log-probabilities (below 1 sharpens, above 1
    flattens); ``top_k`` keeps the ``k`` most likely tokens; ``top_p`` keeps the
    smallest set of most likely tokens whose probability reaches ``top_p``
    (nucleus sampling, Holtzman et al. 2020). Ties are broken by the lower id.
    Tokens of probability 0 stay at 0.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    possible = p > 0
    logits = np.where(possible, np.log(np.where(possible, p, 1.0)), -np.inf) / temperature
    p = np.exp(logits - logits.max())
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    keep = np.zeros(p.shape, dtype=bool)
    n_keep = int(possible.sum())
    if top_k is not None:
        n_keep = min(n_keep, int(top_k))
    if top_p is not None:
        cumulative = np.cumsum(p[order])
        # Smallest prefix whose mass reaches top_p (a small slack for rounding).
        n_keep = min(n_keep, int(np.searchsorted(cumulative, top_p - 1e-12)) + 1)
    keep[order[: max(n_keep, 1)]] = True
    p = np.where(keep, p, 0.0)
    return p / p.sum()


def draw(distribution, rng):
    """One id drawn from ``distribution`` with ``rng`` (inverse CDF)."""
    u = rng.random() if isinstance(rng, np.random.Generator) else rng.random_sample()
    cumulative = np.cumsum(distribution)
    index = int(np.searchsorted(cumulative, u * cumulative[-1], side="right"))
    index = min(index, len(distribution) - 1)
    while distribution[index] == 0:  # u landed on the edge of a zero entry
        index -= 1
    return index


def sample_continuation(
    next_probabilities,
    context,
    *,
    max_new_tokens,
    temperature,
    top_k,
    top_p,
    random_state,
    stop,
    never=(),
):
    """Ids drawn one at a time after the ids ``context``, until ``stop`` is drawn
    (not returned) or ``max_new_tokens`` ids are.

    ``next_probabilities(ids)`` is the distribution of the token after ``ids``;
    the ids in ``never`` get probability 0. The settings are validated first.
    """
    if (
        isinstance(max_new_tokens, bool)
        or not isinstance(max_new_tokens, Integral)
        or max_new_tokens < 0
    ):
        raise ValueError(f"max_new_tokens must be an int >= 0, got {max_new_tokens!r}.")
    check_sampling(temperature, top_k, top_p)
    rng = generator(random_state)
    context, new = list(context), []
    for _ in range(max_new_tokens):
        probabilities = np.array(next_probabilities(context), dtype=np.float64)
        probabilities[list(never)] = 0.0
        distribution = filtered_distribution(
            probabilities, temperature=temperature, top_k=top_k, top_p=top_p
        )
        token = draw(distribution, rng)
        if token == stop:
            break
        new.append(token)
        context.append(token)
    return new
