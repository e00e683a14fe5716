"""A compiled one-pass reference kernel with the scoring runtime's exact semantics.

The floor a NumPy design is measured against: one C pass over blocks of 2,048 rows,
every feature binned branch-free (the number of splits ``<= x``, which is
``searchsorted(splits, x, side="right")``; NaN -> missing points), the points added in
spec order to the intercept (so the float64 sums equal the runtime's to the last bit),
then optionally the logistic PD (clipped to
``[1e-15, 1 - 1e-15]``), the master-scale grade (``searchsorted(upper_pd, pd, "left")``)
and the top-``k`` reason codes (largest ``max_points - points`` first, ties in spec order,
none when nothing was lost) as integer codes. It is compiled at benchmark time with the
machine's ``gcc`` (``-O3 -march=native -ffp-contract=off``: vectorised for this CPU, but no
fused multiply-add and no fast-math, which would change the sums) and
called through :mod:`ctypes`; :func:`build` returns None when no compiler is found.

Numeric features without special codes only (what the runtime benchmark's cards hold);
:func:`Reference.check` refuses anything else.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import tempfile
from typing import Any

import numpy as np

C_SOURCE = r"""
#include <math.h>
#include <stdint.h>

#define BLOCK 2048

/* Points of one feature for rows [0, m): branch-free bin = number of splits <= x
   (searchsorted side="right"; NaN compares false), then NaN -> missing points. */
static void feature_points(const double *x, int64_t m, const double *s, int64_t ns,
                           const double *p, double missing, double *out) {
    for (int64_t i = 0; i < m; i++) {
        double v = x[i];
        int64_t bin = 0;
        for (int64_t q = 0; q < ns; q++) bin += (s[q] <= v);
        out[i] = (v != v) ? missing : p[bin];
    }
}

void ref_score(int64_t n, int32_t f, const double **cols, const int64_t *soff,
               const double *splits, const int64_t *poff, const double *points,
               const double *missing, double intercept, double *score) {
    double buf[BLOCK];
    for (int64_t r0 = 0; r0 < n; r0 += BLOCK) {
        int64_t m = n - r0 < BLOCK ? n - r0 : BLOCK;
        double *acc = score + r0;
        for (int64_t i = 0; i < m; i++) acc[i] = intercept;
        for (int32_t j = 0; j < f; j++) {  /* spec order: the runtime's sums */
            feature_points(cols[j] + r0, m, splits + soff[j], soff[j + 1] - soff[j],
                           points + poff[j], missing[j], buf);
            for (int64_t i = 0; i < m; i++) acc[i] += buf[i];
        }
    }
}

void ref_full(int64_t n, int32_t f, const double **cols, const int64_t *soff,
              const double *splits, const int64_t *poff, const double *points,
              const double *missing, const double *maxp, double intercept,
              double cal_a, double cal_b, int32_t g, const double *upper, int32_t k,
              double *score, double *pd, int8_t *grade, int8_t *reasons,
              double *work) {
    /* work: f * BLOCK doubles (the points of one block of rows, feature-major) */
    double loss_top[64];
    int32_t arg_top[64];
    for (int64_t r0 = 0; r0 < n; r0 += BLOCK) {
        int64_t m = n - r0 < BLOCK ? n - r0 : BLOCK;
        double *acc = score + r0;
        for (int64_t i = 0; i < m; i++) acc[i] = intercept;
        for (int32_t j = 0; j < f; j++) {
            double *pj = work + (int64_t)j * BLOCK;
            feature_points(cols[j] + r0, m, splits + soff[j], soff[j + 1] - soff[j],
                           points + poff[j], missing[j], pj);
            for (int64_t i = 0; i < m; i++) acc[i] += pj[i];
        }
        for (int64_t i = 0; i < m; i++) {
            int32_t filled = 0;
            for (int32_t j = 0; j < f; j++) {
                double loss = maxp[j] - work[(int64_t)j * BLOCK + i];
                if (filled < k || loss > loss_top[filled - 1]) {  /* ties keep spec order */
                    int32_t pos = filled < k ? filled++ : k - 1;
                    while (pos > 0 && loss > loss_top[pos - 1]) {
                        loss_top[pos] = loss_top[pos - 1];
                        arg_top[pos] = arg_top[pos - 1];
                        pos--;
                    }
                    loss_top[pos] = loss;
                    arg_top[pos] = j;
                }
            }
            int64_t row = r0 + i;
            double z = cal_a + cal_b * acc[i];
            double q = 1.0 / (1.0 + exp(-z));
            if (q < 1e-15) q = 1e-15;
            if (q > 1.0 - 1e-15) q = 1.0 - 1e-15;
            pd[row] = q;
            int32_t gi = 0;
            while (gi < g && upper[gi] < q) gi++;
            grade[row] = (int8_t)(gi < g ? gi : g - 1);
            for (int32_t r = 0; r < k; r++) {
                reasons[row * k + r] = (int8_t)(r < filled && loss_top[r] > 0 ? arg_top[r] : f);
            }
        }
    }
}
"""

_PTR = ctypes.c_void_p
_I64 = ctypes.c_int64
_I32 = ctypes.c_int32
_F64 = ctypes.c_double


def build(workdir: str | None = None) -> ctypes.CDLL | None:
    """Compile the kernel with gcc into ``workdir`` (a temporary folder) and load it."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return None
    folder = workdir or tempfile.mkdtemp(prefix="overdue_ref_")
    src, lib = os.path.join(folder, "ref.c"), os.path.join(folder, "ref.so")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(C_SOURCE)
    cmd = [gcc, "-O3", "-march=native", "-ffp-contract=off", "-fno-fast-math"]
    cmd += ["-shared", "-fPIC", src]
    subprocess.run([*cmd, "-o", lib, "-lm"], check=True, capture_output=True)
    dll = ctypes.CDLL(lib)
    dll.ref_score.argtypes = [_I64, _I32, _PTR, _PTR, _PTR, _PTR, _PTR, _PTR, _F64, _PTR]
    dll.ref_score.restype = None
    dll.ref_full.argtypes = [
        _I64, _I32, _PTR, _PTR, _PTR, _PTR, _PTR, _PTR, _PTR, _F64, _F64, _F64, _I32,
        _PTR, _I32, _PTR, _PTR, _PTR, _PTR, _PTR,
    ]  # fmt: skip
    dll.ref_full.restype = None
    return dll


def _ptr(a: np.ndarray) -> int:
    return int(a.ctypes.data)


class Reference:
    """The compiled kernel bound to one spec (numeric features, no special codes)."""

    def __init__(self, dll: ctypes.CDLL, spec: Any) -> None:
        feats = spec.features
        for feat in feats:
            if feat.kind != "numeric" or feat.special_codes:
                raise ValueError(f"reference kernel: feature {feat.name!r} is not plain numeric")
        self.dll, self.spec = dll, spec
        self.names = [f.name for f in feats]
        self.soff = np.cumsum([0] + [len(f.splits) for f in feats]).astype(np.int64)
        self.poff = np.cumsum([0] + [len(f.points) for f in feats]).astype(np.int64)
        self.splits = np.array([s for f in feats for s in f.splits], dtype=np.float64)
        self.points = np.array([p for f in feats for p in f.points], dtype=np.float64)
        self.missing = np.array([f.missing_points for f in feats], dtype=np.float64)
        self.maxp = np.array([f.max_points for f in feats], dtype=np.float64)
        self.reason_labels = np.array([f.reason_code for f in feats] + [None], dtype=object)
        cal, ms = spec.calibration, spec.master_scale
        self.cal = (0.0, 0.0) if cal is None else (float(cal.intercept), float(cal.slope))
        self.upper = np.array([] if ms is None else ms.upper_pd, dtype=np.float64)
        self.grades = np.array([] if ms is None else ms.grades, dtype=object)

    def _columns(self, data: Any) -> tuple[list[np.ndarray], Any]:
        """float64 contiguous columns (the conversion is part of the timed work)."""
        cols = [np.ascontiguousarray(np.asarray(data[c], dtype=np.float64)) for c in self.names]
        table = (ctypes.c_void_p * len(cols))(*[_ptr(c) for c in cols])
        return cols, table

    def score(self, data: Any) -> np.ndarray:
        cols, table = self._columns(data)
        n = cols[0].size
        out = np.empty(n)
        self.dll.ref_score(
            n, len(cols), ctypes.addressof(table), _ptr(self.soff), _ptr(self.splits),
            _ptr(self.poff), _ptr(self.points), _ptr(self.missing),
            float(self.spec.intercept_points), _ptr(out),
        )  # fmt: skip
        return out

    def full(self, data: Any, k: int) -> dict[str, np.ndarray]:
        """Score, PD, grade code (int8) and ``k`` reason codes (int8, ``n_features`` = none)."""
        cols, table = self._columns(data)
        n = cols[0].size
        score, pd_ = np.empty(n), np.empty(n)
        grade = np.empty(n, dtype=np.int8)
        reasons = np.empty((n, k), dtype=np.int8)
        work = np.empty(len(cols) * 2048)
        self.dll.ref_full(
            n, len(cols), ctypes.addressof(table), _ptr(self.soff), _ptr(self.splits),
            _ptr(self.poff), _ptr(self.points), _ptr(self.missing), _ptr(self.maxp),
            float(self.spec.intercept_points), self.cal[0], self.cal[1], self.upper.size,
            _ptr(self.upper), k, _ptr(score), _ptr(pd_), _ptr(grade), _ptr(reasons),
            _ptr(work),
        )  # fmt: skip
        return {"score": score, "pd": pd_, "grade": grade, "reasons": reasons}

    def check(self, data: Any, k: int) -> dict[str, Any]:
        """Compare with the runtime on ``data``: the figures printed before any timing."""
        ours = self.spec.score_frame(data, pd=True, grade=True, reason_codes=k)
        ref = self.full(data, k)
        same_score = bool(np.array_equal(self.score(data), ours["score"]))
        same_score &= bool(np.array_equal(ref["score"], ours["score"]))
        pd_diff = ref["pd"] != ours["pd"]
        ulps = np.abs(ref["pd"].view(np.int64) - ours["pd"].view(np.int64))
        reasons = np.column_stack([ours[f"reason_{i + 1}"] for i in range(k)])
        return {
            "score_bit_identical": same_score,
            "pd_rows_differing": int(pd_diff.sum()),
            "pd_max_ulp_difference": int(ulps.max()) if ulps.size else 0,
            "grade_identical": bool(np.array_equal(self.grades[ref["grade"]], ours["grade"])),
            "reasons_identical": bool(np.array_equal(self.reason_labels[ref["reasons"]], reasons)),
        }
