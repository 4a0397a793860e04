/**
 * A model's trees packed for serving: every node of every tree in one buffer, one 16-byte record
 * per node, the way XGBoost lays out its own RegTree::Node (src/tree/model.h: children, split
 * index with the default direction in its top bit, and the split condition sharing its slot with
 * the leaf value). predictor.ts walks a tree's separate typed arrays, five reads from five places
 * per node; an endpoint answering one row at a time between HTTP requests finds those cold, and a
 * node read from one cache line is what makes single-row serving cheap. The arithmetic is
 * predictor.ts's exactly (float32 thresholds, `x < threshold` left, NaN by default direction, the
 * margin rounded to float32 after each tree); test/xgboost/packedForest.test.ts holds the two to
 * the same bits.
 */
import { baseMargin, transform } from "./objective";
import type { Objective } from "./params";
import type { RegTree } from "./tree";

/** Words per node: left child, right child, split index | default-left bit, threshold or leaf. */
const NODE_WORDS = 4;
const DEFAULT_LEFT = 0x80000000 | 0;
const FEATURE_MASK = 0x7fffffff;
const LEAF = -1;

export class PackedForest {
  /** Node records; children are word offsets of the child's record, -1 for a leaf. */
  private readonly words: Int32Array;
  /** The same buffer as float32, for the threshold / leaf-value slot. */
  private readonly values: Float32Array;
  /** Word offset of each tree's root. */
  private readonly roots: Int32Array;
  private readonly objective: Objective;
  private readonly baseMargin: number;

  /** The trees and objective of a Booster (which keeps growing while it trains: pack it after). */
  constructor(booster: { trees: readonly RegTree[]; objective: Objective; baseScore: number }) {
    const trees = booster.trees;
    this.objective = booster.objective;
    this.baseMargin = baseMargin(booster.objective, booster.baseScore);
    const nodeCount = trees.reduce((sum, tree) => sum + tree.numNodes, 0);
    const buffer = new ArrayBuffer(nodeCount * NODE_WORDS * 4);
    this.words = new Int32Array(buffer);
    this.values = new Float32Array(buffer);
    this.roots = new Int32Array(trees.length);
    let first = 0;
    trees.forEach((tree, t) => {
      this.roots[t] = first * NODE_WORDS;
      for (let n = 0; n < tree.numNodes; n++) {
        const at = (first + n) * NODE_WORDS;
        const left = tree.leftChildren[n];
        const leaf = left === LEAF;
        this.words[at] = leaf ? LEAF : (first + left) * NODE_WORDS;
        this.words[at + 1] = leaf ? LEAF : (first + tree.rightChildren[n]) * NODE_WORDS;
        this.words[at + 2] =
          (tree.splitIndices[n] & FEATURE_MASK) | (tree.defaultLeft[n] === 1 ? DEFAULT_LEFT : 0);
        // A leaf keeps its value in splitConditions, as RegTree (and XGBoost) does.
        this.values[at + 3] = tree.splitConditions[n];
      }
      first += tree.numNodes;
    });
  }

  get numTrees(): number {
    return this.roots.length;
  }

  /** What Booster.predict answers (no options): probabilities for logistic objectives. */
  predict(data: Float32Array, nrow: number, ncol: number): Float32Array {
    const margins = new Float32Array(nrow).fill(this.baseMargin);
    this.addTo(data, nrow, ncol, margins);
    return transform(this.objective, margins);
  }

  /** Adds every tree's leaf to `margins` (one float32 per row) for row-major `data`. */
  private addTo(data: Float32Array, nrow: number, ncol: number, margins: Float32Array): void {
    const words = this.words;
    const values = this.values;
    const roots = this.roots;
    for (let i = 0; i < nrow; i++) {
      const offset = i * ncol;
      let margin = margins[i];
      for (let t = 0; t < roots.length; t++) {
        let at = roots[t];
        let left = words[at];
        while (left !== LEAF) {
          const split = words[at + 2];
          const v = data[offset + (split & FEATURE_MASK)];
          if (v !== v) at = split < 0 ? left : words[at + 1];
          else at = v < values[at + 3] ? left : words[at + 1];
          left = words[at];
        }
        margin = Math.fround(margin + values[at + 3]);
      }
      margins[i] = margin;
    }
  }
}
