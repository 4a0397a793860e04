/**
 * DMatrix construction and SageMaker-style CSV parsing (dmlc-core strtof, label first, empty
 * field = missing).
 */
import { DMatrix, dmlcStrtof } from "../../helpers/xgboost";
import { f32, loadFixture } from "./fixtures";

describe("dmlcStrtof", () => {
  it("reproduces dmlc-core's strtof bit for bit (XGBoost 1.7.4's CSV labels as oracle)", () => {
    const fx = loadFixture("strtof");
    const expected = f32(fx.values);
    const strings = fx.strings as string[];
    expect(strings.length).toBe(expected.length);
    const wrong: string[] = [];
    let differsFromCorrectRounding = 0;
    strings.forEach((s, i) => {
      const v = dmlcStrtof(s);
      if (!Object.is(v, expected[i]) && !(v === 0 && expected[i] === 0)) {
        wrong.push(`${s}: ${v} != ${expected[i]}`);
      }
      if (Math.fround(Number(s)) !== expected[i]) differsFromCorrectRounding++;
    });
    expect(wrong).toEqual([]);
    // The fixture really exercises the cases where dmlc's parser is not correctly rounded.
    expect(differsFromCorrectRounding).toBeGreaterThan(10);
  });

  it("treats blank as missing and rejects text", () => {
    expect(dmlcStrtof("")).toBeNaN();
    expect(dmlcStrtof("  ")).toBeNaN();
    expect(dmlcStrtof("-1")).toBe(-1);
    expect(dmlcStrtof("1e3")).toBe(1000);
    expect(() => dmlcStrtof("abc")).toThrow(/not a number/);
    expect(() => dmlcStrtof("1.5x")).toThrow(/not a number/);
  });
});

describe("DMatrix", () => {
  it("parses label-first CSV with empty fields as NaN", () => {
    const d = DMatrix.fromCsv("1,0.5,,3\n0,-1,2,\r\n\n1,4,5,6\n");
    expect(d.numRow).toBe(3);
    expect(d.numCol).toBe(3);
    expect(Array.from(d.label as Float32Array)).toEqual([1, 0, 1]);
    expect(Array.from(d.data)).toEqual([0.5, NaN, 3, -1, 2, NaN, 4, 5, 6]);
    expect(d.isDense()).toBe(false);
  });

  it("parses without a label column and with correctly rounded numbers on request", () => {
    const s = "0.30000001192092896,1\n2,3";
    const d = DMatrix.fromCsv(s, { labelColumn: null, dmlcParse: false });
    expect(d.numCol).toBe(2);
    expect(d.label).toBeUndefined();
    expect(d.data[0]).toBe(Math.fround(0.30000001192092896));
  });

  it("skips a header on request and explains bad CSV", () => {
    expect(DMatrix.fromCsv("y,a\n1,2", { header: true }).numRow).toBe(1);
    expect(() => DMatrix.fromCsv("y,a\n1,2")).toThrow(/line 1, column 1.*not a number/);
    expect(() => DMatrix.fromCsv("1,2\n1,2,3")).toThrow(/line 2 has 3 fields, expected 2/);
    expect(() => DMatrix.fromCsv(",2\n1,2")).toThrow(/label .* is empty/);
    expect(() => DMatrix.fromCsv("")).toThrow(/no data rows/);
  });

  it("builds from rows or a typed array and checks shapes", () => {
    const d = new DMatrix(
      [
        [1, 2],
        [3, NaN],
      ],
      { label: [0, 1], featureNames: ["a", "b"] },
    );
    expect(Array.from(d.data)).toEqual([1, 2, 3, NaN]);
    expect(d.featureNames).toEqual(["a", "b"]);
    const t = new DMatrix(new Float32Array(6), { ncol: 3 });
    expect(t.numRow).toBe(2);
    expect(t.isDense()).toBe(true);
    expect(() => new DMatrix(new Float32Array(5), { ncol: 3 })).toThrow(
      /data length 5 is not nrow x ncol/,
    );
    expect(() => new DMatrix([[1], [2]], { label: [1] })).toThrow(/label has 1 values/);
    expect(() => new DMatrix([[1, 2]], { featureNames: ["a"] })).toThrow(/1 feature names/);
    const s = d.slice([1]);
    expect(Array.from(s.data)).toEqual([3, NaN]);
    expect(Array.from(s.label as Float32Array)).toEqual([1]);
  });
});
