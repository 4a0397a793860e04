/**
 * Object operations: PutObject, GetObject (with Range and conditions), HeadObject, DeleteObject,
 * DeleteObjects, CopyObject. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 * and its siblings give the header and error semantics followed here.
 */
import type {
  CopyObjectCommandInput,
  CopyObjectOutput,
  DeleteObjectCommandInput,
  DeleteObjectsCommandInput,
  DeleteObjectsOutput,
  GetObjectCommandInput,
  PutObjectCommandInput,
  PutObjectOutput,
} from "@aws-sdk/client-s3";
import type { ServerResponse } from "node:http";
import { AwsError } from "../../context";
import type { S3Request } from "../../server/edge";
import { s3ResponseHeaders } from "../../server/responses";
import { S3_XMLNS, childText, childrenNamed } from "../../server/xml";
import type { PutOptions, StoredObject } from "../fileObjectStore";
import { validateKey } from "../names";
import type { S3Operation } from "./context";
import {
  header,
  objectHeaders,
  queryValue,
  readXmlBody,
  sendEmpty,
  sendXml,
  storedContentEncoding,
  userMetadataFrom,
  xml,
  xmlDate,
} from "./http";

/** S3's default Content-Type for objects uploaded without one. */
const DEFAULT_UPLOAD_CONTENT_TYPE = "binary/octet-stream";

/** The PutObject/CopyObject/CreateMultipartUpload headers that become object metadata. */
export function putOptionsFrom(request: S3Request): Omit<PutOptions, "checksum"> {
  return {
    contentType: header(request, "content-type") ?? DEFAULT_UPLOAD_CONTENT_TYPE,
    userMetadata: userMetadataFrom(request),
    contentEncoding: storedContentEncoding(request),
    contentDisposition: header(request, "content-disposition"),
    contentLanguage: header(request, "content-language"),
    cacheControl: header(request, "cache-control"),
    expires: header(request, "expires"),
  };
}

export const putObject: S3Operation = async (ctx, request, res) => {
  const input: Omit<PutObjectCommandInput, "Body"> = {
    Bucket: request.bucket!,
    Key: request.key!,
    IfNoneMatch: header(request, "if-none-match"),
  };
  ctx.store.requireBucket(input.Bucket!);
  validateKey(input.Key!);
  if (input.IfNoneMatch === "*" && ctx.store.headObject(input.Bucket!, input.Key!)) {
    throw preconditionFailed("If-None-Match");
  }
  const body = request.body();
  const stored = await ctx.store.putObject(input.Bucket!, input.Key!, body.stream, {
    ...putOptionsFrom(request),
    checksum: body.checksum,
  });
  const output: PutObjectOutput = { ETag: stored.etag };
  sendEmpty(res, request, 200, { ETag: output.ETag!, ...checksumHeaders(stored) });
};

function checksumHeaders(object: StoredObject): Record<string, string> {
  return object.checksum
    ? { [`x-amz-checksum-${object.checksum.algorithm}`]: object.checksum.value }
    : {};
}

function preconditionFailed(condition: string): AwsError {
  return new AwsError(
    "PreconditionFailed",
    "At least one of the pre-conditions you specified did not hold",
    412,
    {
      Condition: condition,
    },
  );
}

/** Parses a single `bytes=` range (S3 ignores multi-range and malformed values). */
export function parseRange(
  text: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) throw invalidRange(text, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== "" && Number(match[2]) < start) return undefined; // syntactically invalid: ignored
  }
  if (start >= size) throw invalidRange(text, size);
  return { start, end };
}

function invalidRange(text: string, size: number): AwsError {
  return new AwsError("InvalidRange", "The requested range is not satisfiable", 416, {
    RangeRequested: text,
    ActualObjectSize: String(size),
  });
}

/** If-Match / If-None-Match / If-(Un)Modified-Since, in the precedence RFC 7232 and S3 use. */
function checkConditions(request: S3Request, object: StoredObject): "notModified" | undefined {
  const ifMatch = header(request, "if-match");
  const ifNoneMatch = header(request, "if-none-match");
  const ifModifiedSince = header(request, "if-modified-since");
  const ifUnmodifiedSince = header(request, "if-unmodified-since");
  const etagMatches = (list: string) =>
    list
      .split(",")
      .some(
        (tag) =>
          tag.trim() === "*" ||
          tag.trim().replace(/^W\//, "") === object.etag ||
          tag.trim() === object.etag.slice(1, -1),
      );
  const seconds = Math.floor(object.lastModified.getTime() / 1000) * 1000;
  if (ifMatch !== undefined && !etagMatches(ifMatch)) throw preconditionFailed("If-Match");
  if (ifMatch === undefined && ifUnmodifiedSince !== undefined) {
    const since = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(since) && seconds > since) throw preconditionFailed("If-Unmodified-Since");
  }
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch)) return "notModified";
  if (ifNoneMatch === undefined && ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    if (!Number.isNaN(since) && seconds <= since) return "notModified";
  }
  return undefined;
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-language": "Content-Language",
  "response-expires": "Expires",
  "response-cache-control": "Cache-Control",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
};

async function getOrHead(
  ctx: Parameters<S3Operation>[0],
  request: S3Request,
  res: ServerResponse,
  head: boolean,
): Promise<void> {
  const input: GetObjectCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    Range: header(request, "range"),
    ChecksumMode: header(request, "x-amz-checksum-mode") === "ENABLED" ? "ENABLED" : undefined,
  };
  ctx.store.requireBucket(input.Bucket!);
  validateKey(input.Key!);
  const object = ctx.store.requireObject(input.Bucket!, input.Key!);
  const headers: Record<string, string | number> = {
    ...s3ResponseHeaders(request.requestId),
    ...objectHeaders(object),
  };
  if (checkConditions(request, object) === "notModified") {
    res.writeHead(304, {
      ...s3ResponseHeaders(request.requestId),
      ETag: object.etag,
      "Last-Modified": headers["Last-Modified"],
    });
    res.end();
    return;
  }
  for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = queryValue(request, parameter);
    if (value !== undefined) headers[name] = value;
  }
  const range = parseRange(input.Range, object.size);
  if (!range && input.ChecksumMode === "ENABLED" && object.checksum) {
    // A full-object checksum only describes the whole object, never a range of it.
    headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
    headers["x-amz-checksum-type"] = "FULL_OBJECT";
  }
  let status = 200;
  if (range) {
    status = 206;
    headers["Content-Range"] = `bytes ${range.start}-${range.end}/${object.size}`;
    headers["Content-Length"] = range.end - range.start + 1;
  } else {
    headers["Content-Length"] = object.size;
  }
  if (head) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const stream = ctx.store.getObjectStream(
    input.Bucket!,
    input.Key!,
    object.size === 0 ? undefined : range,
  );
  res.writeHead(status, headers);
  await new Promise<void>((resolve) => {
    stream.on("error", (error) => {
      res.destroy(error);
      resolve();
    });
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

export const getObject: S3Operation = (ctx, request, res) => getOrHead(ctx, request, res, false);
export const headObject: S3Operation = (ctx, request, res) => getOrHead(ctx, request, res, true);

export const deleteObject: S3Operation = async (ctx, request, res) => {
  const input: DeleteObjectCommandInput = { Bucket: request.bucket!, Key: request.key! };
  ctx.store.deleteObject(input.Bucket!, input.Key!);
  sendEmpty(res, request, 204);
};

const MAX_DELETE_OBJECTS = 1000;

export const deleteObjects: S3Operation = async (ctx, request, res) => {
  ctx.store.requireBucket(request.bucket!);
  const document = await readXmlBody(request);
  if (!document || document.name !== "Delete") {
    throw new AwsError(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
    );
  }
  const objects = childrenNamed(document, "Object");
  const input: DeleteObjectsCommandInput = {
    Bucket: request.bucket!,
    Delete: {
      Quiet: childText(document, "Quiet")?.trim() === "true",
      Objects: objects.map((object) => ({ Key: childText(object, "Key") ?? "" })),
    },
  };
  const requested = input.Delete!.Objects!;
  if (requested.length === 0 || requested.length > MAX_DELETE_OBJECTS) {
    throw new AwsError(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
    );
  }
  const output: DeleteObjectsOutput = { Deleted: [], Errors: [] };
  for (const { Key } of requested) {
    try {
      ctx.store.deleteObject(input.Bucket!, Key!);
      output.Deleted!.push({ Key });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      output.Errors!.push({ Key, Code: error.code, Message: error.message });
    }
  }
  const deleted = input.Delete!.Quiet
    ? ""
    : output.Deleted!.map((d) => `<Deleted>${xml("Key", d.Key)}</Deleted>`).join("");
  const errors = output
    .Errors!.map(
      (e) =>
        `<Error>${xml("Key", e.Key)}${xml("Code", e.Code)}${xml("Message", e.Message)}</Error>`,
    )
    .join("");
  sendXml(res, request, `<DeleteResult xmlns="${S3_XMLNS}">${deleted}${errors}</DeleteResult>`);
};

/** Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=...]`, URL-encoded. */
export function parseCopySource(text: string): { bucket: string; key: string } {
  const withoutVersion = text.split("?")[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(withoutVersion);
  } catch {
    throw new AwsError("InvalidArgument", "Invalid copy source encoding", 400, {
      ArgumentName: "x-amz-copy-source",
    });
  }
  const trimmed = decoded.startsWith("/") ? decoded.slice(1) : decoded;
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new AwsError(
      "InvalidArgument",
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      400,
      {
        ArgumentName: "x-amz-copy-source",
        ArgumentValue: text,
      },
    );
  }
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}

export const copyObject: S3Operation = async (ctx, request, res) => {
  const input: CopyObjectCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    CopySource: header(request, "x-amz-copy-source")!,
    MetadataDirective: (header(request, "x-amz-metadata-directive") ??
      "COPY") as CopyObjectCommandInput["MetadataDirective"],
  };
  if (input.MetadataDirective !== "COPY" && input.MetadataDirective !== "REPLACE") {
    throw new AwsError("InvalidArgument", "Unknown metadata directive.", 400, {
      ArgumentName: "x-amz-metadata-directive",
      ArgumentValue: String(input.MetadataDirective),
    });
  }
  const source = parseCopySource(input.CopySource!);
  validateKey(source.key);
  validateKey(input.Key!);
  ctx.store.requireBucket(input.Bucket!);
  ctx.store.requireBucket(source.bucket);
  if (
    source.bucket === input.Bucket &&
    source.key === input.Key &&
    input.MetadataDirective !== "REPLACE"
  ) {
    throw new AwsError(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  // Drain the (empty) request body so the connection stays usable.
  request.body().stream.resume();
  const stored = await ctx.store.copyObject(
    source,
    { bucket: input.Bucket!, key: input.Key! },
    input.MetadataDirective === "REPLACE" ? putOptionsFrom(request) : undefined,
  );
  const output: CopyObjectOutput = {
    CopyObjectResult: { ETag: stored.etag, LastModified: stored.lastModified },
  };
  sendXml(
    res,
    request,
    `<CopyObjectResult xmlns="${S3_XMLNS}">${xml("LastModified", xmlDate(output.CopyObjectResult!.LastModified!))}${xml("ETag", output.CopyObjectResult!.ETag)}</CopyObjectResult>`,
  );
};
