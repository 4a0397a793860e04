/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, arXiv:1802.03888, Algorithm 2) as
 * XGBoost 1.7.4 implements it (src/tree/tree_model.cc `ExtendPath`, `UnwindPath`,
 * `UnwoundPathSum`, `TreeShap`, `CalculateContributions`; spec §7). Contributions are in margin
 * space: per row n_features + 1 values, the bias (expected margin) last; each row sums to the
 * margin. The unique path lives in preallocated typed arrays (one slice per recursion level).
 */
import type { RegTree } from "./tree";

interface PathBuffers {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function extendPath(
  p: PathBuffers,
  o: number,
  depth: number,
  z: number,
  on: number,
  d: number,
): void {
  p.feature[o + depth] = d;
  p.zero[o + depth] = z;
  p.one[o + depth] = on;
  p.weight[o + depth] = depth === 0 ? 1 : 0;
  const w = p.weight;
  for (let i = depth - 1; i >= 0; i--) {
    w[o + i + 1] += (on * w[o + i] * (i + 1)) / (depth + 1);
    w[o + i] = (z * w[o + i] * (depth - i)) / (depth + 1);
  }
}

function unwindPath(p: PathBuffers, o: number, depth: number, k: number): void {
  const on = p.one[o + k];
  const z = p.zero[o + k];
  const w = p.weight;
  let next = w[o + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (on !== 0) {
      const tmp = w[o + i];
      w[o + i] = (next * (depth + 1)) / ((i + 1) * on);
      next = tmp - (w[o + i] * z * (depth - i)) / (depth + 1);
    } else {
      w[o + i] = (w[o + i] * (depth + 1)) / (z * (depth - i));
    }
  }
  for (let i = k; i < depth; i++) {
    p.feature[o + i] = p.feature[o + i + 1];
    p.zero[o + i] = p.zero[o + i + 1];
    p.one[o + i] = p.one[o + i + 1];
  }
}

function unwoundPathSum(p: PathBuffers, o: number, depth: number, k: number): number {
  const on = p.one[o + k];
  const z = p.zero[o + k];
  const w = p.weight;
  let next = w[o + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (on !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * on);
      total += tmp;
      next = w[o + i] - tmp * z * ((depth - i) / (depth + 1));
    } else {
      total += w[o + i] / z / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

/** FillNodeMeanValues: cover-weighted mean leaf value below every node. */
export function nodeMeanValues(tree: RegTree): Float64Array {
  const mean = new Float64Array(tree.numNodes);
  // Children always have larger ids than their parent, so a reverse sweep is a post-order.
  for (let n = tree.numNodes - 1; n >= 0; n--) {
    const l = tree.leftChildren[n];
    if (l === -1) mean[n] = tree.splitConditions[n];
    else {
      const r = tree.rightChildren[n];
      mean[n] = (mean[l] * tree.sumHessian[l] + mean[r] * tree.sumHessian[r]) / tree.sumHessian[n];
    }
  }
  return mean;
}

function treeShap(
  tree: RegTree,
  x: Float32Array,
  xo: number,
  phi: Float64Array,
  node: number,
  depth: number,
  p: PathBuffers,
  parentOffset: number,
  pz: number,
  po: number,
  pd: number,
): void {
  const o = parentOffset + depth + 1;
  // copy the parent's path (depth + 1 elements) into this level's slice
  for (let i = 0; i <= depth; i++) {
    p.feature[o + i] = p.feature[parentOffset + i];
    p.zero[o + i] = p.zero[parentOffset + i];
    p.one[o + i] = p.one[parentOffset + i];
    p.weight[o + i] = p.weight[parentOffset + i];
  }
  extendPath(p, o, depth, pz, po, pd);
  const left = tree.leftChildren[node];
  if (left === -1) {
    const leaf = tree.splitConditions[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(p, o, depth, i);
      phi[p.feature[o + i]] += w * (p.one[o + i] - p.zero[o + i]) * leaf;
    }
    return;
  }
  const right = tree.rightChildren[node];
  const split = tree.splitIndices[node];
  const v = x[xo + split];
  let hot: number;
  if (v !== v) hot = tree.defaultLeft[node] === 1 ? left : right;
  else hot = v < tree.splitConditions[node] ? left : right;
  const cold = hot === left ? right : left;
  const w = tree.sumHessian[node];
  const hotZero = tree.sumHessian[hot] / w;
  const coldZero = tree.sumHessian[cold] / w;
  let inZero = 1;
  let inOne = 1;
  let k = 0;
  for (; k <= depth; k++) if (p.feature[o + k] === split) break;
  if (k !== depth + 1) {
    inZero = p.zero[o + k];
    inOne = p.one[o + k];
    unwindPath(p, o, depth, k);
    depth -= 1;
  }
  treeShap(tree, x, xo, phi, hot, depth + 1, p, o, hotZero * inZero, inOne, split);
  treeShap(tree, x, xo, phi, cold, depth + 1, p, o, coldZero * inZero, 0, split);
}

/**
 * SHAP values of every row (`pred_contribs=True`): Float32Array n x (ncol + 1), bias last.
 */
export function predictContributions(
  trees: RegTree[],
  baseMargin: number,
  data: Float32Array,
  nrow: number,
  ncol: number,
): Float32Array {
  const out = new Float32Array(nrow * (ncol + 1));
  const phi = new Float64Array(ncol + 1);
  const means = trees.map(nodeMeanValues);
  let maxd = 0;
  for (const t of trees) maxd = Math.max(maxd, t.maxDepth() + 2);
  const size = (maxd * (maxd + 1)) / 2 + maxd + 2;
  const p: PathBuffers = {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
  for (let r = 0; r < nrow; r++) {
    phi.fill(0);
    const xo = r * ncol;
    for (let t = 0; t < trees.length; t++) {
      // The root path element is a dummy with feature -1 that is never credited.
      treeShap(trees[t], data, xo, phi, 0, 0, p, 0, 1, 1, -1);
      phi[ncol] += means[t][0];
    }
    phi[ncol] += baseMargin;
    for (let j = 0; j <= ncol; j++) out[r * (ncol + 1) + j] = phi[j];
  }
  return out;
}
