/**
 * Test fixtures for the endpoint runtime: a small hand-written XGBoost 1.7 JSON model
 * (xgboost-1.7-hist-parity.md §1) packed as SageMaker's model.tar.gz, and its predictions
 * worked out independently from the spec's prediction rules (§3), so the served answers can be
 * checked digit for digit.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import type { CaptureSettings } from "../../helpers/local/runtime/capture/record";

export const NUM_FEATURES = 3;

interface TreeSpec {
  left: number[];
  right: number[];
  feature: number[];
  /** Threshold at internal nodes, leaf value at leaves. */
  condition: number[];
  defaultLeft: number[];
}

/**
 * Tree 0: x0 < 0.5 ? -0.4 : 0.4 (missing -> left).
 * Tree 1: x2 < 10 ? (x1 < 0 ? -0.2 : 0.1) : 0.3 (missing -> right at the root, left below).
 */
const TREES: TreeSpec[] = [
  {
    left: [1, -1, -1],
    right: [2, -1, -1],
    feature: [0, 0, 0],
    condition: [0.5, -0.4, 0.4],
    defaultLeft: [1, 0, 0],
  },
  {
    left: [1, 3, -1, -1, -1],
    right: [2, 4, -1, -1, -1],
    feature: [2, 1, 0, 0, 0],
    condition: [10, 0, 0.3, -0.2, 0.1],
    defaultLeft: [0, 1, 0, 0, 0],
  },
];

function treeJson(tree: TreeSpec, id: number) {
  const n = tree.left.length;
  const parents = new Array<number>(n).fill(2147483647);
  tree.left.forEach((child, node) => {
    if (child >= 0) parents[child] = node;
  });
  tree.right.forEach((child, node) => {
    if (child >= 0) parents[child] = node;
  });
  return {
    base_weights: tree.condition,
    categories: [],
    categories_nodes: [],
    categories_segments: [],
    categories_sizes: [],
    default_left: tree.defaultLeft,
    id,
    left_children: tree.left,
    loss_changes: new Array(n).fill(0),
    parents,
    right_children: tree.right,
    split_conditions: tree.condition,
    split_indices: tree.feature,
    split_type: new Array(n).fill(0),
    sum_hessian: new Array(n).fill(1),
    tree_param: {
      num_deleted: "0",
      num_feature: String(NUM_FEATURES),
      num_nodes: String(n),
      size_leaf_vector: "0",
    },
  };
}

export function modelJson(): string {
  return JSON.stringify({
    learner: {
      attributes: {},
      feature_names: [],
      feature_types: [],
      gradient_booster: {
        model: {
          gbtree_model_param: {
            num_parallel_tree: "1",
            num_trees: String(TREES.length),
            size_leaf_vector: "0",
          },
          tree_info: TREES.map(() => 0),
          trees: TREES.map(treeJson),
        },
        name: "gbtree",
      },
      learner_model_param: {
        base_score: "5E-1",
        boost_from_average: "1",
        num_class: "0",
        num_feature: String(NUM_FEATURES),
        num_target: "1",
      },
      objective: { name: "binary:logistic", reg_loss_param: { scale_pos_weight: "1" } },
    },
    version: [1, 7, 4],
  });
}

/** model.tar.gz holding `xgboost-model`, as the SageMaker XGBoost container writes it. */
export function packModelArtifact(model: string = modelJson()): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-model-"));
  try {
    fs.writeFileSync(path.join(dir, "xgboost-model"), model);
    const file = path.join(dir, "model.tar.gz");
    tar.c({ gzip: true, cwd: dir, sync: true, file, portable: true }, ["xgboost-model"]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface JsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
}

/**
 * P(class 1) of one row by the spec's rules (§3), walking the JSON model: float32 features and
 * margins, strict `<`, missing by default_left, float32 sigmoid. Written from the spec, apart from
 * the engine, so it checks the served answers independently.
 */
export function expectedProbability(row: number[], model: string = modelJson()): number {
  const f = Math.fround;
  const parsed = JSON.parse(model) as {
    learner: { gradient_booster: { model: { trees: JsonTree[] } } };
  };
  let margin = f(0); // ProbToMargin(base_score 0.5) = 0
  for (const tree of parsed.learner.gradient_booster.model.trees) {
    let node = 0;
    while (tree.left_children[node] >= 0) {
      const x = f(row[tree.split_indices[node]]);
      const goLeft = Number.isNaN(x)
        ? tree.default_left[node] === 1
        : x < f(tree.split_conditions[node]);
      node = goLeft ? tree.left_children[node] : tree.right_children[node];
    }
    margin = f(margin + f(tree.split_conditions[node]));
  }
  return f(1 / f(f(f(Math.exp(Math.min(-margin, f(88.7)))) + 1) + f(1e-16)));
}

/** Rows that reach every leaf, with missing values, negatives and large values. */
export function sampleRows(count: number, seed = 1): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => [
    Math.round(next() * 100) / 100,
    next() < 0.1 ? NaN : Math.round((next() - 0.5) * 2000) / 1000,
    Math.round(next() * 2000) / 100,
  ]);
}

/** A CSV request body: one row per line, an empty field for a missing value. */
export function csvBody(rows: number[][]): string {
  return rows.map((row) => row.map((v) => (Number.isNaN(v) ? "" : String(v))).join(",")).join("\n");
}

/** Capture settings as an endpoint with 100% capture of input and output resolves them. */
export const CAPTURE_SETTINGS: CaptureSettings = {
  enabled: true,
  samplingPercentage: 100,
  bucket: "bucket",
  prefix: "datacapture",
  captureInput: true,
  captureOutput: true,
  csvContentTypes: ["text/csv"],
  jsonContentTypes: ["application/json"],
};
