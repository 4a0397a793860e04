/**
 * CreateDataQualityJobDefinition / DescribeDataQualityJobDefinition /
 * ListDataQualityJobDefinitions / DeleteDataQualityJobDefinition: a reusable definition that a
 * monitoring schedule names (MonitoringJobDefinitionName, MonitoringType DataQuality).
 */
import type {
  CreateDataQualityJobDefinitionCommandInput,
  CreateDataQualityJobDefinitionCommandOutput,
  ListDataQualityJobDefinitionsCommandInput,
  ListDataQualityJobDefinitionsCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../../context";
import { inWindow, paginate, sortBy, type SortOrder } from "../paging";
import { PATTERNS, validatePaging, validateTags, Validator } from "../validation";
import { epochSeconds, readTimestamp, type In, type Out } from "../wire";
import {
  getDataQualityJobDefinition,
  monitoringArn,
  type DataQualityJobDefinition,
  type MonitoringContext,
} from "./docs";
import {
  RESOURCE_NAME,
  validateAppSpecification,
  validateBaselineConfig,
  validateEndpointInput,
  validateOutputConfig,
  validateResources,
  validateStoppingCondition,
} from "./monitoringJob";
import { validateEnvironment } from "./processingJobs";
import { validateNetworkConfig } from "./networkConfig";

function validateCreate(raw: Record<string, unknown>): void {
  const v = new Validator();
  v.requiredString(raw.JobDefinitionName, "JobDefinitionName", RESOURCE_NAME);
  validateBaselineConfig(v, raw.DataQualityBaselineConfig, "DataQualityBaselineConfig");
  validateAppSpecification(v, raw.DataQualityAppSpecification, "DataQualityAppSpecification");
  if (v.object(raw.DataQualityAppSpecification, "DataQualityAppSpecification")) {
    validateEnvironment(
      v,
      raw.DataQualityAppSpecification.Environment,
      "DataQualityAppSpecification.Environment",
    );
  }
  if (
    v.required(raw.DataQualityJobInput, "DataQualityJobInput") &&
    v.object(raw.DataQualityJobInput, "DataQualityJobInput")
  ) {
    if (raw.DataQualityJobInput.BatchTransformInput !== undefined) {
      v.oneOf(
        "BatchTransformInput",
        "DataQualityJobInput (input kind; local mode monitors endpoints)",
        ["EndpointInput"],
      );
    } else {
      validateEndpointInput(
        v,
        raw.DataQualityJobInput.EndpointInput,
        "DataQualityJobInput.EndpointInput",
      );
    }
  }
  validateOutputConfig(v, raw.DataQualityJobOutputConfig, "DataQualityJobOutputConfig");
  validateResources(v, raw.JobResources, "JobResources");
  validateNetworkConfig(v, raw.NetworkConfig, "NetworkConfig");
  v.requiredString(raw.RoleArn, "RoleArn", { min: 20, max: 2048, pattern: PATTERNS.roleArn });
  validateStoppingCondition(v, raw.StoppingCondition, "StoppingCondition");
  validateTags(v, raw.Tags);
  v.done();
}

export function createDataQualityJobDefinition(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Out<CreateDataQualityJobDefinitionCommandOutput> {
  validateCreate(raw);
  const input = raw as In<CreateDataQualityJobDefinitionCommandInput>;
  const name = input.JobDefinitionName!;
  const arn = monitoringArn(ctx, "data-quality-job-definition", name);
  if (ctx.monitoring.get("sagemaker-data-quality-job-definition", name)) {
    throw new AwsError("ResourceInUse", `Job definition '${arn}' already exists.`);
  }
  const definition: DataQualityJobDefinition = {
    JobDefinitionArn: arn,
    JobDefinitionName: name,
    CreationTime: epochSeconds(ctx.clock.now()),
    DataQualityBaselineConfig: input.DataQualityBaselineConfig,
    DataQualityAppSpecification: input.DataQualityAppSpecification,
    DataQualityJobInput: input.DataQualityJobInput,
    DataQualityJobOutputConfig: input.DataQualityJobOutputConfig,
    JobResources: input.JobResources,
    NetworkConfig: input.NetworkConfig,
    RoleArn: input.RoleArn,
    StoppingCondition: input.StoppingCondition,
  };
  ctx.monitoring.put("sagemaker-data-quality-job-definition", name, {
    definition,
    tags: input.Tags ?? [],
  });
  return { JobDefinitionArn: arn };
}

export function describeDataQualityJobDefinition(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): DataQualityJobDefinition {
  const v = new Validator();
  v.requiredString(raw.JobDefinitionName, "JobDefinitionName", RESOURCE_NAME);
  v.done();
  return getDataQualityJobDefinition(ctx, raw.JobDefinitionName as string).definition;
}

export function listDataQualityJobDefinitions(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Out<ListDataQualityJobDefinitionsCommandOutput> {
  const v = new Validator();
  v.string(raw.EndpointName, "EndpointName", RESOURCE_NAME);
  v.string(raw.NameContains, "NameContains", { max: 63, pattern: PATTERNS.nameContains });
  v.oneOf(raw.SortBy, "SortBy", ["Name", "CreationTime"]);
  v.oneOf(raw.SortOrder, "SortOrder", ["Ascending", "Descending"]);
  validatePaging(v, raw);
  v.done();
  const input = raw as In<ListDataQualityJobDefinitionsCommandInput>;
  const after = readTimestamp(raw.CreationTimeAfter, "creationTimeAfter");
  const before = readTimestamp(raw.CreationTimeBefore, "creationTimeBefore");
  const contains = input.NameContains?.toLowerCase();
  const matching = ctx.monitoring
    .list("sagemaker-data-quality-job-definition")
    .map((d) => d.definition)
    .filter(
      (d) =>
        inWindow(d.CreationTime, after, before) &&
        (!contains || d.JobDefinitionName!.toLowerCase().includes(contains)) &&
        (!input.EndpointName ||
          d.DataQualityJobInput?.EndpointInput?.EndpointName === input.EndpointName),
    );
  const sorted = sortBy(
    matching,
    (d) => (input.SortBy === "Name" ? d.JobDefinitionName : d.CreationTime),
    (input.SortOrder as SortOrder | undefined) ?? "Descending",
    (d) => d.JobDefinitionName ?? "",
  );
  const { MaxResults, NextToken, ...query } = input;
  const { page, nextToken } = paginate(sorted, { MaxResults, NextToken }, query);
  return {
    JobDefinitionSummaries: page.map((d) => ({
      MonitoringJobDefinitionName: d.JobDefinitionName,
      MonitoringJobDefinitionArn: d.JobDefinitionArn,
      CreationTime: d.CreationTime,
      EndpointName: d.DataQualityJobInput?.EndpointInput?.EndpointName,
    })),
    NextToken: nextToken,
  };
}

export function deleteDataQualityJobDefinition(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Record<string, never> {
  const v = new Validator();
  v.requiredString(raw.JobDefinitionName, "JobDefinitionName", RESOURCE_NAME);
  v.done();
  const name = raw.JobDefinitionName as string;
  const definition = getDataQualityJobDefinition(ctx, name).definition;
  const users = ctx.monitoring
    .list("sagemaker-monitoring-schedule")
    .filter(
      (d) =>
        d.schedule.MonitoringScheduleConfig?.MonitoringJobDefinitionName?.toLowerCase() ===
        name.toLowerCase(),
    )
    .map((d) => d.schedule.MonitoringScheduleName);
  if (users.length > 0) {
    throw new AwsError(
      "ResourceInUse",
      `Job definition '${definition.JobDefinitionArn}' is used by monitoring schedule(s) ${users.join(", ")}; ` +
        "delete those schedules first.",
    );
  }
  ctx.monitoring.delete("sagemaker-data-quality-job-definition", name);
  return {};
}
