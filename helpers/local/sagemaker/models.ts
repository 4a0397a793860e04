/** CreateModel / DescribeModel / ListModels / DeleteModel. */
import type {
  CreateModelCommandInput,
  CreateModelCommandOutput,
  DeleteModelCommandInput,
  DeleteModelCommandOutput,
  DescribeModelCommandInput,
  DescribeModelCommandOutput,
  ListModelsCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError, parseS3Uri } from "../context";
import { sageMakerArn } from "./arn";
import { modelNotFound } from "./errors";
import type { ModelDoc, SageMakerContext } from "./store";
import { PATTERNS, validateTags, Validator } from "./validation";
import { epochSeconds, type In, type Out } from "./wire";
import { listCommon } from "./commonListing";

const MODEL_NAME = { min: 1, max: 63, pattern: PATTERNS.modelName };

export function getModel(ctx: SageMakerContext, name: string): ModelDoc {
  const doc = ctx.store.get("sagemaker-model", name);
  if (!doc) throw modelNotFound(sageMakerArn(ctx, "model", name));
  return doc;
}

function validateContainer(v: Validator, c: unknown, path: string): void {
  if (!v.object(c, path)) return;
  v.string(c.ContainerHostname, `${path}.ContainerHostname`, {
    max: 63,
    pattern: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
  });
  v.string(c.Image, `${path}.Image`, { max: 255, pattern: "[\\S]+" });
  v.oneOf(c.Mode, `${path}.Mode`, ["SingleModel", "MultiModel"]);
  v.string(c.ModelDataUrl, `${path}.ModelDataUrl`, { max: 1024, pattern: PATTERNS.s3Uri });
  v.string(c.ModelPackageName, `${path}.ModelPackageName`, { min: 1, max: 176 });
  if (v.map(c.Environment, `${path}.Environment`, { max: 100 })) {
    for (const [key, value] of Object.entries(c.Environment)) {
      v.string(key, `${path}.Environment.key`, { max: 1024, pattern: "[a-zA-Z_][a-zA-Z0-9_]*" });
      v.string(value, `${path}.Environment.${key}`, { max: 1024 });
    }
  }
  if (c.Image === undefined && c.ModelPackageName === undefined) {
    v.required(undefined, `${path}.Image`);
  }
}

function validateVpcConfig(v: Validator, value: unknown): void {
  if (!v.object(value, "VpcConfig")) return;
  if (v.required(value.SecurityGroupIds, "VpcConfig.SecurityGroupIds")) {
    v.list(value.SecurityGroupIds, "VpcConfig.SecurityGroupIds", { min: 1, max: 5 });
  }
  if (v.required(value.Subnets, "VpcConfig.Subnets")) {
    v.list(value.Subnets, "VpcConfig.Subnets", { min: 1, max: 16 });
  }
}

export { validateVpcConfig };

/**
 * AWS checks at CreateModel that the artifact can be read ("Could not find model data at ...");
 * doing the same here surfaces a wrong S3 path at CreateModel instead of at deployment.
 */
function checkModelData(ctx: SageMakerContext, url: string | undefined): void {
  if (!url || !url.startsWith("s3://")) return;
  const { bucket, key } = parseS3Uri(url);
  if (!ctx.objects.bucketExists(bucket) || !ctx.objects.headObject(bucket, key)) {
    throw new AwsError("ValidationException", `Could not find model data at ${url}.`);
  }
}

export function createModel(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<CreateModelCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ModelName, "ModelName", MODEL_NAME);
  validateContainer(v, raw.PrimaryContainer, "PrimaryContainer");
  if (v.list(raw.Containers, "Containers", { max: 15 })) {
    raw.Containers.forEach((c, i) => validateContainer(v, c, `Containers.${i + 1}`));
  }
  v.string(raw.ExecutionRoleArn, "ExecutionRoleArn", {
    min: 20,
    max: 2048,
    pattern: PATTERNS.roleArn,
  });
  if (v.object(raw.InferenceExecutionConfig, "InferenceExecutionConfig")) {
    v.oneOf(raw.InferenceExecutionConfig.Mode, "InferenceExecutionConfig.Mode", [
      "Serial",
      "Direct",
    ]);
  }
  validateVpcConfig(v, raw.VpcConfig);
  v.boolean(raw.EnableNetworkIsolation, "EnableNetworkIsolation");
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateModelCommandInput>;
  if (!input.PrimaryContainer === !input.Containers) {
    throw new AwsError(
      "ValidationException",
      "Exactly one of PrimaryContainer or Containers must be specified: use PrimaryContainer for one " +
        "container, Containers for an inference pipeline.",
    );
  }
  const name = input.ModelName!;
  const arn = sageMakerArn(ctx, "model", name);
  if (ctx.store.get("sagemaker-model", name)) {
    throw new AwsError("ValidationException", `Cannot create already existing model "${arn}".`);
  }
  for (const container of input.PrimaryContainer ? [input.PrimaryContainer] : input.Containers!) {
    checkModelData(ctx, container.ModelDataUrl);
  }
  ctx.store.put("sagemaker-model", name, {
    model: {
      ModelName: name,
      PrimaryContainer: input.PrimaryContainer,
      Containers: input.Containers,
      InferenceExecutionConfig: input.InferenceExecutionConfig,
      ExecutionRoleArn: input.ExecutionRoleArn,
      VpcConfig: input.VpcConfig,
      CreationTime: epochSeconds(ctx.clock.now()),
      ModelArn: arn,
      EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
    },
    tags: input.Tags ?? [],
  });
  return { ModelArn: arn };
}

export function describeModel(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DescribeModelCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ModelName, "ModelName", MODEL_NAME);
  v.done();
  return getModel(ctx, (raw as In<DescribeModelCommandInput>).ModelName!).model;
}

export function listModels(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<ListModelsCommandOutput> {
  const v = new Validator();
  const { page, nextToken } = listCommon(
    v,
    raw,
    ctx.store.list("sagemaker-model").map((d) => d.model),
    {
      name: (m) => m.ModelName,
      creationTime: (m) => m.CreationTime,
      defaultSortOrder: "Descending",
    },
  );
  return {
    Models: page.map((m) => ({
      ModelName: m.ModelName,
      ModelArn: m.ModelArn,
      CreationTime: m.CreationTime,
    })),
    NextToken: nextToken,
  };
}

export function deleteModel(
  ctx: SageMakerContext,
  raw: Record<string, unknown>,
): Out<DeleteModelCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.ModelName, "ModelName", MODEL_NAME);
  v.done();
  const doc = getModel(ctx, (raw as In<DeleteModelCommandInput>).ModelName!);
  ctx.store.delete("sagemaker-model", doc.model.ModelName!);
  return {};
}
