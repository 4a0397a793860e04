/**
 * The endpoint bench's verdict over passes (bench/support/passVerdict.ts) and its reading of the
 * CPU the hypervisor stole (bench/support/cpuSteal.ts): the benches themselves are not part of
 * `npm test`, so what decides their PASS/FAIL is tested here.
 */
import { parseCpuTimes, stolenPercent, stolenText } from "../../bench/support/cpuSteal";
import {
  allMet,
  meets,
  passVerdict,
  STOLEN_LIMIT_PERCENT,
  verdictText,
  verdictWord,
} from "../../bench/support/passVerdict";
import { median } from "../../bench/support/results";

describe("passVerdict", () => {
  test("the median of the undisturbed passes' figures; disturbed passes are left out", () => {
    const verdict = passVerdict(
      [
        { value: 0.6, stolenPercent: 0.1 },
        { value: 0.22, stolenPercent: 25 }, // a burst of steal: measured the host
        { value: 0.55, stolenPercent: 0 },
        { value: 0.7, stolenPercent: STOLEN_LIMIT_PERCENT },
        { value: 0.3, stolenPercent: STOLEN_LIMIT_PERCENT + 0.01 },
      ],
      3,
    );
    expect(verdict).toEqual({ value: 0.6, counted: 3, passes: 5, needed: 3 });
    expect(meets(verdict, (ratio) => ratio >= 0.5)).toBe(true);
    expect(meets(verdict, (ratio) => ratio >= 0.65)).toBe(false);
  });

  test("too few undisturbed passes give no figure: inconclusive, neither PASS nor FAIL", () => {
    const verdict = passVerdict(
      [
        { value: 0.9, stolenPercent: 0 },
        { value: 0.2, stolenPercent: 12 },
        { value: 0.3, stolenPercent: 7 },
      ],
      2,
    );
    expect(verdict.value).toBeUndefined();
    expect(verdict.counted).toBe(1);
    expect(meets(verdict, () => true)).toBeUndefined();
    expect(verdictText(undefined)).toMatch(/^INCONCLUSIVE/);
    expect(passVerdict([], 0).value).toBeUndefined();
  });

  test("a machine that does not report steal counts every pass", () => {
    expect(passVerdict([{ value: 2 }, { value: 4 }], 2).value).toBe(3);
  });

  test("every verdict must pass; one failure fails, an inconclusive one leaves it open", () => {
    expect(allMet([true, true, true])).toBe(true);
    expect(allMet([true, undefined, false])).toBe(false);
    expect(allMet([true, undefined, true])).toBeUndefined();
    expect(verdictText(true)).toBe("PASS");
    expect(verdictText(false)).toBe("FAIL");
    expect(verdictWord(undefined)).toBe("INCONCLUSIVE");
  });

  test("median: the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });
});

describe("cpuSteal", () => {
  // Two readings of /proc/stat as a 2-vCPU guest's kernel writes them (Linux 6.x, ten columns).
  const BEFORE = [
    "cpu  1235116 0 169793 3421300 9636 0 64707 71224 0 0",
    "cpu0 617000 0 85000 1710000 4800 0 32000 35600 0 0",
    "intr 1 2 3",
  ].join("\n");
  const AFTER = "cpu  1235316 0 169843 3421400 9636 0 64757 71324 0 0\nctxt 99\n";

  test("reads the all-CPU line and the share of its time that was stolen", () => {
    const before = parseCpuTimes(BEFORE)!;
    expect(before.steal).toBe(71224);
    expect(before.total).toBe(1235116 + 169793 + 3421300 + 9636 + 64707 + 71224);
    // 200 user + 50 system + 100 idle + 50 softirq + 100 steal = 500 ticks, 100 stolen.
    expect(stolenPercent(before, parseCpuTimes(AFTER))).toBeCloseTo(20, 10);
    expect(stolenPercent(before, before)).toBe(0);
    expect(stolenText(20)).toBe(", 20.0% of the CPU stolen");
    expect(stolenText(undefined)).toBe("");
  });

  test("a line it cannot read gives no share rather than a wrong one", () => {
    expect(parseCpuTimes("cpu  1 2 3 4 5 6 7")).toBeUndefined();
    expect(parseCpuTimes("cpu  1 2 3 4 5 6 7 x 9")).toBeUndefined();
    expect(parseCpuTimes("cpu0 1 2 3 4 5 6 7 8")).toBeUndefined();
    expect(stolenPercent(undefined, parseCpuTimes(AFTER))).toBeUndefined();
  });
});
