/**
 * The selection step of a KLL compaction, made fast: "sort the buffer, keep every other item
 * from `offset`" (Deequ NonSampleCompactor.compact). Counting when the buffer holds few distinct
 * values, an LSD radix sort otherwise; both give exactly what Float64Array sort would
 * (test/analyzer/kll.test.ts compares them with a plain reference sketch).
 */

/** Up to this many distinct values, compaction counts instead of sorting. */
const FEW_DISTINCT = 128;
/** Open-addressing table for the counting path: a power of two, at most 1/4 full. */
const FEW_SLOTS = 512;
const slotLo = new Uint32Array(FEW_SLOTS);
const slotHi = new Uint32Array(FEW_SLOTS);
const slotCount = new Int32Array(FEW_SLOTS);
const usedSlots = new Int32Array(FEW_DISTINCT);
const distinctValues = new Float64Array(FEW_DISTINCT);
const sortedCounts = new Int32Array(FEW_DISTINCT);
const bitsScratch = new Float64Array(1);
const bitsWords = new Uint32Array(bitsScratch.buffer);

function findSlot(lo: number, hi: number): number {
  let s = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 23) & (FEW_SLOTS - 1);
  while (slotCount[s] !== 0 && (slotLo[s] !== lo || slotHi[s] !== hi))
    s = (s + 1) & (FEW_SLOTS - 1);
  return s;
}

/**
 * Same output as "sort items[0, n) ascending, take every other item from `offset`", computed
 * by counting when the buffer holds at most FEW_DISTINCT distinct doubles (category codes,
 * ages, credit limits...), which makes those compactions O(n) instead of O(n log n). Values are
 * told apart by their bits, so -0 and +0 stay distinct and sort as the builtin does. Returns
 * false, having written nothing, on more distinct values or a NaN.
 */
export function selectFewDistinct(
  items: Float64Array,
  len: number,
  offset: number,
  out: Float64Array,
): boolean {
  let d = 0;
  let ok = true;
  for (let i = 0; i < len; i++) {
    const v = items[i];
    if (v !== v) {
      ok = false;
      break;
    }
    bitsScratch[0] = v;
    const lo = bitsWords[0];
    const hi = bitsWords[1];
    const s = findSlot(lo, hi);
    if (slotCount[s] === 0) {
      if (d === FEW_DISTINCT) {
        ok = false;
        break;
      }
      slotLo[s] = lo;
      slotHi[s] = hi;
      distinctValues[d] = v;
      usedSlots[d++] = s;
    }
    slotCount[s]++;
  }
  if (ok) {
    const sorted = distinctValues.subarray(0, d).sort();
    for (let k = 0; k < d; k++) {
      bitsScratch[0] = sorted[k];
      sortedCounts[k] = slotCount[findSlot(bitsWords[0], bitsWords[1])];
    }
    // Sorted position p holds the value whose cumulative count first exceeds p.
    let k = 0;
    let end = sortedCounts[0];
    for (let p = offset, j = 0; p < len; p += 2, j++) {
      while (p >= end) end += sortedCounts[++k];
      out[j] = sorted[k];
    }
  }
  for (let k = 0; k < d; k++) slotCount[usedSlots[k]] = 0;
  return ok;
}

/** The radix sort reads doubles as two 32-bit words, low word first (little-endian hosts). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const radixCounts = new Int32Array(256);
let keyLo = new Uint32Array(0);
let keyHi = new Uint32Array(0);
let tmpLo = new Uint32Array(0);
let tmpHi = new Uint32Array(0);

/**
 * Sort items[0, n) ascending in place, ordered exactly like Float64Array.prototype.sort (-0
 * before +0). Compaction sorts ~2,000 doubles per ~1,000 values profiled and is the profiler's
 * largest cost; this measured clearly faster than the builtin comparison sort. NaN (never
 * produced by the parser) falls back to the builtin.
 *
 * Negative and non-negative values are split first and each part is LSD radix-sorted by the
 * magnitude bits (one byte per pass), negatives then read back in reverse. Working on magnitudes
 * (rather than flipping the bits of negatives) keeps the low mantissa bytes of integer-valued
 * data identical across a part, and bytes every key shares are skipped (found with AND/OR masks).
 */
export function sortDoubles(items: Float64Array, n: number): Float64Array {
  const view = items.subarray(0, n);
  if (n < 256 || !LITTLE_ENDIAN) return view.sort();
  if (keyLo.length < n) {
    keyLo = new Uint32Array(n * 2);
    keyHi = new Uint32Array(n * 2);
    tmpLo = new Uint32Array(n * 2);
    tmpHi = new Uint32Array(n * 2);
  }
  const words = new Uint32Array(items.buffer, items.byteOffset, n * 2);
  let negatives = 0;
  for (let i = 0; i < n; i++) {
    if (view[i] !== view[i]) return view.sort();
    if (words[2 * i + 1] & 0x80000000) negatives++;
  }
  let a = 0;
  let b = negatives;
  let andLoN = -1;
  let orLoN = 0;
  let andHiN = -1;
  let orHiN = 0;
  let andLoP = -1;
  let orLoP = 0;
  let andHiP = -1;
  let orHiP = 0;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (hi & 0x80000000) {
      const mag = hi & 0x7fffffff;
      keyLo[a] = lo;
      keyHi[a] = mag;
      a++;
      andLoN &= lo;
      orLoN |= lo;
      andHiN &= mag;
      orHiN |= mag;
    } else {
      keyLo[b] = lo;
      keyHi[b] = hi;
      b++;
      andLoP &= lo;
      orLoP |= lo;
      andHiP &= hi;
      orHiP |= hi;
    }
  }
  radixRange(0, negatives, (andLoN ^ orLoN) >>> 0, (andHiN ^ orHiN) >>> 0);
  radixRange(negatives, n, (andLoP ^ orLoP) >>> 0, (andHiP ^ orHiP) >>> 0);
  // Largest magnitude first among negatives (most negative value first), then non-negatives.
  for (let k = 0; k < negatives; k++) {
    const from = negatives - 1 - k;
    words[2 * k] = keyLo[from];
    words[2 * k + 1] = (keyHi[from] | 0x80000000) >>> 0;
  }
  for (let k = negatives; k < n; k++) {
    words[2 * k] = keyLo[k];
    words[2 * k + 1] = keyHi[k];
  }
  return view;
}

/**
 * LSD radix sort of the unsigned 64-bit keys (keyHi:keyLo)[from, to), ascending, leaving the
 * result in keyLo/keyHi. `varyLo`/`varyHi` have a bit set wherever keys differ; bytes without
 * any are skipped.
 */
function radixRange(from: number, to: number, varyLo: number, varyHi: number): void {
  if (to - from < 2) return;
  const counts = radixCounts;
  let srcLo = keyLo;
  let srcHi = keyHi;
  let dstLo = tmpLo;
  let dstHi = tmpHi;
  for (let pass = 0; pass < 8; pass++) {
    const shift = (pass & 3) * 8;
    const high = pass >= 4;
    if ((((high ? varyHi : varyLo) >>> shift) & 0xff) === 0) continue;
    counts.fill(0);
    if (high) for (let i = from; i < to; i++) counts[(srcHi[i] >>> shift) & 0xff]++;
    else for (let i = from; i < to; i++) counts[(srcLo[i] >>> shift) & 0xff]++;
    let sum = from;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = from; i < to; i++) {
      const lo = srcLo[i];
      const hi = srcHi[i];
      const p = counts[((high ? hi : lo) >>> shift) & 0xff]++;
      dstLo[p] = lo;
      dstHi[p] = hi;
    }
    let t = srcLo;
    srcLo = dstLo;
    dstLo = t;
    t = srcHi;
    srcHi = dstHi;
    dstHi = t;
  }
  if (srcLo !== keyLo) {
    keyLo.set(srcLo.subarray(from, to), from);
    keyHi.set(srcHi.subarray(from, to), from);
  }
}
