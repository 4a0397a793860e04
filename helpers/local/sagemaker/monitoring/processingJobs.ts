/**
 * CreateProcessingJob / DescribeProcessingJob / ListProcessingJobs / StopProcessingJob.
 *
 * A job is a persisted DescribeProcessingJob document: InProgress when created, then Completed,
 * Failed or Stopped (via Stopping) as the analyzer runner (helpers/local/jobs/analyzerRunner.ts)
 * reports. Jobs whose image is not the Model Monitor analyzer are accepted, as AWS accepts any
 * image, and end Failed with a FailureReason that names the image local mode runs.
 */
import type {
  CreateProcessingJobCommandInput,
  CreateProcessingJobCommandOutput,
  ListProcessingJobsCommandOutput,
  ProcessingJobStatus,
  StopProcessingJobCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../../context";
import type { AnalyzerJobSpec, AnalyzerOutcome, AnalyzerRunner } from "../../jobs/analyzerRunner";
import { ENTITY_NAME } from "../trials";
import { PATTERNS, validateTags, Validator } from "../validation";
import { epochSeconds, type In, type Out } from "../wire";
import {
  getProcessingJob,
  monitoringArn,
  type MonitoringContext,
  type ProcessingJob,
} from "./docs";
import { validateNetworkConfig } from "./networkConfig";
import { listCommon } from "../commonListing";

export const JOB_NAME = { min: 1, max: 63, pattern: PATTERNS.jobName };
const STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"] as const;
/** ExitMessage and FailureReason hold at most 1 KB (the first 1 KB of the message file). */
const MESSAGE_LIMIT = 1024;

function truncate(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= MESSAGE_LIMIT) return text;
  // Cut on a character boundary: drop a trailing partial UTF-8 sequence.
  return bytes
    .subarray(0, MESSAGE_LIMIT)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

function validateCreate(raw: Record<string, unknown>): void {
  const v = new Validator();
  v.requiredString(raw.ProcessingJobName, "ProcessingJobName", JOB_NAME);
  if (v.list(raw.ProcessingInputs, "ProcessingInputs", { max: 10 })) {
    raw.ProcessingInputs.forEach((input, i) => {
      const p = `ProcessingInputs.${i + 1}`;
      if (!v.object(input, p)) return;
      v.requiredString(input.InputName, `${p}.InputName`, { max: 256, pattern: "[\\w\\-]+" });
      v.boolean(input.AppManaged, `${p}.AppManaged`);
      if (input.S3Input === undefined && input.DatasetDefinition === undefined) {
        v.required(undefined, `${p}.S3Input`);
      }
      if (!v.object(input.S3Input, `${p}.S3Input`)) return;
      const s3 = input.S3Input;
      const q = `${p}.S3Input`;
      v.requiredString(s3.S3Uri, `${q}.S3Uri`, { max: 1024, pattern: PATTERNS.s3Uri });
      if (input.AppManaged !== true) v.required(s3.LocalPath, `${q}.LocalPath`);
      v.string(s3.LocalPath, `${q}.LocalPath`, { max: 256, pattern: ".*" });
      v.required(s3.S3DataType, `${q}.S3DataType`);
      v.oneOf(s3.S3DataType, `${q}.S3DataType`, ["ManifestFile", "S3Prefix"]);
      v.oneOf(s3.S3InputMode, `${q}.S3InputMode`, ["Pipe", "File"]);
      v.oneOf(s3.S3DataDistributionType, `${q}.S3DataDistributionType`, [
        "FullyReplicated",
        "ShardedByS3Key",
      ]);
      v.oneOf(s3.S3CompressionType, `${q}.S3CompressionType`, ["None", "Gzip"]);
    });
  }
  if (v.object(raw.ProcessingOutputConfig, "ProcessingOutputConfig")) {
    const config = raw.ProcessingOutputConfig;
    if (
      v.required(config.Outputs, "ProcessingOutputConfig.Outputs") &&
      v.list(config.Outputs, "ProcessingOutputConfig.Outputs", { max: 10 })
    ) {
      config.Outputs.forEach((output, i) => {
        const p = `ProcessingOutputConfig.Outputs.${i + 1}`;
        if (!v.object(output, p)) return;
        v.requiredString(output.OutputName, `${p}.OutputName`, { max: 256, pattern: "[\\w\\-]+" });
        v.boolean(output.AppManaged, `${p}.AppManaged`);
        if (output.S3Output === undefined && output.FeatureStoreOutput === undefined) {
          v.required(undefined, `${p}.S3Output`);
        }
        if (!v.object(output.S3Output, `${p}.S3Output`)) return;
        const q = `${p}.S3Output`;
        v.requiredString(output.S3Output.S3Uri, `${q}.S3Uri`, {
          max: 1024,
          pattern: PATTERNS.s3Uri,
        });
        if (output.AppManaged !== true) v.required(output.S3Output.LocalPath, `${q}.LocalPath`);
        v.string(output.S3Output.LocalPath, `${q}.LocalPath`, { max: 256, pattern: ".*" });
        v.required(output.S3Output.S3UploadMode, `${q}.S3UploadMode`);
        v.oneOf(output.S3Output.S3UploadMode, `${q}.S3UploadMode`, ["Continuous", "EndOfJob"]);
      });
    }
    v.string(config.KmsKeyId, "ProcessingOutputConfig.KmsKeyId", {
      max: 2048,
      pattern: PATTERNS.kmsKeyId,
    });
  }
  if (
    v.required(raw.ProcessingResources, "ProcessingResources") &&
    v.object(raw.ProcessingResources, "ProcessingResources")
  ) {
    validateClusterConfig(
      v,
      raw.ProcessingResources.ClusterConfig,
      "ProcessingResources.ClusterConfig",
    );
  }
  if (v.object(raw.StoppingCondition, "StoppingCondition")) {
    v.required(raw.StoppingCondition.MaxRuntimeInSeconds, "StoppingCondition.MaxRuntimeInSeconds");
    v.integer(raw.StoppingCondition.MaxRuntimeInSeconds, "StoppingCondition.MaxRuntimeInSeconds", {
      min: 1,
      max: 777600,
    });
  }
  if (
    v.required(raw.AppSpecification, "AppSpecification") &&
    v.object(raw.AppSpecification, "AppSpecification")
  ) {
    const app = raw.AppSpecification;
    v.requiredString(app.ImageUri, "AppSpecification.ImageUri", { max: 255, pattern: ".*" });
    if (
      v.list(app.ContainerEntrypoint, "AppSpecification.ContainerEntrypoint", { min: 1, max: 100 })
    ) {
      app.ContainerEntrypoint.forEach((e, i) =>
        v.string(e, `AppSpecification.ContainerEntrypoint.${i + 1}`, { min: 1, max: 256 }),
      );
    }
    if (
      v.list(app.ContainerArguments, "AppSpecification.ContainerArguments", { min: 1, max: 256 })
    ) {
      app.ContainerArguments.forEach((a, i) =>
        v.string(a, `AppSpecification.ContainerArguments.${i + 1}`, { min: 1, max: 256 }),
      );
    }
  }
  validateEnvironment(v, raw.Environment, "Environment", 100);
  validateNetworkConfig(v, raw.NetworkConfig, "NetworkConfig");
  v.requiredString(raw.RoleArn, "RoleArn", { min: 20, max: 2048, pattern: PATTERNS.roleArn });
  if (v.object(raw.ExperimentConfig, "ExperimentConfig")) {
    const e = raw.ExperimentConfig;
    v.string(e.ExperimentName, "ExperimentConfig.ExperimentName", ENTITY_NAME);
    v.string(e.TrialName, "ExperimentConfig.TrialName", ENTITY_NAME);
    v.string(
      e.TrialComponentDisplayName,
      "ExperimentConfig.TrialComponentDisplayName",
      ENTITY_NAME,
    );
  }
  validateTags(v, raw.Tags);
  v.done();
}

/** ProcessingClusterConfig / MonitoringClusterConfig (same members and limits). */
export function validateClusterConfig(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  v.required(value.InstanceCount, `${path}.InstanceCount`);
  v.integer(value.InstanceCount, `${path}.InstanceCount`, { min: 1, max: 100 });
  v.requiredString(value.InstanceType, `${path}.InstanceType`, { pattern: "ml\\.[a-z0-9.-]+" });
  v.required(value.VolumeSizeInGB, `${path}.VolumeSizeInGB`);
  v.integer(value.VolumeSizeInGB, `${path}.VolumeSizeInGB`, { min: 1, max: 16384 });
  v.string(value.VolumeKmsKeyId, `${path}.VolumeKmsKeyId`, {
    max: 2048,
    pattern: PATTERNS.kmsKeyId,
  });
}

/**
 * Environment maps, keys and values ≤ 256 chars; at most 100 entries for processing jobs
 * (ProcessingEnvironmentMap), 50 for monitoring definitions (MonitoringEnvironmentMap).
 */
export function validateEnvironment(v: Validator, value: unknown, path: string, max = 50): void {
  if (!v.map(value, path, { max })) return;
  for (const [key, item] of Object.entries(value)) {
    v.string(key, `${path}.key`, { max: 256, pattern: "[a-zA-Z_][a-zA-Z0-9_]*" });
    if (typeof item !== "string") v.string(item, `${path}.${key}`);
    else v.string(item, `${path}.${key}`, { max: 256 });
  }
}

/** The stored job: the request with AWS's defaults filled in, InProgress. */
export function newProcessingJob(
  ctx: MonitoringContext,
  input: In<CreateProcessingJobCommandInput>,
  now: number,
): ProcessingJob {
  const name = input.ProcessingJobName!;
  return {
    ProcessingInputs: input.ProcessingInputs?.map((i) => ({
      ...i,
      AppManaged: i.AppManaged ?? false,
      S3Input: i.S3Input && {
        ...i.S3Input,
        S3InputMode: i.S3Input.S3InputMode ?? "File",
        S3DataDistributionType: i.S3Input.S3DataDistributionType ?? "FullyReplicated",
        S3CompressionType: i.S3Input.S3CompressionType ?? "None",
      },
    })),
    ProcessingOutputConfig: input.ProcessingOutputConfig && {
      ...input.ProcessingOutputConfig,
      Outputs: input.ProcessingOutputConfig.Outputs?.map((o) => ({
        ...o,
        AppManaged: o.AppManaged ?? false,
      })),
    },
    ProcessingJobName: name,
    ProcessingResources: input.ProcessingResources,
    StoppingCondition: input.StoppingCondition,
    AppSpecification: input.AppSpecification,
    Environment: input.Environment,
    NetworkConfig: input.NetworkConfig,
    RoleArn: input.RoleArn,
    ExperimentConfig: input.ExperimentConfig,
    ProcessingJobArn: monitoringArn(ctx, "processing-job", name),
    ProcessingJobStatus: "InProgress",
    CreationTime: now,
    LastModifiedTime: now,
  };
}

/** What the analyzer runner needs from a stored job. */
export function analyzerSpec(job: ProcessingJob): AnalyzerJobSpec {
  return {
    jobName: job.ProcessingJobName!,
    image: job.AppSpecification?.ImageUri,
    environment: job.Environment ?? {},
    inputs: (job.ProcessingInputs ?? [])
      .filter((i) => i.S3Input)
      .map((i) => ({
        name: i.InputName!,
        s3Uri: i.S3Input!.S3Uri!,
        localPath: i.S3Input!.LocalPath ?? `/opt/ml/processing/input/${i.InputName}`,
        s3DataType: i.S3Input!.S3DataType,
      })),
    outputs: (job.ProcessingOutputConfig?.Outputs ?? [])
      .filter((o) => o.S3Output)
      .map((o) => ({
        name: o.OutputName!,
        s3Uri: o.S3Output!.S3Uri!,
        localPath: o.S3Output!.LocalPath ?? `/opt/ml/processing/output/${o.OutputName}`,
      })),
    fromMonitoringSchedule: job.MonitoringScheduleArn !== undefined,
    maxRuntimeInSeconds: job.StoppingCondition?.MaxRuntimeInSeconds,
  };
}

function update(
  ctx: MonitoringContext,
  name: string,
  change: (job: ProcessingJob, now: number) => void,
): ProcessingJob {
  const doc = getProcessingJob(ctx, name);
  const now = epochSeconds(ctx.clock.now());
  const job: ProcessingJob = { ...doc.job, LastModifiedTime: now };
  change(job, now);
  ctx.monitoring.put("sagemaker-processing-job", name, { ...doc, job });
  return job;
}

function end(job: ProcessingJob, status: ProcessingJobStatus, now: number): void {
  job.ProcessingJobStatus = status;
  job.ProcessingEndTime = now;
  job.ProcessingStartTime ??= now;
}

/** How a job ended, for the monitoring execution that started it. */
export interface ProcessingResult {
  job: ProcessingJob;
  outcome?: AnalyzerOutcome;
}

/**
 * Stores a new job and runs it; the promise resolves with the final job once it has ended
 * (CreateProcessingJob does not wait for it; monitoring executions do).
 */
export function startProcessingJob(
  ctx: MonitoringContext,
  runner: AnalyzerRunner,
  job: ProcessingJob,
  tags: In<CreateProcessingJobCommandInput>["Tags"] = [],
): Promise<ProcessingResult> {
  const name = job.ProcessingJobName!;
  ctx.monitoring.put("sagemaker-processing-job", name, { job, tags: tags ?? [] });
  let outcome: AnalyzerOutcome | undefined;
  const done = runner.start(analyzerSpec(job), {
    started: () => {
      update(ctx, name, (j, now) => {
        j.ProcessingStartTime = now;
      });
    },
    completed: (result) => {
      outcome = result;
      update(ctx, name, (j, now) => {
        end(j, "Completed", now);
        j.ExitMessage = truncate(result.message);
      });
    },
    failed: (reason, message) => {
      update(ctx, name, (j, now) => {
        end(j, "Failed", now);
        j.FailureReason = truncate(reason);
        j.ExitMessage = truncate(message);
      });
    },
    stopped: () => {
      update(ctx, name, (j, now) => end(j, "Stopped", now));
    },
  });
  return done.then(() => ({ job: getProcessingJob(ctx, name).job, outcome }));
}

export function createProcessingJob(
  ctx: MonitoringContext,
  runner: AnalyzerRunner,
  raw: Record<string, unknown>,
): Out<CreateProcessingJobCommandOutput> {
  validateCreate(raw);
  const input = raw as In<CreateProcessingJobCommandInput>;
  const name = input.ProcessingJobName!;
  const existing = ctx.monitoring.get("sagemaker-processing-job", name);
  if (existing) {
    throw new AwsError(
      "ResourceInUse",
      "Job name must be unique within an AWS account and region, and a job with this name already exists " +
        `(${existing.job.ProcessingJobArn})`,
    );
  }
  const job = newProcessingJob(ctx, input, epochSeconds(ctx.clock.now()));
  void startProcessingJob(ctx, runner, job, input.Tags);
  return { ProcessingJobArn: job.ProcessingJobArn };
}

export function describeProcessingJob(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): ProcessingJob {
  const v = new Validator();
  v.requiredString(raw.ProcessingJobName, "ProcessingJobName", JOB_NAME);
  v.done();
  return getProcessingJob(ctx, raw.ProcessingJobName as string).job;
}

export function listProcessingJobs(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Out<ListProcessingJobsCommandOutput> {
  const v = new Validator();
  const { page, nextToken } = listCommon(
    v,
    raw,
    ctx.monitoring.list("sagemaker-processing-job").map((d) => d.job),
    {
      name: (j) => j.ProcessingJobName,
      status: { of: (j) => j.ProcessingJobStatus, values: STATUSES },
      creationTime: (j) => j.CreationTime,
      lastModifiedTime: (j) => j.LastModifiedTime,
      defaultSortOrder: "Ascending",
    },
  );
  return {
    ProcessingJobSummaries: page.map((j) => ({
      ProcessingJobName: j.ProcessingJobName,
      ProcessingJobArn: j.ProcessingJobArn,
      CreationTime: j.CreationTime,
      ProcessingEndTime: j.ProcessingEndTime,
      LastModifiedTime: j.LastModifiedTime,
      ProcessingJobStatus: j.ProcessingJobStatus,
      FailureReason: j.FailureReason,
      ExitMessage: j.ExitMessage,
    })),
    NextToken: nextToken,
  };
}

export function stopProcessingJob(
  ctx: MonitoringContext,
  runner: AnalyzerRunner,
  raw: Record<string, unknown>,
): Out<StopProcessingJobCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ProcessingJobName, "ProcessingJobName", JOB_NAME);
  v.done();
  const name = raw.ProcessingJobName as string;
  const doc = getProcessingJob(ctx, name);
  if (doc.job.ProcessingJobStatus !== "InProgress") {
    throw new AwsError(
      "ValidationException",
      `The request was rejected because the processing job is in status ${doc.job.ProcessingJobStatus}.`,
    );
  }
  update(ctx, name, (j) => {
    j.ProcessingJobStatus = "Stopping";
  });
  if (runner.isRunning(name)) runner.stop(name);
  else update(ctx, name, (j, now) => end(j, "Stopped", now));
  return {};
}

/**
 * Jobs left InProgress or Stopping by a previous emulator process have no runner any more:
 * InProgress ends Failed with a reason saying why, Stopping ends Stopped (as training does).
 */
export function settleInterruptedProcessingJobs(
  ctx: MonitoringContext,
  runner: AnalyzerRunner,
): string[] {
  const settled: string[] = [];
  for (const doc of ctx.monitoring.list("sagemaker-processing-job")) {
    const name = doc.job.ProcessingJobName!;
    if (runner.isRunning(name)) continue;
    if (doc.job.ProcessingJobStatus === "Stopping") {
      update(ctx, name, (j, now) => end(j, "Stopped", now));
      settled.push(name);
    } else if (doc.job.ProcessingJobStatus === "InProgress") {
      update(ctx, name, (j, now) => {
        end(j, "Failed", now);
        j.FailureReason = INTERRUPTED_REASON;
      });
      settled.push(name);
    }
  }
  return settled;
}

export const INTERRUPTED_REASON =
  "InternalServerError: The local emulator stopped while this processing job was running, and local jobs do " +
  "not resume after a restart. Create a new processing job (with a new name) to run it again.";
