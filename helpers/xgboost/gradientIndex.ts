/**
 * The binned training matrix (XGBoost's `GHistIndexMatrix`, src/data/gradient_index.cc): every
 * present value replaced by its global bin id (feature offset + local bin, spec §5.4), row-major.
 */
import type { HistogramCuts } from "./quantile";

export interface GradientIndex {
  bins: Uint16Array | Uint32Array;
  /** Bin id that marks a missing value. */
  missing: number;
  nrow: number;
  ncol: number;
  totalBins: number;
  cuts: HistogramCuts;
  /** No missing value at all (XGBoost's DMatrix::IsDense). */
  dense: boolean;
}

export function buildGradientIndex(
  data: Float32Array,
  nrow: number,
  ncol: number,
  cuts: HistogramCuts,
): GradientIndex {
  const totalBins = cuts.ptrs[ncol];
  const small = totalBins < 0xffff;
  const bins = small ? new Uint16Array(nrow * ncol) : new Uint32Array(nrow * ncol);
  const missing = small ? 0xffff : 0xffffffff;
  let dense = true;
  for (let fid = 0; fid < ncol; fid++) {
    const lo = cuts.ptrs[fid];
    const hi = cuts.ptrs[fid + 1];
    const vals = cuts.values;
    for (let r = 0; r < nrow; r++) {
      const i = r * ncol + fid;
      const v = data[i];
      if (v !== v) {
        bins[i] = missing;
        dense = false;
        continue;
      }
      // Most values are small integers hitting the same bins; binary search is cheap enough.
      let a = lo;
      let b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (vals[m] > v) b = m;
        else a = m + 1;
      }
      bins[i] = a === hi ? hi - 1 : a;
    }
  }
  return { bins, missing, nrow, ncol, totalBins, cuts, dense };
}
