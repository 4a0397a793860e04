/**
 * Monitoring executions: running one for a schedule and a scheduled time T, and
 * ListMonitoringExecutions (spec model-monitor-formats.md §8).
 *
 * An execution at T analyses the capture of its window (by default [T - 1 h, T) for hourly
 * schedules): it lists the endpoint's capture folders `{dest}/{endpoint}/{variant}/yyyy/mm/dd/hh`
 * that overlap the window, starts a processing job with the analyzer image whose inputs are those
 * folders plus the baseline files, and whose output is
 * `{MonitoringOutput S3Uri}/{endpoint}/{schedule}/yyyy/mm/dd/hh` (hh = hour of T). The job's
 * environment is the one SageMaker gives the analyzer (§10), so the same runner that serves
 * CreateProcessingJob does the work. Status: Pending -> InProgress -> Completed /
 * CompletedWithViolations / Failed (or Stopped).
 */
import { createHash } from "node:crypto";
import * as posix from "node:path/posix";
import type {
  ListMonitoringExecutionsCommandInput,
  ListMonitoringExecutionsCommandOutput,
} from "@aws-sdk/client-sagemaker";
import type { AnalyzerRunner } from "../../jobs/analyzerRunner";
import { inWindow, paginate, sortBy, type SortOrder } from "../paging";
import { validatePaging, Validator } from "../validation";
import { epochSeconds, readTimestamp, type In, type Out } from "../wire";
import { recordMetrics } from "./cloudWatchMetrics";
import {
  executionKey,
  getDataQualityJobDefinition,
  monitoringArn,
  type ExecutionSummary,
  type MonitoringContext,
  type MonitoringScheduleDoc,
  type ProcessingJob,
} from "./docs";
import type { EndpointLookup } from "./endpointCapture";
import {
  RESOURCE_NAME,
  specFromDataQuality,
  specFromInline,
  type MonitoringJobSpec,
} from "./monitoringJob";
import { startProcessingJob } from "./processingJobs";
import { parseScheduleConfig } from "./scheduleExpression";

const HOUR_MS = 3_600_000;
const EXECUTION_STATUSES = [
  "Pending",
  "Completed",
  "CompletedWithViolations",
  "InProgress",
  "Failed",
  "Stopping",
  "Stopped",
] as const;

/** SageMaker's FailureReason when the window holds no captured data (seen on real executions). */
export const NO_DATA_REASON = "Job inputs had no data";

/** Lets the runtime write out buffered capture records before an hour is analysed. */
export interface CaptureFlusher {
  /** Resolves once every record with inferenceTime < `time` is in the object store. */
  flushUntil(time: Date): Promise<void>;
}

export interface ExecutionDeps {
  runner: AnalyzerRunner;
  endpoints: EndpointLookup;
  flusher?: CaptureFlusher;
  log?: (line: string) => void;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `yyyy/mm/dd/hh` of a time, in UTC (capture and report folder layout, spec §1.4, §8). */
export function hourPath(time: Date): string {
  return `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())}/${pad(time.getUTCHours())}`;
}

/** `2024-03-05T14:00:00Z`: the analyzer's start_time/end_time form (spec §10). */
function isoSeconds(time: Date): string {
  return time.toISOString().slice(0, 19) + "Z";
}

function splitS3(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`${uri} is not an s3:// URI`);
  return { bucket: match[1], key: match[2].replace(/\/+$/, "") };
}

function join(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].filter((p) => p !== "").join("/");
}

/** The job spec of a schedule, from its inline definition or the named data quality definition. */
export function scheduleJobSpec(
  ctx: MonitoringContext,
  doc: MonitoringScheduleDoc,
): MonitoringJobSpec {
  const config = doc.schedule.MonitoringScheduleConfig!;
  const spec = config.MonitoringJobDefinition
    ? specFromInline(config.MonitoringJobDefinition)
    : specFromDataQuality(
        getDataQualityJobDefinition(ctx, config.MonitoringJobDefinitionName!).definition,
      );
  return withBaseliningJob(ctx, spec);
}

/**
 * BaselineConfig.BaseliningJobName without resources: the baseline is what that processing job
 * wrote to its output (statistics.json and constraints.json), as the SDK's
 * `suggest_baseline` + `create_monitoring_schedule` rely on.
 */
function withBaseliningJob(ctx: MonitoringContext, spec: MonitoringJobSpec): MonitoringJobSpec {
  if (!spec.baseliningJobName || (spec.baselineStatisticsUri && spec.baselineConstraintsUri)) {
    return spec;
  }
  const job = ctx.monitoring.get("sagemaker-processing-job", spec.baseliningJobName)?.job;
  const output = job?.ProcessingOutputConfig?.Outputs?.find((o) => o.S3Output)?.S3Output?.S3Uri;
  if (!output) {
    throw new Error(
      `BaselineConfig.BaseliningJobName ${spec.baseliningJobName} is not a processing job with an S3 output; ` +
        "give ConstraintsResource and StatisticsResource S3 URIs instead.",
    );
  }
  const base = output.replace(/\/+$/, "");
  return {
    ...spec,
    baselineStatisticsUri: spec.baselineStatisticsUri ?? `${base}/statistics.json`,
    baselineConstraintsUri: spec.baselineConstraintsUri ?? `${base}/constraints.json`,
  };
}

interface CaptureFolder {
  variant: string;
  hour: Date;
  s3Uri: string;
  relative: string;
}

/** Capture folders of every variant whose hour overlaps [start, end). */
function captureFolders(
  ctx: MonitoringContext,
  destination: string,
  endpointName: string,
  start: Date,
  end: Date,
): CaptureFolder[] {
  const { bucket, key } = splitS3(destination);
  if (!ctx.objects.bucketExists(bucket)) return [];
  const prefix = join(key, endpointName) + "/";
  const folders = new Map<string, CaptureFolder>();
  for (const object of ctx.objects.listObjects(bucket, prefix)) {
    const match = /^([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(
      object.key.slice(prefix.length),
    );
    if (!match) continue;
    const [, variant, y, m, d, h] = match;
    const hour = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h)));
    if (!(hour.getTime() < end.getTime() && hour.getTime() + HOUR_MS > start.getTime())) continue;
    const relative = `${variant}/${y}/${m}/${d}/${h}`;
    if (!folders.has(relative)) {
      folders.set(relative, {
        variant,
        hour,
        s3Uri: `s3://${bucket}/${prefix}${relative}`,
        relative,
      });
    }
  }
  return [...folders.values()].sort(
    (a, b) =>
      a.hour.getTime() - b.hour.getTime() ||
      (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0),
  );
}

/**
 * [P] Processing jobs of executions are named `model-monitoring-<yyyyMMddHHmm of T>-<hash>`
 * (the prefix and timestamp as SageMaker names them; the hash makes the name unique per schedule
 * instance and T, and stays within the 63-character limit).
 */
export function executionJobName(
  scheduleArn: string,
  scheduleCreated: number,
  scheduledTime: Date,
): string {
  const stamp =
    `${scheduledTime.getUTCFullYear()}${pad(scheduledTime.getUTCMonth() + 1)}${pad(scheduledTime.getUTCDate())}` +
    `${pad(scheduledTime.getUTCHours())}${pad(scheduledTime.getUTCMinutes())}`;
  const hash = createHash("sha256")
    .update(`${scheduleArn}\n${scheduleCreated}\n${scheduledTime.getTime()}`)
    .digest("hex")
    .slice(0, 24);
  return `model-monitoring-${stamp}-${hash}`;
}

function baselineInput(name: string, uri: string, localPath: string) {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: {
      S3Uri: uri,
      LocalPath: localPath,
      S3DataType: "S3Prefix" as const,
      S3InputMode: "File" as const,
      S3DataDistributionType: "FullyReplicated" as const,
      S3CompressionType: "None" as const,
    },
  };
}

function buildJob(
  ctx: MonitoringContext,
  doc: MonitoringScheduleDoc,
  spec: MonitoringJobSpec,
  folders: CaptureFolder[],
  scheduledTime: Date,
  window: { start: Date; end: Date },
): ProcessingJob {
  const schedule = doc.schedule;
  const scheduleName = schedule.MonitoringScheduleName!;
  const name = executionJobName(
    schedule.MonitoringScheduleArn!,
    schedule.CreationTime!,
    scheduledTime,
  );
  const now = epochSeconds(ctx.clock.now());
  const endpointRoot = posix.join(spec.endpointLocalPath, spec.endpointName);
  const inputs: NonNullable<ProcessingJob["ProcessingInputs"]> = folders.map((f, i) => ({
    ...baselineInput(`endpoint_input_${i + 1}`, f.s3Uri, posix.join(endpointRoot, f.relative)),
  }));
  const environment: Record<string, string> = {
    ...spec.environment,
    dataset_format: JSON.stringify({
      sagemakerCaptureJson: { captureIndexNames: ["endpointInput", "endpointOutput"] },
    }),
    dataset_source: spec.endpointLocalPath,
    output_path: spec.outputLocalPath,
    publish_cloudwatch_metrics: spec.environment.publish_cloudwatch_metrics ?? "Enabled",
    sagemaker_endpoint_name: spec.endpointName,
    sagemaker_monitoring_schedule_name: scheduleName,
    start_time: isoSeconds(window.start),
    end_time: isoSeconds(window.end),
    metric_time: isoSeconds(scheduledTime),
  };
  if (spec.baselineStatisticsUri) {
    const dir = "/opt/ml/processing/baseline/stats";
    inputs.push(baselineInput("baseline", spec.baselineStatisticsUri, dir));
    environment.baseline_statistics = posix.join(dir, posix.basename(spec.baselineStatisticsUri));
  }
  if (spec.baselineConstraintsUri) {
    const dir = "/opt/ml/processing/baseline/constraints";
    inputs.push(baselineInput("constraints", spec.baselineConstraintsUri, dir));
    environment.baseline_constraints = posix.join(dir, posix.basename(spec.baselineConstraintsUri));
  }
  if (spec.recordPreprocessorSourceUri)
    environment.record_preprocessor_script = spec.recordPreprocessorSourceUri;
  if (spec.postAnalyticsProcessorSourceUri) {
    environment.post_analytics_processor_script = spec.postAnalyticsProcessorSourceUri;
  }
  const output = splitS3(spec.outputS3Uri);
  const reportUri = `s3://${output.bucket}/${join(output.key, spec.endpointName, scheduleName, hourPath(scheduledTime))}`;
  return {
    ProcessingInputs: inputs,
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "result",
          AppManaged: false,
          S3Output: {
            S3Uri: reportUri,
            LocalPath: spec.outputLocalPath,
            S3UploadMode: "Continuous",
          },
        },
      ],
      KmsKeyId: spec.outputKmsKeyId,
    },
    ProcessingJobName: name,
    ProcessingResources: { ClusterConfig: spec.cluster },
    StoppingCondition: { MaxRuntimeInSeconds: spec.maxRuntimeInSeconds ?? 3600 },
    AppSpecification: {
      ImageUri: spec.imageUri,
      ContainerEntrypoint: spec.containerEntrypoint,
      ContainerArguments: spec.containerArguments,
    },
    Environment: environment,
    NetworkConfig: spec.networkConfig,
    RoleArn: spec.roleArn,
    ProcessingJobArn: monitoringArn(ctx, "processing-job", name),
    ProcessingJobStatus: "InProgress",
    CreationTime: now,
    LastModifiedTime: now,
    MonitoringScheduleArn: schedule.MonitoringScheduleArn,
  };
}

function saveExecution(
  ctx: MonitoringContext,
  key: string,
  execution: ExecutionSummary,
  window: { start: Date; end: Date },
): ExecutionSummary {
  const stored = { ...execution, LastModifiedTime: epochSeconds(ctx.clock.now()) };
  ctx.monitoring.put("sagemaker-monitoring-execution", key, {
    execution: stored,
    windowStart: epochSeconds(window.start),
    windowEnd: epochSeconds(window.end),
  });
  return stored;
}

/** The execution already recorded for (schedule, T), if any. */
export function findExecution(ctx: MonitoringContext, scheduleName: string, scheduledTime: Date) {
  return ctx.monitoring.get(
    "sagemaker-monitoring-execution",
    executionKey(scheduleName, epochSeconds(scheduledTime)),
  );
}

/**
 * Runs the execution of `doc` scheduled at `scheduledTime` to its end and returns its summary.
 * Idempotent: an execution that already exists for that time is returned as it is.
 */
export async function runExecution(
  ctx: MonitoringContext,
  deps: ExecutionDeps,
  doc: MonitoringScheduleDoc,
  scheduledTime: Date,
): Promise<ExecutionSummary> {
  const schedule = doc.schedule;
  const scheduleName = schedule.MonitoringScheduleName!;
  const key = executionKey(scheduleName, epochSeconds(scheduledTime));
  const existing = ctx.monitoring.get("sagemaker-monitoring-execution", key);
  if (existing) return existing.execution;

  const parsed = parseScheduleConfig(schedule.MonitoringScheduleConfig!.ScheduleConfig ?? {});
  const window = {
    start: new Date(scheduledTime.getTime() + parsed.windowStartOffsetMs),
    end: new Date(scheduledTime.getTime() + parsed.windowEndOffsetMs),
  };
  const now = epochSeconds(ctx.clock.now());
  let execution: ExecutionSummary = {
    MonitoringScheduleName: scheduleName,
    ScheduledTime: epochSeconds(scheduledTime),
    CreationTime: now,
    LastModifiedTime: now,
    MonitoringExecutionStatus: "Pending",
    EndpointName: schedule.EndpointName,
    MonitoringJobDefinitionName: schedule.MonitoringScheduleConfig?.MonitoringJobDefinitionName,
    MonitoringType: schedule.MonitoringType ?? "DataQuality",
  };
  execution = saveExecution(ctx, key, execution, window);
  const fail = (reason: string) =>
    saveExecution(
      ctx,
      key,
      { ...execution, MonitoringExecutionStatus: "Failed", FailureReason: reason },
      window,
    );

  let spec: MonitoringJobSpec;
  try {
    spec = scheduleJobSpec(ctx, doc);
  } catch (error) {
    return fail(`ClientError: ${(error as Error).message}`);
  }
  if (deps.flusher) {
    try {
      await deps.flusher.flushUntil(window.end);
    } catch (error) {
      deps.log?.(
        `capture flush before ${isoSeconds(window.end)} failed: ${(error as Error).message}`,
      );
    }
  }
  const endpoint = deps.endpoints(spec.endpointName);
  if (!endpoint) {
    return fail(
      `ClientError: Endpoint ${spec.endpointName} does not exist, so there is no captured data to monitor. ` +
        "Recreate the endpoint (with DataCaptureConfig) or delete this schedule.",
    );
  }
  if (!endpoint.destinationS3Uri) {
    return fail(
      `ClientError: Endpoint ${spec.endpointName} has no DataCaptureConfig, so there is no captured data to ` +
        "monitor. Update the endpoint to a config with data capture enabled.",
    );
  }
  const folders = captureFolders(
    ctx,
    endpoint.destinationS3Uri,
    spec.endpointName,
    window.start,
    window.end,
  );
  if (folders.length === 0) {
    deps.log?.(
      `${scheduleName} @ ${isoSeconds(scheduledTime)}: no capture under ${endpoint.destinationS3Uri}/${spec.endpointName} ` +
        `for ${isoSeconds(window.start)}..${isoSeconds(window.end)}; send traffic to the endpoint during that window`,
    );
    return fail(NO_DATA_REASON);
  }
  const job = buildJob(ctx, doc, spec, folders, scheduledTime, window);
  if (ctx.monitoring.get("sagemaker-processing-job", job.ProcessingJobName!)) {
    return fail(`InternalServerError: processing job ${job.ProcessingJobName} already exists.`);
  }
  const running = startProcessingJob(ctx, deps.runner, job);
  execution = saveExecution(
    ctx,
    key,
    {
      ...execution,
      MonitoringExecutionStatus: "InProgress",
      ProcessingJobArn: job.ProcessingJobArn,
    },
    window,
  );
  const { job: ended, outcome } = await running;
  if (ended.ProcessingJobStatus === "Completed") {
    if (outcome && outcome.metrics.length > 0) {
      try {
        recordMetrics(ctx.workspace, outcome.metrics, {
          endpointName: spec.endpointName,
          scheduleName,
          timestamp: scheduledTime,
        });
      } catch (error) {
        deps.log?.(`could not record CloudWatch metrics: ${(error as Error).message}`);
      }
    }
    return saveExecution(
      ctx,
      key,
      {
        ...execution,
        MonitoringExecutionStatus:
          outcome && outcome.violations > 0 ? "CompletedWithViolations" : "Completed",
      },
      window,
    );
  }
  if (ended.ProcessingJobStatus === "Stopped") {
    return saveExecution(ctx, key, { ...execution, MonitoringExecutionStatus: "Stopped" }, window);
  }
  const reason = ended.FailureReason ?? "AlgorithmError: the processing job failed";
  // SageMaker's bare wording for a window without data; but when the window held records that
  // could not be read, the count and reasons stay in the FailureReason (nothing silently dropped).
  const emptyWindow =
    reason.startsWith(`AlgorithmError: ${NO_DATA_REASON}`) && !/record\(s\) skipped/.test(reason);
  return fail(emptyWindow ? NO_DATA_REASON : reason);
}

/** Executions left Pending/InProgress by a previous process end Failed (they do not resume). */
export function settleInterruptedExecutions(ctx: MonitoringContext): number {
  let settled = 0;
  for (const doc of ctx.monitoring.list("sagemaker-monitoring-execution")) {
    const status = doc.execution.MonitoringExecutionStatus;
    if (status !== "Pending" && status !== "InProgress" && status !== "Stopping") continue;
    const key = executionKey(doc.execution.MonitoringScheduleName!, doc.execution.ScheduledTime!);
    ctx.monitoring.put("sagemaker-monitoring-execution", key, {
      ...doc,
      execution: {
        ...doc.execution,
        MonitoringExecutionStatus: status === "Stopping" ? "Stopped" : "Failed",
        FailureReason:
          status === "Stopping"
            ? undefined
            : "InternalServerError: The local emulator stopped while this execution was running; executions " +
              "do not resume after a restart (the schedule's next hour runs normally).",
        LastModifiedTime: epochSeconds(ctx.clock.now()),
      },
    });
    settled++;
  }
  return settled;
}

/** Every execution of a schedule, latest scheduled time first. */
export function executionsOf(ctx: MonitoringContext, scheduleName: string): ExecutionSummary[] {
  return ctx.monitoring
    .list("sagemaker-monitoring-execution")
    .map((d) => d.execution)
    .filter((e) => e.MonitoringScheduleName?.toLowerCase() === scheduleName.toLowerCase())
    .sort(
      (a, b) =>
        (b.ScheduledTime ?? 0) - (a.ScheduledTime ?? 0) ||
        (b.CreationTime ?? 0) - (a.CreationTime ?? 0),
    );
}

export function listMonitoringExecutions(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Out<ListMonitoringExecutionsCommandOutput> {
  const v = new Validator();
  v.string(raw.MonitoringScheduleName, "MonitoringScheduleName", RESOURCE_NAME);
  v.string(raw.EndpointName, "EndpointName", RESOURCE_NAME);
  v.string(raw.MonitoringJobDefinitionName, "MonitoringJobDefinitionName", RESOURCE_NAME);
  v.oneOf(raw.SortBy, "SortBy", ["CreationTime", "ScheduledTime", "Status"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  v.oneOf(raw.StatusEquals, "StatusEquals", EXECUTION_STATUSES);
  v.oneOf(raw.MonitoringTypeEquals, "MonitoringTypeEquals", [
    "DataQuality",
    "ModelQuality",
    "ModelBias",
    "ModelExplainability",
  ]);
  validatePaging(v, raw);
  v.done();
  const input = raw as In<ListMonitoringExecutionsCommandInput>;
  const scheduledAfter = readTimestamp(raw.ScheduledTimeAfter, "scheduledTimeAfter");
  const scheduledBefore = readTimestamp(raw.ScheduledTimeBefore, "scheduledTimeBefore");
  const createdAfter = readTimestamp(raw.CreationTimeAfter, "creationTimeAfter");
  const createdBefore = readTimestamp(raw.CreationTimeBefore, "creationTimeBefore");
  const modifiedAfter = readTimestamp(raw.LastModifiedTimeAfter, "lastModifiedTimeAfter");
  const modifiedBefore = readTimestamp(raw.LastModifiedTimeBefore, "lastModifiedTimeBefore");
  const same = (a: string | undefined, b: string | undefined) =>
    b === undefined || (a !== undefined && a.toLowerCase() === b.toLowerCase());
  const matching = ctx.monitoring
    .list("sagemaker-monitoring-execution")
    .map((d) => d.execution)
    .filter(
      (e) =>
        same(e.MonitoringScheduleName, input.MonitoringScheduleName) &&
        same(e.EndpointName, input.EndpointName) &&
        same(e.MonitoringJobDefinitionName, input.MonitoringJobDefinitionName) &&
        (!input.MonitoringTypeEquals || e.MonitoringType === input.MonitoringTypeEquals) &&
        (!input.StatusEquals || e.MonitoringExecutionStatus === input.StatusEquals) &&
        inWindow(e.ScheduledTime, scheduledAfter, scheduledBefore) &&
        inWindow(e.CreationTime, createdAfter, createdBefore) &&
        inWindow(e.LastModifiedTime, modifiedAfter, modifiedBefore),
    );
  const sorted = sortBy(
    matching,
    (e) =>
      input.SortBy === "ScheduledTime"
        ? e.ScheduledTime
        : input.SortBy === "Status"
          ? e.MonitoringExecutionStatus
          : e.CreationTime,
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    (e) => `${String(e.ScheduledTime).padStart(16, "0")} ${e.MonitoringScheduleName}`,
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return { MonitoringExecutionSummaries: page, NextToken: nextToken };
}
