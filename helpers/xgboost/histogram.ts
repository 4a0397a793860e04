/**
 * Gradient histograms (src/common/hist_util.cc `BuildHist`, src/tree/hist/histogram.h; spec §5.5):
 * per bin, double sums of the float32 gradient pairs, added in ascending row order. Layout:
 * hist[2b] = G, hist[2b + 1] = H for global bin b.
 */
import type { GradientIndex } from "./gradientIndex";

/** Accumulates rows[begin..end) into `hist` (which is cleared first). */
export function buildHistogram(
  hist: Float64Array,
  index: GradientIndex,
  rows: Uint32Array,
  begin: number,
  end: number,
  grad: Float32Array,
  hess: Float32Array,
): void {
  hist.fill(0);
  const bins = index.bins;
  const ncol = index.ncol;
  const missing = index.missing;
  if (index.dense) {
    for (let k = begin; k < end; k++) {
      const r = rows[k];
      const g = grad[r];
      const h = hess[r];
      // Rows dropped by subsampling carry g = h = 0: adding +0 changes no sum, so skip them.
      if (g === 0 && h === 0) continue;
      // Unrolled by four: the histogram adds are the trainer's hottest loop.
      let q = r * ncol;
      const e = q + ncol;
      for (; q + 3 < e; q += 4) {
        const b0 = bins[q] << 1;
        const b1 = bins[q + 1] << 1;
        const b2 = bins[q + 2] << 1;
        const b3 = bins[q + 3] << 1;
        hist[b0] += g;
        hist[b0 + 1] += h;
        hist[b1] += g;
        hist[b1 + 1] += h;
        hist[b2] += g;
        hist[b2 + 1] += h;
        hist[b3] += g;
        hist[b3 + 1] += h;
      }
      for (; q < e; q++) {
        const b = bins[q] << 1;
        hist[b] += g;
        hist[b + 1] += h;
      }
    }
    return;
  }
  for (let k = begin; k < end; k++) {
    const r = rows[k];
    const g = grad[r];
    const h = hess[r];
    if (g === 0 && h === 0) continue;
    const base = r * ncol;
    for (let f = 0; f < ncol; f++) {
      const bin = bins[base + f];
      if (bin === missing) continue;
      const b = bin << 1;
      hist[b] += g;
      hist[b + 1] += h;
    }
  }
}

/** The subtraction trick: sibling = parent - built, bin by bin in double. */
export function subtractHistogram(
  out: Float64Array,
  parent: Float64Array,
  built: Float64Array,
): void {
  for (let i = 0; i < out.length; i++) out[i] = parent[i] - built[i];
}

/** A free list of histogram buffers, so a tree allocates only as many as one level needs. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly size: number) {}

  acquire(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.size);
  }

  release(h: Float64Array): void {
    this.free.push(h);
  }
}
