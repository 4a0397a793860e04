/**
 * Reads a training channel from the object store the way SageMaker's File mode stages it: every
 * object under the channel's S3 prefix, in key order, then the algorithm reads all files as one
 * data set. Only what the local XGBoost runs is accepted: S3Prefix data, text/csv (label first,
 * no header), optionally gzip-compressed.
 */
import { gunzipSync } from "node:zlib";
import type { ObjectStore } from "../context";
import { clientError } from "./trainingFailure";

export interface ChannelSpec {
  name: string;
  s3Uri: string;
  s3DataType?: string;
  contentType?: string;
  compressionType?: string;
}

/**
 * The container's content-type check (sagemaker_xgboost_container/data_utils.py get_content_type):
 * `csv` / `text/csv` with an optional `label_size=1` parameter. A missing ContentType means libsvm
 * to the container, which the local engine does not read.
 */
export function checkCsvContentType(channel: ChannelSpec): void {
  const raw = channel.contentType;
  const [media, ...params] = (raw ?? "libsvm").split(";").map((s) => s.trim());
  const isCsv = media.toLowerCase() === "csv" || media.toLowerCase() === "text/csv";
  if (!isCsv) {
    throw clientError(
      `Channel '${channel.name}' has ContentType ${raw === undefined ? "unset (the container then reads libsvm)" : `'${raw}'`}; ` +
        "the local emulator's XGBoost reads text/csv only (label in the first column, no header). " +
        "Set ContentType to 'text/csv' and upload CSV data, or run this job on AWS.",
    );
  }
  for (const param of params) {
    const [key, value] = param.split("=").map((s) => s.trim());
    if (key === "label_size" && value !== "1") {
      throw clientError(`label_size must be 1 for csv content type, got ${value}.`);
    }
  }
}

function parseS3(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw clientError(`Channel S3Uri '${uri}' is not an s3://bucket/prefix URI.`);
  return { bucket: match[1], prefix: match[2] };
}

/** The channel's data as one CSV text (objects joined in key order, each ending in a newline). */
export async function readChannel(
  objects: ObjectStore,
  channel: ChannelSpec,
  context: { region: string; roleArn: string },
): Promise<{ text: string; objectCount: number; bytes: number }> {
  if (channel.s3DataType && channel.s3DataType !== "S3Prefix") {
    throw clientError(
      `Channel '${channel.name}' uses S3DataType '${channel.s3DataType}'; the local emulator reads S3Prefix channels only.`,
    );
  }
  const { bucket, prefix } = parseS3(channel.s3Uri);
  const listed = objects.bucketExists(bucket)
    ? objects.listObjects(bucket, prefix).filter((o) => !o.key.endsWith("/"))
    : [];
  if (listed.length === 0) {
    // SageMaker's own wording for an empty or unreadable channel prefix.
    throw clientError(
      `No S3 objects found under S3 URL "${channel.s3Uri}" given in input data source. Please ensure that the ` +
        `bucket exists in the selected region (${context.region}), that objects exist under that S3 prefix, and ` +
        `that the role "${context.roleArn}" has "s3:ListBucket" permissions on bucket "${bucket}".`,
    );
  }
  const parts: string[] = [];
  let bytes = 0;
  for (const object of listed) {
    let body = await objects.getObjectBuffer(bucket, object.key);
    if (channel.compressionType === "Gzip") {
      try {
        body = gunzipSync(body);
      } catch (error) {
        throw clientError(
          `Channel '${channel.name}' has CompressionType Gzip but s3://${bucket}/${object.key} is not gzip data (${(error as Error).message}).`,
        );
      }
    }
    bytes += body.length;
    const text = body.toString("utf8");
    if (text.length === 0) continue;
    parts.push(text.endsWith("\n") ? text : `${text}\n`);
  }
  return { text: parts.join(""), objectCount: listed.length, bytes };
}
