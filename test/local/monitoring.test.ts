/**
 * The DevOps lab's monitoring loop end to end, through the real SDK clients against a started
 * emulator (issue 5 item 8): train a small XGBoost model, deploy it with data capture, baseline
 * the lab's training data with the analyzer image, schedule hourly monitoring, then send 3 hours
 * of normal and 3 hours of drifted traffic (LIMIT_BAL/1000 on a random half of the rows,
 * EDUCATION negated on 75 %, MARRIAGE negated), advancing the virtual clock an hour at a time.
 * Every execution's status, the reports and the violations are checked; then the emulator
 * restarts and the schedule resumes at the next hour.
 *
 * As on SageMaker, the baseline's first column is the label while captured rows start with the
 * predicted probability, so the first column ("Label") is flagged by data_type_check in every
 * hour (spec §5); the input features must be clean in normal hours.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateMonitoringScheduleCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListMonitoringExecutionsCommand,
  type MonitoringExecutionSummary,
} from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { readStatistics, readViolations, type Violation } from "../../helpers/analyzer";
import { loadCreditCardData, preprocess, toCsv, type LabTable } from "../../helpers/dataset";
import { cloudWatchDir } from "../../helpers/local/sagemaker/monitoring";
import { seededRandom } from "../../helpers/random";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { baselineJobInput } from "./baselineJob.fixtures";

jest.setTimeout(120_000);

const REGION_ACCOUNT = "156813124566"; // us-east-1's analyzer registry (spec §10)
const ANALYZER = `${REGION_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer`;
const XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";
const BUCKET = "sagemaker-workshop";
const PREFIX = "secure-sagemaker-demo";
const ENDPOINT = "cc-training-job-endpoint";
const SCHEDULE = "xgb-credit-score-model-monitor-schedule-1";
const ROWS_PER_HOUR = 240;
const ROWS_PER_REQUEST = 40;
/** The lab starts a little after an hour boundary, so the first execution is at 11:00. */
const START = new Date("2024-03-05T10:00:05Z");

let aws: TestLocalAws;
let test_: LabTable;

function rowsOf(table: LabTable, rows: number[]): number[][] {
  return rows.map((r) => table.values.map((column) => column[r]));
}

/** CSV body of feature rows (label dropped), as the lab sends them. */
function body(rows: number[][]): string {
  return rows.map((row) => row.slice(1).join(",")).join("\n");
}

/** The lab's drift: LIMIT_BAL/1000 on half the rows, EDUCATION negated on 75 %, MARRIAGE negated. */
function drift(rows: number[][], columns: string[], random: () => number): number[][] {
  const limit = columns.indexOf("LIMIT_BAL");
  const education = columns.indexOf("EDUCATION");
  const marriage = columns.indexOf("MARRIAGE");
  return rows.map((row) => {
    const out = [...row];
    if (random() < 0.5) out[limit] = out[limit] / 1000;
    if (random() < 0.75) out[education] = -out[education];
    out[marriage] = -out[marriage];
    return out;
  });
}

async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function text(key: string): Promise<string> {
  const object = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToString();
}

async function sendHour(rows: number[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_REQUEST) {
    await aws.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: ENDPOINT,
        ContentType: "text/csv",
        Body: body(rows.slice(i, i + ROWS_PER_REQUEST)),
      }),
    );
  }
}

async function listExecutions(): Promise<MonitoringExecutionSummary[]> {
  const out = await aws.sagemaker.send(
    new ListMonitoringExecutionsCommand({
      MonitoringScheduleName: SCHEDULE,
      SortBy: "ScheduledTime",
      SortOrder: "Ascending",
      MaxResults: 100,
    }),
  );
  return out.MonitoringExecutionSummaries ?? [];
}

const pad = (n: number) => String(n).padStart(2, "0");
const reportPrefix = (t: Date) =>
  `${PREFIX}/reports/${ENDPOINT}/${SCHEDULE}/${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}/${pad(t.getUTCHours())}`;

beforeAll(async () => {
  aws = await startTestLocalAws();
  await aws.emulator.clock.set(START);
  const { train, test } = preprocess(loadCreditCardData());
  test_ = test;
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // A small model is enough: monitoring looks at the traffic, not at the model's quality.
  const trainRows = Array.from({ length: 2000 }, (_, i) => i);
  const small: LabTable = {
    columns: train.columns,
    values: train.values.map((c) => c.slice(0, 2000)),
    rowCount: 2000,
  };
  expect(trainRows).toHaveLength(small.rowCount);
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `${PREFIX}/train_data/train.csv`,
      Body: toCsv(small, { header: false }),
    }),
  );
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `${PREFIX}/train_headers/train_data_headers.csv`,
      Body: toCsv(train, { header: true }),
    }),
  );
  await aws.sagemaker.send(
    new CreateTrainingJobCommand({
      TrainingJobName: "cc-training-job",
      AlgorithmSpecification: { TrainingImage: XGBOOST, TrainingInputMode: "File" },
      RoleArn: ROLE,
      HyperParameters: {
        objective: "binary:logistic",
        num_round: "5",
        max_depth: "3",
        eta: "0.3",
        seed: "42",
      },
      InputDataConfig: [
        {
          ChannelName: "train",
          ContentType: "text/csv",
          DataSource: {
            S3DataSource: { S3DataType: "S3Prefix", S3Uri: `s3://${BUCKET}/${PREFIX}/train_data/` },
          },
        },
      ],
      OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/${PREFIX}/models` },
      ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 5 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    }),
  );
  const trained = await poll(
    () =>
      aws.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: "cc-training-job" })),
    (j) => j.TrainingJobStatus !== "InProgress",
    "training",
  );
  expect([trained.TrainingJobStatus, trained.FailureReason]).toEqual(["Completed", undefined]);
  await aws.sagemaker.send(
    new CreateModelCommand({
      ModelName: "cc-training-job-model",
      PrimaryContainer: { Image: XGBOOST, ModelDataUrl: trained.ModelArtifacts!.S3ModelArtifacts },
      ExecutionRoleArn: ROLE,
    }),
  );
  await aws.sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${ENDPOINT}-config`,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: "cc-training-job-model",
          InitialInstanceCount: 1,
          InstanceType: "ml.m5.xlarge",
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: `s3://${BUCKET}/${PREFIX}/monitoring/datacapture`,
        CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
        CaptureContentTypeHeader: {
          CsvContentTypes: ["text/csv"],
          JsonContentTypes: ["application/json"],
        },
      },
    }),
  );
  await aws.sagemaker.send(
    new CreateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: `${ENDPOINT}-config` }),
  );
  const endpoint = await poll(
    () => aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT })),
    (e) => e.EndpointStatus !== "Creating",
    "the endpoint",
  );
  expect([endpoint.EndpointStatus, endpoint.FailureReason]).toEqual(["InService", undefined]);
});

afterAll(async () => {
  await aws?.stop();
});

test("baseline, hourly schedule, 3 normal and 3 drifted hours, then a restart", async () => {
  // Baselining as the SDK's DefaultModelMonitor.suggest_baseline does it.
  const baselineJob = "baseline-suggestion-job-2024-03-05-10-00-05-000";
  await aws.sagemaker.send(
    new CreateProcessingJobCommand({
      ...baselineJobInput({
        name: baselineJob,
        image: ANALYZER,
        roleArn: ROLE,
        dataUri: `s3://${BUCKET}/${PREFIX}/train_headers/train_data_headers.csv`,
        outputUri: `s3://${BUCKET}/${PREFIX}/baselining/results`,
      }),
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    }),
  );
  const baseline = await poll(
    () => aws.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: baselineJob })),
    (j) => j.ProcessingJobStatus !== "InProgress",
    "the baseline",
  );
  expect(baseline.ProcessingJobStatus).toBe("Completed");
  expect(baseline.ExitMessage).toBe("Completed: Job completed successfully with no violations.");
  expect(baseline.ProcessingEndTime).toBeInstanceOf(Date);
  const statistics = readStatistics(await text(`${PREFIX}/baselining/results/statistics.json`));
  expect(statistics.features.map((f) => f.name)).toEqual(test_.columns);
  expect(statistics.dataset.item_count).toBe(24000);

  await aws.sagemaker.send(
    new CreateMonitoringScheduleCommand({
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
        MonitoringJobDefinition: {
          BaselineConfig: {
            ConstraintsResource: {
              S3Uri: `s3://${BUCKET}/${PREFIX}/baselining/results/constraints.json`,
            },
            StatisticsResource: {
              S3Uri: `s3://${BUCKET}/${PREFIX}/baselining/results/statistics.json`,
            },
          },
          MonitoringInputs: [
            {
              EndpointInput: {
                EndpointName: ENDPOINT,
                LocalPath: "/opt/ml/processing/input/endpoint",
              },
            },
          ],
          MonitoringOutputConfig: {
            MonitoringOutputs: [
              {
                S3Output: {
                  S3Uri: `s3://${BUCKET}/${PREFIX}/reports`,
                  LocalPath: "/opt/ml/processing/output",
                  S3UploadMode: "Continuous",
                },
              },
            ],
          },
          MonitoringResources: {
            ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 20 },
          },
          MonitoringAppSpecification: { ImageUri: ANALYZER },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          Environment: { publish_cloudwatch_metrics: "Enabled" },
          RoleArn: ROLE,
        },
        MonitoringType: "DataQuality",
      },
    }),
  );
  const scheduled = await poll(
    () =>
      aws.sagemaker.send(
        new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }),
      ),
    (s) => s.MonitoringScheduleStatus !== "Pending",
    "the schedule",
  );
  expect(scheduled.MonitoringScheduleStatus).toBe("Scheduled");
  expect(scheduled.EndpointName).toBe(ENDPOINT);

  const random = seededRandom(7);
  const pick = () =>
    Array.from({ length: ROWS_PER_HOUR }, () => Math.floor(random() * test_.rowCount));
  for (let hour = 0; hour < 6; hour++) {
    const rows = rowsOf(test_, pick());
    await sendHour(hour < 3 ? rows : drift(rows, test_.columns, random));
    await aws.emulator.clock.advance("PT1H");
  }

  const executions = await listExecutions();
  expect(executions.map((e) => e.ScheduledTime!.toISOString())).toEqual(
    [11, 12, 13, 14, 15, 16].map((h) => `2024-03-05T${h}:00:00.000Z`),
  );
  for (const [i, execution] of executions.entries()) {
    // Label vs predicted probability makes every hour report a violation on the first column.
    expect(execution.MonitoringExecutionStatus).toBe("CompletedWithViolations");
    expect(execution.ProcessingJobArn).toBeDefined();
    const job = await aws.sagemaker.send(
      new DescribeProcessingJobCommand({
        ProcessingJobName: execution.ProcessingJobArn!.split("/")[1],
      }),
    );
    const prefix = reportPrefix(execution.ScheduledTime!);
    const { violations } = readViolations(await text(`${prefix}/constraint_violations.json`));
    expect(job.ProcessingJobStatus).toBe("Completed");
    expect(job.ExitMessage).toBe(
      `CompletedWithViolations: Job completed successfully with ${violations.length} violations.`,
    );
    const window = readStatistics(await text(`${prefix}/statistics.json`));
    expect(window.dataset.item_count).toBe(ROWS_PER_HOUR);
    const named = (check: string) =>
      violations
        .filter((v: Violation) => v.constraint_check_type === check)
        .map((v) => v.feature_name);
    expect(named("data_type_check")).toContain("Label");
    const features = violations
      .filter((v) => v.feature_name !== "Label")
      .map((v) => v.feature_name);
    if (i < 3) {
      expect(features).toEqual([]);
    } else {
      expect(named("baseline_drift_check")).toEqual(
        expect.arrayContaining(["LIMIT_BAL", "EDUCATION", "MARRIAGE"]),
      );
    }
  }

  // The CloudWatch values the executions would publish (spec §9), per hour, in the workspace.
  const metrics = readFileSync(path.join(cloudWatchDir(aws.workspace), "2024-03-05.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const marriage = metrics.filter((m) => m.MetricName === "feature_baseline_drift_MARRIAGE");
  expect(marriage.map((m) => m.Timestamp.slice(11, 13))).toEqual([
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
  ]);
  expect(marriage.slice(0, 3).every((m) => m.Value < 0.1)).toBe(true);
  expect(marriage.slice(3).every((m) => m.Value > 0.5)).toBe(true);
  expect(marriage[0].Dimensions).toEqual([
    { Name: "Endpoint", Value: ENDPOINT },
    { Name: "MonitoringSchedule", Value: SCHEDULE },
  ]);

  // A restart keeps the schedule; the next hour runs on the restarted emulator.
  await aws.restart();
  const resumed = await aws.sagemaker.send(
    new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }),
  );
  expect(resumed.MonitoringScheduleStatus).toBe("Scheduled");
  expect(resumed.LastMonitoringExecutionSummary?.ScheduledTime?.toISOString()).toBe(
    "2024-03-05T16:00:00.000Z",
  );
  await poll(
    () => aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT })),
    (e) => e.EndpointStatus === "InService",
    "the restored endpoint",
  );
  await sendHour(rowsOf(test_, pick()));
  await aws.emulator.clock.advance("PT1H");
  const after = await listExecutions();
  expect(after).toHaveLength(7);
  expect(after[6].ScheduledTime!.toISOString()).toBe("2024-03-05T17:00:00.000Z");
  expect(after[6].MonitoringExecutionStatus).toBe("CompletedWithViolations");
});
