/**
 * The one place the endpoint hosts meet the XGBoost engine (helpers/xgboost): unpack
 * `model.tar.gz`, load `xgboost-model`, and predict a dense float32 matrix, as the SageMaker
 * XGBoost 1.7-1 serving container does (aws/sagemaker-xgboost-container,
 * algorithm_mode/serve_utils.py: `get_loaded_booster` then `booster.predict(dmatrix)`).
 */

/** A loaded model, ready to answer predictions synchronously (serving must not wait on I/O). */
export interface ServedModel {
  /** How many feature columns a request row must have. */
  readonly numFeatures: number;
  /** The objective the model was trained with (e.g. `binary:logistic`). */
  readonly objective: string;
  /**
   * One prediction per row of a row-major float32 matrix (NaN = missing). `values` is valid only
   * during the call: the container reuses it for the next request.
   */
  predict(values: Float32Array, nrow: number, ncol: number): Float64Array;
}

type XgboostEngine = typeof import("../../xgboost");

/** Why a model could not be loaded; the endpoint goes Failed with this as its FailureReason. */
export class ModelLoadError extends Error {}

function loadEngine(): XgboostEngine {
  try {
    // Loaded lazily: only an emulator that hosts endpoints pays for compiling the engine.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../../xgboost") as XgboostEngine;
  } catch (error) {
    throw new ModelLoadError(
      `the local XGBoost engine (helpers/xgboost) could not be loaded: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

/** Loads a SageMaker XGBoost model artifact (`model.tar.gz` holding `xgboost-model`). */
export async function loadXgboostModel(artifact: Buffer): Promise<ServedModel> {
  const engine = loadEngine();
  let booster: InstanceType<XgboostEngine["Booster"]>;
  try {
    const modelFile = await engine.unpackModelArtifact(artifact);
    booster = engine.Booster.loadModel(modelFile);
  } catch (error) {
    throw new ModelLoadError(
      `the model artifact is not a loadable XGBoost model (expected model.tar.gz holding xgboost-model): ${(error as Error).message}`,
    );
  }
  const loaded = booster;
  // Packed once: an endpoint predicts one row per request, and the packed nodes stay in cache.
  const forest = new engine.PackedForest(loaded);
  return {
    numFeatures: loaded.numFeatures,
    objective: loaded.objective,
    predict(values, nrow, ncol) {
      if (ncol !== loaded.numFeatures || values.length !== nrow * ncol) {
        throw new Error(
          `${nrow} x ${ncol} values for a model of ${loaded.numFeatures} features (${values.length} given)`,
        );
      }
      // float32 predictions, as XGBoost's; the container widens them to double (§11).
      return Float64Array.from(forest.predict(values, nrow, ncol));
    },
  };
}
