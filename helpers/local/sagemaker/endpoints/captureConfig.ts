/**
 * DataCaptureConfig: validation as CreateEndpointConfig does it (botocore shapes,
 * model-monitor-formats.md §1.1), the settings the runtime captures with, and the summary
 * DescribeEndpoint shows.
 */
import type { DataCaptureConfig, DataCaptureConfigSummary } from "@aws-sdk/client-sagemaker";
import { AwsError } from "../../context";
import type { CaptureSettings } from "../../runtime/capture/record";
import { Validator } from "../validation";
import type { Wire } from "../wire";

const CONTENT_TYPE = "^[a-zA-Z0-9](-*[a-zA-Z0-9])*\\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*";
const DESTINATION = "^(https|s3)://([^/])/?(.*)$";

export function validateDataCaptureConfig(v: Validator, value: unknown, path: string): void {
  if (!v.object(value, path)) return;
  v.boolean(value.EnableCapture, `${path}.EnableCapture`);
  if (v.required(value.InitialSamplingPercentage, `${path}.InitialSamplingPercentage`)) {
    v.integer(value.InitialSamplingPercentage, `${path}.InitialSamplingPercentage`, {
      min: 0,
      max: 100,
    });
  }
  v.requiredString(value.DestinationS3Uri, `${path}.DestinationS3Uri`, {
    max: 512,
    pattern: DESTINATION,
  });
  v.string(value.KmsKeyId, `${path}.KmsKeyId`, { max: 2048, pattern: "^[a-zA-Z0-9:/_-]*$" });
  if (v.required(value.CaptureOptions, `${path}.CaptureOptions`)) {
    if (v.list(value.CaptureOptions, `${path}.CaptureOptions`, { min: 1, max: 32 })) {
      value.CaptureOptions.forEach((option, i) => {
        const at = `${path}.CaptureOptions.${i + 1}`;
        if (!v.object(option, at)) return;
        if (v.required(option.CaptureMode, `${at}.CaptureMode`)) {
          v.oneOf(option.CaptureMode, `${at}.CaptureMode`, ["Input", "Output", "InputAndOutput"]);
        }
      });
    }
  }
  const header = value.CaptureContentTypeHeader;
  if (v.object(header, `${path}.CaptureContentTypeHeader`)) {
    for (const list of ["CsvContentTypes", "JsonContentTypes"] as const) {
      const at = `${path}.CaptureContentTypeHeader.${list}`;
      const types = header[list];
      if (v.list(types, at, { min: 1, max: 10 })) {
        types.forEach((type, i) => {
          v.string(type, `${at}.${i + 1}`, { min: 1, max: 256, pattern: CONTENT_TYPE });
        });
      }
    }
  }
}

/**
 * `s3://bucket/prefix`, or the https forms S3 documents
 * (`https://bucket.s3[.region].amazonaws.com/prefix`, `https://s3[.region].amazonaws.com/bucket/prefix`).
 */
export function parseDestination(uri: string): { bucket: string; prefix: string } {
  const trim = (prefix: string) => prefix.replace(/^\/+|\/+$/g, "");
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (s3) return { bucket: s3[1], prefix: trim(s3[2]) };
  const virtualHost = /^https:\/\/([^/]+)\.s3[.-][^/]*amazonaws\.com(\.cn)?\/?(.*)$/.exec(uri);
  if (virtualHost) return { bucket: virtualHost[1], prefix: trim(virtualHost[3]) };
  const pathStyle = /^https:\/\/s3[.-][^/]*amazonaws\.com(\.cn)?\/([^/]+)\/?(.*)$/.exec(uri);
  if (pathStyle) return { bucket: pathStyle[2], prefix: trim(pathStyle[3]) };
  throw new AwsError(
    "ValidationException",
    `DestinationS3Uri ${uri} is not an S3 location: use s3://bucket/prefix.`,
  );
}

/** What the runtime captures with (the config's lists, lower-cased; modes merged). */
export function captureSettings(config: Wire<DataCaptureConfig>): CaptureSettings {
  const modes = new Set((config.CaptureOptions ?? []).map((o) => o.CaptureMode));
  const lower = (types: string[] | undefined) => (types ?? []).map((t) => t.toLowerCase());
  return {
    enabled: config.EnableCapture ?? true,
    samplingPercentage: config.InitialSamplingPercentage ?? 0,
    ...parseDestination(config.DestinationS3Uri ?? ""),
    captureInput: modes.has("Input") || modes.has("InputAndOutput"),
    captureOutput: modes.has("Output") || modes.has("InputAndOutput"),
    csvContentTypes: lower(config.CaptureContentTypeHeader?.CsvContentTypes),
    jsonContentTypes: lower(config.CaptureContentTypeHeader?.JsonContentTypes),
  };
}

/** DescribeEndpoint's DataCaptureConfig (§1.1). */
export function captureSummary(config: Wire<DataCaptureConfig>): Wire<DataCaptureConfigSummary> {
  const enabled = config.EnableCapture ?? true;
  return {
    EnableCapture: enabled,
    CaptureStatus: enabled ? "Started" : "Stopped",
    CurrentSamplingPercentage: config.InitialSamplingPercentage,
    DestinationS3Uri: config.DestinationS3Uri,
    KmsKeyId: config.KmsKeyId,
  };
}
