/**
 * One monitoring execution over an hour of 100,000 captured records (issue 8 §1), not a test:
 *   npx ts-node --transpile-only bench/monitoring.ts [records=100000]
 * Starts the emulator in this process on a temp workspace at 10:00:05 virtual time, deploys the
 * lab-shaped model with 100% capture, baselines the lab's training split with the analyzer
 * image, schedules hourly monitoring, then writes the hour's capture: `records` single-row
 * invocations spread over 10:00-11:00, in SageMaker's layout and bytes (captureRecordLine,
 * captureObjectKey, and the container's own CSV answer), one object per 1,000 records, put
 * through S3. Generating them beats invoking 100,000 times only in time, not in format.
 * The measured number is `clock.advance("PT1H")`, which returns once the 11:00 execution ran
 * (capture flush, listing, reading, parsing, profiling, checks, reports to S3).
 * References in the same run: reading + JSON.parse of the same capture files, and profiling the
 * same rows as one plain CSV with the analyzer engine.
 * Target: the execution under 5 s.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { profileCsv } from "../helpers/analyzer";
import { toCsv } from "../helpers/dataset";
import { captureObjectKey, captureRecordLine } from "../helpers/local/runtime/capture/record";
import { encodePredictions } from "../helpers/local/runtime/container";
import { suggestBaseline } from "../helpers/workflow/baseline";
import { dataCaptureConfig } from "../helpers/workflow/deploy";
import {
  createMonitoringSchedule,
  executionDetails,
  listExecutions,
} from "../helpers/workflow/monitoring";
import { DMatrix } from "../helpers/xgboost";
import { deployEndpoint, startBenchEmulator, uploadModel } from "./support/emulator";
import { trainLabModel } from "./support/labModel";
import { appendSummary, machine, passFail, writeResult } from "./support/results";

const RECORDS = Number(process.argv[2] ?? 100_000);
const RECORDS_PER_OBJECT = 1_000;
const START = new Date("2024-03-05T10:00:05Z");
const HOUR_START = Date.UTC(2024, 2, 5, 10);
const ENDPOINT = "bench-monitored";
const SCHEDULE = "bench-monitoring-schedule";

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

function jsonlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".jsonl"))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

async function main(): Promise<void> {
  // Predictions only fill the output column; a 20-round model keeps set-up short.
  const model = await trainLabModel(20);
  const emulator = await startBenchEmulator();
  try {
    const { context, aws } = emulator;
    await aws.clock.set(START);
    const modelUrl = await uploadModel(emulator, model.artifact);
    const captureUri = `s3://${context.bucket}/bench/datacapture`;
    await deployEndpoint(emulator, ENDPOINT, modelUrl, captureUri);
    const trainKey = "bench/baseline/train_data_headers.csv";
    await context.s3.send(
      new PutObjectCommand({
        Bucket: context.bucket,
        Key: trainKey,
        Body: toCsv(model.train, { header: true }),
      }),
    );
    const baseline = await suggestBaseline(context, {
      datasetUri: `s3://${context.bucket}/${trainKey}`,
      outputUri: `s3://${context.bucket}/bench/baseline/results`,
    });
    await createMonitoringSchedule(context, {
      scheduleName: SCHEDULE,
      endpointName: ENDPOINT,
      statisticsUri: baseline.statisticsUri,
      constraintsUri: baseline.constraintsUri,
      reportsUri: `s3://${context.bucket}/bench/reports`,
    });

    process.stdout.write(`writing ${RECORDS} capture records ... `);
    const t0 = process.hrtime.bigint();
    const rows = Array.from(
      { length: RECORDS },
      (_, i) => model.testRows[i % model.testRows.length],
    );
    const predictions = model.booster.predict(
      new DMatrix(rows.map((r) => r.split(",").map(Number))),
    );
    const config = dataCaptureConfig(captureUri);
    const settings = {
      enabled: true,
      samplingPercentage: 100,
      bucket: context.bucket,
      prefix: "bench/datacapture",
      captureInput: true,
      captureOutput: true,
      csvContentTypes: config.CaptureContentTypeHeader!.CsvContentTypes!,
      jsonContentTypes: config.CaptureContentTypeHeader!.JsonContentTypes!,
    };
    const spacingMs = 3_600_000 / RECORDS;
    let bytes = 0;
    for (let first = 0; first < RECORDS; first += RECORDS_PER_OBJECT) {
      const lines: string[] = [];
      for (let i = first; i < Math.min(RECORDS, first + RECORDS_PER_OBJECT); i++) {
        const answer = encodePredictions([predictions[i]], "text/csv");
        lines.push(
          captureRecordLine(
            {
              input: { body: Buffer.from(rows[i]), contentType: "text/csv" },
              output: { body: answer.body, contentType: answer.contentType },
              time: new Date(HOUR_START + i * spacingMs),
            },
            settings,
          ),
        );
      }
      const body = lines.join("\n") + "\n";
      bytes += Buffer.byteLength(body);
      const key = captureObjectKey(
        settings.prefix,
        ENDPOINT,
        "AllTraffic",
        new Date(HOUR_START + first * spacingMs),
        randomUUID(),
      );
      await context.s3.send(new PutObjectCommand({ Bucket: context.bucket, Key: key, Body: body }));
    }
    console.log(`${(bytes / 1e6).toFixed(1)} MB in ${seconds(t0).toFixed(1)} s`);

    const cpu0 = process.cpuUsage();
    const t1 = process.hrtime.bigint();
    await aws.clock.advance("PT1H");
    const executionSeconds = seconds(t1);
    const cpu = process.cpuUsage(cpu0);
    const executions = await listExecutions(context, SCHEDULE);
    if (executions.length !== 1) throw new Error(`expected 1 execution, got ${executions.length}`);
    const execution = executions[0];
    const details = await executionDetails(context, execution);
    if (
      execution.MonitoringExecutionStatus !== "CompletedWithViolations" &&
      execution.MonitoringExecutionStatus !== "Completed"
    ) {
      throw new Error(
        `execution ${execution.MonitoringExecutionStatus}: ${execution.FailureReason}`,
      );
    }
    console.log(
      `execution over ${RECORDS} records: ${executionSeconds.toFixed(2)} s ` +
        `(cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), ${execution.MonitoringExecutionStatus}, ` +
        `exit message: ${details.exitMessage ?? ""}`,
    );

    // Reference 1: what merely reading and parsing the hour's capture costs.
    const files = jsonlFiles(
      path.join(aws.workspace, "s3", context.bucket, "bench", "datacapture"),
    );
    const t2 = process.hrtime.bigint();
    let parsed = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const line of text.split("\n")) {
        if (line) {
          JSON.parse(line);
          parsed++;
        }
      }
    }
    const readParseSeconds = seconds(t2);
    if (parsed !== RECORDS) throw new Error(`read back ${parsed} records, wrote ${RECORDS}`);

    // Reference 2: the analyzer profiling the same rows (prediction first) as one plain CSV.
    const csv =
      rows
        .map((row, i) => `${encodePredictions([predictions[i]], "text/csv").body},${row}`)
        .join("\n") + "\n";
    const t3 = process.hrtime.bigint();
    await profileCsv(Readable.from([Buffer.from(csv)]), { header: false, log: null });
    const plainProfileSeconds = seconds(t3);
    console.log(
      `reference: read+JSON.parse ${readParseSeconds.toFixed(2)} s, analyzer on the same rows as CSV ` +
        `${plainProfileSeconds.toFixed(2)} s; execution/read+parse ${(executionSeconds / readParseSeconds).toFixed(1)}x, ` +
        `execution/plain profile ${(executionSeconds / plainProfileSeconds).toFixed(1)}x; target < 5 s: ` +
        passFail(executionSeconds < 5),
    );
    writeResult("monitoring", {
      ...machine(),
      records: RECORDS,
      captureObjects: files.length,
      captureMegabytes: bytes / 1e6,
      execution: {
        seconds: executionSeconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        status: execution.MonitoringExecutionStatus,
        exitMessage: details.exitMessage,
      },
      reference: {
        readAndJsonParseSeconds: readParseSeconds,
        plainCsvProfileSeconds: plainProfileSeconds,
      },
      ratios: {
        overReadAndParse: executionSeconds / readParseSeconds,
        overPlainCsvProfile: executionSeconds / plainProfileSeconds,
      },
      targets: { under5Seconds: executionSeconds < 5 },
    });
    appendSummary(
      "monitoring",
      `one execution over ${RECORDS.toLocaleString("en-US")} captured records (${files.length} objects, ` +
        `${(bytes / 1e6).toFixed(1)} MB) ${executionSeconds.toFixed(2)} s (< 5 s ${passFail(executionSeconds < 5)}); ` +
        `read+JSON.parse ${readParseSeconds.toFixed(2)} s (${(executionSeconds / readParseSeconds).toFixed(1)}x), ` +
        `analyzer on the same rows as CSV ${plainProfileSeconds.toFixed(2)} s (${(executionSeconds / plainProfileSeconds).toFixed(1)}x)`,
    );
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(`bench/monitoring: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
