/**
 * Mergeable numeric state: count, sum, min, max and the (n, avg, m2) triple of Deequ's
 * `StandardDeviationState` (spec §3.2: population std_dev). Per-value updates follow Spark's
 * `CentralMomentAgg` (what Deequ's `StatefulStdDevPop` delegates to); merging follows
 * `StandardDeviationState.sum` (Chan et al.), so hours can be combined into a day.
 */
export class Moments {
  n = 0;
  sum = 0;
  avg = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;

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
