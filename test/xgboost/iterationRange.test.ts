/**
 * `Booster.predict` with `iterationRange` (XGBoost's `iteration_range`): only the trees of rounds
 * begin..end-1 count, the base margin always does; checked against tree-by-tree sums, against
 * XGBoost 1.7.4's own predictions (lab fixture), and for XGBoost's argument errors.
 */
import { Booster, DMatrix } from "../../helpers/xgboost";
import { addTreePredictions } from "../../helpers/xgboost/predictor";
import { creditData, f32, loadFixture, syntheticData } from "./fixtures";

function labModel(): { booster: Booster; fx: ReturnType<typeof loadFixture> } {
  const fx = loadFixture("lab");
  return { booster: Booster.loadModel(Buffer.from(fx.model)), fx };
}

/** The lab fixture's SHAP probe rows (test rows, some with NaN or on split thresholds). */
function probeRows(fx: ReturnType<typeof loadFixture>, ncol: number): DMatrix {
  return new DMatrix(f32(fx.shapRows), { ncol });
}

describe("Booster.predict iterationRange", () => {
  it("[0, k] is the base margin plus the first k rounds' trees, added one by one", () => {
    const { booster, fx } = labModel();
    const d = probeRows(fx, booster.numFeatures);
    const running = new Float32Array(d.numRow).fill(booster.baseMargin);
    for (let k = 1; k <= booster.numTrees(); k++) {
      addTreePredictions(booster.trees, k - 1, k, d.data, d.numRow, d.numCol, running);
      if (k % 10 !== 1 && k !== booster.numTrees()) continue;
      const margins = booster.predict(d, { outputMargin: true, iterationRange: [0, k] });
      expect(Array.from(margins)).toEqual(Array.from(running));
    }
  });

  it("[0, 0], [0, rounds] and no range all give the plain prediction", () => {
    const { booster, fx } = labModel();
    const d = probeRows(fx, booster.numFeatures);
    const plain = Array.from(booster.predict(d));
    expect(Array.from(booster.predict(d, { iterationRange: [0, 0] }))).toEqual(plain);
    expect(Array.from(booster.predict(d, { iterationRange: [0, booster.numTrees()] }))).toEqual(
      plain,
    );
  });

  it("[k, k] is the base margin alone; [b, 0] runs from round b to the last", () => {
    const { booster, fx } = labModel();
    const d = probeRows(fx, booster.numFeatures);
    const empty = booster.predict(d, { outputMargin: true, iterationRange: [25, 25] });
    expect(new Set(empty)).toEqual(new Set([Math.fround(booster.baseMargin)]));
    expect(Array.from(booster.predict(d, { outputMargin: true, iterationRange: [40, 0] }))).toEqual(
      Array.from(
        booster.predict(d, { outputMargin: true, iterationRange: [40, booster.numTrees()] }),
      ),
    );
  });

  it("equals XGBoost 1.7.4's iteration_range margins on the lab model", () => {
    const { booster, fx } = labModel();
    const rows = Array.from({ length: fx.rangeRows as number }, (_, i) => i);
    const test = creditData().test.slice(rows);
    const ranges = fx.rangeMargins as Record<string, string>;
    expect(Object.keys(ranges).length).toBeGreaterThanOrEqual(5);
    for (const [key, b64] of Object.entries(ranges)) {
      const [begin, end] = key.split(",").map(Number);
      const margins = booster.predict(test, { outputMargin: true, iterationRange: [begin, end] });
      expect({ key, margins: Array.from(margins) }).toEqual({ key, margins: Array.from(f32(b64)) });
    }
  });

  it("narrows SHAP values to the range too: each row still sums to the ranged margin", () => {
    const fx = loadFixture("synthetic_reg");
    const { test } = syntheticData(fx);
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const width = booster.numFeatures + 1;
    const contribs = booster.predict(test, { predContribs: true, iterationRange: [2, 7] });
    const margins = booster.predict(test, { outputMargin: true, iterationRange: [2, 7] });
    const full = booster.predict(test, { outputMargin: true });
    let worst = 0;
    let differsFromFull = 0;
    for (let r = 0; r < test.numRow; r++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += contribs[r * width + j];
      worst = Math.max(worst, Math.abs(sum - margins[r]));
      if (Math.abs(margins[r] - full[r]) > 1e-3) differsFromFull++;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(differsFromFull).toBeGreaterThan(test.numRow / 2);
  });

  it("rejects ranges XGBoost rejects, saying what to pass", () => {
    const { booster, fx } = labModel();
    const d = probeRows(fx, booster.numFeatures);
    const predict = (range: unknown) => () =>
      booster.predict(d, { iterationRange: range as [number, number] });
    expect(predict([0, 101])).toThrow(/beyond the model's 100 boosting rounds/);
    expect(predict([30, 20])).toThrow(/begin 30 is after end 20/);
    expect(predict([5, 0])).not.toThrow();
    expect(predict([-1, 2])).toThrow(/begin must be a non-negative integer, got -1/);
    expect(predict([0, 2.5])).toThrow(/end must be a non-negative integer, got 2.5/);
    expect(predict([0])).toThrow(/pair \[begin, end\]/);
  });
});
