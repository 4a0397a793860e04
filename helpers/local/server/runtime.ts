/**
 * The SageMaker Runtime seam: the edge decodes `POST /endpoints/{name}/invocations` (REST-JSON,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html) into
 * the SDK's own InvokeEndpointCommandInput and hands it to a RuntimeService; part 2 of the
 * emulator implements that service with model hosts and data capture.
 */
import type {
  InvokeEndpointCommandInput,
  InvokeEndpointCommandOutput,
} from "@aws-sdk/client-sagemaker-runtime";
import { AwsError, type ServiceContext } from "../context";

export type InvokeEndpointResult = Omit<InvokeEndpointCommandOutput, "$metadata">;

export interface RuntimeService {
  /**
   * Throws (or rejects with) AwsError (ValidationError, ModelError, ...); the edge encodes it as
   * REST-JSON. May answer synchronously: most invocations need no I/O, and each promise hop on
   * the hottest path of the emulator costs throughput.
   */
  invokeEndpoint(
    input: InvokeEndpointCommandInput,
  ): InvokeEndpointResult | Promise<InvokeEndpointResult>;
  close?(): Promise<void>;
}

/**
 * Whether a runtime step that usually answers synchronously (an invocation, an endpoint's
 * deployment) answered with a promise. By shape, not instanceof: promises made in another realm
 * (a jest or tslab sandbox) count.
 */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === "function";
}

/** SageMaker's limit on an InvokeEndpoint request payload (6 MB). */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Request headers of InvokeEndpoint -> input members (lower-case, as node exposes them). */
export const RUNTIME_INPUT_HEADERS = {
  "content-type": "ContentType",
  accept: "Accept",
  "x-amzn-sagemaker-custom-attributes": "CustomAttributes",
  "x-amzn-sagemaker-target-model": "TargetModel",
  "x-amzn-sagemaker-target-variant": "TargetVariant",
  "x-amzn-sagemaker-target-container-hostname": "TargetContainerHostname",
  "x-amzn-sagemaker-inference-id": "InferenceId",
  "x-amzn-sagemaker-enable-explanations": "EnableExplanations",
  "x-amzn-sagemaker-inference-component": "InferenceComponentName",
  "x-amzn-sagemaker-session-id": "SessionId",
} as const;

/** Until an endpoint host exists every endpoint is unknown, with SageMaker's own answer. */
export function createEndpointNotFoundRuntime(
  ctx: Pick<ServiceContext, "accountId">,
): RuntimeService {
  return {
    async invokeEndpoint(input) {
      throw new AwsError(
        "ValidationError",
        `Endpoint ${input.EndpointName} of account ${ctx.accountId} not found.`,
        400,
      );
    },
  };
}
