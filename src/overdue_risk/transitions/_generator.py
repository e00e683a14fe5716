"""Generator (intensity) matrices from a discrete transition matrix, with embedding checks.

A discrete matrix ``P`` (over time ``t``) is *embeddable* when ``P = expm(Q t)`` for a
valid generator ``Q`` (off-diagonal >= 0, rows summing to 0). The principal matrix
logarithm ``L = logm(P) / t`` is the candidate; when it has negative off-diagonal entries
it is regularised:

- ``"DA"`` diagonal adjustment: negative off-diagonals set to 0, the diagonal
  re-set so that rows sum to 0 (Israel, Rosenthal and Wei 2001);
- ``"WA"`` weighted adjustment: negative off-diagonals set to 0 and their total taken
  from the other entries of the row in proportion to their absolute values (IRW 2001);
- ``"QO"`` quasi-optimisation: each row is replaced by the closest (least squares)
  vector with non-negative off-diagonals summing to minus the diagonal (Kreinin and
  Sidelnikova 2001).

These are the methods of R's ``ctmcd::gm`` (Pfeuffer 2017).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import FloatArray, check_in, check_positive
from overdue_risk.exceptions import DataError
from overdue_risk.transitions._matrix import TransitionMatrix, _frozen

__all__ = ["EmbeddingDiagnostics", "GeneratorResult", "embedding_diagnostics", "generator"]

METHODS = ("DA", "WA", "QO")


@dataclass(frozen=True)
class EmbeddingDiagnostics(Result):
    """Checks on whether a discrete matrix has a valid generator.

    Attributes
    ----------
    determinant : float
        ``det(P)``; it must be positive for a generator to exist. When it exceeds 1/2
        (and P is strictly diagonally dominant) the log series converges and at most one
        generator exists (Israel, Rosenthal and Wei 2001, Theorems 3.1 and 3.3 / Remark).
    determinant_above_half : bool
    diagonally_dominant : bool
        All ``p_ii > 1/2`` (the log series of ``P - I`` converges).
    negative_real_eigenvalues : int
        Real eigenvalues <= 0: with any of them (simple), no real generator exists.
    log_is_real : bool
        The principal logarithm has negligible imaginary part.
    negative_offdiagonal : int
        Negative off-diagonal entries of the candidate logarithm (0: embeddable).
    negative_offdiagonal_mass : float
        Sum of their absolute values.
    embeddable : bool
        The principal logarithm is itself a valid generator.
    """

    determinant: float
    determinant_above_half: bool
    diagonally_dominant: bool
    negative_real_eigenvalues: int
    log_is_real: bool
    negative_offdiagonal: int
    negative_offdiagonal_mass: float
    embeddable: bool

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [[k, v] for k, v in self.__dict__.items()]
        return "Embedding diagnostics", ["check", "value"], rows, ""


@dataclass(frozen=True, eq=False)
class GeneratorResult(Result):
    """A regularised generator with its diagnostics.

    Attributes
    ----------
    states : tuple of str
    generator : ndarray of shape (k, k)
        Off-diagonal >= 0, rows sum to 0, per unit of time.
    method : str
        ``"DA"``, ``"WA"`` or ``"QO"``.
    log_candidate : ndarray of shape (k, k)
        ``real(logm(P)) / t`` before regularisation.
    diagnostics : EmbeddingDiagnostics
    distance : float
        Frobenius norm ``||expm(Q t) - P||``.
    max_abs_error : float
        Largest absolute cell error of ``expm(Q t)``.
    t : float
        Time the input matrix spans.
    """

    states: tuple[str, ...]
    generator: FloatArray
    method: str
    log_candidate: FloatArray
    diagnostics: EmbeddingDiagnostics
    distance: float
    max_abs_error: float
    t: float
    absorbing: tuple[str, ...] = ()

    def transition_matrix(self, t: float = 1.0) -> TransitionMatrix:
        """``expm(Q t)``: the implied matrix over any horizon (e.g. 1/12 of a year).

        Examples
        --------
        >>> p = TransitionMatrix.from_probabilities([[0.9, 0.1], [0, 1]], ["A", "D"])
        >>> round(float(generator(p).transition_matrix(2.0).probabilities[0, 1]), 4)
        0.19
        """
        from scipy.linalg import expm

        check_positive(t, "t")
        p = np.clip(expm(self.generator * float(t)), 0.0, None)
        p = p / p.sum(axis=1, keepdims=True)
        return TransitionMatrix(
            states=self.states,
            probabilities=_frozen(p),
            counts=_frozen(np.zeros_like(p)),
            absorbing=self.absorbing,
            estimator=f"generator-{self.method}",
            horizon=float(t),
            generator=_frozen(self.generator),
        )

    def expected_time_to_absorption(self) -> FloatArray:
        """Expected time until absorption, ``(-Q_TT)^{-1} 1``, per transient state.

        Absorbing states are those with a zero row in the generator (or listed in
        :attr:`absorbing`); the time unit is that of ``t`` (years for a one-year matrix).

        Examples
        --------
        >>> from scipy.linalg import expm
        >>> q = np.array([[-0.5, 0.5], [0.0, 0.0]])
        >>> generator(expm(q)).expected_time_to_absorption().round(6)
        array([2.])
        """
        q = np.asarray(self.generator)
        absorbing = np.all(np.abs(q) <= 1e-12, axis=1)
        absorbing[[self.states.index(s) for s in self.absorbing]] = True
        if not absorbing.any():
            raise DataError("the generator has no absorbing state (no zero row).")
        tr = np.flatnonzero(~absorbing)
        try:
            t = np.linalg.solve(-q[np.ix_(tr, tr)], np.ones(tr.size))
        except np.linalg.LinAlgError:
            raise DataError(
                "some transient states never reach an absorbing state: -Q_TT is singular."
            ) from None
        return np.asarray(t, dtype=np.float64)

    def to_frame(self) -> Any:
        """The generator as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.generator, index=self.states, columns=self.states)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rows = [[s, *self.generator[i].tolist()] for i, s in enumerate(self.states)]
        foot = (
            f"||expm(Q t) - P||_F = {self.distance:.3g}; embeddable: "
            f"{self.diagnostics.embeddable}; det(P) = {self.diagnostics.determinant:.4f}"
        )
        return f"Generator ({self.method})", ["from \\ to", *self.states], rows, foot


def _log_candidate(p: FloatArray, t: float) -> tuple[FloatArray, bool]:
    from scipy.linalg import logm

    with np.errstate(all="ignore"):
        lg = np.asarray(logm(p), dtype=np.complex128)
    is_real = bool(np.abs(lg.imag).max() <= 1e-8 * max(1.0, np.abs(lg.real).max()))
    return np.asarray(lg.real / t, dtype=np.float64), is_real


def embedding_diagnostics(
    matrix: TransitionMatrix | npt.ArrayLike, t: float = 1.0
) -> EmbeddingDiagnostics:
    """Embedding checks for a discrete transition matrix (see :class:`EmbeddingDiagnostics`).

    Examples
    --------
    >>> d = embedding_diagnostics([[0.9, 0.1], [0.0, 1.0]])
    >>> d.embeddable, d.determinant_above_half
    (True, True)
    >>> embedding_diagnostics([[0.2, 0.8], [0.8, 0.2]]).embeddable
    False
    """
    p = _input(matrix)
    lg, is_real = _log_candidate(p, check_positive(t, "t"))
    return _diagnostics(p, lg, is_real)


def _diagnostics(p: FloatArray, lg: FloatArray, is_real: bool) -> EmbeddingDiagnostics:
    det = float(np.linalg.det(p))
    eig = np.linalg.eigvals(p)
    real_eig = eig[np.abs(eig.imag) <= 1e-12].real
    off = ~np.eye(p.shape[0], dtype=bool)
    neg = off & (lg < -1e-12)
    n_neg_eig = int((real_eig <= 0).sum())
    return EmbeddingDiagnostics(
        determinant=det,
        determinant_above_half=det > 0.5,
        diagonally_dominant=bool((np.diag(p) > 0.5).all()),
        negative_real_eigenvalues=n_neg_eig,
        log_is_real=is_real,
        negative_offdiagonal=int(neg.sum()),
        negative_offdiagonal_mass=float(np.abs(lg[neg]).sum()),
        embeddable=bool(is_real and n_neg_eig == 0 and not neg.any() and det > 0),
    )


def _input(matrix: TransitionMatrix | npt.ArrayLike) -> FloatArray:
    if isinstance(matrix, TransitionMatrix):
        return matrix._check_defined()
    p = np.asarray(matrix, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise DataError(f"the transition matrix must be square; got shape {p.shape}.")
    if not np.all(np.isfinite(p)) or (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0):
        raise DataError(
            "the transition matrix must be finite, non-negative, with rows summing to 1."
        )
    return p


def _diagonal_adjustment(lg: FloatArray) -> FloatArray:
    q = lg.copy()
    k = q.shape[0]
    off = ~np.eye(k, dtype=bool)
    q[off & (q < 0)] = 0.0
    np.fill_diagonal(q, 0.0)
    np.fill_diagonal(q, -q.sum(axis=1))
    return q


def _weighted_adjustment(lg: FloatArray) -> FloatArray:
    k = lg.shape[0]
    off = ~np.eye(k, dtype=bool)
    diag = np.diag(lg)
    pos_off = np.where(off & (lg > 0), lg, 0.0)
    neg_off = np.where(off & (lg < 0), -lg, 0.0)
    g = np.abs(diag) + pos_off.sum(axis=1)  # G_i = |q_ii| + sum_j max(q_ij, 0)
    b = neg_off.sum(axis=1)  # B_i = sum_j max(-q_ij, 0)
    q = np.where(off & (lg < 0), 0.0, lg)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(g > 0, b / g, 0.0)
    q = q - factor[:, None] * np.abs(q)
    return np.asarray(q, dtype=np.float64)


def _project_row(a: FloatArray, i: int) -> FloatArray:
    """Closest row (least squares) with off-diagonals >= 0 and row sum 0 (K-S 2001)."""
    k = a.size
    others = np.delete(np.arange(k), i)
    b = a[others]
    # minimise |x - a|^2 s.t. x_off >= 0, sum x = 0: x_off = max(b - lam, 0), x_ii = a_ii - lam
    # with lam solving a_ii - lam + sum max(b - lam, 0) = 0 (decreasing in lam).
    bs = np.sort(b)[::-1]
    for m in range(bs.size + 1):
        lam = (a[i] + bs[:m].sum()) / (m + 1)
        upper = bs[m - 1] if m > 0 else np.inf
        lower = bs[m] if m < bs.size else -np.inf
        if lower <= lam <= upper:
            break
    out = np.empty(k)
    out[others] = np.maximum(b - lam, 0.0)
    out[i] = a[i] - lam
    return out


def _quasi_optimisation(lg: FloatArray) -> FloatArray:
    return np.vstack([_project_row(lg[i], i) for i in range(lg.shape[0])])


def generator(
    matrix: TransitionMatrix | npt.ArrayLike,
    method: str = "QO",
    *,
    t: float = 1.0,
    states: tuple[str, ...] | None = None,
) -> GeneratorResult:
    """Estimate a generator ``Q`` with ``expm(Q t)`` close to the discrete matrix ``P``.

    Parameters
    ----------
    matrix : TransitionMatrix or array-like of shape (k, k)
        Row-stochastic matrix over time ``t``.
    method : {"DA", "WA", "QO"}, default="QO"
        Regularisation of the matrix logarithm (see the module docstring). When the
        logarithm is already a valid generator, all three return it unchanged.
    t : float, default=1.0
        Time spanned by ``matrix`` (1 for a one-year matrix when rates are per year).
    states : tuple of str, default=None
        Labels for a plain array input.

    Returns
    -------
    GeneratorResult
        With :meth:`~GeneratorResult.transition_matrix` for any horizon.

    References
    ----------
    .. [1] Israel, R. B., Rosenthal, J. S. and Wei, J. Z. (2001). Finding generators for
       Markov chains via empirical transition matrices, with applications to credit
       ratings. Mathematical Finance 11(2), 245-265.
    .. [2] Kreinin, A. and Sidelnikova, M. (2001). Regularization algorithms for
       transition matrices. Algo Research Quarterly 4(1/2), 23-40.
    .. [3] Pfeuffer, M. (2017). ctmcd: an R package for estimating the parameters of a
       continuous-time Markov chain from discrete-time data. The R Journal 9(2), 127-141.

    Examples
    --------
    >>> p = [[0.90, 0.08, 0.02], [0.05, 0.85, 0.10], [0.0, 0.0, 1.0]]
    >>> res = generator(p, "DA")
    >>> bool(np.allclose(res.generator.sum(axis=1), 0.0))
    True
    >>> res.diagnostics.embeddable
    True
    """
    check_in(method, "method", METHODS)
    t = check_positive(t, "t")
    p = _input(matrix)
    if isinstance(matrix, TransitionMatrix):
        labels, absorbing = matrix.states, matrix.absorbing
    else:
        labels = tuple(states) if states is not None else tuple(str(i) for i in range(p.shape[0]))
        absorbing = tuple(s for i, s in enumerate(labels) if p[i, i] == 1.0)
    lg, is_real = _log_candidate(p, t)
    diag = _diagnostics(p, lg, is_real)
    if method == "DA":
        q = _diagonal_adjustment(lg)
    elif method == "WA":
        q = _weighted_adjustment(lg)
    else:
        q = _quasi_optimisation(lg)
    from scipy.linalg import expm

    err = expm(q * t) - p
    return GeneratorResult(
        states=labels,
        generator=_frozen(q),
        method=method,
        log_candidate=_frozen(lg),
        diagnostics=diag,
        distance=float(np.linalg.norm(err)),
        max_abs_error=float(np.abs(err).max()),
        t=t,
        absorbing=absorbing,
    )
