/** CreateEndpointConfig / DescribeEndpointConfig / ListEndpointConfigs / DeleteEndpointConfig. */
import type {
  CreateEndpointConfigCommandInput,
  CreateEndpointConfigCommandOutput,
  DeleteEndpointConfigCommandInput,
  DeleteEndpointConfigCommandOutput,
  DescribeEndpointConfigCommandInput,
  DescribeEndpointConfigCommandOutput,
  ListEndpointConfigsCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError, type ServiceContext } from "../../context";
import { sageMakerArn } from "../arn";
import { modelNotFound } from "../errors";
import { SageMakerStore } from "../store";
import { PATTERNS, validateTags, Validator } from "../validation";
import { epochSeconds, type In, type Out } from "../wire";
import { validateDataCaptureConfig } from "./captureConfig";
import {
  ENDPOINT_NAME,
  endpointConfigArn,
  endpointConfigNotFound,
  EndpointStore,
  type EndpointConfigDoc,
} from "./docs";
import { listCommon } from "../commonListing";

const CONFIG_NAME = { ...ENDPOINT_NAME, min: 1 };

/** Float members with a minimum (the shared Validator checks integers only), AWS's wording. */
export function requireNonNegative(value: number | undefined, memberPath: string): void {
  if (value !== undefined && value < 0) {
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value '${value}' at '${memberPath}' failed to satisfy ` +
        "constraint: Member must have value greater than or equal to 0",
    );
  }
}

/** Features that change how an endpoint is invoked, which local endpoints do not offer. */
const UNSUPPORTED = [
  "AsyncInferenceConfig",
  "ShadowProductionVariants",
  "ExplainerConfig",
] as const;

function rejectUnsupported(raw: Record<string, unknown>): void {
  const used = UNSUPPORTED.filter((member) => raw[member] !== undefined && raw[member] !== null);
  if (used.length > 0) {
    throw new AwsError(
      "ValidationException",
      `The local emulator does not support ${used.join(", ")} in endpoint configs; it serves ` +
        "real-time endpoints (ProductionVariants, DataCaptureConfig). Remove them, or use AWS.",
    );
  }
}

export function getEndpointConfig(ctx: ServiceContext, name: string): EndpointConfigDoc {
  const doc = new EndpointStore(ctx).get("sagemaker-endpoint-config", name);
  if (!doc) throw endpointConfigNotFound(endpointConfigArn(ctx, name));
  return doc;
}

function validateVariant(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  v.requiredString(value.VariantName, `${path}.VariantName`, ENDPOINT_NAME);
  v.string(value.ModelName, `${path}.ModelName`, { max: 63, pattern: PATTERNS.modelName });
  v.integer(value.InitialInstanceCount, `${path}.InitialInstanceCount`, { min: 1 });
  v.string(value.InstanceType, `${path}.InstanceType`, { pattern: "^ml\\.[a-z0-9]+\\.[a-z0-9]+$" });
  v.number(value.InitialVariantWeight, `${path}.InitialVariantWeight`);
  v.string(value.AcceleratorType, `${path}.AcceleratorType`);
}

export function createEndpointConfig(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<CreateEndpointConfigCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointConfigName, "EndpointConfigName", CONFIG_NAME);
  if (v.required(raw.ProductionVariants, "ProductionVariants")) {
    if (v.list(raw.ProductionVariants, "ProductionVariants", { min: 1, max: 10 })) {
      raw.ProductionVariants.forEach((variant, i) =>
        validateVariant(v, variant, `ProductionVariants.${i + 1}`),
      );
    }
  }
  validateDataCaptureConfig(v, raw.DataCaptureConfig, "DataCaptureConfig");
  v.string(raw.KmsKeyId, "KmsKeyId", { max: 2048, pattern: PATTERNS.kmsKeyId });
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateEndpointConfigCommandInput>;
  input.ProductionVariants!.forEach((variant, i) =>
    requireNonNegative(
      variant.InitialVariantWeight,
      `productionVariants.${i + 1}.initialVariantWeight`,
    ),
  );
  rejectUnsupported(raw);
  const name = input.EndpointConfigName!;
  const arn = endpointConfigArn(ctx, name);
  const store = new EndpointStore(ctx);
  if (store.get("sagemaker-endpoint-config", name)) {
    throw new AwsError(
      "ValidationException",
      `Cannot create already existing endpoint configuration "${arn}".`,
    );
  }
  const variants = input.ProductionVariants!;
  const seen = new Set<string>();
  for (const variant of variants) {
    if (seen.has(variant.VariantName!)) {
      throw new AwsError(
        "ValidationException",
        `The production variant name ${variant.VariantName} is used more than once in ` +
          "ProductionVariants: each variant of an endpoint config needs its own name.",
      );
    }
    seen.add(variant.VariantName!);
    if (variant.ServerlessConfig === undefined) {
      if (variant.InstanceType === undefined || variant.InitialInstanceCount === undefined) {
        throw new AwsError(
          "ValidationException",
          `Production variant ${variant.VariantName} needs InstanceType and InitialInstanceCount ` +
            "(or a ServerlessConfig).",
        );
      }
    }
    if (!variant.ModelName) {
      throw new AwsError(
        "ValidationException",
        `Production variant ${variant.VariantName} needs a ModelName.`,
      );
    }
    const models = new SageMakerStore(ctx.state);
    if (!models.get("sagemaker-model", variant.ModelName)) {
      throw modelNotFound(sageMakerArn(ctx, "model", variant.ModelName));
    }
  }
  store.put("sagemaker-endpoint-config", name, {
    config: {
      EndpointConfigName: name,
      EndpointConfigArn: arn,
      // AWS echoes the variants with the default weight filled in.
      ProductionVariants: variants.map((variant) => ({
        ...variant,
        InitialVariantWeight: variant.InitialVariantWeight ?? 1,
      })),
      DataCaptureConfig: input.DataCaptureConfig,
      KmsKeyId: input.KmsKeyId,
      CreationTime: epochSeconds(ctx.clock.now()),
    },
    tags: input.Tags ?? [],
  });
  return { EndpointConfigArn: arn };
}

export function describeEndpointConfig(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<DescribeEndpointConfigCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointConfigName, "EndpointConfigName", CONFIG_NAME);
  v.done();
  return getEndpointConfig(ctx, (raw as In<DescribeEndpointConfigCommandInput>).EndpointConfigName!)
    .config;
}

export function listEndpointConfigs(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<ListEndpointConfigsCommandOutput> {
  const v = new Validator();
  const { page, nextToken } = listCommon(
    v,
    raw,
    new EndpointStore(ctx).list("sagemaker-endpoint-config").map((d) => d.config),
    {
      name: (c) => c.EndpointConfigName,
      creationTime: (c) => c.CreationTime,
      defaultSortOrder: "Descending",
    },
  );
  return {
    EndpointConfigs: page.map((c) => ({
      EndpointConfigName: c.EndpointConfigName,
      EndpointConfigArn: c.EndpointConfigArn,
      CreationTime: c.CreationTime,
    })),
    NextToken: nextToken,
  };
}

/** AWS lets a config be deleted while endpoints use it; they keep serving what they deployed. */
export function deleteEndpointConfig(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<DeleteEndpointConfigCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointConfigName, "EndpointConfigName", CONFIG_NAME);
  v.done();
  const doc = getEndpointConfig(
    ctx,
    (raw as In<DeleteEndpointConfigCommandInput>).EndpointConfigName!,
  );
  new EndpointStore(ctx).delete("sagemaker-endpoint-config", doc.config.EndpointConfigName!);
  return {};
}
