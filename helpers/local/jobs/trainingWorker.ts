/**
 * Worker-thread entry: trains one job with the XGBoost engine so the emulator's HTTP edge keeps
 * answering while a model trains. Input arrives as workerData (TrainingWorkerInput); progress and
 * the result go back as TrainingWorkerMessage.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { TrainingWorkerInput, TrainingWorkerMessage } from "./trainingProtocol";
import { TrainingFailure } from "./trainingFailure";
import { runXgboost } from "./xgboostAdapter";

function post(message: TrainingWorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function main(input: TrainingWorkerInput): Promise<void> {
  try {
    const result = await runXgboost({
      ...input,
      onIteration: (info) => post({ type: "iteration", ...info }),
    });
    const artifact = new Uint8Array(result.artifact);
    post(
      {
        type: "done",
        artifact,
        history: result.history,
        trainRows: result.trainRows,
        validationRows: result.validationRows,
      },
      [artifact.buffer as ArrayBuffer],
    );
  } catch (error) {
    if (error instanceof TrainingFailure) {
      post({ type: "failed", kind: error.kind, message: error.message });
    } else {
      const e = error as Error;
      post({
        type: "failed",
        kind: "AlgorithmError",
        message: `framework error: ${e.stack ?? e.message}`,
      });
    }
  }
}

if (parentPort) {
  void main(workerData as TrainingWorkerInput);
}
