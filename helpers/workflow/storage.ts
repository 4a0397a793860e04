/** Reading and writing the workshop's S3 objects with the S3 client (works on AWS and locally). */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type _Object,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import * as fs from "node:fs";
import { parseS3Uri, type WorkflowContext } from "./context";

type S3Context = Pick<WorkflowContext, "s3">;

/**
 * Uploads text, a Buffer or a local file (streamed) to `uri`. lib-storage switches to a
 * multipart upload above 5 MB, as the console and the AWS CLI do.
 */
export async function upload(
  context: S3Context,
  uri: string,
  body: string | Buffer | { file: string },
  contentType = "text/csv",
): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  const content =
    typeof body === "object" && "file" in body ? fs.createReadStream(body.file) : body;
  await new Upload({
    client: context.s3,
    params: { Bucket: bucket, Key: key, Body: content, ContentType: contentType },
  }).done();
  return uri;
}

/** Every object under `uri` (a prefix), following continuation tokens. */
export async function listObjects(context: S3Context, uri: string): Promise<_Object[]> {
  const { bucket, key } = parseS3Uri(uri);
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await context.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Keys of every object under `uri`, as `s3://` URIs, sorted. */
export async function listUris(context: S3Context, uri: string): Promise<string[]> {
  const { bucket } = parseS3Uri(uri);
  return (await listObjects(context, uri)).map((object) => `s3://${bucket}/${object.Key}`).sort();
}

export async function readBytes(context: S3Context, uri: string): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri);
  const response = await context.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`${uri}: the object has no body`);
  return Buffer.from(await response.Body.transformToByteArray());
}

export async function readText(context: S3Context, uri: string): Promise<string> {
  return (await readBytes(context, uri)).toString("utf8");
}

export async function readJson<T>(context: S3Context, uri: string): Promise<T> {
  const text = await readText(context, uri);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${uri} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Deletes every object under `uri`; returns how many were deleted. Safe to run twice. */
export async function deletePrefix(context: S3Context, uri: string): Promise<number> {
  const { bucket } = parseS3Uri(uri);
  const objects = await listObjects(context, uri);
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000).map((object) => ({ Key: object.Key! }));
    await context.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
    );
  }
  return objects.length;
}
