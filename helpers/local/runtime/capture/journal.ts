/**
 * The capture journal: one local file per capture object, under `<workspace>/runtime/capture/`,
 * holding a header line (`{"bucket","key"}`) and then every record line flushed so far.
 *
 * A flush appends its lines here and fsyncs BEFORE publishing the object to S3, so a crash between
 * the two loses nothing: the next start republishes every journal file it finds. A crash in the
 * middle of an append can leave a partial last line; readers cut the body at the last newline, so
 * a partial record is never published.
 */
import { createHash } from "node:crypto";
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
 * Appends complete lines (the bytes of whole lines, each ending in its newline) and waits until
 * they are on disk.
 */
export async function appendToJournal(
  file: string,
  header: JournalHeader,
  chunks: Buffer[],
): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const isNew = !fs.existsSync(file);
  const handle = await fs.promises.open(file, "a");
  try {
    if (isNew) await writeAll(handle, Buffer.from(JSON.stringify(header) + "\n", "utf8"));
    for (const chunk of chunks) await writeAll(handle, chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (isNew) {
    // The new directory entry must be durable too, or a crash could lose the whole file.
    await syncDirectory(path.dirname(file));
  }
}

async function writeAll(handle: fs.promises.FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file's own fsync is the best there.
  } finally {
    await handle?.close();
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
