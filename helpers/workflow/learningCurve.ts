/**
 * Lab 01 step 8's learning curve from a trained model: the evaluation metrics after every boosting
 * round on each data set, i.e. what XGBoost's `evals_result` records when the sets are passed as
 * `evals` to `xgb.train`. SageMaker's training job only reports the last round's metrics, so we
 * replay the downloaded model instead — which works the same for a local and an AWS job.
 */
import type { Booster } from "../xgboost";
import { evalMetric } from "../xgboost/evalMetrics";
import { transform } from "../xgboost/objective";
import type { EvalMetricName } from "../xgboost/params";
import { addTreePredictions } from "../xgboost/predictor";

/** A data set to score: feature matrix (model column order, no label) and its 0/1 labels. */
export interface EvalSet {
  matrix: { data: Float32Array; nrow: number; ncol: number };
  labels: ArrayLike<number>;
}

/** eval set name -> metric -> one value per boosting round (round 1 first). */
export type EvalHistory = Record<string, Record<string, number[]>>;

export interface LearningCurveOptions {
  /** XGBoost metric names, in panel order (default auc and logloss). */
  metrics?: EvalMetricName[];
}

const KNOWN_METRICS: EvalMetricName[] = ["auc", "logloss", "error", "rmse"];

function checkSet(booster: Booster, name: string, set: EvalSet): void {
  const { matrix, labels } = set;
  if (matrix.ncol !== booster.numFeatures) {
    throw new Error(
      `eval set ${name} has ${matrix.ncol} feature columns but the model expects ${booster.numFeatures}; pass the feature columns only (no label, no ID)`,
    );
  }
  if (matrix.data.length !== matrix.nrow * matrix.ncol) {
    throw new Error(
      `eval set ${name}: data length ${matrix.data.length} is not nrow x ncol (${matrix.nrow} x ${matrix.ncol})`,
    );
  }
  if (labels.length !== matrix.nrow) {
    throw new Error(
      `eval set ${name} has ${labels.length} labels for ${matrix.nrow} rows; pass one label per row`,
    );
  }
  if (matrix.nrow === 0) throw new Error(`eval set ${name} has no rows`);
}

/**
 * Per-round metrics of `booster` on each set. Margins are accumulated one tree at a time (as the
 * trainer's evaluation does), so the cost is one pass over the trees plus one metric per round —
 * not a fresh prediction per round. Values equal XGBoost's evals_result for the same model and data.
 */
export function learningCurveHistory(
  booster: Booster,
  sets: Record<string, EvalSet>,
  options: LearningCurveOptions = {},
): EvalHistory {
  const names = Object.keys(sets);
  if (names.length === 0) {
    throw new Error("learningCurveHistory needs at least one eval set, e.g. { test: { ... } }");
  }
  const metrics = options.metrics ?? ["auc", "logloss"];
  if (metrics.length === 0) throw new Error("learningCurveHistory needs at least one metric");
  for (const metric of metrics) {
    if (!KNOWN_METRICS.includes(metric)) {
      throw new Error(
        `unknown metric ${String(metric)}; choose from ${KNOWN_METRICS.join(", ")} (XGBoost's names)`,
      );
    }
  }
  const rounds = booster.numTrees();
  if (rounds === 0) throw new Error("the model has no trees, so there is no curve to draw");
  for (const name of names) checkSet(booster, name, sets[name]);

  const history: EvalHistory = {};
  for (const name of names) {
    const { matrix, labels } = sets[name];
    const label = Float32Array.from(labels);
    const margins = new Float32Array(matrix.nrow).fill(booster.baseMargin);
    const perMetric: Record<string, number[]> = {};
    for (const metric of metrics) perMetric[metric] = [];
    for (let round = 0; round < rounds; round++) {
      addTreePredictions(
        booster.trees,
        round,
        round + 1,
        matrix.data,
        matrix.nrow,
        matrix.ncol,
        margins,
      );
      const predictions = transform(booster.objective, margins);
      for (const metric of metrics) {
        perMetric[metric].push(evalMetric(metric, label, predictions));
      }
    }
    history[name] = perMetric;
  }
  return history;
}

/** The 1-based round with the best value (highest, or lowest when lowerIsBetter) and that value. */
export function bestRound(
  values: ArrayLike<number>,
  lowerIsBetter = false,
): { round: number; value: number } {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (best < 0 || (lowerIsBetter ? v < values[best] : v > values[best])) best = i;
  }
  if (best < 0) throw new Error("bestRound needs at least one numeric value");
  return { round: best + 1, value: values[best] };
}
