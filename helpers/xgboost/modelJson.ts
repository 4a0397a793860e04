/**
 * XGBoost 1.7 JSON model format (doc/model.schema; spec §1-2). The writer prints float fields the
 * way XGBoost does (shortest float32 round-trip digits in `dE±x` form), so they always carry an
 * exponent: XGBoost's reader refuses an integer literal in a float field ("Invalid cast, from
 * Integer to Number"). Integer fields are plain integers; parameters are strings.
 */
import { RegTree, ROOT_PARENT } from "./tree";
import type { Objective } from "./params";

export interface ModelContent {
  trees: RegTree[];
  objective: Objective;
  /** base_score in the objective's output space (probability for logistic). */
  baseScore: number;
  numFeature: number;
  featureNames?: string[];
  featureTypes?: string[];
  attributes: Record<string, string>;
}

/** Shortest decimal that reads back as the same float32, in XGBoost's `dE±x` style. */
export function formatFloat32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? "-0E0" : "0E0";
  if (!Number.isFinite(v)) {
    throw new Error(`cannot write ${v} into an XGBoost JSON model (non-finite float)`);
  }
  const target = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    let s = target.toExponential(p - 1);
    if (Math.fround(Number(s)) !== target) continue;
    // toExponential breaks exact ties upwards; Ryu (XGBoost's printer) breaks them to even.
    const down = tieDown(target, p);
    if (down !== null && Math.fround(Number(down)) === target) s = down;
    return s.replace("e+", "E").replace("e", "E");
  }
  return target.toExponential(8).replace("e+", "E").replace("e", "E");
}

/**
 * When |v| lies exactly halfway between two p-digit decimals and the upper one has an odd last
 * digit, returns the lower one (round half to even); otherwise null.
 */
function tieDown(v: number, p: number): string | null {
  const exact = Math.abs(v).toExponential(100); // exact for float32 values in normal ranges
  const [mant, exp] = exact.split("e");
  const digits = mant.replace(".", "");
  const rest = digits.slice(p);
  if (!/^50*$/.test(rest)) return null;
  const kept = digits.slice(0, p);
  if (Number(kept[p - 1]) % 2 !== 0) return null; // the upper neighbour is even: keep it
  const body = p === 1 ? kept : `${kept[0]}.${kept.slice(1)}`;
  return `${v < 0 ? "-" : ""}${body}e${exp}`;
}

function floats(a: Float32Array, n: number): string {
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = formatFloat32(a[i]);
  return `[${parts.join(",")}]`;
}

function ints(a: ArrayLike<number>, n: number): string {
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = String(a[i]);
  return `[${parts.join(",")}]`;
}

function str(s: string): string {
  return JSON.stringify(s);
}

function treeJson(t: RegTree, id: number, numFeature: number): string {
  const n = t.numNodes;
  const parents = Int32Array.from(t.parents.subarray(0, n));
  parents[0] = ROOT_PARENT;
  return (
    `{"base_weights":${floats(t.baseWeights, n)},"categories":[],"categories_nodes":[],` +
    `"categories_segments":[],"categories_sizes":[],"default_left":${ints(t.defaultLeft, n)},` +
    `"id":${id},"left_children":${ints(t.leftChildren, n)},"loss_changes":${floats(t.lossChanges, n)},` +
    `"parents":${ints(parents, n)},"right_children":${ints(t.rightChildren, n)},` +
    `"split_conditions":${floats(t.splitConditions, n)},"split_indices":${ints(t.splitIndices, n)},` +
    `"split_type":${ints(new Uint8Array(n), n)},"sum_hessian":${floats(t.sumHessian, n)},` +
    `"tree_param":{"num_deleted":"0","num_feature":${str(String(numFeature))},` +
    `"num_nodes":${str(String(n))},"size_leaf_vector":"0"}}`
  );
}

/** Serialises a model as XGBoost 1.7.4's `save_model("*.json")` does (keys sorted). */
export function writeModelJson(m: ModelContent): string {
  const attrs = Object.keys(m.attributes)
    .sort()
    .map((k) => `${str(k)}:${str(m.attributes[k])}`)
    .join(",");
  const names = (m.featureNames ?? []).map(str).join(",");
  const types = (m.featureTypes ?? []).map(str).join(",");
  const trees = m.trees.map((t, i) => treeJson(t, i, m.numFeature)).join(",");
  const nt = String(m.trees.length);
  return (
    `{"learner":{"attributes":{${attrs}},"feature_names":[${names}],"feature_types":[${types}],` +
    `"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":${str(nt)},` +
    `"size_leaf_vector":"0"},"tree_info":[${m.trees.map(() => "0").join(",")}],"trees":[${trees}]},` +
    `"name":"gbtree"},"learner_model_param":{"base_score":${str(formatFloat32(m.baseScore))},` +
    `"boost_from_average":"1","num_class":"0","num_feature":${str(String(m.numFeature))},` +
    `"num_target":"1"},"objective":{"name":${str(m.objective)},` +
    `"reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]}`
  );
}

type Json = Record<string, unknown>;

function field<T>(obj: unknown, key: string, where: string): T {
  if (typeof obj !== "object" || obj === null || !(key in obj)) {
    throw new Error(`not an XGBoost JSON model: ${where}.${key} is missing`);
  }
  return (obj as Json)[key] as T;
}

function numArray(obj: unknown, key: string, where: string, n: number): number[] {
  const a = field<unknown>(obj, key, where);
  if (!Array.isArray(a) || a.length !== n) {
    throw new Error(`not an XGBoost JSON model: ${where}.${key} must be an array of ${n} numbers`);
  }
  return a as number[];
}

const SUPPORTED: Objective[] = ["binary:logistic", "reg:logistic", "reg:squarederror"];

/** Reads a model written by XGBoost 1.x (JSON) or by `writeModelJson`. */
export function readModelJson(text: string): ModelContent {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) {
    throw new Error(
      "the model is not XGBoost JSON (it does not start with '{'); legacy binary and UBJSON models " +
        "are not supported: re-save it with booster.save_model('model.json') in XGBoost",
    );
  }
  const doc = JSON.parse(trimmed) as Json;
  const learner = field<Json>(doc, "learner", "model");
  const booster = field<Json>(learner, "gradient_booster", "learner");
  const name = field<string>(booster, "name", "gradient_booster");
  if (name !== "gbtree") {
    throw new Error(`gradient_booster ${name} is not supported; only gbtree models can be loaded`);
  }
  const lmp = field<Json>(learner, "learner_model_param", "learner");
  const numClass = Number(field<string>(lmp, "num_class", "learner_model_param"));
  if (numClass > 1) throw new Error(`multiclass models (num_class=${numClass}) are not supported`);
  const objective = field<string>(
    field<Json>(learner, "objective", "learner"),
    "name",
    "objective",
  );
  if (!(SUPPORTED as string[]).includes(objective)) {
    throw new Error(
      `objective ${objective} is not supported; loadable objectives are ${SUPPORTED.join(", ")}`,
    );
  }
  const numFeature = Number(field<string>(lmp, "num_feature", "learner_model_param"));
  const baseScore = Math.fround(Number(field<string>(lmp, "base_score", "learner_model_param")));
  const model = field<Json>(booster, "model", "gradient_booster");
  const jsonTrees = field<Json[]>(model, "trees", "model");
  const trees = jsonTrees.map((jt, ti) => {
    const where = `trees[${ti}]`;
    const tp = field<Json>(jt, "tree_param", where);
    const n = Number(field<string>(tp, "num_nodes", `${where}.tree_param`));
    const splitType = field<number[]>(jt, "split_type", where);
    if (Array.isArray(splitType) && splitType.some((v) => v !== 0)) {
      throw new Error(`${where} has categorical splits, which are not supported`);
    }
    const t = new RegTree(Math.max(1, n));
    t.numNodes = n;
    t.leftChildren.set(numArray(jt, "left_children", where, n));
    t.rightChildren.set(numArray(jt, "right_children", where, n));
    t.parents.set(numArray(jt, "parents", where, n));
    t.splitIndices.set(numArray(jt, "split_indices", where, n));
    t.splitConditions.set(numArray(jt, "split_conditions", where, n));
    t.defaultLeft.set(numArray(jt, "default_left", where, n));
    t.baseWeights.set(numArray(jt, "base_weights", where, n));
    t.sumHessian.set(numArray(jt, "sum_hessian", where, n));
    t.lossChanges.set(numArray(jt, "loss_changes", where, n));
    return t;
  });
  const featureNames = (learner.feature_names as string[] | undefined) ?? [];
  const featureTypes = (learner.feature_types as string[] | undefined) ?? [];
  return {
    trees,
    objective: objective as Objective,
    baseScore,
    numFeature,
    featureNames: featureNames.length ? featureNames : undefined,
    featureTypes: featureTypes.length ? featureTypes : undefined,
    attributes: { ...((learner.attributes as Record<string, string> | undefined) ?? {}) },
  };
}
