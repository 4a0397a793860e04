/**
 * A regression tree in XGBoost 1.7's node layout (src/tree/tree_model.cc, doc/model.schema):
 * parallel typed arrays indexed by node id, node 0 the root, children allocated in pairs.
 * Leaves keep their (eta-scaled) value in `splitConditions`, as XGBoost's JSON does.
 */

export const ROOT_PARENT = 2147483647;

export class RegTree {
  numNodes = 0;
  leftChildren: Int32Array;
  rightChildren: Int32Array;
  parents: Int32Array;
  splitIndices: Int32Array;
  splitConditions: Float32Array;
  defaultLeft: Uint8Array;
  baseWeights: Float32Array;
  sumHessian: Float32Array;
  lossChanges: Float32Array;

  constructor(capacity = 64) {
    this.leftChildren = new Int32Array(capacity);
    this.rightChildren = new Int32Array(capacity);
    this.parents = new Int32Array(capacity);
    this.splitIndices = new Int32Array(capacity);
    this.splitConditions = new Float32Array(capacity);
    this.defaultLeft = new Uint8Array(capacity);
    this.baseWeights = new Float32Array(capacity);
    this.sumHessian = new Float32Array(capacity);
    this.lossChanges = new Float32Array(capacity);
  }

  private ensure(n: number): void {
    if (n <= this.leftChildren.length) return;
    const cap = Math.max(n, this.leftChildren.length * 2);
    const g = <T extends Int32Array | Float32Array | Uint8Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.leftChildren = g(this.leftChildren, (k) => new Int32Array(k));
    this.rightChildren = g(this.rightChildren, (k) => new Int32Array(k));
    this.parents = g(this.parents, (k) => new Int32Array(k));
    this.splitIndices = g(this.splitIndices, (k) => new Int32Array(k));
    this.splitConditions = g(this.splitConditions, (k) => new Float32Array(k));
    this.defaultLeft = g(this.defaultLeft, (k) => new Uint8Array(k));
    this.baseWeights = g(this.baseWeights, (k) => new Float32Array(k));
    this.sumHessian = g(this.sumHessian, (k) => new Float32Array(k));
    this.lossChanges = g(this.lossChanges, (k) => new Float32Array(k));
  }

  /** Adds a leaf node and returns its id. */
  addLeaf(parent: number, leafValue: number, sumHess: number): number {
    const id = this.numNodes++;
    this.ensure(this.numNodes);
    this.leftChildren[id] = -1;
    this.rightChildren[id] = -1;
    this.parents[id] = parent;
    this.splitIndices[id] = 0;
    this.splitConditions[id] = leafValue;
    this.defaultLeft[id] = 0;
    this.baseWeights[id] = leafValue;
    this.sumHessian[id] = sumHess;
    this.lossChanges[id] = 0;
    return id;
  }

  /** RegTree::ExpandNode: turn leaf `nid` into a split with two new leaf children. */
  expandNode(
    nid: number,
    feature: number,
    threshold: number,
    defaultLeft: boolean,
    baseWeight: number,
    leftLeaf: number,
    rightLeaf: number,
    lossChange: number,
    sumHess: number,
    leftHess: number,
    rightHess: number,
  ): void {
    const l = this.addLeaf(nid, leftLeaf, leftHess);
    const r = this.addLeaf(nid, rightLeaf, rightHess);
    this.leftChildren[nid] = l;
    this.rightChildren[nid] = r;
    this.splitIndices[nid] = feature;
    this.splitConditions[nid] = threshold;
    this.defaultLeft[nid] = defaultLeft ? 1 : 0;
    this.baseWeights[nid] = baseWeight;
    this.lossChanges[nid] = lossChange;
    this.sumHessian[nid] = sumHess;
  }

  isLeaf(nid: number): boolean {
    return this.leftChildren[nid] === -1;
  }

  /** Leaf reached by row `x` (offset `off` in a row-major array): x < t left, NaN by default. */
  leafIndex(x: Float32Array, off: number): number {
    let n = 0;
    const left = this.leftChildren;
    while (left[n] !== -1) {
      const v = x[off + this.splitIndices[n]];
      if (v !== v) n = this.defaultLeft[n] ? left[n] : this.rightChildren[n];
      else n = v < this.splitConditions[n] ? left[n] : this.rightChildren[n];
    }
    return n;
  }

  /** Depth of the deepest leaf (root = 0). */
  maxDepth(): number {
    const depth = new Int32Array(this.numNodes);
    let max = 0;
    for (let i = 1; i < this.numNodes; i++) {
      depth[i] = depth[this.parents[i]] + 1;
      if (depth[i] > max) max = depth[i];
    }
    return max;
  }
}
