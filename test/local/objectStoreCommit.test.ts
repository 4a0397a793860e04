/**
 * FileObjectStore's commit, directly: the metadata is fsynced off the event loop, so puts of one
 * key can now interleave; whichever finishes last must win in the index, the data file and the
 * metadata file alike, and a put that fails must leave no temp file behind.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileObjectStore } from "../../helpers/local/s3";

const clock = { now: () => new Date("2026-12-06T03:00:00Z") };
let workspace: string;

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "object-commit-"));
});

afterEach(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
});

const md5 = (data: string) => `"${crypto.createHash("md5").update(data).digest("hex")}"`;
const tempFiles = () => fs.readdirSync(path.join(workspace, "s3-meta", ".tmp"));

test("concurrent puts of one key: the last to finish wins everywhere, also after a reopen", async () => {
  const store = new FileObjectStore(workspace, clock, "us-east-1");
  store.createBucket("bucket");
  const bodies = Array.from({ length: 40 }, (_, i) => `body ${i} `.repeat(1 + (i % 7) * 300));
  const finished: string[] = [];
  await Promise.all(
    bodies.map(async (body) => {
      await store.putObject("bucket", "same/key", body, {
        userMetadata: { body: String(body.length) },
      });
      finished.push(body);
    }),
  );
  const last = finished[finished.length - 1];
  const check = (s: FileObjectStore) => {
    const head = s.headObject("bucket", "same/key")!;
    expect(head.etag).toBe(md5(last));
    expect(head.size).toBe(Buffer.byteLength(last));
    expect(head.userMetadata).toEqual({ body: String(last.length) });
  };
  check(store);
  expect(await store.getObjectBuffer("bucket", "same/key")).toEqual(Buffer.from(last));
  expect(tempFiles()).toEqual([]);
  const reopened = new FileObjectStore(workspace, clock, "us-east-1");
  check(reopened);
  expect(await reopened.getObjectBuffer("bucket", "same/key")).toEqual(Buffer.from(last));
});

test("a put is not visible before it resolves, and is visible as soon as it has", async () => {
  const store = new FileObjectStore(workspace, clock, "us-east-1");
  store.createBucket("bucket");
  const put = store.putObject("bucket", "k", "new");
  expect(store.headObject("bucket", "k")).toBeUndefined();
  const stored = await put;
  expect(store.headObject("bucket", "k")).toEqual(stored);
});

test("a put whose key cannot be a file fails clearly and leaves no temp files or metadata", async () => {
  const store = new FileObjectStore(workspace, clock, "us-east-1");
  store.createBucket("bucket");
  await store.putObject("bucket", "a/b", "file");
  await expect(store.putObject("bucket", "a/b/c", "under a file")).rejects.toMatchObject({
    code: "InvalidArgument",
    status: 400,
  });
  expect(tempFiles()).toEqual([]);
  expect(store.headObject("bucket", "a/b/c")).toBeUndefined();
  const reopened = new FileObjectStore(workspace, clock, "us-east-1");
  expect(reopened.listObjects("bucket", "").map((o) => o.key)).toEqual(["a/b"]);
});

test("putObjectFile moves a finished file in as the object, and removes it when it cannot", async () => {
  const store = new FileObjectStore(workspace, clock, "us-east-1");
  store.createBucket("bucket");
  const file = path.join(workspace, "staged");
  fs.writeFileSync(file, "staged body");
  const digest = crypto.createHash("md5").update("staged body").digest();
  const stored = await store.putObjectFile("bucket", "dc/x.jsonl", file, {
    size: 11,
    md5: digest,
    contentType: "application/octet-stream",
  });
  expect(stored).toMatchObject({ size: 11, etag: md5("staged body") });
  expect(fs.existsSync(file)).toBe(false);
  expect((await store.getObjectBuffer("bucket", "dc/x.jsonl")).toString()).toBe("staged body");
  fs.writeFileSync(file, "again");
  await expect(
    store.putObjectFile("missing-bucket", "k", file, { size: 5, md5: digest }),
  ).rejects.toMatchObject({ code: "NoSuchBucket" });
  expect(fs.existsSync(file)).toBe(false);
  expect(tempFiles()).toEqual([]);
});
