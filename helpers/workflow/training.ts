/**
 * Lab 01 step 8: train SageMaker's built-in XGBoost (image `sagemaker-xgboost:1.7-1`) as a
 * training job attached to the experiment's trial, and wait for it with progress.
 * `tree_method=hist` and an explicit seed make a local run and a SageMaker run build the same
 * trees (shared/specs/xgboost-1.7-hist-parity.md §6).
 */
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  type DescribeTrainingJobCommandOutput,
} from "@aws-sdk/client-sagemaker";
import type { WorkflowContext } from "./context";
import { xgboostImageUri } from "./images";
import { vpcConfig, type SecurityOptions } from "./security";

/** The lab's hyperparameters, plus what XGBoost parity with the local trainer needs. */
export const LAB_HYPERPARAMETERS: Record<string, string> = {
  max_depth: "5",
  eta: "0.2",
  gamma: "4",
  min_child_weight: "6",
  subsample: "0.8",
  objective: "binary:logistic",
  num_round: "100",
  tree_method: "hist",
  max_bin: "256",
  seed: "0",
  eval_metric: "auc",
};

export interface TrainingJobOptions {
  jobName: string;
  /** S3 prefix (or object) of the training CSV: label first, no header. */
  trainUri: string;
  /** Optional validation CSV in the same layout; adds `validation:*` metrics. */
  validationUri?: string;
  /** Where SageMaker writes `{jobName}/output/model.tar.gz`. */
  outputUri: string;
  hyperparameters?: Record<string, string>;
  instanceType?: string;
  /** Experiment wiring: the job's trial component joins this trial. */
  experiment?: { experimentName: string; trialName: string; displayName?: string };
  /** Managed spot training (the original lab uses it): up to 90 % cheaper, may be interrupted. */
  spot?: { maxWaitSeconds: number; checkpointUri?: string };
  maxRuntimeSeconds?: number;
  security?: SecurityOptions;
}

export async function startTrainingJob(
  context: WorkflowContext,
  options: TrainingJobOptions,
): Promise<string> {
  const security = options.security ?? {};
  const channel = (name: string, uri: string) => ({
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: {
      S3DataSource: {
        S3DataType: "S3Prefix" as const,
        S3Uri: uri,
        S3DataDistributionType: "FullyReplicated" as const,
      },
    },
  });
  const maxRuntime = options.maxRuntimeSeconds ?? 3600;
  const result = await context.sagemaker.send(
    new CreateTrainingJobCommand({
      TrainingJobName: options.jobName,
      AlgorithmSpecification: {
        TrainingImage: xgboostImageUri(context.region),
        TrainingInputMode: "File",
      },
      RoleArn: context.roleArn,
      HyperParameters: { ...LAB_HYPERPARAMETERS, ...options.hyperparameters },
      InputDataConfig: [
        channel("train", options.trainUri),
        ...(options.validationUri ? [channel("validation", options.validationUri)] : []),
      ],
      OutputDataConfig: { S3OutputPath: options.outputUri, KmsKeyId: security.outputKmsKeyId },
      ResourceConfig: {
        InstanceType: (options.instanceType ?? "ml.m5.xlarge") as "ml.m5.xlarge",
        InstanceCount: 1,
        VolumeSizeInGB: 5,
        VolumeKmsKeyId: security.volumeKmsKeyId,
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: maxRuntime,
        ...(options.spot
          ? { MaxWaitTimeInSeconds: Math.max(options.spot.maxWaitSeconds, maxRuntime) }
          : {}),
      },
      EnableManagedSpotTraining: options.spot ? true : undefined,
      CheckpointConfig: options.spot?.checkpointUri
        ? { S3Uri: options.spot.checkpointUri }
        : undefined,
      VpcConfig: vpcConfig(security),
      EnableNetworkIsolation: security.enableNetworkIsolation,
      EnableInterContainerTrafficEncryption: security.enableInterContainerTrafficEncryption,
      ExperimentConfig: options.experiment
        ? {
            ExperimentName: options.experiment.experimentName,
            TrialName: options.experiment.trialName,
            TrialComponentDisplayName: options.experiment.displayName ?? "Training",
          }
        : undefined,
    }),
  );
  return result.TrainingJobArn!;
}

export interface TrainingProgress {
  status: string;
  secondaryStatus?: string;
  message?: string;
}

const TERMINAL = new Set(["Completed", "Failed", "Stopped"]);

/**
 * Polls DescribeTrainingJob until the job ends; reports every status change.
 * @throws when the job fails or stops, with SageMaker's FailureReason.
 */
export async function waitForTrainingJob(
  context: Pick<WorkflowContext, "sagemaker">,
  jobName: string,
  options: {
    pollMs?: number;
    timeoutMs?: number;
    onProgress?: (progress: TrainingProgress) => void;
  } = {},
): Promise<DescribeTrainingJobCommandOutput> {
  const deadline = Date.now() + (options.timeoutMs ?? 2 * 3600_000);
  let last = "";
  for (;;) {
    const job = await context.sagemaker.send(
      new DescribeTrainingJobCommand({ TrainingJobName: jobName }),
    );
    const transitions = job.SecondaryStatusTransitions ?? [];
    const progress: TrainingProgress = {
      status: job.TrainingJobStatus ?? "Unknown",
      secondaryStatus: job.SecondaryStatus,
      message: transitions[transitions.length - 1]?.StatusMessage,
    };
    const key = `${progress.status}/${progress.secondaryStatus}/${progress.message}`;
    if (key !== last) options.onProgress?.(progress);
    last = key;
    if (TERMINAL.has(progress.status)) {
      if (progress.status !== "Completed") {
        throw new Error(
          `Training job ${jobName} ended ${progress.status}: ${job.FailureReason ?? "no reason given"}`,
        );
      }
      return job;
    }
    if (Date.now() > deadline) throw new Error(`Training job ${jobName} did not finish in time`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/** The newest training job whose name contains `nameContains` (lab 02 step 2). */
export async function latestTrainingJob(
  context: Pick<WorkflowContext, "sagemaker">,
  nameContains?: string,
): Promise<DescribeTrainingJobCommandOutput> {
  const list = await context.sagemaker.send(
    new ListTrainingJobsCommand({
      SortBy: "CreationTime",
      SortOrder: "Descending",
      MaxResults: 1,
      NameContains: nameContains,
    }),
  );
  const summary = list.TrainingJobSummaries?.[0];
  if (!summary) {
    throw new Error(
      `No training job${nameContains ? ` whose name contains "${nameContains}"` : ""} found: run lab 01 first.`,
    );
  }
  return context.sagemaker.send(
    new DescribeTrainingJobCommand({ TrainingJobName: summary.TrainingJobName }),
  );
}
