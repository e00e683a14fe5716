"""WOEBinner: exact optimal WOE binning of many columns as a scikit-learn transformer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import validate_data

from overdue_risk._columns import Columns, as_columns
from overdue_risk._estimator import (
    check_fitted,
    check_target,
    data_errors,
    instance_of,
    integer,
    one_of,
    real,
    validate_params,
)
from overdue_risk._validation import (
    check_consistent_length,
    check_finite,
    check_sample_weight,
    format_values,
)
from overdue_risk.binning._categorical import CategoricalBinningMixin
from overdue_risk.binning._counts import (
    CountTable,
    categorical_dtype_names,
    is_categorical_column,
)
from overdue_risk.binning._feature import UNSEEN_POLICIES, FeatureBinning
from overdue_risk.binning._incremental import IncrementalBinningMixin
from overdue_risk.binning._overrides import ManualBinningMixin
from overdue_risk.binning._prebin import numeric_prebin_counts
from overdue_risk.binning._solver import SMOOTHING, solve_binning
from overdue_risk.binning._table import BinningSummary, BinningTable, gini_ks_from_counts
from overdue_risk.exceptions import ConstraintError, DataError

__all__ = ["WOEBinner"]

TRENDS = ("ascending", "descending", "peak", "valley", "auto", None)
OUTPUTS = ("woe", "index", "event_rate")


class WOEBinner(
    IncrementalBinningMixin,
    CategoricalBinningMixin,
    ManualBinningMixin,
    OneToOneFeatureMixin,  # type: ignore[misc]
    TransformerMixin,  # type: ignore[misc]
    BaseEstimator,  # type: ignore[misc]
):
    """Exact optimal WOE binning of numeric and categorical columns.

    Each numeric column is cut into pre-bins (weighted quantiles or a Gini tree, or the
    ``user_splits`` you give); an exact dynamic programme then merges adjacent pre-bins
    into the bins of maximum information value subject to the constraints (minimum bin
    size, events and non-events, maximum number of bins, monotonic trend of the event
    rate). Categorical columns are ordered by event rate (rare categories pooled) and
    solved the same way. Missing values (``None``, NaN, ``pd.NA``) get their own bin; so
    does each special code.

    Parameters
    ----------
    max_n_bins : int or None, default=8
        Maximum number of regular bins (missing and special bins not counted).
    monotonic_trend : {"auto", "ascending", "descending", "peak", "valley", None}, \
default="auto"
        Order imposed on the event rates of the regular numeric bins (ascending = risk
        rises with the value). "peak" rises then falls, "valley" falls then rises (each may
        degenerate to a monotone shape). "auto" solves peak and valley and keeps the higher
        IV, preferring a monotone shape on ties; ``trend`` in ``bins_`` records the shape
        chosen. Categorical bins are always ascending in their event-rate order.
    min_bin_frac : float, default=0.05
        Minimum share of the feature's regular (non-missing, non-special) weighted rows in
        each regular bin (as the pre-binning of optbinning counts it).
    auto_min_iv_gain : float, default=0.05
        Under "auto", the relative IV gain (0.05 = 5%) a peak/valley binning needs over the
        best monotone one. A monotone card is easier to explain and to defend; 5% is about
        the IV the best monotone binning typically loses to noise alone when a few extra
        bins are fitted (see the user guide), so smaller gains are not evidence of a shape.
    auto_alpha : float or None, default=0.01
        Under "auto", the level of a likelihood-ratio test that the peak/valley bins carry
        information the monotone bins do not (Bonferroni-adjusted for the search over cut
        positions); None skips the test. Weighted counts are
        taken as frequencies (an integer weight = that many rows, as in scikit-learn), so
        with sampling weights normalise them to mean 1 first. It protects small samples,
        where a 5% gain is easily noise; the IV gain protects large ones, where everything
        is significant.
    min_event_count, min_nonevent_count : float, default=1
        Minimum (weighted) events and non-events per regular bin.
    special_codes : sequence of float, or dict of column -> sequence, default=None
        Numeric values that get their own bin (checked before the splits), for every
        numeric column (a list) or per column (a dict). A code that never occurs gets an
        empty bin with WOE 0. Categorical columns need none: each value is a category.
    user_splits : dict of column -> sequence, default=None
        Numeric column: candidate split points that replace the pre-binning. Categorical
        column: a list of category groups (a list of lists, every category seen in
        training in exactly one group; categories listed but not seen get the group's
        bin) that replaces the event-rate ordering and rare-category pooling; the solver
        merges adjacent groups in the given order under ``monotonic_trend``.
    n_prebins : int, default=20
        Maximum number of pre-bins per numeric column.
    prebinning : {"tree", "quantile"}, default="tree"
        Pre-binning method (see :func:`prebin_splits`).
    categorical_features : "auto" or sequence of column names/indices, default="auto"
        Which columns are categorical. "auto": pandas/polars categorical columns, and
        object/string columns whose values are strings; numeric dtypes are numeric.
    rare_category_frac : float, default=0.01
        Categories with a smaller share of the rows are pooled into one pre-bin (unless
        every category is that rare: then each stays its own pre-bin).
    unseen_policy : {"worst", "missing", "neutral", "error"}, default="worst"
        WOE given to a category not seen in training: the lowest WOE of any non-empty bin
        (conservative), the missing bin's, 0, or raise a DataError.
    output : {"woe", "index", "event_rate"}, default="woe"
        What ``transform`` returns: WOE, the bin index (layout of ``FeatureBinning``) or
        the event rate of the bin.
    manual_bins : dict of column -> dict, default=None
        Reviewed bins that replace the optimal ones at every ``fit``, each
        ``{"splits": [...], "reason": "..."}`` (numeric) or ``{"groups": [[...], ...],
        "reason": "..."}`` (categorical); recorded in ``overrides_`` with action
        "manual_bins". Being a parameter, it survives ``clone`` (a Scorecard refits its
        binner); :meth:`manual_bins_from_overrides` turns interactive overrides into it.
    pos_label : scalar or None, default=None
        The label of ``y`` that marks the event (default). Needed unless ``y`` holds 0/1
        or bools (the library's one target rule, ``check_binary_target``).

    Attributes
    ----------
    bins_ : dict of str -> FeatureBinning
        Fitted binning per feature.
    count_tables_ : dict of str -> CountTable
        Pre-bin counts (the sufficient statistics; manual adjustments refit from them).
    iv_ : dict of str -> float
        Information value per feature.
    overrides_ : list of dict
        Manual adjustments (feature, action, before, after, reason, timestamp).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names (DataFrame input with string column names only).

    See Also
    --------
    CountTable : mergeable counts for data larger than memory.
    solve_binning : the exact solver.

    Notes
    -----
    WOE of bin ``i`` is ``ln((nonevents_i / N) / (events_i / E))`` over the totals of all
    bins, so higher WOE means lower risk and a logistic regression on WOE has negative
    coefficients. A bin without events or without non-events has 0.5 x the mean sample
    weight (0.5 without weights) added to both counts (Haldane-Anscombe), so WOE is always
    finite and does not change when all weights are multiplied by a constant; an empty bin
    has WOE 0.

    References
    ----------
    .. [1] Siddiqi, N. (2017). *Intelligent Credit Scoring*, 2nd ed., Wiley.
    .. [2] Navas-Palencia, G. (2020). Optimal binning: mathematical programming
       formulation. arXiv:2001.08025.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 2))
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(2 - x[:, 0]))).astype(int)
    >>> binner = WOEBinner(max_n_bins=4).fit(x, y)
    >>> binner.bins_["x0"].trend, binner.bins_["x0"].n_bins
    ('ascending', 4)
    >>> woe = binner.transform(x)
    >>> bool(np.all(np.diff(binner.bins_["x0"].woe[:4]) < 0))
    True
    """

    def __init__(
        self,
        max_n_bins: int | None = 8,
        *,
        monotonic_trend: str | None = "auto",
        auto_min_iv_gain: float = 0.05,
        auto_alpha: float | None = 0.01,
        min_bin_frac: float = 0.05,
        min_event_count: float = 1,
        min_nonevent_count: float = 1,
        special_codes: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
        user_splits: Mapping[str, Sequence[Any]] | None = None,
        n_prebins: int = 20,
        prebinning: str = "tree",
        categorical_features: str | Sequence[str | int] = "auto",
        rare_category_frac: float = 0.01,
        unseen_policy: str = "worst",
        output: str = "woe",
        manual_bins: Mapping[str, Mapping[str, Any]] | None = None,
        pos_label: Any = None,
    ) -> None:
        self.max_n_bins = max_n_bins
        self.monotonic_trend = monotonic_trend
        self.auto_min_iv_gain = auto_min_iv_gain
        self.auto_alpha = auto_alpha
        self.min_bin_frac = min_bin_frac
        self.min_event_count = min_event_count
        self.min_nonevent_count = min_nonevent_count
        self.special_codes = special_codes
        self.user_splits = user_splits
        self.n_prebins = n_prebins
        self.prebinning = prebinning
        self.categorical_features = categorical_features
        self.rare_category_frac = rare_category_frac
        self.unseen_policy = unseen_policy
        self.output = output
        self.manual_bins = manual_bins
        self.pos_label = pos_label

    # ------------------------------------------------------------------ validation
    _param_rules = {  # noqa: RUF012 - read-only class table of parameter rules
        "max_n_bins": integer(low=1, none=True),
        "monotonic_trend": one_of(*TRENDS),
        "auto_min_iv_gain": real(low=0),
        "auto_alpha": real(0, 1, closed="neither", none=True),
        "min_bin_frac": real(0, 1, closed="left"),
        "min_event_count": real(low=0),
        "min_nonevent_count": real(low=0),
        "special_codes": instance_of(
            "a list of numbers or a dict column -> list", Sequence, Mapping, np.ndarray, none=True
        ),
        "user_splits": instance_of("a dict column -> cut points or groups", Mapping, none=True),
        "n_prebins": integer(low=1),
        "prebinning": one_of("quantile", "tree"),
        "categorical_features": instance_of(
            '"auto" or a list of columns', str, Sequence, np.ndarray
        ),
        "rare_category_frac": real(0, 1, closed="left"),
        "unseen_policy": one_of(*UNSEEN_POLICIES),
        "output": one_of(*OUTPUTS),
        "manual_bins": instance_of("a dict column -> reviewed bins", Mapping, none=True),
    }

    def _validate_params(self) -> None:
        validate_params(self)

    def _codes_for(self, name: str) -> tuple[float, ...]:
        sc = self.special_codes
        if sc is None:
            return ()
        codes = sc.get(name, ()) if isinstance(sc, Mapping) else sc
        try:
            out = tuple(float(c) for c in codes)
        except (TypeError, ValueError):
            raise DataError(
                f"special_codes for column {name!r} must be numbers; got {list(codes)!r}."
            ) from None
        if any(not np.isfinite(c) for c in out):
            raise DataError(
                f"special_codes for column {name!r} must be finite; got {list(out)!r}. "
                "Missing values already have their own bin."
            )
        return tuple(dict.fromkeys(out))

    def _check_column_keys(self, names: list[str]) -> None:
        """Per-column parameters must name columns of X (a typo would be silently ignored)."""
        for param in ("user_splits", "special_codes", "manual_bins"):
            value = getattr(self, param)
            if isinstance(value, Mapping):
                unknown = [k for k in value if str(k) not in names]
                if unknown:
                    raise DataError(
                        f"{param} names columns {format_values(unknown)} that X does not have; "
                        f"X has {format_values(names)}. Fix the names."
                    )

    def _categorical_set(self, names: list[str]) -> set[str] | None:
        cf = self.categorical_features
        if isinstance(cf, str):
            if cf != "auto":
                raise DataError(
                    f'categorical_features must be "auto" or a list of columns; got {cf!r}.'
                )
            return None
        out = set()
        for c in cf:
            if isinstance(c, int | np.integer) and not isinstance(c, bool):
                if not 0 <= int(c) < len(names):
                    raise DataError(f"categorical_features index {c} is out of range.")
                out.add(names[int(c)])
            elif str(c) in names:
                out.add(str(c))
            else:
                raise DataError(
                    f"categorical_features names column {c!r}, which X does not have; "
                    f"X has {format_values(names)}."
                )
        return out

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> WOEBinner:
        """Bin every column of ``X`` against the 0/1 target ``y``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Numeric and categorical columns; missing values allowed.
        y : array-like of shape (n_samples,)
            0/1 target (1 = event, e.g. default), or two labels with ``pos_label``.
        sample_weight : array-like of shape (n_samples,), optional
            Row weights.

        Returns
        -------
        WOEBinner
            The fitted binner.
        """
        self._validate_params()
        cols, target, w = self._check_xy(X, y, sample_weight, reset=True)
        names = list(cols.names)
        cat_set = self._categorical_set(names)
        self._check_column_keys(names)
        cat_dtypes = categorical_dtype_names(X)
        tables: dict[str, CountTable] = {}
        for name in names:
            if cat_set is not None:
                is_cat = name in cat_set
            else:
                is_cat = name in cat_dtypes or is_categorical_column(cols.column(name), name)
            tables[name] = self._count(name, cols, target, w, is_cat)
        self.n_features_in_ = len(names)
        self._fit_tables(tables)
        self._apply_manual_bins(X, target, w)
        return self

    def _check_xy(
        self, X: Any, y: Any, sample_weight: Any, *, reset: bool
    ) -> tuple[Columns, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Columns, 0/1 target and weights of one batch, validated."""
        if y is None:
            check_target(self, y)  # raises, naming the estimator
        cols = as_columns(X)
        self._set_feature_names(X, list(cols.names), reset=reset)
        n = cols.n_rows
        if n == 0:
            raise DataError(
                f"Found array with 0 sample(s) (shape=(0, {len(cols)})) while a minimum of "
                "2 is required by WOEBinner. Pass at least two rows."
            )
        if not len(cols):
            raise DataError(
                f"Found array with 0 feature(s) (shape=({len(np.asarray(y).reshape(-1))}, 0)) "
                "while a minimum of 1 is required by WOEBinner. Pass at least one column."
            )
        yarr = np.asarray(y)
        if yarr.dtype.kind == "c":
            raise DataError("Complex data not supported in y; pass a 0/1 default flag.")
        check_consistent_length(X=np.empty(n), y=yarr.reshape(-1) if yarr.ndim else [yarr])
        if n == 1 and reset:
            raise DataError("X has 1 sample; n_samples = 1 cannot be binned. Pass more rows.")
        target, _ = check_target(self, y, allow_single_class=not reset)
        w = check_sample_weight(sample_weight, n)
        if not reset and len(cols) != self.n_features_in_:
            raise DataError(
                f"X has {len(cols)} features, but WOEBinner is expecting "
                f"{self.n_features_in_} features as input. partial_fit needs the columns of "
                "the first chunk in every chunk."
            )
        return (cols if reset else self._aligned_columns(X)), target, w

    def _aligned_columns(self, X: Any) -> Columns:
        """``X`` through the one column adapter, its columns named as in ``fit``.

        Read by name when the names are the fitted ones, else by position (a 2-D array,
        or a frame whose names scikit-learn's check already let through).
        """
        fitted = self._names()
        cols = as_columns(X)
        if list(cols.names) == fitted:
            return cols
        if len(cols) != len(fitted):
            raise DataError(
                f"X has {len(cols)} features, but WOEBinner is expecting {len(fitted)} "
                "features as input."
            )
        if not cols.named:
            return as_columns(X, names=fitted)
        return as_columns({f: cols.raw(n) for f, n in zip(fitted, cols.names, strict=True)})

    def _values(self, cols: Columns, name: str, kind: str) -> npt.NDArray[Any]:
        """Column ``name`` as a feature of ``kind`` reads it (numbers parsed, checked)."""
        if kind == "numeric":
            return check_finite(cols.numeric(name), name)
        return cols.column(name)

    def _count(
        self,
        name: str,
        cols: Columns,
        y: npt.NDArray[np.int64],
        w: npt.NDArray[np.float64],
        is_cat: bool,
    ) -> CountTable:
        if is_cat:
            sc = self.special_codes
            if isinstance(sc, Mapping) and sc.get(name):
                raise DataError(
                    f"special_codes were given for categorical column {name!r}; special "
                    "values of a categorical column are already categories. Remove them."
                )
            table = CountTable.from_data(name, cols.column(name), y, w, kind="categorical")
        else:
            x = self._values(cols, name, "numeric")
            codes = self._codes_for(name)
            miss = np.isnan(x)
            irregular = np.isin(x, codes) | miss if codes else miss
            us = (self.user_splits or {}).get(name) if self.user_splits is not None else None
            user = None
            if us is not None:
                try:
                    user_arr = np.asarray(list(us), dtype=np.float64)
                except (TypeError, ValueError):
                    raise DataError(
                        f"user_splits for numeric column {name!r} must be a list of numbers "
                        f"(cut points); got {list(us)!r}. Category groups apply only to "
                        "categorical columns (see categorical_features)."
                    ) from None
                if user_arr.ndim != 1:
                    raise DataError(
                        f"user_splits for numeric column {name!r} must be a flat list of "
                        "cut points; category groups apply only to categorical columns."
                    )
                user = np.unique(check_finite(user_arr, name))
            yf = y.astype(np.float64)
            # every value regular (the common case): no three gathers of n rows (issue 19)
            some = bool(irregular.any())
            regular = ~irregular if some else slice(None)
            edges, ev, ne = numeric_prebin_counts(
                x[regular],
                yf[regular],
                w[regular],
                n_prebins=int(self.n_prebins),
                method=self.prebinning,
                min_prebin_frac=float(self.min_bin_frac),
                user_splits=user,
            )
            if some:
                wy, wn = w * yf, w * (1.0 - yf)
                extra_e = [float(wy[miss].sum())] + [float(wy[x == c].sum()) for c in codes]
                extra_n = [float(wn[miss].sum())] + [float(wn[x == c].sum()) for c in codes]
            else:
                extra_e = extra_n = [0.0] * (1 + len(codes))
            table = CountTable(
                name,
                "numeric",
                tuple(edges.tolist()),
                (),
                codes,
                np.concatenate((ev, extra_e)),
                np.concatenate((ne, extra_n)),
                float(np.count_nonzero(w > 0)),
            )
        if (
            table.total > 0
            and table.event[table.n_prebins] + table.nonevent[table.n_prebins] >= table.total
        ):
            raise DataError(
                f"Column {name!r} is entirely missing ({len(y)} rows). It carries no "
                "information: drop it before binning."
            )
        return table

    def _fit_tables(self, tables: dict[str, CountTable]) -> None:
        bins: dict[str, FeatureBinning] = {}
        for name, table in tables.items():
            bins[name] = self._solve_table(table)
        self.count_tables_ = tables
        self.bins_ = bins
        self.iv_ = {name: fb.iv for name, fb in bins.items()}
        self.overrides_: list[dict[str, Any]] = []

    def _constraint_error(self, table: CountTable, ev: float, ne: float) -> ConstraintError:
        """Name the binding constraint (only the event minimums can bind).

        ``min_bin_frac`` is a share of the regular rows, which one bin always satisfies.
        """
        if ev < self.min_event_count:
            why = (
                f"min_event_count={self.min_event_count}: its regular (non-missing, "
                f"non-special) values have only {ev:g} events. Lower min_event_count"
            )
        else:
            why = (
                f"min_nonevent_count={self.min_nonevent_count}: its regular (non-missing, "
                f"non-special) values have only {ne:g} non-events. Lower min_nonevent_count"
            )
        return ConstraintError(f"No binning of feature {table.name!r} satisfies {why}.")

    def _solve_table(self, table: CountTable) -> FeatureBinning:
        p = table.n_prebins
        total_e, total_n = float(table.event.sum()), float(table.nonevent.sum())
        ev, ne = table.event[:p], table.nonevent[:p]
        if table.kind == "categorical":
            return self._solve_categorical(table, total_e, total_n)
        if ev.sum() + ne.sum() <= 0:  # only missing / special values: one empty regular bin
            return self._numeric_from_starts(table, (0,), "ascending")
        res = self._solve_counts(table, ev, ne, total_e, total_n, self.monotonic_trend)
        return self._numeric_from_starts(table, res.starts, res.trend, self._reason(res))

    def _solve_counts(
        self,
        table: CountTable,
        ev: npt.NDArray[np.float64],
        ne: npt.NDArray[np.float64],
        total_e: float,
        total_n: float,
        trend: str | None,
    ) -> Any:
        """The exact solver on the regular pre-bins ``ev, ne`` under the constraints."""
        res = solve_binning(
            ev,
            ne,
            total_events=total_e,
            total_nonevents=total_n,
            trend=trend,
            max_n_bins=self.max_n_bins,
            min_size=self.min_bin_frac * float(ev.sum() + ne.sum()),
            min_events=self.min_event_count,
            min_nonevents=self.min_nonevent_count,
            auto_min_iv_gain=float(self.auto_min_iv_gain),
            auto_alpha=self.auto_alpha,
            weight_unit=table.weight_unit,
        )
        if not res.feasible:
            raise self._constraint_error(table, float(ev.sum()), float(ne.sum()))
        return res

    def _reason(self, res: Any) -> str:
        if self.monotonic_trend == "auto":
            return str(res.reason)
        return f"monotonic_trend={self.monotonic_trend!r} imposed"

    def _numeric_from_starts(
        self, table: CountTable, starts: Sequence[int], trend: str | None, reason: str = ""
    ) -> FeatureBinning:
        splits = tuple(table.splits[s - 1] for s in starts[1:])
        return self._numeric_from_splits(table, splits, trend, reason)

    def _numeric_from_splits(
        self, table: CountTable, splits: Sequence[float], trend: str | None, reason: str = ""
    ) -> FeatureBinning:
        p = table.n_prebins
        edges = np.asarray(table.splits, dtype=np.float64)
        # pre-bin j lies in bin searchsorted(splits, lower edge of j, "right")
        lower = np.concatenate(([-np.inf], edges))
        group = np.searchsorted(np.asarray(splits, dtype=np.float64), lower, side="right")
        n_bins = len(splits) + 1
        ev = np.r_[np.bincount(group, weights=table.event[:p], minlength=n_bins), table.event[p:]]
        ne = np.r_[
            np.bincount(group, weights=table.nonevent[:p], minlength=n_bins), table.nonevent[p:]
        ]
        return FeatureBinning.from_counts(
            table.name,
            "numeric",
            ev,
            ne,
            splits=tuple(splits),
            special_codes=table.special_codes,
            unseen_policy="missing",
            trend=trend,
            trend_reason=reason,
            smoothing=SMOOTHING * table.weight_unit,
        )

    # ------------------------------------------------------------------ applying
    def _check_fitted(self) -> None:
        check_fitted(self, "bins_")

    def _set_feature_names(self, X: Any, names: list[str], *, reset: bool) -> None:
        """Record (``reset``) or check the input column names (a dict's keys count)."""
        if isinstance(X, Mapping):
            if reset:
                self.feature_names_in_ = np.asarray(names, dtype=object)
            elif hasattr(self, "feature_names_in_") and names != self._names():
                raise DataError(
                    f"X has columns {format_values(names)}, but WOEBinner was fitted on "
                    f"{format_values(self._names())}. Pass the fitted columns in that order."
                )
            return
        with data_errors("WOEBinner", "Pass the columns the binner was fitted on."):
            validate_data(self, X, reset=reset, skip_check_array=True)

    def _names(self) -> list[str]:
        if hasattr(self, "feature_names_in_"):
            return [str(c) for c in self.feature_names_in_]
        return [f"x{i}" for i in range(self.n_features_in_)]

    def transform(self, X: Any) -> npt.NDArray[Any]:
        """WOE (or bin index / event rate, per ``output``) of every column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            float64 (int64 for ``output="index"``).
        """
        self._check_fitted()
        self._set_feature_names(X, list(as_columns(X).names), reset=False)
        cols = self._aligned_columns(X)
        fitted = self._names()
        out = np.empty(
            (cols.n_rows, len(fitted)), dtype=np.int64 if self.output == "index" else np.float64
        )
        for j, name in enumerate(fitted):
            fb = self.bins_[name]
            idx = fb.bin_index(self._values(cols, name, fb.kind))
            if self.output == "index":
                out[:, j] = idx
            elif self.output == "woe":
                out[:, j] = fb.woe[idx]
            else:
                out[:, j] = fb.event_rate[idx]
        return out

    # ------------------------------------------------------------------ reporting
    def binning_table(self, feature: str) -> BinningTable:
        """The binning table of one feature.

        Examples
        --------
        >>> import numpy as np
        >>> x = np.arange(100.0).reshape(-1, 1)
        >>> y = (np.arange(100) % 3 == 0) | (np.arange(100) > 80)
        >>> table = WOEBinner(max_n_bins=3).fit(x, y).binning_table("x0")
        >>> table.labels[-1]
        'Missing'
        """
        self._check_fitted()
        return BinningTable.from_feature(self._feature(feature))

    def summary(self) -> BinningSummary:
        """IV, Gini, KS, bins and trend per feature (a result object with ``to_frame``)."""
        self._check_fitted()
        names = list(self.bins_)
        gks = [
            gini_ks_from_counts(fb.event_count[:-1], fb.nonevent_count[:-1], fb.woe[:-1])
            for fb in self.bins_.values()
        ]
        return BinningSummary(
            features=tuple(names),
            kinds=tuple(fb.kind for fb in self.bins_.values()),
            n_bins=tuple(fb.n_bins for fb in self.bins_.values()),
            trends=tuple(fb.trend for fb in self.bins_.values()),
            iv=tuple(fb.iv for fb in self.bins_.values()),
            gini=tuple(g for g, _ in gks),
            ks=tuple(k for _, k in gks),
        )

    def _feature(self, feature: str) -> FeatureBinning:
        self._check_fitted()
        if feature not in self.bins_:
            raise DataError(
                f"Unknown feature {feature!r}; the binner has {format_values(list(self.bins_))}."
            )
        return self.bins_[feature]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.target_tags.required = True
        # binary target only: scikit-learn's checks then feed a two-valued y
        from sklearn.utils import ClassifierTags

        tags.classifier_tags = ClassifierTags(multi_class=False)
        return tags
