"""IFRS 9 expected credit loss: staging, amortising exposure, discounting, ECL.

Golden values: hand computations of the annuity schedule and of
ECL = sum PD_t x LGD x EAD_t x DF_t (IFRS 9 5.5.17, B5.5.44), the IFRS 9 staging
presumptions (5.5.11: more than 30 days past due; B5.5.37: 90 days past due).
"""

from __future__ import annotations

import numpy as np
import pytest

from overdue_risk.ecl import (
    amortising_exposure,
    assign_stage,
    ecl_from_matrix,
    expected_credit_loss,
)
from overdue_risk.exceptions import DataError
from overdue_risk.transitions import TransitionMatrix


def test_staging_backstops_and_flags() -> None:
    assert assign_stage([0, 30, 31, 89, 90, 400]).tolist() == [1, 1, 2, 2, 3, 3]
    assert assign_stage([0, 0], default_flag=[False, True], sicr=[True, False]).tolist() == [2, 3]
    assert assign_stage([29, 30], stage2_from_dpd=30, stage3_from_dpd=60).tolist() == [1, 2]
    with pytest.raises(DataError, match="stage2_from_dpd < stage3_from_dpd"):
        assign_stage([0], stage2_from_dpd=90, stage3_from_dpd=30)
    with pytest.raises(DataError, match=">= 0"):
        assign_stage([-1])


def test_amortising_exposure_annuity_and_zero_rate() -> None:
    ead = amortising_exposure([1200.0, 1200.0], [0.0, 0.12], [3, 2], 4)
    assert ead[0].tolist() == pytest.approx([1200.0, 800.0, 400.0, 0.0])
    # 12% APR, 2 instalments: payment = 1200 * .01 / (1 - 1.01**-2) = 609.0050
    pmt = 1200 * 0.01 / (1 - 1.01**-2)
    assert ead[1].tolist() == pytest.approx([1200.0, 1200 * 1.01 - pmt, 0.0, 0.0])
    with pytest.raises(DataError, match=r"0\.36 for 36%"):
        amortising_exposure([1.0], [-0.1], [2])


def test_expected_credit_loss_hand_computed() -> None:
    ead = np.array([[1000.0, 600.0, 200.0], [1000.0, 600.0, 200.0], [500.0, 0.0, 0.0]])
    mpd = np.array([[0.02, 0.02, 0.02], [0.1, 0.1, 0.1], [0.0, 0.0, 0.0]])
    eir = 0.2
    r = expected_credit_loss(
        stage=[1, 2, 3],
        marginal_pd=mpd,
        lgd=[0.5, 0.5, 0.6],
        ead=ead,
        eir=eir,
        periods_per_year=2,
    )
    df = (1.2) ** (-np.arange(1, 4) / 2)
    # stage 1: 12 months = the first 2 half-year periods
    assert r.ecl[0] == pytest.approx(0.5 * 0.02 * (1000 * df[0] + 600 * df[1]))
    assert r.ecl_lifetime[0] == pytest.approx(0.5 * 0.02 * (ead[0] * df).sum())
    assert r.ecl[1] == pytest.approx(0.5 * 0.1 * (ead[1] * df).sum())
    assert r.ecl[2] == pytest.approx(0.6 * 500.0)  # credit-impaired: LGD x EAD
    assert r.by_stage[3]["coverage"] == pytest.approx(0.6)
    assert r.total == pytest.approx(r.ecl.sum())
    assert list(r.to_frame().columns) == ["stage", "exposure", "ecl_12m", "ecl_lifetime", "ecl"]
    assert "Expected credit loss" in r.summary()


def test_expected_credit_loss_rejects_cumulative_pd() -> None:
    with pytest.raises(DataError, match="marginal"):
        expected_credit_loss(
            stage=[1], marginal_pd=[[0.5, 0.9]], lgd=0.5, ead=[[1.0, 1.0]], eir=0.0
        )


def test_ecl_from_matrix_uses_first_passage_pd() -> None:
    tm = TransitionMatrix.from_probabilities(
        [[0.90, 0.05, 0.00, 0.05], [0.40, 0.40, 0.20, 0.00], [0, 0, 1, 0], [0, 0, 0, 1]],
        ["M0", "M1", "CO", "PO"],
    )
    r = ecl_from_matrix(
        tm,
        state=["M0", "M1", "CO"],
        dpd=[0, 45, 200],
        balance=[1000.0, 1000.0, 700.0],
        annual_rate=0.0,
        remaining_term=[2, 2, 2],
        lgd=0.8,
        default_states=["CO"],
    )
    assert r.stage.tolist() == [1, 2, 3]
    # M0: default in month 1 impossible; month 2: 0.05 * 0.2 -> ECL = .8 * .01 * 500
    assert r.ecl[0] == pytest.approx(0.8 * 0.05 * 0.2 * 500.0)
    # M1: month 1: 0.2 x 1000; month 2: 0.4 x 0.2 x 500
    assert r.ecl[1] == pytest.approx(0.8 * (0.2 * 1000 + 0.4 * 0.2 * 500))
    assert r.ecl[2] == pytest.approx(0.8 * 700)
    with pytest.raises(DataError, match="not states of the matrix"):
        ecl_from_matrix(
            tm,
            state=["M9"],
            dpd=[0],
            balance=[1.0],
            annual_rate=0.1,
            remaining_term=[1],
            lgd=0.5,
            default_states=["CO"],
        )


def test_ecl_on_the_portfolio() -> None:
    datasets = pytest.importorskip("overdue_risk.datasets")
    from overdue_risk.transitions import cohort_matrix

    pf = datasets.make_microloan_portfolio(n_loans=1500, n_months=18, random_state=5)
    perf = pf.performance
    tm = cohort_matrix(perf)
    last = perf[perf["month"] == perf["month"].max()]
    book = last[~last["bucket"].isin(["CO", "PO"])].merge(
        pf.applications[["loan_id", "term_months", "apr"]], on="loan_id"
    )
    remaining = np.maximum(book["term_months"] - book["mob"], 1)
    r = ecl_from_matrix(
        tm,
        state=book["bucket"],
        dpd=book["dpd"],
        balance=book["balance"],
        annual_rate=book["apr"],
        remaining_term=remaining,
        lgd=0.75,
    )
    cov = {s: r.by_stage[s]["coverage"] for s in (1, 2, 3) if r.by_stage[s]["loans"] > 0}
    # coverage rises with the stage
    assert list(cov.values()) == sorted(cov.values())
    assert np.all(r.ecl <= 0.75 * r.exposure + 1e-9)
