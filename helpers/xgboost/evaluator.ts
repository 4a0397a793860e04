/**
 * Split gain, leaf weight and split enumeration of XGBoost 1.7.4's `hist` updater
 * (src/tree/hist/evaluate_splits.h `HistEvaluator::EnumerateSplit`, src/tree/split_evaluator.h,
 * src/tree/param.h `CalcWeight`, `SplitEntry::NeedReplace`; spec §5.6-5.8), with the float32
 * casts that decide which candidate wins.
 */
import type { HistogramCuts } from "./quantile";

const f = Math.fround;

export interface GainParams {
  lambda: number;
  minChildWeight: number;
}

/** Gain of one side: G^2 / (H + lambda) with the float casts of spec §5.7; 0 when H <= 0. */
export function sideGain(g: number, h: number, lambda: number): number {
  if (h <= 0) return 0;
  return f(f(g * g) / f(h + lambda));
}

/** CalcWeight: -G / (H + lambda) in double, then float; 0 below min_child_weight. */
export function calcWeight(g: number, h: number, p: GainParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  return f(-g / (h + p.lambda));
}

/**
 * The best split of one node, written into `out` at slot `slot` (struct of arrays, so that the
 * enumeration allocates nothing). Fields per slot: gain, feature, threshold, defaultLeft,
 * left G/H, right G/H.
 */
export class SplitCandidates {
  gain: Float64Array;
  feature: Int32Array;
  threshold: Float32Array;
  defaultLeft: Uint8Array;
  /** [lG, lH, rG, rH] per slot. */
  sums: Float64Array;

  constructor(capacity: number) {
    this.gain = new Float64Array(capacity);
    this.feature = new Int32Array(capacity);
    this.threshold = new Float32Array(capacity);
    this.defaultLeft = new Uint8Array(capacity);
    this.sums = new Float64Array(capacity * 4);
  }

  ensure(n: number): void {
    if (n <= this.gain.length) return;
    const cap = Math.max(n, this.gain.length * 2);
    const grow = <T extends Float64Array | Int32Array | Float32Array | Uint8Array>(
      a: T,
      b: T,
    ): T => {
      b.set(a);
      return b;
    };
    this.gain = grow(this.gain, new Float64Array(cap));
    this.feature = grow(this.feature, new Int32Array(cap));
    this.threshold = grow(this.threshold, new Float32Array(cap));
    this.defaultLeft = grow(this.defaultLeft, new Uint8Array(cap));
    this.sums = grow(this.sums, new Float64Array(cap * 4));
  }
}

/**
 * EvaluateSplits for one node: features ascending, forward enumeration (missing right), then
 * backward (missing left) when the feature has missing values in the node. A candidate replaces
 * the best only with a strictly larger gain, so ties keep the lowest feature and the first
 * candidate; the best starts at gain 0, so only positive gains are kept.
 */
export function evaluateNode(
  hist: Float64Array,
  cuts: HistogramCuts,
  nfeature: number,
  pg: number,
  ph: number,
  p: GainParams,
  out: SplitCandidates,
  slot: number,
): void {
  const lambda = p.lambda;
  const mcw = p.minChildWeight;
  const rootGain = sideGain(pg, ph, lambda);
  const ptrs = cuts.ptrs;
  const cutVals = cuts.values;
  let bestGain = 0;
  let bestFeature = 0;
  let bestThr = 0;
  let bestDefaultLeft = 0;
  let blg = 0;
  let blh = 0;
  let brg = 0;
  let brh = 0;
  for (let fid = 0; fid < nfeature; fid++) {
    const lo = ptrs[fid];
    const hi = ptrs[fid + 1];
    let ag = 0;
    let ah = 0;
    for (let b = lo; b < hi; b++) {
      const hg = hist[2 * b];
      const hh = hist[2 * b + 1];
      // An empty bin repeats the previous candidate's sums and gain, which can never replace the
      // best (replacement needs a strictly larger gain), so it is skipped.
      if (hh === 0 && hg === 0) continue;
      ag += hg;
      ah += hh;
      const bg = pg - ag;
      const bh = ph - ah;
      if (ah >= mcw && bh >= mcw) {
        const gain = f(f(sideGain(ag, ah, lambda) + sideGain(bg, bh, lambda)) - rootGain);
        if (gain > bestGain && gain !== Infinity) {
          bestGain = gain;
          bestFeature = fid;
          bestThr = cutVals[b];
          bestDefaultLeft = 0;
          blg = ag;
          blh = ah;
          brg = bg;
          brh = bh;
        }
      }
    }
    if (ag === pg && ah === ph) continue; // no missing values in this node for this feature
    ag = 0;
    ah = 0;
    for (let b = hi - 1; b >= lo; b--) {
      const hg = hist[2 * b];
      const hh = hist[2 * b + 1];
      if (hh === 0 && hg === 0) continue;
      ag += hg;
      ah += hh;
      const bg = pg - ag;
      const bh = ph - ah;
      if (ah >= mcw && bh >= mcw) {
        const gain = f(f(sideGain(bg, bh, lambda) + sideGain(ag, ah, lambda)) - rootGain);
        if (gain > bestGain && gain !== Infinity) {
          bestGain = gain;
          bestFeature = fid;
          bestThr = b === lo ? cuts.minValues[fid] : cutVals[b - 1];
          bestDefaultLeft = 1;
          blg = bg;
          blh = bh;
          brg = ag;
          brh = ah;
        }
      }
    }
  }
  out.gain[slot] = bestGain;
  out.feature[slot] = bestFeature;
  out.threshold[slot] = bestThr;
  out.defaultLeft[slot] = bestDefaultLeft;
  out.sums[slot * 4] = blg;
  out.sums[slot * 4 + 1] = blh;
  out.sums[slot * 4 + 2] = brg;
  out.sums[slot * 4 + 3] = brh;
}
