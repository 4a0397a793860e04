/**
 * Atomic file replacement: write a sibling temp file, fsync it, rename it over the target.
 * A reader (or a crash) never sees a half-written document, because rename(2) within one folder
 * is atomic on POSIX file systems.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Temp files start with this prefix so stores can skip (and clean up) leftovers of a crash. */
export const TEMP_PREFIX = ".tmp-";

export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `${TEMP_PREFIX}${process.pid}-${crypto.randomBytes(6).toString("hex")}-${path.basename(target)}`,
  );
}

export function writeFileAtomic(
  target: string,
  data: string | Buffer,
  options: { mode?: number } = {},
): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  const fd = fs.openSync(temp, "w", options.mode ?? 0o644);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a new file and fsyncs it without blocking the event loop (the file system work runs on
 * libuv's pool); the caller renames it into place. Removes the file if any step fails.
 */
export async function writeFileSynced(file: string, data: string | Buffer): Promise<void> {
  const handle = await fs.promises.open(file, "w", 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  await handle.close();
}
