"""Manual adjustment of fitted bins, with an audit trail (mixed into WOEBinner).

Model reviewers merge or move bins by hand. Every change refits the WOE from the stored
pre-bin counts (``count_tables_``) and is appended to ``overrides_`` (feature, action,
before, after, reason, UTC timestamp), which a scorecard copies into its exported spec.
The ``manual_bins`` constructor parameter re-applies reviewed bins at every ``fit``, so
they survive ``clone``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from overdue_risk._columns import Columns, as_columns
from overdue_risk._validation import (
    check_binary_target,
    check_consistent_length,
    check_finite,
    check_sample_weight,
    format_values,
)
from overdue_risk.binning._counts import CountTable
from overdue_risk.binning._feature import FeatureBinning
from overdue_risk.exceptions import DataError

__all__ = ["ManualBinningMixin"]


class ManualBinningMixin:
    """merge_bins / set_splits / manual_bins for WOEBinner (see its docstring)."""

    bins_: dict[str, FeatureBinning]
    iv_: dict[str, float]
    overrides_: list[dict[str, Any]]
    count_tables_: dict[str, CountTable]
    manual_bins: Mapping[str, Mapping[str, Any]] | None

    if TYPE_CHECKING:  # implemented by WOEBinner

        def _check_fitted(self) -> None: ...

        def _feature(self, feature: str) -> FeatureBinning: ...

        def _names(self) -> list[str]: ...

        def _aligned_columns(self, X: Any) -> Columns: ...

        def _numeric_from_splits(
            self, table: CountTable, splits: Sequence[float], trend: str | None
        ) -> FeatureBinning: ...

        def _categorical_from_groups(
            self, table: CountTable, cats: Sequence[tuple[str, ...]], trend: str | None
        ) -> FeatureBinning: ...

    def _apply_manual_bins(self, X: Any, y: Any, w: Any) -> None:
        for feature, spec in (self.manual_bins or {}).items():
            if not isinstance(spec, Mapping) or ("splits" in spec) == ("groups" in spec):
                raise DataError(
                    f"manual_bins[{feature!r}] must be a dict with 'splits' (numeric) or "
                    "'groups' (categorical) and a 'reason'."
                )
            splits = spec["splits"] if "splits" in spec else spec["groups"]
            reason = spec.get("reason", "")
            self._set_splits(feature, splits, reason, "manual_bins", X, y, w)

    def manual_bins_from_overrides(self) -> dict[str, dict[str, Any]]:
        """The current bins of every overridden feature, as a ``manual_bins`` parameter.

        Use it to carry interactive overrides into an estimator that refits the binner,
        e.g. ``Scorecard(binner=WOEBinner(manual_bins=binner.manual_bins_from_overrides()))``.

        Examples
        --------
        >>> from overdue_risk.binning import CountTable, WOEBinner
        >>> t = CountTable.from_counts("age", [40, 25, 15, 8, 3], [60, 75, 85, 92, 7],
        ...                            splits=[25, 35, 45])
        >>> b = WOEBinner(max_n_bins=4, min_bin_frac=0.1).fit_from_counts([t])
        >>> _ = b.merge_bins("age", 1, 2, reason="policy cut-off at 45")
        >>> b.manual_bins_from_overrides()
        {'age': {'splits': [25.0, 45.0], 'reason': 'policy cut-off at 45'}}
        """
        self._check_fitted()
        out: dict[str, dict[str, Any]] = {}
        for o in self.overrides_:
            name = o["feature"]
            fb = self.bins_[name]
            key = "splits" if fb.kind == "numeric" else "groups"
            reasons = [r for r in (out.get(name, {}).get("reason"), o["reason"]) if r]
            out[name] = {key: self._layout(fb), "reason": "; ".join(dict.fromkeys(reasons))}
        return out

    # ------------------------------------------------------------------ manual adjustment
    def _record(self, feature: str, action: str, before: Any, after: Any, reason: str) -> None:
        self.overrides_.append(
            {
                "feature": feature,
                "action": action,
                "before": before,
                "after": after,
                "reason": reason,
                "timestamp": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    @staticmethod
    def _layout(fb: FeatureBinning) -> Any:
        return list(fb.splits) if fb.kind == "numeric" else [list(c) for c in fb.categories]

    def _replace(self, fb: FeatureBinning, action: str, reason: str) -> None:
        old = self.bins_[fb.name]
        self._record(fb.name, action, self._layout(old), self._layout(fb), reason)
        self.bins_[fb.name] = fb
        self.iv_[fb.name] = fb.iv

    @staticmethod
    def _check_reason(reason: str) -> str:
        if not isinstance(reason, str) or not reason.strip():
            raise DataError("A manual override needs a reason (reason='...') for the audit trail.")
        return reason.strip()

    def merge_bins(self, feature: str, i: int, j: int, *, reason: str) -> FeatureBinning:
        """Merge regular bins ``i`` and ``j`` of one feature by hand; WOE refit from counts.

        Numeric bins ``i..j`` (adjacent range) become one bin; for a categorical feature the
        categories of bins ``i`` and ``j`` are pooled. The change is recorded in
        ``overrides_``.

        Parameters
        ----------
        feature : str
            Feature name.
        i, j : int
            Regular bin indices.
        reason : str
            Why (required: it goes into the audit trail and the exported spec).

        Returns
        -------
        FeatureBinning
            The new binning of the feature (also in ``bins_``).

        Examples
        --------
        >>> import numpy as np
        >>> from overdue_risk.binning import CountTable, WOEBinner
        >>> t = CountTable.from_counts("age", [40, 25, 15, 8, 3], [60, 75, 85, 92, 7],
        ...                            splits=[25, 35, 45])
        >>> b = WOEBinner(max_n_bins=4, min_bin_frac=0.1).fit_from_counts([t])
        >>> b.merge_bins("age", 1, 2, reason="policy cut-off at 45").splits
        (25.0, 45.0)
        >>> b.overrides_[0]["action"], b.overrides_[0]["before"], b.overrides_[0]["after"]
        ('merge_bins', [25.0, 35.0, 45.0], [25.0, 45.0])
        """
        reason = self._check_reason(reason)
        fb = self._feature(feature)
        lo, hi = sorted((int(i), int(j)))
        if lo < 0 or hi >= fb.n_bins or lo == hi:
            raise DataError(
                f"merge_bins({feature!r}, {i}, {j}): need two different regular bins in "
                f"0..{fb.n_bins - 1}."
            )
        table = self.count_tables_[feature]
        if fb.kind == "numeric":
            splits = fb.splits[:lo] + fb.splits[hi:]
            new = self._numeric_from_splits(table, splits, None)
        else:
            cats = list(fb.categories)
            merged = tuple(sorted(cats[lo] + cats[hi]))
            cats = [c for k, c in enumerate(cats) if k not in (lo, hi)]
            cats.insert(lo, merged)
            new = self._categorical_from_groups(table, cats, None)
        self._replace(new, "merge_bins", reason)
        return new

    def set_splits(
        self,
        feature: str,
        splits: Sequence[Any],
        *,
        reason: str,
        X: Any = None,
        y: Any = None,
        sample_weight: Any = None,
    ) -> FeatureBinning:
        """Set a feature's bins by hand; WOE refit from the stored pre-bin counts.

        Numeric: ``splits`` are cut points. Pre-bin edges (``count_tables_[feature].splits``)
        need no data, since their counts are stored; any other cut point needs the training
        data again (``X``, ``y``, ``sample_weight``) to recount the feature on the finer
        pre-bins. Categorical: ``splits`` is a list of category groups (every fitted
        category exactly once).

        Parameters
        ----------
        feature : str
            Feature name.
        splits : sequence of float, or sequence of sequences of str
            Numeric cut points, or categorical groups.
        reason : str
            Why (required: it goes into the audit trail and the exported spec).
        X, y, sample_weight : optional
            The training data, needed only for numeric cut points off the pre-bin edges.

        Returns
        -------
        FeatureBinning
            The new binning of the feature (also in ``bins_``).

        Examples
        --------
        >>> from overdue_risk.binning import CountTable, WOEBinner
        >>> t = CountTable.from_counts("age", [40, 25, 15, 8, 3], [60, 75, 85, 92, 7],
        ...                            splits=[25, 35, 45])
        >>> b = WOEBinner(max_n_bins=2, min_bin_frac=0.1).fit_from_counts([t])
        >>> b.set_splits("age", [25, 45], reason="reviewer: three bands").n_bins
        3
        """
        return self._set_splits(feature, splits, reason, "set_splits", X, y, sample_weight)

    def _set_splits(
        self,
        feature: str,
        splits: Sequence[Any],
        reason: str,
        action: str,
        X: Any,
        y: Any,
        sample_weight: Any,
    ) -> FeatureBinning:
        reason = self._check_reason(reason)
        fb = self._feature(feature)
        table = self.count_tables_[feature]
        if fb.kind == "numeric":
            try:
                new_splits = sorted({float(s) for s in splits})
            except (TypeError, ValueError):
                raise DataError(f"set_splits({feature!r}): splits must be numbers.") from None
            allowed = set(table.splits)
            bad = [v for v in new_splits if v not in allowed]
            if bad and X is None:
                raise DataError(
                    f"set_splits({feature!r}): {format_values(bad)} are not pre-bin edges, so "
                    "their counts are not stored. Pass the training data too "
                    "(set_splits(..., X=X, y=y)) or use edges from "
                    f"{format_values(table.splits, 30)}."
                )
            if bad:
                table = self._recount(feature, sorted(allowed | set(bad)), X, y, sample_weight)
            new = self._numeric_from_splits(table, tuple(new_splits), None)
        else:
            groups = [tuple(sorted(str(c) for c in g)) for g in splits]
            flat = [c for g in groups for c in g]
            fitted = sorted(c for g in fb.categories for c in g)
            if sorted(flat) != fitted:
                raise DataError(
                    f"set_splits({feature!r}): the groups must list every fitted category "
                    f"exactly once; fitted categories are {format_values(fitted, 30)}."
                )
            new = self._categorical_from_groups(table, groups, None)
        self._replace(new, action, reason)
        return new

    def _recount(
        self, feature: str, edges: Sequence[float], X: Any, y: Any, sample_weight: Any
    ) -> CountTable:
        """Recount one numeric feature on finer pre-bin edges (for set_splits)."""
        cols = as_columns(X)
        if feature not in cols:
            if cols.named and len(cols) != len(self._names()):
                raise DataError(f"set_splits: X has no column {feature!r}.")
            cols = self._aligned_columns(X)
        x = check_finite(cols.numeric(feature), feature)
        target = check_binary_target(y, pos_label=getattr(self, "pos_label", None))
        check_consistent_length(X=x, y=target)
        w = check_sample_weight(sample_weight, target.shape[0])
        old = self.count_tables_[feature]
        table = CountTable.from_data(
            feature, x, target, w, splits=list(edges), special_codes=old.special_codes
        )
        if not np.isclose(table.total, old.total, rtol=1e-9):
            raise DataError(
                f"set_splits({feature!r}): X, y carry total weight {table.total:g} but the "
                f"binner was fitted on {old.total:g}. Pass the training data."
            )
        self.count_tables_[feature] = table
        return table
