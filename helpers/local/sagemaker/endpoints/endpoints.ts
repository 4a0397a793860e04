/**
 * CreateEndpoint / DescribeEndpoint / ListEndpoints / UpdateEndpoint /
 * UpdateEndpointWeightsAndCapacities / DeleteEndpoint. Handlers validate, write the transitional
 * status and return; ./lifecycle.ts loads the hosts in the background.
 */
import type {
  CreateEndpointCommandInput,
  CreateEndpointCommandOutput,
  DeleteEndpointCommandInput,
  DeleteEndpointCommandOutput,
  DescribeEndpointCommandInput,
  DescribeEndpointCommandOutput,
  ListEndpointsCommandOutput,
  UpdateEndpointCommandInput,
  UpdateEndpointCommandOutput,
  UpdateEndpointWeightsAndCapacitiesCommandInput,
  UpdateEndpointWeightsAndCapacitiesCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { AwsError, type ServiceContext } from "../../context";
import { endpointRuntime } from "../../runtime/hosts";
import { validateTags, Validator } from "../validation";
import { epochSeconds, type In, type Out } from "../wire";
import { captureSummary } from "./captureConfig";
import {
  ENDPOINT_NAME,
  endpointArn,
  endpointNotFound,
  EndpointStore,
  type EndpointDoc,
} from "./docs";
import { getEndpointConfig, requireNonNegative } from "./endpointConfigs";
import { cancelLifecycle, deployEndpoint, updateEndpoint as runUpdate } from "./lifecycle";
import { listCommon } from "../commonListing";

const NAME = { ...ENDPOINT_NAME, min: 1 };
const STATUSES = [
  "OutOfService",
  "Creating",
  "Updating",
  "SystemUpdating",
  "RollingBack",
  "InService",
  "Deleting",
  "Failed",
  "UpdateRollbackFailed",
];

function getEndpoint(ctx: ServiceContext, name: string): EndpointDoc {
  const doc = new EndpointStore(ctx).get("sagemaker-endpoint", name);
  if (!doc) throw endpointNotFound(endpointArn(ctx, name));
  return doc;
}

/** Runs lifecycle work after the handler has answered (the SDK sees Creating/Updating first). */
function inBackground(work: () => Promise<void>): void {
  setImmediate(() => {
    work().catch((error: unknown) => {
      // Only a bug or a broken workspace gets here (outcomes are recorded on the endpoint).
      process.stderr.write(`endpoint lifecycle: ${String(error)}\n`);
    });
  });
}

export function createEndpoint(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<CreateEndpointCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointName, "EndpointName", NAME);
  v.requiredString(raw.EndpointConfigName, "EndpointConfigName", NAME);
  validateTags(v, raw.Tags);
  v.done();
  const input = raw as In<CreateEndpointCommandInput>;
  const name = input.EndpointName!;
  const arn = endpointArn(ctx, name);
  const store = new EndpointStore(ctx);
  if (store.get("sagemaker-endpoint", name)) {
    throw new AwsError("ValidationException", `Cannot create already existing endpoint "${arn}".`);
  }
  const config = getEndpointConfig(ctx, input.EndpointConfigName!).config;
  const now = epochSeconds(ctx.clock.now());
  store.put("sagemaker-endpoint", name, {
    endpoint: {
      EndpointName: name,
      EndpointArn: arn,
      EndpointConfigName: config.EndpointConfigName,
      DataCaptureConfig: config.DataCaptureConfig
        ? captureSummary(config.DataCaptureConfig)
        : undefined,
      EndpointStatus: "Creating",
      CreationTime: now,
      LastModifiedTime: now,
    },
    tags: input.Tags ?? [],
    config,
  });
  const hosts = endpointRuntime(ctx);
  inBackground(() => deployEndpoint(ctx, hosts, name));
  return { EndpointArn: arn };
}

export function describeEndpoint(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<DescribeEndpointCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointName, "EndpointName", NAME);
  v.done();
  return getEndpoint(ctx, (raw as In<DescribeEndpointCommandInput>).EndpointName!).endpoint;
}

export function listEndpoints(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<ListEndpointsCommandOutput> {
  const v = new Validator();
  const { page, nextToken } = listCommon(
    v,
    raw,
    new EndpointStore(ctx).list("sagemaker-endpoint").map((d) => d.endpoint),
    {
      name: (e) => e.EndpointName,
      status: { of: (e) => e.EndpointStatus, values: STATUSES },
      creationTime: (e) => e.CreationTime,
      lastModifiedTime: (e) => e.LastModifiedTime,
      defaultSortOrder: "Descending",
    },
  );
  return {
    Endpoints: page.map((e) => ({
      EndpointName: e.EndpointName,
      EndpointArn: e.EndpointArn,
      CreationTime: e.CreationTime,
      LastModifiedTime: e.LastModifiedTime,
      EndpointStatus: e.EndpointStatus,
    })),
    NextToken: nextToken,
  };
}

function requireInService(ctx: ServiceContext, doc: EndpointDoc): void {
  if (doc.endpoint.EndpointStatus !== "InService") {
    throw new AwsError(
      "ValidationException",
      `Cannot update in-progress endpoint "${endpointArn(ctx, doc.endpoint.EndpointName!)}".`,
    );
  }
}

export function updateEndpoint(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<UpdateEndpointCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointName, "EndpointName", NAME);
  v.requiredString(raw.EndpointConfigName, "EndpointConfigName", NAME);
  v.boolean(raw.RetainAllVariantProperties, "RetainAllVariantProperties");
  v.boolean(raw.RetainDeploymentConfig, "RetainDeploymentConfig");
  v.done();
  const input = raw as In<UpdateEndpointCommandInput>;
  const doc = getEndpoint(ctx, input.EndpointName!);
  requireInService(ctx, doc);
  const config = getEndpointConfig(ctx, input.EndpointConfigName!).config;
  const name = doc.endpoint.EndpointName!;
  doc.endpoint.EndpointStatus = "Updating";
  doc.endpoint.LastModifiedTime = epochSeconds(ctx.clock.now());
  doc.endpoint.PendingDeploymentSummary = {
    EndpointConfigName: config.EndpointConfigName,
    StartTime: doc.endpoint.LastModifiedTime,
  };
  delete doc.endpoint.FailureReason;
  doc.pendingConfig = config;
  doc.retainVariantProperties = input.RetainAllVariantProperties ?? false;
  new EndpointStore(ctx).put("sagemaker-endpoint", name, doc);
  const hosts = endpointRuntime(ctx);
  inBackground(() => runUpdate(ctx, hosts, name));
  return { EndpointArn: doc.endpoint.EndpointArn };
}

export function updateEndpointWeightsAndCapacities(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Out<UpdateEndpointWeightsAndCapacitiesCommandOutput> {
  const v = new Validator();
  v.requiredString(raw.EndpointName, "EndpointName", NAME);
  if (v.required(raw.DesiredWeightsAndCapacities, "DesiredWeightsAndCapacities")) {
    if (
      v.list(raw.DesiredWeightsAndCapacities, "DesiredWeightsAndCapacities", { min: 1, max: 10 })
    ) {
      raw.DesiredWeightsAndCapacities.forEach((item, i) => {
        const at = `DesiredWeightsAndCapacities.${i + 1}`;
        if (!v.object(item, at)) return;
        v.requiredString(item.VariantName, `${at}.VariantName`, NAME);
        v.number(item.DesiredWeight, `${at}.DesiredWeight`);
        v.integer(item.DesiredInstanceCount, `${at}.DesiredInstanceCount`, { min: 0 });
      });
    }
  }
  v.done();
  const input = raw as In<UpdateEndpointWeightsAndCapacitiesCommandInput>;
  input.DesiredWeightsAndCapacities!.forEach((item, i) =>
    requireNonNegative(item.DesiredWeight, `desiredWeightsAndCapacities.${i + 1}.desiredWeight`),
  );
  const doc = getEndpoint(ctx, input.EndpointName!);
  requireInService(ctx, doc);
  const variants = doc.endpoint.ProductionVariants ?? [];
  const changes = input.DesiredWeightsAndCapacities!;
  const unknown = changes
    .map((c) => c.VariantName!)
    .filter((name) => !variants.some((variant) => variant.VariantName === name));
  if (unknown.length > 0) {
    throw new AwsError(
      "ValidationException",
      `The variant(s) "[${unknown.join(", ")}]" are not present in endpoint "${doc.endpoint.EndpointArn}". ` +
        `Its variants are: ${variants.map((variant) => variant.VariantName).join(", ")}.`,
    );
  }
  for (const change of changes) {
    const variant = variants.find((candidate) => candidate.VariantName === change.VariantName)!;
    variant.DesiredWeight = change.DesiredWeight ?? variant.DesiredWeight;
    variant.DesiredInstanceCount = change.DesiredInstanceCount ?? variant.DesiredInstanceCount;
  }
  const name = doc.endpoint.EndpointName!;
  doc.endpoint.EndpointStatus = "Updating";
  doc.endpoint.LastModifiedTime = epochSeconds(ctx.clock.now());
  const store = new EndpointStore(ctx);
  store.put("sagemaker-endpoint", name, doc);
  const hosts = endpointRuntime(ctx);
  inBackground(async () => {
    // Weights apply without new hosts: the serving variants switch at once, then InService.
    const current = store.get("sagemaker-endpoint", name);
    if (!current || current.endpoint.EndpointStatus !== "Updating") return;
    const updated = current.endpoint.ProductionVariants ?? [];
    hosts.setWeights(
      name,
      updated.map((variant) => ({
        variantName: variant.VariantName!,
        weight: variant.DesiredWeight,
        instanceCount: variant.DesiredInstanceCount,
      })),
    );
    for (const variant of updated) {
      variant.CurrentWeight = variant.DesiredWeight;
      variant.CurrentInstanceCount = variant.DesiredInstanceCount;
    }
    current.endpoint.EndpointStatus = "InService";
    current.endpoint.LastModifiedTime = epochSeconds(ctx.clock.now());
    store.put("sagemaker-endpoint", name, current);
  });
  return { EndpointArn: doc.endpoint.EndpointArn };
}

/** Stops serving at once; what the endpoint captured is published before the call returns. */
export async function deleteEndpoint(
  ctx: ServiceContext,
  raw: Record<string, unknown>,
): Promise<Out<DeleteEndpointCommandOutput>> {
  const v = new Validator();
  v.requiredString(raw.EndpointName, "EndpointName", NAME);
  v.done();
  const doc = getEndpoint(ctx, (raw as In<DeleteEndpointCommandInput>).EndpointName!);
  const name = doc.endpoint.EndpointName!;
  const hosts = endpointRuntime(ctx);
  cancelLifecycle(hosts, name);
  hosts.deactivate(name);
  new EndpointStore(ctx).delete("sagemaker-endpoint", name);
  await hosts.capture.closeEndpoint(name);
  return {};
}
