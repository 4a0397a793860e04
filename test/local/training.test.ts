/**
 * SageMaker training through the real @aws-sdk/client-sagemaker against a started emulator:
 * CSV channels in S3 -> CreateTrainingJob (sagemaker-xgboost image) -> progress in
 * DescribeTrainingJob -> model.tar.gz with `xgboost-model` in S3, final metrics, and the
 * `<job>-aws-training-job` trial component found by Search on Parents.TrialName. Also a job with
 * an image local mode does not run, and StopTrainingJob.
 *
 * Data: the first 2,000 rows of data/credit_card_default.csv, label first, ID dropped, no header
 * (the layout SageMaker's XGBoost reads), split 1,500 train (two objects) / 500 validation.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateExperimentCommand,
  CreateTrainingJobCommand,
  CreateTrialCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  SearchCommand,
  StopTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  type DescribeTrainingJobCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

const BUCKET = "training-test";
const IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
const ROLE = "arn:aws:iam::123456789012:role/service-role/SageMakerRole";

let aws: TestLocalAws;

/** Label-first CSV rows (no header, no ID) from the data set. */
function labelFirstRows(count: number): string[] {
  const text = readFileSync(path.join(__dirname, "../../data/credit_card_default.csv"), "utf8");
  return text
    .split(/\r?\n/)
    .slice(1, count + 1)
    .map((line) => {
      const cells = line.split(",");
      return [cells[cells.length - 1], ...cells.slice(1, -1)].join(",");
    });
}

function request(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}) {
  const input: CreateTrainingJobCommandInput = {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: "File" },
    RoleArn: ROLE,
    HyperParameters: {
      objective: "binary:logistic",
      eval_metric: "logloss,auc",
      num_round: "8",
      max_depth: "3",
      eta: "0.3",
      tree_method: "hist",
      seed: "42",
    },
    InputDataConfig: ["train", "validation"].map((channel) => ({
      ChannelName: channel,
      ContentType: "text/csv",
      DataSource: {
        S3DataSource: { S3DataType: "S3Prefix", S3Uri: `s3://${BUCKET}/data/${channel}/` },
      },
    })),
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/output/` },
    ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 5 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...overrides,
  };
  return new CreateTrainingJobCommand(input);
}

/** Polls DescribeTrainingJob until the job leaves InProgress/Stopping; returns every answer. */
async function waitForJob(name: string): Promise<DescribeTrainingJobCommandOutput[]> {
  const seen: DescribeTrainingJobCommandOutput[] = [];
  for (;;) {
    const job = await aws.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    seen.push(job);
    if (job.TrainingJobStatus !== "InProgress" && job.TrainingJobStatus !== "Stopping") return seen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The files of a .tar.gz, by path. */
function untar(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(
      header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim(),
      8,
    );
    files.set(name, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

beforeAll(async () => {
  aws = await startTestLocalAws();
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const rows = labelFirstRows(2000);
  const put = (key: string, lines: string[]) =>
    aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `${lines.join("\n")}\n` }));
  await put("data/train/part-0.csv", rows.slice(0, 800));
  await put("data/train/part-1.csv", rows.slice(800, 1500));
  await put("data/validation/validation.csv", rows.slice(1500));
  await aws.sagemaker.send(new CreateExperimentCommand({ ExperimentName: "credit-training" }));
  await aws.sagemaker.send(
    new CreateTrialCommand({ TrialName: "xgb-depth-3", ExperimentName: "credit-training" }),
  );
});

afterAll(async () => {
  await aws?.stop();
});

test("a sagemaker-xgboost job trains in the background, writes model.tar.gz and reports metrics", async () => {
  const { TrainingJobArn } = await aws.sagemaker.send(
    request("Credit-XGB-1", {
      ExperimentConfig: {
        ExperimentName: "credit-training",
        TrialName: "xgb-depth-3",
        TrialComponentDisplayName: "Training",
      },
    }),
  );
  expect(TrainingJobArn).toMatch(
    /^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:training-job\/credit-xgb-1$/,
  );

  // The edge keeps answering while the job runs (training happens in a worker thread).
  const listed = await aws.sagemaker.send(new ListTrainingJobsCommand({ NameContains: "credit" }));
  expect(listed.TrainingJobSummaries!.map((s) => s.TrainingJobName)).toEqual(["Credit-XGB-1"]);

  const answers = await waitForJob("Credit-XGB-1");
  const job = answers[answers.length - 1];
  expect(job.FailureReason).toBeUndefined();
  expect(job.TrainingJobStatus).toBe("Completed");
  expect(job.SecondaryStatus).toBe("Completed");
  expect(job.SecondaryStatusTransitions!.map((t) => [t.Status, t.StatusMessage])).toEqual([
    ["Starting", "Launching requested ML instances"],
    ["Downloading", "Downloading input data"],
    ["Training", "Training image download completed. Training in progress."],
    ["Uploading", "Uploading generated training model"],
    ["Completed", "Training job completed"],
  ]);
  for (const t of job.SecondaryStatusTransitions!) {
    expect(t.StartTime).toBeInstanceOf(Date);
    expect(t.EndTime!.getTime()).toBeGreaterThanOrEqual(t.StartTime!.getTime());
  }
  expect(job.TrainingStartTime!.getTime()).toBeGreaterThanOrEqual(job.CreationTime!.getTime());
  expect(job.TrainingEndTime!.getTime()).toBeGreaterThanOrEqual(job.TrainingStartTime!.getTime());
  expect(job.TrainingTimeInSeconds).toBeGreaterThanOrEqual(1);
  expect(job.BillableTimeInSeconds).toBe(job.TrainingTimeInSeconds);

  const artifact = `s3://${BUCKET}/output/Credit-XGB-1/output/model.tar.gz`;
  expect(job.ModelArtifacts).toEqual({ S3ModelArtifacts: artifact });
  const metrics = Object.fromEntries(job.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]));
  expect(Object.keys(metrics).sort()).toEqual([
    "train:auc",
    "train:logloss",
    "validation:auc",
    "validation:logloss",
  ]);
  // A depth-3, 8-round model on this data separates defaulters clearly better than chance.
  expect(metrics["validation:auc"]).toBeGreaterThan(0.65);
  expect(metrics["validation:auc"]).toBeLessThan(1);
  expect(metrics["train:logloss"]).toBeGreaterThan(0);
  expect(metrics["train:logloss"]).toBeLessThan(Math.log(2));

  const object = await aws.s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: "output/Credit-XGB-1/output/model.tar.gz" }),
  );
  const files = untar(Buffer.from(await object.Body!.transformToByteArray()));
  expect([...files.keys()]).toEqual(["xgboost-model"]);
  const model = JSON.parse(files.get("xgboost-model")!.toString("utf8"));
  const booster = model.learner.gradient_booster.model;
  expect(booster.trees).toHaveLength(8);
  expect(model.learner.learner_model_param.num_feature).toBe("23");

  const search = await aws.sagemaker.send(
    new SearchCommand({
      Resource: "ExperimentTrialComponent",
      SearchExpression: {
        Filters: [{ Name: "Parents.TrialName", Operator: "Equals", Value: "xgb-depth-3" }],
      },
    }),
  );
  expect(search.Results).toHaveLength(1);
  const tc = search.Results![0].TrialComponent!;
  expect(tc.TrialComponentName).toBe("Credit-XGB-1-aws-training-job");
  expect(tc.DisplayName).toBe("Training");
  expect(tc.Source).toEqual({ SourceArn: TrainingJobArn, SourceType: "SageMakerTrainingJob" });
  expect(tc.Status!.PrimaryStatus).toBe("Completed");
  expect(tc.Parameters).toMatchObject({
    num_round: { NumberValue: 8 },
    eta: { NumberValue: 0.3 },
    objective: { StringValue: "binary:logistic" },
    eval_metric: { StringValue: "logloss,auc" },
    "SageMaker.ImageUri": { StringValue: IMAGE },
    "SageMaker.InstanceType": { StringValue: "ml.m5.xlarge" },
    "SageMaker.InstanceCount": { NumberValue: 1 },
  });
  expect(tc.InputArtifacts).toEqual({
    train: { MediaType: "text/csv", Value: `s3://${BUCKET}/data/train/` },
    validation: { MediaType: "text/csv", Value: `s3://${BUCKET}/data/validation/` },
  });
  expect(tc.OutputArtifacts).toEqual({ "SageMaker.ModelArtifact": { Value: artifact } });
  const auc = tc.Metrics!.find((m) => m.MetricName === "validation:auc")!;
  expect(auc.Count).toBe(8);
  expect(auc.Last).toBe(metrics["validation:auc"]);
  expect(auc.Max).toBeGreaterThanOrEqual(auc.Last!);
  expect(auc.SourceArn).toBe(TrainingJobArn);
  expect(tc.SourceDetail!.TrainingJob!.TrainingJobStatus).toBe("Completed");

  // The algorithm log has XGBoost's line for every round, as CloudWatch shows it on AWS.
  const log = readFileSync(
    path.join(aws.workspace, "logs", "training-jobs", "Credit-XGB-1.log"),
    "utf8",
  );
  expect(log).toMatch(/^\[7\]\ttrain-logloss:\d\.\d{5}\ttrain-auc:\d\.\d{5}\tvalidation-logloss:/m);
});

test("an image local mode does not run ends Failed with a reason naming the images it runs", async () => {
  await aws.sagemaker.send(
    request("pytorch-job", {
      AlgorithmSpecification: {
        TrainingImage:
          "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310",
        TrainingInputMode: "File",
      },
    }),
  );
  const answers = await waitForJob("pytorch-job");
  const job = answers[answers.length - 1];
  expect(job.TrainingJobStatus).toBe("Failed");
  expect(job.FailureReason).toContain("pytorch-training:2.1-cpu-py310");
  expect(job.FailureReason).toContain("sagemaker-xgboost");
  expect(job.ModelArtifacts).toBeUndefined();
});

test("a bad hyperparameter fails the job with the container's ClientError", async () => {
  await aws.sagemaker.send(
    request("bad-depth", {
      HyperParameters: { num_round: "5", max_depth: "-1", objective: "binary:logistic" },
    }),
  );
  const answers = await waitForJob("bad-depth");
  expect(answers[answers.length - 1].FailureReason).toBe(
    "ClientError: Hyperparameter max_depth: -1 is not in [0, +inf)",
  );
});

/** Resolves once the job's algorithm log shows a finished boosting round (the worker is training). */
async function waitForFirstRound(name: string): Promise<void> {
  const log = path.join(aws.workspace, "logs", "training-jobs", `${name}.log`);
  for (;;) {
    const text = existsSync(log) ? readFileSync(log, "utf8") : "";
    if (/^\[0\]\t/m.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("StopTrainingJob during training: Stopping, then Stopped, and no model is written", async () => {
  await aws.sagemaker.send(
    request("long-job", {
      HyperParameters: { num_round: "100000", max_depth: "6", objective: "binary:logistic" },
    }),
  );
  // The edge answers while the worker trains; stop it mid-training.
  await waitForFirstRound("long-job");
  const during = await aws.sagemaker.send(
    new DescribeTrainingJobCommand({ TrainingJobName: "long-job" }),
  );
  expect([during.TrainingJobStatus, during.SecondaryStatus]).toEqual(["InProgress", "Training"]);
  await aws.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: "long-job" }));
  const answers = await waitForJob("long-job");
  const job = answers[answers.length - 1];
  expect(job.TrainingJobStatus).toBe("Stopped");
  expect(job.SecondaryStatusTransitions!.map((t) => t.Status)).toEqual([
    "Starting",
    "Downloading",
    "Training",
    "Stopping",
    "Stopped",
  ]);
  expect(job.ModelArtifacts).toBeUndefined();
  const again = await aws.sagemaker
    .send(new StopTrainingJobCommand({ TrainingJobName: "long-job" }))
    .catch((e: Error) => e);
  expect((again as Error).name).toBe("ValidationException");
});

test("a job past StoppingCondition.MaxRuntimeInSeconds is stopped: MaxRuntimeExceeded", async () => {
  await aws.sagemaker.send(
    request("too-long", {
      HyperParameters: { num_round: "100000", max_depth: "6", objective: "binary:logistic" },
      StoppingCondition: { MaxRuntimeInSeconds: 1 },
    }),
  );
  const answers = await waitForJob("too-long");
  const job = answers[answers.length - 1];
  expect(job.TrainingJobStatus).toBe("Stopped");
  expect(job.SecondaryStatus).toBe("MaxRuntimeExceeded");
  const last = job.SecondaryStatusTransitions![job.SecondaryStatusTransitions!.length - 1];
  expect(last.StatusMessage).toBe("Training job runtime exceeded MaxRuntimeInSeconds provided");
});

test("a job running when the emulator stops is Failed after the restart, with the reason", async () => {
  await aws.sagemaker.send(
    request("cut-off", {
      HyperParameters: { num_round: "100000", max_depth: "6", objective: "binary:logistic" },
    }),
  );
  await aws.restart();
  const job = await aws.sagemaker.send(
    new DescribeTrainingJobCommand({ TrainingJobName: "cut-off" }),
  );
  expect(job.TrainingJobStatus).toBe("Failed");
  expect(job.FailureReason).toContain("do not resume after a restart");
  expect(job.TrainingEndTime).toBeInstanceOf(Date);
});
