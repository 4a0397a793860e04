/**
 * Captured invocations wait for the flush worker as copied bytes (capturedRecords.ts): read back
 * they are the invocations that were appended, whatever their payloads, content types and
 * optional fields; the worker's lines are exactly captureRecordLine's for the event ids it drew,
 * one fresh UUID per record; encoded lines pass through as they are; and bytes that are not
 * whole records are refused, never half-read.
 */
import {
  appendInvocation,
  appendLine,
  readRecords,
  RecordLineWriter,
  RECORD_OVERHEAD_ESTIMATE,
} from "../../helpers/local/runtime/capture/capturedRecords";
import {
  joinForTransfer,
  PendingRecords,
} from "../../helpers/local/runtime/capture/pendingRecords";
import {
  captureRecordLine,
  type CapturedInvocation,
  type CaptureSettings,
} from "../../helpers/local/runtime/capture/record";
import { CAPTURE_SETTINGS } from "./runtime.fixtures";

const SETTINGS: CaptureSettings = {
  ...CAPTURE_SETTINGS,
  jsonContentTypes: ["application/json"],
};
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const time = (ms: number) => new Date(Date.UTC(2024, 2, 5, 14, 7, 9) + ms);

const INVOCATIONS: CapturedInvocation[] = [
  {
    input: { body: Buffer.from("1,2,3.5\n"), contentType: "text/csv" },
    output: { body: Buffer.from("0.0752\n"), contentType: "text/csv; charset=utf-8" },
    time: time(1),
  },
  {
    input: { body: Buffer.alloc(0), contentType: undefined },
    output: { body: Buffer.from([0, 255, 0x0a, 0x22]), contentType: "" },
    inferenceId: "row-17",
    customAttributes: 'trace="1"; \u2713 \ud83d\ude00',
    time: time(2.5),
  },
  {
    input: { body: Buffer.from('{"a":"é"}'), contentType: "application/json" },
    output: { body: Buffer.alloc(0), contentType: "application/x-npy" },
    inferenceId: "",
    time: time(-86_400_000 * 400),
  },
  {
    // Larger than a 256 KiB chunk of PendingRecords, and than the encoder's scratch buffer.
    input: { body: Buffer.alloc(300_000, "7,"), contentType: "text/csv" },
    output: { body: Buffer.from("1"), contentType: "text/csv" },
    customAttributes: "",
    time: time(999),
  },
];

function pendingOf(fill: (pending: PendingRecords) => void): Uint8Array {
  const pending = new PendingRecords();
  fill(pending);
  return joinForTransfer(pending.take().chunks);
}

test("invocations read back as they were appended, payloads copied at once", () => {
  const scratch = Buffer.from("5,6,7");
  const reused: CapturedInvocation = {
    input: { body: scratch, contentType: "text/csv" },
    output: { body: scratch.subarray(0, 1), contentType: "text/csv" },
    time: time(3),
  };
  const bytes = pendingOf((pending) => {
    for (const invocation of INVOCATIONS) {
      const estimate = appendInvocation(pending, invocation);
      const payloads = invocation.input.body.length + invocation.output.body.length;
      expect(estimate).toBeGreaterThan(payloads + RECORD_OVERHEAD_ESTIMATE);
    }
    appendInvocation(pending, reused);
    scratch.fill(0x58); // the caller reuses its buffer: what was appended must not change
  });
  const read = [...readRecords(bytes)].map((record) => {
    if (record.kind !== "invocation") throw new Error("expected an invocation");
    return record.invocation;
  });
  // Bodies as base64 text: jest compares big Buffers element by element, slowly.
  const comparable = (invocation: CapturedInvocation) => ({
    ...invocation,
    input: { ...invocation.input, body: invocation.input.body.toString("base64") },
    output: { ...invocation.output, body: invocation.output.body.toString("base64") },
  });
  const copiedAtOnce: CapturedInvocation = {
    ...reused,
    input: { ...reused.input, body: Buffer.from("5,6,7") },
    output: { ...reused.output, body: Buffer.from("5") },
  };
  expect(read.map(comparable)).toEqual([...INVOCATIONS, copiedAtOnce].map(comparable));
  // Absent optional fields stay absent (the record then has no such key), not undefined values.
  expect("inferenceId" in read[0]).toBe(false);
  expect(read[2].inferenceId).toBe("");
  expect(read[1].input.contentType).toBeUndefined();
  expect(read[1].output.contentType).toBe("");
});

test("the worker's lines are captureRecordLine's, each with a fresh event id", () => {
  const writer = new RecordLineWriter();
  const bytes = pendingOf((pending) => {
    for (let i = 0; i < 50; i++) appendInvocation(pending, INVOCATIONS[i % INVOCATIONS.length]);
    appendLine(pending, '{"already":"encoded"}');
  });
  for (const settings of [
    SETTINGS,
    { ...SETTINGS, captureInput: false },
    { ...SETTINGS, captureOutput: false, csvContentTypes: [] },
  ]) {
    const text = writer.lines(bytes, settings).toString("utf8");
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines).toHaveLength(51);
    const ids = new Set<string>();
    lines.slice(0, 50).forEach((line, i) => {
      const eventId = JSON.parse(line).eventMetadata.eventId as string;
      expect(eventId).toMatch(UUID_V4);
      ids.add(eventId);
      expect(line).toBe(captureRecordLine(INVOCATIONS[i % INVOCATIONS.length], settings, eventId));
    });
    expect(ids.size).toBe(50);
    expect(lines[50]).toBe('{"already":"encoded"}');
  }
});

test("payloads read from a batch at every alignment encode as captureRecordLine's", () => {
  // The worker reads payloads as spans of the batch and checks long ones four bytes at a time
  // through one view of its memory: each special byte at the head, inside and at the tail of a
  // 70-byte payload, with the records before it shifting the payload's alignment.
  const writer = new RecordLineWriter();
  const invocations: CapturedInvocation[] = [];
  for (const special of [0x00, 0x09, 0x1f, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xff]) {
    for (const position of [0, 1, 2, 3, 33, 66, 67, 68, 69]) {
      for (let shift = 0; shift < 4; shift++) {
        const body = Buffer.alloc(70, 0x37);
        body[position] = special;
        invocations.push({
          input: { body, contentType: "text/csv" },
          output: { body: Buffer.alloc(shift + 1, 0x31), contentType: "text/csv" },
          time: time(shift),
        });
      }
    }
  }
  const bytes = pendingOf((pending) => {
    for (const invocation of invocations) appendInvocation(pending, invocation);
  });
  const lines = writer.lines(bytes, SETTINGS).toString("utf8").slice(0, -1).split("\n");
  expect(lines).toHaveLength(invocations.length);
  lines.forEach((line, i) => {
    const eventId = JSON.parse(line).eventMetadata.eventId as string;
    expect(line).toBe(captureRecordLine(invocations[i], SETTINGS, eventId));
  });
});

test("each call's output is exactly its own batch's lines (the writer's buffer is reused)", () => {
  const writer = new RecordLineWriter();
  const lineOf = (n: number, i: number) => `line ${n} ${i} ${"x".repeat(5000)}`;
  const textOf = (n: number) => Array.from({ length: n }, (_, i) => `${lineOf(n, i)}\n`).join("");
  const batch = (n: number) =>
    pendingOf((pending) => {
      for (let i = 0; i < n; i++) appendLine(pending, lineOf(n, i));
    });
  // 1.5 MB: past the writer's first buffer, which grows; then a small batch in the same buffer.
  expect(writer.lines(batch(300), undefined).toString("utf8")).toBe(textOf(300));
  expect(writer.lines(batch(10), undefined).toString("utf8")).toBe(textOf(10));
});

test("bytes that are not whole records are refused; invocations need settings", () => {
  const bytes = Buffer.from(pendingOf((pending) => appendInvocation(pending, INVOCATIONS[0])));
  for (const cut of [1, 4, 5, 20, bytes.length - 1]) {
    expect(() => [...readRecords(bytes.subarray(0, cut))]).toThrow(/cut at byte 0/);
  }
  const unknown = Buffer.from(bytes);
  unknown[4] = 9;
  expect(() => [...readRecords(unknown)]).toThrow(/unknown capture record kind 9/);
  expect(() => new RecordLineWriter().lines(bytes, undefined)).toThrow(/without capture settings/);
  expect([...readRecords(new Uint8Array(0))]).toEqual([]);
});
