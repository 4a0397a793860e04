/**
 * Models and training-job listing through the real @aws-sdk/client-sagemaker against a started
 * emulator: shapes, Date deserialization, modeled errors, and the SDK's own paginator following
 * NextToken.
 */
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  DeleteModelCommand,
  DescribeModelCommand,
  ListModelsCommand,
  paginateListTrainingJobs,
  ResourceInUse,
} from "@aws-sdk/client-sagemaker";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

const ROLE = "arn:aws:iam::123456789012:role/SageMakerRole";
const IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

let aws: TestLocalAws;

beforeAll(async () => {
  aws = await startTestLocalAws();
  await aws.s3.send(new CreateBucketCommand({ Bucket: "models" }));
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: "models",
      Key: "job/output/model.tar.gz",
      Body: "not a real model",
    }),
  );
});

afterAll(async () => {
  await aws?.stop();
});

async function failure(
  call: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("the call succeeded but was expected to fail");
}

test("CreateModel / DescribeModel / ListModels / DeleteModel", async () => {
  const container = {
    Image: IMAGE,
    ModelDataUrl: "s3://models/job/output/model.tar.gz",
    Environment: { SAGEMAKER_PROGRAM: "inference" },
  };
  const { ModelArn } = await aws.sagemaker.send(
    new CreateModelCommand({
      ModelName: "credit-model",
      PrimaryContainer: container,
      ExecutionRoleArn: ROLE,
      EnableNetworkIsolation: true,
      VpcConfig: { SecurityGroupIds: ["sg-0123"], Subnets: ["subnet-0123"] },
      Tags: [{ Key: "lab", Value: "02" }],
    }),
  );
  expect(ModelArn).toMatch(/^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:model\/credit-model$/);
  const model = await aws.sagemaker.send(new DescribeModelCommand({ ModelName: "credit-model" }));
  expect(model).toMatchObject({
    ModelName: "credit-model",
    ModelArn,
    PrimaryContainer: container,
    ExecutionRoleArn: ROLE,
    EnableNetworkIsolation: true,
    VpcConfig: { SecurityGroupIds: ["sg-0123"], Subnets: ["subnet-0123"] },
  });
  expect(model.CreationTime).toBeInstanceOf(Date);
  expect(Math.abs(model.CreationTime!.getTime() - aws.emulator.clock.now().getTime())).toBeLessThan(
    60_000,
  );

  const listed = await aws.sagemaker.send(new ListModelsCommand({ NameContains: "credit" }));
  expect(listed.Models!.map((m) => m.ModelName)).toEqual(["credit-model"]);

  const duplicate = await failure(
    aws.sagemaker.send(
      new CreateModelCommand({
        ModelName: "credit-model",
        PrimaryContainer: container,
        ExecutionRoleArn: ROLE,
      }),
    ),
  );
  expect(duplicate.name).toBe("ValidationException");
  expect(duplicate.message).toBe(`Cannot create already existing model "${ModelArn}".`);

  await aws.sagemaker.send(new DeleteModelCommand({ ModelName: "credit-model" }));
  const gone = await failure(
    aws.sagemaker.send(new DescribeModelCommand({ ModelName: "credit-model" })),
  );
  expect(gone.name).toBe("ValidationException");
  expect(gone.$metadata.httpStatusCode).toBe(400);
  expect(gone.message).toBe(`Could not find model "${ModelArn}".`);
});

test("ListTrainingJobs pages with the SDK paginator; duplicate names are ResourceInUse", async () => {
  // Jobs with an image local mode does not run end at once, so listing them costs no training.
  const names = ["list-a", "list-b", "list-c", "list-d", "list-e"];
  for (const name of names) {
    await aws.sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: name,
        AlgorithmSpecification: {
          TrainingImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/custom:1",
          TrainingInputMode: "File",
        },
        RoleArn: ROLE,
        OutputDataConfig: { S3OutputPath: "s3://models/output" },
        ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      }),
    );
  }
  const seen: string[] = [];
  let pages = 0;
  for await (const page of paginateListTrainingJobs(
    { client: aws.sagemaker, pageSize: 2 },
    { NameContains: "list-", SortBy: "Name", SortOrder: "Descending" },
  )) {
    pages++;
    seen.push(...page.TrainingJobSummaries!.map((s) => s.TrainingJobName!));
  }
  expect(pages).toBe(3);
  expect(seen).toEqual([...names].reverse());

  const duplicate = await failure(
    aws.sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: "LIST-A",
        AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: "File" },
        RoleArn: ROLE,
        OutputDataConfig: { S3OutputPath: "s3://models/output" },
        ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      }),
    ),
  );
  expect(duplicate).toBeInstanceOf(ResourceInUse);
  expect(duplicate.message).toMatch(
    /a training job with this name already exists \(arn:aws:sagemaker:.*:training-job\/list-a\)$/,
  );
});
