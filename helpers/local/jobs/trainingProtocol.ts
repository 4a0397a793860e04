/** Messages between the training runner (main thread) and the training worker thread. */
import type { EvalLog, IterationInfo } from "./xgboostAdapter";

export interface TrainingWorkerInput {
  params: Record<string, string | number>;
  numRound: number;
  earlyStoppingRounds?: number;
  train: string;
  validation?: string;
}

export type TrainingWorkerMessage =
  | ({ type: "iteration" } & IterationInfo)
  | {
      type: "done";
      artifact: Uint8Array;
      history: EvalLog[];
      trainRows: number;
      validationRows?: number;
    }
  | {
      type: "failed";
      kind: "ClientError" | "AlgorithmError" | "InternalServerError";
      message: string;
    };
