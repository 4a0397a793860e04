/**
 * The SageMaker service's handlers called directly (no HTTP), with an in-memory state store and
 * object store: validation wording, not-found/in-use errors, experiments/trials/components,
 * associations, Search, models, listing and the training job life cycle up to the engine.
 * The SDK-level tests (sagemakerSdk / training / experiments) cover the same through the edge.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, promises as fsp, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  AwsError,
  type Clock,
  type ObjectMetadata,
  type ObjectStore,
  type ServiceContext,
  type StateStore,
} from "../../helpers/local/context";
import { createSageMakerService, type SageMakerService } from "../../helpers/local/sagemaker";

class MemoryState implements StateStore {
  readonly docs = new Map<string, Map<string, unknown>>();
  private kind(kind: string) {
    if (!this.docs.has(kind)) this.docs.set(kind, new Map());
    return this.docs.get(kind)!;
  }
  get<T>(kind: string, name: string): T | undefined {
    const doc = this.kind(kind).get(name);
    return doc === undefined ? undefined : (JSON.parse(JSON.stringify(doc)) as T);
  }
  put<T>(kind: string, name: string, doc: T): void {
    // Round-trip through JSON as the file store does, so nothing relies on object identity.
    this.kind(kind).set(name, JSON.parse(JSON.stringify(doc)));
  }
  delete(kind: string, name: string): boolean {
    return this.kind(kind).delete(name);
  }
  list<T>(kind: string): T[] {
    return [...this.kind(kind).values()].map((d) => JSON.parse(JSON.stringify(d)) as T);
  }
}

class MemoryObjects implements ObjectStore {
  readonly buckets = new Map<string, Map<string, { body: Buffer; meta: ObjectMetadata }>>();
  bucketExists(bucket: string) {
    return this.buckets.has(bucket);
  }
  createBucket(bucket: string) {
    this.buckets.set(bucket, new Map());
  }
  async putObject(
    bucket: string,
    key: string,
    body: Buffer | string | Readable,
    options: { contentType?: string } = {},
  ) {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new AwsError("NoSuchBucket", "The specified bucket does not exist", 404);
    const data =
      typeof body === "string" ? Buffer.from(body) : Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const meta: ObjectMetadata = {
      bucket,
      key,
      size: data.length,
      etag: `"${createHash("md5").update(data).digest("hex")}"`,
      contentType: options.contentType ?? "binary/octet-stream",
      lastModified: new Date(),
      userMetadata: {},
    };
    objects.set(key, { body: data, meta });
    return meta;
  }
  async putObjectFile(
    bucket: string,
    key: string,
    file: string,
    content: { contentType?: string },
  ) {
    const body = await fsp.readFile(file);
    await fsp.rm(file);
    return this.putObject(bucket, key, body, content);
  }
  headObject(bucket: string, key: string) {
    return this.buckets.get(bucket)?.get(key)?.meta;
  }
  getObjectStream(bucket: string, key: string) {
    const o = this.buckets.get(bucket)?.get(key);
    if (!o) throw new AwsError("NoSuchKey", "The specified key does not exist.", 404);
    return Readable.from(o.body);
  }
  async getObjectBuffer(bucket: string, key: string) {
    const o = this.buckets.get(bucket)?.get(key);
    if (!o) throw new AwsError("NoSuchKey", "The specified key does not exist.", 404);
    return o.body;
  }
  listObjects(bucket: string, prefix: string) {
    return [...(this.buckets.get(bucket)?.values() ?? [])]
      .map((o) => o.meta)
      .filter((m) => m.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  deleteObject(bucket: string, key: string) {
    this.buckets.get(bucket)?.delete(key);
  }
}

/** A clock the test moves by hand, so every timestamp below is known exactly. */
class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now() {
    return new Date(this.ms);
  }
  tick(seconds = 1) {
    this.ms += seconds * 1000;
  }
}

const ROLE = "arn:aws:iam::123456789012:role/SageMakerRole";
const XGB = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

let workspace: string;
let state: MemoryState;
let objects: MemoryObjects;
let clock: ManualClock;
let ctx: ServiceContext;
let sm: SageMakerService;

async function call(op: string, input: unknown): Promise<any> {
  return sm.handle(op, input);
}

async function error(op: string, input: unknown): Promise<AwsError> {
  try {
    await sm.handle(op, input);
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error(`${op} succeeded but was expected to fail`);
}

function trainingRequest(
  name: string,
  overrides: Record<string, unknown> = {},
): Record<string, any> {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: XGB, TrainingInputMode: "File" },
    RoleArn: ROLE,
    HyperParameters: { num_round: "3", objective: "binary:logistic", max_depth: "2" },
    InputDataConfig: [
      {
        ChannelName: "train",
        ContentType: "text/csv",
        DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://bucket/train/" } },
      },
    ],
    OutputDataConfig: { S3OutputPath: "s3://bucket/output" },
    ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 5 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...overrides,
  };
}

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), "sagemaker-handlers-"));
  state = new MemoryState();
  objects = new MemoryObjects();
  objects.createBucket("bucket");
  clock = new ManualClock();
  ctx = { region: "us-east-1", accountId: "123456789012", workspace, clock, state, objects };
  sm = createSageMakerService(ctx, { maxConcurrentTrainingJobs: 4 });
});

afterEach(async () => {
  await sm.close?.();
  rmSync(workspace, { recursive: true, force: true });
});

describe("service", () => {
  test("an unknown operation is UnknownOperationException", async () => {
    const e = await error("CreateHyperParameterTuningJob", {});
    expect(e.code).toBe("UnknownOperationException");
    expect(e.message).toContain("CreateHyperParameterTuningJob");
  });

  test("a body that is not a JSON object is a SerializationException", async () => {
    expect((await error("ListModels", [1, 2])).code).toBe("SerializationException");
  });
});

describe("validation messages read like AWS's", () => {
  test("name pattern, required members and lengths are reported together", async () => {
    const e = await error("CreateTrainingJob", {
      ...trainingRequest("bad_name"),
      RoleArn: undefined,
      ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 },
    });
    expect(e.code).toBe("ValidationException");
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      "3 validation errors detected: " +
        "Value 'bad_name' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular " +
        "expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}; " +
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'resourceConfig.volumeSizeInGB' failed to satisfy constraint: Member must not be null",
    );
  });

  test("a 64-character job name is too long; 63 is fine", async () => {
    const e = await error("CreateTrainingJob", trainingRequest("a".repeat(64)));
    expect(e.message).toContain("Member must have length less than or equal to 63");
    await expect(
      call("CreateTrainingJob", trainingRequest("a".repeat(63))),
    ).resolves.toHaveProperty("TrainingJobArn");
  });

  test("experiment entity names: 120 characters allowed, 121 and underscores refused", async () => {
    await call("CreateExperiment", { ExperimentName: "e".repeat(120) });
    const long = await error("CreateExperiment", { ExperimentName: "e".repeat(121) });
    expect(long.message).toContain(
      "at 'experimentName' failed to satisfy constraint: Member must have length less than or equal to 120",
    );
    const underscore = await error("CreateTrial", { TrialName: "my_trial", ExperimentName: "x" });
    expect(underscore.message).toContain(
      "regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}",
    );
  });

  test("enum members list their allowed values", async () => {
    const e = await error("ListTrainingJobs", { SortBy: "Size", MaxResults: 0 });
    expect(e.message).toBe(
      "2 validation errors detected: Value 'Size' at 'sortBy' failed to satisfy constraint: Member must " +
        "satisfy enum value set: [Name, CreationTime, Status]; Value '0' at 'maxResults' failed to satisfy " +
        "constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe("experiments, trials and trial components", () => {
  test("create, describe, update, list and delete with AWS ARNs and epoch-second times", async () => {
    const { ExperimentArn } = await call("CreateExperiment", {
      ExperimentName: "Credit-Default",
      Description: "lab",
      Tags: [{ Key: "team", Value: "risk" }],
    });
    expect(ExperimentArn).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:experiment/credit-default",
    );
    const described = await call("DescribeExperiment", { ExperimentName: "Credit-Default" });
    expect(described).toMatchObject({
      ExperimentName: "Credit-Default",
      DisplayName: "Credit-Default",
      Description: "lab",
      CreationTime: clock.ms / 1000,
      LastModifiedTime: clock.ms / 1000,
    });
    clock.tick(5);
    await call("UpdateExperiment", {
      ExperimentName: "Credit-Default",
      DisplayName: "Credit-default-v2",
    });
    const updated = await call("DescribeExperiment", { ExperimentName: "credit-default" });
    expect(updated.DisplayName).toBe("Credit-default-v2");
    expect(updated.LastModifiedTime - updated.CreationTime).toBe(5);

    const duplicate = await error("CreateExperiment", { ExperimentName: "credit-DEFAULT" });
    expect(duplicate.code).toBe("ValidationException");
    expect(duplicate.message).toContain("already exists");

    const { TrialArn } = await call("CreateTrial", {
      TrialName: "trial-1",
      ExperimentName: "Credit-Default",
      MetadataProperties: { CommitId: "abc123", Repository: "workshop" },
    });
    expect(TrialArn).toBe("arn:aws:sagemaker:us-east-1:123456789012:experiment-trial/trial-1");
    const { TrialComponentArn } = await call("CreateTrialComponent", {
      TrialComponentName: "preprocessing",
      Status: { PrimaryStatus: "Completed" },
      StartTime: 1767268800,
      Parameters: { rows: { NumberValue: 30000 }, split: { StringValue: "80/20" } },
      InputArtifacts: { raw: { Value: "s3://bucket/raw.csv", MediaType: "text/csv" } },
    });
    expect(TrialComponentArn).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/preprocessing",
    );
    await call("AssociateTrialComponent", {
      TrialComponentName: "preprocessing",
      TrialName: "trial-1",
    });

    const deleteExperiment = await error("DeleteExperiment", { ExperimentName: "Credit-Default" });
    expect(deleteExperiment.code).toBe("ValidationException");
    expect(deleteExperiment.message).toContain(
      "All trials associated with the experiment must be deleted first",
    );
    const deleteTrial = await error("DeleteTrial", { TrialName: "trial-1" });
    expect(deleteTrial.message).toContain("Disassociate them first");
    const deleteComponent = await error("DeleteTrialComponent", {
      TrialComponentName: "preprocessing",
    });
    expect(deleteComponent.message).toContain("must be disassociated from all trials");

    const listed = await call("ListTrialComponents", { TrialName: "trial-1" });
    expect(listed.TrialComponentSummaries.map((s: any) => s.TrialComponentName)).toEqual([
      "preprocessing",
    ]);
    const trials = await call("ListTrials", { TrialComponentName: "preprocessing" });
    expect(trials.TrialSummaries.map((s: any) => s.TrialName)).toEqual(["trial-1"]);

    await call("DisassociateTrialComponent", {
      TrialComponentName: "preprocessing",
      TrialName: "trial-1",
    });
    await call("DeleteTrialComponent", { TrialComponentName: "preprocessing" });
    await call("DeleteTrial", { TrialName: "trial-1" });
    await call("DeleteExperiment", { ExperimentName: "Credit-Default" });
    const gone = await error("DescribeExperiment", { ExperimentName: "Credit-Default" });
    expect(gone.code).toBe("ResourceNotFound");
    expect(gone.message).toBe(
      "Experiment 'arn:aws:sagemaker:us-east-1:123456789012:experiment/credit-default' does not exist.",
    );
  });

  test("a trial needs an existing experiment; disassociating a stranger is refused", async () => {
    const e = await error("CreateTrial", { TrialName: "t", ExperimentName: "missing" });
    expect(e.code).toBe("ResourceNotFound");
    await call("CreateExperiment", { ExperimentName: "exp" });
    await call("CreateTrial", { TrialName: "t", ExperimentName: "exp" });
    await call("CreateTrialComponent", { TrialComponentName: "c" });
    const d = await error("DisassociateTrialComponent", {
      TrialComponentName: "c",
      TrialName: "t",
    });
    expect(d.message).toBe("TrialComponent 'c' is not associated with trial 't'.");
  });

  test("UpdateTrialComponent merges and removes parameters and artifacts; describe by ARN", async () => {
    await call("CreateTrialComponent", {
      TrialComponentName: "tc",
      Parameters: { a: { NumberValue: 1 }, b: { StringValue: "x" } },
      OutputArtifacts: { model: { Value: "s3://bucket/m.tar.gz" } },
    });
    await call("UpdateTrialComponent", {
      TrialComponentName: "tc",
      Parameters: { c: { NumberValue: 3 } },
      ParametersToRemove: ["a"],
      OutputArtifactsToRemove: ["model"],
      Status: { PrimaryStatus: "Completed", Message: "done" },
      EndTime: 1767272400,
    });
    const tc = await call("DescribeTrialComponent", {
      TrialComponentName: "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/tc",
    });
    expect(tc.Parameters).toEqual({ b: { StringValue: "x" }, c: { NumberValue: 3 } });
    expect(tc.OutputArtifacts).toBeUndefined();
    expect(tc.Status).toEqual({ PrimaryStatus: "Completed", Message: "done" });
    expect(tc.EndTime).toBe(1767272400);
    const bad = await error("CreateTrialComponent", {
      TrialComponentName: "bad",
      Parameters: { p: { StringValue: "x", NumberValue: 1 } },
    });
    expect(bad.code).toBe("ValidationException");
  });

  test("list pagination with NextToken, sort order and time windows", async () => {
    await call("CreateExperiment", { ExperimentName: "exp" });
    for (let i = 0; i < 5; i++) {
      clock.tick(10);
      await call("CreateTrial", { TrialName: `trial-${i}`, ExperimentName: "exp" });
    }
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await call("ListTrials", {
        ExperimentName: "exp",
        MaxResults: 2,
        NextToken: token,
        SortOrder: "Ascending",
      });
      expect(page.TrialSummaries.length).toBeLessThanOrEqual(2);
      names.push(...page.TrialSummaries.map((t: any) => t.TrialName));
      token = page.NextToken;
    } while (token);
    expect(names).toEqual(["trial-0", "trial-1", "trial-2", "trial-3", "trial-4"]);
    const newestFirst = await call("ListTrials", {});
    expect(newestFirst.TrialSummaries[0].TrialName).toBe("trial-4");
    const start = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
    const windowed = await call("ListTrials", {
      CreatedAfter: start + 15,
      CreatedBefore: start + 45,
      SortBy: "Name",
      SortOrder: "Ascending",
    });
    expect(windowed.TrialSummaries.map((t: any) => t.TrialName)).toEqual([
      "trial-1",
      "trial-2",
      "trial-3",
    ]);
    const first = await call("ListTrials", { MaxResults: 2 });
    const tampered = await error("ListTrials", {
      MaxResults: 2,
      NextToken: first.NextToken,
      ExperimentName: "exp",
    });
    expect(tampered.message).toContain("Invalid pagination token");
  });
});

describe("Search", () => {
  beforeEach(async () => {
    await call("CreateExperiment", {
      ExperimentName: "exp",
      Tags: [{ Key: "team", Value: "risk" }],
    });
    await call("CreateTrial", { TrialName: "t1", ExperimentName: "exp" });
    await call("CreateTrial", { TrialName: "t2", ExperimentName: "exp" });
    const components = [
      { name: "prep", eta: 0.1, kind: "prep", trial: "t1" },
      { name: "train-a", eta: 0.2, kind: "train", trial: "t1" },
      { name: "train-b", eta: 0.3, kind: "train", trial: "t2" },
      { name: "orphan", eta: undefined, kind: "misc", trial: undefined },
    ];
    for (const c of components) {
      clock.tick(60);
      await call("CreateTrialComponent", {
        TrialComponentName: c.name,
        DisplayName: `Component-${c.name}`,
        Parameters: {
          kind: { StringValue: c.kind },
          "SageMaker.InstanceType": { StringValue: "ml.m5.xlarge" },
          ...(c.eta !== undefined ? { eta: { NumberValue: c.eta } } : {}),
        },
      });
      if (c.trial)
        await call("AssociateTrialComponent", { TrialComponentName: c.name, TrialName: c.trial });
    }
  });

  async function names(expression: unknown, extra: Record<string, unknown> = {}) {
    const out = await call("Search", {
      Resource: "ExperimentTrialComponent",
      SearchExpression: expression,
      SortBy: "TrialComponentName",
      SortOrder: "Ascending",
      ...extra,
    });
    return out.Results.map((r: any) => r.TrialComponent.TrialComponentName);
  }

  test("Parents.TrialName finds a trial's components, with Parents in the result", async () => {
    const out = await call("Search", {
      Resource: "ExperimentTrialComponent",
      SearchExpression: {
        Filters: [{ Name: "Parents.TrialName", Operator: "Equals", Value: "t1" }],
      },
    });
    expect(out.TotalHits).toEqual({ Value: 2, Relation: "EqualTo" });
    // Default sort: LastModifiedTime, descending.
    expect(out.Results.map((r: any) => r.TrialComponent.TrialComponentName)).toEqual([
      "train-a",
      "prep",
    ]);
    expect(out.Results[0].TrialComponent.Parents).toEqual([
      { TrialName: "t1", ExperimentName: "exp" },
    ]);
    expect(await names({ Filters: [{ Name: "Parents.ExperimentName", Value: "exp" }] })).toEqual([
      "prep",
      "train-a",
      "train-b",
    ]);
  });

  test("every operator", async () => {
    const f = (Name: string, Operator: string, Value?: string) => ({
      Filters: [{ Name, Operator, Value }],
    });
    expect(await names(f("Parameters.eta", "GreaterThan", "0.1"))).toEqual(["train-a", "train-b"]);
    expect(await names(f("Parameters.eta", "GreaterThanOrEqualTo", "0.2"))).toEqual([
      "train-a",
      "train-b",
    ]);
    expect(await names(f("Parameters.eta", "LessThan", "0.2"))).toEqual(["prep"]);
    expect(await names(f("Parameters.eta", "LessThanOrEqualTo", "0.2"))).toEqual([
      "prep",
      "train-a",
    ]);
    expect(await names(f("Parameters.eta", "Equals", "0.3"))).toEqual(["train-b"]);
    expect(await names(f("Parameters.kind", "NotEquals", "train"))).toEqual(["orphan", "prep"]);
    expect(await names(f("DisplayName", "Contains", "train"))).toEqual(["train-a", "train-b"]);
    expect(await names(f("Parameters.kind", "In", "prep,misc"))).toEqual(["orphan", "prep"]);
    expect(await names(f("Parameters.eta", "Exists"))).toEqual(["prep", "train-a", "train-b"]);
    expect(await names(f("Parents.TrialName", "NotExists"))).toEqual(["orphan"]);
    expect(
      await names(f("Parameters.SageMaker.InstanceType", "Equals", "ml.m5.xlarge")),
    ).toHaveLength(4);
    const start = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
    expect(await names(f("CreationTime", "GreaterThan", String(start + 150)))).toEqual([
      "orphan",
      "train-b",
    ]);
    expect(await names(f("CreationTime", "LessThan", "2026-01-01T12:01:30"))).toEqual(["prep"]);
  });

  test("Or sub-expressions and nested filters", async () => {
    expect(
      await names({
        Operator: "Or",
        SubExpressions: [
          { Filters: [{ Name: "TrialComponentName", Value: "orphan" }] },
          {
            Filters: [
              { Name: "Parents.TrialName", Value: "t1" },
              { Name: "Parameters.kind", Value: "train" },
            ],
          },
        ],
      }),
    ).toEqual(["orphan", "train-a"]);
    expect(
      await names({
        NestedFilters: [
          {
            NestedPropertyName: "Parents",
            Filters: [
              { Name: "Parents.TrialName", Value: "t2" },
              { Name: "Parents.ExperimentName", Value: "exp" },
            ],
          },
        ],
      }),
    ).toEqual(["train-b"]);
  });

  test("pagination, other resources, and AWS's errors", async () => {
    const first = await call("Search", {
      Resource: "ExperimentTrialComponent",
      MaxResults: 3,
      SortBy: "CreationTime",
      SortOrder: "Ascending",
    });
    expect(first.Results).toHaveLength(3);
    const second = await call("Search", {
      Resource: "ExperimentTrialComponent",
      MaxResults: 3,
      SortBy: "CreationTime",
      SortOrder: "Ascending",
      NextToken: first.NextToken,
    });
    expect(second.Results.map((r: any) => r.TrialComponent.TrialComponentName)).toEqual(["orphan"]);
    expect(second.NextToken).toBeUndefined();

    const trials = await call("Search", {
      Resource: "ExperimentTrial",
      SortBy: "TrialName",
      SortOrder: "Ascending",
    });
    expect(
      trials.Results[0].Trial.TrialComponentSummaries.map((s: any) => s.TrialComponentName).sort(),
    ).toEqual(["prep", "train-a"]);
    const experiments = await call("Search", {
      Resource: "Experiment",
      SearchExpression: { Filters: [{ Name: "Tags.team", Value: "risk" }] },
    });
    expect(experiments.Results.map((r: any) => r.Experiment.ExperimentName)).toEqual(["exp"]);

    const contains = await error("Search", {
      Resource: "ExperimentTrialComponent",
      SearchExpression: {
        Filters: [
          { Name: "Parameters.kind", Operator: "Contains", Value: "a" },
          { Name: "Parameters.kind", Operator: "Contains", Value: "b" },
        ],
      },
    });
    expect(contains.message).toBe("'CONTAINS' operator usage limit of 1 exceeded.");
    const text = await error("Search", {
      Resource: "ExperimentTrialComponent",
      SearchExpression: { Filters: [{ Name: "DisplayName", Operator: "GreaterThan", Value: "a" }] },
    });
    expect(text.message).toContain("not supported for text property 'DisplayName'");
    const resource = await error("Search", { Resource: "Endpoint" });
    expect(resource.message).toContain("Search over 'Endpoint' is not supported");
  });
});

describe("models", () => {
  beforeEach(async () => {
    await objects.putObject("bucket", "output/job/output/model.tar.gz", "model");
  });

  test("create, describe, list with NameContains, delete", async () => {
    const container = { Image: XGB, ModelDataUrl: "s3://bucket/output/job/output/model.tar.gz" };
    const { ModelArn } = await call("CreateModel", {
      ModelName: "Credit-Model",
      PrimaryContainer: container,
      ExecutionRoleArn: ROLE,
      EnableNetworkIsolation: true,
      VpcConfig: { SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] },
    });
    expect(ModelArn).toBe("arn:aws:sagemaker:us-east-1:123456789012:model/credit-model");
    expect(await call("DescribeModel", { ModelName: "Credit-Model" })).toMatchObject({
      ModelName: "Credit-Model",
      PrimaryContainer: container,
      ExecutionRoleArn: ROLE,
      EnableNetworkIsolation: true,
      VpcConfig: { SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] },
      CreationTime: clock.ms / 1000,
    });
    clock.tick();
    await call("CreateModel", {
      ModelName: "other",
      PrimaryContainer: container,
      ExecutionRoleArn: ROLE,
    });
    const credit = await call("ListModels", { NameContains: "credit" });
    expect(credit.Models.map((m: any) => m.ModelName)).toEqual(["Credit-Model"]);
    const all = await call("ListModels", {});
    expect(all.Models.map((m: any) => m.ModelName)).toEqual(["other", "Credit-Model"]);

    const duplicate = await error("CreateModel", {
      ModelName: "credit-model",
      PrimaryContainer: container,
    });
    expect(duplicate.message).toBe(`Cannot create already existing model "${ModelArn}".`);
    await call("DeleteModel", { ModelName: "Credit-Model" });
    const missing = await error("DescribeModel", { ModelName: "Credit-Model" });
    expect(missing.code).toBe("ValidationException");
    expect(missing.message).toBe(`Could not find model "${ModelArn}".`);
  });

  test("model data must exist; exactly one of PrimaryContainer and Containers", async () => {
    const nodata = await error("CreateModel", {
      ModelName: "m",
      PrimaryContainer: { Image: XGB, ModelDataUrl: "s3://bucket/nope/model.tar.gz" },
    });
    expect(nodata.message).toBe("Could not find model data at s3://bucket/nope/model.tar.gz.");
    const neither = await error("CreateModel", { ModelName: "m" });
    expect(neither.message).toContain("Exactly one of PrimaryContainer or Containers");
  });
});

describe("training jobs (up to the engine)", () => {
  async function finished(name: string) {
    await sm.waitForTrainingJob(name);
    return call("DescribeTrainingJob", { TrainingJobName: name });
  }

  test("an image local mode does not run ends Failed and says which images it runs", async () => {
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-pytorch:latest";
    const { TrainingJobArn } = await call(
      "CreateTrainingJob",
      trainingRequest("Custom-Image", {
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: "File" },
      }),
    );
    expect(TrainingJobArn).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:training-job/custom-image",
    );
    const started = await call("DescribeTrainingJob", { TrainingJobName: "Custom-Image" });
    expect(started).toMatchObject({ TrainingJobStatus: "InProgress", SecondaryStatus: "Starting" });
    const job = await finished("Custom-Image");
    expect(job.TrainingJobStatus).toBe("Failed");
    expect(job.FailureReason).toMatch(/^ClientError: The local emulator cannot run training image/);
    expect(job.FailureReason).toContain("sagemaker-xgboost:<version> with version 1.3-1 to 1.7-1");
    expect(job.SecondaryStatusTransitions.map((t: any) => t.Status)).toEqual([
      "Starting",
      "Failed",
    ]);
    const component = await call("DescribeTrialComponent", {
      TrialComponentName: "Custom-Image-aws-training-job",
    });
    expect(component.Status.PrimaryStatus).toBe("Failed");
    expect(component.Source).toEqual({
      SourceArn: TrainingJobArn,
      SourceType: "SageMakerTrainingJob",
    });
  });

  test("an empty channel prefix fails with SageMaker's message", async () => {
    await call("CreateTrainingJob", trainingRequest("no-data"));
    const job = await finished("no-data");
    expect(job.FailureReason).toBe(
      'ClientError: No S3 objects found under S3 URL "s3://bucket/train/" given in input data source. Please ' +
        "ensure that the bucket exists in the selected region (us-east-1), that objects exist under that S3 " +
        `prefix, and that the role "${ROLE}" has "s3:ListBucket" permissions on bucket "bucket".`,
    );
    expect(job.SecondaryStatusTransitions.map((t: any) => t.Status)).toEqual([
      "Starting",
      "Downloading",
      "Failed",
    ]);
  });

  test("hyperparameters are validated as the XGBoost container does", async () => {
    await objects.putObject("bucket", "train/part-1.csv", "1,0.5\n0,0.1\n");
    await call(
      "CreateTrainingJob",
      trainingRequest("no-rounds", { HyperParameters: { eta: "0.1" } }),
    );
    await call(
      "CreateTrainingJob",
      trainingRequest("bad-eta", { HyperParameters: { num_round: "2", eta: "2" } }),
    );
    await call(
      "CreateTrainingJob",
      trainingRequest("typo", { HyperParameters: { num_round: "2", max_dept: "2" } }),
    );
    expect((await finished("no-rounds")).FailureReason).toBe(
      "ClientError: Missing required hyperparameter: num_round",
    );
    expect((await finished("bad-eta")).FailureReason).toBe(
      "ClientError: Hyperparameter eta: 2 is not in [0, 1]",
    );
    expect((await finished("typo")).FailureReason).toBe(
      "ClientError: Extraneous hyperparameter found: max_dept",
    );
    await call(
      "CreateTrainingJob",
      trainingRequest("weights", { HyperParameters: { num_round: "2", csv_weights: "1" } }),
    );
    expect((await finished("weights")).FailureReason).toMatch(
      /^ClientError: Hyperparameter csv_weights=1 .* is not supported by the local emulator/,
    );
  });

  test("content type other than CSV, and unknown channels, fail with a ClientError", async () => {
    await objects.putObject("bucket", "train/part-1.csv", "1,0.5\n");
    const libsvm = trainingRequest("libsvm");
    delete (libsvm.InputDataConfig[0] as any).ContentType;
    await call("CreateTrainingJob", libsvm);
    expect((await finished("libsvm")).FailureReason).toContain("reads text/csv only");
    const extra = trainingRequest("extra-channel");
    extra.InputDataConfig.push({ ...extra.InputDataConfig[0], ChannelName: "test" });
    await call("CreateTrainingJob", extra);
    expect((await finished("extra-channel")).FailureReason).toBe(
      "ClientError: Extraneous channel found: test",
    );
  });

  test("request echo, defaults, duplicates, ExperimentConfig checks and ListTrainingJobs", async () => {
    await call("CreateExperiment", { ExperimentName: "exp" });
    await call("CreateTrial", { TrialName: "trial", ExperimentName: "exp" });
    const request = trainingRequest("echo", {
      VpcConfig: { SecurityGroupIds: ["sg-1"], Subnets: ["subnet-1"] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      EnableManagedSpotTraining: true,
      StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 1200 },
      CheckpointConfig: { S3Uri: "s3://bucket/checkpoints" },
      OutputDataConfig: { S3OutputPath: "s3://bucket/output", KmsKeyId: "alias/my-key" },
      ResourceConfig: {
        InstanceType: "ml.m5.xlarge",
        InstanceCount: 1,
        VolumeSizeInGB: 5,
        VolumeKmsKeyId: "key-1",
      },
      ExperimentConfig: {
        ExperimentName: "exp",
        TrialName: "trial",
        TrialComponentDisplayName: "Training",
      },
    });
    await call("CreateTrainingJob", request);
    const job = await call("DescribeTrainingJob", { TrainingJobName: "echo" });
    expect(job).toMatchObject({
      VpcConfig: request.VpcConfig,
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      EnableManagedSpotTraining: true,
      StoppingCondition: request.StoppingCondition,
      CheckpointConfig: request.CheckpointConfig,
      OutputDataConfig: {
        S3OutputPath: "s3://bucket/output",
        KmsKeyId: "alias/my-key",
        CompressionType: "GZIP",
      },
      ResourceConfig: request.ResourceConfig,
      HyperParameters: request.HyperParameters,
      CreationTime: clock.ms / 1000,
    });
    expect(job.InputDataConfig[0]).toMatchObject({
      CompressionType: "None",
      RecordWrapperType: "None",
      DataSource: { S3DataSource: { S3DataDistributionType: "FullyReplicated" } },
    });
    const search = await call("Search", {
      Resource: "ExperimentTrialComponent",
      SearchExpression: { Filters: [{ Name: "Parents.TrialName", Value: "trial" }] },
    });
    const tc = search.Results[0].TrialComponent;
    expect(tc.TrialComponentName).toBe("echo-aws-training-job");
    expect(tc.DisplayName).toBe("Training");
    expect(tc.Parameters).toMatchObject({
      num_round: { NumberValue: 3 },
      objective: { StringValue: "binary:logistic" },
      "SageMaker.ImageUri": { StringValue: XGB },
      "SageMaker.InstanceType": { StringValue: "ml.m5.xlarge" },
      "SageMaker.InstanceCount": { NumberValue: 1 },
      "SageMaker.VolumeSizeInGB": { NumberValue: 5 },
    });
    expect(tc.InputArtifacts).toEqual({
      train: { MediaType: "text/csv", Value: "s3://bucket/train/" },
    });
    expect(tc.SourceDetail.TrainingJob.TrainingJobName).toBe("echo");
    await sm.waitForTrainingJob("echo");

    const duplicate = await error("CreateTrainingJob", trainingRequest("ECHO"));
    expect(duplicate.code).toBe("ResourceInUse");
    expect(duplicate.message).toContain("a training job with this name already exists");
    const wrongExperiment = await error(
      "CreateTrainingJob",
      trainingRequest("x", { ExperimentConfig: { ExperimentName: "other", TrialName: "trial" } }),
    );
    expect(wrongExperiment.message).toContain("belongs to experiment 'exp', not 'other'");
    const noTrial = await error(
      "CreateTrainingJob",
      trainingRequest("y", { ExperimentConfig: { TrialName: "nope" } }),
    );
    expect(noTrial.code).toBe("ResourceNotFound");
    const spot = await error(
      "CreateTrainingJob",
      trainingRequest("z", {
        EnableManagedSpotTraining: true,
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      }),
    );
    expect(spot.message).toBe(
      "Invalid MaxWaitTimeInSeconds. It is required for managed spot training.",
    );

    clock.tick(10);
    await call("CreateTrainingJob", trainingRequest("second"));
    await sm.waitForTrainingJob("second");
    const list = await call("ListTrainingJobs", {});
    expect(list.TrainingJobSummaries.map((s: any) => s.TrainingJobName)).toEqual([
      "echo",
      "second",
    ]);
    const desc = await call("ListTrainingJobs", { SortOrder: "Descending", NameContains: "ECO" });
    expect(desc.TrainingJobSummaries.map((s: any) => s.TrainingJobName)).toEqual(["second"]);
    const failed = await call("ListTrainingJobs", { StatusEquals: "Failed", MaxResults: 1 });
    expect(failed.TrainingJobSummaries).toHaveLength(1);
    expect(failed.NextToken).toBeDefined();
    const byHyperparameter = await call("Search", {
      Resource: "TrainingJob",
      SearchExpression: {
        Filters: [
          { Name: "HyperParameters.max_depth", Value: "2" },
          { Name: "TrainingJobStatus", Value: "Failed" },
        ],
      },
      SortBy: "TrainingJobName",
      SortOrder: "Ascending",
    });
    expect(byHyperparameter.Results.map((r: any) => r.TrainingJob.TrainingJobName)).toEqual([
      "echo",
      "second",
    ]);
    const missing = await error("DescribeTrainingJob", { TrainingJobName: "nope" });
    expect(missing.message).toBe("Requested resource not found.");
  });

  test("StopTrainingJob on a finished job is refused; a restart settles interrupted jobs", async () => {
    await call("CreateTrainingJob", trainingRequest("done"));
    await sm.waitForTrainingJob("done");
    const e = await error("StopTrainingJob", { TrainingJobName: "done" });
    expect(e.message).toBe(
      "The request was rejected because the training job is in status Failed.",
    );

    // A job the previous emulator process left InProgress (it died mid-training).
    const doc: any = state.get("sagemaker-training-job", "done");
    doc.job.TrainingJobName = "interrupted";
    doc.job.TrainingJobArn = doc.job.TrainingJobArn.replace("done", "interrupted");
    doc.job.TrainingJobStatus = "InProgress";
    doc.job.SecondaryStatus = "Training";
    delete doc.job.FailureReason;
    state.put("sagemaker-training-job", "interrupted", doc);
    const restarted = createSageMakerService(ctx);
    const job = await restarted.handle("DescribeTrainingJob", { TrainingJobName: "interrupted" });
    expect(job).toMatchObject({ TrainingJobStatus: "Failed", SecondaryStatus: "Failed" });
    expect((job as any).FailureReason).toContain(
      "local training jobs do not resume after a restart",
    );
    await restarted.close?.();
  });

  test("more concurrent jobs than the local limit: ResourceLimitExceeded", async () => {
    const limited = createSageMakerService(ctx, { maxConcurrentTrainingJobs: 1 });
    await limited.handle("CreateTrainingJob", trainingRequest("first"));
    await expect(
      limited.handle("CreateTrainingJob", trainingRequest("second")),
    ).rejects.toMatchObject({
      code: "ResourceLimitExceeded",
    });
    await limited.waitForTrainingJob("first");
    await limited.close?.();
  });
});
