import {
  categoricalChiSquare,
  categoricalLInfinityDistance,
  chiSquareGoodnessOfFit,
  numericalDistance,
  regularizedGammaP,
} from "../../helpers/analyzer";

function expectRelative(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

describe("drift distances: every vector of spec §7 (Deequ KLLDistanceTest)", () => {
  it("numeric sketches", () => {
    expect(numericalDistance([[1, 2, 3, 4]], [[2, 3, 4, 5]], "Simple")).toBe(0.25);
    expect(numericalDistance([[1, 2, 3, 4]], [[2, 3, 4, 5]], "Robust")).toBe(0.0);
  });

  it("numeric sketches weigh level i by 2^i and handle duplicates", () => {
    // current CDF: 1 -> 1/5, 2 -> 5/5 ; baseline: 1 -> 2/4, 3 -> 4/4 ; largest gap at 2: 1 - 2/4.
    expect(numericalDistance([[1], [2, 2]], [[1, 1, 3, 3]], "Simple")).toBe(0.5);
  });

  it("Robust correction size (n = 2000, m = 100)", () => {
    const big = [Array.from({ length: 2000 }, () => 0)];
    const small = [Array.from({ length: 100 }, () => 1)];
    expect(numericalDistance(big, small, "Simple")).toBe(1);
    expect(numericalDistance(big, small, "Robust")).toBe(1 - 0.1844451137872728);
  });

  const s1 = { a: 10, b: 20, c: 25, d: 10, e: 5 };
  it("categorical LInfinity", () => {
    expect(categoricalLInfinityDistance(s1, { a: 11, b: 20, c: 25, d: 10, e: 10 }, "Simple")).toBe(
      0.06015037593984962,
    );
    expect(categoricalLInfinityDistance(s1, { a: 11, b: 20, c: 25, d: 10, e: 10 }, "Robust")).toBe(
      0.0,
    );
    expect(categoricalLInfinityDistance(s1, { f: 11, a: 20, c: 25, d: 10, e: 10 }, "Simple")).toBe(
      0.2857142857142857,
    );
    expect(categoricalLInfinityDistance(s1, { f: 11, a: 20, c: 25, d: 10, e: 10 }, "Robust")).toBe(
      0.0,
    );
  });

  it("categorical LInfinity Robust with an explicit alpha", () => {
    const cur = { a: 207, b: 20, c: 25, d: 14, e: 25, g: 13 };
    const base = { a: 22, b: 20, c: 25, d: 12, e: 13, f: 15 };
    expectRelative(
      categoricalLInfinityDistance(cur, base, "Robust", { alpha: 0.1 }),
      0.33774199396969184,
    );
    expectRelative(
      categoricalLInfinityDistance(cur, base, "Robust", { alpha: 0.003 }),
      0.2726338046550349,
    );
  });

  it("chi-square p-values and statistics", () => {
    expectRelative(
      categoricalChiSquare(
        { a: 207, b: 20, c: 25, d: 14, e: 25 },
        { a: 223, b: 20, c: 25, d: 12, e: 13 },
      ).pValue,
      0.013227994814265176,
    );
    const withExtra = categoricalChiSquare(
      { a: 207, b: 20, c: 25, d: 14, e: 25, g: 13 },
      { a: 223, b: 20, c: 25, d: 12, e: 13, f: 15 },
    );
    expectRelative(withExtra.pValue, 3.3640191298478506e-5);
    expectRelative(withExtra.statistic, 28.175042782458068);
    expectRelative(categoricalChiSquare({ a: 30 }, { a: 20, b: 20 }).pValue, 4.3204630539861455e-8);
  });

  it("chi-square regrouping of small expected cells", () => {
    expectRelative(
      categoricalChiSquare({ a: 100, b: 40, c: 30, d: 10 }, { a: 100, b: 40, c: 30, e: 4 })
        .statistic,
      0.38754325259515626,
    );
    expectRelative(
      categoricalChiSquare({ a: 100, b: 4, c: 3, d: 27 }, { a: 100, b: 4, c: 3, d: 34 }).statistic,
      1.1507901668129925,
    );
    const collapsed = categoricalChiSquare({ a: 100, b: 4, c: 3 }, { a: 100, b: 4, c: 3 });
    expect(collapsed.pValue).toBeNaN();
    expect(collapsed.statistic).toBeNaN();
  });

  it("accepts Maps as well as records", () => {
    expect(categoricalLInfinityDistance(new Map([["x", 1]]), new Map([["y", 1]]), "Simple")).toBe(
      1,
    );
  });
});

describe("Commons Math port", () => {
  it("regularized gamma P matches known values on both branches", () => {
    // P(1, x) = 1 - e^-x ; P(0.5, x) = erf(sqrt(x)).
    expectRelative(regularizedGammaP(1, 0.5), 1 - Math.exp(-0.5), 1e-14);
    expectRelative(regularizedGammaP(1, 3), 1 - Math.exp(-3), 1e-14);
    expectRelative(regularizedGammaP(0.5, 1), 0.8427007929497149, 1e-14);
    // Large shape goes through the Lanczos log-gamma branch.
    expectRelative(regularizedGammaP(30, 30), 0.52428301389368, 1e-11);
  });

  it("rescales expected counts to the observed total like Spark", () => {
    const r = chiSquareGoodnessOfFit([10, 20], [1, 1]);
    expect(r.statistic).toBeCloseTo(10 / 3, 12);
    expect(r.degreesOfFreedom).toBe(1);
    expect(() => chiSquareGoodnessOfFit([1], [1])).toThrow(/length >= 2/);
  });
});
