import {
  selectEveryOther,
  selectFewDistinct,
  selectSmallIntRange,
  sortDoubles,
} from "../../helpers/analyzer/profile/compactionSort";

/**
 * Every method compactionSort picks (direct counting of a small integer window, few-distinct
 * counting, merging sorted runs, the int32
 * radix sort, the general double radix sort) must give exactly what Float64Array.prototype.sort
 * gives, -0 and NaN included.
 */

let seed = 7;
function next(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed;
}

function ints(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + (next() % (hi - lo + 1)));
}

/** An odd leftover item followed by sorted runs: what levels above the bottom hold. */
function sortedRuns(n: number, runs: number, make: (count: number) => number[]): number[] {
  const out = make(1);
  const size = Math.floor((n - 1) / runs);
  for (let r = 0; r < runs; r++) {
    const count = r === runs - 1 ? n - out.length : size;
    out.push(...make(count).sort((a, b) => a - b));
  }
  return out;
}

const cases: Array<[string, number[]]> = [
  ["small integer range", ints(2050, 21, 79)],
  ["small range with negatives", ints(2050, -2, 8)],
  ["two values", ints(1314, 0, 1)],
  ["int32 amounts", ints(2050, -340_000, 1_700_000)],
  ["int32 extremes", [...ints(2040, -(2 ** 31), 2 ** 31 - 1), -(2 ** 31), 2 ** 31 - 1]],
  ["few distinct large ints", ints(2050, 1, 80).map((v) => v * 10_000)],
  ["integers beyond int32", ints(2050, 0, 1000).map((v) => v * 2 ** 33)],
  ["fractions", Array.from({ length: 2050 }, () => (next() / 2 ** 32 - 0.5) * 1e6)],
  ["already sorted", ints(1000, -500, 500_000).sort((a, b) => a - b)],
  ["descending", ints(1000, -500, 500_000).sort((a, b) => b - a)],
  ["three sorted runs", sortedRuns(2051, 3, (c) => ints(c, -300_000, 900_000))],
  ["seven sorted runs", sortedRuns(1801, 7, (c) => ints(c, 0, 5_000_000))],
  // The leftover item is moved into the first run (mergeRunsSelect): at either end or between
  // equal items; eight runs in all is the most merged, nine take the radix sort.
  ["eight sorted runs", sortedRuns(1801, 8, (c) => ints(c, 0, 5_000_000))],
  [
    "leftover above its run",
    [2_000_000, ...sortedRuns(1300, 2, (c) => ints(c, 0, 1_000_000)).slice(1)],
  ],
  ["leftover below its run", [-1, ...sortedRuns(1300, 2, (c) => ints(c, 0, 1_000_000)).slice(1)]],
  [
    "leftover among equal items",
    [
      7,
      ...[...ints(600, 0, 14), 7, 7, 7].sort((a, b) => a - b),
      ...ints(700, 0, 90_000).sort((a, b) => a - b),
    ],
  ],
  // The final merge's tails: the second run outlasting the first, and the other way round.
  [
    "second run ends higher",
    [
      ...ints(700, 0, 500_000).sort((a, b) => a - b),
      ...ints(700, 250_000, 1_000_000).sort((a, b) => a - b),
    ],
  ],
  [
    "first run ends higher",
    [
      300_000,
      ...ints(700, 250_000, 1_000_000).sort((a, b) => a - b),
      ...ints(700, 0, 500_000).sort((a, b) => a - b),
    ],
  ],
  ["leftover then one run", [500, ...ints(999, 0, 100_000).sort((a, b) => a - b)]],
  [
    "sorted runs of fractions",
    sortedRuns(1315, 2, (c) => Array.from({ length: c }, () => next() / 2 ** 32 - 0.5)),
  ],
  ["-0 and +0 in runs", sortedRuns(901, 2, (c) => ints(c, -3, 3).map((v) => (v === 0 ? -0 : v)))],
  ["-0 among ints", [...ints(1000, -1000, 1000), -0, 0, -0, ...ints(1000, -5, 5)]],
  ["-0 wide range", [...ints(2000, -100_000, 100_000), -0, -0, 0]],
  // scanShape reads int32 buffers in one loop and starts over in doubles at the first other value.
  ["beyond int32 at the end", [...ints(2000, -100_000, 100_000), 2 ** 33, -(2 ** 31) - 1]],
  ["a fraction at the end", [...ints(2001, -100_000, 100_000), 0.5]],
  // A lone -0 after a run holding +0 (merging would put +0 first), alone or after a fraction.
  ["+0 run then a lone -0", [...[...ints(999, -100_000, 100_000), 0, 0].sort((a, b) => a - b), -0]],
  [
    "a fraction, a +0 run, a lone -0",
    [0.5, ...[...ints(998, -100_000, 100_000), 0, 0].sort((a, b) => a - b), -0],
  ],
  ["NaN", [...ints(600, 0, 10_000), NaN, ...ints(600, -10, 10_000)]],
  ["infinities", [...ints(700, -100, 100), Infinity, -Infinity, ...ints(700, 0, 3)]],
  // The int32 radix sort's digit layouts: one pass, two of 8 bits, two of 11, three.
  ["int range < 2^11", ints(2050, -700, 1300)],
  ["int range < 2^16", ints(2050, 100, 60_000)],
  ["int range just under 2^22", [...ints(2048, 0, 4_194_303), 0, 4_194_303]],
  ["int range 2^22", [...ints(2048, 5, 4_194_309), 5, 4_194_310]],
  ["int range < 2^25", ints(2050, -9_000_000, 20_000_000)],
  // selectSmallIntRange's window: [floor(first) - 2048, floor(first) + 2048).
  ["window edges", [0, ...ints(1000, -2048, 2047), -2048, 2047, ...ints(1000, -5, 5)]],
  ["just past the window", [0, ...ints(1000, -2048, 2047), 2048, ...ints(1000, -5, 5)]],
  ["just below the window", [0.5, ...ints(1000, -2048, 2047), -2049, ...ints(1000, -5, 5)]],
  ["a fraction that rounds away", [0, ...ints(1000, -5, 5), 1e-20, ...ints(1000, -5, 5)]],
  ["fraction first", [2.5, ...ints(2049, -5, 5)]],
  ["huge first", [2 ** 40, ...ints(2049, -5, 5)]],
];

/** Whether selectSmallIntRange applies: integers (not -0) within the window around the first. */
function fitsSmallWindow(values: number[]): boolean {
  const first = values[0];
  if (!(Math.abs(first) < 2 ** 31)) return false;
  const base = Math.floor(first) - 2048;
  return values.every(
    (v) => Number.isInteger(v) && !Object.is(v, -0) && v - base >= 0 && v - base < 4096,
  );
}

function expectSameDoubles(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    // Object.is keeps -0 and +0 apart and matches NaN.
    if (!Object.is(actual[i], expected[i]))
      throw new Error(`index ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

type Select = (
  items: Float64Array,
  len: number,
  offset: number,
  out: Float64Array,
) => boolean | void;

/**
 * Runs a selection method over the even-length prefix of `values` for both offsets: when it
 * applies, its output must be every other item of the builtin sort and nothing past it written;
 * when it does not (it returns false), it must have written nothing at all.
 */
function expectSelection(values: number[], select: Select, applies: boolean): void {
  const len = values.length - (values.length % 2);
  const sorted = Float64Array.from(values.slice(0, len)).sort();
  for (const offset of [0, 1]) {
    const out = new Float64Array(len / 2 + 3).fill(-7);
    const selected = select(Float64Array.from(values), len, offset, out) !== false;
    expect(selected).toBe(applies);
    if (!selected) {
      expect(Array.from(out)).toEqual(new Array(len / 2 + 3).fill(-7));
      continue;
    }
    expectSameDoubles(
      out.subarray(0, len / 2),
      sorted.filter((_, i) => i % 2 === offset),
    );
    expect(Array.from(out.subarray(len / 2))).toEqual([-7, -7, -7]);
  }
}

describe("compaction sort methods", () => {
  it.each(cases)("sortDoubles: %s", (_, values) => {
    const items = new Float64Array([...values, 12345.5]); // a tail item past n stays untouched
    const expected = Float64Array.from(values).sort();
    expectSameDoubles(sortDoubles(items, values.length), expected);
    expect(items[values.length]).toBe(12345.5);
  });

  it.each(cases)("selectEveryOther: %s", (_, values) => {
    // It always applies; its result says whether it counted.
    expectSelection(
      values,
      (items, len, offset, out) => {
        selectEveryOther(items, len, offset, out);
      },
      true,
    );
  });

  it.each(cases)("selectEveryOther says whether it counted: %s", (_, values) => {
    const len = values.length - (values.length % 2);
    const scratch = new Float64Array(len);
    const countable =
      selectSmallIntRange(Float64Array.from(values), len, 0, scratch) ||
      selectFewDistinct(Float64Array.from(values), len, 0, scratch);
    expect(selectEveryOther(Float64Array.from(values), len, 0, scratch)).toBe(countable);
  });

  // A level whose last compaction did not fit counting skips it (kll.ts): sorting must give the
  // same items on data that counting would have taken.
  it.each(cases)("selectEveryOther without counting: %s", (_, values) => {
    expectSelection(
      values,
      (items, len, offset, out) => {
        selectEveryOther(items, len, offset, out, false);
      },
      true,
    );
  });

  it.each(cases)("selectSmallIntRange (when it applies): %s", (_, values) => {
    const len = values.length - (values.length % 2);
    expectSelection(values, selectSmallIntRange, fitsSmallWindow(values.slice(0, len)));
  });

  it.each(cases)("selectFewDistinct (when it applies): %s", (_, values) => {
    const even = values.slice(0, values.length - (values.length % 2));
    const distinct = new Set(even.map((v) => (Object.is(v, -0) ? "-0" : v)));
    const hasNaN = even.some((v) => v !== v);
    expectSelection(values, selectFewDistinct, distinct.size <= 128 && !hasNaN);
  });
});
