/**
 * Training parameters, parsed and validated the way the SageMaker XGBoost container receives them
 * (every hyperparameter is a string) and stored as XGBoost 1.7.4 stores them: float parameters
 * are float32 (src/tree/param.h `TrainParam`, spec §5.7), so eta 0.2 is 0.20000000298023224.
 */

export type Objective = "binary:logistic" | "reg:logistic" | "reg:squarederror";
export type EvalMetricName = "logloss" | "auc" | "error" | "rmse";

export interface TrainParams {
  objective: Objective;
  eta: number;
  maxDepth: number;
  gamma: number;
  minChildWeight: number;
  subsample: number;
  lambda: number;
  maxBin: number;
  /** std::mt19937 seed (XGBoost keeps the low 32 bits). */
  seed: number;
  /** Probability space for logistic objectives; null = the objective's default (0.5). */
  baseScore: number;
  numRound?: number;
  evalMetrics: EvalMetricName[];
}

interface Range {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
}

const OBJECTIVES: Objective[] = ["binary:logistic", "reg:logistic", "reg:squarederror"];
const METRICS: EvalMetricName[] = ["logloss", "auc", "error", "rmse"];

const ALIASES: Record<string, string> = {
  learning_rate: "eta",
  min_split_loss: "gamma",
  reg_lambda: "lambda",
  reg_alpha: "alpha",
  random_state: "seed",
};

/**
 * Accepted for compatibility because they do not change the trees this trainer builds: thread
 * counts, logging, prediction device, options of other boosters/objectives, `sketch_eps` (unused
 * by `hist` in 1.7), and histogram precision switches that XGBoost 1.7's CPU `hist` ignores.
 */
const NEUTRAL = new Set([
  "nthread",
  "n_jobs",
  "verbosity",
  "silent",
  "predictor",
  "sketch_eps",
  "deterministic_histogram",
  "single_precision_histogram",
  "refresh_leaf",
  "lambda_bias",
  "tweedie_variance_power",
  "aft_loss_distribution",
  "aft_loss_distribution_scale",
  "max_cached_hist_node",
  "disable_default_eval_metric",
]);

/** Accepted only with the value that means "off" / the default. */
const ONLY: Record<string, { values: string[]; why: string }> = {
  sampling_method: { values: ["uniform"], why: "gradient-based sampling is GPU only" },
  dsplit: { values: ["row"], why: "the local trainer runs on one machine" },
  process_type: { values: ["default"], why: "updating existing trees is not implemented" },
  monotone_constraints: { values: ["", "()", "[]"], why: "constraints are not implemented" },
  interaction_constraints: { values: ["", "[]"], why: "constraints are not implemented" },
  updater: { values: ["grow_quantile_histmaker"], why: "the local trainer is the hist updater" },
  seed_per_iteration: {
    values: ["0", "false", "False"],
    why: "per-round reseeding is not implemented",
  },
};

function describe(r: Range): string {
  const lo = r.min === undefined ? "(-inf" : `${r.minOpen ? "(" : "["}${r.min}`;
  const hi = r.max === undefined ? "inf)" : `${r.max}${r.maxOpen ? ")" : "]"}`;
  return `${lo}, ${hi}`;
}

function num(name: string, raw: string | number, range: Range, integer = false): number {
  const text = String(raw).trim();
  const v = typeof raw === "number" ? raw : text === "" ? NaN : Number(text);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(
      `Hyperparameter ${name}: ${JSON.stringify(raw)} is not ${integer ? "an integer" : "a number"}; valid range is ${describe(range)}`,
    );
  }
  const belowMin = range.min !== undefined && (range.minOpen ? v <= range.min : v < range.min);
  const aboveMax = range.max !== undefined && (range.maxOpen ? v >= range.max : v > range.max);
  if (belowMin || aboveMax) {
    throw new Error(`Hyperparameter ${name}: ${text} is not in ${describe(range)}`);
  }
  return v;
}

function onlyValue(name: string, raw: string | number, neutral: number, why: string): void {
  const v = num(name, raw, {});
  if (v !== neutral) {
    throw new Error(
      `Hyperparameter ${name}: ${raw} is not supported by the local XGBoost engine (${why}); use ${name}=${neutral} or train on SageMaker`,
    );
  }
}

/** Parses XGBoost/SageMaker hyperparameters; throws naming the parameter, value and valid range. */
export function parseParams(params: Record<string, string | number>): TrainParams {
  const out: TrainParams = {
    objective: "reg:squarederror",
    eta: Math.fround(0.3),
    maxDepth: 6,
    gamma: 0,
    minChildWeight: 1,
    subsample: 1,
    lambda: 1,
    maxBin: 256,
    seed: 0,
    baseScore: Math.fround(0.5),
    evalMetrics: [],
  };
  let metricsGiven = false;
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined || raw === null) continue;
    const name = ALIASES[key] ?? key;
    const s = String(raw).trim();
    switch (name) {
      case "objective":
        if (!(OBJECTIVES as string[]).includes(s)) {
          throw new Error(
            `Hyperparameter objective: ${s} is not supported by the local XGBoost engine; valid values are ${OBJECTIVES.join(", ")}`,
          );
        }
        out.objective = s as Objective;
        break;
      case "eta":
        out.eta = Math.fround(num(key, raw, { min: 0, max: 1 }));
        break;
      case "max_depth":
        // 0 means "unlimited", which XGBoost allows only with grow_policy=lossguide.
        out.maxDepth = num(key, raw, { min: 1 }, true);
        break;
      case "gamma":
        out.gamma = Math.fround(num(key, raw, { min: 0 }));
        break;
      case "min_child_weight":
        out.minChildWeight = Math.fround(num(key, raw, { min: 0 }));
        break;
      case "subsample":
        out.subsample = Math.fround(num(key, raw, { min: 0, minOpen: true, max: 1 }));
        break;
      case "lambda":
        out.lambda = Math.fround(num(key, raw, { min: 0 }));
        break;
      case "max_bin":
        out.maxBin = num(key, raw, { min: 2 }, true);
        break;
      case "seed":
        out.seed = num(key, raw, { min: -(2 ** 63), max: 2 ** 64 }, true);
        break;
      case "base_score":
        out.baseScore = Math.fround(num(key, raw, {}));
        break;
      case "num_round":
      case "num_boost_round":
        out.numRound = num(key, raw, { min: 1 }, true);
        break;
      case "tree_method":
        if (s !== "hist") {
          throw new Error(
            `Hyperparameter tree_method: ${s} is not supported: the local trainer implements XGBoost's 'hist' method only. ` +
              "Pass tree_method=hist (also to SageMaker jobs, whose default 'auto' picks 'exact' and builds different trees) for parity.",
          );
        }
        break;
      case "eval_metric":
        if (!metricsGiven) out.evalMetrics = [];
        metricsGiven = true;
        for (const m of s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)) {
          if (!(METRICS as string[]).includes(m)) {
            throw new Error(
              `Hyperparameter eval_metric: ${m} is not supported by the local XGBoost engine; valid values are ${METRICS.join(", ")}`,
            );
          }
          if (!out.evalMetrics.includes(m as EvalMetricName))
            out.evalMetrics.push(m as EvalMetricName);
        }
        break;
      case "booster":
        if (s !== "gbtree") {
          throw new Error(`Hyperparameter booster: ${s} is not supported; valid value is gbtree`);
        }
        break;
      case "grow_policy":
        if (s !== "depthwise") {
          throw new Error(
            `Hyperparameter grow_policy: ${s} is not supported; valid value is depthwise`,
          );
        }
        break;
      case "alpha":
        onlyValue(key, raw, 0, "L1 regularisation is not implemented");
        break;
      case "max_delta_step":
        onlyValue(key, raw, 0, "max_delta_step is not implemented");
        break;
      case "scale_pos_weight":
        onlyValue(key, raw, 1, "class weights are not implemented");
        break;
      case "colsample_bytree":
      case "colsample_bylevel":
      case "colsample_bynode":
        onlyValue(key, raw, 1, "column sampling is not implemented");
        break;
      case "num_parallel_tree":
        onlyValue(key, raw, 1, "random forests are not implemented");
        break;
      case "max_leaves":
        onlyValue(key, raw, 0, "leaf limits are not implemented");
        break;
      case "num_class":
        throw new Error(
          `Hyperparameter num_class: ${s} is not supported: the local engine trains binary and regression objectives only`,
        );
      default:
        if (name in ONLY) {
          if (!ONLY[name].values.includes(s)) {
            throw new Error(
              `Hyperparameter ${key}: ${s} is not supported by the local XGBoost engine (${ONLY[name].why}); ` +
                `valid values are ${ONLY[name].values.map((v) => JSON.stringify(v)).join(", ")}`,
            );
          }
          break;
        }
        if (NEUTRAL.has(name)) {
          if (name === "nthread" || name === "n_jobs") num(key, raw, { min: 1 }, true);
          break;
        }
        throw new Error(
          `Extraneous hyperparameter found: ${key}. The local XGBoost engine accepts objective, eta, max_depth, gamma, ` +
            "min_child_weight, subsample, lambda, max_bin, seed, base_score, tree_method, num_round, eval_metric, nthread, verbosity",
        );
    }
  }
  if (out.objective !== "reg:squarederror") {
    if (!(out.baseScore > 0 && out.baseScore < 1)) {
      throw new Error(
        `Hyperparameter base_score: ${out.baseScore} is not in (0, 1), required for ${out.objective}`,
      );
    }
  }
  if (!metricsGiven) {
    out.evalMetrics = out.objective === "binary:logistic" ? ["logloss"] : ["rmse"];
  }
  return out;
}
