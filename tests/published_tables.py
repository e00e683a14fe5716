"""Published tables that more than one test file checks against (golden values).

CREDITMETRICS_61: CreditMetrics Technical Document (J.P. Morgan, 1997), Table 6.1, the
one-year rating transition matrix in percent (rows AAA, AA, A, BBB, BB, B, CCC, D; the
published rows do not all sum to exactly 100).
"""

from __future__ import annotations

CREDITMETRICS_61 = [
    [90.81, 8.33, 0.68, 0.06, 0.12, 0.00, 0.00, 0.00],
    [0.70, 90.65, 7.79, 0.64, 0.06, 0.14, 0.02, 0.00],
    [0.09, 2.27, 91.05, 5.52, 0.74, 0.26, 0.01, 0.06],
    [0.02, 0.33, 5.95, 86.93, 5.30, 1.17, 0.12, 0.18],
    [0.03, 0.14, 0.67, 7.73, 80.53, 8.84, 1.00, 1.06],
    [0.00, 0.11, 0.24, 0.43, 6.48, 83.46, 4.07, 5.20],
    [0.22, 0.00, 0.22, 1.30, 2.38, 11.24, 64.86, 19.79],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0],
]
