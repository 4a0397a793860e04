/**
 * Hyperparameter validation as the SageMaker XGBoost container does it before training
 * (aws/sagemaker-xgboost-container, src/sagemaker_xgboost_container/algorithm_mode/
 * hyperparameter_validation.py, with the toolkit's rules in
 * src/sagemaker_algorithm_toolkit/hyperparameter_validation.py): every value arrives as a string,
 * `num_round` is required, unknown names are refused, numbers are parsed and range-checked, and
 * the messages are the toolkit's (`Missing required hyperparameter: num_round`,
 * `Hyperparameter eta: 2.0 is not in [0, 1]`, `Extraneous hyperparameter found: foo`).
 */
import { clientError } from "./trainingFailure";

interface Interval {
  minOpen?: number;
  minClosed?: number;
  maxOpen?: number;
  maxClosed?: number;
}

type Spec =
  | { type: "integer"; range: Interval }
  | { type: "continuous"; range: Interval }
  | { type: "categorical"; values: readonly string[] }
  | { type: "text" };

const int = (range: Interval): Spec => ({ type: "integer", range });
const float = (range: Interval): Spec => ({ type: "continuous", range });
const cat = (...values: string[]): Spec => ({ type: "categorical", values });
const text: Spec = { type: "text" };

const OBJECTIVES = [
  "binary:logistic",
  "binary:logitraw",
  "binary:hinge",
  "count:poisson",
  "multi:softmax",
  "multi:softprob",
  "rank:pairwise",
  "rank:ndcg",
  "rank:map",
  "reg:linear",
  "reg:squarederror",
  "reg:logistic",
  "reg:gamma",
  "reg:pseudohubererror",
  "reg:squaredlogerror",
  "reg:tweedie",
  "survival:aft",
  "survival:cox",
];

/** The container's table (hyperparameter_validation.py), in its order. */
const SPECS: Record<string, Spec> = {
  num_round: int({ minClosed: 1 }),
  csv_weights: int({ minClosed: 0, maxClosed: 1 }),
  early_stopping_rounds: int({ minClosed: 1 }),
  booster: cat("gbtree", "gblinear", "dart"),
  verbosity: int({ minClosed: 0, maxClosed: 3 }),
  nthread: int({ minClosed: 1 }),
  eta: float({ minClosed: 0, maxClosed: 1 }),
  gamma: float({ minClosed: 0 }),
  max_depth: int({ minClosed: 0 }),
  min_child_weight: float({ minClosed: 0 }),
  max_delta_step: float({ minClosed: 0 }),
  subsample: float({ minOpen: 0, maxClosed: 1 }),
  colsample_bytree: float({ minOpen: 0, maxClosed: 1 }),
  colsample_bylevel: float({ minOpen: 0, maxClosed: 1 }),
  colsample_bynode: float({ minOpen: 0, maxClosed: 1 }),
  lambda: float({ minClosed: 0 }),
  alpha: float({ minClosed: 0 }),
  tree_method: cat("auto", "exact", "approx", "hist", "gpu_hist"),
  sketch_eps: float({ minOpen: 0, maxOpen: 1 }),
  scale_pos_weight: float({ minOpen: 0 }),
  updater: text,
  dsplit: cat("row", "col"),
  refresh_leaf: int({ minClosed: 0, maxClosed: 1 }),
  process_type: cat("default", "update"),
  grow_policy: cat("depthwise", "lossguide"),
  max_leaves: int({ minClosed: 0 }),
  max_bin: int({ minClosed: 0 }),
  predictor: cat("auto", "cpu_predictor", "gpu_predictor"),
  monotone_constraints: text,
  interaction_constraints: text,
  sample_type: cat("uniform", "weighted"),
  normalize_type: cat("tree", "forest"),
  rate_drop: float({ minClosed: 0, maxClosed: 1 }),
  one_drop: int({ minClosed: 0, maxClosed: 1 }),
  skip_drop: float({ minClosed: 0, maxClosed: 1 }),
  lambda_bias: float({ minClosed: 0, maxClosed: 1 }),
  tweedie_variance_power: float({ minOpen: 1, maxOpen: 2 }),
  objective: cat(...OBJECTIVES),
  num_class: int({ minClosed: 2 }),
  base_score: float({ minClosed: 0 }),
  _kfold: int({ minClosed: 2 }),
  _num_cv_round: int({ minClosed: 1 }),
  _tuning_objective_metric: text,
  eval_metric: text,
  seed: int({ minOpen: -(2 ** 31), maxOpen: 2 ** 31 - 1 }),
  num_parallel_tree: int({ minClosed: 1 }),
  save_model_on_termination: cat("true", "false"),
  aft_loss_distribution: cat("normal", "logistic", "extreme"),
  aft_loss_distribution_scale: float({ minClosed: 0 }),
  single_precision_histogram: cat("true", "false"),
  deterministic_histogram: cat("true", "false"),
  sampling_method: cat("uniform", "gradient_based"),
  prob_buffer_row: int({ minOpen: 1 }),
};

/** hyperparameters.declare_alias(...) in the container. */
const ALIASES: Record<string, string> = {
  learning_rate: "eta",
  min_split_loss: "gamma",
  reg_lambda: "lambda",
  reg_alpha: "alpha",
};

/** Evaluation metrics the container accepts (xgb_constants.py XGB_MAXIMIZE/MINIMIZE_METRICS). */
const EVAL_METRICS = new Set([
  "accuracy",
  "auc",
  "aucpr",
  "balanced_accuracy",
  "f1",
  "f1_binary",
  "f1_macro",
  "map",
  "ndcg",
  "precision_macro",
  "precision_micro",
  "r2",
  "recall_macro",
  "recall_micro",
  "aft-nloglik",
  "cox-nloglik",
  "error",
  "gamma-deviance",
  "gamma-nloglik",
  "interval-regression-accuracy",
  "logloss",
  "mae",
  "mape",
  "merror",
  "mlogloss",
  "mphe",
  "mse",
  "poisson-nloglik",
  "rmse",
  "rmsle",
  "tweedie-nloglik",
]);

/** Names the container consumes itself instead of passing them to xgb.train's params. */
const CONTAINER_ONLY = new Set([
  "num_round",
  "early_stopping_rounds",
  "csv_weights",
  "_kfold",
  "_num_cv_round",
  "_tuning_objective_metric",
  "save_model_on_termination",
]);

function formatInterval(r: Interval): string {
  const lo =
    r.minOpen !== undefined
      ? `(${r.minOpen}, `
      : r.minClosed !== undefined
        ? `[${r.minClosed}, `
        : "(-inf, ";
  const hi =
    r.maxOpen !== undefined
      ? `${r.maxOpen})`
      : r.maxClosed !== undefined
        ? `${r.maxClosed}]`
        : "+inf)";
  return lo + hi;
}

function inInterval(r: Interval, v: number): boolean {
  return !(
    (r.minOpen !== undefined && v <= r.minOpen) ||
    (r.minClosed !== undefined && v < r.minClosed) ||
    (r.maxOpen !== undefined && v >= r.maxOpen) ||
    (r.maxClosed !== undefined && v > r.maxClosed)
  );
}

/** Python's int() / float() on a string: surrounding spaces allowed, nothing else. */
function parseNumber(name: string, raw: string, integer: boolean): number {
  const s = raw.trim();
  const ok = integer
    ? /^[+-]?\d+$/.test(s)
    : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i.test(s);
  if (!ok) throw clientError(`Hyperparameter ${name}: could not parse value`);
  return Number(s.replace(/^([+-]?)inf$/i, "$1Infinity"));
}

export interface XgboostTrainingConfig {
  /** Parameters for the engine's `train(params, ...)`, parsed as the container parses them. */
  params: Record<string, string | number>;
  numRound: number;
  earlyStoppingRounds?: number;
}

export function validateXgboostHyperparameters(
  hyperparameters: Record<string, string>,
): XgboostTrainingConfig {
  const canonical: Record<string, string> = {};
  for (const [name, value] of Object.entries(hyperparameters)) {
    canonical[ALIASES[name] ?? name] = value;
  }
  if (canonical.num_round === undefined)
    throw clientError("Missing required hyperparameter: num_round");
  const parsed: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(canonical)) {
    const spec = SPECS[name];
    if (!spec) throw clientError(`Extraneous hyperparameter found: ${name}`);
    if (spec.type === "integer" || spec.type === "continuous") {
      const n = parseNumber(name, value, spec.type === "integer");
      if (!inInterval(spec.range, n)) {
        throw clientError(
          `Hyperparameter ${name}: ${value} is not in ${formatInterval(spec.range)}`,
        );
      }
      parsed[name] = n;
    } else if (spec.type === "categorical") {
      if (!spec.values.includes(value)) {
        throw clientError(
          `Hyperparameter ${name}: ${value} is not in [${spec.values.map((v) => `'${v}'`).join(", ")}]`,
        );
      }
      parsed[name] = value;
    } else {
      parsed[name] = value;
    }
  }
  validateDependencies(parsed);
  checkLocalSupport(parsed);
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!CONTAINER_ONLY.has(name)) params[name] = value;
  }
  return {
    params,
    numRound: parsed.num_round as number,
    earlyStoppingRounds: parsed.early_stopping_rounds as number | undefined,
  };
}

/** The container's dependency validators that apply to the parameters the engine runs. */
function validateDependencies(p: Record<string, string | number>): void {
  const objective = typeof p.objective === "string" ? p.objective : "reg:squarederror";
  if (
    (objective === "multi:softmax" || objective === "multi:softprob") &&
    p.num_class === undefined
  ) {
    throw clientError("Require input for parameter 'num_class' for multi-classification");
  }
  if (p.objective === undefined && p.num_class !== undefined) {
    throw clientError(
      "Do not need to setup parameter 'num_class' for learning task other than multi-classification.",
    );
  }
  if (typeof p.eval_metric === "string") {
    const metrics = p.eval_metric.split(",");
    for (const metric of metrics) {
      if (metric.includes("@")) {
        const [name, threshold] = metric.split("@").map((s) => s.trim());
        if (!["error", "ndcg", "map"].includes(name)) {
          throw clientError(
            `Metric '${metric}' is not supported. Parameter 'eval_metric' with customized threshold should be one of these options: 'error', 'ndcg', 'map'.`,
          );
        }
        if (!Number.isFinite(Number(threshold)) || threshold === "") {
          throw clientError(`Threshold value 't' in '${name}@t' expects float input.`);
        }
      } else if (!EVAL_METRICS.has(metric)) {
        throw clientError(
          `Hyperparameter eval_metric: value ['${metrics.join("', '")}'] not in range`,
        );
      }
    }
    if (
      metrics.includes("auc") &&
      !objective.startsWith("binary:") &&
      !objective.startsWith("rank:")
    ) {
      throw clientError(
        "Metric 'auc' can only be applied for classification and ranking problems.",
      );
    }
  }
}

/**
 * Container features that change what is trained but that the local runner does not implement:
 * refused with a ClientError instead of being silently ignored.
 */
function checkLocalSupport(p: Record<string, string | number>): void {
  if (p.csv_weights === 1) {
    throw clientError(
      "Hyperparameter csv_weights=1 (instance weights in the second CSV column) is not supported by the local emulator; " +
        "remove the weight column and csv_weights, or run this job on AWS.",
    );
  }
  if (p._kfold !== undefined || p._num_cv_round !== undefined) {
    throw clientError(
      "Hyperparameters _kfold / _num_cv_round (k-fold cross-validation) are not supported by the local emulator; " +
        "remove them, or run this job on AWS.",
    );
  }
}
