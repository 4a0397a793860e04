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
 * Not SharedArrayBuffer memory, although the lines go to a worker thread: V8 copies into shared
 * memory with relaxed atomic stores, 5x slower per line than into a plain Buffer (124 vs 23 ns for
 * 430 bytes), and that copy is on the request path. The flush copies the taken lines once into a
 * buffer it transfers instead (`joinForTransfer`).
 */

/** Room allocated at a time; a larger line gets a chunk of its own size. */
const CHUNK_BYTES = 256 * 1024;
/** A UTF-16 code unit is at most 3 UTF-8 bytes; one more for the newline. */
const worstCaseBytes = (line: string | Uint8Array) =>
  typeof line === "string" ? line.length * 3 + 1 : line.length + 1;

/**
 * Chunks whose lines are journaled, kept for reuse: appends then write into memory that is
 * already mapped, where each fresh chunk cost 64 page faults on the request path (the copy in
 * `append` took 1.6 us per request at 32 connections with fresh chunks, 0.6 us with reused ones).
 * Shared by every writer in the process; bounded.
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 16;

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
      const size = worstCaseBytes(line);
      this.chunk =
        size <= CHUNK_BYTES && spareChunks.length > 0
          ? spareChunks.pop()!
          : Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size));
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

  /**
   * What take() returned is journaled and will not be read again: chunks no pending line is in
   * any more become spare, to be written again by later appends.
   */
  recycle(taken: { chunks: Buffer[] }): void {
    const done = new Set<ArrayBufferLike>();
    for (const part of taken.chunks) done.add(part.buffer);
    done.delete(this.chunk.buffer);
    for (const part of this.parts) done.delete(part.buffer);
    for (const memory of done) {
      if (memory.byteLength !== CHUNK_BYTES || spareChunks.length >= MAX_SPARE_CHUNKS) continue;
      spareChunks.push(Buffer.from(memory));
    }
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

/**
 * The bytes of `chunks`, in order, in one new ArrayBuffer of exactly their length, which
 * postMessage can transfer (move) to a worker: one copy per flush on the event loop, instead of
 * cloning whole 256 KiB chunks or sharing memory (see PendingLines). Never from Buffer's pool:
 * transferring a pooled slab would detach every small Buffer in it.
 */
export function joinForTransfer(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
