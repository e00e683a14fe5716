"""The :class:`TransitionMatrix` result and the multinomial confidence intervals.

A transition matrix is built from a ``k x k`` table of (possibly weighted) counts
``n[i, j]`` of moves from state ``i`` to state ``j``: ``p[i, j] = n[i, j] / n[i, :].sum()``.
Absorbing states (charged off, paid off) get identity rows. Count tables are mergeable:
the count table of the union of two panels is the sum of their count tables, which is
how chunked and distributed estimation works (:meth:`TransitionMatrix.merge`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_in, format_values
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["TransitionMatrix", "multinomial_intervals"]


INTERVAL_METHODS = ("goodman", "quesenberry-hurst")
EMPTY_ROW_POLICIES = ("nan", "identity")


def _frozen(arr: npt.ArrayLike) -> FloatArray:
    out = np.array(arr, dtype=np.float64, copy=True)
    out.setflags(write=False)
    return out


def multinomial_intervals(
    counts: npt.ArrayLike,
    confidence_level: float = 0.95,
    method: str = "goodman",
) -> tuple[FloatArray, FloatArray]:
    """Simultaneous confidence intervals for the cells of each multinomial row.

    Every row of ``counts`` is one multinomial sample (the moves out of one state).
    The intervals hold for all cells of a row simultaneously at ``confidence_level``.

    Parameters
    ----------
    counts : array-like of shape (n_rows, k)
        Non-negative (possibly non-integer, e.g. effective) counts.
    confidence_level : float, default=0.95
        Simultaneous coverage per row.
    method : {"goodman", "quesenberry-hurst"}, default="goodman"
        ``"goodman"`` (Goodman 1965) uses the Bonferroni quantile
        ``A = chi2.ppf(1 - alpha / k, 1)``; ``"quesenberry-hurst"`` (Quesenberry and Hurst
        1964) uses ``A = chi2.ppf(1 - alpha, k - 1)``, wider for large ``k``. Both give
        ``(A + 2 n_j -+ sqrt(A (A + 4 n_j (N - n_j) / N))) / (2 (N + A))``.

    Returns
    -------
    lower, upper : ndarray of shape (n_rows, k)
        NaN for rows with no observations.

    References
    ----------
    .. [1] Quesenberry, C. P. and Hurst, D. C. (1964). Large sample simultaneous confidence
       intervals for multinomial proportions. Technometrics 6(2), 191-195.
    .. [2] Goodman, L. A. (1965). On simultaneous confidence intervals for multinomial
       proportions. Technometrics 7(2), 247-254.

    Examples
    --------
    >>> lo, hi = multinomial_intervals([[80, 15, 5]])
    >>> bool((lo <= [[0.80, 0.15, 0.05]]).all() and (hi >= [[0.80, 0.15, 0.05]]).all())
    True
    """
    from scipy.stats import chi2

    check_in(method, "interval_method", INTERVAL_METHODS)
    if not 0.0 < float(confidence_level) < 1.0:
        raise DataError(
            f"confidence_level must lie in (0, 1); got {confidence_level!r}. Example: 0.95."
        )
    n = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    k = n.shape[1]
    alpha = 1.0 - float(confidence_level)
    if method == "goodman":
        a = float(chi2.ppf(1.0 - alpha / k, 1))
    else:
        a = float(chi2.ppf(1.0 - alpha, max(k - 1, 1)))
    total = n.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(a * (a + 4.0 * n * (total - n) / total))
        lower = (a + 2.0 * n - root) / (2.0 * (total + a))
        upper = (a + 2.0 * n + root) / (2.0 * (total + a))
    empty = (total <= 0).ravel()
    lower[empty] = np.nan
    upper[empty] = np.nan
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


@dataclass(frozen=True, eq=False, repr=False)
class TransitionMatrix(Result):
    """A frozen, row-stochastic transition matrix with its counts and intervals.

    Built by :func:`cohort_matrix`, :func:`duration_matrix`, :func:`aalen_johansen` or
    from published probabilities with :meth:`from_probabilities`.

    Attributes
    ----------
    states : tuple of str
        State labels, in row/column order.
    probabilities : ndarray of shape (k, k)
        ``probabilities[i, j]`` = P(state j at the end | state i at the start). Rows sum to
        1; absorbing states have identity rows; rows without observations are NaN (or
        identity with ``empty_rows="identity"``).
    counts : ndarray of shape (k, k)
        Observed (weighted) moves ``i -> j`` (zeros when built from probabilities).
    absorbing : tuple of str
        States whose rows are identity rows.
    lower, upper : ndarray of shape (k, k) or None
        Simultaneous confidence bounds per row (see :func:`multinomial_intervals`).
    confidence_level : float
        Coverage of ``lower`` / ``upper``.
    interval_method : str
        ``"goodman"`` or ``"quesenberry-hurst"``.
    estimator : str
        ``"cohort"``, ``"duration"``, ``"aalen-johansen"`` or ``"given"``.
    horizon : float
        Length of the period the matrix describes, in periods of the source data.
    generator : ndarray of shape (k, k) or None
        Intensity matrix when the estimator is continuous-time.
    exposure : ndarray of shape (k,) or None
        Effective number of observations per row (cohort; Kish effective size when
        weighted) or time at risk per state (duration).

    Examples
    --------
    >>> tm = TransitionMatrix.from_probabilities(
    ...     [[0.9, 0.08, 0.02], [0.3, 0.5, 0.2], [0, 0, 1]], states=["M0", "M1", "CO"]
    ... )
    >>> tm.absorbing
    ('CO',)
    >>> tm.power(2).probabilities[0].round(4).tolist()
    [0.834, 0.112, 0.054]
    >>> tm.absorption_probabilities().round(4)
    array([[1.],
           [1.]])
    """

    states: tuple[str, ...]
    probabilities: FloatArray
    counts: FloatArray
    absorbing: tuple[str, ...] = ()
    lower: FloatArray | None = None
    upper: FloatArray | None = None
    confidence_level: float = 0.95
    interval_method: str = "goodman"
    estimator: str = "given"
    horizon: float = 1.0
    generator: FloatArray | None = None
    exposure: FloatArray | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_counts(
        cls,
        counts: npt.ArrayLike,
        states: Sequence[str],
        *,
        absorbing: Sequence[str] = (),
        effective_n: npt.ArrayLike | None = None,
        confidence_level: float = 0.95,
        interval_method: str = "goodman",
        empty_rows: str = "nan",
        estimator: str = "cohort",
        horizon: float = 1.0,
    ) -> TransitionMatrix:
        """Build a matrix from a ``k x k`` count table (the mergeable sufficient statistic).

        Parameters
        ----------
        counts : array-like of shape (k, k)
            (Weighted) moves ``i -> j``.
        states : sequence of str
            Labels, ``k`` of them.
        absorbing : sequence of str, default=()
            States forced to identity rows (their counts are kept but not used).
        effective_n : array-like of shape (k,), default=None
            Effective sample size per row for the intervals (Kish
            ``(sum w)^2 / sum w^2`` for weighted counts); the row totals when None.
        confidence_level, interval_method
            See :func:`multinomial_intervals`.
        empty_rows : {"nan", "identity"}, default="nan"
            What a transient row without observations becomes.
        estimator : str, default="cohort"
        horizon : float, default=1.0

        Examples
        --------
        >>> tm = TransitionMatrix.from_counts([[8, 2], [0, 5]], ["M0", "CO"], absorbing=["CO"])
        >>> tm.probabilities
        array([[0.8, 0.2],
               [0. , 1. ]])
        """
        labels, n = _square(counts, states, "counts", " Check the weights.")
        k = len(labels)
        check_in(empty_rows, "empty_rows", EMPTY_ROW_POLICIES)
        absorb = _check_subset(absorbing, labels, "absorbing")
        is_abs = np.isin(np.arange(k), [labels.index(s) for s in absorb])
        total = n.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = n / total[:, None]
        empty = (total <= 0) & ~is_abs
        if empty.any():
            p[empty] = np.eye(k)[empty] if empty_rows == "identity" else np.nan
        p[is_abs] = np.eye(k)[is_abs]
        if effective_n is None:
            n_eff = total.copy()
        else:
            n_eff = np.asarray(effective_n, dtype=np.float64).reshape(k)
        scaled = np.where(total[:, None] > 0, p * n_eff[:, None], 0.0)
        lower, upper = multinomial_intervals(scaled, confidence_level, interval_method)
        lower[is_abs] = np.eye(k)[is_abs]
        upper[is_abs] = np.eye(k)[is_abs]
        return cls(
            states=labels,
            probabilities=_frozen(p),
            counts=_frozen(n),
            absorbing=absorb,
            lower=_frozen(lower),
            upper=_frozen(upper),
            confidence_level=float(confidence_level),
            interval_method=interval_method,
            estimator=estimator,
            horizon=float(horizon),
            exposure=_frozen(n_eff),
        )

    @classmethod
    def from_probabilities(
        cls,
        probabilities: npt.ArrayLike,
        states: Sequence[str],
        *,
        absorbing: Sequence[str] | None = None,
        normalize: bool = False,
        horizon: float = 1.0,
    ) -> TransitionMatrix:
        """Wrap a published or assumed matrix (e.g. an agency's one-year matrix).

        Parameters
        ----------
        probabilities : array-like of shape (k, k)
            Rows must sum to 1 (within 1e-6) unless ``normalize``.
        states : sequence of str
        absorbing : sequence of str, default=None
            Detected from identity rows when None.
        normalize : bool, default=False
            Divide each row by its sum (published matrices in percent that do not add
            up because of rounding).
        horizon : float, default=1.0

        Examples
        --------
        >>> TransitionMatrix.from_probabilities([[0.5, 0.5], [0, 1]], ["A", "D"]).absorbing
        ('D',)
        """
        labels, p = _square(probabilities, states, "probabilities")
        k = len(labels)
        sums = p.sum(axis=1)
        if normalize:
            if (sums <= 0).any():
                raise DataError("every row needs a positive sum to be normalised.")
            p = p / sums[:, None]
        elif np.abs(sums - 1.0).max() > 1e-6:
            i = int(np.argmax(np.abs(sums - 1.0)))
            raise DataError(
                f"row {labels[i]!r} of probabilities sums to {sums[i]!r}, not 1. Pass "
                "normalize=True for published tables that do not add up because of rounding."
            )
        if absorbing is None:
            absorb = tuple(s for i, s in enumerate(labels) if p[i, i] == 1.0)
        else:
            absorb = _check_subset(absorbing, labels, "absorbing")
            idx = [labels.index(s) for s in absorb]
            p[idx] = np.eye(k)[idx]
        return cls(
            states=labels,
            probabilities=_frozen(p),
            counts=_frozen(np.zeros((k, k))),
            absorbing=absorb,
            estimator="given",
            horizon=float(horizon),
        )

    def confidence_interval(
        self, confidence_level: float = 0.95, method: str | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Simultaneous bounds per row at another level or with another method.

        Recomputed from the counts (and the effective sizes of weighted matrices);
        absorbing rows are exact.

        Examples
        --------
        >>> tm = TransitionMatrix.from_counts([[80, 20], [0, 5]], ["M0", "CO"], absorbing=["CO"])
        >>> lo90, hi90 = tm.confidence_interval(0.90)
        >>> bool((hi90 - lo90 < tm.upper - tm.lower)[0].all())
        True
        """
        if self.estimator not in ("cohort",) or self.exposure is None:
            raise DataError(
                f"confidence intervals come from cohort counts; this matrix is "
                f"{self.estimator!r}. Use cohort_matrix(...) for intervals."
            )
        k = self.n_states
        total = np.asarray(self.counts).sum(axis=1)
        p = np.nan_to_num(np.asarray(self.probabilities))
        scaled = np.where(total[:, None] > 0, p * np.asarray(self.exposure)[:, None], 0.0)
        lower, upper = multinomial_intervals(
            scaled, confidence_level, method or self.interval_method
        )
        idx = self.index(self.absorbing) if self.absorbing else []
        lower[idx] = np.eye(k)[idx]
        upper[idx] = np.eye(k)[idx]
        return lower, upper

    # ------------------------------------------------------------------ algebra
    @property
    def n_states(self) -> int:
        """Number of states ``k``."""
        return len(self.states)

    @property
    def transient(self) -> tuple[str, ...]:
        """States that are not absorbing, in matrix order."""
        return tuple(s for s in self.states if s not in self.absorbing)

    def index(self, states: str | Sequence[str]) -> list[int]:
        """Positions of one or more state labels (DataError for unknown labels)."""
        names = [states] if isinstance(states, str) else list(states)
        return [self.states.index(s) for s in _check_subset(names, self.states, "states")]

    def _check_defined(self) -> FloatArray:
        p = self.probabilities
        bad = np.isnan(p).any(axis=1)
        if bad.any():
            names = [s for s, b in zip(self.states, list(np.asarray(bad)), strict=True) if b]
            raise DataError(
                f"states {format_values(names)} have no observed moves, so their rows are "
                "undefined (NaN). Pass empty_rows='identity' when estimating, pool more "
                "periods, or drop those states."
            )
        return p

    def power(self, n: int) -> TransitionMatrix:
        """The ``n``-period matrix ``P ** n`` (homogeneous Markov chain).

        Examples
        --------
        >>> tm = TransitionMatrix.from_probabilities([[0.9, 0.1], [0, 1]], ["A", "D"])
        >>> float(tm.power(3).probabilities[0, 1])
        0.271
        """
        if int(n) != n or n < 0:
            raise DataError(f"n must be a non-negative integer; got {n!r}.")
        p = np.linalg.matrix_power(self._check_defined(), int(n))
        return TransitionMatrix(
            states=self.states,
            probabilities=_frozen(p),
            counts=_frozen(np.zeros_like(p)),
            absorbing=self.absorbing,
            estimator=self.estimator,
            horizon=self.horizon * int(n),
        )

    def with_absorbing(self, states: Sequence[str]) -> TransitionMatrix:
        """A copy in which ``states`` (e.g. the default states) are also absorbing.

        First-passage quantities (cumulative PD, time to default) need the default
        states absorbing; this is how :func:`lifetime_pd` treats them.

        Examples
        --------
        >>> tm = TransitionMatrix.from_probabilities([[0.9, 0.1], [0.5, 0.5]], ["M0", "M1"])
        >>> tm.with_absorbing(["M1"]).probabilities
        array([[0.9, 0.1],
               [0. , 1. ]])
        """
        extra = _check_subset(states, self.states, "states")
        absorb = tuple(s for s in self.states if s in set(self.absorbing) | set(extra))
        p = np.array(self.probabilities)
        idx = self.index(absorb) if absorb else []
        p[idx] = np.eye(self.n_states)[idx]
        return TransitionMatrix(
            states=self.states,
            probabilities=_frozen(p),
            counts=self.counts,
            absorbing=absorb,
            lower=None,
            upper=None,
            estimator=self.estimator,
            horizon=self.horizon,
        )

    def fundamental_matrix(self) -> FloatArray:
        """``N = (I - Q)^-1`` over the transient states (expected visits before absorption).

        Raises a DataError when some transient state never reaches an absorbing state
        (``I - Q`` is singular).

        Examples
        --------
        >>> tm = TransitionMatrix.from_probabilities([[0.5, 0.5], [0, 1]], ["A", "D"])
        >>> tm.fundamental_matrix()
        array([[2.]])
        """
        p = self._check_defined()
        if not self.absorbing:
            raise DataError(
                "the matrix has no absorbing state; mark the default / closed states with "
                "absorbing=[...] or use with_absorbing([...])."
            )
        t = self.index(self.transient)
        q = p[np.ix_(t, t)]
        eye = np.eye(len(t))
        try:
            n = np.linalg.solve(eye - q, eye)
        except np.linalg.LinAlgError:
            raise DataError(
                "I - Q is singular: some transient states never reach an absorbing state. "
                "Check the matrix or add the missing absorbing states."
            ) from None
        if not np.all(np.isfinite(n)) or (n < -1e-9).any():
            raise DataError("I - Q is (numerically) singular: absorption is not certain.")
        return np.asarray(n, dtype=np.float64)

    def absorption_probabilities(self) -> FloatArray:
        """``B = N R``: probability that each transient state ends in each absorbing state.

        Rows follow :attr:`transient`, columns :attr:`absorbing`; rows sum to 1.

        Examples
        --------
        >>> tm = TransitionMatrix.from_probabilities(
        ...     [[0.7, 0.1, 0.2], [0, 1, 0], [0, 0, 1]], ["M0", "CO", "PO"]
        ... )
        >>> tm.absorption_probabilities().round(4)
        array([[0.3333, 0.6667]])
        """
        n = self.fundamental_matrix()
        t = self.index(self.transient)
        a = self.index(self.absorbing)
        return n @ self.probabilities[np.ix_(t, a)]

    def expected_time_to_absorption(self) -> FloatArray:
        """``N 1``: expected number of periods before absorption, per transient state.

        Examples
        --------
        >>> tm = TransitionMatrix.from_probabilities([[0.75, 0.25], [0, 1]], ["A", "D"])
        >>> tm.expected_time_to_absorption()
        array([4.])
        """
        return np.asarray(self.fundamental_matrix().sum(axis=1), dtype=np.float64)

    def merge(self, other: TransitionMatrix) -> TransitionMatrix:
        """Pool two count-based matrices over the same states (counts add up).

        Examples
        --------
        >>> a = TransitionMatrix.from_counts([[3, 1], [0, 1]], ["M0", "CO"], absorbing=["CO"])
        >>> a.merge(a).counts[0].tolist()
        [6.0, 2.0]
        """
        if other.states != self.states or other.absorbing != self.absorbing:
            raise DataError(
                "merge needs matrices over the same states and absorbing states; got "
                f"{format_values(self.states)} vs {format_values(other.states)}."
            )
        return TransitionMatrix.from_counts(
            np.asarray(self.counts) + np.asarray(other.counts),
            self.states,
            absorbing=self.absorbing,
            confidence_level=self.confidence_level,
            interval_method=self.interval_method,
            estimator=self.estimator,
            horizon=self.horizon,
        )

    # ------------------------------------------------------------------ output
    def to_frame(self, kind: str = "probabilities") -> pd.DataFrame:
        """The matrix as a pandas DataFrame (rows: from-state, columns: to-state).

        Parameters
        ----------
        kind : {"probabilities", "counts", "lower", "upper", "long"}, default="probabilities"
            ``"long"`` gives one row per (from, to) cell with count, probability and bounds.

        Examples
        --------
        >>> tm = TransitionMatrix.from_counts([[8, 2], [0, 5]], ["M0", "CO"], absorbing=["CO"])
        >>> tm.to_frame().loc["M0", "CO"]
        np.float64(0.2)
        """
        import pandas as pd

        check_in(kind, "kind", ["probabilities", "counts", "lower", "upper", "long"])
        idx = pd.Index(self.states, name="from")
        cols = pd.Index(self.states, name="to")
        if kind == "long":
            k = self.n_states
            nan = np.full((k, k), np.nan)
            lo = self.lower if self.lower is not None else nan
            hi = self.upper if self.upper is not None else nan
            return pd.DataFrame(
                {
                    "from": np.repeat(self.states, k),
                    "to": np.tile(self.states, k),
                    "count": np.asarray(self.counts).ravel(),
                    "probability": np.asarray(self.probabilities).ravel(),
                    "lower": np.asarray(lo).ravel(),
                    "upper": np.asarray(hi).ravel(),
                }
            )
        data = getattr(self, kind)
        if data is None:
            raise DataError(f"this matrix has no {kind} (it was not estimated from counts).")
        return pd.DataFrame(np.asarray(data), index=idx, columns=cols)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Heatmap of the probabilities (:func:`~overdue_risk.plotting.plot_transition_matrix`)."""
        from overdue_risk.plotting._dynamics_plots import plot_transition_matrix

        return plot_transition_matrix(self, ax=ax, **kwargs)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        p = np.asarray(self.probabilities)
        total = np.asarray(self.counts).sum(axis=1)
        rows = [
            [s, *p[i].tolist(), int(total[i]) if float(total[i]).is_integer() else float(total[i])]
            for i, s in enumerate(self.states)
        ]
        title = f"Transition matrix ({self.estimator}, horizon {self.horizon:g})"
        footer = f"absorbing: {', '.join(self.absorbing) or 'none'}"
        if self.lower is not None:
            footer += (
                f"; {self.interval_method} simultaneous intervals at "
                f"{self.confidence_level:.0%} in .lower/.upper"
            )
        return title, ["from \\ to", *self.states, "n"], rows, footer

    def __repr__(self) -> str:
        return (
            f"TransitionMatrix(states={self.states!r}, estimator={self.estimator!r}, "
            f"horizon={self.horizon:g}, n={float(np.asarray(self.counts).sum()):g})"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> FloatArray:
        return np.asarray(self.probabilities, dtype=dtype)


def _square(
    values: npt.ArrayLike, states: Sequence[str], what: str, hint: str = ""
) -> tuple[tuple[str, ...], FloatArray]:
    """The state labels and a copy of a (k, k) table of finite values >= 0 (else a
    DataError naming ``what``)."""
    labels = tuple(str(s) for s in states)
    table = np.array(values, dtype=np.float64)
    k = len(labels)
    if table.shape != (k, k):
        raise DataError(f"{what} must have shape ({k}, {k}) for {k} states; got {table.shape}.")
    if not np.all(np.isfinite(table)) or (table < 0).any():
        raise DataError(f"{what} must be finite and non-negative.{hint}")
    return labels, table


def _check_subset(names: Sequence[str], states: Sequence[str], what: str) -> tuple[str, ...]:
    wanted = tuple(str(s) for s in names)
    unknown = [s for s in wanted if s not in set(states)]
    if unknown:
        raise DataError(
            f"{what} {format_values(unknown)} are not among the states "
            f"{format_values(list(states))}. Use the state labels of the matrix."
        )
    return wanted
