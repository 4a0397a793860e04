/**
 * The capture journal: one local file per capture object, under `<workspace>/runtime/capture/`,
 * holding a header line (`{"bucket","key"}`) and then every record line flushed so far.
 *
 * A flush appends its lines here and fsyncs BEFORE publishing the object to S3, so a crash between
 * the two loses nothing: the next start republishes every journal file it finds. A crash in the
 * middle of an append can leave a partial last line; readers cut the body at the last newline, so
 * a partial record is never published.
 */
import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface JournalHeader {
  bucket: string;
  key: string;
}

export function journalDir(workspace: string): string {
  return path.join(workspace, "runtime", "capture");
}

/** The journal file of one capture object (hashed: S3 keys can be longer than a file name). */
export function journalFile(dir: string, header: JournalHeader): string {
  const digest = createHash("sha256").update(`${header.bucket}/${header.key}`).digest("hex");
  return path.join(dir, `${digest.slice(0, 40)}.jsonl`);
}

/**
 * One journal file as the flush worker keeps it: how many body bytes it holds and their running
 * MD5 (the capture object's ETag). The bytes themselves are not kept in memory: each flush copies
 * the body from the file (in the page cache, just written) to the staged object. Why: holding
 * them took a copy of every journal pass's lines (the encoder's buffer is reused) and kept up to
 * `maxFileBytes` per open file alive; reading the body back costs less. In a loop of the worker's
 * work (encode, journal, stage every tenth pass) the CPU per record fell from 1.92-1.95 to
 * 1.50-1.65 µs (bench/README.md "The endpoint", round 16).
 *
 * Synchronous on purpose: it runs on the capture flush worker's own thread (./flushWorker.ts),
 * never on the event loop that serves requests.
 */
export class JournalFile {
  private constructor(
    readonly file: string,
    /** Length of the header line: the body starts here. */
    private readonly headerBytes: number,
    private readonly md5: Hash,
    /** Body bytes on disk (fsynced) and in `md5`. */
    private bodyBytes: number,
  ) {}

  /**
   * The journal with exactly its first `confirmedBytes` body bytes: a new file (with its header,
   * durable, directory entry included) when there is none yet, else the existing one cut back to
   * what the writer knows was journaled. Cutting back is what makes a retried append idempotent:
   * bytes of an append whose outcome was lost (a failed write, a worker that died) are removed
   * before the writer sends them again, so no line is ever journaled twice or torn in the middle.
   */
  static open(file: string, header: JournalHeader, confirmedBytes: number): JournalFile {
    if (!fs.existsSync(file)) {
      if (confirmedBytes > 0) {
        throw new Error(`the journal ${file} with ${confirmedBytes} journaled bytes is missing`);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const headerLine = Buffer.from(JSON.stringify(header) + "\n", "utf8");
      const fd = fs.openSync(file, "wx");
      try {
        writeAllSync(fd, [headerLine]);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      // The new directory entry must be durable too, or a crash could lose the whole file.
      syncDirectory(path.dirname(file));
      return new JournalFile(file, headerLine.length, createHash("md5"), 0);
    }
    const content = fs.readFileSync(file);
    const headerBytes = content.indexOf(0x0a) + 1;
    if (headerBytes === 0 || content.length - headerBytes < confirmedBytes) {
      throw new Error(`the journal ${file} holds less than the ${confirmedBytes} bytes journaled`);
    }
    const body = content.subarray(headerBytes, headerBytes + confirmedBytes);
    if (content.length > headerBytes + confirmedBytes) {
      fs.truncateSync(file, headerBytes + confirmedBytes);
    }
    return new JournalFile(file, headerBytes, createHash("md5").update(body), body.length);
  }

  /** Body bytes journaled so far. */
  get bytes(): number {
    return this.bodyBytes;
  }

  /**
   * Appends whole lines and fsyncs them. The chunks are not kept: the caller may reuse them as
   * soon as this returns. On failure the file is cut back to what it held.
   */
  append(chunks: Uint8Array[]): void {
    const fd = fs.openSync(this.file, "r+");
    try {
      try {
        const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        writeAllSync(fd, chunks, this.headerBytes + this.bodyBytes);
        fs.fsyncSync(fd);
        for (const chunk of chunks) this.md5.update(chunk);
        this.bodyBytes += size;
      } catch (error) {
        fs.ftruncateSync(fd, this.headerBytes + this.bodyBytes);
        throw error;
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Copies the body journaled so far (the capture object's content) to a new file and fsyncs it,
   * for the object store to rename into place; returns its size and MD5. Only this thread writes
   * the journal, so its body bytes on disk are exactly the ones appended (and hashed).
   */
  writeBodyTo(target: string): { size: number; md5: Buffer } {
    const source = fs.openSync(this.file, "r");
    try {
      const fd = fs.openSync(target, "w");
      try {
        copyRange(source, this.headerBytes, this.bodyBytes, fd);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      fs.closeSync(source);
    }
    return { size: this.bodyBytes, md5: this.md5.copy().digest() };
  }
}

/** The buffer body copies go through (one per thread, reused: its pages stay mapped). */
let copyBuffer: Buffer | undefined;
const COPY_BUFFER_BYTES = 1 << 20;

/** Copies `length` bytes of `source` from `start` to the start of `target`. */
function copyRange(source: number, start: number, length: number, target: number): void {
  copyBuffer ??= Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  for (let done = 0; done < length;) {
    const read = fs.readSync(
      source,
      copyBuffer,
      0,
      Math.min(copyBuffer.length, length - done),
      start + done,
    );
    if (read === 0) {
      throw new Error(`the journal ends ${length - done} bytes short of what was journaled`);
    }
    writeAllSync(target, [copyBuffer.subarray(0, read)]);
    done += read;
  }
}

/** Writes every byte of the chunks, in order, at `position` (or at the file's offset). */
function writeAllSync(fd: number, chunks: Uint8Array[], position?: number): void {
  let at = position;
  for (const chunk of chunks) {
    for (let done = 0; done < chunk.length;) {
      const written = fs.writeSync(fd, chunk, done, chunk.length - done, at);
      done += written;
      if (at !== undefined) at += written;
    }
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file's own fsync is the best there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The header and the complete lines of a journal file (a torn last line is left out). */
export async function readJournal(
  file: string,
): Promise<{ header: JournalHeader; body: Buffer } | undefined> {
  const content = await fs.promises.readFile(file);
  const headerEnd = content.indexOf(0x0a);
  if (headerEnd < 0) return undefined; // torn while writing the header: nothing was flushed
  let header: JournalHeader;
  try {
    header = JSON.parse(content.subarray(0, headerEnd).toString("utf8")) as JournalHeader;
  } catch {
    return undefined;
  }
  if (typeof header.bucket !== "string" || typeof header.key !== "string") return undefined;
  const lastNewline = content.lastIndexOf(0x0a);
  return { header, body: content.subarray(headerEnd + 1, lastNewline + 1) };
}

export async function listJournalFiles(dir: string): Promise<string[]> {
  try {
    const names = await fs.promises.readdir(dir);
    return names.filter((n) => n.endsWith(".jsonl")).map((n) => path.join(dir, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
