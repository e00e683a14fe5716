"""Incremental fitting for WOEBinner: chunks of rows or count tables, then one solve.

The binner's sufficient statistics are its :class:`CountTable` per feature (events and
non-events per pre-bin), which add up: :meth:`IncrementalBinningMixin.partial_fit` counts
a chunk on the fitted pre-bin edges and adds it, :meth:`fit_from_counts` starts from
tables summed elsewhere (Spark, Dask), and :meth:`solve` runs the exact solver on the
counts. No attribute is computed on access.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from overdue_risk._columns import Columns
from overdue_risk.binning._counts import CountTable
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:
    from typing import Self

__all__ = ["IncrementalBinningMixin"]


class IncrementalBinningMixin:
    """partial_fit / fit_from_counts / solve for :class:`~overdue_risk.binning.WOEBinner`."""

    count_tables_: dict[str, CountTable]
    n_features_in_: int
    feature_names_in_: npt.NDArray[Any]

    if TYPE_CHECKING:  # implemented by WOEBinner

        def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> Self: ...

        def _validate_params(self) -> None: ...

        def _check_fitted(self) -> None: ...

        def _names(self) -> list[str]: ...

        def _check_xy(
            self, X: Any, y: Any, sample_weight: Any, *, reset: bool
        ) -> tuple[Columns, npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

        def _values(self, cols: Columns, name: str, kind: str) -> npt.NDArray[Any]: ...

        def _fit_tables(self, tables: dict[str, CountTable]) -> None: ...

        def _apply_manual_bins(self, X: Any, y: Any, w: Any) -> None: ...

    def partial_fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> Self:
        """Add one chunk of data, then solve the bins on all counts so far.

        The first call is :meth:`fit` on that chunk: it fixes each numeric column's
        pre-bin edges from the chunk (or from ``user_splits``), which columns are
        categorical and the feature names. Later calls -- also after :meth:`fit` or
        :meth:`fit_from_counts` -- count their rows on those edges and add the counts to
        ``count_tables_`` (new categories are added); :meth:`fit` starts afresh. Manual
        overrides made interactively are dropped by the next chunk; ``manual_bins`` is
        re-applied (cut points off the pre-bin edges need ``fit``). Each call ends with
        :meth:`solve`, so ``bins_``, ``iv_`` and ``transform`` reflect every chunk so far
        (the exact solver works on the pre-bin counts, not the rows: a call costs the
        counting of its chunk plus one solve). With fixed edges (``user_splits``) the
        result equals :meth:`fit` on the concatenated chunks.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            One chunk, with the columns of the first.
        y : array-like of shape (n_samples,)
            0/1 target of the chunk (the first chunk needs both classes).
        sample_weight : array-like of shape (n_samples,), optional
            Row weights.

        Returns
        -------
        WOEBinner
            The binner, with the chunk's counts added.

        Examples
        --------
        >>> import numpy as np
        >>> from overdue_risk.binning import WOEBinner
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(3000, 1))
        >>> y = (rng.random(3000) < 1 / (1 + np.exp(2 - x[:, 0]))).astype(int)
        >>> b = WOEBinner(max_n_bins=4, user_splits={"x0": np.linspace(-2, 2, 17)})
        >>> for start in range(0, 3000, 1000):
        ...     _ = b.partial_fit(x[start : start + 1000], y[start : start + 1000])
        >>> whole = WOEBinner(max_n_bins=4, user_splits={"x0": np.linspace(-2, 2, 17)})
        >>> b.bins_["x0"].splits == whole.fit(x, y).bins_["x0"].splits
        True
        """
        if not hasattr(self, "count_tables_"):
            return self.fit(X, y, sample_weight)
        self._validate_params()
        cols, target, w = self._check_xy(X, y, sample_weight, reset=False)
        tables = dict(self.count_tables_)
        for name in self._names():
            old = tables[name]
            chunk = CountTable.from_data(
                name,
                self._values(cols, name, old.kind),
                target,
                w,
                splits=old.splits,
                special_codes=old.special_codes,
                kind=old.kind,
            )
            tables[name] = old + chunk
        self.count_tables_ = tables
        return self.solve()

    def fit_from_counts(self, tables: Mapping[str, CountTable] | Sequence[CountTable]) -> Self:
        """Fit from count tables (e.g. summed over chunks or computed by Spark / Dask).

        The tables of each feature must already be summed (``sum(tables)``); the exact
        solver then runs as in :meth:`fit`. ``feature_names_in_`` is set to the table names.

        Examples
        --------
        >>> from overdue_risk.binning import CountTable, WOEBinner
        >>> t = CountTable.from_counts("age", [40, 25, 15, 8, 2, 5], [60, 75, 85, 92, 98, 5],
        ...                            splits=[25, 35, 45, 55])
        >>> b = WOEBinner(max_n_bins=3, min_bin_frac=0.1).fit_from_counts([t])
        >>> b.bins_["age"].splits
        (35.0, 55.0)
        """
        self._validate_params()
        raw = list(tables.values()) if isinstance(tables, Mapping) else list(tables)
        items = [CountTable.coerce(t) for t in raw]
        if not items:
            raise DataError("fit_from_counts needs at least one CountTable.")
        names = [t.name for t in items]
        self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_features_in_ = len(names)
        self._fit_tables({t.name: t for t in items})
        return self

    def solve(self) -> Self:
        """Solve the bins again from ``count_tables_`` (the sufficient statistics).

        :meth:`partial_fit` ends with this step. The bins, ``iv_`` and the reviewed
        ``manual_bins`` are rebuilt from the counts; interactive overrides are dropped.

        Returns
        -------
        WOEBinner
            The binner, with ``bins_`` and ``iv_`` solved on the current counts.

        Examples
        --------
        >>> import numpy as np
        >>> from overdue_risk.binning import WOEBinner
        >>> x = np.arange(200.0).reshape(-1, 1)
        >>> b = WOEBinner(max_n_bins=2).fit(x, (np.arange(200) % 4 == 0) | (x[:, 0] > 150))
        >>> b.count_tables_ = {"x0": b.count_tables_["x0"] + b.count_tables_["x0"]}
        >>> b.solve().bins_["x0"].n_bins  # the same bins on twice the counts
        2
        """
        self._check_fitted()
        self._fit_tables(dict(self.count_tables_))
        self._apply_manual_bins(None, None, None)
        return self
