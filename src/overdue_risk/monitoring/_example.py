"""A small monitoring run for examples and tests (younger applicants from month 3 on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from overdue_risk.monitoring._result import MonitoringResult

__all__ = ["example_result"]


def example_result() -> MonitoringResult:
    """Six months of the runtime's example card; the applicants get 12 years younger from
    month 3 on, and defaults run at 1.6 times the card's PDs.

    Examples
    --------
    >>> example_result().alert_periods("psi")
    ('3', '4', '5')
    """
    import pandas as pd

    from overdue_risk.monitoring._monitor import monitor
    from overdue_risk.runtime import Spec, example_spec_dict, seal

    spec = Spec.from_dict(seal(example_spec_dict()))
    rng = np.random.default_rng(0)
    frames = []
    for m in range(6):
        age = rng.integers(20, 60, 1500) - (12 if m >= 3 else 0)
        frames.append(
            pd.DataFrame({"month": m, "age": age, "purpose": rng.choice(["cash", "rent"], 1500)})
        )
    data = pd.concat(frames, ignore_index=True)
    data["bad"] = (rng.random(len(data)) < 1.6 * spec.predict_pd(data)).astype(int)
    return monitor(spec, data, target="bad", baseline=(0, 1))
