/**
 * The one place the training runner meets the XGBoost engine (helpers/xgboost). Everything the
 * SageMaker XGBoost container does around `xgb.train` lives here: parse the CSV channels (label
 * first, no header), train with the `train` and `validation` watchlist, record every round's
 * evaluation, and pack `model.tar.gz` with `xgboost-model`
 * (aws/sagemaker-xgboost-container, algorithm_mode/train.py `train_job`).
 *
 * Errors keep the container's split: data the engine cannot parse is the caller's (ClientError),
 * a failure inside training is AlgorithmError "XGB train call failed with exception: ...".
 */
import type { DMatrix, IterationInfo } from "../../xgboost";
import { clientError, TrainingFailure } from "./trainingFailure";

/** Per-round evaluation: eval set name -> metric name -> value. */
export type EvalLog = IterationInfo["evals"];

export type { IterationInfo };

export interface XgboostRun {
  params: Record<string, string | number>;
  numRound: number;
  earlyStoppingRounds?: number;
  /** CSV text, label in the first column, no header. */
  train: string;
  validation?: string;
  onIteration?: (info: IterationInfo) => void;
}

export interface XgboostRunResult {
  /** model.tar.gz holding `xgboost-model` (XGBoost JSON). */
  artifact: Buffer;
  /** One entry per boosting round. */
  history: EvalLog[];
  trainRows: number;
  validationRows?: number;
}

type Engine = typeof import("../../xgboost");

/** Engine messages that describe the caller's request, not a failure of the algorithm. */
const CUSTOMER_ERRORS = [/^Hyperparameter /, /^Extraneous hyperparameter/, /label/i];

function loadEngine(): Engine {
  // Loaded lazily so that only the worker thread pays for compiling the engine.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../../xgboost") as Engine;
  } catch (error) {
    throw new TrainingFailure(
      "InternalServerError",
      `the local XGBoost engine (helpers/xgboost) could not be loaded: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

function parseChannel(engine: Engine, name: string, text: string): DMatrix {
  try {
    return engine.DMatrix.fromCsv(text, { labelColumn: 0, dmlcParse: true });
  } catch (error) {
    throw clientError(
      `Could not parse the ${name} channel as CSV (label first, no header): ${(error as Error).message}`,
    );
  }
}

export async function runXgboost(run: XgboostRun): Promise<XgboostRunResult> {
  if (run.earlyStoppingRounds !== undefined) {
    throw clientError(
      "Hyperparameter early_stopping_rounds is not supported by the local XGBoost engine; remove it, or run this job on AWS.",
    );
  }
  const engine = loadEngine();
  const dtrain = parseChannel(engine, "train", run.train);
  const dvalid =
    run.validation !== undefined ? parseChannel(engine, "validation", run.validation) : undefined;
  const evals: [DMatrix, string][] = [[dtrain, "train"]];
  if (dvalid) evals.push([dvalid, "validation"]);
  const history: EvalLog[] = [];
  let booster: ReturnType<Engine["train"]>;
  try {
    booster = engine.train(run.params, dtrain, {
      numBoostRound: run.numRound,
      evals,
      callbacks: [
        (info) => {
          history.push(info.evals);
          run.onIteration?.(info);
        },
      ],
    });
  } catch (error) {
    if (error instanceof TrainingFailure) throw error;
    const message = (error as Error).message;
    // The container re-raises train() errors whose text names a caller's mistake as UserError
    // (train.py: `for customer_error_message in CUSTOMER_ERRORS`); the engine's parameter errors
    // ("Hyperparameter x: ...", "Extraneous hyperparameter found: ...") are of that kind.
    if (CUSTOMER_ERRORS.some((pattern) => pattern.test(message))) throw clientError(message);
    throw new TrainingFailure(
      "AlgorithmError",
      `XGB train call failed with exception:\n ${message}`,
    );
  }
  const artifact = await engine.packModelArtifact(booster);
  return {
    artifact,
    history,
    trainRows: dtrain.numRow,
    validationRows: dvalid?.numRow,
  };
}
