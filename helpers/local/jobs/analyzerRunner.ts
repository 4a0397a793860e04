/**
 * Runs processing jobs whose image is the Model Monitor analyzer, with the local analyzer engine
 * (helpers/analyzer), the way the container does (spec model-monitor-formats.md §8-§10):
 * read the environment, find the data set and baseline files under the container paths it names,
 * profile (baselining) or profile-and-check (monitoring), and upload statistics.json,
 * constraints.json and constraint_violations.json from `output_path`.
 *
 * Jobs run in-process, off the request path: CreateProcessingJob returns at once and the run
 * continues on the event loop. The analyzer streams its input and awaits between chunks, and
 * monitoring windows are small (an hour of capture), so a worker thread (as training uses) would
 * cost more in start-up and message copying than it saves; a baseline over the whole training
 * set takes well under a second of CPU.
 */
import { mkdirSync, appendFileSync } from "node:fs";
import path from "node:path";
import {
  CONSTRAINTS_FILE,
  STATISTICS_FILE,
  VIOLATIONS_FILE,
  describeReport,
  formatConstraints,
  formatStatistics,
  formatViolations,
  readConstraints,
  readStatistics,
  runBaseline,
  runMonitoring,
  type CloudWatchMetric,
  type InputSummary,
} from "../../analyzer";
import type { InputSource } from "../../analyzer";
import type { ObjectStore } from "../context";
import {
  filesAt,
  inputCovers,
  listContainerFiles,
  normalizeContainerPath,
  outputObject,
  type ContainerFile,
  type ContainerInput,
  type ContainerOutput,
} from "./analyzerContainer";
import { ProcessingFailure, ProcessingStopped } from "./analyzerFailure";
import { parseAnalyzerImage, unsupportedImageReason } from "./analyzerImage";

export interface AnalyzerJobSpec {
  jobName: string;
  image: string | undefined;
  environment: Record<string, string>;
  inputs: ContainerInput[];
  outputs: ContainerOutput[];
  /** Jobs started by a monitoring schedule may publish CloudWatch metrics (spec §9). */
  fromMonitoringSchedule: boolean;
  /** StoppingCondition.MaxRuntimeInSeconds, enforced on real elapsed time. */
  maxRuntimeInSeconds?: number;
}

export interface AnalyzerOutcome {
  /** The analyzer's message file (its first 1 KB becomes ExitMessage). */
  message: string;
  /** Number of constraint violations (0 for a baseline). */
  violations: number;
  /** What would be published to CloudWatch (empty unless publishing is enabled). */
  metrics: CloudWatchMetric[];
  /** s3:// URIs of the uploaded reports. */
  outputs: string[];
  input: InputSummary;
}

export interface AnalyzerReporter {
  started(): void;
  completed(outcome: AnalyzerOutcome): void;
  failed(reason: string, message: string): void;
  stopped(): void;
}

/** The environment keys of the analyzer container (spec §10). */
export const ENV = {
  datasetFormat: "dataset_format",
  datasetSource: "dataset_source",
  outputPath: "output_path",
  publishMetrics: "publish_cloudwatch_metrics",
  baselineConstraints: "baseline_constraints",
  baselineStatistics: "baseline_statistics",
  startTime: "start_time",
  endTime: "end_time",
  recordPreprocessor: "record_preprocessor_script",
  postAnalytics: "post_analytics_processor_script",
  analysisType: "analysis_type",
} as const;

/** Spec §9: the analyzer refuses to publish metrics for a job no schedule started. */
export const CLOUDWATCH_ONLY_FROM_SCHEDULES =
  "CloudWatch publishing is available only for jobs from MonitoringSchedules.";

type ParsedFormat = { format: "csv"; header: boolean } | { format: "capture" };

/** `dataset_format` JSON (spec §10) -> the analyzer engine's input format. */
export function parseDatasetFormat(text: string | undefined): ParsedFormat {
  if (text === undefined || text.trim() === "") {
    throw new ProcessingFailure(
      "ClientError",
      `Environment variable ${ENV.datasetFormat} is required, e.g. {"csv": {"header": true, "output_columns_position": "START"}}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProcessingFailure(
      "ClientError",
      `Environment variable ${ENV.datasetFormat} is not valid JSON: ${text}`,
    );
  }
  const obj = (parsed ?? {}) as Record<string, unknown>;
  if (typeof obj !== "object" || Array.isArray(obj)) {
    throw new ProcessingFailure(
      "ClientError",
      `${ENV.datasetFormat} must be a JSON object: ${text}`,
    );
  }
  if (obj.csv !== undefined) {
    const csv = (obj.csv ?? {}) as Record<string, unknown>;
    const position = csv.output_columns_position;
    if (position !== undefined && position !== "START") {
      throw new ProcessingFailure(
        "ClientError",
        `${ENV.datasetFormat} csv.output_columns_position ${JSON.stringify(position)} is not supported locally; ` +
          'use "START" (the SDK default).',
      );
    }
    return { format: "csv", header: csv.header === undefined ? true : csv.header === true };
  }
  if (obj.sagemakerCaptureJson !== undefined) {
    const capture = (obj.sagemakerCaptureJson ?? {}) as Record<string, unknown>;
    const names = capture.captureIndexNames;
    if (
      names !== undefined &&
      (!Array.isArray(names) || names.some((n) => n !== "endpointInput" && n !== "endpointOutput"))
    ) {
      throw new ProcessingFailure(
        "ClientError",
        `${ENV.datasetFormat} sagemakerCaptureJson.captureIndexNames must list "endpointInput" and/or "endpointOutput".`,
      );
    }
    return { format: "capture" };
  }
  const kinds = Object.keys(obj);
  throw new ProcessingFailure(
    "ClientError",
    `${ENV.datasetFormat} ${kinds.length ? kinds.map((k) => `"${k}"`).join(", ") : "{}"} is not supported by the ` +
      'local analyzer; it reads {"csv": {...}} data sets and {"sagemakerCaptureJson": {...}} data capture.',
  );
}

function parseTime(value: string | undefined, key: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new ProcessingFailure(
      "ClientError",
      `Environment variable ${key} '${value}' is not a time; use ISO 8601 such as 2024-03-05T14:00:00Z.`,
    );
  }
  return new Date(time);
}

async function readFiles(objects: ObjectStore, files: ContainerFile[]): Promise<InputSource[]> {
  const out: InputSource[] = [];
  for (const f of files) {
    out.push({ content: await objects.getObjectBuffer(f.bucket, f.key), name: f.path });
  }
  return out;
}

async function readSingle(
  objects: ObjectStore,
  all: ContainerFile[],
  inputs: ContainerInput[],
  containerPath: string,
  key: string,
): Promise<string> {
  const files = filesAt(all, containerPath).filter(
    (f) => f.path === normalizeContainerPath(containerPath),
  );
  if (files.length === 0) {
    throw new ProcessingFailure(
      inputCovers(inputs, containerPath) ? "AlgorithmError" : "ClientError",
      `${key} file ${containerPath} does not exist in the container: ` +
        (inputCovers(inputs, containerPath)
          ? "the ProcessingInput mapped there holds no such object."
          : "no ProcessingInput has a LocalPath containing it."),
    );
  }
  return (await objects.getObjectBuffer(files[0].bucket, files[0].key)).toString("utf8");
}

/** Runs one analyzer job to the end; throws ProcessingFailure / ProcessingStopped. */
export async function runAnalyzerJob(
  objects: ObjectStore,
  spec: AnalyzerJobSpec,
  options: { signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<AnalyzerOutcome> {
  const checkStop = () => {
    if (options.signal?.aborted) throw new ProcessingStopped();
  };
  if (!parseAnalyzerImage(spec.image)) {
    // unsupportedImageReason carries its own kind prefix.
    throw new ProcessingFailure(
      "ClientError",
      unsupportedImageReason(spec.image).replace(/^ClientError: /, ""),
    );
  }
  const env = spec.environment;
  for (const key of [ENV.recordPreprocessor, ENV.postAnalytics]) {
    if (env[key]) {
      throw new ProcessingFailure(
        "ClientError",
        `Environment variable ${key} is set, but the local analyzer does not run user scripts; remove it, ` +
          "or run this job on AWS.",
      );
    }
  }
  if (env[ENV.analysisType] && env[ENV.analysisType] !== "DATA_QUALITY") {
    throw new ProcessingFailure(
      "ClientError",
      `${ENV.analysisType} ${env[ENV.analysisType]} is not supported locally; the local analyzer runs DATA_QUALITY.`,
    );
  }
  const publish = env[ENV.publishMetrics] === "Enabled";
  if (publish && !spec.fromMonitoringSchedule) {
    throw new ProcessingFailure("AlgorithmError", CLOUDWATCH_ONLY_FROM_SCHEDULES);
  }
  const format = parseDatasetFormat(env[ENV.datasetFormat]);
  const source = env[ENV.datasetSource];
  if (!source) {
    throw new ProcessingFailure(
      "ClientError",
      `Environment variable ${ENV.datasetSource} is required: the container path of the data set ` +
        "(the LocalPath of a ProcessingInput, e.g. /opt/ml/processing/input/baseline_dataset_input).",
    );
  }
  const outputPath = env[ENV.outputPath];
  if (!outputPath) {
    throw new ProcessingFailure(
      "ClientError",
      `Environment variable ${ENV.outputPath} is required: the LocalPath of a ProcessingOutput (e.g. /opt/ml/processing/output).`,
    );
  }
  if (!outputObject(spec.outputs, path.posix.join(outputPath, STATISTICS_FILE))) {
    throw new ProcessingFailure(
      "ClientError",
      `${ENV.outputPath} ${outputPath} is not inside the LocalPath of any ProcessingOutput, so the reports ` +
        "would not be uploaded. Add a ProcessingOutput with that LocalPath and an S3Uri.",
    );
  }
  if (!inputCovers(spec.inputs, source)) {
    throw new ProcessingFailure(
      "ClientError",
      `${ENV.datasetSource} ${source} is not the LocalPath of any ProcessingInput (nor inside one); add a ` +
        "ProcessingInput with that LocalPath and the data set's S3Uri.",
    );
  }

  const all = listContainerFiles(objects, spec.inputs);
  const dataFiles = filesAt(all, source);
  // SageMaker's own wording when a monitoring window had no capture (spec §8).
  if (dataFiles.length === 0)
    throw new ProcessingFailure("AlgorithmError", "Job inputs had no data");
  const input = await readFiles(objects, dataFiles);
  checkStop();

  const logLines: string[] = [];
  const log = (line: string) => {
    logLines.push(line);
    options.log?.(line);
  };
  const statisticsPath = env[ENV.baselineStatistics];
  const constraintsPath = env[ENV.baselineConstraints];
  const files: Record<string, string> = {};
  let violations = 0;
  let metrics: CloudWatchMetric[] = [];
  let summary: InputSummary;
  try {
    if (statisticsPath || constraintsPath) {
      if (!statisticsPath || !constraintsPath) {
        throw new ProcessingFailure(
          "ClientError",
          `Monitoring needs both ${ENV.baselineStatistics} and ${ENV.baselineConstraints}; only ` +
            `${statisticsPath ? ENV.baselineStatistics : ENV.baselineConstraints} is set.`,
        );
      }
      const baselineStatistics = await readSingle(
        objects,
        all,
        spec.inputs,
        statisticsPath,
        ENV.baselineStatistics,
      );
      const baselineConstraints = await readSingle(
        objects,
        all,
        spec.inputs,
        constraintsPath,
        ENV.baselineConstraints,
      );
      const result = await runMonitoring({
        input,
        format: format.format,
        header: format.format === "csv" ? format.header : undefined,
        baselineStatistics: parseBaseline(readStatistics, baselineStatistics, statisticsPath),
        baselineConstraints: parseBaseline(readConstraints, baselineConstraints, constraintsPath),
        start: parseTime(env[ENV.startTime], ENV.startTime),
        end: parseTime(env[ENV.endTime], ENV.endTime),
        log,
      });
      files[STATISTICS_FILE] = formatStatistics(result.statistics);
      files[CONSTRAINTS_FILE] = formatConstraints(result.constraints);
      files[VIOLATIONS_FILE] = formatViolations(result.violations);
      violations = result.violations.length;
      metrics = publish ? result.drift.metrics : [];
      summary = result.input;
    } else {
      const result = await runBaseline({
        input,
        format: format.format,
        header: format.format === "csv" ? format.header : undefined,
        log,
      });
      files[STATISTICS_FILE] = formatStatistics(result.statistics);
      files[CONSTRAINTS_FILE] = formatConstraints(result.constraints);
      summary = result.input;
    }
  } catch (error) {
    if (error instanceof ProcessingFailure) throw error;
    const message = (error as Error).message ?? String(error);
    // The engine's "no data rows" means every record was outside the window or unreadable.
    throw new ProcessingFailure(
      "AlgorithmError",
      /has no data rows/.test(message) ? `Job inputs had no data (${message})` : message,
    );
  }
  checkStop();

  const outputs: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const target = outputObject(spec.outputs, path.posix.join(outputPath, name))!;
    if (!objects.bucketExists(target.bucket)) {
      throw new ProcessingFailure(
        "ClientError",
        `Output bucket '${target.bucket}' of ${target.uri} does not exist; create it before starting the job.`,
      );
    }
    await objects.putObject(target.bucket, target.key, text, { contentType: "application/json" });
    outputs.push(target.uri);
  }
  const report = describeReport(summary, summary.invalidUtf8Fields);
  const base =
    violations === 0
      ? "Completed: Job completed successfully with no violations."
      : `CompletedWithViolations: Job completed successfully with ${violations} violations.`;
  // Unreadable records are reported, never dropped silently (design rules): after the
  // analyzer's own first line, so clients matching that line keep working.
  const message = report ? `${base}\n${report}` : base;
  if (logLines.length === 0 && report) log(report);
  return { message, violations, metrics, outputs, input: summary };
}

/** Parses a baseline file with the engine's reader, failing the job with the file's path. */
function parseBaseline<T>(read: (text: string) => T, text: string, file: string): T {
  try {
    return read(text);
  } catch (error) {
    throw new ProcessingFailure(
      "ClientError",
      `${file} is not a usable Model Monitor baseline file: ${(error as Error).message}`,
    );
  }
}

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
  timer?: NodeJS.Timeout;
}

/** Keeps track of running analyzer jobs: start, stop, wait, close. */
export class AnalyzerRunner {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly options: { logDir?: string; now?: () => Date } = {},
  ) {}

  isRunning(name: string): boolean {
    return this.jobs.has(name.toLowerCase());
  }

  /** Starts the job on the event loop; resolves when it has ended and been reported. */
  start(spec: AnalyzerJobSpec, reporter: AnalyzerReporter): Promise<void> {
    const key = spec.jobName.toLowerCase();
    if (this.jobs.has(key)) throw new Error(`Processing job ${spec.jobName} is already running.`);
    const controller = new AbortController();
    const job: RunningJob = { controller, done: Promise.resolve() };
    this.jobs.set(key, job);
    if (spec.maxRuntimeInSeconds !== undefined) {
      job.timer = setTimeout(
        () => controller.abort(),
        Math.min(spec.maxRuntimeInSeconds * 1000, 2 ** 31 - 1),
      );
      job.timer.unref();
    }
    const log = this.logger(spec.jobName);
    job.done = (async () => {
      // Yield first so CreateProcessingJob answers before any work starts.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        if (controller.signal.aborted) throw new ProcessingStopped();
        reporter.started();
        const outcome = await runAnalyzerJob(this.objects, spec, {
          signal: controller.signal,
          log,
        });
        log(outcome.message.split("\n")[0]);
        reporter.completed(outcome);
      } catch (error) {
        if (error instanceof ProcessingStopped) {
          log("stopped");
          reporter.stopped();
        } else if (error instanceof ProcessingFailure) {
          log(error.reason);
          reporter.failed(error.reason, error.message);
        } else {
          const message = `The local analyzer failed unexpectedly: ${(error as Error).message ?? String(error)}`;
          log(message);
          reporter.failed(`InternalServerError: ${message}`, message);
        }
      } finally {
        if (job.timer) clearTimeout(job.timer);
        this.jobs.delete(key);
      }
    })();
    return job.done;
  }

  /** Asks a running job to stop; it reports `stopped` at its next check. */
  stop(name: string): void {
    this.jobs.get(name.toLowerCase())?.controller.abort();
  }

  async wait(name: string): Promise<void> {
    await this.jobs.get(name.toLowerCase())?.done;
  }

  /** Stops every job and waits for them to report. */
  async close(): Promise<void> {
    const running = [...this.jobs.values()];
    for (const job of running) job.controller.abort();
    await Promise.all(running.map((j) => j.done));
  }

  private logger(jobName: string): (line: string) => void {
    const dir = this.options.logDir;
    if (!dir) return () => undefined;
    return (line: string) => {
      try {
        mkdirSync(dir, { recursive: true });
        const time = (this.options.now ?? (() => new Date()))().toISOString();
        appendFileSync(path.join(dir, `${jobName}.log`), `${time} ${line}\n`);
      } catch {
        // A log that cannot be written must not fail the job.
      }
    };
  }
}
