import { formatCell, formatCount, formatNumber } from "../../helpers/display/format";

describe("formatNumber", () => {
  it("drops floating-point noise but keeps integers whole", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(Math.fround(0.7812345))).toBe("0.781235");
    expect(formatNumber(500000)).toBe("500000");
    expect(formatNumber(-3)).toBe("-3");
    expect(formatNumber(1.5)).toBe("1.5");
    expect(formatNumber(123.456789)).toBe("123.457");
  });

  it("uses exponent notation for very small and very large magnitudes", () => {
    expect(formatNumber(0.0000123456)).toBe("1.23456e-05");
    expect(formatNumber(2e20)).toBe("2e+20");
    expect(formatNumber(123456789.5)).toBe("1.23457e+08");
  });

  it("prints the special values readably", () => {
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(Infinity)).toBe("inf");
    expect(formatNumber(-Infinity)).toBe("-inf");
    expect(formatNumber(-0)).toBe("0");
  });

  it("honours precision and full precision when asked", () => {
    expect(formatNumber(Math.PI, { precision: 3 })).toBe("3.14");
    expect(formatNumber(0.1 + 0.2, { fullPrecision: true })).toBe("0.30000000000000004");
    expect(() => formatNumber(1.5, { precision: 0 })).toThrow(/precision must be an integer/);
  });
});

describe("formatCount and formatCell", () => {
  it("groups thousands", () => {
    expect(formatCount(30000)).toBe("30,000");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("formats cells by type and cuts long text", () => {
    expect(formatCell(null)).toBe("");
    expect(formatCell(undefined)).toBe("");
    expect(formatCell(true)).toBe("true");
    expect(formatCell(new Date(Date.UTC(2026, 0, 2, 3)))).toBe("2026-01-02T03:00:00.000Z");
    expect(formatCell({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(formatCell(10n)).toBe("10");
    expect(formatCell("x".repeat(10), { maxCellChars: 5 })).toBe("xxxx…");
  });
});
