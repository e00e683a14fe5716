"""The fitted binning of one feature: bins, counts, WOE, and the one bin-index mapping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overdue_risk._validation import FloatArray, format_values
from overdue_risk.binning._counts import as_numeric_column, bin_of, factorize_categories
from overdue_risk.binning._solver import SMOOTHING, woe_iv
from overdue_risk.exceptions import DataError

__all__ = ["UNSEEN_POLICIES", "BinLayout", "FeatureBinning"]


#: What transform does with a category not seen in training.
UNSEEN_POLICIES = ("worst", "missing", "neutral", "error")


def _fmt(v: float) -> str:
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = f"{v:.6g}"
    return text if "e" in text or "." in text else f"{text}.0"


@dataclass(frozen=True, eq=False)
class BinLayout:
    """The bins of one feature in the index layout: what a binning and a card feature share.

    ``[regular 0 .. n_bins-1, missing, special_0 .. special_{s-1}, unseen]``: the regular
    bins from ``splits`` (numeric) or ``categories`` (categorical), then the missing slot,
    a slot per special code and the unseen slot. :class:`FeatureBinning` adds the counts
    and WOE, ``overdue_risk.scorecard``'s ``CardFeature`` the points.

    Examples
    --------
    >>> layout = BinLayout("age", "numeric", (25.0, 40.0), (), (-1.0,), "missing")
    >>> layout.n_bins, layout.n_slots
    (3, 6)
    """

    name: str
    kind: str
    splits: tuple[float, ...]
    categories: tuple[tuple[str, ...], ...]
    special_codes: tuple[float, ...]
    unseen_policy: str

    @property
    def n_bins(self) -> int:
        """Number of regular bins."""
        return len(self.splits) + 1 if self.kind == "numeric" else len(self.categories)

    @property
    def n_slots(self) -> int:
        """Length of the index layout (regular + missing + special + unseen)."""
        return self.n_bins + 2 + len(self.special_codes)


@dataclass(frozen=True, eq=False)
class FeatureBinning(BinLayout):
    """Fitted WOE binning of one feature (frozen; arrays use the index layout).

    Index layout of ``woe``, ``event_count`` and ``nonevent_count``:
    ``[regular 0 .. n_bins-1, missing, special_0 .. special_{s-1}, unseen]``.

    Attributes
    ----------
    name : str
        Feature name.
    kind : {"numeric", "categorical"}
        Feature kind.
    splits : tuple of float
        Numeric: bin of ``x`` is ``searchsorted(splits, x, side="right")``.
    categories : tuple of tuple of str
        Categorical: canonical category strings of each regular bin.
    special_codes : tuple of float
        Numeric codes with their own bins (checked before the splits).
    unseen_policy : str
        Categorical: WOE given to unseen categories ("worst": the lowest WOE of any
        non-empty bin; "missing": the missing bin's; "neutral": 0; "error": raise).
    woe, event_count, nonevent_count : ndarray of float64
        WOE (smoothed, finite) and weighted counts in the index layout (unseen counts 0).
    trend : str or None
        Monotonic trend of the regular bins' event rates that was imposed (under
        ``monotonic_trend="auto"``: the shape chosen).
    trend_reason : str
        Why that trend: for "auto", the IVs of the best monotone and the best peak/valley
        binning, the relative gain and the likelihood-ratio test that decided; for a trend
        given by the user, that it was imposed; empty for manual bins.
    smoothing : float
        Count added to both counts of a bin without events or non-events: 0.5 x the mean
        sample weight (0.5 without weights), so WOE does not depend on the weights' scale.

    Examples
    --------
    >>> fb = FeatureBinning.from_counts("age", "numeric", [10.0, 5.0, 1.0],
    ...                                 [20.0, 40.0, 4.0], splits=(30.0,))
    >>> fb.labels
    ('(-inf, 30.0)', '[30.0, inf)', 'Missing', 'Unseen')
    >>> fb.bin_index([25, 30, None]).tolist()
    [0, 1, 2]
    >>> fb.woe.round(3).tolist()
    [-0.693, 0.693, 0.0, 0.0]
    """

    woe: FloatArray
    event_count: FloatArray
    nonevent_count: FloatArray
    trend: str | None
    trend_reason: str = ""
    smoothing: float = SMOOTHING

    @classmethod
    def from_counts(
        cls,
        name: str,
        kind: str,
        event: npt.ArrayLike,
        nonevent: npt.ArrayLike,
        *,
        splits: tuple[float, ...] = (),
        categories: tuple[tuple[str, ...], ...] = (),
        special_codes: tuple[float, ...] = (),
        unseen_policy: str = "worst",
        trend: str | None = None,
        trend_reason: str = "",
        smoothing: float = SMOOTHING,
    ) -> FeatureBinning:
        """Build from counts in the layout ``[regular..., missing, specials...]`` (WOE computed)."""
        ev = np.asarray(event, dtype=np.float64)
        ne = np.asarray(nonevent, dtype=np.float64)
        total_e, total_n = float(ev.sum()), float(ne.sum())
        woe, _ = woe_iv(ev, ne, max(total_e, 1e-300), max(total_n, 1e-300), smoothing)
        n_bins = len(splits) + 1 if kind == "numeric" else len(categories)
        missing_woe = float(woe[n_bins])
        if kind == "numeric" or unseen_policy in ("missing", "error"):
            unseen = missing_woe
        elif unseen_policy == "neutral":
            unseen = 0.0
        else:  # worst: the riskiest non-empty bin
            nonempty = (ev + ne) > 0
            unseen = float(woe[nonempty].min()) if nonempty.any() else 0.0
        arrays = [np.append(woe, unseen), np.append(ev, 0.0), np.append(ne, 0.0)]
        for arr in arrays:
            arr.setflags(write=False)  # frozen all the way down
        return cls(
            name=name,
            kind=kind,
            splits=tuple(float(s) for s in splits),
            categories=tuple(tuple(c) for c in categories),
            special_codes=tuple(float(c) for c in special_codes),
            unseen_policy=unseen_policy,
            woe=arrays[0],
            event_count=arrays[1],
            nonevent_count=arrays[2],
            trend=trend,
            trend_reason=trend_reason,
            smoothing=float(smoothing),
        )

    @property
    def missing_index(self) -> int:
        """Index of the missing bin."""
        return self.n_bins

    @property
    def unseen_index(self) -> int:
        """Index of the unseen slot (the last)."""
        return self.n_bins + 1 + len(self.special_codes)

    @property
    def labels(self) -> tuple[str, ...]:
        """Bin labels in the index layout."""
        if self.kind == "numeric":
            edges = [-np.inf, *self.splits, np.inf]
            regular = [
                f"{'(' if i == 0 else '['}{_fmt(edges[i])}, {_fmt(edges[i + 1])})"
                for i in range(len(edges) - 1)
            ]
        else:
            regular = [", ".join(c) for c in self.categories]
        specials = [f"Special {_fmt(c)}" for c in self.special_codes]
        return (*regular, "Missing", *specials, "Unseen")

    @property
    def iv(self) -> float:
        """Information value of the feature (sum over regular, missing and special bins)."""
        ev, ne = self.event_count[:-1], self.nonevent_count[:-1]
        e, n = max(float(ev.sum()), 1e-300), max(float(ne.sum()), 1e-300)
        _, iv = woe_iv(ev, ne, e, n, self.smoothing)
        return float(iv.sum())

    @property
    def event_rate(self) -> FloatArray:
        """Event rate implied by each slot's WOE: ``1 / (1 + exp(woe) * N / E)``.

        Equals events / count for bins with both events and non-events; follows the
        smoothing for the others and the unseen policy for the unseen slot.
        """
        e = float(self.event_count.sum())
        n = float(self.nonevent_count.sum())
        return np.asarray(1.0 / (1.0 + np.exp(self.woe) * n / max(e, 1e-300)), dtype=np.float64)

    def bin_index(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Map raw values to the index layout (missing, special codes, unseen handled).

        The one implementation of the bin assignment: numeric bin
        ``searchsorted(splits, x, side="right")`` after special codes and missing values;
        categorical values through their canonical string, unseen ones by the policy.

        Parameters
        ----------
        values : array-like of shape (n,)
            Raw values of this feature.

        Returns
        -------
        ndarray of int64
            Index into ``woe`` / ``labels``.

        Raises
        ------
        DataError
            For non-numeric values in a numeric feature, and for unseen categories when
            ``unseen_policy="error"``.

        Examples
        --------
        >>> fb = FeatureBinning.from_counts("purpose", "categorical", [3.0, 1.0, 0.0],
        ...                                 [7.0, 9.0, 0.0], categories=(("cash",), ("car",)))
        >>> fb.bin_index(["car", None, "boat"]).tolist()
        [1, 2, 3]
        """
        arr = np.asarray(values)
        if arr.ndim != 1:
            arr = arr.reshape(-1)
        if self.kind == "numeric":
            x = as_numeric_column(arr, self.name)
            idx = bin_of(np.asarray(self.splits, dtype=np.float64), x)
            idx[np.isnan(x)] = self.missing_index
            for j, code in enumerate(self.special_codes):
                idx[x == code] = self.n_bins + 1 + j
            return idx.astype(np.int64)
        codes, cats = factorize_categories(arr)
        lookup = {c: i for i, group in enumerate(self.categories) for c in group}
        unseen = self.unseen_index
        table = np.array([lookup.get(c, unseen) for c in cats] + [self.missing_index])
        out = np.asarray(table[codes], dtype=np.int64)
        if self.unseen_policy == "error" and (out == unseen).any():
            new = sorted(c for c in cats if c not in lookup)
            raise DataError(
                f"Column {self.name!r} holds categories not seen in training: "
                f"{format_values(new)}. Map them to known categories, or refit with "
                'unseen_policy="worst", "missing" or "neutral".'
            )
        return out

    def to_spec_dict(self) -> dict[str, Any]:
        """The spec feature object (docs/spec_format.md) without points.

        Examples
        --------
        >>> fb = FeatureBinning.from_counts("age", "numeric", [10.0, 5.0, 0.0],
        ...                                 [20.0, 40.0, 0.0], splits=(30.0,))
        >>> sorted(fb.to_spec_dict())
        ['bins', 'kind', 'name', 'special_codes', 'splits', 'unseen_policy', 'woe']
        """
        n = self.n_bins
        s = len(self.special_codes)
        doc: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.kind == "numeric":
            doc["splits"] = [float(v) for v in self.splits]
        else:
            doc["categories"] = [list(c) for c in self.categories]
        doc["special_codes"] = [float(c) for c in self.special_codes]
        doc["bins"] = list(self.labels[:-1])
        doc["woe"] = {
            "bins": [float(v) for v in self.woe[:n]],
            "missing": float(self.woe[n]),
            "special": [float(v) for v in self.woe[n + 1 : n + 1 + s]],
        }
        doc["unseen_policy"] = self.unseen_policy
        return doc
