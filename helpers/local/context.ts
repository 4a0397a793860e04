/**
 * The contract between the emulator's edge (HTTP, SigV4, routing) and the services behind it.
 *
 * Services never see HTTP: the edge decodes a request into an operation name and a JSON input,
 * calls the service, and encodes the result or the thrown `AwsError` in the wire protocol of that
 * service (JSON 1.1 for SageMaker and CodeCommit, REST-JSON for SageMaker Runtime, REST-XML for S3).
 * That keeps every service testable without a socket and keeps protocol details in one place.
 */
import type { Readable } from "node:stream";

/** An error the edge turns into AWS's error shape for the service (`__type` / XML `<Code>`). */
export class AwsError extends Error {
  constructor(
    /** AWS error code, e.g. `ValidationException`, `ResourceNotFound`, `NoSuchKey`. */
    readonly code: string,
    message: string,
    /** HTTP status, 400 unless AWS uses another one for this code. */
    readonly status: number = 400,
    /** Extra members some services add to the error body (e.g. S3's `<Key>`). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** The emulator's notion of "now": real time by default, a virtual clock in the workshop. */
export interface Clock {
  now(): Date;
}

/** Persisted resource documents: one JSON file per resource, written atomically. */
export interface StateStore {
  get<T>(kind: string, name: string): T | undefined;
  /** Writes (creates or replaces) the document; atomic (temp file + rename). */
  put<T>(kind: string, name: string, doc: T): void;
  delete(kind: string, name: string): boolean;
  /** All documents of a kind, in no particular order. */
  list<T>(kind: string): T[];
}

export interface ObjectMetadata {
  bucket: string;
  key: string;
  size: number;
  /** MD5 in quotes, as S3 returns it (multipart: `"<md5 of md5s>-<parts>"`). */
  etag: string;
  contentType: string;
  lastModified: Date;
  userMetadata: Record<string, string>;
}

/** The S3 object store as the other services use it (jobs read inputs and write outputs here). */
export interface ObjectStore {
  bucketExists(bucket: string): boolean;
  putObject(
    bucket: string,
    key: string,
    body: Buffer | string | Readable,
    options?: {
      contentType?: string;
      userMetadata?: Record<string, string>;
      /**
       * The body's MD5 when the caller already has it (the capture writer hashes each journaled
       * chunk once instead of the store re-hashing the whole object at every rewrite).
       */
      md5?: Buffer;
    },
  ): Promise<ObjectMetadata>;
  /**
   * Makes a complete file the caller wrote (in the workspace, and not touched again) the object,
   * moving it rather than copying it: the capture writer's flush worker stages each capture
   * object's content off the event loop and only this rename happens on it.
   */
  putObjectFile(
    bucket: string,
    key: string,
    file: string,
    content: { size: number; md5: Buffer; contentType?: string },
  ): Promise<ObjectMetadata>;
  headObject(bucket: string, key: string): ObjectMetadata | undefined;
  /** Throws AwsError NoSuchKey / NoSuchBucket. */
  getObjectStream(bucket: string, key: string, range?: { start: number; end: number }): Readable;
  getObjectBuffer(bucket: string, key: string): Promise<Buffer>;
  /** Every object whose key starts with prefix, sorted by key (UTF-8 binary order, as S3). */
  listObjects(bucket: string, prefix: string): ObjectMetadata[];
  deleteObject(bucket: string, key: string): void;
}

/** What every service handler receives. */
export interface ServiceContext {
  region: string;
  /** The local account id used in ARNs (12 digits). */
  accountId: string;
  /** Workspace folder (state, objects, credentials, logs). */
  workspace: string;
  clock: Clock;
  state: StateStore;
  objects: ObjectStore;
}

/** A JSON-protocol service (SageMaker, CodeCommit): operation name -> handler. */
export interface JsonService {
  /** Throws AwsError; an unknown operation must throw `UnknownOperationException`. */
  handle(operation: string, input: unknown): Promise<unknown>;
  /** Called when the emulator stops (flush buffers, stop timers, terminate workers). */
  close?(): Promise<void>;
}

/** Parses `s3://bucket/key/prefix` into its parts; throws a ValidationException otherwise. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) {
    throw new AwsError("ValidationException", `Invalid S3 URI: ${uri} (expected s3://bucket/key)`);
  }
  return { bucket: match[1], key: match[2] };
}
