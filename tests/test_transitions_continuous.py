"""Continuous time: duration (Lando-Skodeberg), Aalen-Johansen, generators (DA/WA/QO).

Golden values are hand computations from the estimators' definitions (Lando and
Skodeberg 2002, eq. for lambda_ij; Aalen and Johansen 1978 product integral; Israel,
Rosenthal and Wei 2001 DA/WA; Kreinin and Sidelnikova 2001 QO), exact recovery of a
known generator, and the open-risk rating histories (irregular dates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import expm

from overdue_risk.exceptions import DataError
from overdue_risk.transitions import (
    TransitionMatrix,
    aalen_johansen,
    cohort_matrix,
    duration_matrix,
    embedding_diagnostics,
    generator,
)
from overdue_risk.transitions._generator import (
    _diagonal_adjustment,
    _quasi_optimisation,
    _weighted_adjustment,
)
from published_tables import CREDITMETRICS_61

RATINGS = ["AAA", "AA+", "A+", "BBB+", "BB+", "B+", "CCC+", "D"]


# --------------------------------------------------------------------------- duration
def test_duration_hand_computed_with_censoring() -> None:
    # obligor 1: A at 0, B at 1.5, back to A at 2.5, observed to 4
    # obligor 2: A at 0, rating withdrawn (NR) at 1 -> censored, not at risk afterwards
    h = {
        "id": [1, 1, 1, 2, 2],
        "date": [0.0, 1.5, 2.5, 0.0, 1.0],
        "state": ["A", "B", "A", "A", "NR"],
    }
    tm = duration_matrix(h, observation_end=4.0, censor_states=["NR"])
    assert tm.states == ("A", "B")
    # time in A: 1.5 + 1.5 + 1.0 = 4.0 years, one A->B move; time in B: 1.0, one B->A move
    assert tm.exposure.tolist() == [4.0, 1.0]
    assert tm.generator == pytest.approx(np.array([[-0.25, 0.25], [1.0, -1.0]]))
    assert tm.probabilities == pytest.approx(expm(np.array([[-0.25, 0.25], [1.0, -1.0]])))
    half = duration_matrix(h, observation_end=4.0, censor_states=["NR"], horizon=0.5)
    assert half.probabilities == pytest.approx(expm(0.5 * np.array([[-0.25, 0.25], [1, -1.0]])))


def test_duration_dates_in_years() -> None:
    h = {
        "id": [1, 1, 2],
        "date": np.array(["2020-01-01", "2021-01-01", "2020-01-01"], dtype="datetime64[D]"),
        "state": ["A", "D", "A"],
    }
    tm = duration_matrix(h, observation_end="2022-01-01", absorbing=["D"])
    # 366 + 731 days in A (2020 is a leap year) per 365.25 days, one default
    assert tm.generator[0, 1] == pytest.approx(1.0 / ((366 + 731) / 365.25))


def test_duration_errors() -> None:
    h = {"id": [1], "date": [5.0], "state": ["A"]}
    with pytest.raises(DataError, match="after observation_end"):
        duration_matrix(h, observation_end=1.0)
    with pytest.raises(DataError, match="lacks required columns"):
        duration_matrix({"id": [1], "state": ["A"]})


# --------------------------------------------------------------------------- Aalen-Johansen
def test_aalen_johansen_ties_enter_one_increment() -> None:
    # the same day, obligor 1 moves A -> B and obligor 2 moves B -> C
    h = {"id": [1, 1, 2, 2], "date": [0.0, 1.0, 0.0, 1.0], "state": ["A", "B", "B", "C"]}
    aj = aalen_johansen(h, states=["A", "B", "C"], absorbing=["C"], observation_end=2.0)
    # one increment I + dA(1): Y_A = Y_B = 1 just before t = 1 -> A goes to B, never to C
    assert aj.probabilities[0].tolist() == [0.0, 1.0, 0.0]
    assert aj.probabilities[1].tolist() == [0.0, 0.0, 1.0]
    # jittering the tie (B -> C a moment later) chains the two moves: P(A -> C) = 1/2
    h["date"] = [0.0, 1.0, 0.0, 1.0 + 1e-9]
    jittered = aalen_johansen(h, states=["A", "B", "C"], absorbing=["C"], observation_end=2.0)
    assert jittered.probabilities[0, 2] == pytest.approx(0.5)
    # moves out of the same state on the same day share the denominator Y_A
    h3 = {
        "id": [1, 1, 2, 2, 3],
        "date": [0.0, 1.0, 0.0, 1.0, 0.0],
        "state": ["A", "B", "A", "C", "A"],
    }
    aj3 = aalen_johansen(h3, states=["A", "B", "C"], absorbing=["C"], observation_end=2.0)
    assert aj3.probabilities[0] == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert aj3.counts[0].tolist() == [0.0, 1.0, 1.0]


def test_aalen_johansen_censoring_and_delayed_entry() -> None:
    h = {
        "id": [1, 1, 2, 3, 3],
        "date": [0.0, 2.0, 0.0, 1.0, 3.0],
        "state": ["A", "D", "A", "A", "D"],
    }
    # obligor 2 is censored at t=1.5 by the NR record; obligor 3 enters at t=1
    h2 = {k: list(v) for k, v in h.items()}
    h2["id"].append(2)
    h2["date"].append(1.5)
    h2["state"].append("NR")
    aj = aalen_johansen(
        h2, states=["A", "D"], absorbing=["D"], censor_states=["NR"], observation_end=4.0
    )
    # t=2: at risk in A = {1, 3} (2 censored at 1.5) -> survival 1/2; t=3: {3} -> 0
    assert aj.probabilities[0] == pytest.approx([0.0, 1.0])
    part = aalen_johansen(
        h2,
        states=["A", "D"],
        absorbing=["D"],
        censor_states=["NR"],
        observation_end=4.0,
        start=0.0,
        end=2.5,
    )
    assert part.probabilities[0] == pytest.approx([0.5, 0.5])


def test_aalen_johansen_on_a_panel_equals_product_of_cohort_matrices(
    rng: np.random.Generator,
) -> None:
    """On data observed at common dates the AJ estimator is the chain of cohort matrices."""
    states = np.array(["M0", "M1", "M2", "CO", "PO"], dtype=object)
    mats = [
        np.array(
            [
                [0.85, 0.1, 0, 0, 0.05],
                [0.5, 0.2, 0.3, 0, 0],
                [0.2, 0.1, 0.3, 0.4, 0],
                [0, 0, 0, 1, 0],
                [0, 0, 0, 0, 1],
            ]
        ),
        np.array(
            [
                [0.80, 0.15, 0, 0, 0.05],
                [0.4, 0.3, 0.3, 0, 0],
                [0.1, 0.1, 0.4, 0.4, 0],
                [0, 0, 0, 1, 0],
                [0, 0, 0, 0, 1],
            ]
        ),
    ]
    n_loans, n_months = 3000, 5
    rows = []
    for loan in range(n_loans):
        start = int(rng.integers(0, 2))
        s = 0
        for t in range(start, n_months):
            rows.append((loan, t, states[s]))
            if s >= 3:
                break
            s = int(rng.choice(5, p=mats[t % 2][s]))
    panel = pd.DataFrame(rows, columns=["loan_id", "month", "bucket"])
    per = cohort_matrix(panel, states=list(states), by="period", empty_rows="identity")
    chained = per.product().probabilities
    first = panel.groupby("loan_id").head(1)
    changed = panel[panel.groupby("loan_id")["bucket"].shift() != panel["bucket"]]
    events = pd.concat([first, changed]).drop_duplicates()
    aj = aalen_johansen(
        events,
        id_col="loan_id",
        time_col="month",
        state_col="bucket",
        states=list(states),
        absorbing=["CO", "PO"],
        observation_end=n_months - 1,
        start=0,
        end=n_months - 1,
    )
    assert aj.probabilities == pytest.approx(chained, abs=1e-12)


# --------------------------------------------------------------------------- generators
def test_regularisations_hand_computed() -> None:
    # a log candidate with one negative off-diagonal entry in row 0 (rows sum to 0)
    lg = np.array([[-0.30, 0.35, -0.05], [0.10, -0.20, 0.10], [0.0, 0.0, 0.0]])
    # DA (IRW 2001): zero the negative entry, reset the diagonal
    assert _diagonal_adjustment(lg)[0] == pytest.approx([-0.35, 0.35, 0.0])
    # WA (IRW 2001): G = |q00| + 0.35 = 0.65, B = 0.05; q0j -= B |q0j| / G
    wa = _weighted_adjustment(lg)[0]
    assert wa == pytest.approx([-0.30 - 0.05 * 0.30 / 0.65, 0.35 - 0.05 * 0.35 / 0.65, 0.0])
    # QO (Kreinin-Sidelnikova 2001): least-squares projection -> shift 0.025 off each kept
    assert _quasi_optimisation(lg)[0] == pytest.approx([-0.325, 0.325, 0.0])
    for q in (_diagonal_adjustment(lg), _weighted_adjustment(lg), _quasi_optimisation(lg)):
        assert q.sum(axis=1) == pytest.approx(np.zeros(3), abs=1e-15)
        assert np.all(q[~np.eye(3, dtype=bool)] >= 0)
        assert np.all(q[1:] == lg[1:])  # valid rows are left alone


@pytest.mark.parametrize("method", ["DA", "WA", "QO"])
def test_embeddable_matrix_recovers_its_generator(method: str) -> None:
    q = np.array(
        [
            [-0.12, 0.10, 0.01, 0.01],
            [0.05, -0.25, 0.15, 0.05],
            [0.0, 0.2, -0.5, 0.3],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    p = expm(q)
    res = generator(TransitionMatrix.from_probabilities(p, ["A", "B", "C", "D"]), method)
    assert res.generator == pytest.approx(q, abs=1e-10)
    assert res.diagnostics.embeddable
    assert res.distance < 1e-10
    assert res.transition_matrix(0.5).probabilities == pytest.approx(expm(0.5 * q))


def test_non_embeddable_matrix_diagnostics_and_qo_is_closest_to_the_log() -> None:
    # the CreditMetrics (1997) Table 6.1 matrix is not embeddable: its logarithm has
    # negative off-diagonal entries (as IRW 2001 report for agency matrices)
    p = np.array(CREDITMETRICS_61)
    p = p / p.sum(axis=1, keepdims=True)
    diag = embedding_diagnostics(p)
    assert diag.determinant == pytest.approx(0.2756, abs=1e-4)
    assert not diag.determinant_above_half
    assert diag.diagonally_dominant
    assert diag.log_is_real
    assert diag.negative_offdiagonal > 0
    assert not diag.embeddable
    results = {m: generator(p, m) for m in ("DA", "WA", "QO")}
    for res in results.values():
        q = res.generator
        assert np.all(q[~np.eye(8, dtype=bool)] >= 0)
        assert q.sum(axis=1) == pytest.approx(np.zeros(8), abs=1e-12)
        assert res.distance < 0.01  # expm(Q) stays close to P
    lg = results["QO"].log_candidate
    dist = {m: np.linalg.norm(r.generator - lg) for m, r in results.items()}
    assert dist["QO"] <= dist["DA"] + 1e-15
    assert dist["QO"] <= dist["WA"] + 1e-15
    assert "Generator (QO)" in results["QO"].summary()


def test_generator_rejects_bad_input() -> None:
    with pytest.raises(DataError, match="method must be one of"):
        generator(np.eye(2), "XX")
    with pytest.raises(DataError, match="rows summing to 1"):
        generator([[0.5, 0.4], [0.0, 1.0]])
    assert embedding_diagnostics([[0.2, 0.8], [0.8, 0.2]]).negative_real_eigenvalues == 1


# --------------------------------------------------------------------------- rating data
@pytest.fixture
def histories(rating_histories_path: object) -> pd.DataFrame:
    df = pd.read_csv(rating_histories_path)
    df["date"] = pd.to_datetime(df["Date"], dayfirst=True)
    return df


def test_duration_vs_cohort_on_rating_histories(histories: pd.DataFrame) -> None:
    kw = {"id_col": "CustomerId", "time_col": "date", "state_col": "Rating"}
    dm = duration_matrix(
        histories,
        states=RATINGS,
        censor_states=["NR"],
        absorbing=["D"],
        observation_end="2005-12-31",
        **kw,
    )
    # cohort: the rating held at each year end 1999 ... 2005, one-year moves
    ends = pd.to_datetime([f"{y}-12-31" for y in range(1999, 2006)])
    h = histories.sort_values("date")
    snaps = []
    for i, d in enumerate(ends):
        last = h[h["date"] <= d].groupby("CustomerId").tail(1)
        snaps.append(pd.DataFrame({"id": last["CustomerId"], "year": i, "state": last["Rating"]}))
    panel = pd.concat(snaps)
    panel = panel[panel["state"] != "NR"]
    cm = cohort_matrix(
        panel,
        id_col="id",
        time_col="year",
        state_col="state",
        states=RATINGS,
        absorbing=["D"],
        empty_rows="identity",
    )
    assert dm.probabilities.sum(axis=1) == pytest.approx(np.ones(8))
    assert np.all(np.asarray(dm.probabilities) >= 0)
    # Lando-Skodeberg's point: the duration estimator gives positive probability to rare
    # moves that a cohort never sees (e.g. investment grade straight to default)
    rare = (np.asarray(cm.counts) == 0) & (np.asarray(dm.probabilities) > 0)
    assert rare[:3, 7].all()
    # ... while the two agree on the bulk: one-year default of the worst grade
    assert dm.probabilities[6, 7] == pytest.approx(cm.probabilities[6, 7], abs=0.1)
    assert np.abs(np.diag(dm.probabilities) - np.diag(cm.probabilities))[1:7].max() < 0.15
    # AJ over one calendar year is a proper stochastic matrix
    aj = aalen_johansen(
        histories,
        states=RATINGS,
        censor_states=["NR"],
        absorbing=["D"],
        start="2001-01-01",
        end="2002-01-01",
        **kw,
    )
    assert aj.probabilities.sum(axis=1) == pytest.approx(np.ones(8))
    assert np.all(np.asarray(aj.probabilities) >= -1e-12)


def test_expected_hitting_time_matches_r_markovchain_vignette() -> None:
    """R markovchain vignette (GSoC 2017 additions), ``ExpectedTime(ctmc, 1, 4)`` = 7."""
    q = np.array(
        [
            [-1.0, 1 / 2, 1 / 2, 0.0],
            [1 / 4, -1 / 2, 0.0, 1 / 4],
            [1 / 6, 0.0, -1 / 3, 1 / 6],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    res = generator(expm(q), "QO", states=("a", "b", "c", "d"))
    assert res.generator == pytest.approx(q, abs=1e-10)
    assert res.expected_time_to_absorption()[0] == pytest.approx(7.0)
