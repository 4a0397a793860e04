/** train(): rounds, evals, per-round callbacks, CSV input as SageMaker feeds it, determinism. */
import { Booster, DMatrix, train } from "../../helpers/xgboost";
import { creditData, f32, loadFixture } from "./fixtures";

const LAB = {
  objective: "binary:logistic",
  max_depth: "5",
  eta: "0.2",
  gamma: "4",
  min_child_weight: "6",
  subsample: "0.8",
  seed: "0",
  tree_method: "hist",
};

function toCsv(d: DMatrix): string {
  const lines: string[] = [];
  for (let i = 0; i < d.numRow; i++) {
    const row = [String(d.label?.[i])];
    for (let j = 0; j < d.numCol; j++) {
      const v = d.data[i * d.numCol + j];
      row.push(Number.isNaN(v) ? "" : String(v));
    }
    lines.push(row.join(","));
  }
  return lines.join("\n");
}

describe("train", () => {
  const { train: dtrain, test: dtest } = creditData(true);

  it("calls back every round with the eval metrics and records the learning curve", () => {
    const seen: { iteration: number; numRounds: number; auc: number }[] = [];
    const b = train({ ...LAB, num_round: "5", eval_metric: "auc" }, dtrain, {
      evals: [[dtest, "validation"]],
      callbacks: [
        (info) =>
          seen.push({
            iteration: info.iteration,
            numRounds: info.numRounds,
            auc: info.evals.validation.auc,
          }),
      ],
    });
    expect(b.numTrees()).toBe(5);
    expect(seen.map((s) => s.iteration)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.every((s) => s.numRounds === 5)).toBe(true);
    expect(b.evalsResult().validation.auc).toEqual(seen.map((s) => s.auc));
    // Same values as XGBoost's evals_result for these rounds (the missing3 fixture).
    const ref = loadFixture("missing3").evals.test.auc as number[];
    seen.forEach((s, i) => expect(Math.abs(s.auc - ref[i])).toBeLessThan(1e-6));
  });

  it("reports AUC as NaN (as XGBoost does) for an eval set with one class, and keeps training", () => {
    const neg = Array.from({ length: dtest.numRow }, (_, i) => i).filter(
      (i) => dtest.label?.[i] === 0,
    );
    const oneClass = dtest.slice(neg.slice(0, 200));
    const b = train({ ...LAB, eval_metric: "auc,error" }, dtrain, {
      numBoostRound: 2,
      evals: [[oneClass, "negatives"]],
    });
    expect(b.evalsResult().negatives.auc.every((v) => Number.isNaN(v))).toBe(true);
    expect(b.evalsResult().negatives.error).toHaveLength(2);
  });

  it("numBoostRound overrides num_round; training is deterministic", () => {
    const a = train({ ...LAB, num_round: "50" }, dtrain, { numBoostRound: 3 });
    const b = train({ ...LAB, num_round: "50" }, dtrain, { numBoostRound: 3 });
    expect(a.numTrees()).toBe(3);
    expect(a.saveModel().equals(b.saveModel())).toBe(true);
  });

  it("trains the same trees from SageMaker-style CSV (label first, empty = missing)", () => {
    const fromCsv = DMatrix.fromCsv(toCsv(dtrain));
    expect(fromCsv.numRow).toBe(dtrain.numRow);
    const a = train(LAB, fromCsv, { numBoostRound: 4 });
    const b = train(LAB, dtrain, { numBoostRound: 4 });
    a.featureNames = b.featureNames; // CSV channels carry no names
    expect(a.saveModel().equals(b.saveModel())).toBe(true);
    const ref = Booster.loadModel(Buffer.from(loadFixture("missing3").model));
    for (let t = 0; t < 4; t++) {
      const n = ref.trees[t].numNodes;
      expect(a.trees[t].numNodes).toBe(n);
      expect(Array.from(a.trees[t].splitIndices.subarray(0, n))).toEqual(
        Array.from(ref.trees[t].splitIndices.subarray(0, n)),
      );
    }
  });

  it("trains reg:logistic and predicts probabilities consistent with margins", () => {
    const b = train({ objective: "reg:logistic", max_depth: 3, seed: 1 }, dtrain, {
      numBoostRound: 3,
    });
    const p = b.predict(dtest);
    const m = b.predict(dtest, { outputMargin: true });
    for (let i = 0; i < 50; i++) expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-m[i])), 6);
    expect(f32(loadFixture("lab").testProb).length).toBe(dtest.numRow);
  });
});
