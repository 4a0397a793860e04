/**
 * The persisted documents of processing jobs, data quality job definitions, monitoring schedules
 * and monitoring executions, their ARNs and their not-found errors.
 *
 * Like the rest of the SageMaker service (../store.ts), each document holds the resource in its
 * wire form (Describe's shape, epoch seconds), keyed by the lowercased name. The kinds live here
 * rather than in ../store.ts so this folder stays self-contained; they go through the same
 * StateStore, so they persist and survive restarts the same way.
 */
import type {
  DescribeDataQualityJobDefinitionCommandOutput,
  DescribeMonitoringScheduleCommandOutput,
  DescribeProcessingJobCommandOutput,
  MonitoringExecutionSummary,
  Tag,
} from "@aws-sdk/client-sagemaker";
import { AwsError, type ServiceContext } from "../../context";
import { partition } from "../arn";
import type { SageMakerContext } from "../store";
import type { Out, Wire } from "../wire";

export type ProcessingJob = Out<DescribeProcessingJobCommandOutput>;
export type MonitoringSchedule = Out<DescribeMonitoringScheduleCommandOutput>;
export type DataQualityJobDefinition = Out<DescribeDataQualityJobDefinitionCommandOutput>;
export type ExecutionSummary = Wire<MonitoringExecutionSummary>;

export interface ProcessingJobDoc {
  job: ProcessingJob;
  tags: Tag[];
}

export interface DataQualityJobDefinitionDoc {
  definition: DataQualityJobDefinition;
  tags: Tag[];
}

export interface MonitoringScheduleDoc {
  schedule: MonitoringSchedule;
  tags: Tag[];
}

export interface MonitoringExecutionDoc {
  execution: ExecutionSummary;
  /** Epoch seconds of the analysed window [start, end). */
  windowStart: number;
  windowEnd: number;
}

interface Kinds {
  "sagemaker-processing-job": ProcessingJobDoc;
  "sagemaker-data-quality-job-definition": DataQualityJobDefinitionDoc;
  "sagemaker-monitoring-schedule": MonitoringScheduleDoc;
  "sagemaker-monitoring-execution": MonitoringExecutionDoc;
}

export type MonitoringKind = keyof Kinds;

/** Typed access to the state store for this folder's documents (names are case-insensitive). */
export class MonitoringStore {
  constructor(private readonly ctx: Pick<ServiceContext, "state">) {}

  get<K extends MonitoringKind>(kind: K, name: string): Kinds[K] | undefined {
    return this.ctx.state.get<Kinds[K]>(kind, name.toLowerCase());
  }

  put<K extends MonitoringKind>(kind: K, name: string, doc: Kinds[K]): void {
    this.ctx.state.put(kind, name.toLowerCase(), doc);
  }

  delete(kind: MonitoringKind, name: string): boolean {
    return this.ctx.state.delete(kind, name.toLowerCase());
  }

  list<K extends MonitoringKind>(kind: K): Kinds[K][] {
    return this.ctx.state.list<Kinds[K]>(kind);
  }
}

/** What this folder's handlers get: the SageMaker context plus the typed monitoring store. */
export interface MonitoringContext extends SageMakerContext {
  monitoring: MonitoringStore;
}

export type MonitoringResourceType =
  "processing-job" | "monitoring-schedule" | "data-quality-job-definition" | "endpoint";

/** `arn:aws:sagemaker:<region>:<account>:<type>/<lowercased name>`, as ../arn.ts forms them. */
export function monitoringArn(
  ctx: Pick<ServiceContext, "region" | "accountId">,
  type: MonitoringResourceType,
  name: string,
): string {
  return `arn:${partition(ctx.region)}:sagemaker:${ctx.region}:${ctx.accountId}:${type}/${name.toLowerCase()}`;
}

/** The key of an execution: one per schedule and scheduled time, so an hour never runs twice. */
export function executionKey(scheduleName: string, scheduledTime: number): string {
  return `${scheduleName.toLowerCase()}@${Math.round(scheduledTime)}`;
}

export function processingJobNotFound(name: string): AwsError {
  return new AwsError("ResourceNotFound", `Could not find requested job with name ${name}`);
}

export function monitoringScheduleNotFound(arn: string): AwsError {
  return new AwsError("ResourceNotFound", `Could not find monitoring schedule '${arn}'.`);
}

export function jobDefinitionNotFound(arn: string): AwsError {
  return new AwsError("ResourceNotFound", `Could not find job definition '${arn}'.`);
}

export function getProcessingJob(ctx: MonitoringContext, name: string): ProcessingJobDoc {
  const doc = ctx.monitoring.get("sagemaker-processing-job", name);
  if (!doc) throw processingJobNotFound(name);
  return doc;
}

export function getMonitoringSchedule(ctx: MonitoringContext, name: string): MonitoringScheduleDoc {
  const doc = ctx.monitoring.get("sagemaker-monitoring-schedule", name);
  if (!doc) throw monitoringScheduleNotFound(monitoringArn(ctx, "monitoring-schedule", name));
  return doc;
}

export function getDataQualityJobDefinition(
  ctx: MonitoringContext,
  name: string,
): DataQualityJobDefinitionDoc {
  const doc = ctx.monitoring.get("sagemaker-data-quality-job-definition", name);
  if (!doc) {
    throw jobDefinitionNotFound(monitoringArn(ctx, "data-quality-job-definition", name));
  }
  return doc;
}
