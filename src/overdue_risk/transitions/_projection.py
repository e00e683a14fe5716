"""Multi-period projection and lifetime PD curves from transition matrices.

Distributions are row vectors: ``pi_n = pi_0 @ P_1 @ P_2 @ ... @ P_n``. For a
time-inhomogeneous chain the period matrices are multiplied in calendar ORDER (the matrix
of the first period on the left); multiplying in reverse order is a known bug of
some peer implementations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, format_values
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._matrix import TransitionMatrix, _frozen

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["LifetimePD", "chain_product", "lifetime_pd", "project"]

MatrixLike = TransitionMatrix | npt.ArrayLike


def _as_p(m: MatrixLike) -> FloatArray:
    if isinstance(m, TransitionMatrix):
        return m._check_defined()
    p = np.asarray(m, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise DataError(f"a transition matrix must be square; got shape {p.shape}.")
    return p


def _sequence(
    matrices: MatrixLike | Sequence[MatrixLike], n_periods: int | None
) -> list[FloatArray]:
    """The list of period matrices: one repeated ``n_periods`` times, or the sequence."""
    if hasattr(matrices, "matrices") and not isinstance(matrices, TransitionMatrix):
        matrices = list(getattr(matrices, "matrices"))  # noqa: B009 - PeriodMatrices
    if isinstance(matrices, TransitionMatrix) or (
        not isinstance(matrices, list | tuple) and np.ndim(matrices) == 2  # type: ignore[arg-type]
    ):
        if n_periods is None:
            raise DataError("n_periods is required with a single (homogeneous) matrix.")
        return [_as_p(matrices)] * int(n_periods)  # type: ignore[arg-type]
    seq = [_as_p(m) for m in matrices]  # type: ignore[union-attr]
    if not seq:
        raise DataError("pass at least one period matrix.")
    if n_periods is not None and int(n_periods) != len(seq):
        raise DataError(
            f"n_periods={n_periods} but {len(seq)} period matrices were given; drop "
            "n_periods or pass that many matrices."
        )
    shapes = {p.shape for p in seq}
    if len(shapes) > 1:
        raise DataError(f"period matrices differ in shape: {sorted(shapes)}.")
    return seq


def chain_product(matrices: Sequence[MatrixLike]) -> TransitionMatrix:
    """The n-period matrix of an inhomogeneous chain, ``P(0, n) = P_1 @ P_2 @ ⋯ @ P_n``.

    Examples
    --------
    >>> a = np.array([[0.9, 0.1], [0.0, 1.0]])
    >>> b = np.array([[0.5, 0.5], [0.0, 1.0]])
    >>> chain_product([a, b]).probabilities[0].tolist()
    [0.45, 0.55]
    """
    seq = _sequence(list(matrices), None)
    out = seq[0].copy()
    for p in seq[1:]:
        out = out @ p
    first = matrices[0]
    if isinstance(first, TransitionMatrix):
        states, absorbing = first.states, first.absorbing
        horizon = sum(m.horizon if isinstance(m, TransitionMatrix) else 1.0 for m in matrices)
    else:
        states = tuple(str(i) for i in range(out.shape[0]))
        absorbing = tuple(s for i, s in enumerate(states) if out[i, i] == 1.0)
        horizon = float(len(seq))
    return TransitionMatrix(
        states=states,
        probabilities=_frozen(out),
        counts=_frozen(np.zeros_like(out)),
        absorbing=absorbing,
        estimator="product",
        horizon=float(horizon),
    )


def project(
    initial: npt.ArrayLike,
    matrices: MatrixLike | Sequence[MatrixLike],
    n_periods: int | None = None,
) -> FloatArray:
    """Distribution (or balances) over states after each period.

    Parameters
    ----------
    initial : array-like of shape (k,) or (m, k)
        Starting distribution(s): shares, counts or balances per state.
    matrices : TransitionMatrix, ndarray, PeriodMatrices, or sequence of them
        One matrix (homogeneous chain, needs ``n_periods``) or one matrix per period in
        calendar order (inhomogeneous chain), e.g. ``cohort_matrix(panel, by="period")``.
    n_periods : int, default=None

    Returns
    -------
    ndarray of shape (n_periods + 1, k) or (n_periods + 1, m, k)
        Row 0 is ``initial``; row ``t`` is ``initial @ P_1 @ ... @ P_t``.

    Examples
    --------
    >>> p = [[0.9, 0.1], [0.0, 1.0]]
    >>> project([1.0, 0.0], np.array(p), n_periods=2)
    array([[1.  , 0.  ],
           [0.9 , 0.1 ],
           [0.81, 0.19]])
    """
    seq = _sequence(matrices, n_periods)
    x = np.asarray(initial, dtype=np.float64)
    k = seq[0].shape[0]
    if x.shape[-1] != k:
        raise DataError(f"initial has {x.shape[-1]} states but the matrices have {k}.")
    out = [x]
    for p in seq:
        x = x @ p
        out.append(x)
    return np.stack(out)


@dataclass(frozen=True, eq=False)
class LifetimePD(Result):
    """Cumulative, marginal and conditional PD curves per starting state.

    ``cumulative[s, t]`` = P(in a default state by the end of period ``t + 1`` | state s
    now), with the default states absorbing (first passage). ``marginal`` is its
    increment; ``conditional[s, t] = marginal[s, t] / (1 - cumulative[s, t - 1])``, the
    hazard of default in period ``t + 1`` given no default before.

    Attributes
    ----------
    states : tuple of str
        Starting states (rows).
    default_states : tuple of str
    periods : ndarray of int, shape (horizon,)
        1, 2, ..., horizon.
    cumulative, marginal, conditional : ndarray of shape (n_states, horizon)
    """

    states: tuple[str, ...]
    default_states: tuple[str, ...]
    periods: npt.NDArray[np.int64]
    cumulative: FloatArray
    marginal: FloatArray
    conditional: FloatArray

    def to_frame(self) -> pd.DataFrame:
        """Long frame: state, period, cumulative, marginal, conditional."""
        import pandas as pd

        n, h = self.cumulative.shape
        return pd.DataFrame(
            {
                "state": np.repeat(self.states, h),
                "period": np.tile(self.periods, n),
                "cumulative": self.cumulative.ravel(),
                "marginal": self.marginal.ravel(),
                "conditional": self.conditional.ravel(),
            }
        )

    def plot(self, ax: Axes | None = None, kind: str = "cumulative") -> Axes:
        """Curves per starting state (see :func:`overdue_risk.plotting.plot_pd_curves`)."""
        from overdue_risk.plotting._dynamics_plots import plot_pd_curves

        return plot_pd_curves(self, ax=ax, kind=kind)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        h = self.periods.size
        show = sorted({1, min(12, h), h})
        rows = [
            [s, *(float(self.cumulative[i, t - 1]) for t in show)]
            for i, s in enumerate(self.states)
        ]
        cols = ["state", *(f"cum PD {t}" for t in show)]
        return "Lifetime PD", cols, rows, f"default states: {', '.join(self.default_states)}"


def lifetime_pd(
    matrices: TransitionMatrix | Sequence[TransitionMatrix],
    default_states: Sequence[str] = ("CO",),
    horizon: int | None = None,
    *,
    start_states: Sequence[str] | None = None,
) -> LifetimePD:
    """Lifetime PD curves (cumulative, marginal, conditional) from a Markov chain.

    Parameters
    ----------
    matrices : TransitionMatrix or sequence of TransitionMatrix
        One matrix (homogeneous; needs ``horizon``) or one per period (inhomogeneous,
        calendar order; ``horizon`` = their number).
    default_states : sequence of str, default=("CO",)
        States that count as default; they are made absorbing (first passage), so a
        loan that cures after reaching them still counts once. Use e.g.
        ``("M4", "M5", "M6+", "CO")`` for a 90+ DPD definition.
    horizon : int, default=None
    start_states : sequence of str, default=None
        Rows of the result; all states that are neither default nor absorbing when None.

    Returns
    -------
    LifetimePD

    Examples
    --------
    >>> tm = TransitionMatrix.from_probabilities([[0.9, 0.1], [0, 1]], ["A", "D"])
    >>> lifetime_pd(tm, ["D"], horizon=3).cumulative.round(3)
    array([[0.1  , 0.19 , 0.271]])
    """
    seq = [matrices] if isinstance(matrices, TransitionMatrix) else list(matrices)
    if not seq:
        raise DataError("pass at least one transition matrix.")
    first = seq[0]
    if any(m.states != first.states for m in seq):
        raise DataError("all period matrices must share the same states.")
    if isinstance(matrices, TransitionMatrix):
        if horizon is None:
            raise DataError("horizon is required with a single matrix; e.g. horizon=36.")
        seq = seq * int(horizon)
    elif horizon is not None and int(horizon) != len(seq):
        raise DataError(f"horizon={horizon} but {len(seq)} period matrices were given.")
    defaults = tuple(default_states)
    unknown = [s for s in defaults if s not in first.states]
    if unknown:
        raise DataError(
            f"default_states {format_values(unknown)} are not states of the matrix "
            f"{format_values(first.states)}."
        )
    made: dict[int, FloatArray] = {}  # a homogeneous chain repeats one matrix
    for m in seq:
        if id(m) not in made:
            made[id(m)] = m.with_absorbing(defaults)._check_defined()
    absorbing_p = [made[id(m)] for m in seq]
    if start_states is None:
        starts = tuple(s for s in first.states if s not in set(defaults) | set(first.absorbing))
    else:
        starts = tuple(start_states)
    rows = first.index(starts)
    cols = first.index(defaults)
    k = first.n_states
    dist = np.eye(k)[rows]
    cum = np.empty((len(rows), len(seq)))
    for t, pa in enumerate(absorbing_p):
        dist = dist @ pa
        cum[:, t] = dist[:, cols].sum(axis=1)
    prev = np.hstack([np.zeros((len(rows), 1)), cum[:, :-1]])
    marginal = cum - prev
    with np.errstate(invalid="ignore", divide="ignore"):
        conditional = np.where(prev < 1.0, marginal / (1.0 - prev), np.nan)
    return LifetimePD(
        states=starts,
        default_states=defaults,
        periods=np.arange(1, len(seq) + 1, dtype=np.int64),
        cumulative=_frozen(cum),
        marginal=_frozen(marginal),
        conditional=_frozen(conditional),
    )
