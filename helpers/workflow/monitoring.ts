/**
 * Lab 02 steps 9, 11 and 12: the hourly data-quality schedule, its executions, the latest
 * violations, and drift over time. Everything after the schedule is read from the reports the
 * executions write to S3, so the same code works against AWS and the local emulator.
 */
import {
  CreateMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  ListMonitoringExecutionsCommand,
  type MonitoringExecutionSummary,
} from "@aws-sdk/client-sagemaker";
import {
  driftReport,
  readConstraints,
  readStatistics,
  readViolations,
  type Constraints,
  type Statistics,
  type Violation,
} from "../analyzer";
import { ANALYZER_PATHS } from "./baseline";
import { parseS3Uri, type WorkflowContext } from "./context";
import { modelMonitorImageUri } from "./images";
import { vpcConfig, type SecurityOptions } from "./security";
import { listUris, readText } from "./storage";

export const HOURLY = "cron(0 * ? * * *)";

export interface ScheduleOptions {
  scheduleName: string;
  endpointName: string;
  statisticsUri: string;
  constraintsUri: string;
  /** Reports land under `{reportsUri}/{endpoint}/{schedule}/yyyy/mm/dd/hh/`. */
  reportsUri: string;
  scheduleExpression?: string;
  security?: SecurityOptions;
}

export async function createMonitoringSchedule(
  context: WorkflowContext,
  options: ScheduleOptions,
): Promise<string> {
  const security = options.security ?? {};
  const result = await context.sagemaker.send(
    new CreateMonitoringScheduleCommand({
      MonitoringScheduleName: options.scheduleName,
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: options.scheduleExpression ?? HOURLY },
        MonitoringType: "DataQuality",
        MonitoringJobDefinition: {
          BaselineConfig: {
            StatisticsResource: { S3Uri: options.statisticsUri },
            ConstraintsResource: { S3Uri: options.constraintsUri },
          },
          MonitoringInputs: [
            {
              EndpointInput: {
                EndpointName: options.endpointName,
                LocalPath: ANALYZER_PATHS.endpointInput,
                S3InputMode: "File",
                S3DataDistributionType: "FullyReplicated",
              },
            },
          ],
          MonitoringOutputConfig: {
            MonitoringOutputs: [
              {
                S3Output: {
                  S3Uri: options.reportsUri,
                  LocalPath: ANALYZER_PATHS.output,
                  S3UploadMode: "Continuous",
                },
              },
            ],
            KmsKeyId: security.outputKmsKeyId,
          },
          MonitoringResources: {
            ClusterConfig: {
              InstanceCount: 1,
              InstanceType: "ml.m5.xlarge",
              VolumeSizeInGB: 20,
              VolumeKmsKeyId: security.volumeKmsKeyId,
            },
          },
          MonitoringAppSpecification: { ImageUri: modelMonitorImageUri(context.region) },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          Environment: { publish_cloudwatch_metrics: "Enabled" },
          RoleArn: context.roleArn,
          NetworkConfig:
            security.vpc ||
            security.enableNetworkIsolation ||
            security.enableInterContainerTrafficEncryption
              ? {
                  VpcConfig: vpcConfig(security),
                  EnableNetworkIsolation: security.enableNetworkIsolation,
                  EnableInterContainerTrafficEncryption:
                    security.enableInterContainerTrafficEncryption,
                }
              : undefined,
        },
      },
    }),
  );
  return result.MonitoringScheduleArn!;
}

/** Every execution of a schedule, oldest scheduled time first. */
export async function listExecutions(
  context: Pick<WorkflowContext, "sagemaker">,
  scheduleName: string,
): Promise<MonitoringExecutionSummary[]> {
  const executions: MonitoringExecutionSummary[] = [];
  let token: string | undefined;
  do {
    const page = await context.sagemaker.send(
      new ListMonitoringExecutionsCommand({
        MonitoringScheduleName: scheduleName,
        SortBy: "ScheduledTime",
        SortOrder: "Ascending",
        NextToken: token,
      }),
    );
    executions.push(...(page.MonitoringExecutionSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return executions;
}

export interface ExecutionDetails {
  scheduledTime?: Date;
  status?: string;
  exitMessage?: string;
  failureReason?: string;
  processingJobName?: string;
  /** The folder of this execution's reports. */
  reportUri?: string;
}

/** Status, exit message and report folder of one execution (from its processing job). */
export async function executionDetails(
  context: Pick<WorkflowContext, "sagemaker">,
  execution: MonitoringExecutionSummary,
): Promise<ExecutionDetails> {
  const details: ExecutionDetails = {
    scheduledTime: execution.ScheduledTime,
    status: execution.MonitoringExecutionStatus,
    failureReason: execution.FailureReason,
  };
  if (execution.ProcessingJobArn) {
    const processingJobName = execution.ProcessingJobArn.split("/").pop()!;
    const job = await context.sagemaker.send(
      new DescribeProcessingJobCommand({ ProcessingJobName: processingJobName }),
    );
    details.processingJobName = processingJobName;
    details.exitMessage = job.ExitMessage;
    details.failureReason ??= job.FailureReason;
    details.reportUri = job.ProcessingOutputConfig?.Outputs?.[0]?.S3Output?.S3Uri;
  }
  return details;
}

/** One execution's reports in S3, keyed by the hour they cover. */
export interface HourlyReport {
  /** The scheduled time T: the report covers [T - 1 h, T). */
  hour: Date;
  folder: string;
  statistics?: Statistics;
  constraints?: Constraints;
  violations: Violation[];
}

const HOUR_FOLDER = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/;

/** Reads every report folder under `{reportsUri}/{endpoint}/{schedule}/`, oldest first. */
export async function readHourlyReports(
  context: Pick<WorkflowContext, "s3">,
  reportsUri: string,
  endpointName: string,
  scheduleName: string,
): Promise<HourlyReport[]> {
  const root = `${reportsUri.replace(/\/+$/, "")}/${endpointName}/${scheduleName}/`;
  const byFolder = new Map<string, HourlyReport>();
  for (const uri of await listUris(context, root)) {
    const match = HOUR_FOLDER.exec(parseS3Uri(uri).key);
    if (!match) continue;
    const folder = uri.slice(0, uri.lastIndexOf("/"));
    const [, y, m, d, h] = match;
    const report = byFolder.get(folder) ?? {
      hour: new Date(Date.UTC(+y, +m - 1, +d, +h)),
      folder,
      violations: [],
    };
    byFolder.set(folder, report);
    const file = uri.slice(folder.length + 1);
    if (file === "statistics.json")
      report.statistics = readStatistics(await readText(context, uri));
    if (file === "constraints.json")
      report.constraints = readConstraints(await readText(context, uri));
    if (file === "constraint_violations.json") {
      report.violations = readViolations(await readText(context, uri)).violations;
    }
  }
  return [...byFolder.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime());
}

/** One point of the drift timeline: a feature in one hour. */
export interface DriftPoint {
  hour: Date;
  feature: string;
  distance: number | null;
  threshold: number;
  violates: boolean;
  currentMean: number | null;
  baselineMean: number | null;
}

/**
 * Drift distance and mean of every feature in every hour, against the baseline: the data behind
 * the "baseline vs current" and "drift over time" charts.
 */
export function driftTimeline(
  baselineStatistics: Statistics,
  baselineConstraints: Constraints,
  reports: HourlyReport[],
): DriftPoint[] {
  const points: DriftPoint[] = [];
  for (const report of reports) {
    if (!report.statistics) continue;
    const drift = driftReport(baselineStatistics, report.statistics, baselineConstraints);
    for (const feature of drift.features) {
      points.push({
        hour: report.hour,
        feature: feature.name,
        distance: feature.distance,
        threshold: feature.threshold,
        violates: feature.violates,
        currentMean: feature.currentMean,
        baselineMean: feature.baselineMean,
      });
    }
  }
  return points;
}

/** Violations per check type per hour (for the stacked bar chart). */
export function violationsByCheckType(
  reports: HourlyReport[],
): { hour: Date; counts: Record<string, number> }[] {
  return reports.map((report) => {
    const counts: Record<string, number> = {};
    for (const violation of report.violations) {
      counts[violation.constraint_check_type] = (counts[violation.constraint_check_type] ?? 0) + 1;
    }
    return { hour: report.hour, counts };
  });
}
