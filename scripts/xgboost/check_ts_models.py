#!/usr/bin/python3
"""Loads the models written by the TypeScript engine in real XGBoost 1.7.4 and compares predictions.

    npx ts-node --transpile-only scripts/xgboost/export_ts_models.ts /tmp/xgb-ts-models
    /usr/bin/python3 scripts/xgboost/check_ts_models.py /tmp/xgb-ts-models

Each model is read the way SageMaker's 1.7-1 serving container reads it: `model.tar.gz` is
extracted and the file `xgboost-model` (no extension) is passed to `Booster.load_model`. The
outcome is recorded in test/fixtures/xgboost/native-load-check.json.
"""
import base64
import json
import os
import sys
import tarfile
import tempfile

import numpy as np
import xgboost as xgb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def f32(s):
    return np.frombuffer(base64.b64decode(s), dtype="<f4")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/xgb-ts-models"
    results = []
    for name in ["lab", "missing3", "subsample1", "seed7", "synthetic_reg"]:
        with open(os.path.join(src, name + ".json")) as f:
            ours = json.load(f)
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(os.path.join(src, name + ".model.tar.gz")) as tf:
                members = tf.getnames()
                tf.extractall(tmp)
            bst = xgb.Booster()
            bst.load_model(os.path.join(tmp, "xgboost-model"))
        ncol = ours["ncol"]
        X = f32(ours["test"]).reshape(-1, ncol)
        P = f32(ours["probe"]).reshape(-1, ncol)
        names = bst.feature_names  # None for the synthetic case
        d = xgb.DMatrix(X, feature_names=names, nthread=1)
        dp = xgb.DMatrix(P, feature_names=names, nthread=1)
        prob = bst.predict(d)
        margin = bst.predict(d, output_margin=True)
        contribs = bst.predict(dp, pred_contribs=True)
        r = {
            "case": name,
            "archiveMembers": members,
            "trees": len(bst.get_dump()),
            "maxAbsDiffPrediction": float(np.max(np.abs(prob - f32(ours["prob"])))),
            "maxAbsDiffMargin": float(np.max(np.abs(margin - f32(ours["margin"])))),
            "maxAbsDiffContribs": float(np.max(np.abs(contribs.ravel() - f32(ours["contribs"])))),
        }
        r["ok"] = (
            members == ["xgboost-model"]
            and r["maxAbsDiffPrediction"] <= 1e-6
            and r["maxAbsDiffMargin"] <= 1e-6
            and r["maxAbsDiffContribs"] <= 1e-5
        )
        print(r)
        results.append(r)
    out = os.path.join(ROOT, "test", "fixtures", "xgboost", "native-load-check.json")
    with open(out, "w") as f:
        json.dump({"xgboost": xgb.__version__, "results": results}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(out, ROOT))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
