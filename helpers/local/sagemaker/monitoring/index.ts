/**
 * Processing jobs, data quality job definitions, monitoring schedules and monitoring executions
 * of the SageMaker service, as an operation map the service registers (../index.ts), plus the
 * scheduler that runs executions as the clock moves (helpers/local/jobs/scheduler.ts).
 *
 *   const monitoring = createMonitoringOperations(sm, { flusher });
 *   Object.assign(handlers, monitoring.handlers);
 *   monitoring.start();            // subscribes to the clock
 *   ...
 *   await monitoring.close();      // on shutdown
 */
import path from "node:path";
import { AnalyzerRunner } from "../../jobs/analyzerRunner";
import {
  MonitoringScheduler,
  type DueRun,
  type ProgressListener,
  type ScheduleSource,
  type SchedulerClock,
} from "../../jobs/scheduler";
import type { SageMakerContext } from "../store";
import {
  createDataQualityJobDefinition,
  deleteDataQualityJobDefinition,
  describeDataQualityJobDefinition,
  listDataQualityJobDefinitions,
} from "./dataQualityJobDefinitions";
import { MonitoringStore, type MonitoringContext } from "./docs";
import { stateEndpointLookup, type EndpointLookup } from "./endpointCapture";
import {
  findExecution,
  listMonitoringExecutions,
  runExecution,
  settleInterruptedExecutions,
  type CaptureFlusher,
  type ExecutionDeps,
} from "./executions";
import {
  createProcessingJob,
  describeProcessingJob,
  listProcessingJobs,
  settleInterruptedProcessingJobs,
  stopProcessingJob,
} from "./processingJobs";
import { parseScheduleConfig } from "./scheduleExpression";
import {
  createMonitoringSchedule,
  deleteMonitoringSchedule,
  describeMonitoringSchedule,
  listMonitoringSchedules,
  setScheduleStatus,
  startMonitoringSchedule,
  stopMonitoringSchedule,
  updateMonitoringSchedule,
  type ScheduleHooks,
} from "./schedules";

export type { CaptureFlusher } from "./executions";
export type { EndpointLookup, EndpointCaptureInfo } from "./endpointCapture";
export type { SchedulerProgress, ProgressListener } from "../../jobs/scheduler";
export { onClockProgress } from "../../jobs/scheduler";
export { NO_DATA_REASON, hourPath } from "./executions";
export { DATA_METRICS_NAMESPACE, cloudWatchDir } from "./cloudWatchMetrics";

export type MonitoringHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export interface MonitoringOptions {
  /** Writes buffered capture records before an hour is analysed (the runtime's capture writer). */
  flusher?: CaptureFlusher;
  /** Where endpoints and their capture destinations are found (default: the state store). */
  endpoints?: EndpointLookup;
  /** Arm a real-time timer for hour boundaries (default true). */
  realTime?: boolean;
  log?: (line: string) => void;
}

export interface MonitoringOperations {
  handlers: Record<string, MonitoringHandler>;
  scheduler: MonitoringScheduler;
  /** Subscribes the scheduler to the clock (call once the service is ready). */
  start(): void;
  /** Registers a progress listener for scheduled executions; returns the unsubscribe function. */
  onProgress(listener: ProgressListener): () => void;
  /** Resolves when the named processing job has ended. */
  waitForProcessingJob(name: string): Promise<void>;
  /** Resolves when no scheduler work is queued (activations, executions). */
  idle(): Promise<void>;
  /** Stops the scheduler and the running jobs (recorded as Failed/Stopped, not left InProgress). */
  close(): Promise<void>;
}

function isActive(status: string | undefined): boolean {
  return status === "Scheduled" || status === "Pending";
}

export function processingLogDir(workspace: string): string {
  return path.join(workspace, "logs", "processing-jobs");
}

export function createMonitoringOperations(
  sm: SageMakerContext,
  options: MonitoringOptions = {},
): MonitoringOperations {
  // Prototype-linked like ../index.ts does, so getters on the context keep working.
  const ctx: MonitoringContext = Object.assign(Object.create(sm) as SageMakerContext, {
    monitoring: new MonitoringStore(sm),
  });
  const runner = new AnalyzerRunner(ctx.objects, {
    logDir: processingLogDir(ctx.workspace),
    now: () => ctx.clock.now(),
  });
  const endpoints = options.endpoints ?? stateEndpointLookup(ctx);
  const deps: ExecutionDeps = { runner, endpoints, flusher: options.flusher, log: options.log };

  // What the previous process left running ends now; schedules it left Pending are taken in.
  settleInterruptedProcessingJobs(ctx, runner);
  settleInterruptedExecutions(ctx);

  const source: ScheduleSource = {
    due(from, to) {
      const runs: DueRun[] = [];
      for (const { schedule } of ctx.monitoring.list("sagemaker-monitoring-schedule")) {
        // Pending is the moment between Create/Update/Start and activation: a clock moved
        // right after CreateMonitoringSchedule must not skip the schedule's hours.
        if (!isActive(schedule.MonitoringScheduleStatus)) continue;
        const parsed = parseScheduleConfig(schedule.MonitoringScheduleConfig?.ScheduleConfig ?? {});
        // A schedule fires only at times after it was created.
        const created = new Date(schedule.CreationTime! * 1000);
        const start = created.getTime() > from.getTime() ? created : from;
        for (const time of parsed.firings(start, to)) {
          if (!findExecution(ctx, schedule.MonitoringScheduleName!, time)) {
            runs.push({ scheduleName: schedule.MonitoringScheduleName!, scheduledTime: time });
          }
        }
      }
      return runs.sort(
        (a, b) =>
          a.scheduledTime.getTime() - b.scheduledTime.getTime() ||
          (a.scheduleName < b.scheduleName ? -1 : a.scheduleName > b.scheduleName ? 1 : 0),
      );
    },
    async run(item) {
      const doc = ctx.monitoring.get("sagemaker-monitoring-schedule", item.scheduleName);
      // Stopped or deleted while earlier executions of the batch ran.
      if (!doc || !isActive(doc.schedule.MonitoringScheduleStatus)) return "Skipped";
      const execution = await runExecution(ctx, deps, doc, item.scheduledTime);
      return execution.MonitoringExecutionStatus ?? "Failed";
    },
    async activate(name) {
      const doc = ctx.monitoring.get("sagemaker-monitoring-schedule", name);
      if (!doc || doc.schedule.MonitoringScheduleStatus !== "Pending") return;
      const scheduled = setScheduleStatus(ctx, name, "Scheduled");
      const parsed = parseScheduleConfig(scheduled.MonitoringScheduleConfig?.ScheduleConfig ?? {});
      if (parsed.kind === "now") {
        // The one-off NOW schedule runs once, right away, over its offsets from now.
        const fresh = ctx.monitoring.get("sagemaker-monitoring-schedule", name)!;
        await runExecution(ctx, deps, fresh, ctx.clock.now());
      }
    },
  };
  const scheduler = new MonitoringScheduler(ctx.clock as SchedulerClock, source, {
    realTime: options.realTime,
    log: options.log,
  });
  const hooks: ScheduleHooks = { endpoints, changed: (name) => scheduler.activate(name) };
  for (const { schedule } of ctx.monitoring.list("sagemaker-monitoring-schedule")) {
    if (schedule.MonitoringScheduleStatus === "Pending")
      hooks.changed(schedule.MonitoringScheduleName!);
  }

  const handlers: Record<string, MonitoringHandler> = {
    CreateProcessingJob: (input) => createProcessingJob(ctx, runner, input),
    DescribeProcessingJob: (input) => describeProcessingJob(ctx, input),
    ListProcessingJobs: (input) => listProcessingJobs(ctx, input),
    StopProcessingJob: (input) => stopProcessingJob(ctx, runner, input),

    CreateDataQualityJobDefinition: (input) => createDataQualityJobDefinition(ctx, input),
    DescribeDataQualityJobDefinition: (input) => describeDataQualityJobDefinition(ctx, input),
    ListDataQualityJobDefinitions: (input) => listDataQualityJobDefinitions(ctx, input),
    DeleteDataQualityJobDefinition: (input) => deleteDataQualityJobDefinition(ctx, input),

    CreateMonitoringSchedule: (input) => createMonitoringSchedule(ctx, hooks, input),
    DescribeMonitoringSchedule: (input) => describeMonitoringSchedule(ctx, input),
    ListMonitoringSchedules: (input) => listMonitoringSchedules(ctx, input),
    UpdateMonitoringSchedule: (input) => updateMonitoringSchedule(ctx, hooks, input),
    StopMonitoringSchedule: (input) => stopMonitoringSchedule(ctx, input),
    StartMonitoringSchedule: (input) => startMonitoringSchedule(ctx, hooks, input),
    DeleteMonitoringSchedule: (input) => deleteMonitoringSchedule(ctx, input),
    ListMonitoringExecutions: (input) => listMonitoringExecutions(ctx, input),
  };

  return {
    handlers,
    scheduler,
    start: () => scheduler.start(),
    onProgress: (listener) => scheduler.onProgress(listener),
    waitForProcessingJob: (name) => runner.wait(name),
    idle: () => scheduler.idle(),
    async close() {
      // Together: the scheduler waits for its current execution, whose job the runner stops.
      await Promise.all([scheduler.close(), runner.close()]);
      settleInterruptedProcessingJobs(ctx, runner);
      settleInterruptedExecutions(ctx);
    },
  };
}
