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
