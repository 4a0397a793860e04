/**
 * InvokeEndpoint (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html):
 * find the serving deployment, pick the variant (TargetVariant, else by weight), run the
 * container, capture the exchange (sampled, buffered: no I/O here), answer with the variant.
 *
 * Errors are SageMaker Runtime's: ValidationError (400) for the request, ModelError (424) when
 * the container answers an error, with the container's status and message in
 * OriginalStatusCode / OriginalMessage.
 */
import type { InvokeEndpointCommandInput } from "@aws-sdk/client-sagemaker-runtime";
import { AwsError, type ServiceContext } from "../context";
import {
  isPromise,
  MAX_INVOCATION_PAYLOAD_BYTES,
  type InvokeEndpointResult,
} from "../server/runtime";
import type { CaptureSettings } from "./capture/record";
import type { CaptureTarget } from "./capture/writer";
import { ContainerError, serveInvocation } from "./container";
import type { Deployment, EndpointRuntime, VariantHost } from "./hosts";

const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

function validationError(message: string, status = 400): AwsError {
  return new AwsError("ValidationError", message, status);
}

function memberError(value: string, member: string, constraint: string): AwsError {
  return validationError(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must ${constraint}`,
  );
}

function validateInput(input: InvokeEndpointCommandInput, body: Buffer): void {
  if (body.length > MAX_INVOCATION_PAYLOAD_BYTES) {
    throw validationError(
      `Request payload of ${body.length} bytes exceeds the maximum of ${MAX_INVOCATION_PAYLOAD_BYTES} bytes (6 MB) for InvokeEndpoint; send fewer rows per request.`,
      413,
    );
  }
  const id = input.InferenceId;
  if (id !== undefined) {
    if (id.length < 1 || id.length > 64) {
      throw memberError(id, "inferenceId", "have length between 1 and 64");
    }
    if (!/^\S[\x20-\x7e]*$/.test(id)) {
      throw memberError(
        id,
        "inferenceId",
        "satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z",
      );
    }
  }
  const attributes = input.CustomAttributes;
  if (attributes !== undefined) {
    if (attributes.length > 1024) {
      throw memberError(
        attributes.slice(0, 64) + "...",
        "customAttributes",
        "have length less than or equal to 1024",
      );
    }
    if (!/^[\x00-\x7f]*$/.test(attributes)) {
      throw memberError(
        attributes,
        "customAttributes",
        "satisfy regular expression pattern: \\p{ASCII}*",
      );
    }
  }
  if (input.TargetVariant !== undefined && !VARIANT_NAME.test(input.TargetVariant)) {
    throw memberError(
      input.TargetVariant,
      "targetVariant",
      `satisfy regular expression pattern: ${VARIANT_NAME.source}`,
    );
  }
}

/** TargetVariant when given; otherwise a weighted draw, as SageMaker splits traffic. */
export function chooseVariant(
  deployment: Deployment,
  target: string | undefined,
  random: () => number,
): VariantHost {
  if (target !== undefined) {
    const variant = deployment.variants.find((v) => v.variantName === target);
    if (!variant) {
      throw validationError(
        `Variant ${target} not found for endpoint ${deployment.endpointName}; its variants are ` +
          `${deployment.variants.map((v) => v.variantName).join(", ")}.`,
      );
    }
    return variant;
  }
  const total = deployment.variants.reduce((sum, v) => sum + Math.max(0, v.weight), 0);
  if (!(total > 0)) {
    throw validationError(
      `Endpoint ${deployment.endpointName} has no production variant with a positive weight; set ` +
        "weights with UpdateEndpointWeightsAndCapacities or name one with TargetVariant.",
    );
  }
  let draw = random() * total;
  for (const variant of deployment.variants) {
    draw -= Math.max(0, variant.weight);
    if (draw < 0) return variant;
  }
  return deployment.variants.filter((v) => v.weight > 0).slice(-1)[0];
}

function modelError(
  ctx: Pick<ServiceContext, "region" | "accountId">,
  endpointName: string,
  error: ContainerError,
): AwsError {
  const kind = error.status >= 500 ? "server" : "client";
  const logGroup = `/aws/sagemaker/Endpoints/${endpointName}`;
  const message =
    `Received ${kind} error (${error.status}) from primary with message "${error.message}". ` +
    `See https://${ctx.region}.console.aws.amazon.com/cloudwatch/home?region=${ctx.region}#logEventViewer:group=${logGroup} ` +
    `in account ${ctx.accountId} for more information.`;
  // OriginalStatusCode is an integer member of ModelError; the edge serializes `extra` with
  // JSON.stringify, so a number reaches the SDK as a number.
  const extra = {
    OriginalStatusCode: error.status as unknown as string,
    OriginalMessage: error.message,
    LogStreamArn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroup}`,
  };
  return new AwsError("ModelError", message, 424, extra);
}

/**
 * One capture target per serving variant (a variant host belongs to one deployment, whose capture
 * settings do not change), so the writer can recognise it without rebuilding its id.
 */
const captureTargets = new WeakMap<
  VariantHost,
  { capture: CaptureSettings; target: CaptureTarget }
>();

/** The request body as a Buffer, without copying the bytes. */
function asBuffer(body: InvokeEndpointCommandInput["Body"]): Buffer {
  if (body === undefined) return EMPTY;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  const bytes = body as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const EMPTY = Buffer.alloc(0);

/**
 * Answers synchronously unless the endpoint is still being restored after a restart: nothing on
 * the way (model, container, capture buffer) waits on I/O.
 */
export function invokeEndpoint(
  ctx: Pick<ServiceContext, "region" | "accountId" | "clock">,
  hosts: EndpointRuntime,
  input: InvokeEndpointCommandInput,
): InvokeEndpointResult | Promise<InvokeEndpointResult> {
  const endpointName = input.EndpointName ?? "";
  const body = asBuffer(input.Body);
  validateInput(input, body);
  const deployment = hosts.deployment(endpointName);
  return isPromise(deployment)
    ? deployment.then((restored) => serve(ctx, hosts, input, body, endpointName, restored))
    : serve(ctx, hosts, input, body, endpointName, deployment);
}

function serve(
  ctx: Pick<ServiceContext, "region" | "accountId" | "clock">,
  hosts: EndpointRuntime,
  input: InvokeEndpointCommandInput,
  body: Buffer,
  endpointName: string,
  deployment: Deployment | undefined,
): InvokeEndpointResult {
  if (!deployment) {
    throw validationError(`Endpoint ${endpointName} of account ${ctx.accountId} not found.`);
  }
  const variant = chooseVariant(deployment, input.TargetVariant, hosts.random);
  let answer;
  try {
    answer = serveInvocation(variant.model, body, input.ContentType, input.Accept);
  } catch (error) {
    if (error instanceof ContainerError) throw modelError(ctx, deployment.endpointName, error);
    throw error;
  }
  const capture = deployment.capture;
  // One uniform draw per invocation decides sampling (§1.1 [P]); 100 % never draws "no".
  if (capture?.enabled && hosts.random() * 100 < capture.samplingPercentage) {
    let cached = captureTargets.get(variant);
    if (cached?.capture !== capture || cached.target.endpoint !== deployment.endpointName) {
      cached = {
        capture,
        target: {
          bucket: capture.bucket,
          prefix: capture.prefix,
          endpoint: deployment.endpointName,
          variant: variant.variantName,
        },
      };
      captureTargets.set(variant, cached);
    }
    // Copied as it is: the flush worker writes the record's line and draws its event id.
    hosts.capture.appendInvocation(
      cached.target,
      {
        input: { body, contentType: input.ContentType },
        output: { body: answer.body, contentType: answer.contentType },
        inferenceId: input.InferenceId,
        customAttributes: input.CustomAttributes,
        time: ctx.clock.now(),
      },
      capture,
    );
  }
  return {
    // The edge sends these bytes as the HTTP body; the SDK's blob adapter exists only client-side.
    Body: answer.body as unknown as InvokeEndpointResult["Body"],
    ContentType: answer.contentType,
    InvokedProductionVariant: variant.variantName,
    CustomAttributes: input.CustomAttributes,
  };
}
