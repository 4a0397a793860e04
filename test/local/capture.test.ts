/**
 * The data capture writer against the real on-disk object store and a virtual clock: buffering
 * off the request path, complete lines only, hour folders and 60-second files, the periodic and
 * clock-driven flushes, publish failures retried, and crash recovery from the fsynced journal
 * (a torn last line is never published).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VirtualClock } from "../../helpers/local/clock";
import type { ServiceContext } from "../../helpers/local/context";
import {
  JournalFile,
  journalDir,
  journalFile,
  type JournalHeader,
} from "../../helpers/local/runtime/capture/journal";
import { appendLine } from "../../helpers/local/runtime/capture/capturedRecords";
import { FlushThread } from "../../helpers/local/runtime/capture/flushThread";
import {
  captureRecordLine,
  type CapturedInvocation,
} from "../../helpers/local/runtime/capture/record";
import {
  joinForTransfer,
  PendingRecords,
} from "../../helpers/local/runtime/capture/pendingRecords";
import { CaptureWriter, type CaptureTarget } from "../../helpers/local/runtime/capture/writer";
import { EndpointRuntime } from "../../helpers/local/runtime/hosts";
import { FileObjectStore } from "../../helpers/local/s3";
import { FileStateStore } from "../../helpers/local/state";
import { CAPTURE_SETTINGS } from "./runtime.fixtures";

const TARGET: CaptureTarget = {
  bucket: "capture",
  prefix: "dc",
  endpoint: "ep",
  variant: "AllTraffic",
};

let workspace: string;
let clock: VirtualClock;
let objects: FileObjectStore;
const writers: CaptureWriter[] = [];
const logs: string[] = [];

function writer(options: ConstructorParameters<typeof CaptureWriter>[3] = {}): CaptureWriter {
  const created = new CaptureWriter(objects, clock, journalDir(workspace), {
    flushIntervalMs: 3_600_000,
    log: (message) => logs.push(message),
    ...options,
  });
  writers.push(created);
  return created;
}

/** What a reader listing the bucket sees: key -> lines (each must be a whole JSON record). */
async function published(prefix = "dc/"): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const object of objects.listObjects("capture", prefix)) {
    const text = (await objects.getObjectBuffer("capture", object.key)).toString("utf8");
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    for (const line of lines) JSON.parse(line);
    result.set(object.key, lines);
  }
  return result;
}

/** What a run that died after journaling leaves behind. */
function journalLines(file: string, header: JournalHeader, lines: string): void {
  JournalFile.open(file, header, 0).append([Buffer.from(lines)]);
}

function record(n: number): string {
  return JSON.stringify({ n });
}

/** Records `from` to `to` (exclusive) as the writer transfers them to its flush worker. */
function recordsToTransfer(from: number, to: number): Uint8Array {
  const pending = new PendingRecords();
  for (let i = from; i < to; i++) appendLine(pending, record(i));
  return joinForTransfer(pending.take().chunks);
}

beforeEach(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "capture-test-"));
  clock = new VirtualClock();
  await clock.set(new Date("2024-03-05T14:59:00.000Z"));
  objects = new FileObjectStore(workspace, clock, "us-east-1");
  objects.createBucket("capture");
  logs.length = 0;
});

afterEach(async () => {
  for (const w of writers.splice(0)) await w.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test("records wait in memory until a flush, then appear as whole lines", async () => {
  const w = writer();
  w.append(TARGET, clock.now(), record(1));
  w.append(TARGET, clock.now(), record(2));
  expect(objects.listObjects("capture", "")).toEqual([]);
  await w.flush();
  const files = await published();
  expect([...files.values()]).toEqual([[record(1), record(2)]]);
  expect([...files.keys()][0]).toMatch(
    /^dc\/ep\/AllTraffic\/2024\/03\/05\/14\/59-0\d-\d{3}-[0-9a-f-]{36}\.jsonl$/,
  );
  // The open file's lines are journaled on disk until the file is closed and published.
  expect(fs.readdirSync(journalDir(workspace))).toHaveLength(1);
  // The open file is rewritten whole by the next flush: still one object, now three lines.
  w.append(TARGET, clock.now(), record(3));
  await w.flush();
  expect([...(await published()).values()]).toEqual([[record(1), record(2), record(3)]]);
  expect(w.stats()).toEqual({ appended: 3, published: 3, publishFailures: 0 });
  // The ETag is the MD5 of the whole rewritten object (the writer keeps it chunk by chunk).
  const [object] = objects.listObjects("capture", "dc/");
  const bytes = await objects.getObjectBuffer("capture", object.key);
  expect(object.etag).toBe(`"${createHash("md5").update(bytes).digest("hex")}"`);
  expect(object.size).toBe(bytes.length);
});

test("invocations are encoded on the flush worker; new capture settings start a new file", async () => {
  const w = writer();
  const invocation = (n: number): CapturedInvocation => ({
    input: { body: Buffer.from(`${n},2,3`), contentType: "text/csv" },
    output: { body: Buffer.from(`0.${n}\n`), contentType: "text/csv" },
    inferenceId: n % 2 === 0 ? `row-${n}` : undefined,
    time: new Date(clock.now().getTime() + n),
  });
  const settings = { ...CAPTURE_SETTINGS };
  for (let n = 0; n < 5; n++) w.appendInvocation(TARGET, invocation(n), settings);
  // An updated endpoint's settings (output only, JSON as base64 from now on): a file of their own.
  const updated = { ...CAPTURE_SETTINGS, captureInput: false, csvContentTypes: [] };
  for (let n = 5; n < 8; n++) w.appendInvocation(TARGET, invocation(n), updated);
  await w.flush();
  const files = [...(await published()).entries()].sort(([a], [b]) => a.localeCompare(b));
  expect(files.map(([, lines]) => lines.length)).toEqual([5, 3]);
  const lines = files.flatMap(([, l]) => l);
  const ids = lines.map((line) => JSON.parse(line).eventMetadata.eventId as string);
  expect(new Set(ids).size).toBe(8);
  lines.forEach((line, n) => {
    expect(line).toBe(captureRecordLine(invocation(n), n < 5 ? settings : updated, ids[n]));
  });
  expect(w.stats()).toEqual({ appended: 8, published: 8, publishFailures: 0 });
});

test("a file rolls past maxFileBytes: exact for journaled lines, estimated for waiting ones", async () => {
  const w = writer({ maxFileBytes: 10_000 });
  const invocation: CapturedInvocation = {
    input: { body: Buffer.alloc(900, "1"), contentType: "text/csv" },
    output: { body: Buffer.from("0.5"), contentType: "text/csv" },
    time: clock.now(),
  };
  // ~1.2 kB per line: nine fit under 10,000 bytes, the tenth crosses it and closes the file.
  for (let n = 0; n < 5; n++) w.appendInvocation(TARGET, invocation, CAPTURE_SETTINGS);
  await w.flush(); // these five are journaled: their size is known exactly from here on
  for (let n = 5; n < 25; n++) w.appendInvocation(TARGET, invocation, CAPTURE_SETTINGS);
  await w.flush();
  const sizes = [...(await published()).values()].map((lines) => lines.length);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
  expect(sizes.length).toBeGreaterThanOrEqual(3);
  for (const size of sizes) expect(size).toBeLessThanOrEqual(10);
});

test("a file never spans two hours, and rolls after 60 seconds of clock time", async () => {
  const w = writer();
  w.append(TARGET, new Date("2024-03-05T14:59:59.500Z"), record(1));
  w.append(TARGET, new Date("2024-03-05T15:00:00.250Z"), record(2));
  w.append(TARGET, new Date("2024-03-05T15:00:30.000Z"), record(3));
  w.append(TARGET, new Date("2024-03-05T15:01:00.250Z"), record(4));
  w.append({ ...TARGET, variant: "Shadow" }, new Date("2024-03-05T15:01:00.300Z"), record(5));
  await w.flush();
  const files = await published();
  expect([...files.keys()].map((key) => key.replace(/-[0-9a-f-]{36}\.jsonl$/, ""))).toEqual([
    "dc/ep/AllTraffic/2024/03/05/14/59-59-500",
    "dc/ep/AllTraffic/2024/03/05/15/00-00-250",
    "dc/ep/AllTraffic/2024/03/05/15/01-00-250",
    "dc/ep/Shadow/2024/03/05/15/01-00-300",
  ]);
  expect([...files.values()]).toEqual([
    [record(1)],
    [record(2), record(3)],
    [record(4)],
    [record(5)],
  ]);
  // The clock (14:59) is outside every file's hour, so all are closed, and a closed file's
  // journal is removed once it is published.
  expect(fs.readdirSync(journalDir(workspace))).toEqual([]);
});

test("the timer flushes every flushIntervalMs without being asked", async () => {
  const w = writer({ flushIntervalMs: 20 });
  w.append(TARGET, clock.now(), record(1));
  for (let i = 0; i < 200 && objects.listObjects("capture", "dc/").length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect([...(await published()).values()]).toEqual([[record(1)]]);
});

test("buffered lines are journaled every journalIntervalMs, long before a flush publishes them", async () => {
  const w = writer({ journalIntervalMs: 10 });
  const journaled = () =>
    (fs.existsSync(journalDir(workspace)) ? fs.readdirSync(journalDir(workspace)) : [])
      .map((name) => fs.readFileSync(path.join(journalDir(workspace), name), "utf8"))
      .join("")
      .split("\n")
      .slice(1, -1); // after the header line, before the final newline
  const waitForJournal = async (lines: number) => {
    for (let i = 0; i < 300 && journaled().length < lines; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  let n = 0;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 20; i++) w.append(TARGET, clock.now(), record(n++));
    await waitForJournal(n);
    // On disk (a crash now loses none of them, see the recovery test), but not in S3 yet.
    expect(journaled()).toEqual(Array.from({ length: n }, (_, k) => record(k)));
    expect(objects.listObjects("capture", "")).toEqual([]);
  }
  await w.flush();
  expect([...(await published()).values()]).toEqual([
    Array.from({ length: n }, (_, k) => record(k)),
  ]);
  expect(w.stats()).toEqual({ appended: n, published: n, publishFailures: 0 });
});

test("moving the clock forward publishes the capture of the time it skips", async () => {
  const ctx: ServiceContext = {
    region: "us-east-1",
    accountId: "000000000000",
    workspace,
    clock,
    state: new FileStateStore(path.join(workspace, "state")),
    objects,
  };
  const hosts = new EndpointRuntime(ctx, { flushIntervalMs: 3_600_000 });
  try {
    hosts.capture.append(TARGET, clock.now(), record(1));
    await clock.advance("1h");
    expect([...(await published()).values()]).toEqual([[record(1)]]);
  } finally {
    await hosts.close();
  }
});

test("a missing bucket is reported and retried; nothing is dropped", async () => {
  const w = writer();
  const target = { ...TARGET, bucket: "later" };
  w.append(target, clock.now(), record(1));
  await w.flush();
  await w.flush();
  expect(w.stats().publishFailures).toBe(2);
  expect(logs).toHaveLength(1); // reported once, retried quietly
  expect(logs[0]).toMatch(/could not write s3:\/\/later\/dc\/ep\/.* \(will retry\): .*bucket/i);
  objects.createBucket("later");
  w.append(target, clock.now(), record(2));
  await w.flush();
  const keys = objects.listObjects("later", "");
  expect(keys).toHaveLength(1);
  const text = (await objects.getObjectBuffer("later", keys[0].key)).toString();
  expect(text).toBe(`${record(1)}\n${record(2)}\n`);
  expect(w.stats()).toMatchObject({ appended: 2, published: 2 });
});

test("close publishes everything; appending afterwards fails loudly", async () => {
  const w = writer();
  w.append(TARGET, clock.now(), record(1));
  await w.close();
  expect([...(await published()).values()]).toEqual([[record(1)]]);
  expect(fs.readdirSync(journalDir(workspace))).toEqual([]);
  expect(() => w.append(TARGET, clock.now(), record(2))).toThrow("closed");
});

test("after a crash, journaled lines are republished and a torn last line is not", async () => {
  // A run journaled two lines (fsynced), died before publishing, and tore a third line.
  const key = "dc/ep/AllTraffic/2024/03/05/14/58-00-000-11111111-1111-4111-8111-111111111111.jsonl";
  const header = { bucket: "capture", key };
  const file = journalFile(journalDir(workspace), header);
  journalLines(file, header, `${record(1)}\n${record(2)}\n`);
  fs.appendFileSync(file, '{"n":3,"tor');
  // A journal torn inside its header holds nothing that was flushed.
  const torn = journalFile(journalDir(workspace), { bucket: "capture", key: "dc/x.jsonl" });
  fs.writeFileSync(torn, '{"bucket":"cap');

  // And one for a bucket that does not exist yet: kept and retried, not lost.
  const laterHeader = { bucket: "later", key: "dc/ep/AllTraffic/2024/03/05/14/58-30-000-x.jsonl" };
  const laterFile = journalFile(journalDir(workspace), laterHeader);
  journalLines(laterFile, laterHeader, `${record(9)}\n`);

  // A publish the crash interrupted left its staged copy: the journal is what counts.
  const staged = `${file}.staged`;
  fs.writeFileSync(staged, `${record(1)}\n`);

  const w = writer();
  await w.flush();
  expect(fs.existsSync(staged)).toBe(false);
  const files = await published();
  expect(files.get(key)).toEqual([record(1), record(2)]);
  expect(files.size).toBe(1);
  expect(fs.existsSync(file)).toBe(false);
  expect(fs.existsSync(torn)).toBe(false);
  expect(fs.existsSync(laterFile)).toBe(true);
  expect(logs).toHaveLength(1);
  await w.flush();
  expect(logs).toHaveLength(1); // retried quietly
  objects.createBucket("later");
  await w.flush();
  expect((await objects.getObjectBuffer("later", laterHeader.key)).toString()).toBe(
    `${record(9)}\n`,
  );
  expect(fs.existsSync(laterFile)).toBe(false);
});

test("a record is in exactly one object even when flushes race appends", async () => {
  const w = writer();
  const flushes: Promise<void>[] = [];
  for (let i = 0; i < 500; i++) {
    w.append(TARGET, new Date(clock.now().getTime() + i * 200), record(i));
    if (i % 37 === 0) flushes.push(w.flush());
  }
  await Promise.all(flushes);
  await w.flush();
  const all = [...(await published()).values()].flat();
  expect(all).toHaveLength(500);
  expect(new Set(all).size).toBe(500);
});

test("a journal reopened at what was confirmed drops an append whose outcome was lost", () => {
  const header = { bucket: "capture", key: "dc/cut.jsonl" };
  const file = journalFile(journalDir(workspace), header);
  const first = `${record(1)}\n`;
  const journal = JournalFile.open(file, header, 0);
  journal.append([Buffer.from(first)]);
  // An append that reached the disk (whole or torn) but was never confirmed to the writer.
  fs.appendFileSync(file, `${record(2)}\n{"n":3,"to`);
  const reopened = JournalFile.open(file, header, Buffer.byteLength(first));
  expect(reopened.bytes).toBe(Buffer.byteLength(first));
  reopened.append([Buffer.from(`${record(2)}\n${record(3)}\n`)]);
  const body = `${record(1)}\n${record(2)}\n${record(3)}\n`;
  expect(fs.readFileSync(file, "utf8")).toBe(`${JSON.stringify(header)}\n${body}`);
  const staged = path.join(workspace, "staged");
  expect(reopened.writeBodyTo(staged)).toEqual({
    size: Buffer.byteLength(body),
    md5: createHash("md5").update(body).digest(),
  });
  expect(fs.readFileSync(staged, "utf8")).toBe(body);
  // A journal that lost confirmed bytes is an error, never silently short.
  fs.rmSync(file);
  expect(() => JournalFile.open(file, header, 10)).toThrow(/missing/);
});

test("a staged body is copied from the journal file, whatever happens to the appended buffers", () => {
  const header = { bucket: "capture", key: "dc/copied.jsonl" };
  const file = journalFile(journalDir(workspace), header);
  const journal = JournalFile.open(file, header, 0);
  // One buffer reused for every append (as the line writer does), and more than the 1 MiB
  // the copy goes through, so the body crosses its buffer's end.
  const reused = Buffer.alloc(700_000);
  const expected = createHash("md5");
  const lines: string[] = [];
  for (const fill of ["a", "b"]) {
    const line = `{"fill":"${fill.repeat(reused.length - 12)}"}\n`;
    reused.write(line);
    journal.append([reused]);
    expected.update(line);
    lines.push(line);
  }
  reused.fill(0); // the journal kept nothing of it
  const staged = path.join(workspace, "staged-copy");
  expect(journal.writeBodyTo(staged)).toEqual({
    size: 2 * reused.length,
    md5: expected.digest(),
  });
  expect(fs.readFileSync(staged, "utf8")).toBe(lines.join(""));
  // A journal cut short behind the worker's back is an error, never a short object.
  fs.truncateSync(file, fs.statSync(file).size - 10);
  expect(() => journal.writeBodyTo(staged)).toThrow(/10 bytes short/);
});

test("lines that cannot be journaled stay buffered and are journaled once, later", async () => {
  const w = writer();
  w.append(TARGET, clock.now(), record(1));
  await w.flush();
  // The journal folder becomes a file: every journal write fails (as root, chmod would not).
  const dir = journalDir(workspace);
  const moved = `${dir}.moved`;
  fs.renameSync(dir, moved);
  fs.writeFileSync(dir, "not a folder");
  w.append(TARGET, clock.now(), record(2));
  await w.flush();
  expect(logs.some((l) => /could not journal/.test(l))).toBe(true);
  expect([...(await published()).values()]).toEqual([[record(1)]]);
  fs.rmSync(dir);
  fs.renameSync(moved, dir);
  w.append(TARGET, clock.now(), record(3));
  await w.flush();
  expect([...(await published()).values()]).toEqual([[record(1), record(2), record(3)]]);
  expect(w.stats()).toMatchObject({ appended: 3, published: 3 });
});

test("a flush worker that dies mid-flush loses and duplicates nothing", async () => {
  const thread = new FlushThread();
  const w = writer({ flushThread: thread });
  let n = 0;
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 50; i++) w.append(TARGET, clock.now(), record(n++));
    const flushing = w.flush();
    // Stop the worker at a different moment each round: starting, working or done.
    await new Promise((resolve) => setTimeout(resolve, [0, 2, 30, 300][round % 4]));
    await thread.close();
    await flushing;
  }
  await w.flush();
  expect(logs.filter((l) => /flush worker exited/.test(l)).length).toBeGreaterThan(0);
  const lines = [...(await published()).values()].flat();
  expect(lines).toEqual(Array.from({ length: n }, (_, i) => record(i)));
  expect(w.stats()).toMatchObject({ appended: n, published: n });
});

test("a stopped flush worker's exit fails only its own requests, not its successor's", async () => {
  const thread = new FlushThread();
  const header = { bucket: "capture", key: "dc/successor.jsonl" };
  const request = (key: string) => ({
    journal: journalFile(journalDir(workspace), { ...header, key }),
    header: { ...header, key },
    confirmedBytes: 0,
    records: recordsToTransfer(1, 2),
  });
  await thread.flush(request("dc/first.jsonl")); // the first worker is up
  const first = thread.flush(request("dc/first.jsonl"));
  const stopping = thread.close(); // not awaited: its exit event comes after the next request
  const second = thread.flush(request("dc/second.jsonl")); // starts the successor
  await expect(first).rejects.toThrow(/flush worker exited/);
  await stopping;
  await expect(second).resolves.toMatchObject({ journaledBytes: expect.any(Number) });
  await thread.close();
});

test("a flush request sent again (its reply lost) journals its lines once", async () => {
  const header = { bucket: "capture", key: "dc/again.jsonl" };
  const journal = journalFile(journalDir(workspace), header);
  const lines = (from: number, to: number) =>
    Buffer.from(Array.from({ length: to - from }, (_, i) => `${record(from + i)}\n`).join(""));
  const first = new FlushThread();
  // Each send gets its own copy: the records are transferred to the worker.
  const request = () => ({ journal, header, confirmedBytes: 0, records: recordsToTransfer(0, 3) });
  const once = await first.flush(request());
  const again = await first.flush(request()); // the same worker, which holds the lines already
  expect(again).toMatchObject({ journaledBytes: once.journaledBytes });
  await first.close();
  // A new worker (the old one died) gets the request once more, plus lines that came since.
  const second = new FlushThread();
  const stageTo = path.join(workspace, "staged");
  const reply = await second.flush({ ...request(), records: recordsToTransfer(0, 5), stageTo });
  await second.close();
  const body = lines(0, 5);
  expect(reply).toMatchObject({ journaledBytes: body.length, staged: { size: body.length } });
  expect(Buffer.from(reply.staged!.md5)).toEqual(createHash("md5").update(body).digest());
  expect(fs.readFileSync(stageTo)).toEqual(body);
  expect(fs.readFileSync(journal, "utf8")).toBe(`${JSON.stringify(header)}\n${body}`);
});
