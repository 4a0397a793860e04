/**
 * Capture record lines waiting for the next flush, kept as UTF-8 bytes (each line with its
 * newline) in large Buffers outside the JavaScript heap.
 *
 * Why not an array of the line strings: at thousands of invocations per second, the two seconds
 * of lines between flushes (megabytes) outlived two scavenges, were promoted to V8's old
 * generation, and were reclaimed by full mark-compact collections: 15 ms pauses every few
 * seconds with capture on, the endpoint's p99 (bench/README.md, "The endpoint"). Written into
 * Buffers, each line string dies young; the bytes are what the journal and the object need anyway.
 *
 * The chunks are SharedArrayBuffer memory: taken lines go to the capture flush worker
 * (./flushWorker.ts) without a copy, and are never written again.
 */

/** Room allocated at a time; a larger line gets a chunk of its own size. */
const CHUNK_BYTES = 256 * 1024;
/** A UTF-16 code unit is at most 3 UTF-8 bytes; one more for the newline. */
const worstCaseBytes = (line: string | Uint8Array) =>
  typeof line === "string" ? line.length * 3 + 1 : line.length + 1;

export class PendingLines {
  /** Filled parts of earlier chunks, in order. */
  private parts: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  /** The current chunk's bytes before `start` were taken or moved to `parts`. */
  private start = 0;
  private used = 0;
  private lineCount = 0;

  /**
   * Appends a line (without its newline), as text or as its UTF-8 bytes (copied: the caller may
   * reuse them); returns the bytes it took with the newline.
   */
  append(line: string | Uint8Array): number {
    if (this.used + worstCaseBytes(line) > this.chunk.length) {
      if (this.used > this.start) this.parts.push(this.chunk.subarray(this.start, this.used));
      this.chunk = Buffer.from(new SharedArrayBuffer(Math.max(CHUNK_BYTES, worstCaseBytes(line))));
      this.start = 0;
      this.used = 0;
    }
    let written: number;
    if (typeof line === "string") {
      written = this.chunk.write(line, this.used, "utf8");
    } else {
      this.chunk.set(line, this.used);
      written = line.length;
    }
    this.chunk[this.used + written] = 0x0a;
    this.used += written + 1;
    this.lineCount++;
    return written + 1;
  }

  /** How many lines are waiting. */
  get lines(): number {
    return this.lineCount;
  }

  /** Everything appended so far, in order, and the number of lines; leaves nothing pending. */
  take(): { chunks: Buffer[]; lines: number } {
    const chunks = this.parts;
    if (this.used > this.start) chunks.push(this.chunk.subarray(this.start, this.used));
    // Later lines go after these bytes in the same chunk: the taken view is never written again.
    this.start = this.used;
    this.parts = [];
    const lines = this.lineCount;
    this.lineCount = 0;
    return { chunks, lines };
  }

  /** Puts back what take() returned (it could not be journaled), ahead of any newer lines. */
  restore(taken: { chunks: Buffer[]; lines: number }): void {
    const newer = this.parts;
    if (this.used > this.start) newer.push(this.chunk.subarray(this.start, this.used));
    this.start = this.used;
    this.parts = [...taken.chunks, ...newer];
    this.lineCount += taken.lines;
  }
}
