"""Categorical binning for WOEBinner: event-rate ordering, rare pooling, user groups.

A categorical column's pre-bins are its categories ordered by event rate (rare ones pooled
into one pre-bin), or the user's groups (``user_splits``) in the given order; the exact
solver then merges adjacent pre-bins as for a numeric column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._missing import canonical_category
from overdue_risk._validation import format_values
from overdue_risk.binning._counts import CountTable
from overdue_risk.binning._feature import FeatureBinning
from overdue_risk.binning._solver import SMOOTHING
from overdue_risk.exceptions import ConstraintError, DataError

__all__ = ["CategoricalBinningMixin"]


class CategoricalBinningMixin:
    """The categorical half of :class:`~overdue_risk.binning.WOEBinner`'s solver."""

    max_n_bins: int | None
    monotonic_trend: str | None
    auto_min_iv_gain: float
    auto_alpha: float | None
    min_bin_frac: float
    min_event_count: float
    min_nonevent_count: float
    rare_category_frac: float
    unseen_policy: str
    user_splits: Mapping[str, Sequence[Any]] | None

    if TYPE_CHECKING:  # implemented by WOEBinner

        def _constraint_error(self, table: CountTable, ev: float, ne: float) -> ConstraintError: ...

        def _reason(self, res: Any) -> str: ...

        def _solve_counts(
            self,
            table: CountTable,
            ev: npt.NDArray[np.float64],
            ne: npt.NDArray[np.float64],
            total_e: float,
            total_n: float,
            trend: str | None,
        ) -> Any: ...

    def _category_groups(self, table: CountTable) -> list[tuple[str, ...]]:
        """Pre-bins of a categorical feature: categories ordered by event rate, rare pooled."""
        p = table.n_prebins
        ev, ne = table.event[:p], table.nonevent[:p]
        cnt = ev + ne
        empty = cnt <= 0  # e.g. a category seen only in another chunk's table, with weight 0
        rare = (cnt < self.rare_category_frac * table.total) & ~empty
        if rare.sum() == (~empty).sum():  # every category is rare: pooling would leave one
            rare[:] = False
        pool = rare | empty
        groups: list[tuple[tuple[str, ...], float, float]] = [
            ((table.categories[i],), ev[i], ne[i]) for i in range(p) if not pool[i]
        ]
        if pool.any():
            pooled = tuple(table.categories[i] for i in np.flatnonzero(pool))
            groups.append((pooled, float(ev[pool].sum()), float(ne[pool].sum())))
        groups.sort(key=lambda g: (g[1] / (g[1] + g[2]) if g[1] + g[2] > 0 else 0.0, g[0]))
        return [g[0] for g in groups]

    def _user_groups(self, table: CountTable) -> list[tuple[str, ...]] | None:
        """The user's category groups of a categorical column, checked; None if not given."""
        raw = (self.user_splits or {}).get(table.name) if self.user_splits is not None else None
        if raw is None:
            return None
        name = table.name
        how = (
            f"user_splits for categorical column {name!r} must be a list of category groups "
            '(a list of lists, e.g. [["a", "b"], ["c"]])'
        )
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence) or not len(raw):
            raise DataError(f"{how}; got {raw!r}.")
        groups: list[tuple[str, ...]] = []
        seen: dict[str, int] = {}
        for gi, g in enumerate(raw):
            if isinstance(g, str | bytes) or not isinstance(g, Sequence) or not len(g):
                raise DataError(f"{how}; group {gi} is {g!r}.")
            canon = []
            for v in g:
                c = canonical_category(v)
                if c is None:
                    raise DataError(
                        f"{how}; group {gi} holds a missing value, which has its own bin."
                    )
                if c in seen:
                    raise DataError(
                        f"{how}; category {c!r} is in groups {seen[c]} and {gi}. List each "
                        "category once."
                    )
                seen[c] = gi
                canon.append(c)
            groups.append(tuple(sorted(canon)))
        p = table.n_prebins
        present = table.event[:p] + table.nonevent[:p] > 0
        left = [c for c, ok in zip(table.categories, present, strict=True) if ok and c not in seen]
        if left:
            raise DataError(
                f"user_splits for categorical column {name!r} leaves out categories seen in "
                f"training: {format_values(left)}. Add them to a group."
            )
        return groups

    def _solve_categorical(
        self, table: CountTable, total_e: float, total_n: float
    ) -> FeatureBinning:
        user = self._user_groups(table)
        groups = self._category_groups(table) if user is None else user
        # event-rate order makes every merge ascending; a user order may carry a trend
        trend = "ascending" if user is None else self.monotonic_trend
        ev, ne = self._group_counts(table, groups)
        if not groups:
            raise DataError(f"Column {table.name!r} has no non-missing category.")
        k = len(groups)
        res = self._solve_counts(
            table, ev[:k], ne[:k], total_e, total_n, None if user is None else trend
        )
        bounds = [*res.starts, len(groups)]
        cats = [
            tuple(sorted(c for g in groups[bounds[i] : bounds[i + 1]] for c in g))
            for i in range(len(res.starts))
        ]
        if user is None:
            reason = "categories ordered by event rate: bins ascending by construction"
            return self._categorical_from_groups(table, cats, "ascending", reason)
        return self._categorical_from_groups(table, cats, res.trend, self._reason(res))

    @staticmethod
    def _group_counts(
        table: CountTable, groups: Sequence[Sequence[str]]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        p = table.n_prebins
        pos = {c: i for i, c in enumerate(table.categories)}
        ev = np.zeros(len(groups) + 1)
        ne = np.zeros(len(groups) + 1)
        for gi, g in enumerate(groups):
            ix = [pos[c] for c in g if c in pos]
            ev[gi] = table.event[ix].sum()
            ne[gi] = table.nonevent[ix].sum()
        ev[-1], ne[-1] = table.event[p], table.nonevent[p]
        return ev, ne

    def _categorical_from_groups(
        self,
        table: CountTable,
        cats: Sequence[tuple[str, ...]],
        trend: str | None,
        reason: str = "",
    ) -> FeatureBinning:
        ev, ne = self._group_counts(table, cats)
        return FeatureBinning.from_counts(
            table.name,
            "categorical",
            ev,
            ne,
            categories=tuple(cats),
            unseen_policy=self.unseen_policy,
            trend=trend,
            trend_reason=reason,
            smoothing=SMOOTHING * table.weight_unit,
        )
