/**
 * Deequ's deterministic "NonSample" KLL sketch (spec §3.3), ported from
 * awslabs/deequ `QuantileNonSample.scala` + `NonSampleCompactor.scala`, and the 10 equal-width
 * buckets of `KLLSketch.computeMetricFrom` (spec §3.4).
 *
 * Levels are growable Float64Arrays instead of Scala ArrayBuffers: the profiler feeds tens of
 * millions of values; compactionSort.ts keeps the per-compaction sort cheap.
 */

import { selectEveryOther } from "./compactionSort";

export const KLL_SKETCH_SIZE = 2048;
export const KLL_SHRINKING_FACTOR = 0.64;

/**
 * Where Level.compact() writes the kept items, consumed at once by the next level (one shared
 * buffer: a 1M-row profile compacts tens of thousands of times, and fresh arrays each time
 * showed up as garbage-collection work). A constant, not a growable binding (see
 * compactionSort's scratch arrays); larger compactions (merged sketches) get their own.
 */
const COMPACTED_SCRATCH_ITEMS = 1 << 13;
const compactedScratch = new Float64Array(COMPACTED_SCRATCH_ITEMS);

/** How often a level whose values did not fit counting tries it again (see Level.countingFailed). */
const COUNTING_RETRY = 8;

class Level {
  items: Float64Array;
  length = 0;
  numOfCompress = 0;
  offset = 0;
  /**
   * Whether the last compaction found counting inapplicable (too many distinct values): the
   * next ones go straight to sorting, with a counting attempt every COUNTING_RETRY-th time in
   * case the values change. Only speed depends on it; every selection gives the same items.
   */
  countingFailed = false;

  constructor(initialCapacity: number) {
    this.items = new Float64Array(Math.max(4, initialCapacity));
  }

  push(x: number): void {
    if (this.length === this.items.length) this.grow(this.length + 1);
    this.items[this.length++] = x;
  }

  pushAll(src: Float64Array, count: number): void {
    if (this.length + count > this.items.length) this.grow(this.length + count);
    this.items.set(src.subarray(0, count), this.length);
    this.length += count;
  }

  private grow(min: number): void {
    const next = new Float64Array(Math.max(min, this.items.length * 2));
    next.set(this.items.subarray(0, this.length));
    this.items = next;
  }

  /**
   * NonSampleCompactor.compact: sort the even-length prefix, keep every other item starting at
   * `offset` (which flips before every odd-numbered compaction: 0,1,1,0,0,1,...), keep an odd
   * trailing item unsorted in the buffer. The kept items go to `out` (room for length / 2);
   * returns their count.
   */
  compact(out: Float64Array): number {
    const n = this.length;
    const len = n - (n % 2);
    if (this.numOfCompress % 2 === 1) this.offset = 1 - this.offset;
    // In place: the prefix is consumed right here, only the odd tail item stays.
    const tryCounting = !this.countingFailed || this.numOfCompress % COUNTING_RETRY === 0;
    const counted = selectEveryOther(this.items, len, this.offset, out, tryCounting);
    if (tryCounting) this.countingFailed = !counted;
    if (n % 2 === 1) {
      this.items[0] = this.items[n - 1];
      this.length = 1;
    } else {
      this.length = 0;
    }
    this.numOfCompress += 1;
    return len / 2;
  }
}

export class KllSketch {
  readonly sketchSize: number;
  readonly shrinkingFactor: number;
  private levels: Level[] = [];
  /** levels[0], kept in a field for the per-value update. */
  private bottom!: Level;
  private actualSize = 0;
  private totalCapacity = 0;

  constructor(sketchSize = KLL_SKETCH_SIZE, shrinkingFactor = KLL_SHRINKING_FACTOR) {
    if (!(sketchSize >= 2)) throw new Error(`KLL sketch size must be >= 2, got ${sketchSize}`);
    this.sketchSize = sketchSize;
    this.shrinkingFactor = shrinkingFactor;
    this.expand();
  }

  /** capacity(h) = 2 * (ceil(k * c^h / 2) + 1) with h = 0 at the bottom (QuantileNonSample). */
  capacity(height: number): number {
    return 2 * (Math.ceil((this.sketchSize * Math.pow(this.shrinkingFactor, height)) / 2) + 1);
  }

  private expand(): void {
    // Level 0 starts small so that thousands of (possibly empty) columns stay cheap.
    this.levels.push(new Level(this.levels.length === 0 ? 16 : 64));
    this.bottom = this.levels[0];
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += this.capacity(h);
    this.totalCapacity = total;
  }

  /** Number of values fed (sum of item weights). */
  get count(): number {
    let n = 0;
    for (let h = 0; h < this.levels.length; h++) n += this.levels[h].length * 2 ** h;
    return n;
  }

  update(x: number): void {
    const bottom = this.bottom;
    if (bottom.length === bottom.items.length) bottom.push(x);
    else bottom.items[bottom.length++] = x;
    if (++this.actualSize > this.totalCapacity) this.condense();
  }

  /**
   * update() of values[from, from + n) in order: runs of items are appended with one copy up to
   * the item whose update would condense, so compactions happen at exactly the same points.
   */
  updateAll(values: Float64Array, from: number, n: number): void {
    const end = from + n;
    let i = from;
    while (i < end) {
      // update() condenses right after the item that takes actualSize past totalCapacity.
      const room = Math.max(1, this.totalCapacity - this.actualSize + 1);
      const take = Math.min(room, end - i);
      this.bottom.pushAll(values.subarray(i, i + take), take);
      i += take;
      this.actualSize += take;
      if (this.actualSize > this.totalCapacity) this.condense();
    }
  }

  /** Compact the lowest full level into the next one; one level per call (QuantileNonSample). */
  private condense(): void {
    for (let h = 0; h < this.levels.length; h++) {
      if (this.levels[h].length >= this.capacity(h)) {
        if (h + 1 >= this.levels.length) this.expand();
        const half = this.levels[h].length >> 1;
        const out = half <= COMPACTED_SCRATCH_ITEMS ? compactedScratch : new Float64Array(half);
        const count = this.levels[h].compact(out);
        this.levels[h + 1].pushAll(out, count);
        this.actualSize = this.itemsCount();
        return;
      }
    }
  }

  private itemsCount(): number {
    let n = 0;
    for (const level of this.levels) n += level.length;
    return n;
  }

  /**
   * QuantileNonSample.merge: append `other`'s levels to ours, then condense while the size is
   * >= the total capacity (note: >= here, > in update). Mutates and returns `this`.
   */
  merge(other: KllSketch): this {
    if (other.sketchSize !== this.sketchSize || other.shrinkingFactor !== this.shrinkingFactor) {
      throw new Error(
        `cannot merge KLL sketches with different parameters (k ${this.sketchSize} / ${other.sketchSize}, ` +
          `c ${this.shrinkingFactor} / ${other.shrinkingFactor})`,
      );
    }
    while (this.levels.length < other.levels.length) this.expand();
    for (let i = 0; i < other.levels.length; i++) {
      this.levels[i].pushAll(other.levels[i].items, other.levels[i].length);
    }
    this.actualSize = this.itemsCount();
    while (this.actualSize >= this.totalCapacity) this.condense();
    return this;
  }

  clone(): KllSketch {
    const copy = new KllSketch(this.sketchSize, this.shrinkingFactor);
    copy.levels = this.levels.map((level) => {
      const l = new Level(level.items.length);
      l.pushAll(level.items, level.length);
      l.numOfCompress = level.numOfCompress;
      l.offset = level.offset;
      return l;
    });
    copy.bottom = copy.levels[0];
    copy.actualSize = this.actualSize;
    copy.totalCapacity = this.totalCapacity;
    return copy;
  }

  /** Level buffers in their current order, as written to `sketch.data` (spec §3.3). */
  data(): number[][] {
    return this.levels.map((level) => Array.from(level.items.subarray(0, level.length)));
  }

  /**
   * Rebuild from `sketch.data` (QuantileNonSample.reconstruct): buffers only; compaction
   * counters restart at 0 because the file does not carry them.
   */
  static fromData(
    data: number[][],
    sketchSize = KLL_SKETCH_SIZE,
    shrinkingFactor = KLL_SHRINKING_FACTOR,
  ): KllSketch {
    const sketch = new KllSketch(sketchSize, shrinkingFactor);
    while (sketch.levels.length < data.length) sketch.expand();
    data.forEach((items, h) => {
      for (const x of items) sketch.levels[h].push(x);
    });
    sketch.actualSize = sketch.itemsCount();
    return sketch;
  }
}

/** Sorted (item, cumulative weight <= item) pairs: Deequ `getRankMap` on a level array list. */
export interface RankMap {
  keys: Float64Array;
  /** ranks[i] = total weight of items <= keys[i]. */
  ranks: Float64Array;
  total: number;
}

export function rankMap(data: ReadonlyArray<ArrayLike<number>>): RankMap {
  // Each level sorted on its own (the native typed-array sort), then the levels merged, taking
  // the smallest head each time: one pass with a level scan per item (a sketch has ~a dozen
  // levels), where sorting (item, weight) pairs with a comparator cost several times more (and
  // deoptimized on every sketch mixing small integers and doubles). Equal items (+0 and -0
  // included) collapse into one key with the last rank.
  const levels = data.map((items) => Float64Array.from(items).sort());
  const heads = new Int32Array(levels.length);
  let size = 0;
  for (const level of levels) size += level.length;
  const keys = new Float64Array(size);
  const ranks = new Float64Array(size);
  let distinct = 0;
  let running = 0;
  for (let taken = 0; taken < size; taken++) {
    let best = -1;
    let bestValue = 0;
    for (let h = 0; h < levels.length; h++) {
      if (heads[h] === levels[h].length) continue;
      const v = levels[h][heads[h]];
      if (best < 0 || v < bestValue) {
        best = h;
        bestValue = v;
      }
    }
    heads[best]++;
    running += 2 ** best;
    if (distinct > 0 && keys[distinct - 1] === bestValue) ranks[distinct - 1] = running;
    else {
      keys[distinct] = bestValue;
      ranks[distinct] = running;
      distinct++;
    }
  }
  return { keys: keys.slice(0, distinct), ranks: ranks.slice(0, distinct), total: running };
}

/**
 * The 10 equal-width buckets of spec §3.4: bounds multiply first, then divide; [l, u) for the
 * first nine, [l, u] for the last; counts are sketch ranks (rankExclusive(u) - rankExclusive(l),
 * the last rank(u) - rankExclusive(l)), so they sum to the present count. Bucket i's upper bound
 * is bucket i + 1's lower bound (the same expression), so the buckets partition [l0, u9]: each
 * item adds its level's weight to the one bucket it falls in, found among the bounds by binary
 * search, without sorting the sketch (the rank map costs a sort of every item).
 */
export function kllBuckets(
  data: ReadonlyArray<ArrayLike<number>>,
  min: number,
  max: number,
  numberOfBuckets = 10,
): Array<{ lower_bound: number; upper_bound: number; count: number }> {
  const bounds = new Float64Array(numberOfBuckets + 1);
  for (let j = 0; j <= numberOfBuckets; j++) bounds[j] = min + ((max - min) * j) / numberOfBuckets;
  const first = bounds[0];
  const last = bounds[numberOfBuckets];
  const counts = new Float64Array(numberOfBuckets);
  for (let h = 0; h < data.length; h++) {
    const items = data[h];
    const weight = 2 ** h;
    for (let k = 0; k < items.length; k++) {
      const x = items[k];
      if (!(x >= first && x <= last)) continue;
      // The largest j < numberOfBuckets with bounds[j] <= x: then x < bounds[j + 1], or j is the
      // last bucket, which is closed (x = its upper bound).
      let lo = 0;
      let hi = numberOfBuckets - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bounds[mid] <= x) lo = mid;
        else hi = mid - 1;
      }
      counts[lo] += weight;
    }
  }
  const buckets: Array<{ lower_bound: number; upper_bound: number; count: number }> = [];
  for (let i = 0; i < numberOfBuckets; i++) {
    buckets.push({ lower_bound: bounds[i], upper_bound: bounds[i + 1], count: counts[i] });
  }
  return buckets;
}
