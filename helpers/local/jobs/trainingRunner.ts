/**
 * Runs SageMaker training jobs locally: the steps SageMaker goes through for the built-in XGBoost
 * algorithm (Starting -> Downloading -> Training -> Uploading), with the training itself in a
 * worker thread so the emulator keeps answering. The runner knows nothing about the SageMaker API:
 * it reports each step to a TrainingReporter, which records it (helpers/local/sagemaker).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import type { ObjectStore } from "../context";
import { checkCsvContentType, readChannel, type ChannelSpec } from "./channelData";
import { checkTrainingImage } from "./trainingImage";
import { clientError, TrainingFailure } from "./trainingFailure";
import type { TrainingWorkerInput, TrainingWorkerMessage } from "./trainingProtocol";
import { startWorker } from "./workerThread";
import { validateXgboostHyperparameters } from "./xgboostHyperparameters";
import type { EvalLog } from "./xgboostAdapter";

export interface TrainingJobSpec {
  jobName: string;
  image?: string;
  roleArn: string;
  region: string;
  /** As SageMaker passes them to the container: strings. */
  hyperparameters: Record<string, string>;
  channels: ChannelSpec[];
  /** OutputDataConfig.S3OutputPath. */
  outputPath: string;
  /** StoppingCondition.MaxRuntimeInSeconds, enforced on real elapsed time. */
  maxRuntimeInSeconds?: number;
}

export type TrainingStep = "Downloading" | "Training" | "Uploading";

export type StopCause = "StopTrainingJob" | "MaxRuntimeExceeded";

export interface TrainingOutcome {
  /** s3:// URI of model.tar.gz. */
  modelArtifacts: string;
  /** `<channel>:<metric>` -> value of every round, in round order. */
  metricHistory: Record<string, number[]>;
  rounds: number;
}

export interface TrainingReporter {
  step(step: TrainingStep, message: string): void;
  completed(outcome: TrainingOutcome): void;
  failed(reason: string): void;
  stopped(cause: StopCause): void;
}

/** The channels the XGBoost container accepts (algorithm_mode/channel_validation.py). */
const KNOWN_CHANNELS = new Set(["train", "validation"]);

interface RunningJob {
  stop?: StopCause;
  /** Set by close(): the job's outcome is no longer reported (the owner records the shutdown). */
  abandoned?: boolean;
  worker?: Worker;
  timer?: NodeJS.Timeout;
  done: Promise<void>;
}

export interface TrainingRunnerOptions {
  /** Folder for per-job algorithm logs (`<job>.log`, the lines XGBoost prints per round). */
  logDir?: string;
}

function outputLocation(
  outputPath: string,
  jobName: string,
): { bucket: string; key: string; uri: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(outputPath);
  if (!match) throw clientError(`S3OutputPath '${outputPath}' is not an s3://bucket/prefix URI.`);
  const prefix = match[2].replace(/\/+$/, "");
  const key = `${prefix ? `${prefix}/` : ""}${jobName}/output/model.tar.gz`;
  return { bucket: match[1], key, uri: `s3://${match[1]}/${key}` };
}

/** `train:logloss` -> values per round, from the per-round evaluation log. */
function metricHistory(history: EvalLog[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const round of history) {
    for (const [set, metrics] of Object.entries(round)) {
      for (const [metric, value] of Object.entries(metrics)) {
        (out[`${set}:${metric}`] ??= []).push(value);
      }
    }
  }
  return out;
}

/** XGBoost's per-round line, as the container prints it to the job's log. */
function formatRound(iteration: number, evals: EvalLog): string {
  const parts = Object.entries(evals).flatMap(([set, metrics]) =>
    Object.entries(metrics).map(([metric, value]) => `${set}-${metric}:${value.toFixed(5)}`),
  );
  return `[${iteration}]\t${parts.join("\t")}`;
}

export class TrainingRunner {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly options: TrainingRunnerOptions = {},
  ) {}

  /** Starts the job in the background; the reporter hears every step. */
  start(spec: TrainingJobSpec, reporter: TrainingReporter): void {
    const key = spec.jobName.toLowerCase();
    if (this.jobs.has(key)) throw new Error(`Training job ${spec.jobName} is already running.`);
    const job: RunningJob = { done: Promise.resolve() };
    this.jobs.set(key, job);
    if (spec.maxRuntimeInSeconds !== undefined) {
      const ms = Math.min(spec.maxRuntimeInSeconds * 1000, 2 ** 31 - 1);
      job.timer = setTimeout(() => this.requestStop(job, "MaxRuntimeExceeded"), ms);
      job.timer.unref();
    }
    // A report that cannot be recorded (e.g. the workspace was removed under a running job) is
    // logged, never thrown into the background run where nobody could catch it.
    const report = (what: string, record: () => void) => {
      if (job.abandoned) return;
      try {
        record();
      } catch (error) {
        this.log(spec.jobName, `could not record ${what}: ${(error as Error).message}`);
      }
    };
    const guarded: TrainingReporter = {
      step: (step, message) => report(step, () => reporter.step(step, message)),
      completed: (outcome) => report("Completed", () => reporter.completed(outcome)),
      failed: (reason) => report("Failed", () => reporter.failed(reason)),
      stopped: (cause) => report("Stopped", () => reporter.stopped(cause)),
    };
    job.done = this.run(spec, job, guarded).finally(() => {
      if (job.timer) clearTimeout(job.timer);
      this.jobs.delete(key);
    });
  }

  isRunning(jobName: string): boolean {
    return this.jobs.has(jobName.toLowerCase());
  }

  /** Asks a running job to stop; resolves when it has. False if it was not running. */
  async stop(jobName: string, cause: StopCause = "StopTrainingJob"): Promise<boolean> {
    const job = this.jobs.get(jobName.toLowerCase());
    if (!job) return false;
    this.requestStop(job, cause);
    await job.done;
    return true;
  }

  /** Waits for a job to finish (tests and shutdown). */
  async wait(jobName: string): Promise<void> {
    await this.jobs.get(jobName.toLowerCase())?.done;
  }

  /** Names of the jobs still running. */
  running(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Terminates every worker and waits for the jobs to unwind, without reporting their outcome:
   * the caller records what a shutdown means for them.
   */
  async close(): Promise<void> {
    const jobs = [...this.jobs.values()];
    for (const job of jobs) {
      job.abandoned = true;
      this.requestStop(job, job.stop ?? "StopTrainingJob");
    }
    await Promise.allSettled(jobs.map((job) => job.done));
  }

  private requestStop(job: RunningJob, cause: StopCause): void {
    if (job.stop) return;
    job.stop = cause;
    void job.worker?.terminate();
  }

  private log(jobName: string, line: string): void {
    if (!this.options.logDir) return;
    try {
      mkdirSync(this.options.logDir, { recursive: true });
      appendFileSync(path.join(this.options.logDir, `${jobName}.log`), `${line}\n`);
    } catch {
      // The log is a convenience; a job never fails because its log cannot be written.
    }
  }

  private async run(
    spec: TrainingJobSpec,
    job: RunningJob,
    reporter: TrainingReporter,
  ): Promise<void> {
    // Let CreateTrainingJob answer before any step is recorded, as on AWS.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      checkTrainingImage(spec.image);
      const output = outputLocation(spec.outputPath, spec.jobName);
      if (!this.objects.bucketExists(output.bucket)) {
        throw clientError(
          `Output bucket '${output.bucket}' (OutputDataConfig.S3OutputPath ${spec.outputPath}) does not exist. ` +
            "Create the bucket first, or choose an existing one.",
        );
      }
      for (const channel of spec.channels) {
        if (!KNOWN_CHANNELS.has(channel.name))
          throw clientError(`Extraneous channel found: ${channel.name}`);
        checkCsvContentType(channel);
      }
      const trainChannel = spec.channels.find((c) => c.name === "train");
      if (!trainChannel) throw clientError("Missing required channel: train");
      if (job.stop) return reporter.stopped(job.stop);

      reporter.step("Downloading", "Downloading input data");
      const context = { region: spec.region, roleArn: spec.roleArn };
      const train = await readChannel(this.objects, trainChannel, context);
      const validationChannel = spec.channels.find((c) => c.name === "validation");
      const validation = validationChannel
        ? await readChannel(this.objects, validationChannel, context)
        : undefined;
      this.log(spec.jobName, `Train data: ${train.objectCount} object(s), ${train.bytes} bytes`);
      if (validation) {
        this.log(
          spec.jobName,
          `Validation data: ${validation.objectCount} object(s), ${validation.bytes} bytes`,
        );
      }
      if (job.stop) return reporter.stopped(job.stop);

      reporter.step("Training", "Training image download completed. Training in progress.");
      const config = validateXgboostHyperparameters(spec.hyperparameters);
      const result = await this.train(spec.jobName, job, {
        params: config.params,
        numRound: config.numRound,
        earlyStoppingRounds: config.earlyStoppingRounds,
        train: train.text,
        validation: validation?.text,
      });
      if (job.stop || !result) return reporter.stopped(job.stop ?? "StopTrainingJob");

      reporter.step("Uploading", "Uploading generated training model");
      await this.objects.putObject(output.bucket, output.key, Buffer.from(result.artifact), {
        contentType: "application/x-tar",
      });
      if (job.stop) return reporter.stopped(job.stop);
      reporter.completed({
        modelArtifacts: output.uri,
        metricHistory: metricHistory(result.history),
        rounds: result.history.length,
      });
    } catch (error) {
      if (job.stop) return reporter.stopped(job.stop);
      const reason =
        error instanceof TrainingFailure
          ? error.reason
          : `InternalServerError: the local training runner failed: ${(error as Error).message}`;
      this.log(spec.jobName, reason);
      reporter.failed(reason);
    }
  }

  /** Runs the worker; resolves with its result, or undefined when it was terminated by a stop. */
  private train(
    jobName: string,
    job: RunningJob,
    input: TrainingWorkerInput,
  ): Promise<Extract<TrainingWorkerMessage, { type: "done" }> | undefined> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(__dirname, "trainingWorker", input);
      job.worker = worker;
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        job.worker = undefined;
        fn();
      };
      worker.on("message", (message: TrainingWorkerMessage) => {
        if (message.type === "iteration") {
          this.log(jobName, formatRound(message.iteration, message.evals));
        } else if (message.type === "done") {
          settle(() => resolve(message));
          void worker.terminate();
        } else {
          settle(() => reject(new TrainingFailure(message.kind, message.message)));
          void worker.terminate();
        }
      });
      worker.on("error", (error) =>
        settle(() =>
          reject(
            new TrainingFailure(
              "AlgorithmError",
              `framework error: ${error.stack ?? error.message}`,
            ),
          ),
        ),
      );
      worker.on("exit", (code) =>
        settle(() => {
          if (job.stop) resolve(undefined);
          else
            reject(
              new TrainingFailure(
                "AlgorithmError",
                `the training process exited with code ${code}`,
              ),
            );
        }),
      );
      // A stop that arrived while the worker was being created.
      if (job.stop) void worker.terminate();
    });
  }
}
