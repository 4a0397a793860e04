/**
 * Experiments, trials, trial components, associations and Search through the real
 * @aws-sdk/client-sagemaker against a started emulator (HTTP, SigV4, JSON 1.1), including a
 * restart of the emulator on the same workspace.
 */
import {
  AssociateTrialComponentCommand,
  CreateExperimentCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DeleteExperimentCommand,
  DescribeExperimentCommand,
  DescribeTrialComponentCommand,
  ListExperimentsCommand,
  ListTrialComponentsCommand,
  ResourceNotFound,
  SearchCommand,
  UpdateTrialComponentCommand,
} from "@aws-sdk/client-sagemaker";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

let aws: TestLocalAws;

type ServiceError = Error & { $metadata: { httpStatusCode?: number } };

/** The error a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("the call succeeded but was expected to fail");
}

beforeAll(async () => {
  aws = await startTestLocalAws();
});

afterAll(async () => {
  await aws?.stop();
});

test("experiment -> trial -> components, found by Search on Parents.TrialName, kept across a restart", async () => {
  const { ExperimentArn } = await aws.sagemaker.send(
    new CreateExperimentCommand({
      ExperimentName: "credit-default",
      Description: "XGBoost on the credit card default data",
      Tags: [{ Key: "lab", Value: "01" }],
    }),
  );
  expect(ExperimentArn).toMatch(/^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:experiment\/credit-default$/);
  await aws.sagemaker.send(
    new CreateTrialCommand({
      TrialName: "trial-depth-5",
      ExperimentName: "credit-default",
      MetadataProperties: { CommitId: "0123456789abcdef0123456789abcdef01234567" },
    }),
  );
  const start = new Date("2026-01-01T10:00:00.250Z");
  await aws.sagemaker.send(
    new CreateTrialComponentCommand({
      TrialComponentName: "preprocessing-1",
      DisplayName: "Preprocessing",
      Status: { PrimaryStatus: "InProgress" },
      StartTime: start,
      Parameters: {
        train_rows: { NumberValue: 24000 },
        scaler: { StringValue: "MinMaxScaler" },
      },
      InputArtifacts: {
        raw: { Value: "s3://bucket/raw/credit_card_default.csv", MediaType: "text/csv" },
      },
    }),
  );
  await aws.sagemaker.send(
    new UpdateTrialComponentCommand({
      TrialComponentName: "preprocessing-1",
      Status: { PrimaryStatus: "Completed", Message: "rows written" },
      EndTime: new Date("2026-01-01T10:05:00Z"),
    }),
  );
  await aws.sagemaker.send(new CreateTrialComponentCommand({ TrialComponentName: "unrelated" }));
  const association = await aws.sagemaker.send(
    new AssociateTrialComponentCommand({
      TrialComponentName: "preprocessing-1",
      TrialName: "trial-depth-5",
    }),
  );
  expect(association.TrialArn).toMatch(/:experiment-trial\/trial-depth-5$/);

  const search = async () =>
    aws.sagemaker.send(
      new SearchCommand({
        Resource: "ExperimentTrialComponent",
        SearchExpression: {
          Filters: [{ Name: "Parents.TrialName", Operator: "Equals", Value: "trial-depth-5" }],
        },
      }),
    );
  const found = await search();
  expect(found.TotalHits).toEqual({ Value: 1, Relation: "EqualTo" });
  const tc = found.Results![0].TrialComponent!;
  expect(tc.TrialComponentName).toBe("preprocessing-1");
  expect(tc.Parents).toEqual([{ TrialName: "trial-depth-5", ExperimentName: "credit-default" }]);
  expect(tc.Parameters).toEqual({
    train_rows: { NumberValue: 24000 },
    scaler: { StringValue: "MinMaxScaler" },
  });
  // Timestamps travel as epoch seconds and come back as Dates, to the millisecond.
  expect(tc.StartTime).toEqual(start);
  expect(tc.EndTime).toEqual(new Date("2026-01-01T10:05:00Z"));
  expect(tc.CreationTime).toBeInstanceOf(Date);
  expect(tc.Status).toEqual({ PrimaryStatus: "Completed", Message: "rows written" });

  const byParameter = await aws.sagemaker.send(
    new SearchCommand({
      Resource: "ExperimentTrialComponent",
      SearchExpression: {
        Filters: [{ Name: "Parameters.train_rows", Operator: "GreaterThan", Value: "20000" }],
      },
    }),
  );
  expect(byParameter.Results!.map((r) => r.TrialComponent!.TrialComponentName)).toEqual([
    "preprocessing-1",
  ]);

  await aws.restart();

  const afterRestart = await search();
  expect(afterRestart.Results!.map((r) => r.TrialComponent!.TrialComponentName)).toEqual([
    "preprocessing-1",
  ]);
  const experiments = await aws.sagemaker.send(new ListExperimentsCommand({}));
  expect(experiments.ExperimentSummaries!.map((e) => e.ExperimentName)).toEqual(["credit-default"]);
  const components = await aws.sagemaker.send(
    new ListTrialComponentsCommand({ ExperimentName: "credit-default" }),
  );
  expect(components.TrialComponentSummaries!.map((c) => c.TrialComponentName)).toEqual([
    "preprocessing-1",
  ]);
  const described = await aws.sagemaker.send(
    new DescribeTrialComponentCommand({ TrialComponentName: "preprocessing-1" }),
  );
  expect(described.InputArtifacts).toEqual({
    raw: { Value: "s3://bucket/raw/credit_card_default.csv", MediaType: "text/csv" },
  });
});

test("errors arrive as the SDK's modeled exceptions with AWS's codes and status", async () => {
  const missing = await aws.sagemaker
    .send(new DescribeExperimentCommand({ ExperimentName: "no-such-experiment" }))
    .catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(ResourceNotFound);
  expect((missing as ResourceNotFound).$metadata.httpStatusCode).toBe(400);
  expect((missing as Error).message).toMatch(
    /^Experiment 'arn:aws:sagemaker:[a-z0-9-]+:\d{12}:experiment\/no-such-experiment' does not exist\.$/,
  );

  await aws.sagemaker.send(new CreateExperimentCommand({ ExperimentName: "busy" }));
  await aws.sagemaker.send(
    new CreateTrialCommand({ TrialName: "busy-trial", ExperimentName: "busy" }),
  );
  const inUse = await failure(
    aws.sagemaker.send(new DeleteExperimentCommand({ ExperimentName: "busy" })),
  );
  expect(inUse.name).toBe("ValidationException");
  expect(inUse.$metadata.httpStatusCode).toBe(400);
  expect(inUse.message).toContain("must be deleted first");

  const invalid = await failure(
    aws.sagemaker.send(new CreateExperimentCommand({ ExperimentName: "under_score" })),
  );
  expect(invalid.name).toBe("ValidationException");
  expect(invalid.message).toBe(
    "1 validation error detected: Value 'under_score' at 'experimentName' failed to satisfy " +
      "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}",
  );
});
