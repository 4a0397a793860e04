/**
 * PendingLines: capture lines kept as bytes until a flush takes them, in order, across chunk
 * boundaries, with multi-byte text and lines larger than a chunk, and put back ahead of newer
 * lines when a journal write fails.
 */
import { PendingLines } from "../../helpers/local/runtime/capture/pendingLines";

const text = (taken: { chunks: Buffer[] }) => Buffer.concat(taken.chunks).toString("utf8");

describe("PendingLines", () => {
  test("lines come back in order with their newlines, across many chunks", () => {
    const pending = new PendingLines();
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `{"n":${i},"pad":"${"x".repeat(i % 300)}"}`,
    );
    let bytes = 0;
    for (const line of lines) bytes += pending.append(line);
    expect(pending.lines).toBe(5000);
    const taken = pending.take();
    expect(taken.chunks.length).toBeGreaterThan(1); // > 256 KiB: more than one chunk
    expect(taken.lines).toBe(5000);
    expect(text(taken)).toBe(lines.map((l) => `${l}\n`).join(""));
    expect(bytes).toBe(Buffer.byteLength(text(taken)));
    expect(pending.lines).toBe(0);
    expect(pending.take()).toEqual({ chunks: [], lines: 0 });
  });

  test("multi-byte text and a line larger than a chunk", () => {
    const pending = new PendingLines();
    const big = "é中🙂".repeat(100_000); // ~0.9 MB of UTF-8, bigger than a chunk
    pending.append("before");
    expect(pending.append(big)).toBe(Buffer.byteLength(big) + 1);
    pending.append("after ü");
    expect(text(pending.take())).toBe(`before\n${big}\nafter ü\n`);
  });

  test("lines given as bytes are copied: the caller may reuse its buffer at once", () => {
    const pending = new PendingLines();
    const scratch = Buffer.from("first");
    expect(pending.append(scratch)).toBe(6);
    scratch.write("XXXXX");
    pending.append(scratch.subarray(0, 3));
    pending.append("text é");
    expect(text(pending.take())).toBe("first\nXXX\ntext é\n");
  });

  test("what was taken is never overwritten by later lines", () => {
    const pending = new PendingLines();
    pending.append("one");
    const first = pending.take();
    pending.append("two");
    pending.append("three");
    const second = pending.take();
    expect(text(first)).toBe("one\n");
    expect(text(second)).toBe("two\nthree\n");
  });

  test("restore puts lines back ahead of lines appended since", () => {
    const pending = new PendingLines();
    pending.append("a");
    pending.append("b");
    const failed = pending.take();
    pending.append("c");
    pending.restore(failed);
    pending.append("d");
    expect(pending.lines).toBe(4);
    const taken = pending.take();
    expect(taken.lines).toBe(4);
    expect(text(taken)).toBe("a\nb\nc\nd\n");
  });
});
