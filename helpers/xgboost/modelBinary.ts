/**
 * Reader for XGBoost's legacy binary model format, which SageMaker's XGBoost 1.3-1 ... 1.7-1
 * containers write as `xgboost-model` (spec §4; `Booster.save_model` without a .json extension).
 * Layout (little-endian, XGBoost 1.7.4 src/learner.cc `LearnerIO::SaveModel`,
 * src/gbm/gbtree_model.h `GBTreeModel::Save`, src/tree/tree_model.cc `RegTree::Save`):
 *   optional "binf" | LearnerModelParamLegacy (136 bytes) | objective string | booster string |
 *   GBTreeModelParam (160 bytes) | trees | tree_info (int32 x num_trees) | attributes
 * where a string is a uint64 length and bytes, a tree is TreeParam (148 bytes), num_nodes Nodes
 * (parent | cleft | cright | sindex | value, 20 bytes) and num_nodes RTreeNodeStats (loss_chg,
 * sum_hess, base_weight, leaf_child_cnt, 16 bytes).
 */
import type { ModelContent } from "./modelJson";
import type { Objective } from "./params";
import { RegTree, ROOT_PARENT } from "./tree";

const SUPPORTED: Objective[] = ["binary:logistic", "reg:logistic", "reg:squarederror"];

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new Error(
        `truncated XGBoost binary model: ${what} needs ${n} bytes at offset ${this.pos} of ${this.buf.length}`,
      );
    }
  }
  i32(): number {
    this.need(4, "int32");
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u32(): number {
    this.need(4, "uint32");
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  f32(): number {
    this.need(4, "float");
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(this.buf.length)) {
      throw new Error(`corrupt XGBoost binary model: ${what} ${v} exceeds the file size`);
    }
    return Number(v);
  }
  str(what: string): string {
    const n = this.u64(`${what} length`);
    this.need(n, what);
    const s = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  skip(n: number): void {
    this.need(n, "padding");
    this.pos += n;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

/** True for a buffer that holds a legacy binary model (with or without the "binf" header). */
export function isLegacyBinary(buf: Buffer): boolean {
  return buf.length >= 4 && buf.toString("latin1", 0, 4) === "binf";
}

export function readLegacyBinary(buf: Buffer): ModelContent {
  const r = new Reader(buf);
  if (isLegacyBinary(buf)) r.skip(4);
  // LearnerModelParamLegacy
  const baseScore = r.f32();
  const numFeature = r.u32();
  const numClass = r.i32();
  const containExtraAttrs = r.i32();
  const containEvalMetrics = r.i32();
  r.skip(136 - 5 * 4);
  if (numClass > 1) throw new Error(`multiclass models (num_class=${numClass}) are not supported`);
  const objective = r.str("objective name");
  const booster = r.str("booster name");
  if (booster !== "gbtree") {
    throw new Error(
      `gradient booster ${booster} is not supported; only gbtree models can be loaded`,
    );
  }
  if (!(SUPPORTED as string[]).includes(objective)) {
    throw new Error(
      `objective ${objective} is not supported; loadable objectives are ${SUPPORTED.join(", ")}`,
    );
  }
  // GBTreeModelParam
  const numTrees = r.i32();
  const numParallelTree = r.i32();
  r.skip(160 - 8);
  if (numTrees < 0 || numTrees * 148 > r.remaining) {
    throw new Error(`corrupt XGBoost binary model: num_trees ${numTrees}`);
  }
  if (numParallelTree > 1) {
    throw new Error(
      `random-forest models (num_parallel_tree=${numParallelTree}) are not supported`,
    );
  }
  const trees: RegTree[] = [];
  for (let t = 0; t < numTrees; t++) {
    // TreeParam
    r.i32(); // deprecated num_roots
    const numNodes = r.i32();
    const numDeleted = r.i32();
    r.skip(148 - 12);
    if (numNodes <= 0 || numNodes * 36 > r.remaining) {
      throw new Error(`corrupt XGBoost binary model: tree ${t} has num_nodes ${numNodes}`);
    }
    if (numDeleted !== 0) {
      throw new Error(
        `tree ${t} has ${numDeleted} deleted nodes, which this reader does not support`,
      );
    }
    const tree = new RegTree(numNodes);
    tree.numNodes = numNodes;
    for (let n = 0; n < numNodes; n++) {
      const parent = r.i32();
      tree.parents[n] = n === 0 ? ROOT_PARENT : parent & 0x7fffffff; // high bit: is left child
      tree.leftChildren[n] = r.i32();
      tree.rightChildren[n] = r.i32();
      const sindex = r.u32();
      tree.splitIndices[n] = sindex & 0x7fffffff;
      tree.defaultLeft[n] = sindex >>> 31;
      tree.splitConditions[n] = r.f32();
    }
    for (let n = 0; n < numNodes; n++) {
      tree.lossChanges[n] = r.f32();
      tree.sumHessian[n] = r.f32();
      tree.baseWeights[n] = r.f32();
      r.i32(); // leaf_child_cnt
      if (tree.leftChildren[n] === -1) {
        // JSON models carry 0 in these fields at leaves; keep both readers alike.
        tree.splitIndices[n] = 0;
        tree.defaultLeft[n] = 0;
      }
    }
    trees.push(tree);
  }
  r.skip(4 * numTrees); // tree_info: all 0 for one output group
  const attributes: Record<string, string> = {};
  if (containExtraAttrs !== 0) {
    const n = r.u64("attribute count");
    for (let i = 0; i < n; i++) {
      const k = r.str("attribute name");
      attributes[k] = r.str("attribute value");
    }
  }
  void containEvalMetrics; // eval metric names follow; nothing in them affects prediction
  // Training parameters the container saved are not model attributes users set.
  for (const k of Object.keys(attributes)) if (k.startsWith("SAVED_PARAM_")) delete attributes[k];
  return { trees, objective: objective as Objective, baseScore, numFeature, attributes };
}
