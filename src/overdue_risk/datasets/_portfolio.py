"""The :class:`Portfolio` container, its data dictionary, the target, and the generator.

``make_microloan_portfolio`` draws applications and simulates the loan-month panel
(:mod:`overdue_risk.datasets._generator`), then builds the two pandas frames of contract A
(``docs`` / ``CONTRACTS.md``) and derives the target from the panel itself, so that a
scorecard fitted on ``applications.bad`` and roll rates computed on ``performance`` describe
the same loans.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from overdue_risk._results import Result
from overdue_risk.buckets import STATES
from overdue_risk.datasets import _generator as gen
from overdue_risk.datasets import _through_the_door as ttd
from overdue_risk.exceptions import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "APPLICANT_FEATURES",
    "DATA_DICTIONARY",
    "DECISION_FEATURES",
    "FEATURE_NAMES",
    "Portfolio",
    "derive_target",
    "make_microloan_portfolio",
]

#: (table, column, dtype, description) of every column of the two frames.
DATA_DICTIONARY: tuple[tuple[str, str, str, str], ...] = (
    ("applications", "loan_id", "int64", "Loan identifier (1 ... n_loans), unique."),
    ("applications", "origination_month", "datetime64", "Month the loan was disbursed (day 1)."),
    ("applications", "age", "int64", "Applicant age in years, 18-75."),
    (
        "applications",
        "employment_type",
        "str",
        "salaried, self_employed, gig_worker, student, retired, unemployed.",
    ),
    (
        "applications",
        "months_employed",
        "float64",
        "Months in the current job; NaN (not applicable) for student, retired, unemployed.",
    ),
    (
        "applications",
        "monthly_income",
        "float64",
        "Declared monthly income; NaN when the applicant declared none (about 8%).",
    ),
    (
        "applications",
        "debt_to_income",
        "float64",
        "Existing monthly debt service / declared income; NaN when no income was declared.",
    ),
    ("applications", "n_existing_loans", "int64", "Open loans at other lenders (bureau)."),
    (
        "applications",
        "credit_history_months",
        "int64",
        "Age of the oldest bureau account in months; special code -1 = no credit history.",
    ),
    ("applications", "n_past_overdue", "int64", "Past delinquent episodes in the bureau."),
    (
        "applications",
        "worst_past_dpd",
        "int64",
        "Worst DPD ever in the bureau; 0 = never late; special code -1 = no credit history.",
    ),
    ("applications", "n_inquiries_6m", "int64", "Credit inquiries in the last 6 months."),
    ("applications", "loan_amount", "float64", "Principal disbursed, 100-5,000 in steps of 50."),
    ("applications", "term_months", "int64", "Contractual term: 3, 6, 9, 12, 18 or 24."),
    ("applications", "apr", "float64", "Nominal annual rate (fraction, e.g. 0.36 = 36%)."),
    (
        "applications",
        "purpose",
        "str",
        "working_capital, consumer_goods, education, medical, emergency, debt_refinance, other.",
    ),
    ("applications", "channel", "str", "branch, agent, online, mobile_app, partner."),
    ("applications", "region", "str", "capital, north, south, east, west, central."),
    (
        "applications",
        "bad",
        "int64",
        "Target: 1 if the loan reached target_dpd (default 90) days past due within "
        "target_window (default 12) months on book, else 0.",
    ),
    (
        "applications",
        "bad_observed",
        "bool",
        "True when the outcome is known: the full window lies inside the panel, or the loan "
        "went bad or closed (paid off, prepaid, charged off) within the window.",
    ),
    ("performance", "loan_id", "int64", "Loan identifier (see applications)."),
    ("performance", "month", "datetime64", "Calendar month of the observation (day 1)."),
    ("performance", "mob", "int64", "Months on book: 1 = first month after origination."),
    (
        "performance",
        "dpd",
        "int64",
        "Days past due at month end (>= 0); on the charge-off row, the DPD that triggered it.",
    ),
    (
        "performance",
        "bucket",
        "category",
        "M0 ... M6+ (overdue_risk.buckets.dpd_to_bucket) while open; CO in the charge-off "
        "month; PO in the pay-off month. An ordered categorical whose categories are "
        "overdue_risk.buckets.STATES in order (the transitions views read its codes).",
    ),
    ("performance", "status", "str", "active, paid_off (at term), prepaid, charged_off."),
    (
        "performance",
        "balance",
        "float64",
        "Outstanding principal at month end (annuity schedule on instalments actually paid); "
        "0 on the closing row.",
    ),
    (
        "performance",
        "scheduled_payment",
        "float64",
        "Contractual instalment due this month (0 after maturity).",
    ),
    ("performance", "paid_amount", "float64", "Amount received this month."),
    (
        "performance",
        "charge_off_amount",
        "float64",
        "Principal written off (only on the charge-off row, else 0).",
    ),
)

APPLICATION_COLUMNS: tuple[str, ...] = tuple(
    c for t, c, _, _ in DATA_DICTIONARY if t == "applications"
)
PERFORMANCE_COLUMNS: tuple[str, ...] = tuple(
    c for t, c, _, _ in DATA_DICTIONARY if t == "performance"
)
#: Application columns usable as model features (everything but ids, dates and target).
FEATURE_NAMES: tuple[str, ...] = tuple(
    c
    for c in APPLICATION_COLUMNS
    if c not in {"loan_id", "origination_month", "bad", "bad_observed"}
)
#: Features that describe the applicant (what a risk model may use).
APPLICANT_FEATURES: tuple[str, ...] = ttd.APPLICANT_FEATURES
#: The lender's own decisions (price, amount granted, term granted): never risk features,
#: since they were set from an older view of the same risk (a circular feature).
DECISION_FEATURES: tuple[str, ...] = ttd.DECISION_FEATURES


@dataclass(frozen=True, eq=False)
class Portfolio(Result):
    """A micro-loan book: one row per application and one row per loan-month.

    Built by :func:`make_microloan_portfolio` (synthetic) or :func:`load_portfolio`
    (your files). Both frames follow the layout in :attr:`data_dictionary`.

    Attributes
    ----------
    applications : pandas.DataFrame
        One row per loan: ``loan_id``, ``origination_month``, the features, ``bad`` and
        ``bad_observed``.
    performance : pandas.DataFrame
        One row per loan and month while the loan is open, plus its closing month
        (charge-off ``CO`` or pay-off ``PO``); nothing after it.
    target_name : str, default="bad"
        The target column of ``applications``.
    feature_names : tuple of str
        Application columns usable as model features (applicant and decision features).
    applicant_features : tuple of str
        The columns that describe the applicant: the ones a risk model should use.
    decision_features : tuple of str
        The lender's decisions (``loan_amount`` granted, ``term_months`` granted, ``apr``):
        set by the lender from its older view of the risk, so a card that uses them learns
        the old policy back (a circular feature), and they do not exist for an applicant
        who was never offered a loan.
    target_dpd : int, default=90
        The target is "ever ``dpd >= target_dpd``" ...
    target_window : int, default=12
        ... within this many months on book.
    truth : mapping of str to pandas.DataFrame
        What a lender cannot see, kept for *evaluation only* (never a feature): one table
        per simulated mechanism, keyed by its name. Empty for a loaded book. No column of
        :attr:`applications` or :attr:`performance` is derived from it beyond what the
        lender would observe.
    bureau : pandas.DataFrame or None, default=None
        Monthly credit-bureau signals per loan-month (``loan_id``, ``month``,
        ``inquiries``, ``new_loans``, ``open_loans``): credit use at other lenders.
        Built by ``make_microloan_portfolio(distress=True)``; None otherwise.

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=300, n_months=12, random_state=0)
    >>> pf.applications.shape[0], pf.target_name
    (300, 'bad')
    >>> X, y = pf.xy()
    >>> len(X) == len(y) == int(pf.applications["bad_observed"].sum())
    True
    """

    applications: pd.DataFrame
    performance: pd.DataFrame
    target_name: str = "bad"
    feature_names: tuple[str, ...] = FEATURE_NAMES
    target_dpd: int = 90
    target_window: int = 12
    applicant_features: tuple[str, ...] = APPLICANT_FEATURES
    decision_features: tuple[str, ...] = DECISION_FEATURES
    truth: Mapping[str, pd.DataFrame] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    bureau: pd.DataFrame | None = field(default=None, repr=False)
    _dictionary: tuple[tuple[str, str, str, str], ...] = field(default=DATA_DICTIONARY, repr=False)

    def __repr__(self) -> str:
        return (
            f"Portfolio(n_loans={len(self.applications)}, "
            f"n_loan_months={len(self.performance)}, target={self.target_name!r})"
        )

    @property
    def data_dictionary(self) -> pd.DataFrame:
        """Table, column, dtype and meaning (with missing values and special codes).

        Examples
        --------
        >>> from overdue_risk.datasets import make_microloan_portfolio
        >>> dd = make_microloan_portfolio(n_loans=50, n_months=6, random_state=0).data_dictionary
        >>> list(dd.columns)
        ['table', 'column', 'dtype', 'description']
        """
        import pandas as pd

        return pd.DataFrame(
            list(self._dictionary), columns=["table", "column", "dtype", "description"]
        )

    def xy(self, *, observed_only: bool = True) -> tuple[pd.DataFrame, pd.Series]:
        """Features and target for modelling (by default only loans with a known outcome).

        Parameters
        ----------
        observed_only : bool, default=True
            Keep only rows with ``bad_observed``; a loan whose window is still open is not a
            good loan yet.

        Returns
        -------
        X : pandas.DataFrame
            The :attr:`feature_names` columns.
        y : pandas.Series
            The target.

        Examples
        --------
        >>> from overdue_risk.datasets import make_microloan_portfolio
        >>> X, y = make_microloan_portfolio(n_loans=200, n_months=18, random_state=1).xy()
        >>> sorted(set(y.tolist())) == [0, 1]
        True
        """
        apps = self.applications
        if observed_only and "bad_observed" in apps.columns:
            apps = apps.loc[apps["bad_observed"].to_numpy(dtype=bool)]
        return apps.loc[:, list(self.feature_names)].reset_index(drop=True), apps[
            self.target_name
        ].reset_index(drop=True)

    def _summary_table(self) -> tuple[str, list[str], list[list[Any]], str]:
        apps, perf = self.applications, self.performance
        rejected: list[list[Any]] = []
        if "decision" in apps.columns:  # a through-the-door book: applicants, not loans
            is_rejected = apps["decision"].to_numpy(dtype=object) == "reject"
            rejected = [
                ["applicants", len(apps)],
                ["rejected (incumbent policy)", int(is_rejected.sum())],
            ]
            apps = apps.loc[~is_rejected]
        observed = apps["bad_observed"].to_numpy(dtype=bool)
        bad = apps[self.target_name].to_numpy()
        status = perf["status"].to_numpy(dtype=object)
        n = max(len(apps), 1)
        bad_rate = float(bad[observed].mean()) if observed.any() else float("nan")
        rows: list[list[Any]] = [
            *rejected,
            ["loans", len(apps)],
            ["loan-months", len(perf)],
            ["first month", str(perf["month"].min())[:7] if len(perf) else ""],
            ["last month", str(perf["month"].max())[:7] if len(perf) else ""],
            ["loans with observed outcome", int(observed.sum())],
            ["bad rate (observed)", bad_rate],
            ["charged off (share of loans)", float((status == "charged_off").sum()) / n],
            ["prepaid (share of loans)", float((status == "prepaid").sum()) / n],
            ["paid off at term (share)", float((status == "paid_off").sum()) / n],
        ]
        footer = (
            f"Target {self.target_name!r}: ever {self.target_dpd}+ DPD within "
            f"{self.target_window} months on book."
        )
        return "Micro-loan portfolio", ["quantity", "value"], rows, footer


# ---------------------------------------------------------------------------------------
# target
# ---------------------------------------------------------------------------------------
def derive_target(
    *,
    n_loans: int,
    origination: npt.NDArray[np.int64],
    row_loan: npt.NDArray[np.int64],
    row_mob: npt.NDArray[np.int64],
    row_dpd: npt.NDArray[np.int64],
    row_closed: npt.NDArray[np.bool_],
    last_month: int,
    target_dpd: int,
    target_window: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Target and observability of every loan from the panel rows (vectorised).

    ``bad`` is 1 when some row with ``mob <= target_window`` has ``dpd >= target_dpd``.
    The outcome is observed when the window ends inside the panel
    (``origination + target_window <= last_month``), or the loan went bad or closed within
    the window (a closed loan cannot go bad later; a bad loan stays bad).

    Parameters
    ----------
    n_loans : int
    origination : ndarray of int
        Origination month index of each loan (same calendar as ``last_month``).
    row_loan, row_mob, row_dpd, row_closed : ndarray
        Position of the loan (0 ... n_loans - 1), months on book, DPD, and whether the row
        closes the loan, for every panel row.
    last_month : int
        Month index of the last panel month.
    target_dpd, target_window : int

    Returns
    -------
    bad : ndarray of int64
    observed : ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> bad, obs = derive_target(
    ...     n_loans=2, origination=np.array([0, 0]), row_loan=np.array([0, 0, 1]),
    ...     row_mob=np.array([1, 2, 1]), row_dpd=np.array([30, 95, 0]),
    ...     row_closed=np.array([False, False, False]), last_month=2,
    ...     target_dpd=90, target_window=12)
    >>> bad.tolist(), obs.tolist()
    ([1, 0], [True, False])
    """
    in_window = row_mob <= target_window
    bad = np.zeros(n_loans, dtype=np.int64)
    bad[row_loan[in_window & (row_dpd >= target_dpd)]] = 1
    closed = np.zeros(n_loans, dtype=bool)
    closed[row_loan[in_window & row_closed]] = True
    complete = origination + target_window <= last_month
    return bad, complete | closed | (bad == 1)


# ---------------------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------------------
def _check_int(value: Any, name: str, minimum: int) -> int:
    try:
        out = operator.index(value)
    except TypeError:
        raise DataError(f"{name} must be an integer; got {value!r}.") from None
    if out < minimum:
        raise DataError(f"{name} must be >= {minimum}; got {out}.")
    return out


def _rng(random_state: Any) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, int | np.integer | np.random.SeedSequence):
        return np.random.default_rng(random_state)
    raise DataError(
        f"random_state must be None, an int, a SeedSequence or a numpy Generator; got "
        f"{random_state!r}. Pass an int for reproducible data."
    )


def _month_offset(value: Any, start: np.datetime64, name: str) -> int:
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        delta = np.datetime64(value, "M") - start
        return int(np.asarray(delta).astype(np.int64))
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must be a month offset (int) or a date such as '2024-03'; got {value!r}."
        ) from None


def _datetime_months(start: np.datetime64, offsets: npt.NDArray[np.int64]) -> Any:
    return (start + offsets.astype("timedelta64[M]")).astype("datetime64[ns]")


def make_microloan_portfolio(
    n_loans: int = 20_000,
    n_months: int = 24,
    *,
    random_state: int | np.random.Generator | None = None,
    start: str = "2023-01",
    downturn: tuple[Any, Any] | None = None,
    downturn_severity: float = 0.8,
    target_dpd: int = 90,
    target_window: int = 12,
    distress: bool = False,
    through_the_door: bool | ttd.IncumbentPolicy = False,
    products: bool = False,
) -> Portfolio:
    """Simulate a realistic micro-loan book: applications and a monthly performance panel.

    Every loan gets application features and a latent risk that depends on them
    non-linearly (U-shaped in age, a threshold in debt-to-income, saturating in credit
    inquiries, categorical effects of employment, purpose, channel and region) plus
    unobserved heterogeneity. The panel then moves all open loans at once, month by month:
    a current loan misses an instalment with a probability set by its risk, its months on
    book (seasoning peaking at MOB 4-8) and a calendar-time macro factor; a delinquent loan
    rolls forward, stays, cures one bucket or cures fully with bucket-specific probabilities
    (roll rates rise with the bucket); it is charged off once DPD exceeds 180, and it pays
    off at term or prepays. The balance follows the annuity schedule at the loan's APR on
    the instalments actually paid. The target is read off the panel.

    Parameters
    ----------
    n_loans : int, default=20_000
        Number of loans (applications).
    n_months : int, default=24
        Calendar months of the panel (>= 2). Loans originate over the first
        ``n_months - 1`` months, staggered, with a growing book.
    random_state : int, numpy.random.Generator or None, default=None
        Seed; the same seed gives identical frames.
    start : str, default="2023-01"
        First calendar month of the panel.
    downturn : (start, stop) or None, default=None
        Months of an economic downturn, as offsets from ``start`` (``stop`` exclusive) or
        dates such as ``("2024-03", "2024-09")``; raises miss and roll probabilities.
    downturn_severity : float, default=0.8
        Shift of the monthly miss log-odds during the downturn (roll log-odds move by 60%
        of it).
    target_dpd : int, default=90
        ``bad`` = ever ``dpd >= target_dpd`` ...
    target_window : int, default=12
        ... within this many months on book.
    distress : bool, default=False
        Add warning signs before default (:mod:`overdue_risk.datasets._distress`): for
        most loans that later reach M3+, a distress episode by cause (business going badly,
        job lost, wilful evasion) starting months before the first missed payment, with
        payments late within the grace period, partial payments and rising credit use
        elsewhere; and distress episodes that end in recovery. Adds the performance column
        ``days_late``, the table ``bureau`` and ``truth["distress"]``; partial payments
        lower ``paid_amount``. Every other column equals the book without distress (the
        signs come from a separate random stream).
    through_the_door : bool or IncumbentPolicy, default=False
        Simulate the whole applicant population (``n_loans`` applications) and an
        incumbent policy (an older scorecard, knock-out rules, a monthly cut-off that
        rejects ``IncumbentPolicy.reject_rate`` of applicants, default 40%) that sets
        approval, price, limit and term (:mod:`overdue_risk.datasets._through_the_door`).
        Rejected applicants keep their features in ``applications`` with
        ``decision == "reject"``, NaN decisions and ``bad_observed`` False, and no
        performance rows; what would have happened had they been booked on the policy's
        stated terms is in ``truth["through_the_door"]`` (evaluation only). Adds the
        columns ``requested_amount``, ``requested_term``, ``decision``,
        ``incumbent_score`` and ``incumbent_cutoff``. Opt-in: it changes the draws.
    products : bool, default=False
        Add product terms (:mod:`overdue_risk.datasets._products`): repayment method
        (equal instalments or flat rate, 等额本息 / 等本等息), upfront and monthly fees, the
        rate quoted in the contract and the all-in annualised rate (monthly IRR x 12, fees
        included) that rate caps apply to, so that part of the book breaches a cap. Adds the
        application columns ``repayment_method``, ``contract_rate``, ``fee_upfront``,
        ``fee_monthly`` and ``annualised_rate``; every other column equals the book without
        products (a separate random stream).

    Returns
    -------
    Portfolio
        With ``applications``, ``performance``, ``target_name``, ``feature_names`` and
        ``data_dictionary``.

    See Also
    --------
    load_portfolio : the same container from your own CSV or Parquet files.

    Notes
    -----
    Data dictionary (missing values and special codes):

    - ``monthly_income`` and ``debt_to_income`` are NaN when no income was declared (~8%;
      more often for gig workers and the self-employed, and riskier).
    - ``months_employed`` is NaN for students, retirees and the unemployed.
    - ``credit_history_months == -1`` and ``worst_past_dpd == -1`` mean "no credit history".
    - DPD of an open loan is ``30 (k - 1) + d`` with ``k`` missed instalments and ``d``
      (1-30) the days from the loan's due date to month end, so the bucket is
      ``dpd_to_bucket(dpd)``. No penalty interest: arrears do not capitalise.

    Typical behaviour (default settings): monthly M0->M1 rate 2-6%, M1 cure 35-50%, roll
    rates rising from about 30% (M1->M2) to about 80% (M3->M4) and above; a 12-month
    ever-90+ bad rate of about 8% (about 12% with a downturn). The simulation loops over
    months only, so 100,000 loans x 24 months takes about a second
    (``benchmarks/bench_datasets.py``).

    Examples
    --------
    >>> from overdue_risk.datasets import make_microloan_portfolio
    >>> pf = make_microloan_portfolio(n_loans=500, n_months=12, random_state=42)
    >>> pf.performance.columns.tolist()[:6]
    ['loan_id', 'month', 'mob', 'dpd', 'bucket', 'status']
    >>> bool(pf.performance.groupby("loan_id")["mob"].max().le(11).all())
    True
    >>> make_microloan_portfolio(n_loans=500, n_months=12, random_state=42).applications.equals(
    ...     pf.applications)
    True
    """
    n_loans = _check_int(n_loans, "n_loans", 1)
    n_months = _check_int(n_months, "n_months", 2)
    target_dpd = _check_int(target_dpd, "target_dpd", 1)
    target_window = _check_int(target_window, "target_window", 1)
    try:
        start_month = np.datetime64(start, "M")
    except (TypeError, ValueError):
        raise DataError(f"start must be a month such as '2023-01'; got {start!r}.") from None
    window: tuple[int, int] | None = None
    if downturn is not None:
        if not isinstance(downturn, tuple | list) or len(downturn) != 2:
            raise DataError(
                f"downturn must be a (start, stop) pair of months; got {downturn!r}. "
                "Example: downturn=(12, 18) or downturn=('2024-01', '2024-07')."
            )
        window = (
            _month_offset(downturn[0], start_month, "downturn start"),
            _month_offset(downturn[1], start_month, "downturn stop"),
        )
    severity = float(downturn_severity)
    if not np.isfinite(severity):
        raise DataError(f"downturn_severity must be finite; got {downturn_severity!r}.")
    rng = _rng(random_state)

    apps = gen.simulate_applications(rng, n_loans, n_months - 1)
    policy = ttd.resolve_policy(through_the_door)
    decisions = None
    if policy is not None:
        apps, decisions = ttd.apply_policy(rng, apps, policy)
    calendar_month0 = int(start_month.astype(np.int64) % 12)
    macro = gen.macro_factor(n_months, calendar_month0, window, severity)
    panel = gen.simulate_panel(rng, apps, n_months, macro)
    bad, observed = derive_target(
        n_loans=n_loans,
        origination=apps.origination,
        row_loan=panel.loan,
        row_mob=panel.mob,
        row_dpd=panel.dpd,
        row_closed=panel.status != gen.ACTIVE,
        last_month=n_months - 1,
        target_dpd=target_dpd,
        target_window=target_window,
    )
    book = _assemble(apps, panel, bad, observed, start_month, target_dpd, target_window)
    if distress:
        from overdue_risk.datasets._distress import add_distress

        book = add_distress(book, apps, panel, random_state, rng, start_month)
    if decisions is not None:
        book = ttd.finish_portfolio(book, decisions)
    if products:
        from overdue_risk.datasets._products import add_products, products_rng

        book = add_products(book, products_rng(random_state, rng))
    return book


def _assemble(
    apps: gen.Applications,
    panel: gen.Panel,
    bad: npt.NDArray[np.int64],
    observed: npt.NDArray[np.bool_],
    start: np.datetime64,
    target_dpd: int,
    target_window: int,
) -> Portfolio:
    import pandas as pd

    n = apps.risk.size
    app_cols: dict[str, Any] = {
        "loan_id": np.arange(1, n + 1, dtype=np.int64),
        "origination_month": _datetime_months(start, apps.origination),
    }
    for name, values in apps.columns.items():
        app_cols[name] = pd.array(values, dtype="str") if values.dtype == object else values
    app_cols["bad"] = bad
    app_cols["bad_observed"] = observed
    applications = pd.DataFrame(app_cols, columns=list(APPLICATION_COLUMNS))

    status_names = np.asarray(gen.STATUS_LABELS, dtype=object)
    performance = pd.DataFrame(
        {
            "loan_id": panel.loan + 1,
            "month": _datetime_months(start, panel.month),
            "mob": panel.mob,
            "dpd": panel.dpd,
            "bucket": pd.Categorical.from_codes(
                panel.bucket, dtype=pd.CategoricalDtype(list(STATES), ordered=True)
            ),
            "status": pd.array(status_names[panel.status], dtype="str"),
            "balance": panel.balance,
            "scheduled_payment": panel.scheduled_payment,
            "paid_amount": panel.paid_amount,
            "charge_off_amount": panel.charge_off_amount,
        },
        columns=list(PERFORMANCE_COLUMNS),
    )
    return Portfolio(
        applications=applications,
        performance=performance,
        target_dpd=target_dpd,
        target_window=target_window,
    )
