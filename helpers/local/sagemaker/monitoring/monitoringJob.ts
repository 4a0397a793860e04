/**
 * The parts a monitoring job is made of, whether they come inline (CreateMonitoringSchedule's
 * MonitoringJobDefinition) or from CreateDataQualityJobDefinition: validation of the shared
 * shapes with AWS's member paths, and one normalized `MonitoringJobSpec` the executions use.
 */
import type { ProcessingJob } from "./docs";
import type { DataQualityJobDefinition, MonitoringJobDefinition } from "./monitoringShapes";
import { PATTERNS, Validator } from "../validation";
import { validateClusterConfig, validateEnvironment } from "./processingJobs";
import { validateNetworkConfig } from "./networkConfig";

/** EndpointName / JobDefinitionName / MonitoringScheduleName (max 63). */
export const RESOURCE_NAME = { min: 1, max: 63, pattern: PATTERNS.jobName };

/** Everything an execution needs to build its processing job. */
export interface MonitoringJobSpec {
  endpointName: string;
  /** Container path of the endpoint's capture (default /opt/ml/processing/input/endpoint). */
  endpointLocalPath: string;
  /** BaselineConfig.BaseliningJobName: its outputs are the baseline when no resource is given. */
  baseliningJobName?: string;
  baselineStatisticsUri?: string;
  baselineConstraintsUri?: string;
  outputS3Uri: string;
  outputLocalPath: string;
  outputKmsKeyId?: string;
  imageUri: string;
  containerEntrypoint?: string[];
  containerArguments?: string[];
  recordPreprocessorSourceUri?: string;
  postAnalyticsProcessorSourceUri?: string;
  environment: Record<string, string>;
  cluster: NonNullable<ProcessingJob["ProcessingResources"]>["ClusterConfig"];
  maxRuntimeInSeconds?: number;
  networkConfig?: ProcessingJob["NetworkConfig"];
  roleArn: string;
}

export function validateBaselineConfig(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  v.string(value.BaseliningJobName, `${path}.BaseliningJobName`, RESOURCE_NAME);
  for (const member of ["ConstraintsResource", "StatisticsResource"]) {
    const resource = value[member];
    if (v.object(resource, `${path}.${member}`)) {
      v.string(resource.S3Uri, `${path}.${member}.S3Uri`, { max: 1024, pattern: PATTERNS.s3Uri });
    }
  }
}

export function validateEndpointInput(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  v.requiredString(value.EndpointName, `${path}.EndpointName`, RESOURCE_NAME);
  v.requiredString(value.LocalPath, `${path}.LocalPath`, { max: 256, pattern: ".*" });
  v.oneOf(value.S3InputMode, `${path}.S3InputMode`, ["Pipe", "File"]);
  v.oneOf(value.S3DataDistributionType, `${path}.S3DataDistributionType`, [
    "FullyReplicated",
    "ShardedByS3Key",
  ]);
}

export function validateOutputConfig(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  const outputs = value.MonitoringOutputs;
  if (
    v.required(outputs, `${path}.MonitoringOutputs`) &&
    v.list(outputs, `${path}.MonitoringOutputs`, { min: 1, max: 1 })
  ) {
    outputs.forEach((output, i) => {
      const p = `${path}.MonitoringOutputs.${i + 1}`;
      if (!v.object(output, p)) return;
      const s3 = output.S3Output;
      if (!v.required(s3, `${p}.S3Output`) || !v.object(s3, `${p}.S3Output`)) return;
      v.requiredString(s3.S3Uri, `${p}.S3Output.S3Uri`, {
        max: 512,
        pattern: "^(https|s3)://([^/]+)/?(.*)$",
      });
      v.requiredString(s3.LocalPath, `${p}.S3Output.LocalPath`, { max: 256, pattern: ".*" });
      v.oneOf(s3.S3UploadMode, `${p}.S3Output.S3UploadMode`, ["Continuous", "EndOfJob"]);
    });
  }
  v.string(value.KmsKeyId, `${path}.KmsKeyId`, { max: 2048, pattern: PATTERNS.kmsKeyId });
}

export function validateAppSpecification(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  v.requiredString(value.ImageUri, `${path}.ImageUri`, { max: 255, pattern: ".*" });
  if (v.list(value.ContainerEntrypoint, `${path}.ContainerEntrypoint`, { min: 1, max: 100 })) {
    value.ContainerEntrypoint.forEach((e, i) =>
      v.string(e, `${path}.ContainerEntrypoint.${i + 1}`, { min: 1, max: 256 }),
    );
  }
  if (v.list(value.ContainerArguments, `${path}.ContainerArguments`, { min: 1, max: 50 })) {
    value.ContainerArguments.forEach((a, i) =>
      v.string(a, `${path}.ContainerArguments.${i + 1}`, { min: 1, max: 256 }),
    );
  }
  for (const member of ["RecordPreprocessorSourceUri", "PostAnalyticsProcessorSourceUri"]) {
    v.string(value[member], `${path}.${member}`, { max: 1024, pattern: PATTERNS.s3Uri });
  }
}

export function validateResources(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  validateClusterConfig(v, value.ClusterConfig, `${path}.ClusterConfig`);
}

export function validateStoppingCondition(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  v.required(value.MaxRuntimeInSeconds, `${path}.MaxRuntimeInSeconds`);
  v.integer(value.MaxRuntimeInSeconds, `${path}.MaxRuntimeInSeconds`, { min: 1, max: 86400 });
}

/** An inline MonitoringJobDefinition (CreateMonitoringSchedule / UpdateMonitoringSchedule). */
export function validateInlineDefinition(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  validateBaselineConfig(v, value.BaselineConfig, `${path}.BaselineConfig`);
  if (
    v.required(value.MonitoringInputs, `${path}.MonitoringInputs`) &&
    v.list(value.MonitoringInputs, `${path}.MonitoringInputs`, { min: 1, max: 1 })
  ) {
    value.MonitoringInputs.forEach((input, i) => {
      const p = `${path}.MonitoringInputs.${i + 1}`;
      if (!v.object(input, p)) return;
      if (input.BatchTransformInput !== undefined) {
        v.oneOf("BatchTransformInput", `${p} (input kind; local mode monitors endpoints)`, [
          "EndpointInput",
        ]);
        return;
      }
      validateEndpointInput(v, input.EndpointInput, `${p}.EndpointInput`);
    });
  }
  validateOutputConfig(v, value.MonitoringOutputConfig, `${path}.MonitoringOutputConfig`);
  validateResources(v, value.MonitoringResources, `${path}.MonitoringResources`);
  validateAppSpecification(
    v,
    value.MonitoringAppSpecification,
    `${path}.MonitoringAppSpecification`,
  );
  validateStoppingCondition(v, value.StoppingCondition, `${path}.StoppingCondition`);
  validateEnvironment(v, value.Environment, `${path}.Environment`);
  validateNetworkConfig(v, value.NetworkConfig, `${path}.NetworkConfig`);
  v.requiredString(value.RoleArn, `${path}.RoleArn`, {
    min: 20,
    max: 2048,
    pattern: PATTERNS.roleArn,
  });
}

/** The parts both definition shapes name differently but mean the same by. */
interface DefinitionParts {
  endpoint: NonNullable<MonitoringJobDefinition["MonitoringInputs"]>[number]["EndpointInput"];
  outputConfig: MonitoringJobDefinition["MonitoringOutputConfig"];
  baseline: MonitoringJobDefinition["BaselineConfig"];
  app: MonitoringJobDefinition["MonitoringAppSpecification"];
  environment: Record<string, string> | undefined;
  resources: MonitoringJobDefinition["MonitoringResources"];
  common: Pick<MonitoringJobDefinition, "StoppingCondition" | "NetworkConfig" | "RoleArn">;
}

/** Both shapes were validated on create, so the members read here are present. */
function specFromParts(parts: DefinitionParts): MonitoringJobSpec {
  const { endpoint, outputConfig, baseline, app, common } = parts;
  const output = outputConfig!.MonitoringOutputs![0].S3Output!;
  return {
    endpointName: endpoint!.EndpointName!,
    endpointLocalPath: endpoint!.LocalPath!,
    baseliningJobName: baseline?.BaseliningJobName,
    baselineStatisticsUri: baseline?.StatisticsResource?.S3Uri,
    baselineConstraintsUri: baseline?.ConstraintsResource?.S3Uri,
    outputS3Uri: output.S3Uri!,
    outputLocalPath: output.LocalPath!,
    outputKmsKeyId: outputConfig!.KmsKeyId,
    imageUri: app!.ImageUri!,
    containerEntrypoint: app!.ContainerEntrypoint,
    containerArguments: app!.ContainerArguments,
    recordPreprocessorSourceUri: app!.RecordPreprocessorSourceUri,
    postAnalyticsProcessorSourceUri: app!.PostAnalyticsProcessorSourceUri,
    environment: parts.environment ?? {},
    cluster: parts.resources!.ClusterConfig!,
    maxRuntimeInSeconds: common.StoppingCondition?.MaxRuntimeInSeconds,
    networkConfig: common.NetworkConfig,
    roleArn: common.RoleArn!,
  };
}

/** A schedule's inline MonitoringJobDefinition (the environment sits on the definition). */
export function specFromInline(d: MonitoringJobDefinition): MonitoringJobSpec {
  return specFromParts({
    endpoint: d.MonitoringInputs![0].EndpointInput,
    outputConfig: d.MonitoringOutputConfig,
    baseline: d.BaselineConfig,
    app: d.MonitoringAppSpecification,
    environment: d.Environment,
    resources: d.MonitoringResources,
    common: d,
  });
}

/** A CreateDataQualityJobDefinition definition (the environment sits on the app spec). */
export function specFromDataQuality(d: DataQualityJobDefinition): MonitoringJobSpec {
  return specFromParts({
    endpoint: d.DataQualityJobInput!.EndpointInput,
    outputConfig: d.DataQualityJobOutputConfig,
    baseline: d.DataQualityBaselineConfig,
    app: d.DataQualityAppSpecification,
    environment: d.DataQualityAppSpecification!.Environment,
    resources: d.JobResources,
    common: d,
  });
}
