/**
 * Processing jobs with the Model Monitor analyzer image, through the handlers with a real
 * on-disk state and object store (no HTTP): baselining writes statistics.json/constraints.json,
 * monitoring a CSV data set reports violations, other images and CloudWatch publishing fail
 * with SageMaker's reasons, validation uses AWS's wording, and jobs are listed/stopped.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../helpers/local/clock";
import { AwsError } from "../../helpers/local/context";
import { FileObjectStore } from "../../helpers/local/s3";
import { FileStateStore } from "../../helpers/local/state";
import { SageMakerStore, type SageMakerContext } from "../../helpers/local/sagemaker/store";
import {
  createMonitoringOperations,
  type MonitoringOperations,
} from "../../helpers/local/sagemaker/monitoring";
import { readConstraints, readStatistics, readViolations } from "../../helpers/analyzer";
import { baselineJobInput } from "./baselineJob.fixtures";

const IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer";
const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";
const BUCKET = "bucket";

let workspace: string;
let objects: FileObjectStore;
let ops: MonitoringOperations;

/** Deterministic rows: Label (0/1), an integer, a fraction; `shift` moves the fraction. */
function csv(rows: number, shift = 0, header = true): string {
  const lines = header ? ["Label,AGE,SCORE"] : [];
  for (let i = 0; i < rows; i++) {
    lines.push(`${i % 4 === 0 ? 1 : 0},${20 + (i % 40)},${((i * 37) % 100) / 100 + shift}`);
  }
  return lines.join("\n") + "\n";
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

function baselineRequest(name: string, overrides: Record<string, unknown> = {}) {
  const base = baselineJobInput({
    name: name,
    image: IMAGE,
    roleArn: ROLE,
    dataUri: `s3://${BUCKET}/data/train_headers.csv`,
    outputUri: `s3://${BUCKET}/baselining/results`,
  });
  // With every security option of the original lab, so Describe can be checked to echo them.
  return {
    ...base,
    ProcessingOutputConfig: { ...base.ProcessingOutputConfig, KmsKeyId: "alias/outputs" },
    StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    NetworkConfig: {
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      VpcConfig: { SecurityGroupIds: ["sg-0123"], Subnets: ["subnet-0a", "subnet-0b"] },
    },
    ...overrides,
  };
}

async function finish(name: string): Promise<any> {
  await ops.waitForProcessingJob(name);
  return call("DescribeProcessingJob", { ProcessingJobName: name });
}

beforeEach(async () => {
  workspace = mkdtempSync(path.join(os.tmpdir(), "processing-test-"));
  const clock = new VirtualClock();
  await clock.set(new Date("2024-03-05T10:30:00Z"));
  objects = new FileObjectStore(workspace, clock, "us-east-1");
  objects.createBucket(BUCKET);
  await objects.putObject(BUCKET, "data/train_headers.csv", csv(300));
  const state = new FileStateStore(path.join(workspace, "state"));
  const sm: SageMakerContext = {
    region: "us-east-1",
    accountId: "000000000000",
    workspace,
    clock,
    state,
    objects,
    store: new SageMakerStore(state),
  };
  ops = createMonitoringOperations(sm, { realTime: false });
  ops.start();
});

afterEach(async () => {
  await ops.close();
  rmSync(workspace, { recursive: true, force: true });
});

test("a baselining job writes statistics.json and constraints.json and completes with SageMaker's message", async () => {
  const { ProcessingJobArn } = await call("CreateProcessingJob", baselineRequest("baseline-1"));
  expect(ProcessingJobArn).toBe(
    "arn:aws:sagemaker:us-east-1:000000000000:processing-job/baseline-1",
  );
  const job = await finish("baseline-1");
  expect(job.ProcessingJobStatus).toBe("Completed");
  expect(job.ExitMessage).toBe("Completed: Job completed successfully with no violations.");
  expect(job.FailureReason).toBeUndefined();
  expect(job.ProcessingStartTime).toBeGreaterThanOrEqual(job.CreationTime);
  expect(job.ProcessingEndTime).toBeGreaterThanOrEqual(job.ProcessingStartTime);
  // Echoed with AWS's defaults filled in.
  expect(job.ProcessingInputs[0].S3Input).toEqual({
    S3Uri: `s3://${BUCKET}/data/train_headers.csv`,
    LocalPath: "/opt/ml/processing/input/baseline_dataset_input",
    S3DataType: "S3Prefix",
    S3InputMode: "File",
    S3DataDistributionType: "FullyReplicated",
    S3CompressionType: "None",
  });
  expect(job.ProcessingOutputConfig.KmsKeyId).toBe("alias/outputs");
  expect(job.NetworkConfig.VpcConfig.Subnets).toEqual(["subnet-0a", "subnet-0b"]);
  expect(job.Environment.publish_cloudwatch_metrics).toBe("Disabled");

  const keys = objects.listObjects(BUCKET, "baselining/results/").map((o) => o.key);
  expect(keys).toEqual([
    "baselining/results/constraints.json",
    "baselining/results/statistics.json",
  ]);
  const statistics = readStatistics(
    (await objects.getObjectBuffer(BUCKET, "baselining/results/statistics.json")).toString(),
  );
  expect(statistics.dataset.item_count).toBe(300);
  expect(statistics.features.map((f) => [f.name, f.inferred_type])).toEqual([
    ["Label", "Integral"],
    ["AGE", "Integral"],
    ["SCORE", "Fractional"],
  ]);
  const constraints = readConstraints(
    (await objects.getObjectBuffer(BUCKET, "baselining/results/constraints.json")).toString(),
  );
  expect(constraints.features.map((f) => f.name)).toEqual(["Label", "AGE", "SCORE"]);
});

test("a monitoring job on a CSV data set checks it against the baseline and counts violations", async () => {
  await call("CreateProcessingJob", baselineRequest("baseline-2"));
  expect((await finish("baseline-2")).ProcessingJobStatus).toBe("Completed");
  await objects.putObject(BUCKET, "current/part-1.csv", csv(200, 5));
  const request = baselineRequest("check-1", {
    ProcessingInputs: [
      {
        InputName: "input_1",
        S3Input: {
          S3Uri: `s3://${BUCKET}/current`,
          LocalPath: "/opt/ml/processing/input/data",
          S3DataType: "S3Prefix",
        },
      },
      {
        InputName: "baseline",
        S3Input: {
          S3Uri: `s3://${BUCKET}/baselining/results/statistics.json`,
          LocalPath: "/opt/ml/processing/baseline/stats",
          S3DataType: "S3Prefix",
        },
      },
      {
        InputName: "constraints",
        S3Input: {
          S3Uri: `s3://${BUCKET}/baselining/results/constraints.json`,
          LocalPath: "/opt/ml/processing/baseline/constraints",
          S3DataType: "S3Prefix",
        },
      },
    ],
    Environment: {
      dataset_format: JSON.stringify({ csv: { header: true } }),
      dataset_source: "/opt/ml/processing/input/data",
      output_path: "/opt/ml/processing/output",
      baseline_statistics: "/opt/ml/processing/baseline/stats/statistics.json",
      baseline_constraints: "/opt/ml/processing/baseline/constraints/constraints.json",
    },
  });
  request.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = `s3://${BUCKET}/checks/1`;
  await call("CreateProcessingJob", request);
  const job = await finish("check-1");
  expect(job.ProcessingJobStatus).toBe("Completed");
  const violations = readViolations(
    (await objects.getObjectBuffer(BUCKET, "checks/1/constraint_violations.json")).toString(),
  );
  expect(violations.violations.map((v) => v.feature_name)).toContain("SCORE");
  expect(job.ExitMessage).toBe(
    `CompletedWithViolations: Job completed successfully with ${violations.violations.length} violations.`,
  );
});

test("images other than the analyzer fail with a reason naming the image local mode runs", async () => {
  await call(
    "CreateProcessingJob",
    baselineRequest("sklearn-1", {
      AppSpecification: {
        ImageUri:
          "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
      },
    }),
  );
  const job = await finish("sklearn-1");
  expect(job.ProcessingJobStatus).toBe("Failed");
  expect(job.FailureReason).toMatch(/^ClientError: The local emulator cannot run processing image/);
  expect(job.FailureReason).toContain("sagemaker-model-monitor-analyzer");
  expect(job.FailureReason.length).toBeLessThanOrEqual(1024);
});

test("any region's analyzer image runs, including China's .amazonaws.com.cn and a tag", async () => {
  await call(
    "CreateProcessingJob",
    baselineRequest("china-1", {
      AppSpecification: {
        ImageUri:
          "453000072557.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-model-monitor-analyzer:latest",
      },
    }),
  );
  expect((await finish("china-1")).ProcessingJobStatus).toBe("Completed");
});

test("publish_cloudwatch_metrics on a plain processing job fails with the analyzer's message", async () => {
  const request = baselineRequest("cw-1");
  request.Environment.publish_cloudwatch_metrics = "Enabled";
  await call("CreateProcessingJob", request);
  const job = await finish("cw-1");
  expect(job.ProcessingJobStatus).toBe("Failed");
  expect(job.FailureReason).toBe(
    "AlgorithmError: CloudWatch publishing is available only for jobs from MonitoringSchedules.",
  );
});

test("container paths no input provides, unsupported formats and empty data sets fail clearly", async () => {
  const wrongSource = baselineRequest("path-1");
  wrongSource.Environment.dataset_source = "/opt/ml/processing/input/elsewhere";
  await call("CreateProcessingJob", wrongSource);
  expect((await finish("path-1")).FailureReason).toMatch(
    /^ClientError: dataset_source \/opt\/ml\/processing\/input\/elsewhere is not the LocalPath of any ProcessingInput/,
  );

  const parquet = baselineRequest("format-1");
  parquet.Environment.dataset_format = '{"parquet": {}}';
  await call("CreateProcessingJob", parquet);
  expect((await finish("format-1")).FailureReason).toMatch(
    /^ClientError: dataset_format "parquet"/,
  );

  const empty = baselineRequest("empty-1");
  empty.ProcessingInputs[0].S3Input.S3Uri = `s3://${BUCKET}/nothing-here/`;
  await call("CreateProcessingJob", empty);
  const job = await finish("empty-1");
  expect(job.ProcessingJobStatus).toBe("Failed");
  expect(job.FailureReason).toBe("AlgorithmError: Job inputs had no data");
});

test("requests are validated with AWS's wording", async () => {
  const bad = await error(
    "CreateProcessingJob",
    baselineRequest("bad_name", {
      NetworkConfig: { VpcConfig: { SecurityGroupIds: [], Subnets: ["subnet-1"] } },
      AppSpecification: undefined,
    }),
  );
  expect(bad.code).toBe("ValidationException");
  expect(bad.message).toMatch(/^3 validation errors detected: /);
  expect(bad.message).toContain(
    "Value 'bad_name' at 'processingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
  );
  expect(bad.message).toContain(
    "Value null at 'appSpecification' failed to satisfy constraint: Member must not be null",
  );
  expect(bad.message).toContain(
    "at 'networkConfig.vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );

  await call("CreateProcessingJob", baselineRequest("dup-1"));
  const dup = await error("CreateProcessingJob", baselineRequest("dup-1"));
  expect(dup.code).toBe("ResourceInUse");
  const missing = await error("DescribeProcessingJob", { ProcessingJobName: "nope" });
  expect(missing.code).toBe("ResourceNotFound");
  await ops.waitForProcessingJob("dup-1");
  const stop = await error("StopProcessingJob", { ProcessingJobName: "dup-1" });
  expect(stop.message).toBe(
    "The request was rejected because the processing job is in status Completed.",
  );
});

test("StopProcessingJob stops a running job and ListProcessingJobs filters, sorts and pages", async () => {
  await call("CreateProcessingJob", baselineRequest("stop-me"));
  // The job starts after CreateProcessingJob returned; stop it before it runs.
  await call("StopProcessingJob", { ProcessingJobName: "stop-me" });
  expect(
    (await call("DescribeProcessingJob", { ProcessingJobName: "stop-me" })).ProcessingJobStatus,
  ).toBe("Stopping");
  expect((await finish("stop-me")).ProcessingJobStatus).toBe("Stopped");

  for (const name of ["list-a", "list-b", "list-c"]) {
    await call("CreateProcessingJob", baselineRequest(name));
    await ops.waitForProcessingJob(name);
  }
  const completed = await call("ListProcessingJobs", {
    StatusEquals: "Completed",
    NameContains: "list",
    SortBy: "Name",
    SortOrder: "Descending",
    MaxResults: 2,
  });
  expect(completed.ProcessingJobSummaries.map((s: any) => s.ProcessingJobName)).toEqual([
    "list-c",
    "list-b",
  ]);
  expect(completed.ProcessingJobSummaries[0].ExitMessage).toBe(
    "Completed: Job completed successfully with no violations.",
  );
  const rest = await call("ListProcessingJobs", {
    StatusEquals: "Completed",
    NameContains: "list",
    SortBy: "Name",
    SortOrder: "Descending",
    MaxResults: 2,
    NextToken: completed.NextToken,
  });
  expect(rest.ProcessingJobSummaries.map((s: any) => s.ProcessingJobName)).toEqual(["list-a"]);
  expect(rest.NextToken).toBeUndefined();
  const stopped = await call("ListProcessingJobs", { StatusEquals: "Stopped" });
  expect(stopped.ProcessingJobSummaries.map((s: any) => s.ProcessingJobName)).toEqual(["stop-me"]);
});
