/**
 * The XGBoost 1.7.4 `hist` engine: train, predict, explain and package models that are
 * interchangeable with real XGBoost's (shared/specs/xgboost-1.7-hist-parity.md).
 */
export { DMatrix } from "./dmatrix";
export type { DMatrixOptions, CsvOptions } from "./dmatrix";
export { dmlcStrtof } from "./strtof";
export { train } from "./train";
export type { IterationInfo, TrainOptions } from "./train";
export { Booster } from "./booster";
export type { PredictOptions } from "./booster";
export { RegTree } from "./tree";
export { PackedForest } from "./packedForest";
export { parseParams } from "./params";
export type { TrainParams, Objective, EvalMetricName } from "./params";
export type { ImportanceType } from "./importance";
export { packModelArtifact, unpackModelArtifact, MODEL_FILE_NAME } from "./artifact";
export { formatFloat32 } from "./modelJson";
export { sigmoid } from "./objective";
export {
  rocAuc,
  rocCurve,
  logLoss,
  accuracy,
  precision,
  recall,
  f1,
  confusionMatrix,
} from "./metrics";
export type { RocCurve, ConfusionMatrix } from "./metrics";
