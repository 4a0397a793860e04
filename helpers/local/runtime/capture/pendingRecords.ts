/**
 * Capture records waiting for the flush worker, kept as bytes (in the framing of
 * ./capturedRecords.ts) in large Buffers outside the JavaScript heap.
 *
 * Why not an array of the line strings: at thousands of invocations per second, the two seconds
 * of lines between flushes (megabytes) outlived two scavenges, were promoted to V8's old
 * generation, and were reclaimed by full mark-compact collections: 15 ms pauses every few
 * seconds with capture on, the endpoint's p99 (bench/README.md, "The endpoint"). Written into
 * Buffers, nothing per record outlives the request; the bytes are what the worker needs anyway.
 *
 * Not SharedArrayBuffer memory, although the records go to a worker thread: V8 copies into shared
 * memory with relaxed atomic stores, 5x slower per record than into a plain Buffer (124 vs 23 ns
 * for 430 bytes), and that copy is on the request path. The flush copies the taken records once
 * into a buffer it transfers instead (`joinForTransfer`).
 */

/** Room allocated at a time; a larger record gets a chunk of its own size. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Chunks whose records are journaled, kept for reuse: appends then write into memory that is
 * already mapped, where each fresh chunk cost 64 page faults on the request path (the copy in an
 * append took 1.6 us per request at 32 connections with fresh chunks, 0.6 us with reused ones).
 * Shared by every writer in the process; bounded.
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 16;

export class PendingRecords {
  /** Filled parts of earlier chunks, in order. */
  private parts: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  /** The current chunk's bytes before `start` were taken or moved to `parts`. */
  private start = 0;
  private used = 0;
  private recordCount = 0;

  /**
   * Room for one record of at most `maxBytes`: the caller writes it into the returned chunk from
   * `offset` on, then calls `commit` with the offset just past it, before any other call.
   */
  reserve(maxBytes: number): Buffer {
    if (this.used + maxBytes > this.chunk.length) {
      if (this.used > this.start) this.parts.push(this.chunk.subarray(this.start, this.used));
      this.chunk =
        maxBytes <= CHUNK_BYTES && spareChunks.length > 0
          ? spareChunks.pop()!
          : Buffer.allocUnsafe(Math.max(CHUNK_BYTES, maxBytes));
      this.start = 0;
      this.used = 0;
    }
    return this.chunk;
  }

  /** Where the reserved record starts in the chunk `reserve` returned. */
  get offset(): number {
    return this.used;
  }

  /** The reserved record ends before `end` (an offset in the chunk). */
  commit(end: number): void {
    this.used = end;
    this.recordCount++;
  }

  /** How many records are waiting. */
  get records(): number {
    return this.recordCount;
  }

  /** Everything appended so far, in order, and the number of records; leaves nothing pending. */
  take(): { chunks: Buffer[]; records: number } {
    const chunks = this.parts;
    if (this.used > this.start) chunks.push(this.chunk.subarray(this.start, this.used));
    // Later records go after these bytes in the same chunk: the taken view is never written again.
    this.start = this.used;
    this.parts = [];
    const records = this.recordCount;
    this.recordCount = 0;
    return { chunks, records };
  }

  /**
   * What take() returned is journaled and will not be read again: chunks no pending record is in
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

  /** Puts back what take() returned (it could not be journaled), ahead of any newer records. */
  restore(taken: { chunks: Buffer[]; records: number }): void {
    const newer = this.parts;
    if (this.used > this.start) newer.push(this.chunk.subarray(this.start, this.used));
    this.start = this.used;
    this.parts = [...taken.chunks, ...newer];
    this.recordCount += taken.records;
  }
}

/**
 * The bytes of `chunks`, in order, in one new ArrayBuffer of exactly their length, which
 * postMessage can transfer (move) to a worker: one copy per flush on the event loop, instead of
 * cloning whole 256 KiB chunks or sharing memory (see PendingRecords). Never from Buffer's pool:
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
