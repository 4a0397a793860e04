/**
 * Feature importance as `Booster.get_score` in XGBoost 1.7.4 (src/gbm/gbtree.h
 * `GBTree::FeatureScore`): per split node, count (weight), loss change (gain) or sum_hessian
 * (cover), accumulated in float32; `gain` and `cover` are averages per split. Only features used
 * in a split appear; keys are feature names, or f0, f1, ... without names.
 */
import type { RegTree } from "./tree";

export type ImportanceType = "weight" | "gain" | "cover" | "total_gain" | "total_cover";

const TYPES: ImportanceType[] = ["weight", "gain", "cover", "total_gain", "total_cover"];

export function featureImportance(
  trees: RegTree[],
  numFeature: number,
  importanceType: ImportanceType,
  featureNames?: string[],
): Record<string, number> {
  if (!TYPES.includes(importanceType)) {
    throw new Error(`importanceType ${importanceType} is not one of ${TYPES.join(", ")}`);
  }
  const counts = new Float32Array(numFeature);
  const score = new Float32Array(numFeature);
  for (const t of trees) {
    for (let n = 0; n < t.numNodes; n++) {
      if (t.leftChildren[n] === -1) continue;
      const fid = t.splitIndices[n];
      counts[fid] += 1;
      if (importanceType === "weight") score[fid] = counts[fid];
      else if (importanceType === "gain" || importanceType === "total_gain") {
        score[fid] += t.lossChanges[n];
      } else score[fid] += t.sumHessian[n];
    }
  }
  const out: Record<string, number> = {};
  for (let fid = 0; fid < numFeature; fid++) {
    if (counts[fid] === 0) continue;
    let v = score[fid];
    if (importanceType === "gain" || importanceType === "cover") {
      v = Math.fround(v / Math.max(1, counts[fid]));
    }
    out[featureNames?.[fid] ?? `f${fid}`] = v;
  }
  return out;
}
