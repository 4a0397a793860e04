/**
 * The learning curve replayed from a trained model: equal to XGBoost 1.7.4's own evals_result for
 * the lab model, equal to what our trainer records while training, consistent with predict's
 * iterationRange, and clear errors for mismatched inputs.
 */
import { Booster, DMatrix, train } from "../../helpers/xgboost";
import { evalMetric } from "../../helpers/xgboost/evalMetrics";
import {
  bestRound,
  learningCurveHistory,
  type EvalSet,
} from "../../helpers/workflow/learningCurve";
import { creditData, loadFixture } from "../xgboost/fixtures";

function evalSet(d: DMatrix): EvalSet {
  return { matrix: { data: d.data, nrow: d.numRow, ncol: d.numCol }, labels: d.label! };
}

/** A small binary problem with a signal, noise and missing values. */
function syntheticBinary(nrow: number, seed: number): DMatrix {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const ncol = 4;
  const data = new Float32Array(nrow * ncol);
  const label = new Float32Array(nrow);
  for (let i = 0; i < nrow; i++) {
    for (let j = 0; j < ncol; j++) data[i * ncol + j] = next() < 0.05 ? NaN : next() * 10;
    const x0 = data[i * ncol] || 5;
    label[i] = x0 + 3 * next() > 6.5 ? 1 : 0;
  }
  return new DMatrix(data, { ncol, label });
}

describe("learningCurveHistory", () => {
  it("equals XGBoost 1.7.4's evals_result for the lab model on the credit train and test sets", () => {
    const fx = loadFixture("lab");
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const { train: dtrain, test: dtest } = creditData();
    const history = learningCurveHistory(
      booster,
      { train: evalSet(dtrain), test: evalSet(dtest) },
      { metrics: ["auc", "logloss"] },
    );
    const reference = fx.evals as Record<string, Record<string, number[]>>;
    for (const set of ["train", "test"]) {
      expect(Object.keys(history[set])).toEqual(["auc", "logloss"]);
      for (const metric of ["auc", "logloss"]) {
        const ours = history[set][metric];
        const theirs = reference[set][metric];
        expect(ours).toHaveLength(100);
        let worst = 0;
        ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - theirs[i]))));
        expect({ set, metric, worst: worst <= 1e-6 }).toEqual({ set, metric, worst: true });
      }
    }
    // The curve is not flat: the test AUC climbs well above its first round.
    expect(history.test.auc[99] - history.test.auc[0]).toBeGreaterThan(0.02);
  });

  it("equals what the trainer records in evalsResult for the same sets", () => {
    const dtrain = syntheticBinary(400, 3);
    const dvalid = syntheticBinary(150, 11);
    const booster = train(
      {
        objective: "binary:logistic",
        max_depth: 3,
        eta: 0.3,
        subsample: 0.8,
        seed: 1,
        eval_metric: "auc,logloss,error",
      },
      dtrain,
      {
        numBoostRound: 15,
        evals: [
          [dtrain, "train"],
          [dvalid, "validation"],
        ],
      },
    );
    const replayed = learningCurveHistory(
      booster,
      { train: evalSet(dtrain), validation: evalSet(dvalid) },
      { metrics: ["auc", "logloss", "error"] },
    );
    expect(replayed).toEqual(booster.evalsResult());
  });

  it("round k scores the prediction of rounds [0, k] (predict's iterationRange)", () => {
    const dtrain = syntheticBinary(300, 5);
    const booster = train({ objective: "binary:logistic", max_depth: 2, eta: 0.5 }, dtrain, {
      numBoostRound: 8,
    });
    const history = learningCurveHistory(booster, { train: evalSet(dtrain) });
    for (const k of [1, 4, 8]) {
      const prediction = booster.predict(dtrain, { iterationRange: [0, k] });
      expect(history.train.auc[k - 1]).toBe(evalMetric("auc", dtrain.label!, prediction));
      expect(history.train.logloss[k - 1]).toBe(evalMetric("logloss", dtrain.label!, prediction));
    }
  });

  it("says what is wrong with its inputs", () => {
    const d = syntheticBinary(50, 7);
    const booster = train({ objective: "binary:logistic", max_depth: 2 }, d, { numBoostRound: 2 });
    const good = evalSet(d);
    expect(() => learningCurveHistory(booster, {})).toThrow(/at least one eval set/);
    expect(() =>
      learningCurveHistory(booster, {
        test: { matrix: { data: new Float32Array(6), nrow: 2, ncol: 3 }, labels: [0, 1] },
      }),
    ).toThrow(/test has 3 feature columns but the model expects 4/);
    expect(() =>
      learningCurveHistory(booster, { test: { matrix: good.matrix, labels: [0, 1] } }),
    ).toThrow(/test has 2 labels for 50 rows/);
    expect(() =>
      learningCurveHistory(booster, { test: good }, { metrics: ["aucpr" as "auc"] }),
    ).toThrow(/unknown metric aucpr/);
  });
});

describe("bestRound", () => {
  it("finds the 1-based round of the highest (or lowest) value, skipping NaN", () => {
    expect(bestRound([0.7, 0.75, NaN, 0.74])).toEqual({ round: 2, value: 0.75 });
    expect(bestRound([0.5, 0.4, 0.45], true)).toEqual({ round: 2, value: 0.4 });
    expect(() => bestRound([NaN])).toThrow(/at least one numeric value/);
  });
});
