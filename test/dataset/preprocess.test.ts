import {
  featureMatrix,
  loadCreditCardData,
  preprocess,
  splitTrainTest,
  toCsv,
  toLabTable,
  type LabTable,
} from "../../helpers/dataset";

const data = loadCreditCardData();
const lab = preprocess(data, { testFraction: 0.2, seed: 42 });

function col(table: LabTable, name: string): Float64Array {
  return table.values[table.columns.indexOf(name)];
}
const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: Float64Array) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe("lab 01 preprocessing", () => {
  it("drops ID and puts Label first", () => {
    const table = toLabTable(data);
    expect(table.columns[0]).toBe("Label");
    expect(table.columns).not.toContain("ID");
    expect(table.columns).not.toContain("default payment next month");
    expect(table.columns).toHaveLength(24);
  });

  it("splits 80/20 reproducibly, disjoint and complete", () => {
    const indexed: LabTable = {
      columns: ["Label", "row"],
      values: [new Float64Array(1000), Float64Array.from({ length: 1000 }, (_, i) => i)],
      rowCount: 1000,
    };
    const a = splitTrainTest(indexed, 0.2, 7);
    const b = splitTrainTest(indexed, 0.2, 7);
    const c = splitTrainTest(indexed, 0.2, 8);
    expect(a.test.rowCount).toBe(200);
    expect(a.train.rowCount).toBe(800);
    expect(Array.from(a.test.values[1])).toEqual(Array.from(b.test.values[1]));
    expect(Array.from(a.test.values[1])).not.toEqual(Array.from(c.test.values[1]));
    const all = [...a.train.values[1], ...a.test.values[1]].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(() => splitTrainTest(indexed, 1.5, 1)).toThrow(/testFraction must be between 0 and 1/);
  });

  it("orders columns as the lab's ColumnTransformer: scaled columns first", () => {
    expect(lab.train.columns.slice(0, 9)).toEqual([
      "Label",
      "PAY_AMT1",
      "BILL_AMT1",
      "LIMIT_BAL",
      "SEX",
      "EDUCATION",
      "MARRIAGE",
      "AGE",
      "PAY_0",
    ]);
    expect(lab.train.columns.slice(-5)).toEqual([
      "PAY_AMT2",
      "PAY_AMT3",
      "PAY_AMT4",
      "PAY_AMT5",
      "PAY_AMT6",
    ]);
    expect(lab.test.columns).toEqual(lab.train.columns);
    expect(lab.train.rowCount).toBe(24000);
    expect(lab.test.rowCount).toBe(6000);
  });

  it("fits the scalers on training rows and applies the same parameters to test rows", () => {
    const payAmt1 = col(lab.train, "PAY_AMT1");
    expect(mean(payAmt1)).toBeCloseTo(0, 4);
    expect(std(payAmt1)).toBeCloseTo(1, 4);
    const bill = col(lab.train, "BILL_AMT1");
    expect(Math.min(...bill)).toBeCloseTo(0, 6);
    expect(Math.max(...bill)).toBeCloseTo(1, 6);
    // The test rows use the training parameters: recompute one value by hand.
    const raw = splitTrainTest(toLabTable(data), 0.2, 42).test;
    const { min, max } = lab.scalers.BILL_AMT1;
    expect(col(lab.test, "BILL_AMT1")[0]).toBeCloseTo(
      (col(raw, "BILL_AMT1")[0] - min) / (max - min),
      6,
    );
    const { mean: m, std: s } = lab.scalers.PAY_AMT1;
    expect(col(lab.test, "PAY_AMT1")[0]).toBeCloseTo((col(raw, "PAY_AMT1")[0] - m) / s, 5);
    // Unscaled features and labels pass through unchanged.
    expect(Array.from(col(lab.test, "AGE"))).toEqual(Array.from(col(raw, "AGE")));
    expect(Array.from(col(lab.test, "Label"))).toEqual(Array.from(col(raw, "Label")));
  });

  it("writes CSV as SageMaker's XGBoost reads it, and the baselining CSV with a header", () => {
    const plain = toCsv(lab.train, { header: false }).split("\n");
    const headed = toCsv(lab.train, { header: true }).split("\n");
    expect(plain).toHaveLength(24001); // 24,000 lines and the final newline
    expect(headed[0]).toBe(lab.train.columns.join(","));
    expect(headed[1]).toBe(plain[0]);
    const first = plain[0].split(",");
    expect(first).toHaveLength(24);
    expect(["0", "1"]).toContain(first[0]);
    // float32 values are printed with the fewest digits that read back identically
    expect(Math.fround(Number(first[1]))).toBe(Math.fround(col(lab.train, "PAY_AMT1")[0]));
    expect(first[1].replace(/^-?0\./, "").length).toBeLessThanOrEqual(9);
  });

  it("builds the row-major float32 feature matrix without the label", () => {
    const m = featureMatrix(lab.test);
    expect(m.ncol).toBe(23);
    expect(m.nrow).toBe(6000);
    expect(m.data[1 * 23 + 2]).toBe(Math.fround(col(lab.test, "LIMIT_BAL")[1]));
  });
});
