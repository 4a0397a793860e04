#!/usr/bin/python3
"""Golden fixtures for the TypeScript XGBoost engine (helpers/xgboost), made with real XGBoost 1.7.4.

Run with Debian's interpreter (python3-xgboost is 1.7.4, the version of SageMaker's 1.7-1 image):

    apt-get install -y python3-xgboost python3-pandas python3-sklearn
    /usr/bin/python3 scripts/xgboost/make_fixtures.py            # writes test/fixtures/xgboost/*

Everything the TypeScript tests need is stored in the fixtures or follows from a rule that is
re-implemented in test/xgboost/fixtures.ts, so CI needs no Python:
  - train/test split of data/credit_card_default.csv: a row is a test row iff ID % 5 == 0
    (6,000 test rows, 24,000 train rows, file order kept);
  - the "3 % missing" case sets feature cell (row i, column j) of the whole file to NaN iff
    ((i * 23 + j) * 2654435761 mod 2^32) / 2^32 < 0.03 (i = 0-based data row, j = feature index
    after dropping ID and the label);
  - synthetic data and SHAP probe rows are stored as base64 little-endian float32.
Float arrays are stored as base64 float32 so that values round-trip bit for bit.
"""
import base64
import gzip
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
import xgboost as xgb
from sklearn import metrics as skm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "xgboost")
LABEL = "default payment next month"

LAB_PARAMS = {
    "objective": "binary:logistic",
    "max_depth": 5,
    "eta": 0.2,
    "gamma": 4,
    "min_child_weight": 6,
    "subsample": 0.8,
    "seed": 0,
    "tree_method": "hist",
    "nthread": 1,
}

ITERATION_RANGES = ((0, 1), (0, 10), (10, 30), (40, 0), (25, 25))
RANGE_ROWS = 200


def b64f32(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def missing_mask(nrow, ncol):
    i = np.arange(nrow, dtype=np.uint64)[:, None]
    j = np.arange(ncol, dtype=np.uint64)[None, :]
    h = ((i * np.uint64(ncol) + j) * np.uint64(2654435761)) % np.uint64(2**32)
    return (h.astype(np.float64) / 2.0**32) < 0.03


def load_credit():
    df = pd.read_csv(os.path.join(ROOT, "data", "credit_card_default.csv"))
    ids = df["ID"].to_numpy()
    y = df[LABEL].to_numpy().astype(np.float32)
    X = df.drop(columns=["ID", LABEL]).to_numpy().astype(np.float32)
    names = [c for c in df.columns if c not in ("ID", LABEL)]
    test = ids % 5 == 0
    return X, y, names, test


def train_case(params, dtrain, dtest, num_round):
    plist = list(params.items()) + [
        ("eval_metric", "logloss"),
        ("eval_metric", "auc"),
        ("eval_metric", "error"),
    ]
    if params["objective"] == "reg:squarederror":
        plist = list(params.items()) + [("eval_metric", "rmse")]
    evals_result = {}
    bst = xgb.train(
        plist,
        dtrain,
        num_boost_round=num_round,
        evals=[(dtrain, "train"), (dtest, "test")],
        evals_result=evals_result,
        verbose_eval=False,
    )
    return bst, evals_result


def model_json(bst, tmp):
    bst.save_model(tmp)
    with open(tmp) as f:
        return f.read()


def model_legacy_binary(bst, tmp):
    """What SageMaker's 1.7-1 container writes: save_model to `xgboost-model` (no extension)."""
    path = os.path.join(os.path.dirname(tmp), "xgboost-model")
    bst.save_model(path)
    with open(path, "rb") as f:
        raw = f.read()
    os.remove(path)
    assert raw[:4] == b"binf", raw[:8]
    return base64.b64encode(raw).decode("ascii")


def write_case(name, payload):
    path = os.path.join(OUT, name + ".json.gz")
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(raw)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def shap_probe_rows(bst, X_test, rng):
    """First 60 test rows, 40 rows with values exactly on split thresholds, 40 rows with NaNs."""
    rows = [X_test[:60].copy()]
    trees = json.loads(bst.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]
    on_thr = []
    for k in range(40):
        t = trees[k % len(trees)]
        internal = [n for n, l in enumerate(t["left_children"]) if l != -1]
        row = X_test[60 + k].copy()
        # Put the row on the thresholds of up to three nodes of this tree (root first), so that
        # x == threshold (goes right) is exercised along real paths.
        for n in internal[: 1 + (k % 3)]:
            row[t["split_indices"][n]] = np.float32(t["split_conditions"][n])
        on_thr.append(row)
    rows.append(np.array(on_thr, dtype=np.float32))
    nan_rows = X_test[100:140].copy()
    for r in range(nan_rows.shape[0]):
        cols = rng.choice(nan_rows.shape[1], size=1 + r % 5, replace=False)
        nan_rows[r, cols] = np.nan
    rows.append(nan_rows)
    return np.concatenate(rows).astype(np.float32)


def credit_case(name, params, X, y, names, test, tmp, shap=False, num_round=100):
    dtrain = xgb.DMatrix(X[~test], label=y[~test], feature_names=names, nthread=1)
    dtest = xgb.DMatrix(X[test], label=y[test], feature_names=names, nthread=1)
    bst, evals_result = train_case(params, dtrain, dtest, num_round)
    prob = bst.predict(dtest)
    margin = bst.predict(dtest, output_margin=True)
    payload = {
        "name": name,
        "params": {k: v for k, v in params.items()},
        "numRound": num_round,
        "data": "credit",
        "missing": name == "missing3",
        "model": model_json(bst, tmp),
        "testProb": b64f32(prob),
        "testMargin": b64f32(margin),
        "testAuc": float(skm.roc_auc_score(y[test], prob)),
        "evals": evals_result,
        "importance": {
            t: bst.get_score(importance_type=t)
            for t in ("weight", "gain", "cover", "total_gain", "total_cover")
        },
    }
    if shap:
        payload["modelLegacyBinary"] = model_legacy_binary(bst, tmp)
        rng = np.random.default_rng(11)
        probe = shap_probe_rows(bst, X[test], rng)
        dprobe = xgb.DMatrix(probe, feature_names=names, nthread=1)
        payload["shapRows"] = b64f32(probe)
        payload["shapContribs"] = b64f32(bst.predict(dprobe, pred_contribs=True))
        payload["shapMargin"] = b64f32(bst.predict(dprobe, output_margin=True))
        # iteration_range on the first test rows: prefixes, a middle slice, "to the end" (end 0)
        # and an empty range (base margin only).
        dhead = xgb.DMatrix(X[test][:RANGE_ROWS], feature_names=names, nthread=1)
        payload["rangeRows"] = RANGE_ROWS
        payload["rangeMargins"] = {
            f"{b},{e}": b64f32(bst.predict(dhead, output_margin=True, iteration_range=(b, e)))
            for b, e in ITERATION_RANGES
        }
    write_case(name, payload)
    return bst, prob


def synthetic_case(tmp):
    rng = np.random.default_rng(5)
    n, f = 600, 6
    X = rng.normal(size=(n, f)).astype(np.float32)
    X[:, 3] = np.round(X[:, 3] * 3)  # a low-cardinality column with ties
    y = (2 * X[:, 0] - X[:, 1] ** 2 + np.sin(3 * X[:, 2]) + 0.5 * X[:, 3] + rng.normal(scale=0.3, size=n))
    y = y.astype(np.float32)
    X[rng.random(size=(n, f)) < 0.05] = np.nan
    train = np.arange(n) < 450
    params = {
        "objective": "reg:squarederror",
        "max_depth": 4,
        "eta": 0.3,
        "gamma": 0.1,
        "min_child_weight": 1,
        "subsample": 0.7,
        "lambda": 1.5,
        "max_bin": 32,
        "seed": 3,
        "tree_method": "hist",
        "nthread": 1,
    }
    dtrain = xgb.DMatrix(X[train], label=y[train], nthread=1)
    dtest = xgb.DMatrix(X[~train], label=y[~train], nthread=1)
    bst, evals_result = train_case(params, dtrain, dtest, 30)
    payload = {
        "name": "synthetic_reg",
        "params": params,
        "numRound": 30,
        "data": "inline",
        "nrow": n,
        "ncol": f,
        "trainRows": int(train.sum()),
        "X": b64f32(X),
        "y": b64f32(y),
        "model": model_json(bst, tmp),
        "testPred": b64f32(bst.predict(dtest)),
        "testMargin": b64f32(bst.predict(dtest, output_margin=True)),
        "evals": evals_result,
        "shapContribs": b64f32(bst.predict(dtest, pred_contribs=True)),
    }
    write_case("synthetic_reg", payload)


def strtof_case(tmp):
    """dmlc-core's strtof (used by XGBoost's CSV reader) on full-precision decimals: the label
    column of a CSV loaded by XGBoost itself goes through it, so get_label() is the oracle."""
    rng = np.random.default_rng(17)
    strings = []
    for k in range(3000):
        kind = k % 6
        if kind == 0:
            s = repr(float(rng.normal() * 10.0 ** rng.integers(-3, 7)))
        elif kind == 1:
            s = "%.17g" % (rng.random() * 10.0 ** rng.integers(0, 6))
        elif kind == 2:
            s = str(int(rng.integers(-100000, 100000)))
        elif kind == 3:
            s = "%.6f" % (rng.normal() * 1000)
        elif kind == 4:
            s = "%.9e" % (rng.normal() * 10.0 ** rng.integers(-20, 20))
        else:
            s = "%.25f" % (rng.random() * 100)
        strings.append(s)
    strings += ["0", "-0", "1e3", "2.5E-3", "+7", "123456789012345678", "0.1", "3.4028234e38", ".5", "5."]
    path = tmp + ".csv"
    with open(path, "w") as f:
        for s in strings:
            f.write(s + ",1\n")
    d = xgb.DMatrix(path + "?format=csv&label_column=0")
    labels = d.get_label()
    os.remove(path)
    write_case("strtof", {"strings": strings, "values": b64f32(labels)})


def metrics_case(y, prob):
    rng = np.random.default_rng(23)
    yt = rng.integers(0, 2, size=300)
    score = np.round(rng.random(size=300) * 10) / 10  # many ties
    cases = []
    for name, t, s in (("ties", yt, score), ("lab", y, prob.astype(np.float64))):
        fpr, tpr, thr = skm.roc_curve(t, s)
        pred = (s >= 0.5).astype(int)
        cases.append(
            {
                "name": name,
                "yTrue": [int(v) for v in t],
                "score": [float(v) for v in s],
                "auc": float(skm.roc_auc_score(t, s)),
                "fpr": [float(v) for v in fpr],
                "tpr": [float(v) for v in tpr],
                "thresholds": [float(v) if np.isfinite(v) else None for v in thr],
                "logLoss": float(skm.log_loss(t, np.clip(s, 1e-15, 1 - 1e-15))),
                "accuracy": float(skm.accuracy_score(t, pred)),
                "precision": float(skm.precision_score(t, pred, zero_division=0)),
                "recall": float(skm.recall_score(t, pred)),
                "f1": float(skm.f1_score(t, pred)),
                "confusion": skm.confusion_matrix(t, pred).tolist(),
            }
        )
    write_case("metrics", {"sklearn": sklearn.__version__, "cases": cases})


def main():
    assert xgb.__version__ == "1.7.4", f"need XGBoost 1.7.4 (Debian python3-xgboost), got {xgb.__version__}"
    os.makedirs(OUT, exist_ok=True)
    tmp = os.path.join(OUT, ".tmp-model.json")
    X, y, names, test = load_credit()
    _, lab_prob = credit_case("lab", LAB_PARAMS, X, y, names, test, tmp, shap=True)
    Xm = X.copy()
    Xm[missing_mask(*X.shape)] = np.nan
    credit_case("missing3", LAB_PARAMS, Xm, y, names, test, tmp)
    credit_case("subsample1", {**LAB_PARAMS, "subsample": 1}, X, y, names, test, tmp)
    credit_case("seed7", {**LAB_PARAMS, "seed": 7}, X, y, names, test, tmp)
    synthetic_case(tmp)
    strtof_case(tmp)
    metrics_case(y[test], lab_prob)
    os.remove(tmp)


if __name__ == "__main__":
    sys.exit(main())
