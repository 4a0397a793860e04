/**
 * What a monitoring schedule needs to know about its endpoint: that it exists, where its data
 * capture goes (DataCaptureConfig.DestinationS3Uri) and its variants.
 *
 * Endpoints are another part of the SageMaker service (../endpoints). This reads their persisted
 * documents through the shared state store without depending on their module: kinds
 * `sagemaker-endpoint` and `sagemaker-endpoint-config`, holding DescribeEndpoint /
 * DescribeEndpointConfig shapes either at the top level or under one member (`endpoint`,
 * `config`, ...). The service wiring can pass its own lookup instead.
 */
import type { ServiceContext } from "../../context";

export interface EndpointCaptureInfo {
  endpointName: string;
  /** DataCaptureConfig.DestinationS3Uri, when capture is configured. */
  destinationS3Uri?: string;
  /** False when capture is configured but disabled (EnableCapture false / CaptureStatus Stopped). */
  captureEnabled: boolean;
  variants: string[];
}

/** Returns undefined when the endpoint does not exist. */
export type EndpointLookup = (endpointName: string) => EndpointCaptureInfo | undefined;

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The Describe shape inside a stored document: the document itself or its one nested member. */
function describeShape(doc: unknown, nameKey: string): Doc | undefined {
  if (!isObject(doc)) return undefined;
  if (nameKey in doc) return doc;
  for (const value of Object.values(doc)) {
    if (isObject(value) && nameKey in value) return value;
  }
  return undefined;
}

export function stateEndpointLookup(ctx: Pick<ServiceContext, "state">): EndpointLookup {
  return (endpointName) => {
    const endpoint = describeShape(
      ctx.state.get("sagemaker-endpoint", endpointName.toLowerCase()),
      "EndpointName",
    );
    if (!endpoint) return undefined;
    let capture = isObject(endpoint.DataCaptureConfig) ? endpoint.DataCaptureConfig : undefined;
    let variants = Array.isArray(endpoint.ProductionVariants) ? endpoint.ProductionVariants : [];
    const configName = endpoint.EndpointConfigName;
    if (typeof configName === "string" && (!capture?.DestinationS3Uri || variants.length === 0)) {
      const config = describeShape(
        ctx.state.get("sagemaker-endpoint-config", configName.toLowerCase()),
        "EndpointConfigName",
      );
      if (config && isObject(config.DataCaptureConfig) && !capture?.DestinationS3Uri) {
        capture = { ...config.DataCaptureConfig, ...(capture ?? {}) };
      }
      if (config && variants.length === 0 && Array.isArray(config.ProductionVariants)) {
        variants = config.ProductionVariants;
      }
    }
    const destination =
      capture && typeof capture.DestinationS3Uri === "string"
        ? capture.DestinationS3Uri
        : undefined;
    const enabled =
      capture !== undefined &&
      capture.EnableCapture !== false &&
      capture.CaptureStatus !== "Stopped";
    return {
      endpointName:
        typeof endpoint.EndpointName === "string" ? endpoint.EndpointName : endpointName,
      destinationS3Uri: destination,
      captureEnabled: enabled,
      variants: variants
        .map((v) => (isObject(v) && typeof v.VariantName === "string" ? v.VariantName : undefined))
        .filter((v): v is string => v !== undefined),
    };
  };
}
