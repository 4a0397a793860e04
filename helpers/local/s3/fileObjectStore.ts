/**
 * The S3 object store on disk.
 *
 * Layout (under the workspace):
 *   s3/<bucket>/<key>                      object data, the key's segments as folders
 *   s3-meta/<bucket>/bucket.json           bucket record
 *   s3-meta/<bucket>/objects/<hh>/<sha256(key)>.json   metadata sidecar (outside the key
 *                                           namespace: no key can name or collide with it)
 *   s3-meta/<bucket>/uploads/<uploadId>/   multipart upload record and its parts
 *   s3-meta/.tmp/                          temp files, renamed into place when complete
 *
 * Writes stream into a temp file while computing the MD5 ETag and become visible with one rename,
 * so readers see the old object or the new one, never a partial one. Metadata is indexed in
 * memory at open (one writing process per workspace, see state/workspaceLock.ts).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AwsError, type Clock, type ObjectMetadata, type ObjectStore } from "../context";
import { TEMP_PREFIX, writeFileAtomic, writeFileSynced } from "../state/atomicWrite";
import { keyToRelativePath, validateBucketName, validateKey } from "./names";

/** The metadata S3 keeps besides the ObjectMetadata the other services need. */
export interface StoredObject extends ObjectMetadata {
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** A checksum the client sent with the upload and the edge verified. */
  checksum?: { algorithm: string; value: string };
  /** Number of parts for objects made by CompleteMultipartUpload. */
  partsCount?: number;
}

export interface PutOptions {
  contentType?: string;
  userMetadata?: Record<string, string>;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** Evaluated when the body has been fully received (checksums verified by the edge). */
  checksum?: () => { algorithm: string; value: string } | undefined;
  /** The body's MD5, from a caller that computed it already (see ObjectStore.putObject). */
  md5?: Buffer;
}

export interface BucketRecord {
  name: string;
  creationDate: string;
  region: string;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  options: Omit<PutOptions, "checksum">;
  checksumAlgorithm?: string;
}

export interface PartRecord {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
  checksum?: { algorithm: string; value: string };
}

/** S3's minimum size of every part but the last (5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10000;

const DEFAULT_CONTENT_TYPE = "application/octet-stream";

interface PersistedObject extends Omit<StoredObject, "lastModified"> {
  lastModified: string;
}

function noSuchBucket(bucket: string): AwsError {
  return new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, {
    BucketName: bucket,
  });
}

function noSuchKey(key: string): AwsError {
  return new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
}

function noSuchUpload(uploadId: string): AwsError {
  return new AwsError(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    404,
    { UploadId: uploadId },
  );
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function toBody(body: Buffer | string | Readable): Readable {
  if (typeof body === "string") return Readable.from([Buffer.from(body)]);
  // A Buffer is streamed as it is (putObject resolves once it is on disk).
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

/** Counts and (unless told not to) MD5-hashes bytes on their way to disk. */
class Md5Meter extends Transform {
  readonly md5: crypto.Hash | undefined;
  size = 0;
  constructor(hash: boolean) {
    super();
    this.md5 = hash ? crypto.createHash("md5") : undefined;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5?.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

export class FileObjectStore implements ObjectStore {
  private readonly dataRoot: string;
  private readonly metaRoot: string;
  private readonly tempDir: string;
  private readonly buckets = new Map<string, BucketRecord>();
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly sortedKeys = new Map<string, string[]>();

  constructor(
    workspace: string,
    private readonly clock: Clock,
    private readonly region: string,
  ) {
    this.dataRoot = path.join(workspace, "s3");
    this.metaRoot = path.join(workspace, "s3-meta");
    this.tempDir = path.join(this.metaRoot, ".tmp");
    fs.mkdirSync(this.dataRoot, { recursive: true });
    // Leftover temp files belong to uploads that never completed (a crash): drop them.
    fs.rmSync(this.tempDir, { recursive: true, force: true });
    fs.mkdirSync(this.tempDir, { recursive: true });
    this.load();
  }

  // ---- buckets ----

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].sort((a, b) => compareUtf8(a.name, b.name));
  }

  getBucket(bucket: string): BucketRecord | undefined {
    return this.buckets.get(bucket);
  }

  bucketExists(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  requireBucket(bucket: string): BucketRecord {
    const record = this.buckets.get(bucket);
    if (!record) {
      throw noSuchBucket(bucket);
    }
    return record;
  }

  createBucket(bucket: string): BucketRecord {
    validateBucketName(bucket);
    if (this.buckets.has(bucket)) {
      throw new AwsError(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        { BucketName: bucket },
      );
    }
    const record: BucketRecord = {
      name: bucket,
      creationDate: this.clock.now().toISOString(),
      region: this.region,
    };
    fs.mkdirSync(path.join(this.dataRoot, bucket), { recursive: true });
    writeFileAtomic(
      path.join(this.metaRoot, bucket, "bucket.json"),
      JSON.stringify(record, null, 2) + "\n",
    );
    this.buckets.set(bucket, record);
    this.objects.set(bucket, new Map());
    return record;
  }

  deleteBucket(bucket: string): void {
    this.requireBucket(bucket);
    if (this.objectMap(bucket).size > 0) {
      throw new AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, {
        BucketName: bucket,
      });
    }
    // Pending multipart uploads do not keep a bucket alive on AWS either; drop them with it.
    fs.rmSync(path.join(this.metaRoot, bucket), { recursive: true, force: true });
    fs.rmSync(path.join(this.dataRoot, bucket), { recursive: true, force: true });
    this.buckets.delete(bucket);
    this.objects.delete(bucket);
    this.sortedKeys.delete(bucket);
  }

  // ---- objects ----

  headObject(bucket: string, key: string): StoredObject | undefined {
    this.requireBucket(bucket);
    const found = this.objectMap(bucket).get(key);
    return found ? { ...found, lastModified: new Date(found.lastModified) } : undefined;
  }

  requireObject(bucket: string, key: string): StoredObject {
    const found = this.headObject(bucket, key);
    if (!found) {
      throw noSuchKey(key);
    }
    return found;
  }

  async putObject(
    bucket: string,
    key: string,
    body: Buffer | string | Readable,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    this.requireBucket(bucket);
    const relative = keyToRelativePath(key);
    const { temp, size, md5 } = await this.receive(toBody(body), options.md5);
    const checksum = options.checksum?.();
    return await this.commit(bucket, key, relative, temp, {
      etag: `"${md5.toString("hex")}"`,
      size,
      options,
      checksum,
    });
  }

  /** The file must be in the workspace (one file system: it is renamed, never copied). */
  async putObjectFile(
    bucket: string,
    key: string,
    file: string,
    content: { size: number; md5: Buffer; contentType?: string },
  ): Promise<StoredObject> {
    try {
      this.requireBucket(bucket);
      return await this.commit(bucket, key, keyToRelativePath(key), file, {
        etag: `"${content.md5.toString("hex")}"`,
        size: content.size,
        options: { contentType: content.contentType },
      });
    } catch (error) {
      fs.rmSync(file, { force: true }); // commit removes it too, but not when it is not reached
      throw error;
    }
  }

  getObjectStream(bucket: string, key: string, range?: { start: number; end: number }): Readable {
    this.requireObject(bucket, key);
    const file = path.join(this.dataRoot, bucket, keyToRelativePath(key));
    // Open synchronously so a concurrent overwrite (rename) cannot swap the file under a reader
    // between the metadata lookup and the first read.
    const fd = fs.openSync(file, "r");
    return fs.createReadStream("", { fd, start: range?.start, end: range?.end });
  }

  async getObjectBuffer(bucket: string, key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.getObjectStream(bucket, key)) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  listObjects(bucket: string, prefix: string): StoredObject[] {
    const map = this.objectMap(bucket);
    return this.keysOf(bucket)
      .filter((key) => key.startsWith(prefix))
      .map((key) => {
        const found = map.get(key)!;
        return { ...found, lastModified: new Date(found.lastModified) };
      });
  }

  /** All keys of a bucket in S3's order (UTF-8 binary); cached until the next write. */
  keysOf(bucket: string): string[] {
    this.requireBucket(bucket);
    let keys = this.sortedKeys.get(bucket);
    if (!keys) {
      keys = [...this.objectMap(bucket).keys()].sort(compareUtf8);
      this.sortedKeys.set(bucket, keys);
    }
    return keys;
  }

  deleteObject(bucket: string, key: string): void {
    this.requireBucket(bucket);
    validateKey(key);
    const map = this.objectMap(bucket);
    if (!map.has(key)) {
      return; // S3 deletes are idempotent: deleting a missing key succeeds.
    }
    const bucketDir = path.join(this.dataRoot, bucket);
    const file = path.join(bucketDir, keyToRelativePath(key));
    fs.rmSync(this.metaFile(bucket, key), { force: true });
    fs.rmSync(file, { force: true });
    map.delete(key);
    this.sortedKeys.delete(bucket);
    this.pruneEmptyFolders(path.dirname(file), bucketDir);
  }

  async copyObject(
    source: { bucket: string; key: string },
    target: { bucket: string; key: string },
    replace?: Omit<PutOptions, "checksum">,
  ): Promise<StoredObject> {
    const original = this.requireObject(source.bucket, source.key);
    this.requireBucket(target.bucket);
    const options: PutOptions = replace ?? {
      contentType: original.contentType,
      userMetadata: original.userMetadata,
      contentEncoding: original.contentEncoding,
      contentDisposition: original.contentDisposition,
      contentLanguage: original.contentLanguage,
      cacheControl: original.cacheControl,
      expires: original.expires,
    };
    const checksum = original.checksum;
    return this.putObject(
      target.bucket,
      target.key,
      this.getObjectStream(source.bucket, source.key),
      {
        ...options,
        checksum: () => checksum,
      },
    );
  }

  // ---- multipart uploads ----

  createMultipartUpload(
    bucket: string,
    key: string,
    options: Omit<PutOptions, "checksum">,
    checksumAlgorithm?: string,
  ): UploadRecord {
    this.requireBucket(bucket);
    keyToRelativePath(key);
    const record: UploadRecord = {
      uploadId: crypto.randomBytes(24).toString("base64url"),
      bucket,
      key,
      initiated: this.clock.now().toISOString(),
      options,
      checksumAlgorithm,
    };
    writeFileAtomic(
      path.join(this.uploadDir(bucket, record.uploadId), "upload.json"),
      JSON.stringify(record, null, 2) + "\n",
    );
    return record;
  }

  getUpload(bucket: string, key: string, uploadId: string): UploadRecord {
    this.requireBucket(bucket);
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(uploadId)) {
      throw noSuchUpload(uploadId);
    }
    const file = path.join(this.uploadDir(bucket, uploadId), "upload.json");
    if (!fs.existsSync(file)) {
      throw noSuchUpload(uploadId);
    }
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as UploadRecord;
    if (record.key !== key) {
      throw noSuchUpload(uploadId);
    }
    return record;
  }

  async uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    checksum?: () => { algorithm: string; value: string } | undefined,
  ): Promise<PartRecord> {
    const upload = this.getUpload(bucket, key, uploadId);
    validatePartNumber(partNumber);
    const { temp, size, md5 } = await this.receive(body);
    const dir = this.uploadDir(upload.bucket, uploadId);
    if (!fs.existsSync(dir)) {
      fs.rmSync(temp, { force: true });
      throw noSuchUpload(uploadId); // aborted while the part was streaming in
    }
    const part: PartRecord = {
      partNumber,
      etag: `"${md5.toString("hex")}"`,
      size,
      lastModified: this.clock.now().toISOString(),
      checksum: checksum?.(),
    };
    fs.renameSync(temp, path.join(dir, partFileName(partNumber)));
    writeFileAtomic(
      path.join(dir, `${partFileName(partNumber)}.json`),
      JSON.stringify(part) + "\n",
    );
    return part;
  }

  listParts(bucket: string, key: string, uploadId: string): PartRecord[] {
    this.getUpload(bucket, key, uploadId);
    const dir = this.uploadDir(bucket, uploadId);
    return fs
      .readdirSync(dir)
      .filter((name) => /^part-\d{5}\.json$/.test(name))
      .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as PartRecord)
      .sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Lists pending uploads of a bucket (oldest first). */
  listUploads(bucket: string): UploadRecord[] {
    this.requireBucket(bucket);
    const root = path.join(this.metaRoot, bucket, "uploads");
    if (!fs.existsSync(root)) return [];
    return fs
      .readdirSync(root)
      .map((id) => path.join(root, id, "upload.json"))
      .filter((file) => fs.existsSync(file))
      .map((file) => JSON.parse(fs.readFileSync(file, "utf8")) as UploadRecord)
      .sort((a, b) => compareUtf8(a.key, b.key) || a.initiated.localeCompare(b.initiated));
  }

  async completeMultipartUpload(
    bucket: string,
    key: string,
    uploadId: string,
    requested: { partNumber: number; etag: string }[],
  ): Promise<StoredObject> {
    const upload = this.getUpload(bucket, key, uploadId);
    if (requested.length === 0) {
      throw new AwsError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
      );
    }
    const uploaded = new Map(
      this.listParts(bucket, key, uploadId).map((part) => [part.partNumber, part]),
    );
    const chosen: PartRecord[] = [];
    requested.forEach((want, index) => {
      if (index > 0 && want.partNumber <= requested[index - 1].partNumber) {
        throw new AwsError(
          "InvalidPartOrder",
          "The list of parts was not in ascending order. Parts must be ordered by part number.",
          400,
          {
            UploadId: uploadId,
          },
        );
      }
      const part = uploaded.get(want.partNumber);
      if (!part || stripQuotes(part.etag) !== stripQuotes(want.etag)) {
        throw new AwsError(
          "InvalidPart",
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          400,
          { UploadId: uploadId, PartNumber: String(want.partNumber), ETag: want.etag },
        );
      }
      chosen.push(part);
    });
    chosen.slice(0, -1).forEach((part) => {
      if (part.size < MIN_PART_SIZE) {
        throw new AwsError(
          "EntityTooSmall",
          "Your proposed upload is smaller than the minimum allowed object size.",
          400,
          {
            ProposedSize: String(part.size),
            MinSizeAllowed: String(MIN_PART_SIZE),
            PartNumber: String(part.partNumber),
            ETag: part.etag,
          },
        );
      }
    });
    const dir = this.uploadDir(bucket, uploadId);
    const joined = new PassThrough();
    const feed = (async () => {
      for (const part of chosen) {
        await pipeline(fs.createReadStream(path.join(dir, partFileName(part.partNumber))), joined, {
          end: false,
        });
      }
      joined.end();
    })();
    feed.catch((error) => joined.destroy(error as Error));
    const relative = keyToRelativePath(key);
    const { temp, size } = await this.receive(joined);
    const md5s = Buffer.concat(chosen.map((part) => Buffer.from(stripQuotes(part.etag), "hex")));
    const etag = `"${crypto.createHash("md5").update(md5s).digest("hex")}-${chosen.length}"`;
    const stored = await this.commit(bucket, key, relative, temp, {
      etag,
      size,
      options: upload.options,
      partsCount: chosen.length,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return stored;
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): void {
    this.getUpload(bucket, key, uploadId);
    fs.rmSync(this.uploadDir(bucket, uploadId), { recursive: true, force: true });
  }

  // ---- internals ----

  private objectMap(bucket: string): Map<string, StoredObject> {
    let map = this.objects.get(bucket);
    if (!map) {
      map = new Map();
      this.objects.set(bucket, map);
    }
    return map;
  }

  private metaFile(bucket: string, key: string): string {
    const hash = crypto.createHash("sha256").update(key, "utf8").digest("hex");
    return path.join(this.metaRoot, bucket, "objects", hash.slice(0, 2), `${hash}.json`);
  }

  private uploadDir(bucket: string, uploadId: string): string {
    return path.join(this.metaRoot, bucket, "uploads", uploadId);
  }

  /** Streams a body into a temp file, measuring size and MD5 (unless the caller gave it). */
  private async receive(
    body: Readable,
    knownMd5?: Buffer,
  ): Promise<{ temp: string; size: number; md5: Buffer }> {
    const temp = this.tempFile();
    const meter = new Md5Meter(knownMd5 === undefined);
    try {
      await pipeline(body, meter, fs.createWriteStream(temp));
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
    return { temp, size: meter.size, md5: knownMd5 ?? meter.md5!.digest() };
  }

  /** A fresh temp file name in the store's temp folder (cleared at open). */
  private tempFile(): string {
    return path.join(this.tempDir, `${process.pid}-${crypto.randomBytes(8).toString("hex")}`);
  }

  /**
   * Makes a received temp file the object. The metadata document is written and fsynced first,
   * off the event loop (a synchronous fsync here stalled every request for milliseconds at each
   * capture flush); then data and metadata are renamed into place in one synchronous step, so
   * concurrent writers of a key finish in a single order and the index, the data file and the
   * metadata file always agree on the last one.
   */
  private async commit(
    bucket: string,
    key: string,
    relative: string,
    temp: string,
    result: {
      etag: string;
      size: number;
      options: PutOptions;
      checksum?: { algorithm: string; value: string };
      partsCount?: number;
    },
  ): Promise<StoredObject> {
    const { options } = result;
    const stored: StoredObject = {
      bucket,
      key,
      size: result.size,
      etag: result.etag,
      contentType: options.contentType || DEFAULT_CONTENT_TYPE,
      lastModified: this.clock.now(),
      userMetadata: { ...(options.userMetadata ?? {}) },
      contentEncoding: options.contentEncoding,
      contentDisposition: options.contentDisposition,
      contentLanguage: options.contentLanguage,
      cacheControl: options.cacheControl,
      expires: options.expires,
      checksum: result.checksum,
      partsCount: result.partsCount,
    };
    const persisted: PersistedObject = {
      ...stored,
      lastModified: stored.lastModified.toISOString(),
    };
    const metaTemp = this.tempFile();
    try {
      await writeFileSynced(metaTemp, JSON.stringify(persisted) + "\n");
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
    const file = path.join(this.dataRoot, bucket, relative);
    const metaFile = this.metaFile(bucket, key);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.renameSync(temp, file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      fs.rmSync(metaTemp, { force: true });
      throw this.storageError(bucket, key, error as NodeJS.ErrnoException);
    }
    try {
      fs.mkdirSync(path.dirname(metaFile), { recursive: true });
      fs.renameSync(metaTemp, metaFile);
    } catch (error) {
      fs.rmSync(metaTemp, { force: true });
      throw error;
    }
    this.objectMap(bucket).set(key, stored);
    this.sortedKeys.delete(bucket);
    return { ...stored };
  }

  /** Why a key could not become a file, in S3's words where it has some. */
  private storageError(bucket: string, key: string, error: NodeJS.ErrnoException): Error {
    const code = error.code;
    if (code === "ENOTDIR" || code === "EEXIST" || code === "EISDIR" || code === "ENOTEMPTY") {
      return new AwsError(
        "InvalidArgument",
        `The local emulator cannot store key "${key}": it keeps objects as files under s3/${bucket}/, where one name cannot be both a file and a folder, and another key already uses "${key}" ${code === "ENOTDIR" || code === "EEXIST" ? "as a file on its path" : "as a folder"}. Choose keys where no key is a prefix-folder of another key.`,
        400,
        { ArgumentName: "key", ArgumentValue: key },
      );
    }
    if (code === "ENAMETOOLONG") {
      return new AwsError(
        "KeyTooLongError",
        "Your key is too long (a segment of it is too long for the local file system).",
        400,
        { Key: key },
      );
    }
    return error;
  }

  private pruneEmptyFolders(dir: string, stopAt: string): void {
    let current = dir;
    while (current.startsWith(stopAt + path.sep)) {
      try {
        fs.rmdirSync(current);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
      current = path.dirname(current);
    }
  }

  private load(): void {
    if (!fs.existsSync(this.metaRoot)) return;
    for (const bucket of fs.readdirSync(this.metaRoot)) {
      const recordFile = path.join(this.metaRoot, bucket, "bucket.json");
      if (!fs.existsSync(recordFile)) continue;
      this.buckets.set(bucket, JSON.parse(fs.readFileSync(recordFile, "utf8")) as BucketRecord);
      const map = this.objectMap(bucket);
      const objectsDir = path.join(this.metaRoot, bucket, "objects");
      if (!fs.existsSync(objectsDir)) continue;
      for (const shard of fs.readdirSync(objectsDir)) {
        for (const name of fs.readdirSync(path.join(objectsDir, shard))) {
          if (!name.endsWith(".json") || name.startsWith(TEMP_PREFIX)) continue;
          const persisted = JSON.parse(
            fs.readFileSync(path.join(objectsDir, shard, name), "utf8"),
          ) as PersistedObject;
          map.set(persisted.key, { ...persisted, lastModified: new Date(persisted.lastModified) });
        }
      }
    }
  }
}

function partFileName(partNumber: number): string {
  return `part-${String(partNumber).padStart(5, "0")}`;
}

export function validatePartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new AwsError(
      "InvalidArgument",
      "Part number must be an integer between 1 and 10000, inclusive",
      400,
      {
        ArgumentName: "partNumber",
        ArgumentValue: String(partNumber),
      },
    );
  }
}

export function stripQuotes(etag: string): string {
  return etag.trim().replace(/^"|"$/g, "");
}
