/**
 * TreeSHAP against XGBoost 1.7.4's `pred_contribs=True` (fixture rows include values exactly on
 * split thresholds and rows with NaN): per element within 1e-5, and every row sums to the margin.
 */
import { Booster, DMatrix } from "../../helpers/xgboost";
import { f32, loadFixture, syntheticData } from "./fixtures";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function additivityError(contribs: Float32Array, margins: Float32Array, width: number): number {
  let worst = 0;
  for (let r = 0; r < margins.length; r++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += contribs[r * width + j];
    worst = Math.max(worst, Math.abs(s - margins[r]));
  }
  return worst;
}

describe("TreeSHAP (pred_contribs)", () => {
  it("equals XGBoost's contributions on the lab model, incl. NaN and on-threshold rows", () => {
    const fx = loadFixture("lab");
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const rows = f32(fx.shapRows);
    const ncol = booster.numFeatures;
    const d = new DMatrix(rows, { ncol });
    // The probe set really has NaNs and values sitting exactly on thresholds.
    expect(rows.some((v) => Number.isNaN(v))).toBe(true);
    const thresholds = new Set<number>();
    for (const t of booster.trees) {
      for (let n = 0; n < t.numNodes; n++) {
        if (t.leftChildren[n] !== -1) thresholds.add(t.splitConditions[n]);
      }
    }
    let onThreshold = 0;
    for (let r = 60; r < 100; r++) {
      for (let j = 0; j < ncol; j++) if (thresholds.has(rows[r * ncol + j])) onThreshold++;
    }
    expect(onThreshold).toBeGreaterThanOrEqual(40);

    const contribs = booster.predict(d, { predContribs: true });
    expect(contribs.length).toBe(d.numRow * (ncol + 1));
    expect(maxAbsDiff(contribs, f32(fx.shapContribs))).toBeLessThanOrEqual(1e-5);
    const margins = booster.predict(d, { outputMargin: true });
    expect(maxAbsDiff(margins, f32(fx.shapMargin))).toBeLessThanOrEqual(1e-6);
    expect(additivityError(contribs, margins, ncol + 1)).toBeLessThanOrEqual(1e-5);
  });

  it("equals XGBoost's contributions on the regression model (bias = base_score 0.5 + tree means)", () => {
    const fx = loadFixture("synthetic_reg");
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const { test } = syntheticData(fx);
    const contribs = booster.predict(test, { predContribs: true });
    expect(maxAbsDiff(contribs, f32(fx.shapContribs))).toBeLessThanOrEqual(1e-5);
    const margins = booster.predict(test, { outputMargin: true });
    expect(additivityError(contribs, margins, test.numCol + 1)).toBeLessThanOrEqual(1e-5);
  });

  it("credits nothing to a feature the trees never use", () => {
    const fx = loadFixture("lab");
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const used = new Set(Object.keys(booster.getScore()));
    const rows = f32(fx.shapRows).subarray(0, 23 * 10);
    const c = booster.predict(new DMatrix(rows, { ncol: 23 }), { predContribs: true });
    booster.featureNames?.forEach((name, j) => {
      if (used.has(name)) return;
      for (let r = 0; r < 10; r++) expect(c[r * 24 + j]).toBe(0);
    });
  });
});
