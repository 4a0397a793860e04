/**
 * Endpoint lifecycle: Creating -> InService | Failed, Updating -> InService (the old hosts serve
 * until the new ones are loaded, then one switch: no request is dropped), and the restore of
 * every endpoint after the emulator restarts.
 *
 * Loading happens off the request path: handlers write the transitional status and return; the
 * work here finishes later and records the outcome. A token per endpoint makes a stale outcome
 * (the endpoint was deleted or updated again meanwhile) a no-op.
 */
import { createHash } from "node:crypto";
import type { ProductionVariantSummary } from "@aws-sdk/client-sagemaker";
import { parseS3Uri, type ServiceContext } from "../../context";
import { parseLocalTrainingImage } from "../../jobs/trainingImage";
import type { Deployment, EndpointRuntime, VariantHost } from "../../runtime/hosts";
import { sageMakerArn } from "../arn";
import { SageMakerStore } from "../store";
import { epochSeconds, type Wire } from "../wire";
import { captureSettings, captureSummary } from "./captureConfig";
import { EndpointStore, type EndpointConfig, type EndpointDoc } from "./docs";

type VariantSummary = Wire<ProductionVariantSummary>;

/** Why a deployment failed, in the words DescribeEndpoint's FailureReason uses. */
export class DeploymentFailure extends Error {}

const tokens = new WeakMap<EndpointRuntime, Map<string, object>>();

function newToken(hosts: EndpointRuntime, name: string): object {
  let map = tokens.get(hosts);
  if (!map) tokens.set(hosts, (map = new Map()));
  const token = {};
  map.set(name.toLowerCase(), token);
  return token;
}

function isCurrent(hosts: EndpointRuntime, name: string, token: object): boolean {
  return tokens.get(hosts)?.get(name.toLowerCase()) === token;
}

/** Forgets the endpoint's in-flight work (DeleteEndpoint). */
export function cancelLifecycle(hosts: EndpointRuntime, name: string): void {
  newToken(hosts, name);
}

/**
 * The image SageMaker records as deployed: the specified tag resolved to a digest. Locally there
 * is no registry to resolve against, so the digest is derived from the image URI (stable).
 */
function resolvedImage(image: string): string {
  const digest = createHash("sha256").update(image).digest("hex");
  return `${image.replace(/:[^:/]+$/, "")}@sha256:${digest}`;
}

async function loadVariant(
  ctx: ServiceContext,
  hosts: EndpointRuntime,
  variant: NonNullable<EndpointConfig["ProductionVariants"]>[number],
): Promise<{ host: VariantHost; image: string }> {
  const variantName = variant.VariantName!;
  const modelName = variant.ModelName!;
  const model = new SageMakerStore(ctx.state).get("sagemaker-model", modelName)?.model;
  if (!model) {
    throw new DeploymentFailure(
      `Could not find model "${sageMakerArn(ctx, "model", modelName)}" for production variant ${variantName}.`,
    );
  }
  const containers = model.PrimaryContainer ? [model.PrimaryContainer] : (model.Containers ?? []);
  if (containers.length !== 1) {
    throw new DeploymentFailure(
      `Model ${modelName} has ${containers.length} containers; the local emulator serves single-container models only.`,
    );
  }
  const image = containers[0].Image ?? "";
  if (!parseLocalTrainingImage(image)) {
    throw new DeploymentFailure(
      `The local emulator cannot serve image '${image}' of model ${modelName}: it serves SageMaker's built-in ` +
        "XGBoost image <account>.dkr.ecr.<region>.amazonaws.com/sagemaker-xgboost:<version> (1.3-1 to 1.7-1).",
    );
  }
  const url = containers[0].ModelDataUrl ?? "";
  const downloadFailure = new DeploymentFailure(
    `Failed to download model data for container "container_1" from URL: "${url}". Please ensure that there ` +
      "is an object located at the URL and that the role passed to CreateModel has permissions to download the object.",
  );
  let location: { bucket: string; key: string };
  try {
    location = parseS3Uri(url);
  } catch {
    throw downloadFailure;
  }
  const head = ctx.objects.bucketExists(location.bucket)
    ? ctx.objects.headObject(location.bucket, location.key)
    : undefined;
  if (!head) throw downloadFailure;
  try {
    const served = await hosts.model(`${location.bucket}/${location.key}@${head.etag}`, () =>
      ctx.objects.getObjectBuffer(location.bucket, location.key),
    );
    return {
      host: {
        variantName,
        modelName,
        model: served,
        weight: variant.InitialVariantWeight ?? 1,
        instanceCount: variant.InitialInstanceCount ?? 1,
      },
      image,
    };
  } catch (error) {
    throw new DeploymentFailure(
      `The primary container for production variant ${variantName} did not pass the ping health check. ` +
        `Please check CloudWatch logs for this endpoint. (Local emulator: ${(error as Error).message})`,
    );
  }
}

/** Loads every variant of a config; `current` keeps weights and counts already in effect. */
export async function buildDeployment(
  ctx: ServiceContext,
  hosts: EndpointRuntime,
  endpointName: string,
  config: EndpointConfig,
  current?: VariantSummary[],
): Promise<{ deployment: Deployment; variants: VariantSummary[] }> {
  const loaded = await Promise.all(
    (config.ProductionVariants ?? []).map((variant) => loadVariant(ctx, hosts, variant)),
  );
  const now = epochSeconds(ctx.clock.now());
  const variants = loaded.map(({ host, image }) => {
    const kept = current?.find((v) => v.VariantName === host.variantName);
    host.weight = kept?.CurrentWeight ?? host.weight;
    host.instanceCount = kept?.CurrentInstanceCount ?? host.instanceCount;
    const summary: VariantSummary = {
      VariantName: host.variantName,
      DeployedImages: [
        { SpecifiedImage: image, ResolvedImage: resolvedImage(image), ResolutionTime: now },
      ],
      CurrentWeight: host.weight,
      DesiredWeight: host.weight,
      CurrentInstanceCount: host.instanceCount,
      DesiredInstanceCount: host.instanceCount,
    };
    return summary;
  });
  return {
    deployment: {
      endpointName,
      configName: config.EndpointConfigName!,
      variants: loaded.map((l) => l.host),
      capture: config.DataCaptureConfig ? captureSettings(config.DataCaptureConfig) : undefined,
    },
    variants,
  };
}

function store(ctx: ServiceContext): EndpointStore {
  return new EndpointStore(ctx);
}

function save(ctx: ServiceContext, name: string, change: (doc: EndpointDoc) => void): void {
  const doc = store(ctx).get("sagemaker-endpoint", name);
  if (!doc) return;
  change(doc);
  doc.endpoint.LastModifiedTime = epochSeconds(ctx.clock.now());
  store(ctx).put("sagemaker-endpoint", name, doc);
}

/** Creating -> InService | Failed. */
export async function deployEndpoint(
  ctx: ServiceContext,
  hosts: EndpointRuntime,
  name: string,
): Promise<void> {
  const token = newToken(hosts, name);
  const doc = store(ctx).get("sagemaker-endpoint", name);
  if (!doc) return;
  try {
    const built = await buildDeployment(ctx, hosts, doc.endpoint.EndpointName!, doc.config);
    if (!isCurrent(hosts, name, token)) return;
    hosts.activate(built.deployment);
    save(ctx, name, (d) => {
      d.endpoint.EndpointStatus = "InService";
      d.endpoint.ProductionVariants = built.variants;
      delete d.endpoint.FailureReason;
    });
  } catch (error) {
    if (!isCurrent(hosts, name, token)) return;
    save(ctx, name, (d) => {
      d.endpoint.EndpointStatus = "Failed";
      d.endpoint.FailureReason = failureReason(error);
    });
  }
}

function failureReason(error: unknown): string {
  const message =
    error instanceof DeploymentFailure ? error.message : `Internal error: ${String(error)}`;
  return message.length > 1024 ? message.slice(0, 1021) + "..." : message;
}

/**
 * Updating -> InService with the pending config. The old hosts keep serving while the new ones
 * load; `activate` then switches in one step. A failed update rolls back: the endpoint stays
 * InService on the old config and FailureReason says why, as on AWS.
 */
export async function updateEndpoint(
  ctx: ServiceContext,
  hosts: EndpointRuntime,
  name: string,
): Promise<void> {
  const token = newToken(hosts, name);
  const doc = store(ctx).get("sagemaker-endpoint", name);
  if (!doc?.pendingConfig) return;
  const pending = doc.pendingConfig;
  try {
    const built = await buildDeployment(
      ctx,
      hosts,
      doc.endpoint.EndpointName!,
      pending,
      doc.retainVariantProperties ? doc.endpoint.ProductionVariants : undefined,
    );
    if (!isCurrent(hosts, name, token)) return;
    hosts.activate(built.deployment);
    save(ctx, name, (d) => {
      d.endpoint.EndpointStatus = "InService";
      d.endpoint.EndpointConfigName = pending.EndpointConfigName;
      d.endpoint.ProductionVariants = built.variants;
      d.endpoint.DataCaptureConfig = pending.DataCaptureConfig
        ? captureSummary(pending.DataCaptureConfig)
        : undefined;
      d.config = pending;
      delete d.pendingConfig;
      delete d.retainVariantProperties;
      delete d.endpoint.PendingDeploymentSummary;
      delete d.endpoint.FailureReason;
    });
    // What the old config captured goes out now, in files of their own.
    await hosts.capture.closeEndpoint(doc.endpoint.EndpointName!);
  } catch (error) {
    if (!isCurrent(hosts, name, token)) return;
    save(ctx, name, (d) => {
      d.endpoint.EndpointStatus = "InService";
      d.endpoint.FailureReason = failureReason(error);
      delete d.pendingConfig;
      delete d.retainVariantProperties;
      delete d.endpoint.PendingDeploymentSummary;
    });
  }
}

/**
 * After a restart: endpoints that were serving serve again (invocations wait for their hosts),
 * interrupted creations and updates are resumed, interrupted deletions finished.
 */
export function restoreEndpoints(ctx: ServiceContext, hosts: EndpointRuntime): Promise<void> {
  const work: Promise<unknown>[] = [];
  for (const doc of store(ctx).list("sagemaker-endpoint")) {
    const name = doc.endpoint.EndpointName!;
    const status = doc.endpoint.EndpointStatus;
    if (status === "Creating") {
      const creating = deployEndpoint(ctx, hosts, name);
      hosts.restore(name, creating);
      work.push(creating);
    } else if (status === "Deleting") {
      store(ctx).delete("sagemaker-endpoint", name);
    } else if (status !== "Failed" && status !== "OutOfService") {
      const token = newToken(hosts, name);
      const serving = buildDeployment(ctx, hosts, name, doc.config, doc.endpoint.ProductionVariants)
        .then((built) => {
          if (isCurrent(hosts, name, token)) hosts.activate(built.deployment);
        })
        .catch((error: unknown) => {
          if (!isCurrent(hosts, name, token)) return;
          save(ctx, name, (d) => {
            d.endpoint.EndpointStatus = "Failed";
            d.endpoint.FailureReason = failureReason(error);
          });
        });
      hosts.restore(name, serving);
      work.push(
        status === "Updating" && doc.pendingConfig
          ? serving.then(() => updateEndpoint(ctx, hosts, name))
          : serving,
      );
    }
  }
  return Promise.all(work).then(
    () => undefined,
    (error: unknown) => {
      // Outcomes are recorded on the endpoints; only a broken workspace gets here.
      process.stderr.write(`endpoint restore: ${String(error)}\n`);
    },
  );
}
