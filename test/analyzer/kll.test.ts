import { KllSketch, kllBuckets, rankMap } from "../../helpers/analyzer";
import { sortDoubles } from "../../helpers/analyzer/profile/compactionSort";

/**
 * Straight port of the spec §3.3 pseudo-code with plain arrays and the builtin sort: the fast
 * paths of KllSketch (radix sort, counting compaction) must give the very same sketch.
 */
class ReferenceKll {
  levels: Array<{ buf: number[]; numOfCompress: number; offset: number }> = [];
  constructor(
    private k: number,
    private c: number,
  ) {
    this.levels.push({ buf: [], numOfCompress: 0, offset: 0 });
  }
  cap(h: number): number {
    return 2 * (Math.ceil((this.k * Math.pow(this.c, h)) / 2) + 1);
  }
  total(): number {
    return this.levels.reduce((s, _l, h) => s + this.cap(h), 0);
  }
  size(): number {
    return this.levels.reduce((s, l) => s + l.buf.length, 0);
  }
  update(x: number): void {
    this.levels[0].buf.push(x);
    if (this.size() > this.total()) this.condense();
  }
  condense(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h];
      if (level.buf.length >= this.cap(h)) {
        if (h + 1 >= this.levels.length) this.levels.push({ buf: [], numOfCompress: 0, offset: 0 });
        const n = level.buf.length;
        const len = n - (n % 2);
        if (level.numOfCompress % 2 === 1) level.offset = 1 - level.offset;
        const sorted = Float64Array.from(level.buf.slice(0, len)).sort();
        const out: number[] = [];
        for (let i = level.offset; i < len; i += 2) out.push(sorted[i]);
        level.buf = level.buf.slice(len);
        level.numOfCompress++;
        this.levels[h + 1].buf.push(...out);
        return;
      }
    }
  }
}

function sketchOf(values: number[], k = 4): KllSketch {
  const s = new KllSketch(k, 0.64);
  for (const v of values) s.update(v);
  return s;
}

describe("KLL NonSample sketch (spec §3.3, Deequ QuantileNonSample)", () => {
  it("has the spec's level capacities", () => {
    const big = new KllSketch();
    expect([0, 1, 2, 3, 4, 5].map((h) => big.capacity(h))).toEqual([
      2050, 1314, 842, 540, 346, 222,
    ]);
    const small = new KllSketch(4, 0.64);
    expect([0, 1, 2, 3].map((h) => small.capacity(h))).toEqual([6, 6, 4, 4]);
  });

  it("reproduces the worked vector", () => {
    const s = sketchOf([5, 1, 4, 2, 8, 7, 3, 6, 9, 0, 11, 10, 15, 12, 14, 13, 19, 16, 18, 17]);
    expect(s.data()).toEqual([
      [19, 16, 18, 17],
      [1, 4, 7, 3, 9, 11, 13, 15],
    ]);
    expect(s.count).toBe(20);
  });

  it("keeps total weight equal to the number of values on long streams", () => {
    const s = new KllSketch();
    for (let i = 0; i < 100_000; i++) s.update((i * 7919) % 100_003);
    expect(s.count).toBe(100_000);
    const data = s.data();
    expect(data.length).toBeGreaterThan(3);
    // Level 0 stays within what update() allows before it condenses.
    expect(data[0].length).toBeLessThanOrEqual(data.reduce((n, _l, h) => n + s.capacity(h), 0));
  });

  it("merges like QuantileNonSample.merge (append levels, condense while size >= capacity)", () => {
    const a = sketchOf([1, 2, 3, 4, 5, 6, 7]);
    expect(a.data()).toEqual([[7], [1, 3, 5]]);
    a.merge(sketchOf([20, 21, 22, 23, 24, 25]));
    expect(a.data()).toEqual([
      [7, 20, 21, 22, 23, 24, 25],
      [1, 3, 5],
    ]);
    // 13 items at level 0, size 16 >= 12: one compaction, with the offset flipped to 1 because
    // level 0 has compacted once before.
    a.merge(sketchOf([30, 31, 32, 33, 34, 35]));
    expect(a.data()).toEqual([[35], [1, 3, 5, 20, 22, 24, 30, 32, 34]]);
    expect(a.count).toBe(19);
  });

  it("merging chunk sketches keeps weight and approximates the union's ranks", () => {
    const values = Array.from({ length: 50_000 }, (_, i) => (i * 104729) % 50_000);
    const whole = new KllSketch();
    values.forEach((v) => whole.update(v));
    const left = new KllSketch();
    const right = new KllSketch();
    values.slice(0, 20_000).forEach((v) => left.update(v));
    values.slice(20_000).forEach((v) => right.update(v));
    const merged = left.clone().merge(right);
    expect(merged.count).toBe(50_000);
    const a = rankMap(merged.data());
    const b = rankMap(whole.data());
    expect(a.total).toBe(b.total);
    // Median rank within KLL's error (far below 1 %).
    const med = (m: typeof a): number => m.keys[m.ranks.findIndex((r) => r >= m.total / 2)];
    expect(Math.abs(med(a) - 25_000)).toBeLessThan(500);
    expect(Math.abs(med(b) - 25_000)).toBeLessThan(500);
    // clone() did not share state with the merge result.
    expect(left.count).toBe(20_000);
  });

  it.each([
    [
      "few distinct values with signed zeros",
      (_i: number, r: number) => [0, -0, 1, -3, 2.5][r % 5],
    ],
    ["many distinct values", (_i: number, r: number) => (r % 100_000) - 50_000 + (r % 7) / 8],
    [
      "mixed magnitudes and infinities",
      (i: number, r: number) =>
        i % 997 === 0 ? -Infinity : ((r % 2001) - 1000) * 10 ** ((r % 9) - 4),
    ],
    ["a few distinct values, then many", (i: number, r: number) => (i < 20_000 ? r % 3 : r)],
    // Levels skip counting after it failed (retrying every 8th compaction): the switch back.
    [
      "many distinct values, then few, at k = 2048",
      (i: number, r: number) => (i < 20_000 ? r : r % 3),
      2048,
    ],
    [
      "many distinct values at k = 2048 (radix-sorted compactions)",
      (_i: number, r: number) => r - 2 ** 23,
      2048,
    ],
    ["130 distinct values at k = 2048", (_i: number, r: number) => (r % 130) * 0.5 - 20, 2048],
  ])("matches the plain-array reference on %s", (_name, gen, k = 64) => {
    let seed = 12345;
    const fast = new KllSketch(k, 0.64);
    const ref = new ReferenceKll(k, 0.64);
    for (let i = 0; i < 40_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const x = gen(i, seed >>> 8);
      fast.update(x);
      ref.update(x);
    }
    const expected = ref.levels.map((l) => l.buf);
    const actual = fast.data();
    expect(actual.length).toBe(expected.length);
    actual.forEach((level, h) => {
      expect(level.length).toBe(expected[h].length);
      // Object.is keeps -0 and +0 apart.
      for (let i = 0; i < level.length; i++)
        if (!Object.is(level[i], expected[h][i]))
          throw new Error(`level ${h} item ${i}: ${level[i]} != ${expected[h][i]}`);
    });
  });

  it("rankMap: every distinct item with the weight of the items <= it", () => {
    // Deequ getRankMap on its own terms: (item, 2^level) pairs sorted by item, equal items
    // collapsed; here with items repeated within and across levels, signed zeros, infinities.
    let seed = 99;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const data = [40, 33, 25, 18, 7, 1, 0, 3].map((count) =>
      Array.from({ length: count }, () => {
        const r = next() % 23;
        return r === 0 ? -0 : r === 1 ? 0 : r === 2 ? Infinity : r === 3 ? -Infinity : r - 11.5;
      }),
    );
    const pairs = data.flatMap((items, h) => items.map((x) => [x, 2 ** h] as const));
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const keys: number[] = [];
    const ranks: number[] = [];
    let running = 0;
    for (const [x, w] of pairs) {
      running += w;
      if (keys.length > 0 && keys[keys.length - 1] === x) ranks[ranks.length - 1] = running;
      else {
        keys.push(x);
        ranks.push(running);
      }
    }
    const map = rankMap(data);
    expect(map.total).toBe(running);
    expect(Array.from(map.ranks)).toEqual(ranks);
    expect(map.keys.length).toBe(keys.length);
    // -0 and +0 are one key; which of the two stands for it does not matter to any comparison.
    keys.forEach((k, i) => expect(map.keys[i] === k).toBe(true));
  });

  it("sortDoubles orders like Float64Array.prototype.sort", () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const pool = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1.7976931348623157e308, 1, -1, 0.1];
    for (let trial = 0; trial < 20; trial++) {
      const n = 300 + (next() % 3000);
      const a = new Float64Array(n + 5);
      for (let i = 0; i < n; i++)
        a[i] =
          next() % 4 === 0
            ? pool[next() % pool.length]
            : next() % 3 === 0
              ? ((next() % 200_001) - 100_000) / 2 ** (next() % 40)
              : next() % 2 === 0
                ? (next() / 2 ** 32 - 0.5) * 10 ** ((next() % 12) - 6) // full 52-bit mantissas
                : 1 + (next() % 65_536) * 2 ** -52; // differ only in the lowest two bytes
      const expected = a.slice(0, n).sort();
      const actual = sortDoubles(a, n);
      for (let i = 0; i < n; i++)
        if (!Object.is(actual[i], expected[i])) throw new Error(`trial ${trial} index ${i}`);
    }
    const withNaN = Float64Array.from({ length: 400 }, (_, i) => (i === 7 ? NaN : 400 - i));
    const sorted = sortDoubles(withNaN, 400);
    expect(sorted[0]).toBe(1);
    expect(sorted[399]).toBeNaN();
  });

  it("round-trips through sketch.data", () => {
    const s = sketchOf([5, 1, 4, 2, 8, 7, 3, 6, 9, 0, 11, 10, 15, 12, 14, 13, 19, 16, 18, 17]);
    expect(KllSketch.fromData(s.data(), 4, 0.64).data()).toEqual(s.data());
  });
});

describe("10 equal-width buckets (spec §3.4)", () => {
  it("multiplies before dividing", () => {
    const b = kllBuckets([[0.1, 0.7]], 0.1, 0.7);
    expect(b.map((x) => x.lower_bound)).toEqual([
      0.1, 0.16, 0.22, 0.28, 0.33999999999999997, 0.4, 0.45999999999999996, 0.52, 0.58,
      0.6399999999999999,
    ]);
    expect(b[9].upper_bound).toBe(0.7);
    const c = kllBuckets([[18, 105]], 18, 105);
    expect(c.slice(0, 3).map((x) => x.upper_bound)).toEqual([26.7, 35.4, 44.1]);
  });

  it("counts [l, u) for the first nine buckets and [l, u] for the last, with level weights", () => {
    // 23, 35, 41, 35, 52 (the spec's AGE example) at weight 1.
    const b = kllBuckets([[23, 35, 41, 35, 52]], 23, 52);
    expect(b.map((x) => x.count)).toEqual([1, 0, 0, 0, 2, 0, 1, 0, 0, 1]);
    expect(b[0]).toEqual({ lower_bound: 23, upper_bound: 25.9, count: 1 });
    // Level-1 items weigh 2.
    const w = kllBuckets([[0], [10]], 0, 10);
    expect(w[0].count).toBe(1);
    expect(w[9].count).toBe(2);
  });

  it("equal the rank definition on any sketch: items on bounds, past the last bound, min = max", () => {
    // Deequ's counts from ranks (rankExclusive(u) - rankExclusive(l); the last bucket rank(u)),
    // against kllBuckets' one pass over the items.
    const byRanks = (data: number[][], min: number, max: number): number[] => {
      const weightWhere = (keep: (x: number) => boolean): number =>
        data.reduce((sum, items, h) => sum + items.filter(keep).length * 2 ** h, 0);
      return Array.from({ length: 10 }, (_, i) => {
        const lower = min + ((max - min) * i) / 10;
        const upper = min + ((max - min) * (i + 1)) / 10;
        const below = (bound: number) => weightWhere((x) => x < bound);
        return i === 9
          ? weightWhere((x) => x <= upper) - below(lower)
          : below(upper) - below(lower);
      });
    };
    let seed = 3;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const cases: Array<[number[][], number, number]> = [
      // 0.1..0.7: the bounds are not multiples of the step, items sit exactly on them
      [[[0.1, 0.16, 0.22, 0.28, 0.33999999999999997, 0.34, 0.7, 0.6399999999999999]], 0.1, 0.7],
      [[[5, 5, 5], [5]], 5, 5],
      // an item above the last bound (it can differ from max by rounding) and below the first
      [
        [
          [1, 2, 3, 3.0000000000000004],
          [0.9999999999999999, 2.5],
        ],
        1,
        3,
      ],
      [
        Array.from({ length: 6 }, (_, h) =>
          Array.from({ length: 40 - 5 * h }, () => ((next() >>> 8) % 2001) / 10 - 50),
        ),
        -50,
        150,
      ],
    ];
    for (const [data, min, max] of cases) {
      expect(kllBuckets(data, min, max).map((b) => b.count)).toEqual(byRanks(data, min, max));
    }
  });
});
