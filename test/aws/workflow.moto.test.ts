/**
 * The workflow's AWS calls against moto_server (moto 5.2.1), an independent implementation of the
 * AWS APIs: every request our helpers send for the labs must be one moto's models of S3 and
 * SageMaker accept, and what Describe returns must carry the security options we sent.
 *
 * What moto does NOT implement, so nothing about it is asserted here (the local emulator's suites
 * and test/aws/security.test.ts cover the requests):
 * - CreateMonitoringSchedule, DescribeMonitoringSchedule, DeleteMonitoringSchedule,
 *   ListMonitoringExecutions (moto 5.2.1 has data-quality job definitions, not schedules), so
 *   `createMonitoringSchedule`, `listExecutions` and `cleanup({ scheduleName })` are not run.
 * - Processing jobs that do work: moto records CreateProcessingJob as Completed at once and writes
 *   no statistics.json, so `suggestBaseline` cannot read a result; its request is sent through
 *   the same builder (`baselineJobRequest`) and waited for with `waitForProcessingJob`.
 * - SageMaker Runtime with a model: moto's InvokeEndpoint answers a canned body for any name.
 * - CodeCommit ListRepositories/GetBranch/GetCommit (moto has only Create/Get/DeleteRepository).
 * What moto accepts but does not keep, so Describe cannot echo it (noted where asserted):
 * - CreateModel's EnableNetworkIsolation (moto's Model always reports false);
 * - CreateProcessingJob's ProcessingResources (with VolumeKmsKeyId) and Environment.
 * - ListTrainingJobs' SortBy/SortOrder: moto lists in creation order and applies MaxResults
 *   before NameContains, so which job `latestTrainingJob` picks among several is not checked
 *   here (the emulator's ListTrainingJobs sorting is tested in test/local); only that moto
 *   accepts the request.
 * Not run for cost: listing and deleting past 1,000 keys (1,005 PutObjects take moto ~10 s).
 * Moto completes training jobs at once and makes endpoints InService at once.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeProcessingJobCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListExperimentsCommand,
  ListModelsCommand,
  ListTrialComponentsCommand,
  ListTrialsCommand,
  CreateProcessingJobCommand,
} from "@aws-sdk/client-sagemaker";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  baselineJobName,
  baselineJobRequest,
  waitForProcessingJob,
} from "../../helpers/workflow/baseline";
import { cleanup } from "../../helpers/workflow/cleanup";
import { createClients, destroyClients } from "../../helpers/workflow/clients";
import { s3Uri, type WorkflowContext } from "../../helpers/workflow/context";
import { deployWithCapture } from "../../helpers/workflow/deploy";
import {
  associateTrialComponent,
  createExperiment,
  createTrial,
  Tracker,
  trialExists,
} from "../../helpers/workflow/experiments";
import { xgboostImageUri } from "../../helpers/workflow/images";
import { lineageTable } from "../../helpers/workflow/lineage";
import type { SecurityOptions } from "../../helpers/workflow/security";
import {
  deletePrefix,
  listObjects,
  listUris,
  readBytes,
  readJson,
  readText,
  upload,
} from "../../helpers/workflow/storage";
import {
  latestTrainingJob,
  startTrainingJob,
  waitForTrainingJob,
} from "../../helpers/workflow/training";
import { startMoto, type MotoServer } from "../helpers/moto";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012"; // moto's default account
const SECURITY: SecurityOptions = {
  vpc: { subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], securityGroupIds: ["sg-0123abcd"] },
  volumeKmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/volume-key`,
  outputKmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/output-key`,
  dataCaptureKmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/capture-key`,
  enableNetworkIsolation: true,
  enableInterContainerTrafficEncryption: true,
};
const VPC = { Subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], SecurityGroupIds: ["sg-0123abcd"] };

let moto: MotoServer;
let context: WorkflowContext;

beforeAll(async () => {
  moto = await startMoto();
  const clients = createClients({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  context = {
    region: REGION,
    bucket: `sagemaker-${REGION}-${ACCOUNT}`,
    prefix: "secure-sagemaker-demo",
    roleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerWorkshopExecutionRole`,
    ...clients,
  };
  await context.s3.send(
    new CreateBucketCommand({
      Bucket: context.bucket,
      CreateBucketConfiguration: { LocationConstraint: REGION },
    }),
  );
});

afterAll(async () => {
  if (context) destroyClients(context);
  await moto?.stop();
});

const uri = (...parts: string[]) => s3Uri(context, ...parts);

describe("S3 helpers against moto", () => {
  it("uploads text, a Buffer and a >5 MB file (multipart), lists, reads and deletes a prefix", async () => {
    // 6 MB of CSV rows with distinct content, so a mis-assembled multipart upload shows.
    const rows: string[] = [];
    let size = 0;
    for (let i = 0; size < 6 * 1024 * 1024; i++) {
      const row = `${i % 2},${i},${(i * 0.37).toFixed(2)},${"x".repeat(40)}\n`;
      rows.push(row);
      size += row.length;
    }
    const big = Buffer.from(rows.join(""));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "moto-s3-")), "train.csv");
    fs.writeFileSync(file, big);
    try {
      await upload(context, uri("s3test", "big", "train.csv"), { file });
      await upload(context, uri("s3test", "small.csv"), "a,b\n1,2\n");
      await upload(context, uri("s3test", "data.json"), Buffer.from('{"n":1}'), "application/json");

      expect(await listUris(context, uri("s3test") + "/")).toEqual([
        uri("s3test", "big", "train.csv"),
        uri("s3test", "data.json"),
        uri("s3test", "small.csv"),
      ]);
      const stored = await listObjects(context, uri("s3test", "big") + "/");
      expect(stored[0].Size).toBe(big.length);
      // A multipart upload's ETag is `"<md5 of part md5s>-<part count>"` (S3 and moto alike).
      expect(stored[0].ETag).toMatch(/-2"$/);
      expect((await readBytes(context, uri("s3test", "big", "train.csv"))).equals(big)).toBe(true);
      expect(await readText(context, uri("s3test", "small.csv"))).toBe("a,b\n1,2\n");
      expect(await readJson(context, uri("s3test", "data.json"))).toEqual({ n: 1 });

      expect(await deletePrefix(context, uri("s3test") + "/")).toBe(3);
      expect(await listUris(context, uri("s3test") + "/")).toEqual([]);
      expect(await deletePrefix(context, uri("s3test") + "/")).toBe(0);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
  // Paging past 1,000 keys is not run here: 1,005 PutObjects cost moto about 10 s of CPU.
});

describe("SageMaker jobs, models and endpoints against moto", () => {
  const jobName = "cc-training-job-2024-03-05-14-07-09";

  it("starts a training job with every security option and spot; Describe echoes them", async () => {
    const arn = await startTrainingJob(context, {
      jobName,
      trainUri: uri("train") + "/",
      validationUri: uri("validation") + "/",
      outputUri: uri("model"),
      maxRuntimeSeconds: 1800,
      spot: { maxWaitSeconds: 3600, checkpointUri: uri("checkpoints") },
      experiment: { experimentName: "CreditCardDefault-exp", trialName: "CreditCardDefault-trial" },
      security: SECURITY,
    });
    expect(arn).toBe(`arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${jobName}`);

    const job = await waitForTrainingJob(context, jobName, { pollMs: 10 });
    expect(job.TrainingJobStatus).toBe("Completed");
    expect(job.AlgorithmSpecification?.TrainingImage).toBe(xgboostImageUri(REGION));
    expect(job.RoleArn).toBe(context.roleArn);
    expect(job.HyperParameters).toMatchObject({ tree_method: "hist", seed: "0", num_round: "100" });
    expect(job.InputDataConfig?.map((channel) => channel.ChannelName)).toEqual([
      "train",
      "validation",
    ]);
    expect(job.VpcConfig).toEqual(VPC);
    expect(job.OutputDataConfig).toEqual({
      S3OutputPath: uri("model"),
      KmsKeyId: SECURITY.outputKmsKeyId,
    });
    expect(job.ResourceConfig).toMatchObject({
      InstanceType: "ml.m5.xlarge",
      InstanceCount: 1,
      VolumeKmsKeyId: SECURITY.volumeKmsKeyId,
    });
    expect(job.EnableNetworkIsolation).toBe(true);
    expect(job.EnableInterContainerTrafficEncryption).toBe(true);
    expect(job.EnableManagedSpotTraining).toBe(true);
    expect(job.StoppingCondition).toEqual({
      MaxRuntimeInSeconds: 1800,
      MaxWaitTimeInSeconds: 3600,
    });
    expect(job.CheckpointConfig).toEqual({ S3Uri: uri("checkpoints") });
    expect(job.ExperimentConfig).toEqual({
      ExperimentName: "CreditCardDefault-exp",
      TrialName: "CreditCardDefault-trial",
      TrialComponentDisplayName: "Training",
    });
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(
      `${uri("model")}/${jobName}/output/model.tar.gz`,
    );
  });

  it("accepts latestTrainingJob's request (sort, name filter, one result)", async () => {
    // Only one job exists: moto ignores SortBy/SortOrder (see the top of the file).
    expect((await latestTrainingJob(context, "cc-training-job")).TrainingJobName).toBe(jobName);
    await expect(latestTrainingJob(context, "no-such-job")).rejects.toThrow(
      'No training job whose name contains "no-such-job" found: run lab 01 first.',
    );
  });

  it("deploys a model with capture and security options; Describe echoes them", async () => {
    const job = await latestTrainingJob(context, jobName);
    const statuses: string[] = [];
    const endpoint = await deployWithCapture(
      context,
      {
        modelName: jobName,
        endpointConfigName: jobName,
        endpointName: jobName,
        image: job.AlgorithmSpecification!.TrainingImage!,
        modelDataUrl: job.ModelArtifacts!.S3ModelArtifacts!,
        captureUri: uri("datacapture"),
        security: SECURITY,
      },
      (status) => statuses.push(status),
    );
    // moto creates endpoints InService at once: the wait loop sees no Creating.
    expect(endpoint.EndpointStatus).toBe("InService");
    expect(statuses).toEqual(["InService"]);

    const model = await context.sagemaker.send(new DescribeModelCommand({ ModelName: jobName }));
    expect(model.PrimaryContainer).toMatchObject({
      Image: xgboostImageUri(REGION),
      ModelDataUrl: `${uri("model")}/${jobName}/output/model.tar.gz`,
    });
    expect(model.ExecutionRoleArn).toBe(context.roleArn);
    expect(model.VpcConfig).toEqual(VPC);
    // (EnableNetworkIsolation: moto accepts it but always reports false; not asserted.)

    const config = await context.sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: jobName }),
    );
    expect(config.KmsKeyId).toBe(SECURITY.volumeKmsKeyId);
    expect(config.DataCaptureConfig).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: uri("datacapture"),
      KmsKeyId: SECURITY.dataCaptureKmsKeyId,
      CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
      CaptureContentTypeHeader: {
        CsvContentTypes: ["text/csv"],
        JsonContentTypes: ["application/json"],
      },
    });
    expect(config.ProductionVariants?.[0]).toMatchObject({
      VariantName: "AllTraffic",
      ModelName: jobName,
      InitialInstanceCount: 1,
      InstanceType: "ml.m5.xlarge",
    });
    const described = await context.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: jobName }),
    );
    expect(described.EndpointConfigName).toBe(jobName);
  });

  it("sends the baseline's CreateProcessingJob (same builder as suggestBaseline); Describe echoes it", async () => {
    const name = baselineJobName(new Date("2024-03-05T14:07:09.062Z"));
    expect(name).toBe("baseline-suggestion-job-2024-03-05-14-07-09-062");
    const request = baselineJobRequest(context, {
      jobName: name,
      datasetUri: uri("baselining", "train_data_headers.csv"),
      outputUri: uri("baselining", "results") + "/",
      security: SECURITY,
    });
    const created = await context.sagemaker.send(new CreateProcessingJobCommand(request));
    expect(created.ProcessingJobArn).toBe(
      `arn:aws:sagemaker:${REGION}:${ACCOUNT}:processing-job/${name}`,
    );
    // moto records the job Completed at once (and writes no report).
    expect((await waitForProcessingJob(context, name, { pollMs: 10 })).ProcessingJobStatus).toBe(
      "Completed",
    );

    const job = await context.sagemaker.send(
      new DescribeProcessingJobCommand({ ProcessingJobName: name }),
    );
    expect(job.AppSpecification).toEqual(request.AppSpecification);
    expect(job.ProcessingInputs).toEqual(request.ProcessingInputs);
    expect(job.ProcessingOutputConfig).toEqual({
      Outputs: [
        {
          OutputName: "monitoring_output",
          S3Output: {
            S3Uri: uri("baselining", "results"),
            LocalPath: "/opt/ml/processing/output",
            S3UploadMode: "EndOfJob",
          },
        },
      ],
      KmsKeyId: SECURITY.outputKmsKeyId,
    });
    expect(job.NetworkConfig).toEqual({
      VpcConfig: VPC,
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
    });
    expect(job.RoleArn).toBe(context.roleArn);
    expect(job.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
  });
});

describe("experiments, search and cleanup against moto", () => {
  const experiment = "CreditCardDefault-2024-03-05-14-07-09";
  const trial = `${experiment}-trial`;

  it("creates the experiment tree and finds it with Search", async () => {
    await createExperiment(context, experiment, "credit card default prediction");
    await createTrial(context, experiment, trial);
    expect(await trialExists(context, trial)).toBe(true);
    const names: string[] = [];
    for (const displayName of ["Preprocessing", "SourceControl"]) {
      const tracker = await Tracker.create(context, {
        displayName,
        now: new Date("2024-03-05T14:07:09Z"),
      });
      tracker.logParameter("step", displayName).logOutput("data", uri(displayName.toLowerCase()));
      await tracker.save({ now: new Date("2024-03-05T14:08:00Z") });
      await associateTrialComponent(context, tracker.trialComponentName, trial);
      names.push(tracker.trialComponentName);
    }
    const table = await lineageTable(context, trial);
    expect(table.rows.map((row) => row.TrialComponentName).sort()).toEqual([...names].sort());
    expect(table.rows.find((row) => row.DisplayName === "SourceControl")).toMatchObject({
      step: "SourceControl",
      "data - Value": uri("sourcecontrol"),
    });
  });

  it("cleans up everything it names, leaves the List calls empty, and is safe to run twice", async () => {
    const name = "cc-training-job-2024-03-05-14-07-09";
    await upload(context, uri("train", "train.csv"), "1,2,3\n");
    const targets = {
      endpointName: name,
      endpointConfigName: name,
      modelName: name,
      experimentName: experiment,
      deleteData: true,
    };
    const first = await cleanup(context, targets);
    expect(first).toEqual(
      expect.arrayContaining([
        `endpoint ${name}`,
        `endpoint config ${name}`,
        `model ${name}`,
        `trial ${trial}`,
        `experiment ${experiment}`,
      ]),
    );
    expect(first.filter((line) => line.startsWith("trial component "))).toHaveLength(2);
    expect(first.some((line) => /^\d+ objects under /.test(line))).toBe(true);

    const sm = context.sagemaker;
    expect((await sm.send(new ListEndpointsCommand({}))).Endpoints).toEqual([]);
    expect((await sm.send(new ListEndpointConfigsCommand({}))).EndpointConfigs).toEqual([]);
    expect((await sm.send(new ListModelsCommand({}))).Models).toEqual([]);
    expect((await sm.send(new ListExperimentsCommand({}))).ExperimentSummaries).toEqual([]);
    expect((await sm.send(new ListTrialsCommand({}))).TrialSummaries).toEqual([]);
    expect((await sm.send(new ListTrialComponentsCommand({}))).TrialComponentSummaries).toEqual([]);
    expect(await listUris(context, uri("") + "/")).toEqual([]);

    expect(await cleanup(context, targets)).toEqual([]);
  });
});
