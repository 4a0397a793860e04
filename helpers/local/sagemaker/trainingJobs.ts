/**
 * CreateTrainingJob / DescribeTrainingJob / ListTrainingJobs / StopTrainingJob.
 *
 * A job is a persisted DescribeTrainingJob document. CreateTrainingJob validates the request,
 * stores the job as InProgress/Starting and hands it to the training runner (helpers/local/jobs),
 * whose steps are recorded here as SecondaryStatusTransitions with SageMaker's status messages.
 */
import path from "node:path";
import type {
  CreateTrainingJobCommandInput,
  CreateTrainingJobCommandOutput,
  DescribeTrainingJobCommandInput,
  DescribeTrainingJobCommandOutput,
  ListTrainingJobsCommandOutput,
  SecondaryStatus,
  StopTrainingJobCommandInput,
  StopTrainingJobCommandOutput,
  TrainingJobStatus,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../context";
import type {
  StopCause,
  TrainingJobSpec,
  TrainingReporter,
  TrainingRunner,
} from "../jobs/trainingRunner";
import { sageMakerArn } from "./arn";
import { trainingJobNotFound } from "./errors";
import { validateVpcConfig } from "./models";
import type { SageMakerContext, TrainingJobDoc } from "./store";
import { createTrainingTrialComponent, syncTrainingTrialComponent } from "./trainingTrialComponent";
import { ENTITY_NAME, getTrial } from "./trials";
import { PATTERNS, validateTags, Validator } from "./validation";
import { epochSeconds, type In, type Out } from "./wire";
import { listCommon } from "./commonListing";

type Job = TrainingJobDoc["job"];

const JOB_NAME = { min: 1, max: 63, pattern: PATTERNS.jobName };
const STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"] as const;

/** SageMaker's StatusMessage for each secondary status. */
const MESSAGES = {
  Starting: "Launching requested ML instances",
  Completed: "Training job completed",
  Failed: "Training job failed",
  Stopping: "Stopping the training job",
  Stopped: "Training job stopped",
  MaxRuntimeExceeded: "Training job runtime exceeded MaxRuntimeInSeconds provided",
} as const;

export function getTrainingJob(ctx: SageMakerContext, name: string): TrainingJobDoc {
  const doc = ctx.store.get("sagemaker-training-job", name);
  if (!doc) throw trainingJobNotFound();
  return doc;
}

function validateCreate(raw: Record<string, unknown>): void {
  const v = new Validator();
  v.requiredString(raw.TrainingJobName, "TrainingJobName", JOB_NAME);
  if (v.required(raw.AlgorithmSpecification, "AlgorithmSpecification")) {
    const a = raw.AlgorithmSpecification;
    if (v.object(a, "AlgorithmSpecification")) {
      v.string(a.TrainingImage, "AlgorithmSpecification.TrainingImage", {
        max: 255,
        pattern: "[\\S]+",
      });
      v.string(a.AlgorithmName, "AlgorithmSpecification.AlgorithmName", { min: 1, max: 170 });
      if (v.required(a.TrainingInputMode, "AlgorithmSpecification.TrainingInputMode")) {
        v.oneOf(a.TrainingInputMode, "AlgorithmSpecification.TrainingInputMode", [
          "Pipe",
          "File",
          "FastFile",
        ]);
      }
      v.boolean(
        a.EnableSageMakerMetricsTimeSeries,
        "AlgorithmSpecification.EnableSageMakerMetricsTimeSeries",
      );
      if (v.list(a.MetricDefinitions, "AlgorithmSpecification.MetricDefinitions", { max: 40 })) {
        a.MetricDefinitions.forEach((m, i) => {
          const p = `AlgorithmSpecification.MetricDefinitions.${i + 1}`;
          if (!v.object(m, p)) return;
          v.requiredString(m.Name, `${p}.Name`, { min: 1, max: 255 });
          v.requiredString(m.Regex, `${p}.Regex`, { min: 1, max: 500 });
        });
      }
    }
  }
  v.requiredString(raw.RoleArn, "RoleArn", { min: 20, max: 2048, pattern: PATTERNS.roleArn });
  if (v.map(raw.HyperParameters, "HyperParameters", { max: 100 })) {
    for (const [key, value] of Object.entries(raw.HyperParameters)) {
      v.string(key, "HyperParameters.key", { max: 256 });
      v.string(value, `HyperParameters.${key}`, { max: 2500 });
    }
  }
  if (v.list(raw.InputDataConfig, "InputDataConfig", { min: 1, max: 20 })) {
    const seen = new Set<string>();
    raw.InputDataConfig.forEach((c, i) => {
      const p = `InputDataConfig.${i + 1}`;
      if (!v.object(c, p)) return;
      v.requiredString(c.ChannelName, `${p}.ChannelName`, {
        min: 1,
        max: 64,
        pattern: PATTERNS.channelName,
      });
      if (typeof c.ChannelName === "string") {
        if (seen.has(c.ChannelName)) v.oneOf(c.ChannelName, `${p}.ChannelName (unique)`, []);
        seen.add(c.ChannelName);
      }
      v.string(c.ContentType, `${p}.ContentType`, { max: 256 });
      v.oneOf(c.CompressionType, `${p}.CompressionType`, ["None", "Gzip"]);
      v.oneOf(c.RecordWrapperType, `${p}.RecordWrapperType`, ["None", "RecordIO"]);
      v.oneOf(c.InputMode, `${p}.InputMode`, ["Pipe", "File", "FastFile"]);
      if (
        v.required(c.DataSource, `${p}.DataSource`) &&
        v.object(c.DataSource, `${p}.DataSource`)
      ) {
        const s3 = c.DataSource.S3DataSource;
        if (v.object(s3, `${p}.DataSource.S3DataSource`)) {
          const q = `${p}.DataSource.S3DataSource`;
          v.required(s3.S3DataType, `${q}.S3DataType`);
          v.oneOf(s3.S3DataType, `${q}.S3DataType`, [
            "ManifestFile",
            "S3Prefix",
            "AugmentedManifestFile",
          ]);
          v.requiredString(s3.S3Uri, `${q}.S3Uri`, { max: 1024, pattern: PATTERNS.s3Uri });
          v.oneOf(s3.S3DataDistributionType, `${q}.S3DataDistributionType`, [
            "FullyReplicated",
            "ShardedByS3Key",
          ]);
        } else if (c.DataSource.FileSystemDataSource === undefined) {
          v.required(undefined, `${p}.DataSource.S3DataSource`);
        }
      }
    });
  }
  if (
    v.required(raw.OutputDataConfig, "OutputDataConfig") &&
    v.object(raw.OutputDataConfig, "OutputDataConfig")
  ) {
    const o = raw.OutputDataConfig;
    v.requiredString(o.S3OutputPath, "OutputDataConfig.S3OutputPath", {
      max: 1024,
      pattern: PATTERNS.s3Uri,
    });
    v.string(o.KmsKeyId, "OutputDataConfig.KmsKeyId", { max: 2048, pattern: PATTERNS.kmsKeyId });
    v.oneOf(o.CompressionType, "OutputDataConfig.CompressionType", ["GZIP", "NONE"]);
  }
  if (
    v.required(raw.ResourceConfig, "ResourceConfig") &&
    v.object(raw.ResourceConfig, "ResourceConfig")
  ) {
    const r = raw.ResourceConfig;
    v.string(r.InstanceType, "ResourceConfig.InstanceType", { pattern: "ml\\.[a-z0-9.-]+" });
    v.integer(r.InstanceCount, "ResourceConfig.InstanceCount", { min: 0 });
    v.required(r.VolumeSizeInGB, "ResourceConfig.VolumeSizeInGB");
    v.integer(r.VolumeSizeInGB, "ResourceConfig.VolumeSizeInGB", { min: 0 });
    v.string(r.VolumeKmsKeyId, "ResourceConfig.VolumeKmsKeyId", {
      max: 2048,
      pattern: PATTERNS.kmsKeyId,
    });
    v.integer(r.KeepAlivePeriodInSeconds, "ResourceConfig.KeepAlivePeriodInSeconds", {
      min: 0,
      max: 3600,
    });
  }
  if (
    v.required(raw.StoppingCondition, "StoppingCondition") &&
    v.object(raw.StoppingCondition, "StoppingCondition")
  ) {
    const s = raw.StoppingCondition;
    v.integer(s.MaxRuntimeInSeconds, "StoppingCondition.MaxRuntimeInSeconds", { min: 1 });
    v.integer(s.MaxWaitTimeInSeconds, "StoppingCondition.MaxWaitTimeInSeconds", { min: 1 });
    v.integer(s.MaxPendingTimeInSeconds, "StoppingCondition.MaxPendingTimeInSeconds", {
      min: 7200,
      max: 2419200,
    });
  }
  validateVpcConfig(v, raw.VpcConfig);
  v.boolean(raw.EnableNetworkIsolation, "EnableNetworkIsolation");
  v.boolean(raw.EnableInterContainerTrafficEncryption, "EnableInterContainerTrafficEncryption");
  v.boolean(raw.EnableManagedSpotTraining, "EnableManagedSpotTraining");
  if (v.object(raw.CheckpointConfig, "CheckpointConfig")) {
    v.requiredString(raw.CheckpointConfig.S3Uri, "CheckpointConfig.S3Uri", {
      max: 1024,
      pattern: PATTERNS.s3Uri,
    });
    v.string(raw.CheckpointConfig.LocalPath, "CheckpointConfig.LocalPath", { max: 4096 });
  }
  if (v.object(raw.ExperimentConfig, "ExperimentConfig")) {
    const e = raw.ExperimentConfig;
    v.string(e.ExperimentName, "ExperimentConfig.ExperimentName", ENTITY_NAME);
    v.string(e.TrialName, "ExperimentConfig.TrialName", ENTITY_NAME);
    v.string(
      e.TrialComponentDisplayName,
      "ExperimentConfig.TrialComponentDisplayName",
      ENTITY_NAME,
    );
    v.string(e.RunName, "ExperimentConfig.RunName", ENTITY_NAME);
  }
  if (v.map(raw.Environment, "Environment", { max: 100 })) {
    for (const [key, value] of Object.entries(raw.Environment)) {
      v.string(key, "Environment.key", { max: 512, pattern: "[a-zA-Z_][a-zA-Z0-9_]*" });
      v.string(value, `Environment.${key}`, { max: 512 });
    }
  }
  validateTags(v, raw.Tags);
  v.done();
}

/** Checks that need more than one member, with SageMaker's messages. */
function validateCreateSemantics(
  ctx: SageMakerContext,
  input: In<CreateTrainingJobCommandInput>,
): void {
  const spec = input.AlgorithmSpecification!;
  if (!spec.TrainingImage === !spec.AlgorithmName) {
    throw new AwsError(
      "ValidationException",
      "Exactly one of AlgorithmSpecification.TrainingImage or AlgorithmSpecification.AlgorithmName must be specified.",
    );
  }
  if (!input.ResourceConfig!.InstanceType || input.ResourceConfig!.InstanceCount === undefined) {
    throw new AwsError(
      "ValidationException",
      "ResourceConfig.InstanceType and ResourceConfig.InstanceCount are required (for example ml.m5.xlarge and 1).",
    );
  }
  const stopping = input.StoppingCondition!;
  if (input.EnableManagedSpotTraining) {
    if (stopping.MaxWaitTimeInSeconds === undefined) {
      throw new AwsError(
        "ValidationException",
        "Invalid MaxWaitTimeInSeconds. It is required for managed spot training.",
      );
    }
    if (stopping.MaxWaitTimeInSeconds < (stopping.MaxRuntimeInSeconds ?? 86400)) {
      throw new AwsError(
        "ValidationException",
        "Invalid MaxWaitTimeInSeconds. It must be present and be greater than or equal to MaxRuntimeInSeconds",
      );
    }
  } else if (stopping.MaxWaitTimeInSeconds !== undefined) {
    throw new AwsError(
      "ValidationException",
      "MaxWaitTimeInSeconds is only valid with managed spot training (EnableManagedSpotTraining: true).",
    );
  }
  const experiment = input.ExperimentConfig;
  if (experiment?.TrialName) {
    const trial = getTrial(ctx, experiment.TrialName).trial;
    if (
      experiment.ExperimentName &&
      trial.ExperimentName?.toLowerCase() !== experiment.ExperimentName.toLowerCase()
    ) {
      throw new AwsError(
        "ValidationException",
        `Trial '${trial.TrialName}' belongs to experiment '${trial.ExperimentName}', not '${experiment.ExperimentName}'.`,
      );
    }
  } else if (experiment?.ExperimentName) {
    throw new AwsError(
      "ValidationException",
      "ExperimentConfig.TrialName is required when ExperimentConfig.ExperimentName is given: create a trial " +
        "in the experiment (CreateTrial) and pass its name.",
    );
  }
}

/** The stored job: the request with AWS's defaults filled in, InProgress/Starting. */
function newJob(ctx: SageMakerContext, input: In<CreateTrainingJobCommandInput>, now: number): Job {
  const name = input.TrainingJobName!;
  return {
    TrainingJobName: name,
    TrainingJobArn: sageMakerArn(ctx, "training-job", name),
    ModelArtifacts: undefined,
    TrainingJobStatus: "InProgress",
    SecondaryStatus: "Starting",
    HyperParameters: input.HyperParameters ?? {},
    AlgorithmSpecification: {
      ...input.AlgorithmSpecification!,
      EnableSageMakerMetricsTimeSeries:
        input.AlgorithmSpecification!.EnableSageMakerMetricsTimeSeries ?? false,
    },
    RoleArn: input.RoleArn,
    InputDataConfig: input.InputDataConfig?.map((c) => ({
      ...c,
      DataSource: c.DataSource?.S3DataSource
        ? {
            ...c.DataSource,
            S3DataSource: {
              ...c.DataSource.S3DataSource,
              S3DataDistributionType:
                c.DataSource.S3DataSource.S3DataDistributionType ?? "FullyReplicated",
            },
          }
        : c.DataSource,
      CompressionType: c.CompressionType ?? "None",
      RecordWrapperType: c.RecordWrapperType ?? "None",
    })),
    OutputDataConfig: {
      ...input.OutputDataConfig!,
      CompressionType: input.OutputDataConfig!.CompressionType ?? "GZIP",
    },
    ResourceConfig: input.ResourceConfig,
    VpcConfig: input.VpcConfig,
    StoppingCondition: {
      ...input.StoppingCondition,
      MaxRuntimeInSeconds: input.StoppingCondition!.MaxRuntimeInSeconds ?? 86400,
    },
    CreationTime: now,
    LastModifiedTime: now,
    SecondaryStatusTransitions: [
      { Status: "Starting", StartTime: now, StatusMessage: MESSAGES.Starting },
    ],
    EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
    EnableInterContainerTrafficEncryption: input.EnableInterContainerTrafficEncryption ?? false,
    EnableManagedSpotTraining: input.EnableManagedSpotTraining ?? false,
    CheckpointConfig: input.CheckpointConfig,
    ExperimentConfig: input.ExperimentConfig,
    Environment: input.Environment,
    RetryStrategy: input.RetryStrategy,
    DebugHookConfig: input.DebugHookConfig,
    ProfilerConfig: input.ProfilerConfig,
  };
}

/** Appends a secondary status transition (closing the previous one) and saves the job. */
function transition(
  ctx: SageMakerContext,
  name: string,
  secondary: SecondaryStatus,
  message: string,
  change: (job: Job, now: number) => void = () => undefined,
  metricHistory?: Record<string, number[]>,
): Job {
  const doc = getTrainingJob(ctx, name);
  const now = epochSeconds(ctx.clock.now());
  const transitions = [...(doc.job.SecondaryStatusTransitions ?? [])];
  const last = transitions[transitions.length - 1];
  if (last && last.EndTime === undefined)
    transitions[transitions.length - 1] = { ...last, EndTime: now };
  const terminal = ["Completed", "Failed", "Stopped", "MaxRuntimeExceeded"].includes(secondary);
  transitions.push({
    Status: secondary,
    StartTime: now,
    EndTime: terminal ? now : undefined,
    StatusMessage: message,
  });
  const job: Job = {
    ...doc.job,
    SecondaryStatus: secondary,
    SecondaryStatusTransitions: transitions,
    LastModifiedTime: now,
  };
  change(job, now);
  ctx.store.put("sagemaker-training-job", name, { ...doc, job });
  syncTrainingTrialComponent(ctx, job, metricHistory);
  return job;
}

/** Marks the end of a job: end time and the (billable) training time in whole seconds. */
function finish(job: Job, status: TrainingJobStatus, now: number): void {
  job.TrainingJobStatus = status;
  job.TrainingEndTime = now;
  if (job.TrainingStartTime !== undefined) {
    // AWS reports whole seconds; a job that ran at all is reported as at least 1 s.
    const seconds = Math.max(1, Math.ceil(now - job.TrainingStartTime));
    job.TrainingTimeInSeconds = seconds;
    job.BillableTimeInSeconds = seconds;
  }
}

function reporter(ctx: SageMakerContext, name: string): TrainingReporter {
  return {
    step(step, message) {
      transition(ctx, name, step, message, (job, now) => {
        if (step === "Downloading") job.TrainingStartTime = now;
      });
    },
    completed(outcome) {
      transition(
        ctx,
        name,
        "Completed",
        MESSAGES.Completed,
        (job, now) => {
          finish(job, "Completed", now);
          job.ModelArtifacts = { S3ModelArtifacts: outcome.modelArtifacts };
          job.FinalMetricDataList = Object.entries(outcome.metricHistory).map(
            ([metric, values]) => ({
              MetricName: metric,
              Value: values[values.length - 1],
              Timestamp: now,
            }),
          );
        },
        outcome.metricHistory,
      );
    },
    failed(reason) {
      transition(ctx, name, "Failed", MESSAGES.Failed, (job, now) => {
        finish(job, "Failed", now);
        // FailureReason is at most 1024 characters in SageMaker's model.
        job.FailureReason = reason.length > 1024 ? `${reason.slice(0, 1021)}...` : reason;
      });
    },
    stopped(cause: StopCause) {
      if (cause === "MaxRuntimeExceeded") {
        transition(ctx, name, "MaxRuntimeExceeded", MESSAGES.MaxRuntimeExceeded, (job, now) =>
          finish(job, "Stopped", now),
        );
      } else {
        transition(ctx, name, "Stopped", MESSAGES.Stopped, (job, now) =>
          finish(job, "Stopped", now),
        );
      }
    },
  };
}

function specOf(ctx: SageMakerContext, job: Job): TrainingJobSpec {
  return {
    jobName: job.TrainingJobName!,
    image: job.AlgorithmSpecification?.TrainingImage,
    roleArn: job.RoleArn!,
    region: ctx.region,
    hyperparameters: job.HyperParameters ?? {},
    channels: (job.InputDataConfig ?? []).map((c) => ({
      name: c.ChannelName!,
      s3Uri: c.DataSource?.S3DataSource?.S3Uri ?? "",
      s3DataType:
        c.DataSource?.S3DataSource?.S3DataType ??
        (c.DataSource?.FileSystemDataSource ? "FileSystem" : undefined),
      contentType: c.ContentType,
      compressionType: c.CompressionType,
    })),
    outputPath: job.OutputDataConfig!.S3OutputPath!,
    maxRuntimeInSeconds: job.StoppingCondition?.MaxRuntimeInSeconds,
  };
}

/** Where each job's algorithm log goes (the lines XGBoost prints per round). */
export function trainingLogDir(workspace: string): string {
  return path.join(workspace, "logs", "training-jobs");
}

export function createTrainingJob(
  ctx: SageMakerContext,
  runner: TrainingRunner,
  raw: Record<string, unknown>,
): Out<CreateTrainingJobCommandOutput> {
  validateCreate(raw);
  const input = raw as In<CreateTrainingJobCommandInput>;
  const name = input.TrainingJobName!;
  const existing = ctx.store.get("sagemaker-training-job", name);
  if (existing) {
    throw new AwsError(
      "ResourceInUse",
      "Training job names must be unique within an AWS account and region, and a training job with this " +
        `name already exists (${existing.job.TrainingJobArn})`,
    );
  }
  validateCreateSemantics(ctx, input);
  const job = newJob(ctx, input, epochSeconds(ctx.clock.now()));
  ctx.store.put("sagemaker-training-job", name, { job, tags: input.Tags ?? [] });
  createTrainingTrialComponent(ctx, job);
  runner.start(specOf(ctx, job), reporter(ctx, name));
  return { TrainingJobArn: job.TrainingJobArn };
}

export function describeTrainingJob(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DescribeTrainingJobCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.TrainingJobName, "TrainingJobName", JOB_NAME);
  v.done();
  return getTrainingJob(ctx, (raw as In<DescribeTrainingJobCommandInput>).TrainingJobName!).job;
}

export function listTrainingJobs(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<ListTrainingJobsCommandOutput> {
  const v = new Validator();
  const { page, nextToken } = listCommon(
    v,
    raw,
    ctx.store.list("sagemaker-training-job").map((d) => d.job),
    {
      name: (j) => j.TrainingJobName,
      status: { of: (j) => j.TrainingJobStatus, values: STATUSES },
      creationTime: (j) => j.CreationTime,
      lastModifiedTime: (j) => j.LastModifiedTime,
      defaultSortOrder: "Ascending",
    },
  );
  return {
    TrainingJobSummaries: page.map((j) => ({
      TrainingJobName: j.TrainingJobName,
      TrainingJobArn: j.TrainingJobArn,
      CreationTime: j.CreationTime,
      TrainingEndTime: j.TrainingEndTime,
      LastModifiedTime: j.LastModifiedTime,
      TrainingJobStatus: j.TrainingJobStatus,
      SecondaryStatus: j.SecondaryStatus,
    })),
    NextToken: nextToken,
  };
}

export async function stopTrainingJob(
  ctx: SageMakerContext,
  runner: TrainingRunner,
  raw: Record<string, unknown>,
): Promise<Out<StopTrainingJobCommandOutput>> {
  const v = new Validator();
  v.requiredString(raw.TrainingJobName, "TrainingJobName", JOB_NAME);
  v.done();
  const input = raw as In<StopTrainingJobCommandInput>;
  const doc = getTrainingJob(ctx, input.TrainingJobName!);
  const name = doc.job.TrainingJobName!;
  if (doc.job.TrainingJobStatus !== "InProgress") {
    throw new AwsError(
      "ValidationException",
      `The request was rejected because the training job is in status ${doc.job.TrainingJobStatus}.`,
    );
  }
  transition(ctx, name, "Stopping", MESSAGES.Stopping, (job) => {
    job.TrainingJobStatus = "Stopping";
  });
  // The runner reports Stopped once the worker is gone; StopTrainingJob answers right away.
  if (!runner.isRunning(name)) reporter(ctx, name).stopped("StopTrainingJob");
  else void runner.stop(name, "StopTrainingJob");
  return {};
}

/**
 * After a restart no worker is running for jobs left InProgress or Stopping by the previous
 * process. Local training does not resume (the worker's state is gone), so such jobs end here:
 * InProgress -> Failed with a reason that says what happened, Stopping -> Stopped.
 */
export function settleInterruptedJobs(ctx: SageMakerContext, runner: TrainingRunner): string[] {
  const settled: string[] = [];
  for (const doc of ctx.store.list("sagemaker-training-job")) {
    const name = doc.job.TrainingJobName!;
    if (runner.isRunning(name)) continue;
    if (doc.job.TrainingJobStatus === "Stopping") {
      reporter(ctx, name).stopped("StopTrainingJob");
      settled.push(name);
    } else if (doc.job.TrainingJobStatus === "InProgress") {
      reporter(ctx, name).failed(
        "InternalServerError: The local emulator stopped while this training job was running, and local " +
          "training jobs do not resume after a restart. Create a new training job (with a new name) to train again.",
      );
      settled.push(name);
    }
  }
  return settled;
}
