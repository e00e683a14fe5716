"""Independent random streams for the simulator's optional mechanisms.

Each mechanism switched on by a keyword of ``make_microloan_portfolio`` (products,
distress, ...) draws from its own stream, keyed by its issue number, so that switching it
on leaves every column of the base book unchanged for the same seed.

Examples
--------
>>> import numpy as np
>>> a = side_stream(7, np.random.default_rng(7), 16).random()
>>> b = side_stream(7, np.random.default_rng(7), 16).random()
>>> a == b
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["side_stream"]


def side_stream(random_state: Any, rng: np.random.Generator, key: int) -> np.random.Generator:
    """A random stream independent of the base simulator's draws for the same seed.

    Parameters
    ----------
    random_state : int, numpy.random.SeedSequence, numpy.random.Generator or None
        What the user passed to ``make_microloan_portfolio``.
    rng : numpy.random.Generator
        The base simulator's generator (built from ``random_state``).
    key : int
        The mechanism's spawn key (its issue number); different keys give independent
        streams.

    Returns
    -------
    numpy.random.Generator
        For an int or a ``SeedSequence``: a generator seeded by ``(seed, key)``,
        reproducible and independent of ``rng``'s draws. For a Generator (or None): a child
        stream spawned from ``rng``, whose own state is left untouched.
    """
    if isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(
            np.random.SeedSequence(random_state.entropy, spawn_key=(*random_state.spawn_key, key))
        )
    if isinstance(random_state, int | np.integer):
        return np.random.default_rng(np.random.SeedSequence(int(random_state), spawn_key=(key,)))
    return rng.spawn(1)[0]
