"""scikit-learn's model search over a default ``Scorecard()``'s binner parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from overdue_risk.binning import WOEBinner
from overdue_risk.scorecard import Scorecard


@pytest.fixture
def sample() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 3000
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    y = (rng.random(n) < 1 / (1 + np.exp(2 - X["a"] + 0.5 * X["b"]))).astype(int)
    return X, y


def test_grid_search_over_the_default_binner(sample: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = sample
    grid = {"binner__max_n_bins": [2, 6], "binner__monotonic_trend": ["auto"]}
    search = GridSearchCV(Scorecard(), grid, scoring="roc_auc", cv=3).fit(X, y)
    assert search.best_params_["binner__max_n_bins"] == 6  # two bins lose information
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > scores[0]
    best = search.best_estimator_
    assert isinstance(best.binner, WOEBinner)
    assert best.binner_.bins_["a"].n_bins > 2
    # the same search over an explicit WOEBinner() gives the same result
    explicit = GridSearchCV(Scorecard(binner=WOEBinner()), grid, scoring="roc_auc", cv=3)
    np.testing.assert_allclose(explicit.fit(X, y).cv_results_["mean_test_score"], scores)


def test_set_params_leaves_an_unsearched_default_alone() -> None:
    card = Scorecard()
    assert card.set_params(pdo=40).binner is None
    assert clone(card).binner is None
    searched = card.set_params(binner__max_n_bins=3)
    assert searched.binner.max_n_bins == 3
    assert clone(searched).get_params()["binner__max_n_bins"] == 3
