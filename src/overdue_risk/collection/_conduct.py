"""Collection conduct as data: permitted hours, contact frequency, parties, legal thresholds.

:class:`ConductRules` holds the rules a collections team must keep; the optimiser
(:func:`~overdue_risk.collection.optimise_actions`) never proposes an action that breaks
them, and :func:`conduct_breaches` checks a log of contacts that already happened.
:mod:`overdue_risk.regulation` re-exports both.

Examples
--------
>>> from overdue_risk.collection import ConductRules, conduct_breaches
>>> log = {"account_id": [1, 1], "timestamp": ["2024-03-01 07:30", "2024-03-01 10:00"],
...        "channel": ["call", "sms"]}
>>> conduct_breaches(log, ConductRules()).rule.tolist()
['permitted_hours']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk._validation import check_keys
from overdue_risk.collection._inputs import table_columns
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ACTIONS", "CONTACT_ACTIONS", "ConductBreaches", "ConductRules", "conduct_breaches"]

#: Every action the collections module knows, mildest first ("none" = no treatment).
ACTIONS: tuple[str, ...] = (
    "none",
    "sms",
    "call",
    "letter",
    "field_visit",
    "repayment_plan",
    "legal",
)
#: Actions that contact the borrower (counted against the frequency limits by default).
CONTACT_ACTIONS: tuple[str, ...] = ("sms", "call", "field_visit", "repayment_plan")

_NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class ConductRules:
    """Rules of conduct for collections, as data (load them from TOML/JSON with ``from_mapping``).

    Parameters
    ----------
    permitted_hours : (int, int), default=(8, 21)
        Local clock hours ``[start, end)`` within which the borrower may be contacted;
        a contact at 21:00 or later, or before 08:00, is a breach.
    max_contacts_per_day : int or None, default=3
        Contacts per account and calendar day (None = no limit).
    max_contacts_per_week : int or None, default=7
        Contacts per account within any 7 consecutive days (None = no limit).
    contact_channels : tuple of str, default=CONTACT_ACTIONS
        Channels counted as contacts by the two frequency limits.
    allowed_parties : tuple of str, default=("debtor", "guarantor")
        Who may be contacted; anyone else (an employer, a relative, a "third_party") is a
        breach.
    min_dpd : tuple of (str, int), default=(("field_visit", 31), ("legal", 90))
        Earliest days past due at which each action may be taken.
    legal_min_npv : float, default=0.0
        Legal action only when its expected net present value is at least this amount.
    sources : tuple of str
        Where the defaults come from (see Notes).

    Notes
    -----
    The defaults follow the 8:00-21:00 contact window and the ban on contacting unrelated
    third parties of the National Internet Finance Association of China's self-regulatory
    convention on overdue-debt collection (2018), and the "7 calls in 7 days" presumption
    of harassment of the US CFPB's Regulation F, 12 CFR 1006.14(b)(2) (2021). The daily
    limit, the field-visit DPD and the legal thresholds are house rules: set your own.

    References
    ----------
    .. [1] National Internet Finance Association of China, 互联网金融逾期债务催收自律公约(试行),
       2018.
    .. [2] Consumer Financial Protection Bureau, Regulation F (Debt Collection Practices),
       12 CFR Part 1006, section 1006.14, 2021.

    Examples
    --------
    >>> rules = ConductRules(max_contacts_per_week=5)
    >>> rules.allows_action("legal", dpd=60)
    False
    >>> ConductRules.from_mapping({"permitted_hours": [9, 20]}).permitted_hours
    (9, 20)
    """

    permitted_hours: tuple[int, int] = (8, 21)
    max_contacts_per_day: int | None = 3
    max_contacts_per_week: int | None = 7
    contact_channels: tuple[str, ...] = CONTACT_ACTIONS
    allowed_parties: tuple[str, ...] = ("debtor", "guarantor")
    min_dpd: tuple[tuple[str, int], ...] = (("field_visit", 31), ("legal", 90))
    legal_min_npv: float = 0.0
    sources: tuple[str, ...] = field(
        default=(
            "NIFA (China) collection self-regulatory convention, 2018: 08:00-21:00, "
            "no unrelated third parties",
            "CFPB Regulation F, 12 CFR 1006.14(b)(2): 7 calls within 7 days",
        ),
        repr=False,
    )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> ConductRules:
        """Rules from a mapping (e.g. a parsed TOML or JSON table); unknown keys raise.

        Examples
        --------
        >>> ConductRules.from_mapping({"min_dpd": {"legal": 120}}).min_dpd
        (('legal', 120),)
        """
        check_keys(mapping, cls, "conduct rules")
        kw: dict[str, Any] = {}
        for key, value in mapping.items():
            if key == "min_dpd":
                items = value.items() if isinstance(value, Mapping) else value
                kw[key] = tuple((str(a), int(d)) for a, d in items)
            elif key == "permitted_hours":
                start, end = value
                kw[key] = (int(start), int(end))
            elif key in {"contact_channels", "allowed_parties", "sources"}:
                kw[key] = tuple(str(v) for v in value)
            elif key == "legal_min_npv":
                kw[key] = float(value)
            else:
                kw[key] = None if value is None else int(value)
        rules = cls(**kw)
        rules.validate()
        return rules

    def validate(self) -> None:
        """Raise a DataError naming the first inconsistent rule.

        Examples
        --------
        >>> ConductRules(permitted_hours=(22, 8)).validate()
        Traceback (most recent call last):
        ...
        overdue_risk.exceptions.DataError: permitted_hours must be (start, end) ...
        """
        start, end = self.permitted_hours
        if not 0 <= start < end <= 24:
            raise DataError(
                f"permitted_hours must be (start, end) clock hours with 0 <= start < end <= 24; "
                f"got {self.permitted_hours!r}. Example: (8, 21)."
            )
        for name in ("max_contacts_per_day", "max_contacts_per_week"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise DataError(f"{name} must be >= 0 or None; got {value!r}.")
        if not np.isfinite(self.legal_min_npv):
            raise DataError(f"legal_min_npv must be finite; got {self.legal_min_npv!r}.")

    def min_dpd_for(self, action: str) -> int:
        """Earliest DPD at which ``action`` is allowed (0 when unrestricted).

        Examples
        --------
        >>> ConductRules().min_dpd_for("legal"), ConductRules().min_dpd_for("sms")
        (90, 0)
        """
        return dict(self.min_dpd).get(action, 0)

    def allows_action(self, action: str, *, dpd: float, npv: float | None = None) -> bool:
        """Whether the DPD (and, for legal action, NPV) thresholds allow ``action``."""
        if dpd < self.min_dpd_for(action):
            return False
        return not (action == "legal" and npv is not None and npv < self.legal_min_npv)

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: name and value."""
        import pandas as pd

        rows = [
            (
                "permitted_hours",
                f"{self.permitted_hours[0]:02d}:00-{self.permitted_hours[1]:02d}:00",
            ),
            ("max_contacts_per_day", self.max_contacts_per_day),
            ("max_contacts_per_week", self.max_contacts_per_week),
            ("contact_channels", ", ".join(self.contact_channels)),
            ("allowed_parties", ", ".join(self.allowed_parties)),
            *((f"min_dpd[{a}]", d) for a, d in self.min_dpd),
            ("legal_min_npv", self.legal_min_npv),
        ]
        return pd.DataFrame(rows, columns=["rule", "value"])


@dataclass(frozen=True, eq=False)
class ConductBreaches(Result):
    """Contacts that break a conduct rule (one row per breach; a contact may break several).

    Attributes
    ----------
    row : ndarray of int
        Position of the contact in the log.
    account_id : ndarray
    timestamp : ndarray of datetime64[ns]
    channel : ndarray of object
    rule : ndarray of object
        ``permitted_hours``, ``max_contacts_per_day``, ``max_contacts_per_week``,
        ``allowed_parties``, ``min_dpd`` or ``legal_min_npv``.
    detail : ndarray of object
        The value that broke the rule.
    n_contacts : int
        Contacts checked.
    """

    row: npt.NDArray[np.int64]
    account_id: npt.NDArray[Any]
    timestamp: npt.NDArray[np.datetime64]
    channel: npt.NDArray[np.object_]
    rule: npt.NDArray[np.object_]
    detail: npt.NDArray[np.object_]
    n_contacts: int

    @property
    def n_breaches(self) -> int:
        """Number of (contact, rule) breaches."""
        return int(self.row.size)

    def to_frame(self) -> pd.DataFrame:
        """One row per breach."""
        import pandas as pd

        return pd.DataFrame(
            {
                "row": self.row,
                "account_id": self.account_id,
                "timestamp": self.timestamp,
                "channel": self.channel,
                "rule": self.rule,
                "detail": self.detail,
            }
        )

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        rules, counts = np.unique(self.rule.astype(str), return_counts=True)
        rows = [[r, int(c)] for r, c in zip(rules.tolist(), counts.tolist(), strict=True)]
        return (
            "Collection conduct breaches",
            ["rule", "breaches"],
            rows,
            f"{self.n_breaches} breaches in {self.n_contacts} contacts",
        )


def _rank_in_window(
    group: npt.NDArray[np.int64], t_s: npt.NDArray[np.int64], window_s: int | None
) -> npt.NDArray[np.int64]:
    """Per contact: its rank ``k`` among contacts of the same group in ``(t - window, t]``.

    Contacts are ordered by time (then by log position), so the ``k``-th contact of a day
    or week is the one that breaks a limit of ``k - 1``. ``window_s=None`` = whole group.
    Times are whole seconds, so ``group * span + t`` stays far inside int64.
    """
    order = np.lexsort((np.arange(group.size), t_s, group))
    g, t = group[order], t_s[order] - (t_s.min() if t_s.size else 0)
    t_max = int(t.max()) if t.size else 0
    win = t_max + 1 if window_s is None else min(int(window_s), t_max + 1)
    span = t_max + win + 1  # so that key - win never reaches into the previous group
    key = g * span + t
    lo = np.searchsorted(key, key - win, side="right")
    out = np.empty_like(group)
    out[order] = np.arange(group.size) - lo + 1
    return out


def conduct_breaches(
    contacts: Any,
    rules: ConductRules | None = None,
    *,
    account_col: str = "account_id",
    time_col: str = "timestamp",
    channel_col: str = "channel",
    party_col: str = "party",
    dpd_col: str = "dpd",
    npv_col: str = "npv",
) -> ConductBreaches:
    """Check a log of contacts and actions against the conduct rules.

    Parameters
    ----------
    contacts : DataFrame or dict of arrays
        One row per contact or action: account, local timestamp and channel (an action
        name such as ``"call"`` or ``"legal"``); optionally the party contacted (default
        ``"debtor"``), the account's DPD and, for legal actions, the NPV that justified it.
        Checks whose column is absent are skipped.
    rules : ConductRules, default=None
        ``ConductRules()`` when None.
    account_col, time_col, channel_col, party_col, dpd_col, npv_col : str

    Returns
    -------
    ConductBreaches
        Empty when the log keeps every rule.

    Notes
    -----
    A contact breaks the daily (weekly) limit when it is the ``k``-th contact of its
    account that calendar day (within the 7 days ending at it, itself included) with
    ``k`` above the limit; only channels in ``rules.contact_channels`` count.

    Examples
    --------
    >>> log = {"account_id": [7] * 4, "channel": ["call"] * 4,
    ...        "timestamp": ["2024-03-01 09:00", "2024-03-01 10:00", "2024-03-01 11:00",
    ...                      "2024-03-01 12:00"], "party": ["debtor"] * 3 + ["employer"]}
    >>> b = conduct_breaches(log, ConductRules(max_contacts_per_day=3))
    >>> sorted(b.rule.tolist())
    ['allowed_parties', 'max_contacts_per_day']
    """
    import pandas as pd

    rules = ConductRules() if rules is None else rules
    rules.validate()
    cols = table_columns(contacts, "contacts", [account_col, time_col, channel_col])
    account = np.asarray(
        cols[account_col].to_numpy()
        if hasattr(cols[account_col], "to_numpy")
        else cols[account_col]
    )
    try:
        ts = pd.to_datetime(pd.Series(np.asarray(cols[time_col], dtype=object))).to_numpy()
    except (TypeError, ValueError):
        raise DataError(
            f"column {time_col!r} must hold local timestamps such as '2024-03-01 09:30'."
        ) from None
    if pd.isna(ts).any():
        raise DataError(f"column {time_col!r} has missing timestamps; drop or fill those rows.")
    channel = np.asarray(cols[channel_col], dtype=object).astype(str).astype(object)
    n = channel.size
    hits: list[tuple[npt.NDArray[np.int64], str, npt.NDArray[np.object_]]] = []

    t_ns = ts.astype("datetime64[ns]").astype(np.int64)
    day_ns = np.mod(t_ns, _NS_PER_DAY)
    start, end = rules.permitted_hours
    outside = (day_ns < start * 3_600 * 10**9) | (day_ns >= end * 3_600 * 10**9)
    is_contact = np.isin(channel.astype(str), rules.contact_channels)
    bad = np.flatnonzero(outside & is_contact)
    hits.append((bad, "permitted_hours", pd.to_datetime(ts[bad]).strftime("%H:%M").to_numpy()))

    acc_codes = pd.factorize(pd.Series(account))[0].astype(np.int64)
    ci = np.flatnonzero(is_contact)
    limits = (
        ("max_contacts_per_day", rules.max_contacts_per_day, None),
        ("max_contacts_per_week", rules.max_contacts_per_week, 7 * 86_400),
    )
    for name, limit, window in limits:
        if limit is None or ci.size == 0:
            continue
        if window is None:  # calendar day: same account and same date
            day = t_ns[ci] // _NS_PER_DAY
            day = day - day.min()
            group = acc_codes[ci] * (int(day.max()) + 1) + day
            k = _rank_in_window(group, day_ns[ci] // 10**9, None)
        else:
            k = _rank_in_window(acc_codes[ci], t_ns[ci] // 10**9, window)
        over = k > limit
        hits.append((ci[over], name, np.asarray([f"contact {int(v)}" for v in k[over]], object)))

    if party_col in cols:
        party = np.asarray(cols[party_col], dtype=object).astype(str)
        bad = np.flatnonzero(~np.isin(party, rules.allowed_parties) & is_contact)
        hits.append((bad, "allowed_parties", party[bad].astype(object)))
    if dpd_col in cols:
        dpd = np.asarray(cols[dpd_col], dtype=np.float64)
        floor = np.zeros(n)
        for action, d in rules.min_dpd:
            floor[channel == action] = d
        bad = np.flatnonzero(dpd < floor)
        hits.append((bad, "min_dpd", np.asarray([f"dpd {v:g}" for v in dpd[bad]], object)))
    if npv_col in cols:
        npv = np.asarray(cols[npv_col], dtype=np.float64)
        bad = np.flatnonzero((channel == "legal") & ~(npv >= rules.legal_min_npv))
        hits.append((bad, "legal_min_npv", np.asarray([f"npv {v:g}" for v in npv[bad]], object)))

    rows = np.concatenate([h[0] for h in hits]).astype(np.int64)
    rule = np.concatenate([np.full(h[0].size, h[1], dtype=object) for h in hits])
    detail = np.concatenate([h[2] for h in hits]).astype(object)
    order = np.lexsort((rule.astype(str), rows))
    rows, rule, detail = rows[order], rule[order], detail[order]
    return ConductBreaches(
        row=rows,
        account_id=account[rows],
        timestamp=ts[rows],
        channel=channel[rows],
        rule=rule,
        detail=detail,
        n_contacts=n,
    )
