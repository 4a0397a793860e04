/**
 * Monitoring over corrupt data capture (issue 8, reliability): capture objects holding binary
 * junk, truncated JSON, records in an unknown encoding, a file in UTF-16 and one in Latin-1 sit
 * next to the endpoint's real capture. The hourly monitoring execution still completes, and the
 * processing job's ExitMessage reports exactly how many records it skipped and why (the
 * analyzer's first line stays SageMaker's). An hour holding nothing readable fails with a
 * FailureReason that says so and counts what was skipped. The emulator keeps serving throughout.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateMonitoringScheduleCommand,
  CreateProcessingJobCommand,
  DescribeProcessingJobCommand,
  ListMonitoringExecutionsCommand,
  type MonitoringExecutionSummary,
} from "@aws-sdk/client-sagemaker";
import { readStatistics } from "../../helpers/analyzer";
import { pythonFloatRepr } from "../../helpers/local/runtime";
import { seededRandom } from "../../helpers/random";
import { csvBody, expectedProbability, sampleRows } from "../local/runtime.fixtures";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { deployTinyEndpoint, poll, ROLE, SignedHttp } from "./support";
import { baselineJobInput } from "../local/baselineJob.fixtures";

const ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer";
const ENDPOINT = "corrupt-endpoint";
const SCHEDULE = "corrupt-capture-schedule";
const BUCKET = "corrupt-monitoring";
const CAPTURE = `s3://${BUCKET}/datacapture`;
const START = new Date("2024-03-05T10:00:05Z");
const VALID_INVOCATIONS = 60;

let aws: TestLocalAws;
let client: SignedHttp;

beforeAll(async () => {
  aws = await startTestLocalAws();
  await aws.emulator.clock.set(START);
  client = new SignedHttp(aws.emulator.endpoint, aws.emulator.credentials, aws.emulator.region, 4);
  await deployTinyEndpoint(aws, {
    endpoint: ENDPOINT,
    modelBucket: "corrupt-models",
    captureUri: CAPTURE,
  });
});

afterAll(async () => {
  client?.close();
  await aws?.stop();
});

/** The baseline: what captured rows look like (probability, then the three features). */
async function baseline(): Promise<void> {
  const rows = sampleRows(400, 11).map((row) => [expectedProbability(row), ...row]);
  const text =
    "probability,x0,x1,x2\n" +
    rows.map((r) => r.map((v) => (Number.isNaN(v) ? "" : String(v))).join(",")).join("\n");
  await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "baseline/data.csv", Body: text }));
  const name = "corrupt-baseline";
  await aws.sagemaker.send(
    new CreateProcessingJobCommand(
      baselineJobInput({
        name: name,
        image: ANALYZER,
        roleArn: ROLE,
        dataUri: `s3://${BUCKET}/baseline/data.csv`,
        outputUri: `s3://${BUCKET}/baseline/results`,
      }),
    ),
  );
  const job = await poll(
    () => aws.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name })),
    (j) => j.ProcessingJobStatus !== "InProgress",
    "the baseline",
  );
  expect([job.ProcessingJobStatus, job.FailureReason]).toEqual(["Completed", undefined]);
}

async function schedule(): Promise<void> {
  await aws.sagemaker.send(
    new CreateMonitoringScheduleCommand({
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
        MonitoringJobDefinition: {
          BaselineConfig: {
            ConstraintsResource: { S3Uri: `s3://${BUCKET}/baseline/results/constraints.json` },
            StatisticsResource: { S3Uri: `s3://${BUCKET}/baseline/results/statistics.json` },
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
          MonitoringAppSpecification: { ImageUri: ANALYZER },
          RoleArn: ROLE,
        },
      },
    }),
  );
}

/** A capture record as the endpoint writes it, at `time` (spec §1.3). */
function record(row: number[], time: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    captureData: {
      endpointInput: {
        observedContentType: "text/csv",
        mode: "INPUT",
        data: csvBody([row]),
        encoding: "CSV",
      },
      endpointOutput: {
        observedContentType: "text/csv; charset=utf-8",
        mode: "OUTPUT",
        data: pythonFloatRepr(expectedProbability(row)),
        encoding: "CSV",
      },
      ...overrides,
    },
    eventMetadata: {
      eventId: `00000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, "0")}`,
      inferenceTime: time,
    },
    eventVersion: "0",
  });
}

/** Junk with no newline in it, so each piece is exactly one (unreadable) line. */
function junkLine(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    let byte = Math.floor(random() * 256);
    while (byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09) byte = 0x7b;
    bytes[i] = byte;
  }
  return bytes;
}

interface CorruptHour {
  objects: { key: string; body: Buffer }[];
  /** Lines the analyzer must skip, by its reason. */
  skipped: Record<string, number>;
  /** Readable rows among the corrupt objects. */
  rows: number;
}

/** Corrupt capture objects for the hour starting at `hour` (ISO, e.g. 2024-03-05T10). */
function corruptHour(hour: string, seed: number): CorruptHour {
  const random = seededRandom(seed);
  const folder = `datacapture/${ENDPOINT}/AllTraffic/${hour.replace(/-/g, "/").replace("T", "/")}`;
  const time = (minute: number) => `${hour}:${String(minute).padStart(2, "0")}:00Z`;
  const rows = sampleRows(4, seed);
  const junk = Buffer.concat(
    Array.from({ length: 6 }, (_, i) =>
      Buffer.concat([junkLine(random, 20 + i * 37), Buffer.from("\n")]),
    ),
  );
  const whole = record(rows[0], time(5));
  const truncated = [whole.slice(0, whole.length - 7), '{"captureData":', "{", whole.slice(0, 40)];
  const unknownEncoding = [
    record(rows[1], time(6), {
      endpointInput: {
        observedContentType: "text/csv",
        mode: "INPUT",
        data: "MSwyLDM=",
        encoding: "UTF-16",
      },
    }),
    record(rows[2], time(7), {
      endpointOutput: {
        observedContentType: "application/json",
        mode: "OUTPUT",
        data: "{not json",
        encoding: "JSON",
      },
    }),
  ];
  const utf16 = Buffer.from(
    [record(rows[3], time(8)), record(rows[3], time(9))].join("\n") + "\n",
    "utf16le",
  );
  // Latin-1 bytes in a field: the line is read (with a replacement character) and reported.
  const latin1 = Buffer.from(
    record(rows[0], time(10)).replace('"mode":"INPUT"', '"mode":"INPUT","note":"café"') + "\n",
    "latin1",
  );
  return {
    objects: [
      { key: `${folder}/00-01-000-junk.jsonl`, body: junk },
      {
        key: `${folder}/00-02-000-truncated.jsonl`,
        body: Buffer.from(truncated.join("\n") + "\n"),
      },
      {
        key: `${folder}/00-03-000-encoding.jsonl`,
        body: Buffer.from(unknownEncoding.join("\n") + "\n"),
      },
      { key: `${folder}/00-04-000-utf16.jsonl`, body: utf16 },
      { key: `${folder}/00-05-000-latin1.jsonl`, body: latin1 },
    ],
    skipped: {
      // UTF-16's newline is 0a 00: the NUL after the last one is a (junk) line of its own.
      "line is not valid JSON": 6 + truncated.length + 3,
      "payload cannot be decoded": unknownEncoding.length,
    },
    rows: 1,
  };
}

async function executions(): Promise<MonitoringExecutionSummary[]> {
  const listed = await aws.sagemaker.send(
    new ListMonitoringExecutionsCommand({
      MonitoringScheduleName: SCHEDULE,
      SortBy: "ScheduledTime",
      SortOrder: "Ascending",
    }),
  );
  return listed.MonitoringExecutionSummaries ?? [];
}

async function processingJob(execution: MonitoringExecutionSummary) {
  return aws.sagemaker.send(
    new DescribeProcessingJobCommand({
      ProcessingJobName: execution.ProcessingJobArn!.split("/").pop(),
    }),
  );
}

async function expectServing(): Promise<void> {
  const row = [0.7, -0.25, 12];
  const answer = await client.invoke(ENDPOINT, row.join(","));
  expect([answer.status, answer.body.toString()]).toEqual([
    200,
    `${pythonFloatRepr(expectedProbability(row))}\n`,
  ]);
}

test("corrupt capture next to real capture: the execution completes and reports what it skipped", async () => {
  await baseline();
  await schedule();

  // 10:00-11:00: real traffic, plus corrupt objects in the same hour folder.
  for (const [i, row] of sampleRows(VALID_INVOCATIONS, 21).entries()) {
    const answer = await client.invoke(ENDPOINT, csvBody([row]));
    expect([i, answer.status]).toEqual([i, 200]);
  }
  const corrupt = corruptHour("2024-03-05T10", 3);
  for (const object of corrupt.objects) {
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: object.key, Body: object.body }));
  }
  await aws.emulator.clock.advance("PT1H");

  const [execution] = await executions();
  expect(execution.ScheduledTime!.toISOString()).toBe("2024-03-05T11:00:00.000Z");
  expect(["Completed", "CompletedWithViolations"]).toContain(execution.MonitoringExecutionStatus);
  const job = await processingJob(execution);
  expect(job.ProcessingJobStatus).toBe("Completed");
  const [first, report] = job.ExitMessage!.split("\n");
  expect(first).toMatch(/^Completed(WithViolations)?: Job completed successfully with/);
  const skipped = Object.values(corrupt.skipped).reduce((a, b) => a + b, 0);
  expect(report).toMatch(new RegExp(`^analyzer: skipped ${skipped} record\\(s\\): `));
  for (const [reason, count] of Object.entries(corrupt.skipped)) {
    expect(report).toContain(`${count} ${reason}`);
  }
  expect(report).toMatch(/\d+ line\(s\) with invalid UTF-8/);
  // The readable rows are profiled: the real traffic and the Latin-1 record.
  const statistics = readStatistics(
    await (
      await aws.s3.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: `reports/${ENDPOINT}/${SCHEDULE}/2024/03/05/11/statistics.json`,
        }),
      )
    ).Body!.transformToString(),
  );
  expect(statistics.dataset.item_count).toBe(VALID_INVOCATIONS + corrupt.rows);
  await expectServing();
});

test("an hour of nothing but corrupt capture fails with a FailureReason that counts the skipped records", async () => {
  // Hour 11 holds the previous test's last (valid) invocation; hour 12 only corrupt objects.
  const corrupt = corruptHour("2024-03-05T12", 4);
  for (const object of corrupt.objects.filter((o) => !o.key.endsWith("latin1.jsonl"))) {
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: object.key, Body: object.body }));
  }
  await aws.emulator.clock.advance("PT2H");
  const listed = await executions();
  expect(listed.map((e) => e.ScheduledTime!.toISOString().slice(11, 13))).toEqual([
    "11",
    "12",
    "13",
  ]);
  const execution = listed[2];
  expect(execution.MonitoringExecutionStatus).toBe("Failed");
  const skipped = Object.values(corrupt.skipped).reduce((a, b) => a + b, 0);
  expect(execution.FailureReason).toMatch(/^AlgorithmError: Job inputs had no data/);
  expect(execution.FailureReason).toContain(`${skipped} record(s) skipped`);
  const job = await processingJob(execution);
  expect(job.ProcessingJobStatus).toBe("Failed");
  expect(job.FailureReason).toContain(`${skipped} record(s) skipped`);
  await expectServing();
});
