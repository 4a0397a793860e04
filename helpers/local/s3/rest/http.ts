/**
 * REST-XML plumbing shared by the S3 operation handlers: reading request headers and query
 * members, writing XML documents and object headers the way S3 does
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html).
 */
import type { ServerResponse } from "node:http";
import { AwsError } from "../../context";
import type { S3Request } from "../../server/edge";
import { s3ResponseHeaders } from "../../server/responses";
import { XML_DECLARATION, escapeXml, parseXml, type XmlElement } from "../../server/xml";
import type { StoredObject } from "../fileObjectStore";

/** The owner every local bucket and object has (one local account). */
export const LOCAL_OWNER = {
  ID: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
  DisplayName: "local",
};

export function header(request: S3Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function queryValue(request: S3Request, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function hasQuery(request: S3Request, name: string): boolean {
  return request.query[name] !== undefined;
}

/** Integer query member with S3's InvalidArgument for junk. */
export function queryInteger(
  request: S3Request,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = queryValue(request, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < bounds.min) {
    throw new AwsError(
      "InvalidArgument",
      `Provided ${name} not an integer or within integer range`,
      400,
      {
        ArgumentName: name,
        ArgumentValue: text,
      },
    );
  }
  return Math.min(value, bounds.max);
}

export function sendXml(
  res: ServerResponse,
  request: S3Request,
  xml: string,
  status = 200,
  extraHeaders: Record<string, string> = {},
): void {
  const body = Buffer.from(XML_DECLARATION + xml);
  res.writeHead(status, {
    ...s3ResponseHeaders(request.requestId),
    ...extraHeaders,
    "Content-Type": "application/xml",
    "Content-Length": body.length,
  });
  res.end(body);
}

export function sendEmpty(
  res: ServerResponse,
  request: S3Request,
  status: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...s3ResponseHeaders(request.requestId),
    ...headers,
    "Content-Length": 0,
  });
  res.end();
}

/** Reads a small XML request body (DeleteObjects, CompleteMultipartUpload, CreateBucket). */
export async function readXmlBody(
  request: S3Request,
  limit = 2 * 1024 * 1024,
): Promise<XmlElement | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.body().stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new AwsError("MaxMessageLengthExceeded", "Your request was too big.");
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim().length === 0 ? undefined : parseXml(text);
}

/** `x-amz-meta-*` request headers -> user metadata (names lower-cased, as S3 stores them). */
export function userMetadataFrom(request: S3Request): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith("x-amz-meta-") && value !== undefined) {
      metadata[name.slice("x-amz-meta-".length)] = Array.isArray(value) ? value.join(",") : value;
    }
  }
  return metadata;
}

/** The aws-chunked transfer coding is not part of the object's stored Content-Encoding. */
export function storedContentEncoding(request: S3Request): string | undefined {
  const value = header(request, "content-encoding");
  if (value === undefined) return undefined;
  const remaining = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part !== "aws-chunked");
  return remaining.length > 0 ? remaining.join(",") : undefined;
}

export function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: object.etag,
    "Last-Modified": object.lastModified.toUTCString(),
    "Content-Type": object.contentType,
    "Accept-Ranges": "bytes",
  };
  if (object.contentEncoding) headers["Content-Encoding"] = object.contentEncoding;
  if (object.contentDisposition) headers["Content-Disposition"] = object.contentDisposition;
  if (object.contentLanguage) headers["Content-Language"] = object.contentLanguage;
  if (object.cacheControl) headers["Cache-Control"] = object.cacheControl;
  if (object.expires) headers.Expires = object.expires;
  for (const [name, value] of Object.entries(object.userMetadata)) {
    headers[`x-amz-meta-${name}`] = value;
  }
  return headers;
}

/** ISO 8601 with milliseconds, S3's XML timestamp format. */
export function xmlDate(date: Date | string): string {
  return new Date(date).toISOString();
}

export function xml(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function ownerXml(tag = "Owner"): string {
  return `<${tag}>${xml("ID", LOCAL_OWNER.ID)}${xml("DisplayName", LOCAL_OWNER.DisplayName)}</${tag}>`;
}
