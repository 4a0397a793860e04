/**
 * Bucket names and object keys: AWS's rules, plus the one rule a file-backed store adds — a key
 * must not be able to name a file outside its bucket folder.
 */
import * as path from "node:path";
import { AwsError } from "../context";

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export function validateBucketName(bucket: string): void {
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
    !/\.\./.test(bucket) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(bucket) &&
    !bucket.startsWith("xn--") &&
    !bucket.endsWith("-s3alias") &&
    !bucket.endsWith("--ol-s3");
  if (!valid) {
    throw new AwsError("InvalidBucketName", "The specified bucket is not valid.", 400, {
      BucketName: bucket,
    });
  }
}

/** S3's limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export function validateKey(key: string): void {
  if (key.length === 0) {
    throw new AwsError("InvalidArgument", "Object key must not be empty.");
  }
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new AwsError("KeyTooLongError", "Your key is too long", 400, { Key: key });
  }
  const segments = key.split("/");
  if (
    key.includes("\0") ||
    key.startsWith("/") ||
    segments.some((segment) => segment === ".." || segment === ".")
  ) {
    throw new AwsError(
      "InvalidArgument",
      `The local emulator refuses object key "${key.replace(/\0/g, "\\0")}": keys that start with '/', contain NUL, or have '.' or '..' segments could escape or alias the bucket folder on disk. Use a plain relative key such as "data/train.csv".`,
      400,
      { ArgumentName: "key", ArgumentValue: key.replace(/\0/g, "\\0") },
    );
  }
}

/**
 * Encodes one key segment as a file name. '%' is escaped so the mapping stays one-to-one, and an
 * empty segment (`a//b`, or the `folder/` markers tools create) becomes a lone '%', which no
 * escaped segment can produce.
 */
function encodeSegment(segment: string): string {
  return segment.length === 0 ? "%" : segment.replace(/%/g, "%25");
}

function decodeSegment(name: string): string {
  return name === "%" ? "" : name.replace(/%25/g, "%");
}

/** The key's file path relative to the bucket folder (validated: it cannot leave the folder). */
export function keyToRelativePath(key: string): string {
  validateKey(key);
  const relative = key.split("/").map(encodeSegment).join(path.sep);
  // Defence in depth: whatever the encoding, the result must stay below the bucket folder.
  const normalized = path.normalize(relative);
  if (normalized !== relative || path.isAbsolute(normalized) || normalized.startsWith("..")) {
    throw new AwsError("InvalidArgument", `Object key "${key}" cannot be stored safely`);
  }
  return relative;
}

export function relativePathToKey(relative: string): string {
  return relative.split(path.sep).map(decodeSegment).join("/");
}
