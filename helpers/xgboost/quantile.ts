/**
 * Histogram cut points from XGBoost 1.7.4's streaming weighted-quantile sketch
 * (src/common/quantile.h `WQSummary`, `QuantileSketchTemplate`, `WQuantileSketch<float, float>`;
 * src/common/quantile.cc `HostSketchContainer::MakeCuts`, `AddCutPoint`; spec §5.3). Exact
 * quantiles would give different bin edges and different trees, so the sketch, its float32 rank
 * arithmetic and its prune/combine steps are ported as they are.
 */

/** A summary: parallel float32 arrays of entries (rmin, rmax, wmin, value) and a size. */
class Summary {
  rmin: Float32Array;
  rmax: Float32Array;
  wmin: Float32Array;
  value: Float32Array;
  size = 0;

  constructor(capacity: number) {
    this.rmin = new Float32Array(capacity);
    this.rmax = new Float32Array(capacity);
    this.wmin = new Float32Array(capacity);
    this.value = new Float32Array(capacity);
  }

  reserve(capacity: number): void {
    if (this.rmin.length >= capacity) return;
    const grow = (a: Float32Array): Float32Array => {
      const b = new Float32Array(capacity);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.rmin = grow(this.rmin);
    this.rmax = grow(this.rmax);
    this.wmin = grow(this.wmin);
    this.value = grow(this.value);
  }

  copyFrom(src: Summary): void {
    this.reserve(src.size);
    this.rmin.set(src.rmin.subarray(0, src.size));
    this.rmax.set(src.rmax.subarray(0, src.size));
    this.wmin.set(src.wmin.subarray(0, src.size));
    this.value.set(src.value.subarray(0, src.size));
    this.size = src.size;
  }

  private pushFrom(src: Summary, i: number): void {
    const k = this.size++;
    this.rmin[k] = src.rmin[i];
    this.rmax[k] = src.rmax[i];
    this.wmin[k] = src.wmin[i];
    this.value[k] = src.value[i];
  }

  private push(rmin: number, rmax: number, wmin: number, value: number): void {
    const k = this.size++;
    this.rmin[k] = rmin;
    this.rmax[k] = rmax;
    this.wmin[k] = wmin;
    this.value[k] = value;
  }

  /** WQSummary::SetPrune: keep at most maxsize entries at evenly spaced ranks. */
  setPrune(src: Summary, maxsize: number): void {
    if (src.size <= maxsize) {
      this.copyFrom(src);
      return;
    }
    this.reserve(maxsize);
    const f = Math.fround;
    const last = src.size - 1;
    const begin = src.rmax[0];
    const range = f(src.rmin[last] - src.rmax[0]);
    const n = maxsize - 1;
    this.size = 0;
    this.pushFrom(src, 0);
    let i = 1;
    let lastidx = 0;
    for (let k = 1; k < n; k++) {
      const dx2 = f(2 * f(f(f(k * range) / n) + begin));
      while (i < last && dx2 >= f(src.rmax[i + 1] + src.rmin[i + 1])) i++;
      if (i === last) break;
      const rminNext = f(src.rmin[i] + src.wmin[i]);
      const rmaxPrev = f(src.rmax[i + 1] - src.wmin[i + 1]);
      if (dx2 < f(rminNext + rmaxPrev)) {
        if (i !== lastidx) {
          this.pushFrom(src, i);
          lastidx = i;
        }
      } else if (i + 1 !== lastidx) {
        this.pushFrom(src, i + 1);
        lastidx = i + 1;
      }
    }
    if (lastidx !== last) this.pushFrom(src, last);
  }

  /** WQSummary::SetCombine followed by FixError. */
  setCombine(a: Summary, b: Summary): void {
    if (a.size === 0) {
      this.copyFrom(b);
      return;
    }
    if (b.size === 0) {
      this.copyFrom(a);
      return;
    }
    const f = Math.fround;
    this.reserve(a.size + b.size);
    this.size = 0;
    let ia = 0;
    let ib = 0;
    let aprevRmin = 0;
    let bprevRmin = 0;
    while (ia < a.size && ib < b.size) {
      const va = a.value[ia];
      const vb = b.value[ib];
      if (va === vb) {
        this.push(
          f(a.rmin[ia] + b.rmin[ib]),
          f(a.rmax[ia] + b.rmax[ib]),
          f(a.wmin[ia] + b.wmin[ib]),
          va,
        );
        aprevRmin = f(a.rmin[ia] + a.wmin[ia]);
        bprevRmin = f(b.rmin[ib] + b.wmin[ib]);
        ia++;
        ib++;
      } else if (va < vb) {
        this.push(
          f(a.rmin[ia] + bprevRmin),
          f(a.rmax[ia] + f(b.rmax[ib] - b.wmin[ib])),
          a.wmin[ia],
          va,
        );
        aprevRmin = f(a.rmin[ia] + a.wmin[ia]);
        ia++;
      } else {
        this.push(
          f(b.rmin[ib] + aprevRmin),
          f(b.rmax[ib] + f(a.rmax[ia] - a.wmin[ia])),
          b.wmin[ib],
          vb,
        );
        bprevRmin = f(b.rmin[ib] + b.wmin[ib]);
        ib++;
      }
    }
    if (ia < a.size) {
      const brmax = b.rmax[b.size - 1];
      for (; ia < a.size; ia++) {
        this.push(f(a.rmin[ia] + bprevRmin), f(a.rmax[ia] + brmax), a.wmin[ia], a.value[ia]);
      }
    }
    if (ib < b.size) {
      const armax = a.rmax[a.size - 1];
      for (; ib < b.size; ib++) {
        this.push(f(b.rmin[ib] + aprevRmin), f(b.rmax[ib] + armax), b.wmin[ib], b.value[ib]);
      }
    }
    // FixError: re-establish rank monotonicity after float rounding.
    let prevRmin = 0;
    let prevRmax = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.rmin[i] < prevRmin) this.rmin[i] = prevRmin;
      else prevRmin = this.rmin[i];
      if (this.rmax[i] < prevRmax) this.rmax[i] = prevRmax;
      const rminNext = f(this.rmin[i] + this.wmin[i]);
      if (this.rmax[i] < rminNext) this.rmax[i] = rminNext;
      prevRmax = this.rmax[i];
    }
  }
}

/**
 * WQuantileSketch<float, float> for one feature, unit weights. The input queue holds at most
 * 2 * limit entries, where consecutive equal values share one entry (Queue::Push); since all
 * weights are 1, the raw values since the last flush carry the same information, so they are kept
 * in a buffer and sorted with the native typed-array sort when the queue is summarised.
 */
class QuantileSketch {
  readonly limitSize: number;
  private readonly capacity: number;
  private readonly raw: Float32Array;
  private readonly rawBits: Uint32Array;
  private readonly scratchBits: Uint32Array;
  private rawLen = 0;
  /** Number of queue entries (runs of equal consecutive values) since the last flush. */
  private qtail = 0;
  private last = NaN;
  private levels: Summary[] = [];
  private readonly temp: Summary;

  constructor(maxn: number, eps: number) {
    // LimitSizeLevel
    let nlevel = 1;
    let limit: number;
    for (;;) {
      limit = Math.min(maxn, Math.ceil(nlevel / eps) + 1);
      if (2 ** nlevel * limit >= maxn) break;
      nlevel++;
    }
    this.limitSize = limit;
    this.capacity = Math.max(1, limit * 2);
    this.raw = new Float32Array(Math.max(1, maxn));
    this.rawBits = new Uint32Array(this.raw.buffer);
    this.scratchBits = new Uint32Array(Math.max(1, maxn));
    this.temp = new Summary(limit * 2);
  }

  /** QuantileSketchTemplate::Push with weight 1 (spec §5.3). */
  push(x: number): void {
    if (this.qtail === this.capacity && this.last !== x) {
      this.makeSummary(this.temp);
      this.rawLen = 0;
      this.qtail = 0;
      this.pushTemp();
    }
    if (this.qtail === 0 || this.last !== x) {
      this.qtail++;
      this.last = x;
    }
    this.raw[this.rawLen++] = x;
  }

  /** Queue::MakeSummary: sort, merge equal values, ranks from running weight sums. */
  private makeSummary(out: Summary): void {
    const n = this.rawLen;
    const v = this.raw.subarray(0, n);
    radixSortFloat32(v, this.rawBits, this.scratchBits);
    out.reserve(this.qtail);
    out.size = 0;
    let wsum = 0;
    for (let i = 0; i < n;) {
      const x = v[i];
      let j = i + 1;
      // -0 and +0 are one value for the sketch (they compare equal), as in XGBoost.
      while (j < n && v[j] === x) j++;
      const w = j - i;
      const k = out.size++;
      out.rmin[k] = wsum;
      out.rmax[k] = Math.fround(wsum + w);
      out.wmin[k] = w;
      out.value[k] = x;
      wsum = Math.fround(wsum + w);
      i = j;
    }
  }

  private initLevel(n: number): void {
    while (this.levels.length < n) this.levels.push(new Summary(this.limitSize));
  }

  private pushTemp(): void {
    for (let l = 1; ; l++) {
      this.initLevel(l + 1);
      const level = this.levels;
      if (level[l].size === 0) {
        level[l].setPrune(this.temp, this.limitSize);
        break;
      }
      level[0].setPrune(this.temp, this.limitSize);
      this.temp.setCombine(level[0], level[l]);
      if (this.temp.size > this.limitSize) {
        level[l].size = 0;
      } else {
        level[l].copyFrom(this.temp);
        break;
      }
    }
  }

  /** QuantileSketchTemplate::GetSummary. */
  getSummary(): Summary {
    const out = new Summary(Math.max(1, this.limitSize * 2));
    this.makeSummary(out);
    const level = this.levels;
    if (level.length !== 0) {
      level[0].setPrune(out, this.limitSize);
      for (let l = 1; l < level.length; l++) {
        if (level[l].size === 0) continue;
        if (level[0].size === 0) {
          level[0].copyFrom(level[l]);
        } else {
          out.setCombine(level[0], level[l]);
          level[0].setPrune(out, this.limitSize);
        }
      }
      out.copyFrom(level[0]);
    } else if (out.size > this.limitSize) {
      const pruned = new Summary(this.limitSize);
      pruned.setPrune(out, this.limitSize);
      out.copyFrom(pruned);
    }
    return out;
  }
}

/**
 * Sorts float32 values ascending (no NaN) with an LSD radix sort over order-preserving uint32
 * keys: 3 passes of 11 bits. `bits` views the same memory as `v`; `scratch` is at least as long.
 * -0 sorts just before +0, which the summary then merges as one value.
 */
function radixSortFloat32(v: Float32Array, bits: Uint32Array, scratch: Uint32Array): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    bits[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  const count = new Uint32Array(2048);
  let src = bits;
  let dst = scratch;
  for (let shift = 0; shift < 33; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 0x7ff]++;
    let sum = 0;
    for (let k = 0; k < 2048; k++) {
      const c = count[k];
      count[k] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = src[i];
      dst[count[(key >>> shift) & 0x7ff]++] = key;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // Three passes leave the result in `scratch`; map keys back to float bits into `bits`.
  for (let i = 0; i < n; i++) {
    const k = src[i];
    bits[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
}

/** Cut points per feature: bins of feature f are [ptrs[f], ptrs[f+1]) in `values`. */
export interface HistogramCuts {
  ptrs: Uint32Array;
  values: Float32Array;
  minValues: Float32Array;
}

const EPS_1E5 = Math.fround(1e-5);

/**
 * Builds the cuts of every feature of a dense row-major matrix (NaN = missing), as
 * `SketchOnDMatrix` + `HostSketchContainer::MakeCuts` with nthread=1 and unit weights.
 */
export function buildCuts(
  data: Float32Array,
  nrow: number,
  ncol: number,
  maxBin: number,
): HistogramCuts {
  const ptrs = new Uint32Array(ncol + 1);
  const values: number[] = [];
  const minValues = new Float32Array(ncol);
  const f = Math.fround;
  // One strided pass per feature gathers its present values in row order.
  const column = new Float32Array(nrow);
  for (let fid = 0; fid < ncol; fid++) {
    let n = 0;
    for (let r = 0, i = fid; r < nrow; r++, i += ncol) {
      const v = data[i];
      if (v === v) column[n++] = v;
    }
    ptrs[fid] = values.length;
    if (n === 0) {
      // Empty column: min value 1e-5f and only the sentinel.
      minValues[fid] = EPS_1E5;
      values.push(f(EPS_1E5 + (Math.abs(EPS_1E5) + EPS_1E5)));
      continue;
    }
    const nBins = Math.max(1, Math.min(maxBin, n));
    const eps = 1.0 / f(nBins * 8);
    const sketch = new QuantileSketch(n, eps);
    for (let k = 0; k < n; k++) sketch.push(column[k]);
    const summary = sketch.getSummary();
    const intermediate = Math.min(n, maxBin * 8);
    const s1 = new Summary(intermediate);
    s1.setPrune(summary, intermediate);
    const maxNumBins = Math.min(intermediate, maxBin);
    const s2 = new Summary(maxNumBins + 1);
    s2.setPrune(s1, maxNumBins + 1);
    // min_vals = mval - fabs(mval) - 1e-5f, evaluated in double (::fabs promotes).
    const mval = s2.value[0];
    minValues[fid] = f(mval - Math.abs(mval) - EPS_1E5);
    // AddCutPoint
    const requiredCuts = Math.min(s2.size, maxNumBins);
    for (let i = 1; i < requiredCuts; i++) {
      const cpt = s2.value[i];
      if (i === 1 || cpt > values[values.length - 1]) values.push(cpt);
    }
    const cpt = s2.value[s2.size - 1];
    values.push(f(cpt + (Math.abs(cpt) + EPS_1E5)));
  }
  ptrs[ncol] = values.length;
  return { ptrs, values: Float32Array.from(values), minValues };
}

/** Bin of value v in feature f: first cut strictly greater than v, clamped (spec §5.4). */
export function searchBin(cuts: HistogramCuts, fid: number, v: number): number {
  const vals = cuts.values;
  let lo = cuts.ptrs[fid];
  const end = cuts.ptrs[fid + 1];
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vals[mid] > v) hi = mid;
    else lo = mid + 1;
  }
  return lo === end ? end - 1 : lo;
}
