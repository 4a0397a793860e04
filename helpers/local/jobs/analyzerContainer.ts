/**
 * The analyzer container's file system as SageMaker Processing lays it out, resolved to S3.
 *
 * SageMaker copies every ProcessingInput (S3Prefix) into the container at its LocalPath and
 * uploads each ProcessingOutput's LocalPath to its S3Uri when the job ends. The analyzer's
 * environment names container paths (`dataset_source`, `baseline_statistics`, `output_path`,
 * spec §10), so the local runner maps those paths back to the S3 objects the container would
 * see, without copying anything to disk.
 */
import * as posix from "node:path/posix";
import type { ObjectStore } from "../context";
import { ProcessingFailure } from "./analyzerFailure";

export interface ContainerInput {
  name: string;
  s3Uri: string;
  localPath: string;
  /** `S3Prefix` (default) or `ManifestFile`; only prefixes are supported locally. */
  s3DataType?: string;
}

export interface ContainerOutput {
  name: string;
  s3Uri: string;
  localPath: string;
}

/** One file the container would see, and the object it comes from. */
export interface ContainerFile {
  path: string;
  bucket: string;
  key: string;
  size: number;
}

/** `/opt/ml/processing/input/` -> `/opt/ml/processing/input` (no trailing slash, no `..`). */
export function normalizeContainerPath(p: string): string {
  const normalized = posix.normalize(p.trim());
  return normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized;
}

function parseS3(uri: string, what: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) {
    throw new ProcessingFailure(
      "ClientError",
      `${what} '${uri}' is not an s3://bucket/prefix URI.`,
    );
  }
  return { bucket: match[1], key: match[2] };
}

/**
 * Where an object under an S3 prefix lands below LocalPath. SageMaker keeps the key's path
 * relative to the prefix's "folder": prefix `data/train.csv` gives `train.csv`, prefix `data`
 * or `data/` gives `x.csv` for `data/x.csv`.
 */
function relativeName(prefix: string, key: string): string {
  if (key === prefix) return posix.basename(key);
  const rest = key.slice(prefix.length);
  if (prefix === "" || prefix.endsWith("/")) return rest;
  if (rest.startsWith("/")) return rest.replace(/^\/+/, "");
  return key.slice(prefix.lastIndexOf("/") + 1);
}

/** Every file the inputs put into the container, in input order then key order. */
export function listContainerFiles(
  objects: ObjectStore,
  inputs: ContainerInput[],
): ContainerFile[] {
  const files: ContainerFile[] = [];
  for (const input of inputs) {
    if (input.s3DataType && input.s3DataType !== "S3Prefix") {
      throw new ProcessingFailure(
        "ClientError",
        `ProcessingInput '${input.name}' uses S3DataType ${input.s3DataType}; the local emulator supports ` +
          "only S3Prefix inputs. Point S3Uri at the data's prefix instead of a manifest.",
      );
    }
    const { bucket, key } = parseS3(input.s3Uri, `ProcessingInput '${input.name}' S3Uri`);
    if (!objects.bucketExists(bucket)) {
      throw new ProcessingFailure(
        "ClientError",
        `ProcessingInput '${input.name}': bucket '${bucket}' of ${input.s3Uri} does not exist.`,
      );
    }
    const root = normalizeContainerPath(input.localPath);
    for (const object of objects.listObjects(bucket, key)) {
      if (object.key.endsWith("/")) continue; // folder placeholder objects
      files.push({
        path: posix.join(root, relativeName(key, object.key)),
        bucket,
        key: object.key,
        size: object.size,
      });
    }
  }
  return files;
}

/** The file at `path`, or every file below it when it is a directory. */
export function filesAt(files: ContainerFile[], path: string): ContainerFile[] {
  const target = normalizeContainerPath(path);
  const exact = files.filter((f) => f.path === target);
  if (exact.length > 0) return exact;
  const dir = target === "/" ? "/" : `${target}/`;
  return files
    .filter((f) => f.path.startsWith(dir))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** True when some input's LocalPath is `path` or lies above or below it. */
export function inputCovers(inputs: ContainerInput[], path: string): boolean {
  const target = normalizeContainerPath(path);
  return inputs.some((i) => {
    const root = normalizeContainerPath(i.localPath);
    return root === target || target.startsWith(`${root}/`) || root.startsWith(`${target}/`);
  });
}

/**
 * Where a file written at container path `file` is uploaded, or undefined when no output's
 * LocalPath contains it (SageMaker would not upload it).
 */
export function outputObject(
  outputs: ContainerOutput[],
  file: string,
): { bucket: string; key: string; uri: string } | undefined {
  const target = normalizeContainerPath(file);
  for (const output of outputs) {
    const root = normalizeContainerPath(output.localPath);
    if (!target.startsWith(`${root}/`)) continue;
    const { bucket, key } = parseS3(output.s3Uri, `ProcessingOutput '${output.name}' S3Uri`);
    const prefix = key.replace(/\/+$/, "");
    const objectKey = `${prefix ? `${prefix}/` : ""}${target.slice(root.length + 1)}`;
    return { bucket, key: objectKey, uri: `s3://${bucket}/${objectKey}` };
  }
  return undefined;
}
