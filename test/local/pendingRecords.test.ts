/**
 * PendingRecords: capture records kept as bytes until a flush takes them, in order, across chunk
 * boundaries, with multi-byte text and records larger than a chunk, and put back ahead of newer
 * records when a journal write fails. Written here as encoded lines (./capturedRecords.test.ts
 * covers invocations).
 */
import { appendLine, RecordLineWriter } from "../../helpers/local/runtime/capture/capturedRecords";
import {
  joinForTransfer,
  PendingRecords,
} from "../../helpers/local/runtime/capture/pendingRecords";

/** The taken records' lines, each with a newline, as the worker journals them. */
const text = (taken: { chunks: Buffer[] }) =>
  new RecordLineWriter().lines(Buffer.concat(taken.chunks), undefined).toString("utf8");

describe("PendingRecords", () => {
  test("lines come back in order with their newlines, across many chunks", () => {
    const pending = new PendingRecords();
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `{"n":${i},"pad":"${"x".repeat(i % 300)}"}`,
    );
    let bytes = 0;
    for (const line of lines) bytes += appendLine(pending, line);
    expect(pending.records).toBe(5000);
    const taken = pending.take();
    expect(taken.chunks.length).toBeGreaterThan(1); // > 256 KiB: more than one chunk
    expect(taken.records).toBe(5000);
    expect(text(taken)).toBe(lines.map((l) => `${l}\n`).join(""));
    expect(bytes).toBe(Buffer.byteLength(text(taken)));
    expect(pending.records).toBe(0);
    expect(pending.take()).toEqual({ chunks: [], records: 0 });
  });

  test("multi-byte text and a line larger than a chunk", () => {
    const pending = new PendingRecords();
    const big = "é中🙂".repeat(100_000); // ~0.9 MB of UTF-8, bigger than a chunk
    appendLine(pending, "before");
    expect(appendLine(pending, big)).toBe(Buffer.byteLength(big) + 1);
    appendLine(pending, "after ü");
    expect(text(pending.take())).toBe(`before\n${big}\nafter ü\n`);
  });

  test("lines given as bytes are copied: the caller may reuse its buffer at once", () => {
    const pending = new PendingRecords();
    const scratch = Buffer.from("first");
    expect(appendLine(pending, scratch)).toBe(6);
    scratch.write("XXXXX");
    appendLine(pending, scratch.subarray(0, 3));
    appendLine(pending, "text é");
    expect(text(pending.take())).toBe("first\nXXX\ntext é\n");
  });

  test("what was taken is never overwritten by later lines", () => {
    const pending = new PendingRecords();
    appendLine(pending, "one");
    const first = pending.take();
    appendLine(pending, "two");
    appendLine(pending, "three");
    const second = pending.take();
    expect(text(first)).toBe("one\n");
    expect(text(second)).toBe("two\nthree\n");
  });

  test("restore puts lines back ahead of lines appended since", () => {
    const pending = new PendingRecords();
    appendLine(pending, "a");
    appendLine(pending, "b");
    const failed = pending.take();
    appendLine(pending, "c");
    pending.restore(failed);
    appendLine(pending, "d");
    expect(pending.records).toBe(4);
    const taken = pending.take();
    expect(taken.records).toBe(4);
    expect(text(taken)).toBe("a\nb\nc\nd\n");
  });
});

test("recycled chunks are reused, and no line pending or in flight is ever overwritten", () => {
  // Writers flushing in turn, failing now and then: take, then restore or recycle.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const writers = [0, 1, 2].map(() => ({
    pending: new PendingRecords(),
    expected: [] as string[],
  }));
  let n = 0;
  for (let step = 0; step < 300; step++) {
    const w = writers[Math.floor(random() * writers.length)];
    const count = Math.floor(random() * 400);
    for (let i = 0; i < count; i++) {
      const line = `${n++} ${"y".repeat(Math.floor(random() * 900))}`;
      appendLine(w.pending, random() < 0.5 ? line : Buffer.from(line));
      w.expected.push(`${line}\n`);
    }
    const taken = w.pending.take();
    // While "in flight", other writers append into recycled chunks: these bytes must hold.
    const snapshot = text(taken);
    for (const other of writers) {
      // The flushing writer too, sometimes past the end of its chunk (the chunk must stay).
      const more = other === w && random() < 0.3 ? 300 : 1;
      for (let i = 0; i < more; i++) {
        const line = `${n++} ${"w".repeat(other === w ? 999 : 0)}`;
        appendLine(other.pending, line);
        other.expected.push(`${line}\n`);
      }
    }
    expect(text(taken)).toBe(snapshot);
    if (random() < 0.2) {
      w.pending.restore(taken);
    } else {
      const expected = w.expected.join("");
      // Lines appended in flight are still pending, after the taken lines.
      expect(expected.startsWith(snapshot)).toBe(true);
      w.expected = [expected.slice(snapshot.length)];
      w.pending.recycle(taken);
    }
  }
  for (const w of writers) expect(text(w.pending.take())).toBe(w.expected.join(""));
});

test("a recycled chunk is the next one written", () => {
  const pending = new PendingRecords();
  const line = "z".repeat(1000);
  for (let i = 0; i < 300; i++) appendLine(pending, line); // 300 kB: past the first 256 KiB chunk
  const taken = pending.take();
  expect(taken.chunks.length).toBe(2);
  const [finished, current] = taken.chunks.map((c) => c.buffer);
  pending.recycle(taken);
  for (let i = 0; i < 300; i++) appendLine(pending, line);
  const next = pending.take().chunks.map((c) => c.buffer);
  expect(next).toEqual([current, finished]);
  expect(next[1]).toBe(finished);
});

test("joinForTransfer: the records in order in one buffer of their own, safe to transfer", () => {
  const pending = new PendingRecords();
  for (let i = 0; i < 2000; i++) appendLine(pending, `line ${i} ${"x".repeat(i % 300)}`);
  const taken = pending.take();
  expect(taken.chunks.length).toBeGreaterThan(1);
  const joined = joinForTransfer(taken.chunks);
  expect(Buffer.from(joined)).toEqual(Buffer.concat(taken.chunks));
  expect(joined.byteOffset).toBe(0);
  expect(joined.buffer.byteLength).toBe(joined.length);
  // Small ones too are never views on Buffer's shared pool (transferring would detach it).
  const small = joinForTransfer([Buffer.from("a\n")]);
  expect(small.buffer.byteLength).toBe(2);
  const moved = structuredClone(small, { transfer: [small.buffer] });
  expect(small.length).toBe(0); // moved, not copied
  expect(Buffer.from(moved).toString()).toBe("a\n");
});
