/**
 * Lab 02 step 8: suggest a baseline from the training data with SageMaker's Model Monitor
 * analyzer (a processing job, as `DefaultModelMonitor.suggest_baseline` runs it), then read the
 * suggested statistics and constraints.
 */
import {
  CreateProcessingJobCommand,
  DescribeProcessingJobCommand,
  type CreateProcessingJobCommandInput,
  type DescribeProcessingJobCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { readConstraints, readStatistics, type Constraints, type Statistics } from "../analyzer";
import type { WorkflowContext } from "./context";
import { modelMonitorImageUri } from "./images";
import { vpcConfig, type SecurityOptions } from "./security";
import { readText } from "./storage";

/** The container paths the analyzer reads and writes (spec §10). */
export const ANALYZER_PATHS = {
  baselineInput: "/opt/ml/processing/input/baseline_dataset_input",
  endpointInput: "/opt/ml/processing/input/endpoint",
  output: "/opt/ml/processing/output",
} as const;

/** `baseline-suggestion-job-<yyyy-mm-dd-HH-MM-SS-mmm>`, the SDK's naming. */
export function baselineJobName(at: Date = new Date()): string {
  const iso = at.toISOString(); // 2024-03-05T14:07:09.062Z
  return `baseline-suggestion-job-${iso.slice(0, 19).replace(/[T:]/g, "-")}-${iso.slice(20, 23)}`;
}

export interface BaselineOptions {
  /** CSV with a header row (the lab's `train_data_headers.csv`). */
  datasetUri: string;
  /** Where statistics.json and constraints.json go. */
  outputUri: string;
  jobName?: string;
  security?: SecurityOptions;
  onStatus?: (status: string) => void;
}

export interface Baseline {
  jobName: string;
  statisticsUri: string;
  constraintsUri: string;
  statistics: Statistics;
  constraints: Constraints;
}

/**
 * The CreateProcessingJob request of a baseline suggestion, as `DefaultModelMonitor.suggest_baseline`
 * builds it: separate from running it, so the request can be checked on its own.
 */
export function baselineJobRequest(
  context: Pick<WorkflowContext, "region" | "roleArn">,
  options: Omit<BaselineOptions, "onStatus"> & { jobName: string },
): CreateProcessingJobCommandInput {
  const security = options.security ?? {};
  const outputUri = options.outputUri.replace(/\/+$/, "");
  return {
    ProcessingJobName: options.jobName,
    RoleArn: context.roleArn,
    AppSpecification: { ImageUri: modelMonitorImageUri(context.region) },
    ProcessingInputs: [
      {
        InputName: "baseline_dataset_input",
        S3Input: {
          S3Uri: options.datasetUri,
          LocalPath: ANALYZER_PATHS.baselineInput,
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: "FullyReplicated",
        },
      },
    ],
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "monitoring_output",
          S3Output: {
            S3Uri: outputUri,
            LocalPath: ANALYZER_PATHS.output,
            S3UploadMode: "EndOfJob",
          },
        },
      ],
      KmsKeyId: security.outputKmsKeyId,
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: 1,
        InstanceType: "ml.m5.xlarge",
        VolumeSizeInGB: 20,
        VolumeKmsKeyId: security.volumeKmsKeyId,
      },
    },
    Environment: {
      dataset_format: JSON.stringify({ csv: { header: true, output_columns_position: "START" } }),
      dataset_source: ANALYZER_PATHS.baselineInput,
      output_path: ANALYZER_PATHS.output,
      publish_cloudwatch_metrics: "Disabled",
    },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    NetworkConfig:
      security.vpc ||
      security.enableNetworkIsolation ||
      security.enableInterContainerTrafficEncryption
        ? {
            VpcConfig: vpcConfig(security),
            EnableNetworkIsolation: security.enableNetworkIsolation,
            EnableInterContainerTrafficEncryption: security.enableInterContainerTrafficEncryption,
          }
        : undefined,
  };
}

export async function suggestBaseline(
  context: WorkflowContext,
  options: BaselineOptions,
): Promise<Baseline> {
  const jobName = options.jobName ?? baselineJobName();
  const outputUri = options.outputUri.replace(/\/+$/, "");
  await context.sagemaker.send(
    new CreateProcessingJobCommand(baselineJobRequest(context, { ...options, jobName })),
  );
  await waitForProcessingJob(context, jobName, { onStatus: options.onStatus });
  const statisticsUri = `${outputUri}/statistics.json`;
  const constraintsUri = `${outputUri}/constraints.json`;
  return {
    jobName,
    statisticsUri,
    constraintsUri,
    statistics: readStatistics(await readText(context, statisticsUri)),
    constraints: readConstraints(await readText(context, constraintsUri)),
  };
}

/** Polls DescribeProcessingJob until it ends; throws with its FailureReason unless Completed. */
export async function waitForProcessingJob(
  context: Pick<WorkflowContext, "sagemaker">,
  jobName: string,
  options: { pollMs?: number; timeoutMs?: number; onStatus?: (status: string) => void } = {},
): Promise<DescribeProcessingJobCommandOutput> {
  const deadline = Date.now() + (options.timeoutMs ?? 3600_000);
  let last: string | undefined;
  for (;;) {
    const job = await context.sagemaker.send(
      new DescribeProcessingJobCommand({ ProcessingJobName: jobName }),
    );
    const status = job.ProcessingJobStatus ?? "Unknown";
    if (status !== last) options.onStatus?.(status);
    last = status;
    if (status === "Completed") return job;
    if (status === "Failed" || status === "Stopped") {
      throw new Error(
        `Processing job ${jobName} ended ${status}: ${job.FailureReason ?? job.ExitMessage ?? ""}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`Processing job ${jobName} did not finish in time`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

/** One row per feature, the columns the original shows with `pd.json_normalize`. */
export function statisticsRows(
  statistics: Statistics,
): Record<string, string | number | undefined>[] {
  return statistics.features.map((feature) => {
    const numeric = feature.numerical_statistics;
    const text = feature.string_statistics;
    return {
      name: feature.name,
      inferred_type: feature.inferred_type,
      num_present: numeric?.common.num_present ?? text?.common.num_present,
      num_missing: numeric?.common.num_missing ?? text?.common.num_missing,
      mean: numeric?.mean,
      sum: numeric?.sum,
      std_dev: numeric?.std_dev,
      min: numeric?.min,
      max: numeric?.max,
      distinct_count: text?.distinct_count,
    };
  });
}

/** One row per feature of the suggested constraints. */
export function constraintsRows(
  constraints: Constraints,
): Record<string, string | number | boolean | undefined>[] {
  return constraints.features.map((feature) => ({
    name: feature.name,
    inferred_type: feature.inferred_type,
    completeness: feature.completeness,
    "num_constraints.is_non_negative": feature.num_constraints?.is_non_negative,
    "string_constraints.domains": feature.string_constraints?.domains?.join(", "),
  }));
}
