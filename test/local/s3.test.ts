/**
 * S3 through the real @aws-sdk/client-s3 (and lib-storage) against a started emulator.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

let aws: TestLocalAws;

beforeAll(async () => {
  aws = await startTestLocalAws();
});

afterAll(async () => {
  await aws.stop();
});

/** The AWS error a command fails with (fails the test if it succeeds). */
async function errorOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as S3ServiceException;
  }
  throw new Error("expected the command to fail");
}

const md5 = (data: Buffer | string) => crypto.createHash("md5").update(data).digest("hex");

describe("buckets", () => {
  test("create, head, list, location, delete", async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "bucket-life" }));
    const head = await aws.s3.send(new HeadBucketCommand({ Bucket: "bucket-life" }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe("us-east-1");
    const list = await aws.s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain("bucket-life");
    expect(list.Buckets?.find((b) => b.Name === "bucket-life")?.CreationDate).toBeInstanceOf(Date);
    await aws.s3.send(new CreateBucketCommand({ Bucket: "bucket-life-2" }));
    await aws.s3.send(new CreateBucketCommand({ Bucket: "bucket-life-3" }));
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await aws.s3.send(
        new ListBucketsCommand({ Prefix: "bucket-life", MaxBuckets: 2, ContinuationToken: token }),
      );
      names.push(...(page.Buckets ?? []).map((b) => b.Name!));
      token = page.ContinuationToken;
    } while (token);
    expect(names).toEqual(["bucket-life", "bucket-life-2", "bucket-life-3"]);
    await aws.s3.send(new DeleteBucketCommand({ Bucket: "bucket-life-2" }));
    await aws.s3.send(new DeleteBucketCommand({ Bucket: "bucket-life-3" }));
    const location = await aws.s3.send(new GetBucketLocationCommand({ Bucket: "bucket-life" }));
    expect(location.LocationConstraint).toBeUndefined();
    await aws.s3.send(new DeleteBucketCommand({ Bucket: "bucket-life" }));
    const missing = await errorOf(aws.s3.send(new HeadBucketCommand({ Bucket: "bucket-life" })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  test("AWS errors: BucketAlreadyOwnedByYou, NoSuchBucket, BucketNotEmpty, InvalidBucketName", async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "bucket-errors" }));
    const again = await errorOf(aws.s3.send(new CreateBucketCommand({ Bucket: "bucket-errors" })));
    expect(again.name).toBe("BucketAlreadyOwnedByYou");
    expect(again.$metadata.httpStatusCode).toBe(409);

    const noBucket = await errorOf(
      aws.s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k" })),
    );
    expect(noBucket.name).toBe("NoSuchBucket");
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
    expect(noBucket.message).toBe("The specified bucket does not exist");

    await aws.s3.send(new PutObjectCommand({ Bucket: "bucket-errors", Key: "k", Body: "x" }));
    const notEmpty = await errorOf(
      aws.s3.send(new DeleteBucketCommand({ Bucket: "bucket-errors" })),
    );
    expect(notEmpty.name).toBe("BucketNotEmpty");
    expect(notEmpty.$metadata.httpStatusCode).toBe(409);

    const invalid = await errorOf(aws.s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })));
    expect(invalid.name).toBe("InvalidBucketName");
  });
});

describe("objects", () => {
  beforeAll(async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "objects" }));
  });

  test("put, get, head keep body, ETag, Content-Type, Content-Length, Last-Modified and metadata", async () => {
    const body = "a,b,c\n1,2,3\n";
    const put = await aws.s3.send(
      new PutObjectCommand({
        Bucket: "objects",
        Key: "data/train file.csv",
        Body: body,
        ContentType: "text/csv",
        Metadata: { source: "lab1" },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await aws.s3.send(
      new GetObjectCommand({ Bucket: "objects", Key: "data/train file.csv" }),
    );
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ETag).toBe(put.ETag);
    expect(got.ContentType).toBe("text/csv");
    expect(got.ContentLength).toBe(body.length);
    expect(got.Metadata).toEqual({ source: "lab1" });
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(got.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
    const head = await aws.s3.send(
      new HeadObjectCommand({ Bucket: "objects", Key: "data/train file.csv" }),
    );
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(put.ETag);
    // Stored as a file under s3/<bucket>/<key>.
    expect(
      fs.readFileSync(path.join(aws.workspace, "s3", "objects", "data", "train file.csv"), "utf8"),
    ).toBe(body);
  });

  test("keys with unicode, spaces, plus signs and empty segments round-trip", async () => {
    const keys = ["ü/ñ 1+2=3.txt", "a//b", "folder/", "100%/x"];
    for (const key of keys) {
      await aws.s3.send(new PutObjectCommand({ Bucket: "objects", Key: key, Body: key }));
    }
    for (const key of keys) {
      const got = await aws.s3.send(new GetObjectCommand({ Bucket: "objects", Key: key }));
      expect(await got.Body!.transformToString()).toBe(key);
    }
  });

  test("streamed bodies (aws-chunked with a CRC32 trailer) are decoded and verified", async () => {
    const data = crypto.randomBytes(300_000);
    const put = await aws.s3.send(
      new PutObjectCommand({
        Bucket: "objects",
        Key: "stream.bin",
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
      }),
    );
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const got = await aws.s3.send(
      new GetObjectCommand({ Bucket: "objects", Key: "stream.bin", ChecksumMode: "ENABLED" }),
    );
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  test("GetObject ranges: first bytes, open end, suffix, and InvalidRange past the end", async () => {
    const body = "0123456789";
    await aws.s3.send(new PutObjectCommand({ Bucket: "objects", Key: "digits", Body: body }));
    const get = (range: string) =>
      aws.s3.send(new GetObjectCommand({ Bucket: "objects", Key: "digits", Range: range }));
    const first = await get("bytes=0-3");
    expect(await first.Body!.transformToString()).toBe("0123");
    expect(first.ContentRange).toBe("bytes 0-3/10");
    expect(first.$metadata.httpStatusCode).toBe(206);
    expect(await (await get("bytes=7-")).Body!.transformToString()).toBe("789");
    expect(await (await get("bytes=-2")).Body!.transformToString()).toBe("89");
    expect(await (await get("bytes=8-100")).Body!.transformToString()).toBe("89");
    const invalid = await errorOf(get("bytes=10-12"));
    expect(invalid.name).toBe("InvalidRange");
    expect(invalid.$metadata.httpStatusCode).toBe(416);
  });

  test("NoSuchKey for a missing key; DeleteObject is idempotent", async () => {
    const missing = await errorOf(
      aws.s3.send(new GetObjectCommand({ Bucket: "objects", Key: "nope" })),
    );
    expect(missing.name).toBe("NoSuchKey");
    expect(missing.message).toBe("The specified key does not exist.");
    const head = await errorOf(
      aws.s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "nope" })),
    );
    expect(head.$metadata.httpStatusCode).toBe(404);
    await aws.s3.send(new PutObjectCommand({ Bucket: "objects", Key: "to-delete/x", Body: "x" }));
    await aws.s3.send(new DeleteObjectCommand({ Bucket: "objects", Key: "to-delete/x" }));
    await aws.s3.send(new DeleteObjectCommand({ Bucket: "objects", Key: "to-delete/x" }));
    expect(
      (await errorOf(aws.s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "to-delete/x" }))))
        .$metadata.httpStatusCode,
    ).toBe(404);
    // The emptied folder is pruned from disk.
    expect(fs.existsSync(path.join(aws.workspace, "s3", "objects", "to-delete"))).toBe(false);
  });

  test("CopyObject copies data and metadata, or replaces metadata", async () => {
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: "objects",
        Key: "src/original.json",
        Body: '{"a":1}',
        ContentType: "application/json",
        Metadata: { k: "v" },
      }),
    );
    const copy = await aws.s3.send(
      new CopyObjectCommand({
        Bucket: "objects",
        Key: "dst/copy.json",
        CopySource: "objects/src/original.json",
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5('{"a":1}')}"`);
    const copied = await aws.s3.send(
      new GetObjectCommand({ Bucket: "objects", Key: "dst/copy.json" }),
    );
    expect(await copied.Body!.transformToString()).toBe('{"a":1}');
    expect(copied.ContentType).toBe("application/json");
    expect(copied.Metadata).toEqual({ k: "v" });
    await aws.s3.send(
      new CopyObjectCommand({
        Bucket: "objects",
        Key: "src/original.json",
        CopySource: "/objects/src/original.json",
        MetadataDirective: "REPLACE",
        ContentType: "text/plain",
        Metadata: { other: "1" },
      }),
    );
    const replaced = await aws.s3.send(
      new HeadObjectCommand({ Bucket: "objects", Key: "src/original.json" }),
    );
    expect(replaced.ContentType).toBe("text/plain");
    expect(replaced.Metadata).toEqual({ other: "1" });
    const self = await errorOf(
      aws.s3.send(
        new CopyObjectCommand({
          Bucket: "objects",
          Key: "src/original.json",
          CopySource: "objects/src/original.json",
        }),
      ),
    );
    expect(self.name).toBe("InvalidRequest");
    const missing = await errorOf(
      aws.s3.send(
        new CopyObjectCommand({
          Bucket: "objects",
          Key: "dst/x",
          CopySource: "objects/src/missing",
        }),
      ),
    );
    expect(missing.name).toBe("NoSuchKey");
  });

  test("DeleteObjects deletes many keys and reports each", async () => {
    for (const key of ["many/1", "many/2", "many/3"]) {
      await aws.s3.send(new PutObjectCommand({ Bucket: "objects", Key: key, Body: key }));
    }
    const result = await aws.s3.send(
      new DeleteObjectsCommand({
        Bucket: "objects",
        Delete: { Objects: [{ Key: "many/1" }, { Key: "many/3" }, { Key: "many/never-existed" }] },
      }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual([
      "many/1",
      "many/3",
      "many/never-existed",
    ]);
    const left = await aws.s3.send(
      new ListObjectsV2Command({ Bucket: "objects", Prefix: "many/" }),
    );
    expect(left.Contents?.map((c) => c.Key)).toEqual(["many/2"]);
    const quiet = await aws.s3.send(
      new DeleteObjectsCommand({
        Bucket: "objects",
        Delete: { Quiet: true, Objects: [{ Key: "many/2" }] },
      }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
  });

  test("keys that would escape the bucket folder are rejected", async () => {
    for (const key of ["../escape", "a/../../escape", "a/./b", "nul\0byte"]) {
      const error = await errorOf(
        aws.s3.send(new PutObjectCommand({ Bucket: "objects", Key: key, Body: "x" })),
      );
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.name).toBe("InvalidArgument");
    }
    expect(fs.existsSync(path.join(aws.workspace, "s3", "escape"))).toBe(false);
    expect(fs.existsSync(path.join(aws.workspace, "escape"))).toBe(false);
  });
});

describe("listing", () => {
  const keys = ["a/1.csv", "a/2.csv", "a/b/3.csv", "b/4.csv", "c.txt", "d/5.csv", "d/6.csv"];

  beforeAll(async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "listing" }));
    for (const key of keys) {
      await aws.s3.send(new PutObjectCommand({ Bucket: "listing", Key: key, Body: key }));
    }
  });

  test("ListObjectsV2 returns keys in order with size and ETag", async () => {
    const all = await aws.s3.send(new ListObjectsV2Command({ Bucket: "listing" }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(keys);
    expect(all.KeyCount).toBe(keys.length);
    expect(all.IsTruncated).toBe(false);
    expect(all.Contents?.[0].Size).toBe("a/1.csv".length);
    expect(all.Contents?.[0].ETag).toBe(`"${md5("a/1.csv")}"`);
  });

  test("prefix and delimiter roll keys up into CommonPrefixes", async () => {
    const top = await aws.s3.send(new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/" }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(["c.txt"]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/", "d/"]);
    const inA = await aws.s3.send(
      new ListObjectsV2Command({ Bucket: "listing", Prefix: "a/", Delimiter: "/" }),
    );
    expect(inA.Contents?.map((c) => c.Key)).toEqual(["a/1.csv", "a/2.csv"]);
    expect(inA.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/b/"]);
  });

  test("max-keys and continuation tokens page through everything exactly once", async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(
      { client: aws.s3, pageSize: 2 },
      { Bucket: "listing" },
    )) {
      pages++;
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    expect(seen).toEqual(keys);
    expect(pages).toBe(4);
    // Paging with a delimiter counts each CommonPrefix once and never repeats it.
    const entries: string[] = [];
    let token: string | undefined;
    do {
      const page = await aws.s3.send(
        new ListObjectsV2Command({
          Bucket: "listing",
          Delimiter: "/",
          MaxKeys: 1,
          ContinuationToken: token,
        }),
      );
      entries.push(
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
        ...(page.Contents ?? []).map((c) => c.Key!),
      );
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token);
    expect(entries).toEqual(["a/", "b/", "c.txt", "d/"]);
  });

  test("start-after skips keys up to and including it", async () => {
    const after = await aws.s3.send(
      new ListObjectsV2Command({ Bucket: "listing", StartAfter: "b/4.csv" }),
    );
    expect(after.Contents?.map((c) => c.Key)).toEqual(["c.txt", "d/5.csv", "d/6.csv"]);
    expect(after.StartAfter).toBe("b/4.csv");
  });

  test("ListObjects (v1) with marker and NextMarker", async () => {
    const first = await aws.s3.send(new ListObjectsCommand({ Bucket: "listing", MaxKeys: 3 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(keys.slice(0, 3));
    expect(first.IsTruncated).toBe(true);
    const next = await aws.s3.send(
      new ListObjectsCommand({ Bucket: "listing", Marker: first.Contents![2].Key }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(keys.slice(3));
    expect(next.IsTruncated).toBe(false);
    const rolled = await aws.s3.send(
      new ListObjectsCommand({ Bucket: "listing", Delimiter: "/", MaxKeys: 2 }),
    );
    expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/"]);
    expect(rolled.NextMarker).toBe("b/");
    const rest = await aws.s3.send(
      new ListObjectsCommand({ Bucket: "listing", Delimiter: "/", Marker: rolled.NextMarker }),
    );
    expect(rest.Contents?.map((c) => c.Key)).toEqual(["c.txt"]);
    expect(rest.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["d/"]);
  });
});

describe("multipart upload", () => {
  beforeAll(async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "multipart" }));
  });

  test("lib-storage Upload of a body over 5 MB gives the multipart ETag and the same bytes back", async () => {
    const data = crypto.randomBytes(11 * 1024 * 1024 + 123);
    const upload = new Upload({
      client: aws.s3,
      params: {
        Bucket: "multipart",
        Key: "big/model.tar.gz",
        Body: Readable.from([data]),
        ContentType: "application/gzip",
      },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    const done = await upload.done();
    const partMd5s = [0, 1, 2].map((i) =>
      crypto
        .createHash("md5")
        .update(data.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024))
        .digest(),
    );
    const expected = `"${crypto.createHash("md5").update(Buffer.concat(partMd5s)).digest("hex")}-3"`;
    expect(done.ETag).toBe(expected);
    const head = await aws.s3.send(
      new HeadObjectCommand({ Bucket: "multipart", Key: "big/model.tar.gz" }),
    );
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentType).toBe("application/gzip");
    const got = await aws.s3.send(
      new GetObjectCommand({ Bucket: "multipart", Key: "big/model.tar.gz" }),
    );
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    // Nothing of the upload is left behind.
    expect(fs.readdirSync(path.join(aws.workspace, "s3-meta", "multipart", "uploads"))).toEqual([]);
  });

  test("ListParts, part validation, abort", async () => {
    const { UploadId } = await aws.s3.send(
      new CreateMultipartUploadCommand({ Bucket: "multipart", Key: "parts" }),
    );
    const small = await aws.s3.send(
      new UploadPartCommand({
        Bucket: "multipart",
        Key: "parts",
        UploadId,
        PartNumber: 1,
        Body: "small part",
      }),
    );
    await aws.s3.send(
      new UploadPartCommand({
        Bucket: "multipart",
        Key: "parts",
        UploadId,
        PartNumber: 2,
        Body: "last",
      }),
    );
    const parts = await aws.s3.send(
      new ListPartsCommand({ Bucket: "multipart", Key: "parts", UploadId }),
    );
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 10],
      [2, 4],
    ]);
    const tooSmall = await errorOf(
      aws.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "multipart",
          Key: "parts",
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: small.ETag },
              { PartNumber: 2, ETag: parts.Parts![1].ETag },
            ],
          },
        }),
      ),
    );
    expect(tooSmall.name).toBe("EntityTooSmall");
    const wrongEtag = await errorOf(
      aws.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "multipart",
          Key: "parts",
          UploadId,
          MultipartUpload: {
            Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }],
          },
        }),
      ),
    );
    expect(wrongEtag.name).toBe("InvalidPart");
    const order = await errorOf(
      aws.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "multipart",
          Key: "parts",
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: parts.Parts![1].ETag },
              { PartNumber: 1, ETag: small.ETag },
            ],
          },
        }),
      ),
    );
    expect(order.name).toBe("InvalidPartOrder");
    // A single part may be small: it is the last one.
    const single = await aws.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "multipart",
        Key: "parts",
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: small.ETag }] },
      }),
    );
    expect(single.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);

    const aborted = await aws.s3.send(
      new CreateMultipartUploadCommand({ Bucket: "multipart", Key: "aborted" }),
    );
    await aws.s3.send(
      new AbortMultipartUploadCommand({
        Bucket: "multipart",
        Key: "aborted",
        UploadId: aborted.UploadId,
      }),
    );
    const gone = await errorOf(
      aws.s3.send(
        new UploadPartCommand({
          Bucket: "multipart",
          Key: "aborted",
          UploadId: aborted.UploadId,
          PartNumber: 1,
          Body: "x",
        }),
      ),
    );
    expect(gone.name).toBe("NoSuchUpload");
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });
});

describe("persistence", () => {
  test("a restarted emulator serves the same buckets and objects", async () => {
    await aws.s3.send(new CreateBucketCommand({ Bucket: "persisted" }));
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: "persisted",
        Key: "kept/object.txt",
        Body: "still here",
        Metadata: { m: "1" },
      }),
    );
    await aws.restart();
    const got = await aws.s3.send(
      new GetObjectCommand({ Bucket: "persisted", Key: "kept/object.txt" }),
    );
    expect(await got.Body!.transformToString()).toBe("still here");
    expect(got.Metadata).toEqual({ m: "1" });
    const list = await aws.s3.send(new ListObjectsV2Command({ Bucket: "persisted" }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(["kept/object.txt"]);
  });
});
