/**
 * CPU prediction as XGBoost 1.7.4 does it (src/predictor/cpu_predictor.cc, predict_fn.h; spec §3):
 * float32 features, `x < threshold` goes left, NaN follows the default direction, and the margin
 * is rounded to float32 after every tree's leaf is added, starting from the base margin.
 */
import type { RegTree } from "./tree";

/** Adds trees [from, to) to `margins` (one float32 per row) for row-major `data`. */
export function addTreePredictions(
  trees: RegTree[],
  from: number,
  to: number,
  data: Float32Array,
  nrow: number,
  ncol: number,
  margins: Float32Array,
): void {
  for (let t = from; t < to; t++) {
    const tree = trees[t];
    const left = tree.leftChildren;
    const right = tree.rightChildren;
    const feat = tree.splitIndices;
    const thr = tree.splitConditions;
    const dl = tree.defaultLeft;
    for (let i = 0; i < nrow; i++) {
      const off = i * ncol;
      let n = 0;
      while (left[n] !== -1) {
        const v = data[off + feat[n]];
        if (v !== v) n = dl[n] === 1 ? left[n] : right[n];
        else n = v < thr[n] ? left[n] : right[n];
      }
      margins[i] = margins[i] + thr[n];
    }
  }
}

/** Margins of every row: base margin plus all trees. */
export function predictMargins(
  trees: RegTree[],
  baseMargin: number,
  data: Float32Array,
  nrow: number,
  ncol: number,
  numFeature: number,
): Float32Array {
  if (ncol < numFeature) {
    throw new Error(
      `the data has ${ncol} columns but the model was trained on ${numFeature} features; pass the same feature columns (label removed)`,
    );
  }
  const margins = new Float32Array(nrow).fill(baseMargin);
  addTreePredictions(trees, 0, trees.length, data, nrow, ncol, margins);
  return margins;
}
