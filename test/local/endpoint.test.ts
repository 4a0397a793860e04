/**
 * Endpoints through the real @aws-sdk/client-sagemaker and @aws-sdk/client-sagemaker-runtime
 * against a started emulator: endpoint configs with DataCaptureConfig validation, the endpoint
 * lifecycle, InvokeEndpoint answers digit for digit, SageMaker Runtime's errors, data capture in
 * S3 (layout, record count, encodings, sampling, Input-only mode), traffic split by weight,
 * UpdateEndpoint without a dropped request, and a restart that keeps serving and keeps the capture.
 *
 * The model is a small hand-written XGBoost 1.7 JSON model (./runtime.fixtures.ts) whose answers
 * are worked out from the spec, independently of the engine that serves it.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointConfigCommandInput,
  type DataCaptureConfig,
  type DescribeEndpointCommandOutput,
  type ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandInput,
} from "@aws-sdk/client-sagemaker-runtime";
import {
  createRuntimeService,
  pythonFloatRepr,
  type LocalRuntimeService,
} from "../../helpers/local/runtime";
import { seededRandom } from "../../helpers/random";
import { createEndpointOperations } from "../../helpers/local/sagemaker/endpoints";
import {
  Booster,
  DMatrix,
  packModelArtifact as packEngineModel,
  train,
} from "../../helpers/xgboost";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { csvBody, expectedProbability, packModelArtifact, sampleRows } from "./runtime.fixtures";

const IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";
const MODEL_BUCKET = "endpoint-models";
const CAPTURE_BUCKET = "endpoint-capture";
const CAPTURE_URI = `s3://${CAPTURE_BUCKET}/datacapture`;
/** The virtual time the tests run at: records land in the 14:00 hour of 2024-03-05. */
const START = new Date("2024-03-05T14:10:00.000Z");
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let aws: TestLocalAws;
let runtime: LocalRuntimeService;
/** The runtime's random source; tests that count draws replace it with a fresh seeded one. */
let draws = seededRandom(1);

async function startEmulator(workspace?: string): Promise<TestLocalAws> {
  return startTestLocalAws({
    workspace,
    services: {
      runtime: (ctx) =>
        (runtime = createRuntimeService(ctx, {
          random: () => draws(),
          // Tests publish with runtime.flush(); the timer is covered by the capture tests.
          flushIntervalMs: 3_600_000,
        })),
    },
  });
}

const decode = (body: Uint8Array | undefined) => new TextDecoder().decode(body);

function invoke(input: Partial<InvokeEndpointCommandInput> & { EndpointName: string }) {
  return aws.runtime.send(
    new InvokeEndpointCommand({ ContentType: "text/csv", Body: new Uint8Array(0), ...input }),
  );
}

function invokeCsv(
  endpoint: string,
  body: string,
  extra: Partial<InvokeEndpointCommandInput> = {},
) {
  return invoke({ EndpointName: endpoint, Body: new TextEncoder().encode(body), ...extra });
}

function variant(name: string, overrides: Partial<ProductionVariant> = {}): ProductionVariant {
  return {
    VariantName: name,
    ModelName: "tiny-model",
    InitialInstanceCount: 1,
    InstanceType: "ml.m5.xlarge",
    InitialVariantWeight: 1,
    ...overrides,
  };
}

function capture(overrides: Partial<DataCaptureConfig> = {}): DataCaptureConfig {
  return {
    EnableCapture: true,
    InitialSamplingPercentage: 100,
    DestinationS3Uri: CAPTURE_URI,
    CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
    CaptureContentTypeHeader: {
      CsvContentTypes: ["text/csv"],
      JsonContentTypes: ["application/json"],
    },
    ...overrides,
  };
}

async function createConfig(input: CreateEndpointConfigCommandInput): Promise<void> {
  await aws.sagemaker.send(new CreateEndpointConfigCommand(input));
}

async function waitInService(name: string): Promise<DescribeEndpointCommandOutput> {
  for (let i = 0; i < 400; i++) {
    const described = await aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    if (described.EndpointStatus === "InService") return described;
    if (described.EndpointStatus === "Failed") {
      throw new Error(`${name} failed: ${described.FailureReason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} did not reach InService`);
}

async function deploy(
  endpoint: string,
  config: Omit<CreateEndpointConfigCommandInput, "EndpointConfigName"> = {
    ProductionVariants: [variant("AllTraffic")],
    DataCaptureConfig: capture(),
  },
): Promise<DescribeEndpointCommandOutput> {
  await createConfig({ EndpointConfigName: `${endpoint}-config`, ...config });
  await aws.sagemaker.send(
    new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: `${endpoint}-config` }),
  );
  return waitInService(endpoint);
}

interface CaptureLine {
  captureData: {
    endpointInput?: {
      observedContentType: string | null;
      mode: string;
      data: string;
      encoding: string;
    };
    endpointOutput?: {
      observedContentType: string | null;
      mode: string;
      data: string;
      encoding: string;
    };
  };
  eventMetadata: {
    eventId: string;
    inferenceId?: string;
    inferenceTime: string;
    customAttributes?: string[];
  };
  eventVersion: string;
}

/** Every capture object of an endpoint variant (keys and raw text), as a reader of S3 sees them. */
async function captureObjects(endpoint: string, variantName = "AllTraffic") {
  const prefix = `datacapture/${endpoint}/${variantName}/`;
  const listed = await aws.s3.send(
    new ListObjectsV2Command({ Bucket: CAPTURE_BUCKET, Prefix: prefix }),
  );
  const objects: { key: string; text: string }[] = [];
  for (const item of listed.Contents ?? []) {
    const got = await aws.s3.send(new GetObjectCommand({ Bucket: CAPTURE_BUCKET, Key: item.Key! }));
    objects.push({ key: item.Key!, text: await got.Body!.transformToString() });
  }
  return objects;
}

async function captureRecords(
  endpoint: string,
  variantName = "AllTraffic",
): Promise<CaptureLine[]> {
  const records: CaptureLine[] = [];
  for (const object of await captureObjects(endpoint, variantName)) {
    expect(object.text.endsWith("\n")).toBe(true);
    for (const line of object.text.slice(0, -1).split("\n")) records.push(JSON.parse(line));
  }
  return records;
}

beforeAll(async () => {
  aws = await startEmulator();
  await aws.emulator.clock.set(START);
  await aws.s3.send(new CreateBucketCommand({ Bucket: MODEL_BUCKET }));
  await aws.s3.send(new CreateBucketCommand({ Bucket: CAPTURE_BUCKET }));
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: MODEL_BUCKET,
      Key: "tiny/model.tar.gz",
      Body: packModelArtifact(),
    }),
  );
  await aws.sagemaker.send(
    new CreateModelCommand({
      ModelName: "tiny-model",
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: `s3://${MODEL_BUCKET}/tiny/model.tar.gz` },
      ExecutionRoleArn: ROLE,
    }),
  );
});

afterAll(async () => {
  await aws?.stop();
});

describe("endpoint configs", () => {
  test("validates DataCaptureConfig and variants with AWS's wording", async () => {
    const bad = aws.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: "bad-capture",
        ProductionVariants: [variant("AllTraffic")],
        DataCaptureConfig: capture({
          InitialSamplingPercentage: 101,
          DestinationS3Uri: "ftp://nowhere",
          CaptureOptions: [],
          CaptureContentTypeHeader: { CsvContentTypes: ["text csv"] },
        }),
      }),
    );
    await expect(bad).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "4 validation errors detected: " +
        "Value '101' at 'dataCaptureConfig.initialSamplingPercentage' failed to satisfy constraint: Member must have value less than or equal to 100; " +
        "Value 'ftp://nowhere' at 'dataCaptureConfig.destinationS3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/])/?(.*)$; " +
        "Value '[]' at 'dataCaptureConfig.captureOptions' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value 'text csv' at 'dataCaptureConfig.captureContentTypeHeader.csvContentTypes.1' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*\\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*",
    });
    await expect(
      createConfig({
        EndpointConfigName: "bad_name",
        ProductionVariants: [variant("AllTraffic", { ModelName: "no-such-model" })],
      }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining(
        "Value 'bad_name' at 'endpointConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
      ),
    });
    await expect(
      createConfig({
        EndpointConfigName: "negative-weight",
        ProductionVariants: [variant("AllTraffic", { InitialVariantWeight: -0.5 })],
      }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "1 validation error detected: Value '-0.5' at 'productionVariants.1.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0",
    });
    await expect(
      createConfig({
        EndpointConfigName: "async-config",
        ProductionVariants: [variant("AllTraffic")],
        AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://b/async" } },
      }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("does not support AsyncInferenceConfig"),
    });
    await expect(
      createConfig({
        EndpointConfigName: "missing-model",
        ProductionVariants: [variant("AllTraffic", { ModelName: "no-such-model" })],
      }),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message:
        'Could not find model "arn:aws:sagemaker:us-east-1:000000000000:model/no-such-model".',
    });
  });

  test("create, describe, list, refuse a duplicate, delete", async () => {
    const input = {
      EndpointConfigName: "Listed-Config",
      ProductionVariants: [variant("AllTraffic", { InitialVariantWeight: undefined })],
      DataCaptureConfig: capture({ InitialSamplingPercentage: 20 }),
    };
    const created = await aws.sagemaker.send(new CreateEndpointConfigCommand(input));
    const arn = "arn:aws:sagemaker:us-east-1:000000000000:endpoint-config/listed-config";
    expect(created.EndpointConfigArn).toBe(arn);
    const described = await aws.sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: "Listed-Config" }),
    );
    expect(described).toMatchObject({
      EndpointConfigName: "Listed-Config",
      EndpointConfigArn: arn,
      ProductionVariants: [{ VariantName: "AllTraffic", InitialVariantWeight: 1 }],
      DataCaptureConfig: { InitialSamplingPercentage: 20, DestinationS3Uri: CAPTURE_URI },
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
    await expect(aws.sagemaker.send(new CreateEndpointConfigCommand(input))).rejects.toMatchObject({
      name: "ValidationException",
      message: `Cannot create already existing endpoint configuration "${arn}".`,
    });
    const listed = await aws.sagemaker.send(
      new ListEndpointConfigsCommand({ NameContains: "listed" }),
    );
    expect(listed.EndpointConfigs?.map((c) => c.EndpointConfigName)).toEqual(["Listed-Config"]);
    await aws.sagemaker.send(
      new DeleteEndpointConfigCommand({ EndpointConfigName: "Listed-Config" }),
    );
    await expect(
      aws.sagemaker.send(
        new DescribeEndpointConfigCommand({ EndpointConfigName: "Listed-Config" }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: `Could not find endpoint configuration "${arn}".`,
    });
  });
});

describe("endpoints", () => {
  test("deploy with capture, invoke 1,000 rows, every capture record exactly once", async () => {
    const described = await deploy("cc-endpoint");
    expect(described).toMatchObject({
      EndpointName: "cc-endpoint",
      EndpointArn: "arn:aws:sagemaker:us-east-1:000000000000:endpoint/cc-endpoint",
      EndpointConfigName: "cc-endpoint-config",
      EndpointStatus: "InService",
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          CurrentWeight: 1,
          DesiredWeight: 1,
          CurrentInstanceCount: 1,
          DesiredInstanceCount: 1,
          DeployedImages: [{ SpecifiedImage: IMAGE }],
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        CaptureStatus: "Started",
        CurrentSamplingPercentage: 100,
        DestinationS3Uri: CAPTURE_URI,
      },
    });
    expect(described.ProductionVariants![0].DeployedImages![0].ResolvedImage).toMatch(
      /sagemaker-xgboost@sha256:[0-9a-f]{64}$/,
    );

    const rows = sampleRows(1000);
    const bodies: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const chunk = rows.slice(batch * 100, batch * 100 + 100);
      const body = csvBody(chunk);
      bodies.push(body);
      const answer = await invokeCsv("cc-endpoint", body, {
        Accept: "text/csv",
        InferenceId: `batch-${batch}`,
      });
      expect(answer.ContentType).toBe("text/csv; charset=utf-8");
      expect(answer.InvokedProductionVariant).toBe("AllTraffic");
      expect(decode(answer.Body)).toBe(
        chunk.map((row) => `${pythonFloatRepr(expectedProbability(row))}\n`).join(""),
      );
    }

    // Nothing reaches S3 before a flush: capture is buffered off the request path.
    expect(await captureObjects("cc-endpoint")).toEqual([]);
    await runtime.flush();
    const objects = await captureObjects("cc-endpoint");
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(object.key).toMatch(
        /^datacapture\/cc-endpoint\/AllTraffic\/2024\/03\/05\/14\/\d{2}-\d{2}-\d{3}-[0-9a-f-]{36}\.jsonl$/,
      );
    }
    const records = await captureRecords("cc-endpoint");
    expect(records).toHaveLength(10);
    expect(new Set(records.map((r) => r.eventMetadata.eventId)).size).toBe(10);
    records.forEach((record, i) => {
      expect(Object.keys(record)).toEqual(["captureData", "eventMetadata", "eventVersion"]);
      expect(record.eventVersion).toBe("0");
      expect(record.eventMetadata.eventId).toMatch(UUID_V4);
      expect(Object.keys(record.eventMetadata)).toEqual([
        "eventId",
        "inferenceId",
        "inferenceTime",
      ]);
      expect(record.eventMetadata.inferenceId).toBe(`batch-${i}`);
      expect(record.eventMetadata.inferenceTime).toMatch(/^2024-03-05T14:\d{2}:\d{2}Z$/);
      expect(record.captureData.endpointInput).toEqual({
        observedContentType: "text/csv",
        mode: "INPUT",
        data: bodies[i],
        encoding: "CSV",
      });
      expect(Object.keys(record.captureData.endpointOutput!)).toEqual([
        "observedContentType",
        "mode",
        "data",
        "encoding",
      ]);
      expect(record.captureData.endpointOutput).toMatchObject({
        observedContentType: "text/csv; charset=utf-8",
        mode: "OUTPUT",
        encoding: "CSV",
      });
      expect(record.captureData.endpointOutput!.data.split("\n")).toHaveLength(101);
    });
    // The raw line is compact JSON with SageMaker's key order.
    expect(objects[0].text.split("\n")[0]).toMatch(
      /^\{"captureData":\{"endpointInput":\{"observedContentType":"text\/csv","mode":"INPUT","data":"[^"]*","encoding":"CSV"\},"endpointOutput":\{/,
    );
  });

  test("CreateEndpoint answers while the endpoint is Creating; the hosts load afterwards", async () => {
    const operations = createEndpointOperations(aws.emulator.context);
    await operations.CreateEndpointConfig({
      EndpointConfigName: "creating-config",
      ProductionVariants: [variant("AllTraffic")],
    });
    await operations.CreateEndpoint({
      EndpointName: "creating-endpoint",
      EndpointConfigName: "creating-config",
    });
    // Same tick as the create: the load has not run yet.
    expect(await operations.DescribeEndpoint({ EndpointName: "creating-endpoint" })).toMatchObject({
      EndpointStatus: "Creating",
    });
    const described = await waitInService("creating-endpoint");
    expect(described.CreationTime!.getTime()).toBeGreaterThanOrEqual(START.getTime());
    expect(described.LastModifiedTime!.getTime()).toBeGreaterThanOrEqual(
      described.CreationTime!.getTime(),
    );
    await aws.sagemaker.send(new DeleteEndpointCommand({ EndpointName: "creating-endpoint" }));
  });

  test("a model trained by the XGBoost engine answers what the engine predicts", async () => {
    const trainRows = sampleRows(60, 11);
    const csv = trainRows
      .map((row, i) => [
        (row[0] + (row[2] > 10 ? 0.3 : 0) > 0.6 ? 1 : 0) ^ (i % 7 === 0 ? 1 : 0),
        ...row,
      ])
      .map((row) => row.map((v) => (Number.isNaN(v) ? "" : String(v))).join(","))
      .join("\n");
    const booster = train(
      { objective: "binary:logistic", max_depth: 3, eta: 0.3, tree_method: "hist", seed: 1 },
      DMatrix.fromCsv(csv, { labelColumn: 0 }),
      { numBoostRound: 4 },
    );
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: MODEL_BUCKET,
        Key: "trained/model.tar.gz",
        Body: await packEngineModel(booster),
      }),
    );
    await aws.sagemaker.send(
      new CreateModelCommand({
        ModelName: "trained-model",
        PrimaryContainer: {
          Image: IMAGE,
          ModelDataUrl: `s3://${MODEL_BUCKET}/trained/model.tar.gz`,
        },
        ExecutionRoleArn: ROLE,
      }),
    );
    await deploy("trained-endpoint", {
      ProductionVariants: [variant("AllTraffic", { ModelName: "trained-model" })],
    });
    const rows = sampleRows(50, 12);
    const answer = await invokeCsv("trained-endpoint", csvBody(rows), {
      Accept: "application/json",
    });
    const expected = Booster.loadModel(booster.saveModel() as Buffer).predict(
      new DMatrix(rows.map((row) => row.map(Math.fround))),
    );
    expect(decode(answer.Body)).toBe(
      `{"predictions": [${Array.from(expected, (p) => `{"score": ${pythonFloatRepr(p)}}`).join(", ")}]}`,
    );
  });

  test("JSON and JSON Lines answers, JSON and BASE64 capture encodings", async () => {
    await deploy("enc-endpoint", {
      ProductionVariants: [variant("AllTraffic")],
      // text/csv is not in either list here, so the CSV request is captured as BASE64.
      DataCaptureConfig: capture({
        CaptureContentTypeHeader: { JsonContentTypes: ["Application/JSON"] },
      }),
    });
    const rows = sampleRows(3, 7);
    const body = csvBody(rows);
    const json = await invokeCsv("enc-endpoint", body, {
      Accept: "application/json",
      CustomAttributes: "trace-id=42",
    });
    expect(json.ContentType).toBe("application/json");
    expect(json.CustomAttributes).toBe("trace-id=42");
    expect(decode(json.Body)).toBe(
      `{"predictions": [${rows.map((r) => `{"score": ${pythonFloatRepr(expectedProbability(r))}}`).join(", ")}]}`,
    );
    const lines = await invokeCsv("enc-endpoint", body, { Accept: "application/jsonlines" });
    expect(lines.ContentType).toBe("application/jsonlines");
    expect(decode(lines.Body)).toBe(
      rows.map((r) => `{"score": ${pythonFloatRepr(expectedProbability(r))}}\n`).join(""),
    );
    await runtime.flush();
    const records = await captureRecords("enc-endpoint");
    expect(records).toHaveLength(2);
    expect(records[0].captureData.endpointInput).toEqual({
      observedContentType: "text/csv",
      mode: "INPUT",
      data: Buffer.from(body).toString("base64"),
      encoding: "BASE64",
    });
    expect(records[0].eventMetadata).toMatchObject({ customAttributes: ["trace-id=42"] });
    expect(records[1].eventMetadata).not.toHaveProperty("customAttributes");
    expect(records[0].captureData.endpointOutput).toEqual({
      observedContentType: "application/json",
      mode: "OUTPUT",
      data: decode(json.Body),
      encoding: "JSON",
    });
    expect(records[1].captureData.endpointOutput).toEqual({
      observedContentType: "application/jsonlines",
      mode: "OUTPUT",
      data: Buffer.from(decode(lines.Body)).toString("base64"),
      encoding: "BASE64",
    });
  });

  test("sampling 0 %, a seeded partial percentage, and Input-only capture", async () => {
    await deploy("none-endpoint", {
      ProductionVariants: [variant("AllTraffic")],
      DataCaptureConfig: capture({ InitialSamplingPercentage: 0 }),
    });
    await deploy("part-endpoint", {
      ProductionVariants: [variant("AllTraffic")],
      DataCaptureConfig: capture({
        InitialSamplingPercentage: 30,
        CaptureOptions: [{ CaptureMode: "Input" }],
      }),
    });
    const body = csvBody(sampleRows(1, 3));
    for (let i = 0; i < 20; i++) {
      await invokeCsv("none-endpoint", body, { TargetVariant: "AllTraffic" });
    }
    // With TargetVariant there is no traffic draw: one uniform draw per invocation decides.
    draws = seededRandom(42);
    const replay = seededRandom(42);
    let expected = 0;
    for (let i = 0; i < 200; i++) {
      await invokeCsv("part-endpoint", body, { TargetVariant: "AllTraffic", InferenceId: `r${i}` });
      if (replay() * 100 < 30) expected++;
    }
    await runtime.flush();
    expect(await captureObjects("none-endpoint")).toEqual([]);
    const records = await captureRecords("part-endpoint");
    expect(records).toHaveLength(expected);
    expect(expected).toBeGreaterThan(40);
    expect(expected).toBeLessThan(80);
    for (const record of records) {
      expect(Object.keys(record.captureData)).toEqual(["endpointInput"]);
      expect(record.captureData.endpointInput!.data).toBe(body);
    }
    const described = await aws.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: "part-endpoint" }),
    );
    expect(described.DataCaptureConfig).toMatchObject({ CurrentSamplingPercentage: 30 });
  });

  test("bad requests get SageMaker Runtime's errors and the endpoint keeps answering", async () => {
    await expect(invokeCsv("no-such-endpoint", "1,2,3")).rejects.toMatchObject({
      name: "ValidationError",
      message: "Endpoint no-such-endpoint of account 000000000000 not found.",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(invokeCsv("cc-endpoint", "1,2,3\n4,5,6,7")).rejects.toMatchObject({
      name: "ModelError",
      $metadata: { httpStatusCode: 424 },
      OriginalStatusCode: 400,
      OriginalMessage: expect.stringContaining("row 2 has 4 columns, the model expects 3"),
      message: expect.stringMatching(
        /^Received client error \(400\) from primary with message "Number of columns does not match/,
      ),
    });
    await expect(invokeCsv("cc-endpoint", "1,abc,3")).rejects.toMatchObject({
      name: "ModelError",
      OriginalStatusCode: 400,
      OriginalMessage: expect.stringContaining(
        "could not convert string to float: 'abc' (row 1, column 2)",
      ),
    });
    await expect(
      invokeCsv("cc-endpoint", '{"instances": [[1,2,3]]}', { ContentType: "application/json" }),
    ).rejects.toMatchObject({
      name: "ModelError",
      OriginalStatusCode: 415,
      OriginalMessage: expect.stringContaining("send text/csv or text/libsvm"),
    });
    await expect(invokeCsv("cc-endpoint", "1,2,3", { Accept: "image/png" })).rejects.toMatchObject({
      name: "ModelError",
      OriginalStatusCode: 406,
    });
    await expect(
      invokeCsv("cc-endpoint", "1,2,3", { TargetVariant: "Nope" }),
    ).rejects.toMatchObject({ name: "ValidationError", $metadata: { httpStatusCode: 400 } });
    const oversize = new Uint8Array(6 * 1024 * 1024 + 1).fill(0x31);
    await expect(invoke({ EndpointName: "cc-endpoint", Body: oversize })).rejects.toMatchObject({
      name: "ValidationError",
      $metadata: { httpStatusCode: 413 },
    });

    // An empty body is answered as the container does (204, no content): nothing to predict.
    const empty = await invoke({ EndpointName: "cc-endpoint", Body: new Uint8Array(0) });
    // (the SDK turns an empty payload into a null Body)
    expect(empty.Body ?? new Uint8Array(0)).toHaveLength(0);

    const row = [0.7, -0.25, 12];
    const answer = await invokeCsv("cc-endpoint", "0.7,-0.25,12");
    expect(decode(answer.Body)).toBe(`${pythonFloatRepr(expectedProbability(row))}\n`);
  });

  test("variants split traffic by weight; TargetVariant and UpdateEndpointWeightsAndCapacities", async () => {
    await deploy("ab-endpoint", {
      ProductionVariants: [
        variant("VariantA", { InitialVariantWeight: 1 }),
        variant("VariantB", { InitialVariantWeight: 3 }),
      ],
    });
    const counts: Record<string, number> = { VariantA: 0, VariantB: 0 };
    for (let i = 0; i < 200; i++) {
      const answer = await invokeCsv("ab-endpoint", "0.1,0.2,0.3");
      counts[answer.InvokedProductionVariant!]++;
    }
    expect(counts.VariantA).toBeGreaterThan(25);
    expect(counts.VariantA).toBeLessThan(75);
    expect(counts.VariantA + counts.VariantB).toBe(200);
    const targeted = await invokeCsv("ab-endpoint", "0.1,0.2,0.3", { TargetVariant: "VariantA" });
    expect(targeted.InvokedProductionVariant).toBe("VariantA");

    await aws.sagemaker.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: "ab-endpoint",
        DesiredWeightsAndCapacities: [{ VariantName: "VariantA", DesiredWeight: 0 }],
      }),
    );
    const updated = await waitInService("ab-endpoint");
    expect(updated.ProductionVariants?.map((v) => [v.VariantName, v.CurrentWeight])).toEqual([
      ["VariantA", 0],
      ["VariantB", 3],
    ]);
    for (let i = 0; i < 20; i++) {
      const answer = await invokeCsv("ab-endpoint", "0.1,0.2,0.3");
      expect(answer.InvokedProductionVariant).toBe("VariantB");
    }
    await expect(
      aws.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: "ab-endpoint",
          DesiredWeightsAndCapacities: [{ VariantName: "VariantC", DesiredWeight: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  test("UpdateEndpoint switches config without dropping a request", async () => {
    await deploy("blue-green", {
      ProductionVariants: [variant("Blue")],
      DataCaptureConfig: capture(),
    });
    // The new config's model is another artifact, so the update really loads new hosts.
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: MODEL_BUCKET,
        Key: "green/model.tar.gz",
        Body: packModelArtifact(),
      }),
    );
    await aws.sagemaker.send(
      new CreateModelCommand({
        ModelName: "green-model",
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: `s3://${MODEL_BUCKET}/green/model.tar.gz` },
        ExecutionRoleArn: ROLE,
      }),
    );
    await createConfig({
      EndpointConfigName: "blue-green-v2",
      ProductionVariants: [variant("Green", { ModelName: "green-model" })],
      DataCaptureConfig: capture(),
    });
    let running = true;
    const seen: string[] = [];
    const failures: unknown[] = [];
    const traffic = (async () => {
      while (running) {
        try {
          const answer = await invokeCsv("blue-green", "0.9,0.1,5");
          seen.push(answer.InvokedProductionVariant!);
        } catch (error) {
          failures.push(error);
        }
      }
    })();
    // The old hosts have answered before the update starts (however slow the machine is).
    while (seen.length < 3 && failures.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await aws.sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: "blue-green",
        EndpointConfigName: "blue-green-v2",
      }),
    );
    const updating = await aws.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: "blue-green" }),
    );
    expect(["Updating", "InService"]).toContain(updating.EndpointStatus);
    const done = await waitInService("blue-green");
    // Let some traffic reach the new hosts too.
    const before = seen.length;
    while (seen.length < before + 10 && failures.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    running = false;
    await traffic;
    expect(failures).toEqual([]);
    expect(done.EndpointConfigName).toBe("blue-green-v2");
    expect(done.ProductionVariants?.map((v) => v.VariantName)).toEqual(["Green"]);
    expect(seen[0]).toBe("Blue");
    expect(seen[seen.length - 1]).toBe("Green");
    // Once Green answers, Blue never does again.
    expect(seen.slice(seen.indexOf("Green")).every((v) => v === "Green")).toBe(true);

    await runtime.flush();
    const blue = await captureRecords("blue-green", "Blue");
    const green = await captureRecords("blue-green", "Green");
    expect(blue.length + green.length).toBe(seen.length);
    expect(green.length).toBe(seen.filter((v) => v === "Green").length);
  });

  test("a failed UpdateEndpoint rolls back: still InService on the old config, with the reason", async () => {
    await aws.sagemaker.send(
      new CreateModelCommand({
        ModelName: "foreign-model",
        PrimaryContainer: {
          Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-own-server:latest",
          ModelDataUrl: `s3://${MODEL_BUCKET}/tiny/model.tar.gz`,
        },
        ExecutionRoleArn: ROLE,
      }),
    );
    await createConfig({
      EndpointConfigName: "foreign-config",
      ProductionVariants: [variant("Foreign", { ModelName: "foreign-model" })],
    });
    // Called directly, both in one tick: the second finds the first still in progress.
    const operations = createEndpointOperations(aws.emulator.context);
    const update = { EndpointName: "blue-green", EndpointConfigName: "foreign-config" };
    await operations.UpdateEndpoint(update);
    expect(() => operations.UpdateEndpoint(update)).toThrow(
      'Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/blue-green".',
    );
    let described = await waitInService("blue-green");
    for (let i = 0; i < 100 && !described.FailureReason; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      described = await waitInService("blue-green");
    }
    expect(described.EndpointConfigName).toBe("blue-green-v2");
    expect(described.FailureReason).toContain(
      "The local emulator cannot serve image '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-own-server:latest'",
    );
    expect(described.PendingDeploymentSummary).toBeUndefined();
    const answer = await invokeCsv("blue-green", "0.9,0.1,5");
    expect(answer.InvokedProductionVariant).toBe("Green");
  });

  test("lifecycle errors read like AWS's; DeleteEndpoint publishes the capture", async () => {
    const arn = "arn:aws:sagemaker:us-east-1:000000000000:endpoint/cc-endpoint";
    await expect(
      aws.sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: "cc-endpoint",
          EndpointConfigName: "cc-endpoint-config",
        }),
      ),
    ).rejects.toMatchObject({ message: `Cannot create already existing endpoint "${arn}".` });
    await expect(
      aws.sagemaker.send(new DescribeEndpointCommand({ EndpointName: "nope" })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/nope".',
    });

    // A model whose artifact is gone: the endpoint fails with AWS's download message.
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: MODEL_BUCKET,
        Key: "gone/model.tar.gz",
        Body: packModelArtifact(),
      }),
    );
    await aws.sagemaker.send(
      new CreateModelCommand({
        ModelName: "gone-model",
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: `s3://${MODEL_BUCKET}/gone/model.tar.gz` },
        ExecutionRoleArn: ROLE,
      }),
    );
    aws.emulator.context.objects.deleteObject(MODEL_BUCKET, "gone/model.tar.gz");
    await createConfig({
      EndpointConfigName: "gone-config",
      ProductionVariants: [variant("AllTraffic", { ModelName: "gone-model" })],
    });
    await aws.sagemaker.send(
      new CreateEndpointCommand({
        EndpointName: "gone-endpoint",
        EndpointConfigName: "gone-config",
      }),
    );
    await expect(waitInService("gone-endpoint")).rejects.toThrow(
      `Failed to download model data for container "container_1" from URL: "s3://${MODEL_BUCKET}/gone/model.tar.gz".`,
    );

    const listed = await aws.sagemaker.send(
      new ListEndpointsCommand({ StatusEquals: "Failed", SortBy: "Name", SortOrder: "Ascending" }),
    );
    expect(listed.Endpoints?.map((e) => e.EndpointName)).toEqual(["gone-endpoint"]);

    await invokeCsv("enc-endpoint", "1,2,3");
    await aws.sagemaker.send(new DeleteEndpointCommand({ EndpointName: "enc-endpoint" }));
    expect(await captureRecords("enc-endpoint")).toHaveLength(3);
    await expect(invokeCsv("enc-endpoint", "1,2,3")).rejects.toMatchObject({
      name: "ValidationError",
    });
  });

  test("after a restart InService endpoints serve again and no captured record is lost", async () => {
    const beforeRestart = (await captureRecords("cc-endpoint")).length;
    await invokeCsv("cc-endpoint", "0.2,0.4,8", { InferenceId: "before-restart" });
    // AWS lets a config be deleted while an endpoint uses it; the endpoint must still come back.
    await aws.sagemaker.send(
      new DeleteEndpointConfigCommand({ EndpointConfigName: "cc-endpoint-config" }),
    );
    // Not flushed: shutdown must publish it.
    await aws.restart();
    const described = await aws.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: "cc-endpoint" }),
    );
    expect(described.EndpointStatus).toBe("InService");
    const answer = await invokeCsv("cc-endpoint", "0.2,0.4,8", { InferenceId: "after-restart" });
    expect(decode(answer.Body)).toBe(`${pythonFloatRepr(expectedProbability([0.2, 0.4, 8]))}\n`);
    await runtime.flush();
    const records = await captureRecords("cc-endpoint");
    expect(records).toHaveLength(beforeRestart + 2);
    expect(
      records
        .map((r) => r.eventMetadata.inferenceId)
        .slice(-2)
        .sort(),
    ).toEqual(["after-restart", "before-restart"]);
    const failed = await aws.sagemaker.send(
      new DescribeEndpointCommand({ EndpointName: "gone-endpoint" }),
    );
    expect(failed.EndpointStatus).toBe("Failed");
  });
});
