"""PMML export: scored by a real PMML evaluator (JPMML, via jpmml_evaluator) vs the kernel.

jpmml_evaluator drives the Java JPMML-Evaluator; its in-process pyjnius backend is used
(py4j and jpype also work here, pyjnius starts fastest). One evaluator per spec per module.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest

from export_harness import SPEC_FIXTURES, assert_same_as_kernel, cases, load, warehouse_columns
from overdue_risk.export import to_pmml
from overdue_risk.export.pmml import PMML_NAMESPACE
from overdue_risk.runtime import Spec

jpmml = pytest.importorskip("jpmml_evaluator")

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "no Java runtime: java is not on PATH and JAVA_HOME is unset", allow_module_level=True
    )

K = 3
NS = {"p": PMML_NAMESPACE}
# pyjnius runs the JVM in-process and starts fastest; py4j (a gateway process) also works
BACKEND = "pyjnius" if importlib.util.find_spec("jnius") is not None else "py4j"


def evaluate(spec: Spec, cols: dict[str, Any], tmp_path: Any, k: int = K) -> dict[str, Any]:
    import pandas as pd

    path = tmp_path / f"{spec.name}.pmml"
    to_pmml(spec, path, reason_codes=k)
    evaluator = jpmml.make_evaluator(str(path), backend=BACKEND).verify()
    frame = pd.DataFrame({f: cols[f] for f in spec.feature_names})
    result = evaluator.evaluateAll(frame)
    return {c: result[c].to_numpy() for c in result.columns if isinstance(c, str)}


@pytest.mark.parametrize("spec_name", sorted(SPEC_FIXTURES))
def test_pmml_equals_kernel_on_boundaries_and_random_sample(spec_name, tmp_path):
    spec = load(spec_name)
    data = cases(spec, n_random=2000)
    got = evaluate(spec, warehouse_columns(spec, data), tmp_path)
    # The PMML "pointsBelow" algorithm also lists characteristics that lost no points
    # (after those that did); the runtime leaves those slots empty. Compare the codes the
    # runtime gives, and check the extra PMML codes are features with zero loss.
    pts = spec.feature_points({f: data[f] for f in spec.feature_names})
    loss = np.array([f.max_points for f in spec.features]) - pts
    code_of = {f.reason_code: j for j, f in enumerate(spec.features)}
    want = spec.reason_codes({f: data[f] for f in spec.feature_names}, k=K)
    for r in range(K):
        key = f"reason_{r + 1}"
        g = got[key]
        extra = [i for i in range(len(g)) if want[i, r] is None and g[i] is not None]
        assert all(loss[i, code_of[g[i]]] <= 0 for i in extra)
        got[key] = np.array(
            [None if want[i, r] is None else g[i] for i in range(len(g))], dtype=object
        )
    assert_same_as_kernel(spec, data, got, reason_codes=K, engine="JPMML")


def test_pmml_document_structure():
    spec = load("awkward")
    root = ET.fromstring(to_pmml(spec, reason_codes=2))
    assert root.get("version") == "4.4"
    card = root.find("p:Scorecard", NS)
    assert card is not None
    assert card.get("useReasonCodes") == "true"
    assert card.get("reasonCodeAlgorithm") == "pointsBelow"
    assert float(card.get("initialScore")) == spec.intercept_points
    chars = card.findall("p:Characteristics/p:Characteristic", NS)
    assert [float(c.get("baselineScore")) for c in chars] == [f.max_points for f in spec.features]
    assert [c.get("reasonCode") for c in chars] == [f.reason_code for f in spec.features]
    # missing first, then special codes, then the bins, then a catch-all
    first = chars[0].findall("p:Attribute", NS)
    assert first[0].find("p:SimplePredicate", NS).get("operator") == "isMissing"
    assert [a.find("p:SimplePredicate", NS).get("value") for a in first[1:4]] == [
        "-1.0",
        "-999.0",
        "0.45",
    ]
    assert first[-1].find("p:True", NS) is not None
    assert len(first) == 1 + 3 + len(spec.features[0].points)
    # repr precision of every number written
    lessthan = [float(a.find("p:SimplePredicate", NS).get("value")) for a in first[4:-1]]
    assert lessthan == list(spec.features[0].splits)
    outputs = [o.get("name") for o in card.findall("p:Output/p:OutputField", NS)]
    assert outputs == ["score", "pd", "grade", "reason_1", "reason_2"]


def test_unseen_error_policy_has_no_catch_all_and_is_refused_by_the_evaluator(tmp_path):
    spec = load("binned")
    root = ET.fromstring(to_pmml(spec))
    chars = root.findall("p:Scorecard/p:Characteristics/p:Characteristic", NS)
    channel = chars[spec.feature_names.index("channel")]
    assert channel.find("p:Attribute/p:True", NS) is None
    cols = {
        "n_inquiries_6m": np.array([0.0, 0.0]),
        "channel": np.array(["9", "1"], dtype=object),
        "apr": np.array([0.1, 0.1]),
    }
    got = evaluate(spec, cols, tmp_path, k=0)
    assert "UndefinedResultException" in str(got["errors"][0])
    assert got["score"][0] is None or math.isnan(got["score"][0])
    assert (
        got["score"][1] == spec.score({"n_inquiries_6m": [0.0], "channel": ["1"], "apr": [0.1]})[0]
    )


def test_to_pmml_writes_file(tmp_path):
    spec = load("example")
    path = tmp_path / "card.pmml"
    text = to_pmml(spec, path=path)
    assert path.read_text(encoding="utf-8") == text
    assert math.isclose(float(ET.fromstring(text).find("p:Scorecard", NS).get("initialScore")), 0.0)
    with pytest.raises(ValueError, match="reason_codes"):
        to_pmml(spec, reason_codes=-2)


def test_integer_categories_match_their_float_spelling_as_the_kernel_does(tmp_path):
    from overdue_risk.runtime import feature_block, seal, spec_document

    region = feature_block(
        "region",
        "categorical",
        categories=[[1, 2], [3, 4]],
        points=[10, 20],
        missing_points=0,
        unseen_points=-100,
        unseen_policy="worst",
        max_points=20,
    )
    spec = Spec.from_dict(seal(spec_document(name="codes", features=[region])))
    codes = np.array(["4", "4.0", "1.0", "4.00", "7"], dtype=object)
    got = evaluate(spec, {"region": codes}, tmp_path, k=0)
    want = spec.score({"region": codes})
    assert want.tolist() == [20.0, 20.0, 10.0, -100.0, -100.0]
    np.testing.assert_array_equal(np.asarray(got["score"], dtype=float), want)
