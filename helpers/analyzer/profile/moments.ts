/**
 * Mergeable numeric state: count, sum, min, max and the (n, avg, m2) triple of Deequ's
 * `StandardDeviationState` (spec §3.2: population std_dev). Per-value updates follow Spark's
 * `CentralMomentAgg` (what Deequ's `StatefulStdDevPop` delegates to); merging follows
 * `StandardDeviationState.sum` (Chan et al.), so hours can be combined into a day.
 */
export class Moments {
  n = 0;
  // Created holding a fraction, then zeroed in the constructor: V8 then keeps these fields as
  // unboxed doubles from the start. Created as the integer 0, a field is generalized by the
  // first fraction stored, and every existing Moments object later migrates to the new shape
  // inside the optimized block loops, deoptimizing them once per object (per column).
  sum = 0.5;
  avg = 0.5;
  m2 = 0.5;
  min = Infinity;
  max = -Infinity;

  constructor() {
    this.sum = 0;
    this.avg = 0;
    this.m2 = 0;
  }

  add(x: number): void {
    const n = this.n + 1;
    const delta = x - this.avg;
    const deltaN = delta / n;
    this.avg += deltaN;
    this.m2 += delta * (delta - deltaN);
    this.n = n;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** add() of values[from, from + n) in order, with the state in locals (same arithmetic). */
  addAll(values: Float64Array, from: number, n: number): void {
    let count = this.n;
    let avg = this.avg;
    let m2 = this.m2;
    let sum = this.sum;
    let min = this.min;
    let max = this.max;
    for (let i = from; i < from + n; i++) {
      const x = values[i];
      count++;
      const delta = x - avg;
      const deltaN = delta / count;
      avg += deltaN;
      m2 += delta * (delta - deltaN);
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.n = count;
    this.avg = avg;
    this.m2 = m2;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }

  merge(other: Moments): this {
    if (other.n === 0) return this;
    if (this.n === 0) {
      this.n = other.n;
      this.sum = other.sum;
      this.avg = other.avg;
      this.m2 = other.m2;
      this.min = other.min;
      this.max = other.max;
      return this;
    }
    const n = this.n + other.n;
    const delta = other.avg - this.avg;
    const deltaN = delta / n;
    this.m2 = this.m2 + other.m2 + delta * deltaN * this.n * other.n;
    this.avg = this.avg + deltaN * other.n;
    this.n = n;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  /** Deequ `Mean` is sum / count. */
  get mean(): number {
    return this.sum / this.n;
  }

  /** Population standard deviation sqrt(m2 / n). */
  get stdDev(): number {
    return Math.sqrt(this.m2 / this.n);
  }

  clone(): Moments {
    return new Moments().merge(this);
  }
}

/**
 * a.addAll(values, fromA, n) and b.addAll(values, fromB, n) in one loop, with the same
 * arithmetic in the same order per state (so the same bits): the two update chains are
 * independent, which lets the CPU overlap them.
 */
export function addAllTwo(
  a: Moments,
  b: Moments,
  values: Float64Array,
  fromA: number,
  fromB: number,
  n: number,
): void {
  let countA = a.n;
  let avgA = a.avg;
  let m2A = a.m2;
  let sumA = a.sum;
  let minA = a.min;
  let maxA = a.max;
  let countB = b.n;
  let avgB = b.avg;
  let m2B = b.m2;
  let sumB = b.sum;
  let minB = b.min;
  let maxB = b.max;
  for (let i = 0; i < n; i++) {
    const x = values[fromA + i];
    const y = values[fromB + i];
    countA++;
    countB++;
    const deltaA = x - avgA;
    const deltaB = y - avgB;
    const deltaNA = deltaA / countA;
    const deltaNB = deltaB / countB;
    avgA += deltaNA;
    avgB += deltaNB;
    m2A += deltaA * (deltaA - deltaNA);
    m2B += deltaB * (deltaB - deltaNB);
    sumA += x;
    sumB += y;
    if (x < minA) minA = x;
    if (x > maxA) maxA = x;
    if (y < minB) minB = y;
    if (y > maxB) maxB = y;
  }
  a.n = countA;
  a.avg = avgA;
  a.m2 = m2A;
  a.sum = sumA;
  a.min = minA;
  a.max = maxA;
  b.n = countB;
  b.avg = avgB;
  b.m2 = m2B;
  b.sum = sumB;
  b.min = minB;
  b.max = maxB;
}
