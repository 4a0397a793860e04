/** Metrics against scikit-learn 1.2 reference values (fixture metrics.json.gz). */
import {
  accuracy,
  confusionMatrix,
  f1,
  logLoss,
  precision,
  recall,
  rocAuc,
  rocCurve,
} from "../../helpers/xgboost";
import { loadFixture } from "./fixtures";

interface MetricCase {
  name: string;
  yTrue: number[];
  score: number[];
  auc: number;
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
  logLoss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: number[][];
}

const cases = loadFixture("metrics").cases as MetricCase[];

describe.each(cases.map((c) => [c.name, c] as const))("metrics vs scikit-learn: %s", (_n, c) => {
  it("AUC (ties count half) and the ROC curve", () => {
    expect(Math.abs(rocAuc(c.yTrue, c.score) - c.auc)).toBeLessThan(1e-12);
    const roc = rocCurve(c.yTrue, c.score);
    expect(roc.fpr.length).toBe(c.fpr.length);
    roc.fpr.forEach((v, i) => expect(Math.abs(v - c.fpr[i])).toBeLessThan(1e-12));
    roc.tpr.forEach((v, i) => expect(Math.abs(v - c.tpr[i])).toBeLessThan(1e-12));
    // sklearn 1.2 puts max + 1 first, 1.3+ puts +inf; the rest are the scores themselves.
    expect(roc.thresholds[0]).toBe(Infinity);
    expect(roc.thresholds.slice(1)).toEqual(c.thresholds.slice(1));
  });

  it("log loss, accuracy, precision, recall, F1 and the confusion matrix at 0.5", () => {
    expect(Math.abs(logLoss(c.yTrue, c.score) - c.logLoss)).toBeLessThan(1e-9);
    expect(accuracy(c.yTrue, c.score)).toBeCloseTo(c.accuracy, 12);
    expect(precision(c.yTrue, c.score)).toBeCloseTo(c.precision, 12);
    expect(recall(c.yTrue, c.score)).toBeCloseTo(c.recall, 12);
    expect(f1(c.yTrue, c.score)).toBeCloseTo(c.f1, 12);
    expect(confusionMatrix(c.yTrue, c.score).matrix).toEqual(c.confusion);
  });
});

describe("metrics edge cases", () => {
  it("explains undefined AUC and mismatched inputs", () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/only one class/);
    expect(() => rocAuc([1, 0], [0.2])).toThrow(/yTrue has 2 values but score has 1/);
  });

  it("uses the threshold argument", () => {
    const m = confusionMatrix([0, 1, 1, 0], [0.1, 0.4, 0.9, 0.6], 0.3);
    expect(m).toMatchObject({ tn: 1, fp: 1, fn: 0, tp: 2 });
    expect(precision([0, 0], [0.1, 0.2])).toBe(0);
  });
});
