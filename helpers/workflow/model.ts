/**
 * Lab 01 step 10: download the training job's artifact and explain the model locally, as the
 * original did with the xgboost and shap Python packages: feature importance, TreeSHAP values
 * (exact, in log-odds space, XGBoost's `pred_contribs`), and test-set quality.
 */
import { Booster, DMatrix, unpackModelArtifact } from "../xgboost";
import { confusionMatrix, rocAuc, rocCurve } from "../xgboost/metrics";
import type { WorkflowContext } from "./context";
import { readBytes } from "./storage";

/** Loads `model.tar.gz` from S3 and returns the booster, with feature names when known. */
export async function downloadModel(
  context: Pick<WorkflowContext, "s3">,
  modelArtifactUri: string,
  featureNames?: string[],
): Promise<Booster> {
  const model = await unpackModelArtifact(await readBytes(context, modelArtifactUri));
  const booster = Booster.loadModel(model);
  if (featureNames) booster.featureNames = featureNames;
  return booster;
}

export interface FeatureImportance {
  feature: string;
  score: number;
}

/** XGBoost's `get_score(importance_type)`, sorted high to low, named when names are known. */
export function featureImportance(
  booster: Booster,
  importanceType: "weight" | "gain" | "cover" | "total_gain" | "total_cover" = "gain",
): FeatureImportance[] {
  return Object.entries(booster.getScore({ importanceType }))
    .map(([feature, score]) => ({ feature, score }))
    .sort((a, b) => b.score - a.score);
}

export interface ShapSummary {
  featureNames: string[];
  /** rows x features SHAP values (bias column dropped). */
  values: Float64Array[];
  /** The rows' feature values, for colouring the beeswarm. */
  featureValues: Float32Array[];
  /** mean |SHAP| per feature, in featureNames order. */
  meanAbs: number[];
  /** The expected margin (bias) every row starts from. */
  baseValue: number;
}

/** TreeSHAP values of `rows` (row-major float32 matrix without label). */
export function shapSummary(
  booster: Booster,
  matrix: { data: Float32Array; nrow: number; ncol: number },
  featureNames: string[],
): ShapSummary {
  const contributions = booster.predict(
    new DMatrix(matrix.data, { nrow: matrix.nrow, ncol: matrix.ncol }),
    {
      predContribs: true,
    },
  );
  const width = matrix.ncol + 1; // bias last, as XGBoost
  const values: Float64Array[] = [];
  const featureValues: Float32Array[] = [];
  const sumAbs = new Float64Array(matrix.ncol);
  for (let r = 0; r < matrix.nrow; r++) {
    const row = Float64Array.from(contributions.subarray(r * width, r * width + matrix.ncol));
    values.push(row);
    featureValues.push(matrix.data.subarray(r * matrix.ncol, (r + 1) * matrix.ncol));
    for (let c = 0; c < matrix.ncol; c++) sumAbs[c] += Math.abs(row[c]);
  }
  return {
    featureNames,
    values,
    featureValues,
    meanAbs: Array.from(sumAbs, (sum) => sum / Math.max(1, matrix.nrow)),
    baseValue: matrix.nrow > 0 ? contributions[matrix.ncol] : 0,
  };
}

export interface Evaluation {
  auc: number;
  accuracy: number;
  confusion: { tn: number; fp: number; fn: number; tp: number };
  roc: { fpr: number[]; tpr: number[] };
  probabilities: Float32Array | Float64Array;
}

/** Test-set quality at a 0.5 threshold: AUC, accuracy, confusion matrix and ROC curve. */
export function evaluate(
  booster: Booster,
  matrix: { data: Float32Array; nrow: number; ncol: number },
  labels: ArrayLike<number>,
): Evaluation {
  const probabilities = booster.predict(
    new DMatrix(matrix.data, { nrow: matrix.nrow, ncol: matrix.ncol }),
  );
  const confusion = confusionMatrix(labels, probabilities, 0.5);
  const roc = rocCurve(labels, probabilities);
  return {
    auc: rocAuc(labels, probabilities),
    accuracy: (confusion.tn + confusion.tp) / matrix.nrow,
    confusion,
    roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) },
    probabilities,
  };
}
