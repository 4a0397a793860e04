import { dfd } from "../../helpers/dataset/danfo";
import {
  correlationMatrix,
  numericColumns,
  quantile,
  sampleRows,
} from "../../helpers/display/stats";

describe("correlationMatrix", () => {
  it("computes Pearson r for every pair (pandas DataFrame.corr)", () => {
    const { columns, matrix } = correlationMatrix({
      x: [1, 2, 3, 4, 5],
      double: [2, 4, 6, 8, 10],
      reverse: [5, 4, 3, 2, 1],
      noise: [2, 1, 4, 3, 5],
    });
    expect(columns).toEqual(["x", "double", "reverse", "noise"]);
    expect(matrix[0][0]).toBe(1);
    expect(matrix[0][1]).toBeCloseTo(1, 12);
    expect(matrix[0][2]).toBeCloseTo(-1, 12);
    // pandas: pd.Series([1,2,3,4,5]).corr(pd.Series([2,1,4,3,5])) == 0.8
    expect(matrix[0][3]).toBeCloseTo(0.8, 12);
    expect(matrix[3][0]).toBe(matrix[0][3]);
  });

  it("is stable for large offsets (two-pass)", () => {
    const base = 1e9;
    const { matrix } = correlationMatrix({
      a: [base + 1, base + 2, base + 3, base + 4, base + 5],
      b: [2, 1, 4, 3, 5],
    });
    expect(matrix[0][1]).toBeCloseTo(0.8, 9);
  });

  it("uses pairwise complete rows and gives NaN for constant columns", () => {
    const { matrix } = correlationMatrix({
      a: [1, 2, NaN, 4, 5],
      b: [2, 1, 100, 3, 5],
      constant: [7, 7, 7, 7, 7],
    });
    // Rows 0, 1, 3, 4: a = [1,2,4,5], b = [2,1,3,5]
    const a = [1, 2, 4, 5];
    const b = [2, 1, 3, 5];
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const [ma, mb] = [mean(a), mean(b)];
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    a.forEach((x, i) => {
      sab += (x - ma) * (b[i] - mb);
      saa += (x - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    });
    expect(matrix[0][1]).toBeCloseTo(sab / Math.sqrt(saa * sbb), 12);
    expect(matrix[2][2]).toBeNaN();
    expect(matrix[0][2]).toBeNaN();
  });

  it("explains unequal columns", () => {
    expect(() => correlationMatrix({ a: [1, 2], b: [1] })).toThrow(
      /same length: a has 2 .* b has 1/,
    );
    expect(() => correlationMatrix({})).toThrow(/at least one column/);
  });
});

describe("quantile and sampleRows", () => {
  it("interpolates quantiles linearly (numpy's default)", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.05)).toBeCloseTo(0.5, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("samples distinct rows reproducibly", () => {
    const a = sampleRows(1000, 50, 7);
    expect(a).toEqual(sampleRows(1000, 50, 7));
    expect(a).not.toEqual(sampleRows(1000, 50, 8));
    expect(new Set(a).size).toBe(50);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(sampleRows(3, 10)).toEqual([0, 1, 2]);
  });
});

describe("numericColumns", () => {
  it("reads named columns of a DataFrame as numbers", () => {
    const df = new dfd.DataFrame({ BILL_AMT1: [1, 2], SEX: ["a", "b"], PAY_AMT1: [3, 4] });
    expect(numericColumns(df, ["PAY_AMT1", "BILL_AMT1"])).toEqual({
      PAY_AMT1: [3, 4],
      BILL_AMT1: [1, 2],
    });
    // Without names: the numeric columns.
    expect(Object.keys(numericColumns(df))).toEqual(["BILL_AMT1", "PAY_AMT1"]);
    expect(() => numericColumns(df, ["NOPE"])).toThrow(/column NOPE is not in the table/);
  });

  it("reads records, missing values as NaN", () => {
    expect(numericColumns([{ a: 1, b: "x" }, { a: null }])).toEqual({ a: [1, NaN] });
  });
});
