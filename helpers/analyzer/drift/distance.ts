/**
 * Drift distances of spec §7, ported from Deequ `Distance.scala` (numericalDistance,
 * categoricalLInfinityDistance, categoricalChiSquareTest with regroupCategories, selectMetrics).
 * Deequ's flag `correctForLowNumberOfSamples = true` returns the Simple distance; here the
 * method is named directly.
 */
import { rankMap } from "../profile/kll";
import { chiSquareGoodnessOfFit } from "./chiSquare";

/** Knuth's c(alpha) for alpha = 0.003, Deequ's default. */
export const DEFAULT_C_ALPHA = 1.8;

export type LInfinityMethod = "Simple" | "Robust";

export interface RobustOptions {
  /** Significance level; when given, c(alpha) = sqrt(-ln(alpha / 2) / 2) replaces 1.8. */
  alpha?: number;
}

/** Deequ selectMetrics: Robust subtracts the two-sample KS critical value. */
function selectMetrics(
  simple: number,
  n: number,
  m: number,
  method: LInfinityMethod,
  options: RobustOptions,
): number {
  if (method === "Simple") return simple;
  const cAlpha =
    options.alpha !== undefined
      ? Math.sqrt((-Math.log(options.alpha / 2) * 1) / 2)
      : DEFAULT_C_ALPHA;
  return Math.max(0.0, simple - cAlpha * Math.sqrt((n + m) / (n * m)));
}

/**
 * LInfinity distance between two KLL sketches given as level arrays (`sketch.data`): the largest
 * gap between their CDFs at every item of either sketch.
 */
export function numericalDistance(
  current: number[][],
  baseline: number[][],
  method: LInfinityMethod,
  options: RobustOptions = {},
): number {
  const a = rankMap(current);
  const b = rankMap(baseline);
  const n = a.total;
  const m = b.total;
  if (n === 0 || m === 0) return NaN;
  // Walk both sorted key lists; rankLE of the side that has no key <= k is its last rank seen.
  let i = 0;
  let j = 0;
  let rankA = 0;
  let rankB = 0;
  let simple = 0.0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = i < a.keys.length ? a.keys[i] : Infinity;
    const kb = j < b.keys.length ? b.keys[j] : Infinity;
    const key = Math.min(ka, kb);
    if (ka === key) rankA = a.ranks[i++];
    if (kb === key) rankB = b.ranks[j++];
    const diff = Math.abs(rankA / n - rankB / m);
    if (diff > simple) simple = diff;
  }
  return selectMetrics(simple, n, m, method, options);
}

export type Counts = ReadonlyMap<string, number> | Record<string, number>;

function toMap(c: Counts): Map<string, number> {
  return c instanceof Map ? new Map(c) : new Map(Object.entries(c as Record<string, number>));
}

/** LInfinity between category shares (not a CDF), then Simple/Robust as for numbers. */
export function categoricalLInfinityDistance(
  current: Counts,
  baseline: Counts,
  method: LInfinityMethod,
  options: RobustOptions = {},
): number {
  const s1 = toMap(current);
  const s2 = toMap(baseline);
  let n = 0.0;
  let m = 0.0;
  for (const v of s1.values()) n += v;
  for (const v of s2.values()) m += v;
  if (n === 0 || m === 0) return NaN;
  let simple = 0.0;
  const keys = new Set([...s1.keys(), ...s2.keys()]);
  for (const key of keys) {
    const diff = Math.abs((s1.get(key) ?? 0) / n - (s2.get(key) ?? 0) / m);
    if (diff > simple) simple = diff;
  }
  return selectMetrics(simple, n, m, method, options);
}

const CHISQUARE_MIN_DIMENSION = 2;
const ABS_THRESHOLD_YATES = 5;
const PERC_THRESHOLD_YATES = 0.2;
const ABS_THRESHOLD_COCHRAN = 10;

/** Smallest entry; ties go to the first in insertion order (Scala's HashMap order is unspecified). */
function minEntry(m: Map<string, number>): [string, number] {
  let best: [string, number] | undefined;
  for (const e of m) if (best === undefined || e[1] < best[1]) best = e;
  return best as [string, number];
}

/**
 * Deequ regroupCategories: while too many expected cells are small (2 cells: Cochran, none
 * < 10; more: Yates, at most floor(20 %) < 5), fold the smallest expected category into the
 * then-smallest one, on both sides.
 */
function regroup(sample: Map<string, number>, expected: Map<string, number>): void {
  while (expected.size >= CHISQUARE_MIN_DIMENSION) {
    let threshold = ABS_THRESHOLD_COCHRAN;
    let maxBelow = 0;
    if (expected.size > CHISQUARE_MIN_DIMENSION) {
      threshold = ABS_THRESHOLD_YATES;
      maxBelow = Math.trunc(PERC_THRESHOLD_YATES * expected.size);
    }
    let below = 0;
    for (const v of expected.values()) if (v < threshold) below++;
    if (below <= maxBelow) return;
    const [minKey, minValue] = minEntry(expected);
    const sampleMin = sample.get(minKey) ?? 0;
    expected.delete(minKey);
    sample.delete(minKey);
    const [secondKey, secondValue] = minEntry(expected);
    const sampleSecond = sample.get(secondKey) ?? 0;
    expected.set(secondKey, secondValue + minValue);
    sample.set(secondKey, sampleMin + sampleSecond);
  }
}

export interface ChiSquareDistance {
  pValue: number;
  statistic: number;
}

/**
 * Deequ categoricalChiSquareTest: `current` is the observed sample, `baseline` the expected
 * distribution. NaN (both fields) when fewer than 2 categories remain after regrouping.
 */
export function categoricalChiSquare(current: Counts, baseline: Counts): ChiSquareDistance {
  const sample = toMap(current);
  const expectedRaw = toMap(baseline);
  let sampleSum = 0.0;
  for (const [k, v] of sample) if (expectedRaw.has(k)) sampleSum += v;
  let expectedSum = 0.0;
  for (const v of expectedRaw.values()) expectedSum += v;
  const expected = new Map<string, number>();
  for (const [k, v] of expectedRaw) expected.set(k, (v / expectedSum) * sampleSum);
  regroup(sample, expected);
  if (expected.size < CHISQUARE_MIN_DIMENSION) return { pValue: NaN, statistic: NaN };
  const observedArray: number[] = [];
  const expectedArray: number[] = [];
  for (const [k, e] of expected) {
    observedArray.push(sample.get(k) ?? 0.0);
    expectedArray.push(e);
  }
  const result = chiSquareGoodnessOfFit(observedArray, expectedArray);
  return { pValue: result.pValue, statistic: result.statistic };
}
