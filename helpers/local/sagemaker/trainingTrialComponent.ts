/**
 * The trial component SageMaker creates for every training job, `<job>-aws-training-job`, with
 * Source = the job's ARN (SourceType SageMakerTrainingJob), the hyperparameters as Parameters
 * (numeric strings as NumberValue, as SageMaker records them), `SageMaker.ImageUri`,
 * `SageMaker.InstanceType`, `SageMaker.InstanceCount` and `SageMaker.VolumeSizeInGB`, one input
 * artifact per channel, `SageMaker.ModelArtifact` as output and the job's metrics. When the job
 * has an ExperimentConfig the component is associated with its trial. Its status follows the job.
 */
import type {
  TrialComponentMetricSummary,
  TrialComponentParameterValue,
  TrialComponentPrimaryStatus,
} from "@aws-sdk/client-sagemaker";
import { associate } from "./associations";
import { sageMakerArn } from "./arn";
import {
  API_CALLER,
  type SageMakerContext,
  type TrainingJobDoc,
  type TrialComponentDoc,
} from "./store";
import { epochSeconds, type Wire } from "./wire";

type Job = TrainingJobDoc["job"];

export function trainingTrialComponentName(jobName: string): string {
  return `${jobName}-aws-training-job`;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parameterValue(value: string): Wire<TrialComponentParameterValue> {
  return NUMERIC.test(value.trim()) ? { NumberValue: Number(value) } : { StringValue: value };
}

function parameters(job: Job): Record<string, Wire<TrialComponentParameterValue>> {
  const out: Record<string, Wire<TrialComponentParameterValue>> = {};
  for (const [name, value] of Object.entries(job.HyperParameters ?? {}))
    out[name] = parameterValue(value);
  const image = job.AlgorithmSpecification?.TrainingImage;
  if (image) out["SageMaker.ImageUri"] = { StringValue: image };
  const resources = job.ResourceConfig;
  if (resources?.InstanceType)
    out["SageMaker.InstanceType"] = { StringValue: resources.InstanceType };
  if (resources?.InstanceCount !== undefined) {
    out["SageMaker.InstanceCount"] = { NumberValue: resources.InstanceCount };
  }
  if (resources?.VolumeSizeInGB !== undefined) {
    out["SageMaker.VolumeSizeInGB"] = { NumberValue: resources.VolumeSizeInGB };
  }
  return out;
}

/** Summary statistics per metric over all rounds (StdDev: sample standard deviation). */
export function metricSummaries(
  sourceArn: string,
  timestamp: number,
  history: Record<string, number[]>,
): Wire<TrialComponentMetricSummary>[] {
  return Object.entries(history).map(([name, values]) => {
    const count = values.length;
    const avg = values.reduce((a, b) => a + b, 0) / count;
    const variance =
      count > 1 ? values.reduce((a, b) => a + (b - avg) * (b - avg), 0) / (count - 1) : 0;
    return {
      MetricName: name,
      SourceArn: sourceArn,
      TimeStamp: timestamp,
      Max: Math.max(...values),
      Min: Math.min(...values),
      Last: values[count - 1],
      Count: count,
      Avg: avg,
      StdDev: Math.sqrt(variance),
    };
  });
}

function statusOf(job: Job): TrialComponentDoc["component"]["Status"] {
  const last = job.SecondaryStatusTransitions?.[job.SecondaryStatusTransitions.length - 1];
  return {
    PrimaryStatus: job.TrainingJobStatus as TrialComponentPrimaryStatus | undefined,
    Message: job.TrainingJobStatus === "Failed" ? job.FailureReason : last?.StatusMessage,
  };
}

/** Creates (or re-creates) the job's component and associates it with the ExperimentConfig trial. */
export function createTrainingTrialComponent(ctx: SageMakerContext, job: Job): void {
  const name = trainingTrialComponentName(job.TrainingJobName!);
  const existing = ctx.store.get("sagemaker-trial-component", name);
  const now = epochSeconds(ctx.clock.now());
  const inputs: Record<string, { MediaType?: string; Value: string }> = {};
  for (const channel of job.InputDataConfig ?? []) {
    const uri = channel.DataSource?.S3DataSource?.S3Uri;
    if (uri) inputs[channel.ChannelName!] = { MediaType: channel.ContentType, Value: uri };
  }
  const source = { SourceArn: job.TrainingJobArn!, SourceType: "SageMakerTrainingJob" };
  ctx.store.put("sagemaker-trial-component", name, {
    component: {
      TrialComponentName: name,
      TrialComponentArn: sageMakerArn(ctx, "experiment-trial-component", name),
      DisplayName: job.ExperimentConfig?.TrialComponentDisplayName ?? name,
      Source: source,
      Sources: [source],
      Status: statusOf(job),
      CreationTime: now,
      CreatedBy: API_CALLER,
      LastModifiedTime: now,
      LastModifiedBy: API_CALLER,
      Parameters: parameters(job),
      InputArtifacts: inputs,
      OutputArtifacts: {},
    },
    tags: existing?.tags ?? [],
    trials: existing?.trials ?? [],
  });
  const trialName = job.ExperimentConfig?.TrialName;
  if (trialName) associate(ctx, name, trialName);
}

/** Mirrors the job's status, times, model artifact and metrics onto its component. */
export function syncTrainingTrialComponent(
  ctx: SageMakerContext,
  job: Job,
  metricHistory?: Record<string, number[]>,
): void {
  const name = trainingTrialComponentName(job.TrainingJobName!);
  const doc = ctx.store.get("sagemaker-trial-component", name);
  if (!doc || doc.component.Source?.SourceArn !== job.TrainingJobArn) return;
  const component = { ...doc.component };
  component.Status = statusOf(job);
  component.StartTime = job.TrainingStartTime;
  component.EndTime = job.TrainingEndTime;
  const model = job.ModelArtifacts?.S3ModelArtifacts;
  if (model) {
    component.OutputArtifacts = {
      ...component.OutputArtifacts,
      "SageMaker.ModelArtifact": { Value: model },
    };
  }
  if (metricHistory && Object.keys(metricHistory).length > 0) {
    component.Metrics = metricSummaries(
      job.TrainingJobArn!,
      job.TrainingEndTime ?? epochSeconds(ctx.clock.now()),
      metricHistory,
    );
  }
  component.LastModifiedTime = epochSeconds(ctx.clock.now());
  ctx.store.put("sagemaker-trial-component", name, { ...doc, component });
}
