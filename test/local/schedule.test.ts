/**
 * Monitoring schedules driven by the virtual clock, through the handlers with a real on-disk
 * state and object store (no HTTP): schedule expressions, Pending -> Scheduled, one execution per
 * passed hour in order with progress, SageMaker's "no data" failure, report and metric files,
 * ListMonitoringExecutions, stop/start/update/delete, job definitions, NOW, and restart without
 * backfill. Capture files are written in SageMaker's exact format (spec §1.3, §1.4).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readStatistics, readViolations } from "../../helpers/analyzer";
import { VirtualClock } from "../../helpers/local/clock";
import { AwsError } from "../../helpers/local/context";
import { FileObjectStore } from "../../helpers/local/s3";
import { FileStateStore } from "../../helpers/local/state";
import { SageMakerStore, type SageMakerContext } from "../../helpers/local/sagemaker/store";
import {
  cloudWatchDir,
  createMonitoringOperations,
  NO_DATA_REASON,
  onClockProgress,
  type MonitoringOperations,
  type SchedulerProgress,
} from "../../helpers/local/sagemaker/monitoring";
import { parseScheduleConfig } from "../../helpers/local/sagemaker/monitoring/scheduleExpression";
import { baselineJobInput } from "./baselineJob.fixtures";

const IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer";
const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";
const BUCKET = "bucket";
const CAPTURE = `s3://${BUCKET}/monitoring/datacapture`;
const START = new Date("2024-03-05T10:30:00Z");

let workspace: string;
let clock: VirtualClock;
let objects: FileObjectStore;
let state: FileStateStore;
let ops: MonitoringOperations;
let flushes: string[];

function context(): SageMakerContext {
  return {
    region: "us-east-1",
    accountId: "000000000000",
    workspace,
    clock,
    state,
    objects,
    store: new SageMakerStore(state),
  };
}

function open(realTime = false): MonitoringOperations {
  const created = createMonitoringOperations(context(), {
    realTime,
    flusher: {
      async flushUntil(time) {
        flushes.push(time.toISOString());
      },
    },
  });
  created.start();
  return created;
}

function call(op: string, input: Record<string, unknown>): Promise<any> {
  return Promise.resolve(ops.handlers[op](input));
}

async function error(op: string, input: Record<string, unknown>): Promise<AwsError> {
  try {
    await call(op, input);
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error(`${op} did not fail`);
}

/** Baseline rows: Label 0/1, AGE 20..59, SCORE 0..0.99 (deterministic). */
function row(i: number, drift: boolean): { label: string; input: string } {
  const score = ((i * 37) % 100) / 100;
  return {
    label: String(i % 4 === 0 ? 1 : 0),
    input: `${20 + (i % 40)},${drift ? score + 5 : score}`,
  };
}

async function writeBaseline(): Promise<void> {
  const lines = ["Label,AGE,SCORE"];
  for (let i = 0; i < 400; i++) {
    const r = row(i, false);
    lines.push(`${r.label},${r.input}`);
  }
  await objects.putObject(BUCKET, "data/train_headers.csv", lines.join("\n") + "\n");
  await call(
    "CreateProcessingJob",
    baselineJobInput({
      name: "baseline-suggestion-job-1",
      image: IMAGE,
      roleArn: ROLE,
      dataUri: `s3://${BUCKET}/data/train_headers.csv`,
      outputUri: `s3://${BUCKET}/baselining/results`,
    }),
  );
  await ops.waitForProcessingJob("baseline-suggestion-job-1");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Writes `rows` capture records with inferenceTime spread over the hour starting at `hour`. */
async function capture(
  hour: Date,
  rows: number,
  options: { drift?: boolean; variant?: string; extraLines?: string[] } = {},
): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const r = row(i, options.drift ?? false);
    const time = new Date(hour.getTime() + Math.floor((i * 3_600_000) / rows));
    lines.push(
      JSON.stringify({
        captureData: {
          endpointInput: {
            observedContentType: "text/csv",
            mode: "INPUT",
            data: r.input,
            encoding: "CSV",
          },
          // The output is the predicted label, so the first column matches the baseline's Label.
          endpointOutput: {
            observedContentType: "text/csv; charset=utf-8",
            mode: "OUTPUT",
            data: r.label,
            encoding: "CSV",
          },
        },
        eventMetadata: {
          eventId: randomUUID(),
          inferenceTime: time.toISOString().slice(0, 19) + "Z",
        },
        eventVersion: "0",
      }),
    );
  }
  lines.push(...(options.extraLines ?? []));
  const folder = `${hour.getUTCFullYear()}/${pad(hour.getUTCMonth() + 1)}/${pad(hour.getUTCDate())}/${pad(hour.getUTCHours())}`;
  const key = `monitoring/datacapture/ep/${options.variant ?? "AllTraffic"}/${folder}/00-01-002-${randomUUID()}.jsonl`;
  await objects.putObject(BUCKET, key, lines.join("\n") + "\n");
}

function inlineDefinition(endpointName = "ep") {
  return {
    BaselineConfig: {
      ConstraintsResource: { S3Uri: `s3://${BUCKET}/baselining/results/constraints.json` },
      StatisticsResource: { S3Uri: `s3://${BUCKET}/baselining/results/statistics.json` },
    },
    MonitoringInputs: [
      {
        EndpointInput: {
          EndpointName: endpointName,
          LocalPath: "/opt/ml/processing/input/endpoint",
        },
      },
    ],
    MonitoringOutputConfig: {
      MonitoringOutputs: [
        {
          S3Output: {
            S3Uri: `s3://${BUCKET}/reports`,
            LocalPath: "/opt/ml/processing/output",
            S3UploadMode: "Continuous",
          },
        },
      ],
    },
    MonitoringResources: {
      ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 20 },
    },
    MonitoringAppSpecification: { ImageUri: IMAGE },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    Environment: { publish_cloudwatch_metrics: "Enabled" },
    RoleArn: ROLE,
  };
}

async function createHourly(name: string, expression = "cron(0 * ? * * *)") {
  const result = await call("CreateMonitoringSchedule", {
    MonitoringScheduleName: name,
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: expression },
      MonitoringJobDefinition: inlineDefinition(),
      MonitoringType: "DataQuality",
    },
  });
  await ops.idle();
  return result;
}

async function executions(input: Record<string, unknown> = {}): Promise<any[]> {
  return (
    await call("ListMonitoringExecutions", {
      SortBy: "ScheduledTime",
      SortOrder: "Ascending",
      ...input,
    })
  ).MonitoringExecutionSummaries;
}

const at = (iso: string) => Date.parse(iso) / 1000;

beforeEach(async () => {
  workspace = mkdtempSync(path.join(os.tmpdir(), "schedule-test-"));
  flushes = [];
  clock = new VirtualClock();
  await clock.set(START);
  objects = new FileObjectStore(workspace, clock, "us-east-1");
  objects.createBucket(BUCKET);
  state = new FileStateStore(path.join(workspace, "state"));
  // An endpoint with capture, as the endpoints part of the service stores it.
  state.put("sagemaker-endpoint", "ep", {
    endpoint: {
      EndpointName: "ep",
      EndpointConfigName: "ep-config",
      EndpointStatus: "InService",
      ProductionVariants: [{ VariantName: "AllTraffic" }],
      DataCaptureConfig: {
        EnableCapture: true,
        CaptureStatus: "Started",
        CurrentSamplingPercentage: 100,
        DestinationS3Uri: CAPTURE,
      },
    },
  });
  ops = open();
  await writeBaseline();
});

afterEach(async () => {
  await ops.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe("schedule expressions", () => {
  test("hourly, every N hours, daily and NOW are accepted with their windows", () => {
    const hourly = parseScheduleConfig({ ScheduleExpression: "cron(0 * ? * * *)" });
    expect([hourly.intervalHours, hourly.windowStartOffsetMs, hourly.windowEndOffsetMs]).toEqual([
      1, -3_600_000, 0,
    ]);
    expect(
      hourly
        .firings(new Date("2024-03-05T10:30:00Z"), new Date("2024-03-05T13:00:00Z"))
        .map((d) => d.toISOString()),
    ).toEqual(["2024-03-05T11:00:00.000Z", "2024-03-05T12:00:00.000Z", "2024-03-05T13:00:00.000Z"]);
    const every6 = parseScheduleConfig({ ScheduleExpression: "cron(0 */6 ? * * *)" });
    expect(every6.intervalHours).toBe(6);
    const offset = parseScheduleConfig({ ScheduleExpression: "cron(0 2/12 ? * * *)" });
    expect(
      offset
        .firings(new Date("2024-03-05T00:00:00Z"), new Date("2024-03-06T03:00:00Z"))
        .map((d) => d.toISOString()),
    ).toEqual(["2024-03-05T02:00:00.000Z", "2024-03-05T14:00:00.000Z", "2024-03-06T02:00:00.000Z"]);
    const daily = parseScheduleConfig({ ScheduleExpression: "cron(0 5 ? * * *)" });
    expect([daily.intervalHours, daily.windowStartOffsetMs]).toEqual([24, -24 * 3_600_000]);
    const now = parseScheduleConfig({
      ScheduleExpression: "NOW",
      DataAnalysisStartTime: "-PT2H",
      DataAnalysisEndTime: "-PT0H",
    });
    expect([now.kind, now.windowStartOffsetMs, now.windowEndOffsetMs]).toEqual([
      "now",
      -7_200_000,
      -0,
    ]);
  });

  test.each([
    ["cron(5 * ? * * *)", "the minutes field must be 0"],
    ["cron(0 * * * * *)", "use ? for day-of-month"],
    ["cron(0 */25 ? * * *)", "Only whole-hour rates of 1 to 24 hours are supported, not 25"],
    ["cron(0 * ? * *)", "this one has 5"],
    ["cron(0 24 ? * * *)", "The hour 24 must be 0..23"],
    ["rate(1 hour)", "It must be a cron(...) expression or NOW"],
    ["cron(0 * ? 3 * *)", "The month and year fields must be *"],
  ])("%s is rejected", (expression, why) => {
    expect(() => parseScheduleConfig({ ScheduleExpression: expression })).toThrow(
      expect.objectContaining({
        code: "ValidationException",
        message: expect.stringContaining(why),
      }),
    );
  });

  test("NOW needs both offsets, earlier start, at most 24 hours", () => {
    expect(() => parseScheduleConfig({ ScheduleExpression: "NOW" })).toThrow(
      /needs DataAnalysisStartTime/,
    );
    expect(() =>
      parseScheduleConfig({
        ScheduleExpression: "NOW",
        DataAnalysisStartTime: "-PT1H",
        DataAnalysisEndTime: "-PT2H",
      }),
    ).toThrow(/must be earlier/);
    expect(() =>
      parseScheduleConfig({
        ScheduleExpression: "NOW",
        DataAnalysisStartTime: "-PT25H",
        DataAnalysisEndTime: "-PT0H",
      }),
    ).toThrow(/must not exceed 24 hours/);
    expect(() =>
      parseScheduleConfig({
        ScheduleExpression: "NOW",
        DataAnalysisStartTime: "PT1H",
        DataAnalysisEndTime: "-PT0H",
      }),
    ).toThrow(/negative ISO 8601 duration/);
  });
});

test("advancing the clock runs one execution per passed hour, in order, with progress and reports", async () => {
  const { MonitoringScheduleArn } = await createHourly("hourly-monitor");
  expect(MonitoringScheduleArn).toBe(
    "arn:aws:sagemaker:us-east-1:000000000000:monitoring-schedule/hourly-monitor",
  );
  const described = await call("DescribeMonitoringSchedule", {
    MonitoringScheduleName: "hourly-monitor",
  });
  expect(described.MonitoringScheduleStatus).toBe("Scheduled");
  expect(described.EndpointName).toBe("ep");
  expect(described.MonitoringType).toBe("DataQuality");
  expect(described.LastMonitoringExecutionSummary).toBeUndefined();

  // [10:00, 11:00) normal; [11:00, 12:00) nothing; [12:00, 13:00) drifted, plus two bad lines.
  await capture(new Date("2024-03-05T10:00:00Z"), 120);
  // A second variant's capture is analysed with the first's.
  await capture(new Date("2024-03-05T10:00:00Z"), 30, { variant: "Canary" });
  await capture(new Date("2024-03-05T12:00:00Z"), 80, {
    drift: true,
    extraLines: ["not json at all", '{"captureData":{}}'],
  });
  // Records of another hour inside the folder are filtered out by inferenceTime.
  const progress: SchedulerProgress[] = [];
  const viaClock: SchedulerProgress[] = [];
  const unsubscribe = ops.onProgress((p) => progress.push(p));
  const unsubscribeClock = onClockProgress(clock, (p) => viaClock.push(p));
  await clock.advance("PT2H45M"); // 10:30 -> 13:15: boundaries 11:00, 12:00, 13:00
  unsubscribe();
  unsubscribeClock();
  // Whoever holds the clock sees the same progress as the service's own listeners.
  expect(viaClock).toEqual(progress);
  expect(progress.map((p) => [p.phase, p.done, p.total])).toEqual([
    ["started", 0, 3],
    ["finished", 1, 3],
    ["started", 1, 3],
    ["finished", 2, 3],
    ["started", 2, 3],
    ["finished", 3, 3],
  ]);

  const list = await executions({ MonitoringScheduleName: "hourly-monitor" });
  expect(list.map((e) => [e.ScheduledTime, e.MonitoringExecutionStatus])).toEqual([
    [at("2024-03-05T11:00:00Z"), "Completed"],
    [at("2024-03-05T12:00:00Z"), "Failed"],
    [at("2024-03-05T13:00:00Z"), "CompletedWithViolations"],
  ]);
  expect(list[1].FailureReason).toBe(NO_DATA_REASON);
  expect(list[1].ProcessingJobArn).toBeUndefined();
  for (const e of [list[0], list[2]]) {
    expect(e.ProcessingJobArn).toMatch(
      /^arn:aws:sagemaker:us-east-1:000000000000:processing-job\/model-monitoring-20240305\d{4}-[0-9a-f]{24}$/,
    );
    expect(e.EndpointName).toBe("ep");
    expect(e.MonitoringType).toBe("DataQuality");
    expect(e.CreationTime).toBeGreaterThanOrEqual(e.ScheduledTime);
  }
  // The capture was flushed up to each window's end before it was read.
  expect(flushes).toEqual([
    "2024-03-05T11:00:00.000Z",
    "2024-03-05T12:00:00.000Z",
    "2024-03-05T13:00:00.000Z",
  ]);
  expect(
    progress.filter((p) => p.phase === "finished").map((p) => [p.done, p.total, p.status]),
  ).toEqual([
    [1, 3, "Completed"],
    [2, 3, "Failed"],
    [3, 3, "CompletedWithViolations"],
  ]);

  // The processing job of the 13:00 execution: analyzer environment, window, ExitMessage.
  const jobName = list[2].ProcessingJobArn.split("/")[1];
  const job = await call("DescribeProcessingJob", { ProcessingJobName: jobName });
  expect(job.MonitoringScheduleArn).toBe(MonitoringScheduleArn);
  expect(job.Environment).toMatchObject({
    dataset_source: "/opt/ml/processing/input/endpoint",
    output_path: "/opt/ml/processing/output",
    start_time: "2024-03-05T12:00:00Z",
    end_time: "2024-03-05T13:00:00Z",
    sagemaker_endpoint_name: "ep",
    sagemaker_monitoring_schedule_name: "hourly-monitor",
    baseline_statistics: "/opt/ml/processing/baseline/stats/statistics.json",
    baseline_constraints: "/opt/ml/processing/baseline/constraints/constraints.json",
    publish_cloudwatch_metrics: "Enabled",
  });
  expect(job.ProcessingInputs[0].S3Input).toMatchObject({
    S3Uri: `${CAPTURE}/ep/AllTraffic/2024/03/05/12`,
    LocalPath: "/opt/ml/processing/input/endpoint/ep/AllTraffic/2024/03/05/12",
  });
  const violations = readViolations(
    (
      await objects.getObjectBuffer(
        BUCKET,
        "reports/ep/hourly-monitor/2024/03/05/13/constraint_violations.json",
      )
    ).toString(),
  );
  expect(
    violations.violations.map((v) => [v.feature_name, v.constraint_check_type]),
  ).toContainEqual(["SCORE", "baseline_drift_check"]);
  expect(job.ExitMessage.split("\n")[0]).toBe(
    `CompletedWithViolations: Job completed successfully with ${violations.violations.length} violations.`,
  );
  // The two unreadable lines are counted and reported, not dropped silently.
  expect(job.ExitMessage.split("\n")[1]).toMatch(/skipped 2 record/);
  const statistics = readStatistics(
    (
      await objects.getObjectBuffer(
        BUCKET,
        "reports/ep/hourly-monitor/2024/03/05/13/statistics.json",
      )
    ).toString(),
  );
  expect(statistics.dataset.item_count).toBe(80);
  expect(
    objects
      .listObjects(BUCKET, "reports/ep/hourly-monitor/2024/03/05/11/")
      .map((o) => path.basename(o.key)),
  ).toEqual(["constraint_violations.json", "constraints.json", "statistics.json"]);

  // CloudWatch metric values of both completed executions, one JSON document per line.
  const metricsFile = path.join(cloudWatchDir(workspace), "2024-03-05.jsonl");
  const metrics = readFileSync(metricsFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const drift = metrics.filter((m) => m.MetricName === "feature_baseline_drift_SCORE");
  expect(drift.map((m) => m.Timestamp)).toEqual([
    "2024-03-05T11:00:00.000Z",
    "2024-03-05T13:00:00.000Z",
  ]);
  expect(drift[1].Value).toBeGreaterThan(drift[0].Value);
  expect(drift[0].Dimensions).toEqual([
    { Name: "Endpoint", Value: "ep" },
    { Name: "MonitoringSchedule", Value: "hourly-monitor" },
  ]);
  expect(metrics.find((m) => m.MetricName === "feature_data_AGE").StatisticValues.SampleCount).toBe(
    150,
  );
  const first = await call("DescribeProcessingJob", {
    ProcessingJobName: list[0].ProcessingJobArn.split("/")[1],
  });
  expect(first.ProcessingInputs.map((i: any) => i.S3Input.LocalPath)).toEqual([
    "/opt/ml/processing/input/endpoint/ep/AllTraffic/2024/03/05/10",
    "/opt/ml/processing/input/endpoint/ep/Canary/2024/03/05/10",
    "/opt/ml/processing/baseline/stats",
    "/opt/ml/processing/baseline/constraints",
  ]);

  const latest = await call("DescribeMonitoringSchedule", {
    MonitoringScheduleName: "hourly-monitor",
  });
  expect(latest.LastMonitoringExecutionSummary.ScheduledTime).toBe(at("2024-03-05T13:00:00Z"));
  expect(latest.LastMonitoringExecutionSummary.MonitoringExecutionStatus).toBe(
    "CompletedWithViolations",
  );

  // Advancing within the same hour runs nothing more.
  await clock.advance("PT30M");
  expect(await executions()).toHaveLength(3);
});

test("ListMonitoringExecutions filters, sorts and pages; schedules list with filters", async () => {
  await createHourly("sched-a");
  await createHourly("sched-b", "cron(0 */2 ? * * *)");
  for (const hour of ["10", "11", "12", "13"])
    await capture(new Date(`2024-03-05T${hour}:00:00Z`), 30);
  await clock.advance("PT4H"); // 11:00..14:00 for a (4), 12:00 and 14:00 for b (2)
  expect(await executions({ MonitoringScheduleName: "sched-a" })).toHaveLength(4);
  const b = await executions({ MonitoringScheduleName: "sched-b" });
  expect(b.map((e) => e.ScheduledTime)).toEqual([
    at("2024-03-05T12:00:00Z"),
    at("2024-03-05T14:00:00Z"),
  ]);
  // The every-2-hours schedule analysed the 2 hours before T.
  const job = await call("DescribeProcessingJob", {
    ProcessingJobName: b[0].ProcessingJobArn.split("/")[1],
  });
  expect([job.Environment.start_time, job.Environment.end_time]).toEqual([
    "2024-03-05T10:00:00Z",
    "2024-03-05T12:00:00Z",
  ]);
  expect(
    job.ProcessingInputs.filter((i: any) => i.InputName.startsWith("endpoint_input")),
  ).toHaveLength(2);

  const window = await executions({
    EndpointName: "ep",
    ScheduledTimeAfter: at("2024-03-05T11:00:00Z"),
    ScheduledTimeBefore: at("2024-03-05T14:00:00Z"),
  });
  expect(
    window.map(
      (e) => `${e.MonitoringScheduleName}@${new Date(e.ScheduledTime * 1000).getUTCHours()}`,
    ),
  ).toEqual(["sched-a@12", "sched-b@12", "sched-a@13"]);
  const descending = await call("ListMonitoringExecutions", {
    MonitoringScheduleName: "sched-a",
    SortBy: "ScheduledTime",
    MaxResults: 3,
  });
  expect(
    descending.MonitoringExecutionSummaries.map((e: any) =>
      new Date(e.ScheduledTime * 1000).getUTCHours(),
    ),
  ).toEqual([14, 13, 12]);
  const next = await call("ListMonitoringExecutions", {
    MonitoringScheduleName: "sched-a",
    SortBy: "ScheduledTime",
    MaxResults: 3,
    NextToken: descending.NextToken,
  });
  expect(
    next.MonitoringExecutionSummaries.map((e: any) =>
      new Date(e.ScheduledTime * 1000).getUTCHours(),
    ),
  ).toEqual([11]);
  expect(next.NextToken).toBeUndefined();
  expect(await executions({ StatusEquals: "Failed" })).toEqual([]);
  const bad = await error("ListMonitoringExecutions", { SortBy: "Name" });
  expect(bad.message).toBe(
    "1 validation error detected: Value 'Name' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [CreationTime, ScheduledTime, Status]",
  );

  const schedules = await call("ListMonitoringSchedules", {
    NameContains: "sched",
    SortBy: "Name",
    SortOrder: "Ascending",
  });
  expect(
    schedules.MonitoringScheduleSummaries.map((s: any) => [
      s.MonitoringScheduleName,
      s.MonitoringScheduleStatus,
      s.EndpointName,
    ]),
  ).toEqual([
    ["sched-a", "Scheduled", "ep"],
    ["sched-b", "Scheduled", "ep"],
  ]);
  expect(
    (await call("ListMonitoringSchedules", { EndpointName: "other" })).MonitoringScheduleSummaries,
  ).toEqual([]);
});

test("stop, start, update and delete; validation of schedules", async () => {
  await createHourly("life");
  await call("StopMonitoringSchedule", { MonitoringScheduleName: "life" });
  await capture(new Date("2024-03-05T10:00:00Z"), 30);
  await clock.advance("PT1H"); // 11:00 passes while stopped
  expect(await executions()).toEqual([]);
  expect(
    (await call("DescribeMonitoringSchedule", { MonitoringScheduleName: "life" }))
      .MonitoringScheduleStatus,
  ).toBe("Stopped");

  await call("StartMonitoringSchedule", { MonitoringScheduleName: "life" });
  await ops.idle();
  expect(
    (await call("DescribeMonitoringSchedule", { MonitoringScheduleName: "life" }))
      .MonitoringScheduleStatus,
  ).toBe("Scheduled");
  await capture(new Date("2024-03-05T11:00:00Z"), 30);
  await clock.advance("PT1H"); // 12:00 runs
  expect((await executions()).map((e) => e.ScheduledTime)).toEqual([at("2024-03-05T12:00:00Z")]);

  await call("UpdateMonitoringSchedule", {
    MonitoringScheduleName: "life",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 */3 ? * * *)" },
      MonitoringJobDefinition: inlineDefinition(),
      MonitoringType: "DataQuality",
    },
  });
  expect(
    (await call("DescribeMonitoringSchedule", { MonitoringScheduleName: "life" }))
      .MonitoringScheduleStatus,
  ).toBe("Pending");
  await ops.idle();
  await clock.advance("PT3H"); // 13, 14, 15: only 15:00 matches */3
  expect((await executions()).map((e) => e.ScheduledTime)).toEqual([
    at("2024-03-05T12:00:00Z"),
    at("2024-03-05T15:00:00Z"),
  ]);

  await call("DeleteMonitoringSchedule", { MonitoringScheduleName: "life" });
  expect((await error("DescribeMonitoringSchedule", { MonitoringScheduleName: "life" })).code).toBe(
    "ResourceNotFound",
  );
  await clock.advance("PT3H");
  // The execution history stays, as on AWS.
  expect(await executions({ MonitoringScheduleName: "life" })).toHaveLength(2);

  const invalid = await error("CreateMonitoringSchedule", {
    MonitoringScheduleName: "bad_name",
    MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" } },
  });
  expect(invalid.message).toContain(
    "Value 'bad_name' at 'monitoringScheduleName' failed to satisfy constraint",
  );
  const neither = await error("CreateMonitoringSchedule", {
    MonitoringScheduleName: "neither",
    MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" } },
  });
  expect(neither.message).toMatch(
    /^Exactly one of MonitoringScheduleConfig.MonitoringJobDefinition/,
  );
  const noEndpoint = await error("CreateMonitoringSchedule", {
    MonitoringScheduleName: "no-endpoint",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinition: inlineDefinition("missing"),
    },
  });
  expect(noEndpoint.message).toMatch(
    /^Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint\/missing"/,
  );
  const badCron = await error("CreateMonitoringSchedule", {
    MonitoringScheduleName: "bad-cron",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(30 * ? * * *)" },
      MonitoringJobDefinition: inlineDefinition(),
    },
  });
  expect(badCron.message).toMatch(
    /^Invalid value for ScheduleExpression: 'cron\(30 \* \? \* \* \*\)'/,
  );
  await createHourly("twice");
  expect(
    (
      await error("CreateMonitoringSchedule", {
        MonitoringScheduleName: "twice",
        MonitoringScheduleConfig: {
          ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
          MonitoringJobDefinition: inlineDefinition(),
        },
      })
    ).code,
  ).toBe("ResourceInUse");
});

test("schedules from a data quality job definition; the definition cannot be deleted while used", async () => {
  const definition = inlineDefinition();
  const { JobDefinitionArn } = await call("CreateDataQualityJobDefinition", {
    JobDefinitionName: "dq-def",
    // The SDK's way: the baseline is the output of the baselining job.
    DataQualityBaselineConfig: { BaseliningJobName: "baseline-suggestion-job-1" },
    DataQualityAppSpecification: {
      ImageUri: IMAGE,
      Environment: { publish_cloudwatch_metrics: "Disabled" },
    },
    DataQualityJobInput: {
      EndpointInput: { EndpointName: "ep", LocalPath: "/opt/ml/processing/input/endpoint" },
    },
    DataQualityJobOutputConfig: definition.MonitoringOutputConfig,
    JobResources: definition.MonitoringResources,
    NetworkConfig: {
      EnableNetworkIsolation: false,
      VpcConfig: { SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] },
    },
    RoleArn: ROLE,
    StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  });
  expect(JobDefinitionArn).toBe(
    "arn:aws:sagemaker:us-east-1:000000000000:data-quality-job-definition/dq-def",
  );
  const described = await call("DescribeDataQualityJobDefinition", { JobDefinitionName: "dq-def" });
  expect(described.NetworkConfig.VpcConfig.Subnets).toEqual(["subnet-1"]);
  const listed = await call("ListDataQualityJobDefinitions", { EndpointName: "ep" });
  expect(
    listed.JobDefinitionSummaries.map((s: any) => [s.MonitoringJobDefinitionName, s.EndpointName]),
  ).toEqual([["dq-def", "ep"]]);

  const needsType = await error("CreateMonitoringSchedule", {
    MonitoringScheduleName: "from-def",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinitionName: "dq-def",
    },
  });
  expect(needsType.message).toMatch(/MonitoringType is required/);
  await call("CreateMonitoringSchedule", {
    MonitoringScheduleName: "from-def",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinitionName: "dq-def",
      MonitoringType: "DataQuality",
    },
  });
  await ops.idle();
  await capture(new Date("2024-03-05T10:00:00Z"), 50);
  await clock.advance("PT1H");
  const [execution] = await executions();
  expect(execution.MonitoringExecutionStatus).toBe("Completed");
  expect(execution.MonitoringJobDefinitionName).toBe("dq-def");
  const job = await call("DescribeProcessingJob", {
    ProcessingJobName: execution.ProcessingJobArn.split("/")[1],
  });
  expect(job.NetworkConfig.VpcConfig.SecurityGroupIds).toEqual(["sg-1"]);
  expect(job.StoppingCondition.MaxRuntimeInSeconds).toBe(1800);
  expect(
    job.ProcessingInputs.filter((i: any) => !i.InputName.startsWith("endpoint_input")).map(
      (i: any) => [i.InputName, i.S3Input.S3Uri],
    ),
  ).toEqual([
    ["baseline", `s3://${BUCKET}/baselining/results/statistics.json`],
    ["constraints", `s3://${BUCKET}/baselining/results/constraints.json`],
  ]);
  // publish_cloudwatch_metrics Disabled in the definition: nothing recorded.
  expect(existsSync(cloudWatchDir(workspace))).toBe(false);

  expect(
    (await error("DeleteDataQualityJobDefinition", { JobDefinitionName: "dq-def" })).code,
  ).toBe("ResourceInUse");
  await call("DeleteMonitoringSchedule", { MonitoringScheduleName: "from-def" });
  await call("DeleteDataQualityJobDefinition", { JobDefinitionName: "dq-def" });
  expect(
    (await error("DescribeDataQualityJobDefinition", { JobDefinitionName: "dq-def" })).code,
  ).toBe("ResourceNotFound");
});

test("a NOW schedule runs once, right away, over its offsets", async () => {
  await capture(new Date("2024-03-05T09:00:00Z"), 40);
  await capture(new Date("2024-03-05T10:00:00Z"), 40);
  await call("CreateMonitoringSchedule", {
    MonitoringScheduleName: "one-off",
    MonitoringScheduleConfig: {
      ScheduleConfig: {
        ScheduleExpression: "NOW",
        DataAnalysisStartTime: "-PT2H",
        DataAnalysisEndTime: "-PT0H",
      },
      MonitoringJobDefinition: inlineDefinition(),
      MonitoringType: "DataQuality",
    },
  });
  await ops.idle();
  const [execution] = await executions();
  expect(execution.MonitoringExecutionStatus).toBe("Completed");
  const job = await call("DescribeProcessingJob", {
    ProcessingJobName: execution.ProcessingJobArn.split("/")[1],
  });
  expect(job.Environment.end_time.slice(0, 16)).toBe("2024-03-05T10:30");
  // [08:30, 10:30): all 40 records of 09:xx and those of 10:00-10:29.
  const statistics = readStatistics(
    (
      await objects.getObjectBuffer(BUCKET, `reports/ep/one-off/2024/03/05/10/statistics.json`)
    ).toString(),
  );
  expect(statistics.dataset.item_count).toBe(60);
  await clock.advance("PT3H");
  expect(await executions()).toHaveLength(1);
});

test("after a restart schedules resume from the clock's time without backfilling missed hours", async () => {
  await createHourly("survivor");
  for (const hour of ["10", "11", "12", "13", "14", "15"])
    await capture(new Date(`2024-03-05T${hour}:00:00Z`), 20);
  await clock.advance("PT1H"); // 11:00 runs
  await ops.close();

  // While the emulator is down the clock moves on: 12:00..14:00 pass unobserved.
  await clock.advance("PT3H"); // 14:30
  state = new FileStateStore(path.join(workspace, "state"));
  ops = open();
  expect(
    (await call("DescribeMonitoringSchedule", { MonitoringScheduleName: "survivor" }))
      .MonitoringScheduleStatus,
  ).toBe("Scheduled");
  await clock.advance("PT1H"); // 15:00 runs
  expect(
    (await executions()).map((e) => [
      new Date(e.ScheduledTime * 1000).getUTCHours(),
      e.MonitoringExecutionStatus,
    ]),
  ).toEqual([
    [11, "Completed"],
    [15, "Completed"],
  ]);
  // Setting the clock back and passing 15:00 again does not run that hour twice.
  await clock.set(new Date("2024-03-05T14:50:00Z"));
  await clock.advance("PT20M");
  expect(await executions()).toHaveLength(2);
});

test("in real time a timer runs the execution when the clock passes the hour by itself", async () => {
  await ops.close();
  ops = open(true);
  await createHourly("real-time");
  await capture(new Date("2024-03-05T10:00:00Z"), 25);
  // No advance: the clock reaches 11:00 by real time flowing, 400 ms from now.
  await clock.set(new Date("2024-03-05T10:59:59.600Z"));
  let list: any[] = [];
  for (let i = 0; i < 200 && list.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    list = await executions({ StatusEquals: "Completed" });
  }
  expect(list.map((e) => e.ScheduledTime)).toEqual([at("2024-03-05T11:00:00Z")]);

  // Set back before 11:00 and let real time pass it again: the hour is not run twice.
  await clock.set(new Date("2024-03-05T10:59:59.700Z"));
  await new Promise((resolve) => setTimeout(resolve, 700));
  await ops.idle();
  expect(await executions()).toHaveLength(1);
  await capture(new Date("2024-03-05T11:00:00Z"), 25);
  await clock.set(new Date("2024-03-05T12:00:00.500Z"));
  expect((await executions()).map((e) => [e.ScheduledTime, e.MonitoringExecutionStatus])).toEqual([
    [at("2024-03-05T11:00:00Z"), "Completed"],
    [at("2024-03-05T12:00:00Z"), "Completed"],
  ]);
});

test("a clock moved right after CreateMonitoringSchedule still runs the schedule's hours", async () => {
  await capture(new Date("2024-03-05T10:00:00Z"), 25);
  await call("CreateMonitoringSchedule", {
    MonitoringScheduleName: "eager",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinition: inlineDefinition(),
      MonitoringType: "DataQuality",
    },
  });
  // No wait for Scheduled: the schedule is still Pending when the clock moves.
  await clock.advance("PT1H");
  expect((await executions()).map((e) => [e.ScheduledTime, e.MonitoringExecutionStatus])).toEqual([
    [at("2024-03-05T11:00:00Z"), "Completed"],
  ]);
  await ops.idle();
  expect(
    (await call("DescribeMonitoringSchedule", { MonitoringScheduleName: "eager" }))
      .MonitoringScheduleStatus,
  ).toBe("Scheduled");
});
