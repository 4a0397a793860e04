/**
 * CreateMonitoringSchedule / DescribeMonitoringSchedule / ListMonitoringSchedules /
 * UpdateMonitoringSchedule / StopMonitoringSchedule / StartMonitoringSchedule /
 * DeleteMonitoringSchedule (DataQuality; spec model-monitor-formats.md §8).
 *
 * A schedule is stored Pending and becomes Scheduled once the scheduler has taken it in (right
 * after the call returns, as on AWS where it takes a moment); the scheduler then runs its
 * executions as the clock passes its firing times (helpers/local/jobs/scheduler.ts).
 */
import type {
  CreateMonitoringScheduleCommandInput,
  CreateMonitoringScheduleCommandOutput,
  ListMonitoringSchedulesCommandInput,
  ListMonitoringSchedulesCommandOutput,
  ScheduleStatus,
  UpdateMonitoringScheduleCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError } from "../../context";
import { validateTags, Validator } from "../validation";
import { epochSeconds, type In, type Out } from "../wire";
import {
  getDataQualityJobDefinition,
  getMonitoringSchedule,
  monitoringArn,
  type MonitoringContext,
  type MonitoringSchedule,
  type MonitoringScheduleDoc,
} from "./docs";
import type { EndpointLookup } from "./endpointCapture";
import { executionsOf } from "./executions";
import { RESOURCE_NAME, validateInlineDefinition } from "./monitoringJob";
import type { MonitoringScheduleConfig } from "./monitoringShapes";
import { parseScheduleConfig } from "./scheduleExpression";
import { listCommon } from "../commonListing";

const SCHEDULE_STATUSES = ["Pending", "Failed", "Scheduled", "Stopped"] as const;
const MONITORING_TYPES = [
  "DataQuality",
  "ModelQuality",
  "ModelBias",
  "ModelExplainability",
] as const;

export interface ScheduleHooks {
  endpoints: EndpointLookup;
  /** Called after a schedule was created, updated or started (the scheduler activates it). */
  changed(scheduleName: string): void;
}

function validateConfig(v: Validator, value: unknown, path: string): void {
  if (!v.required(value, path) || !v.object(value, path)) return;
  if (v.object(value.ScheduleConfig, `${path}.ScheduleConfig`)) {
    const s = value.ScheduleConfig;
    v.requiredString(s.ScheduleExpression, `${path}.ScheduleConfig.ScheduleExpression`, {
      min: 1,
      max: 512,
    });
    v.string(s.DataAnalysisStartTime, `${path}.ScheduleConfig.DataAnalysisStartTime`, { max: 15 });
    v.string(s.DataAnalysisEndTime, `${path}.ScheduleConfig.DataAnalysisEndTime`, { max: 15 });
  }
  validateInlineDefinition(v, value.MonitoringJobDefinition, `${path}.MonitoringJobDefinition`);
  v.string(value.MonitoringJobDefinitionName, `${path}.MonitoringJobDefinitionName`, RESOURCE_NAME);
  v.oneOf(value.MonitoringType, `${path}.MonitoringType`, MONITORING_TYPES);
}

/** Cross-member rules, with the endpoint the schedule monitors as the result. */
function checkConfig(
  ctx: MonitoringContext,
  hooks: ScheduleHooks,
  config: MonitoringScheduleConfig,
): { endpointName: string; monitoringType: "DataQuality" } {
  if (!config.ScheduleConfig) {
    throw new AwsError(
      "ValidationException",
      "MonitoringScheduleConfig.ScheduleConfig is required: give a ScheduleExpression such as cron(0 * ? * * *).",
    );
  }
  parseScheduleConfig(config.ScheduleConfig);
  if (!config.MonitoringJobDefinition === !config.MonitoringJobDefinitionName) {
    throw new AwsError(
      "ValidationException",
      "Exactly one of MonitoringScheduleConfig.MonitoringJobDefinition and " +
        "MonitoringScheduleConfig.MonitoringJobDefinitionName must be specified.",
    );
  }
  const type = config.MonitoringType ?? "DataQuality";
  if (type !== "DataQuality") {
    throw new AwsError(
      "ValidationException",
      `MonitoringType ${type} is not supported by the local emulator; it runs DataQuality monitoring ` +
        "(the sagemaker-model-monitor-analyzer). Run this schedule on AWS.",
    );
  }
  let endpointName: string;
  if (config.MonitoringJobDefinition) {
    endpointName = config.MonitoringJobDefinition.MonitoringInputs![0].EndpointInput!.EndpointName!;
  } else {
    if (!config.MonitoringType) {
      throw new AwsError(
        "ValidationException",
        "MonitoringScheduleConfig.MonitoringType is required with MonitoringJobDefinitionName (DataQuality for a " +
          "CreateDataQualityJobDefinition definition).",
      );
    }
    const definition = getDataQualityJobDefinition(
      ctx,
      config.MonitoringJobDefinitionName!,
    ).definition;
    endpointName = definition.DataQualityJobInput!.EndpointInput!.EndpointName!;
  }
  if (!hooks.endpoints(endpointName)) {
    throw new AwsError(
      "ValidationException",
      `Could not find endpoint "${monitoringArn(ctx, "endpoint", endpointName)}". Create the endpoint (with DataCaptureConfig) before scheduling its monitoring.`,
    );
  }
  return { endpointName, monitoringType: "DataQuality" };
}

export function createMonitoringSchedule(
  ctx: MonitoringContext,
  hooks: ScheduleHooks,
  raw: Record<string, unknown>,
): Out<CreateMonitoringScheduleCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.MonitoringScheduleName, "MonitoringScheduleName", RESOURCE_NAME);
  validateConfig(v, raw.MonitoringScheduleConfig, "MonitoringScheduleConfig");
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateMonitoringScheduleCommandInput>;
  const name = input.MonitoringScheduleName!;
  const arn = monitoringArn(ctx, "monitoring-schedule", name);
  if (ctx.monitoring.get("sagemaker-monitoring-schedule", name)) {
    throw new AwsError("ResourceInUse", `Monitoring Schedule '${arn}' already exists.`);
  }
  const config = input.MonitoringScheduleConfig!;
  const { endpointName, monitoringType } = checkConfig(ctx, hooks, config);
  const now = epochSeconds(ctx.clock.now());
  const schedule: MonitoringSchedule = {
    MonitoringScheduleArn: arn,
    MonitoringScheduleName: name,
    MonitoringScheduleStatus: "Pending",
    MonitoringType: monitoringType,
    CreationTime: now,
    LastModifiedTime: now,
    MonitoringScheduleConfig: { ...config, MonitoringType: monitoringType },
    EndpointName: endpointName,
  };
  ctx.monitoring.put("sagemaker-monitoring-schedule", name, { schedule, tags: input.Tags ?? [] });
  hooks.changed(name);
  return { MonitoringScheduleArn: arn };
}

/** The stored schedule with its latest execution, as Describe returns it. */
export function withLastExecution(
  ctx: MonitoringContext,
  doc: MonitoringScheduleDoc,
): MonitoringSchedule {
  const latest = executionsOf(ctx, doc.schedule.MonitoringScheduleName!)[0];
  return latest ? { ...doc.schedule, LastMonitoringExecutionSummary: latest } : doc.schedule;
}

export function describeMonitoringSchedule(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): MonitoringSchedule {
  const v = new Validator();
  v.requiredString(raw.MonitoringScheduleName, "MonitoringScheduleName", RESOURCE_NAME);
  v.done();
  return withLastExecution(ctx, getMonitoringSchedule(ctx, raw.MonitoringScheduleName as string));
}

export function listMonitoringSchedules(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Out<ListMonitoringSchedulesCommandOutput> {
  const v = new Validator();
  v.string(raw.EndpointName, "EndpointName", RESOURCE_NAME);
  v.string(raw.MonitoringJobDefinitionName, "MonitoringJobDefinitionName", RESOURCE_NAME);
  v.oneOf(raw.MonitoringTypeEquals, "MonitoringTypeEquals", MONITORING_TYPES);
  const input = raw as In<ListMonitoringSchedulesCommandInput>;
  const { page, nextToken } = listCommon(
    v,
    raw,
    ctx.monitoring.list("sagemaker-monitoring-schedule").map((d) => d.schedule),
    {
      name: (s) => s.MonitoringScheduleName,
      status: { of: (s) => s.MonitoringScheduleStatus, values: SCHEDULE_STATUSES },
      creationTime: (s) => s.CreationTime,
      lastModifiedTime: (s) => s.LastModifiedTime,
      defaultSortOrder: "Descending",
      matches: (s) =>
        (!input.EndpointName || s.EndpointName === input.EndpointName) &&
        (!input.MonitoringTypeEquals || s.MonitoringType === input.MonitoringTypeEquals) &&
        (!input.MonitoringJobDefinitionName ||
          s.MonitoringScheduleConfig?.MonitoringJobDefinitionName ===
            input.MonitoringJobDefinitionName),
    },
  );
  return {
    MonitoringScheduleSummaries: page.map((s) => ({
      MonitoringScheduleName: s.MonitoringScheduleName,
      MonitoringScheduleArn: s.MonitoringScheduleArn,
      CreationTime: s.CreationTime,
      LastModifiedTime: s.LastModifiedTime,
      MonitoringScheduleStatus: s.MonitoringScheduleStatus,
      EndpointName: s.EndpointName,
      MonitoringJobDefinitionName: s.MonitoringScheduleConfig?.MonitoringJobDefinitionName,
      MonitoringType: s.MonitoringType,
    })),
    NextToken: nextToken,
  };
}

/** Saves a status change (and anything else `change` does) with a new LastModifiedTime. */
export function setScheduleStatus(
  ctx: MonitoringContext,
  name: string,
  status: ScheduleStatus,
  change: (schedule: MonitoringSchedule) => void = () => undefined,
): MonitoringSchedule {
  const doc = getMonitoringSchedule(ctx, name);
  const schedule: MonitoringSchedule = {
    ...doc.schedule,
    MonitoringScheduleStatus: status,
    LastModifiedTime: epochSeconds(ctx.clock.now()),
  };
  change(schedule);
  ctx.monitoring.put("sagemaker-monitoring-schedule", name, { ...doc, schedule });
  return schedule;
}

function scheduleName(raw: Record<string, unknown>): string {
  const v = new Validator();
  v.requiredString(raw.MonitoringScheduleName, "MonitoringScheduleName", RESOURCE_NAME);
  v.done();
  return raw.MonitoringScheduleName as string;
}

export function updateMonitoringSchedule(
  ctx: MonitoringContext,
  hooks: ScheduleHooks,
  raw: Record<string, unknown>,
): Out<UpdateMonitoringScheduleCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.MonitoringScheduleName, "MonitoringScheduleName", RESOURCE_NAME);
  validateConfig(v, raw.MonitoringScheduleConfig, "MonitoringScheduleConfig");
  v.done();
  const name = raw.MonitoringScheduleName as string;
  const doc = getMonitoringSchedule(ctx, name);
  const config = raw.MonitoringScheduleConfig as MonitoringScheduleConfig;
  const { endpointName, monitoringType } = checkConfig(ctx, hooks, config);
  setScheduleStatus(ctx, name, "Pending", (s) => {
    s.MonitoringScheduleConfig = { ...config, MonitoringType: monitoringType };
    s.EndpointName = endpointName;
    s.FailureReason = undefined;
  });
  hooks.changed(name);
  return { MonitoringScheduleArn: doc.schedule.MonitoringScheduleArn };
}

export function stopMonitoringSchedule(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Record<string, never> {
  const name = scheduleName(raw);
  const status = getMonitoringSchedule(ctx, name).schedule.MonitoringScheduleStatus;
  if (status === "Failed") {
    throw new AwsError(
      "ValidationException",
      `Monitoring schedule ${name} is in status Failed and cannot be stopped; update or delete it.`,
    );
  }
  if (status !== "Stopped") setScheduleStatus(ctx, name, "Stopped");
  return {};
}

export function startMonitoringSchedule(
  ctx: MonitoringContext,
  hooks: ScheduleHooks,
  raw: Record<string, unknown>,
): Record<string, never> {
  const name = scheduleName(raw);
  const status = getMonitoringSchedule(ctx, name).schedule.MonitoringScheduleStatus;
  if (status === "Stopped") {
    setScheduleStatus(ctx, name, "Pending");
    hooks.changed(name);
  }
  return {};
}

export function deleteMonitoringSchedule(
  ctx: MonitoringContext,
  raw: Record<string, unknown>,
): Record<string, never> {
  const name = scheduleName(raw);
  getMonitoringSchedule(ctx, name);
  // AWS keeps the execution history (and the processing jobs) of a deleted schedule.
  ctx.monitoring.delete("sagemaker-monitoring-schedule", name);
  return {};
}
