/**
 * ListObjectsV2 and ListObjects (v1, which the original lab's code calls).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
 * With `encoding-type=url` (boto3 always asks for it) keys and prefixes are URL-encoded.
 */
import type {
  ListObjectsCommandInput,
  ListObjectsOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2Output,
  _Object,
} from "@aws-sdk/client-s3";
import { AwsError } from "../../context";
import { S3_XMLNS } from "../../server/xml";
import { listPage } from "../listing";
import type { S3Context, S3Operation } from "./context";
import { LOCAL_OWNER, ownerXml, queryInteger, queryValue, sendXml, xml, xmlDate } from "./http";

const MAX_KEYS = 1000;

function encodingFrom(value: string | undefined): "url" | undefined {
  if (value === undefined) return undefined;
  if (value !== "url") {
    throw new AwsError("InvalidArgument", "Invalid Encoding Method specified in Request", 400, {
      ArgumentName: "encoding-type",
      ArgumentValue: value,
    });
  }
  return "url";
}

/** S3 URL-encodes like Java's URLEncoder but keeps '/' readable. */
function encoder(encoding: "url" | undefined): (text: string | undefined) => string | undefined {
  return (text) =>
    text === undefined || encoding !== "url"
      ? text
      : encodeURIComponent(text)
          .replace(/%2F/g, "/")
          .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function contents(ctx: S3Context, bucket: string, keys: string[], fetchOwner: boolean): _Object[] {
  return keys.map((key) => {
    const object = ctx.store.headObject(bucket, key)!;
    return {
      Key: key,
      LastModified: object.lastModified,
      ETag: object.etag,
      Size: object.size,
      StorageClass: "STANDARD",
      Owner: fetchOwner ? { ...LOCAL_OWNER } : undefined,
    };
  });
}

function contentsXml(
  objects: _Object[],
  encode: (text: string | undefined) => string | undefined,
  withOwner: boolean,
): string {
  return objects
    .map(
      (o) =>
        `<Contents>${xml("Key", encode(o.Key))}${xml("LastModified", xmlDate(o.LastModified!))}${xml("ETag", o.ETag)}` +
        `${xml("Size", o.Size)}${withOwner ? ownerXml() : ""}${xml("StorageClass", o.StorageClass)}</Contents>`,
    )
    .join("");
}

function prefixesXml(
  prefixes: string[],
  encode: (text: string | undefined) => string | undefined,
): string {
  return prefixes
    .map((prefix) => `<CommonPrefixes>${xml("Prefix", encode(prefix))}</CommonPrefixes>`)
    .join("");
}

export const listObjectsV2: S3Operation = async (ctx, request, res) => {
  const input: ListObjectsV2CommandInput = {
    Bucket: request.bucket!,
    Prefix: queryValue(request, "prefix") ?? "",
    Delimiter: queryValue(request, "delimiter") || undefined,
    MaxKeys: queryInteger(request, "max-keys", { min: 0, max: MAX_KEYS }) ?? MAX_KEYS,
    ContinuationToken: queryValue(request, "continuation-token"),
    StartAfter: queryValue(request, "start-after") || undefined,
    EncodingType: encodingFrom(queryValue(request, "encoding-type")),
    FetchOwner: queryValue(request, "fetch-owner") === "true",
  };
  let startAfter = input.StartAfter;
  if (input.ContinuationToken !== undefined) {
    const decoded = Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
    if (!decoded.startsWith("v1:")) {
      throw new AwsError("InvalidArgument", "The continuation token provided is incorrect", 400, {
        ArgumentName: "continuation-token",
      });
    }
    startAfter = decoded.slice(3);
  }
  const page = listPage(ctx.store.keysOf(input.Bucket!), {
    prefix: input.Prefix!,
    delimiter: input.Delimiter,
    startAfter,
    maxKeys: input.MaxKeys!,
  });
  const output: ListObjectsV2Output = {
    Name: input.Bucket,
    Prefix: input.Prefix,
    Delimiter: input.Delimiter,
    MaxKeys: input.MaxKeys,
    KeyCount: page.keys.length + page.commonPrefixes.length,
    IsTruncated: page.isTruncated,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: page.isTruncated
      ? Buffer.from(`v1:${page.last}`, "utf8").toString("base64url")
      : undefined,
    StartAfter: input.StartAfter,
    EncodingType: input.EncodingType,
    Contents: contents(ctx, input.Bucket!, page.keys, input.FetchOwner!),
    CommonPrefixes: page.commonPrefixes.map((Prefix) => ({ Prefix })),
  };
  const encode = encoder(input.EncodingType as "url" | undefined);
  sendXml(
    res,
    request,
    `<ListBucketResult xmlns="${S3_XMLNS}">${xml("Name", output.Name)}${xml("Prefix", encode(output.Prefix))}` +
      `${xml("Delimiter", encode(output.Delimiter))}${xml("MaxKeys", output.MaxKeys)}${xml("EncodingType", output.EncodingType)}` +
      `${xml("KeyCount", output.KeyCount)}${xml("IsTruncated", output.IsTruncated)}${xml("ContinuationToken", output.ContinuationToken)}` +
      `${xml("NextContinuationToken", output.NextContinuationToken)}${xml("StartAfter", encode(output.StartAfter))}` +
      `${contentsXml(output.Contents!, encode, input.FetchOwner!)}${prefixesXml(page.commonPrefixes, encode)}</ListBucketResult>`,
  );
};

export const listObjects: S3Operation = async (ctx, request, res) => {
  const input: ListObjectsCommandInput = {
    Bucket: request.bucket!,
    Prefix: queryValue(request, "prefix") ?? "",
    Delimiter: queryValue(request, "delimiter") || undefined,
    MaxKeys: queryInteger(request, "max-keys", { min: 0, max: MAX_KEYS }) ?? MAX_KEYS,
    Marker: queryValue(request, "marker") || undefined,
    EncodingType: encodingFrom(queryValue(request, "encoding-type")),
  };
  const page = listPage(ctx.store.keysOf(input.Bucket!), {
    prefix: input.Prefix!,
    delimiter: input.Delimiter,
    startAfter: input.Marker,
    maxKeys: input.MaxKeys!,
  });
  const output: ListObjectsOutput = {
    Name: input.Bucket,
    Prefix: input.Prefix,
    Marker: input.Marker ?? "",
    Delimiter: input.Delimiter,
    MaxKeys: input.MaxKeys,
    IsTruncated: page.isTruncated,
    // AWS returns NextMarker only with a delimiter; without one clients continue from the last key.
    NextMarker: page.isTruncated && input.Delimiter ? page.last : undefined,
    EncodingType: input.EncodingType,
    Contents: contents(ctx, input.Bucket!, page.keys, true),
    CommonPrefixes: page.commonPrefixes.map((Prefix) => ({ Prefix })),
  };
  const encode = encoder(input.EncodingType as "url" | undefined);
  sendXml(
    res,
    request,
    `<ListBucketResult xmlns="${S3_XMLNS}">${xml("Name", output.Name)}${xml("Prefix", encode(output.Prefix))}` +
      `${xml("Marker", encode(output.Marker))}${xml("NextMarker", encode(output.NextMarker))}${xml("MaxKeys", output.MaxKeys)}` +
      `${xml("Delimiter", encode(output.Delimiter))}${xml("EncodingType", output.EncodingType)}${xml("IsTruncated", output.IsTruncated)}` +
      `${contentsXml(output.Contents!, encode, true)}${prefixesXml(page.commonPrefixes, encode)}</ListBucketResult>`,
  );
};
