/**
 * Depthwise tree growth of XGBoost 1.7.4's `hist` updater (src/tree/updater_quantile_hist.cc
 * `QuantileHistMaker::Builder::ExpandTree`, `InitRoot`, `ApplyTreeSplit`; src/tree/driver.h;
 * src/tree/hist/expand_entry.h `IsValid`/`ChildIsValid`; src/common/partition_builder.h;
 * spec §5.5, §5.9). Rows are kept in one index array; every node owns a contiguous segment in
 * which rows keep their original order (stable partition), as XGBoost's row sets do.
 */
import { calcWeight, evaluateNode, GainParams, SplitCandidates } from "./evaluator";
import type { GradientIndex } from "./gradientIndex";
import { buildHistogram, HistogramPool, subtractHistogram } from "./histogram";
import { RegTree } from "./tree";

const f = Math.fround;
const RT_EPS = f(1e-6); // kRtEps

export interface GrowParams extends GainParams {
  eta: number;
  gamma: number;
  maxDepth: number;
}

/** Reusable per-training buffers (sized once for the training matrix). */
export class GrowerWorkspace {
  readonly rows: Uint32Array;
  readonly scratch: Uint32Array;
  readonly pool: HistogramPool;
  readonly candidates = new SplitCandidates(64);
  nodeBegin = new Int32Array(64);
  nodeEnd = new Int32Array(64);
  nodeHist: (Float64Array | null)[] = [];
  nodeDepth = new Int32Array(64);

  constructor(readonly index: GradientIndex) {
    this.rows = new Uint32Array(index.nrow);
    this.scratch = new Uint32Array(index.nrow);
    this.pool = new HistogramPool(index.totalBins * 2);
  }

  ensureNodes(n: number): void {
    this.candidates.ensure(n);
    if (n <= this.nodeBegin.length) return;
    const cap = Math.max(n, this.nodeBegin.length * 2);
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.nodeBegin = grow(this.nodeBegin);
    this.nodeEnd = grow(this.nodeEnd);
    this.nodeDepth = grow(this.nodeDepth);
  }
}

/** The global bin a split threshold corresponds to (FindSplitConditions); -1 = below all cuts. */
function splitBin(index: GradientIndex, feature: number, threshold: number): number {
  const { ptrs, values } = index.cuts;
  let cond = -1;
  for (let i = ptrs[feature]; i < ptrs[feature + 1]; i++) if (values[i] === threshold) cond = i;
  return cond;
}

/** Stable partition of node `nid`'s rows into its children's segments. */
function partition(ws: GrowerWorkspace, tree: RegTree, nid: number): void {
  const index = ws.index;
  const bins = index.bins;
  const ncol = index.ncol;
  const missing = index.missing;
  const feature = tree.splitIndices[nid];
  const cond = splitBin(index, feature, tree.splitConditions[nid]);
  const defaultLeft = tree.defaultLeft[nid];
  const rows = ws.rows;
  const scratch = ws.scratch;
  const begin = ws.nodeBegin[nid];
  const end = ws.nodeEnd[nid];
  let nl = begin;
  let nr = 0;
  // Branch-free: the direction is data-dependent and unpredictable. Writing rows[nl] in place is
  // safe because nl <= k. A missing bin id is larger than any cond, so b <= cond is false for it.
  for (let k = begin; k < end; k++) {
    const r = rows[k];
    const b = bins[r * ncol + feature];
    const left = +(b <= cond) | (+(b === missing) & defaultLeft);
    rows[nl] = r;
    scratch[nr] = r;
    nl += left;
    nr += 1 - left;
  }
  rows.set(scratch.subarray(0, nr), nl);
  const l = tree.leftChildren[nid];
  const rt = tree.rightChildren[nid];
  ws.nodeBegin[l] = begin;
  ws.nodeEnd[l] = nl;
  ws.nodeBegin[rt] = nl;
  ws.nodeEnd[rt] = end;
}

/**
 * Grows one tree from float32 gradients (dropped rows already zeroed) and adds its leaf values to
 * `margins` (UpdatePredictionCache: float32 additions, every training row).
 */
export function growTree(
  ws: GrowerWorkspace,
  grad: Float32Array,
  hess: Float32Array,
  p: GrowParams,
  margins: Float32Array,
): RegTree {
  const index = ws.index;
  const nrow = index.nrow;
  const ncol = index.ncol;
  const cuts = index.cuts;
  const cand = ws.candidates;
  const rows = ws.rows;
  for (let i = 0; i < nrow; i++) rows[i] = i;
  const tree = new RegTree(64);
  ws.ensureNodes(1);
  ws.nodeBegin[0] = 0;
  ws.nodeEnd[0] = nrow;
  ws.nodeDepth[0] = 0;

  // InitRoot
  const rootHist = ws.pool.acquire();
  buildHistogram(rootHist, index, rows, 0, nrow, grad, hess);
  let pg = 0;
  let ph = 0;
  if (index.dense) {
    for (let b = cuts.ptrs[0]; b < cuts.ptrs[1]; b++) {
      pg += rootHist[2 * b];
      ph += rootHist[2 * b + 1];
    }
  } else {
    for (let i = 0; i < nrow; i++) {
      pg += grad[i];
      ph += hess[i];
    }
  }
  const rootWeight = calcWeight(pg, ph, p);
  tree.addLeaf(2147483647, f(p.eta * rootWeight), f(ph));
  tree.baseWeights[0] = rootWeight;
  evaluateNode(rootHist, cuts, ncol, pg, ph, p, cand, 0);
  ws.nodeHist[0] = rootHist;

  let expand: number[] = [0];
  while (expand.length > 0) {
    const depth = ws.nodeDepth[expand[0]] + 1;
    const childValid = p.maxDepth === 0 || depth < p.maxDepth;
    const valid: number[] = [];
    for (const nid of expand) {
      const gain = cand.gain[nid];
      const s = nid * 4;
      const lg = cand.sums[s];
      const lh = cand.sums[s + 1];
      const rg = cand.sums[s + 2];
      const rh = cand.sums[s + 3];
      const ok =
        gain > RT_EPS &&
        lh !== 0 &&
        rh !== 0 &&
        !(gain < p.gamma) &&
        !(p.maxDepth > 0 && depth - 1 === p.maxDepth);
      if (!ok) {
        const h = ws.nodeHist[nid];
        if (h) ws.pool.release(h);
        ws.nodeHist[nid] = null;
        continue;
      }
      // ApplyTreeSplit
      const baseWeight = calcWeight(lg + rg, lh + rh, p);
      const lw = calcWeight(lg, lh, p);
      const rw = calcWeight(rg, rh, p);
      tree.expandNode(
        nid,
        cand.feature[nid],
        cand.threshold[nid],
        cand.defaultLeft[nid] === 1,
        baseWeight,
        f(lw * p.eta),
        f(rw * p.eta),
        gain,
        f(lh + rh),
        f(lh),
        f(rh),
      );
      ws.ensureNodes(tree.numNodes);
      const l = tree.leftChildren[nid];
      const r = tree.rightChildren[nid];
      ws.nodeDepth[l] = depth;
      ws.nodeDepth[r] = depth;
      partition(ws, tree, nid);
      if (childValid) valid.push(nid);
      else {
        ws.pool.release(ws.nodeHist[nid] as Float64Array);
        ws.nodeHist[nid] = null;
      }
    }
    const next: number[] = [];
    for (const nid of valid) {
      const l = tree.leftChildren[nid];
      const r = tree.rightChildren[nid];
      const s = nid * 4;
      const lg = cand.sums[s];
      const lh = cand.sums[s + 1];
      const rg = cand.sums[s + 2];
      const rh = cand.sums[s + 3];
      const parentHist = ws.nodeHist[nid] as Float64Array;
      const built = ws.pool.acquire();
      const other = ws.pool.acquire();
      const buildRight = rh < lh;
      const small = buildRight ? r : l;
      buildHistogram(built, index, rows, ws.nodeBegin[small], ws.nodeEnd[small], grad, hess);
      subtractHistogram(other, parentHist, built);
      ws.pool.release(parentHist);
      ws.nodeHist[nid] = null;
      ws.nodeHist[l] = buildRight ? other : built;
      ws.nodeHist[r] = buildRight ? built : other;
      evaluateNode(ws.nodeHist[l] as Float64Array, cuts, ncol, lg, lh, p, cand, l);
      evaluateNode(ws.nodeHist[r] as Float64Array, cuts, ncol, rg, rh, p, cand, r);
      next.push(l, r);
    }
    expand = next;
  }
  for (let i = 0; i < ws.nodeHist.length; i++) {
    const h = ws.nodeHist[i];
    if (h) ws.pool.release(h);
    ws.nodeHist[i] = null;
  }

  // UpdatePredictionCache: every row of every leaf, float32 addition.
  const leftCh = tree.leftChildren;
  for (let nid = 0; nid < tree.numNodes; nid++) {
    if (leftCh[nid] !== -1) continue;
    const v = tree.splitConditions[nid];
    for (let k = ws.nodeBegin[nid]; k < ws.nodeEnd[nid]; k++) {
      const r = rows[k];
      margins[r] = margins[r] + v;
    }
  }
  return tree;
}
