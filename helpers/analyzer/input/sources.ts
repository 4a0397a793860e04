/**
 * Inputs as the job runner, CLI and notebooks have them: file paths, directories (every file
 * below, in name order, like a processing job's input folder), Buffers/strings of content, or
 * Node Readables. Everything is consumed as a stream of Buffers.
 */
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";

/** A path (file or directory), a Readable, or in-memory content (`{ content }`). */
export type InputSource = string | Readable | { content: string | Buffer; name?: string };

export interface OpenedInput {
  name: string;
  stream: AsyncIterable<Buffer | string>;
}

const CHUNK_SIZE = 1 << 20;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile() && !e.name.startsWith(".")) out.push(full);
  }
  return out;
}

/** Expand sources into streams, in order. Missing paths fail with the path in the message. */
export async function openInputs(sources: InputSource | InputSource[]): Promise<OpenedInput[]> {
  const list = Array.isArray(sources) ? sources : [sources];
  const out: OpenedInput[] = [];
  for (const source of list) {
    if (typeof source === "string") {
      let stat;
      try {
        stat = await fs.stat(source);
      } catch {
        throw new Error(`input not found: ${source} (give an existing file or directory)`);
      }
      const files = stat.isDirectory() ? await listFiles(source) : [source];
      for (const file of files) {
        out.push({ name: file, stream: createReadStream(file, { highWaterMark: CHUNK_SIZE }) });
      }
    } else if (source instanceof Readable) {
      out.push({ name: "stream", stream: source });
    } else {
      const content =
        typeof source.content === "string" ? Buffer.from(source.content, "utf8") : source.content;
      out.push({ name: source.name ?? "content", stream: Readable.from([content]) });
    }
  }
  return out;
}

export function asBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** Split a byte stream into lines (LF; a trailing CR is removed); the last line may lack LF. */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const raw of stream) {
    const chunk = asBuffer(raw);
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf < 0) break;
      const part = chunk.subarray(start, lf);
      const line = pending.length > 0 ? Buffer.concat([...pending, part]) : part;
      pending = [];
      yield line.length > 0 && line[line.length - 1] === 0x0d
        ? line.subarray(0, line.length - 1)
        : line;
      start = lf + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    const line = Buffer.concat(pending);
    yield line.length > 0 && line[line.length - 1] === 0x0d
      ? line.subarray(0, line.length - 1)
      : line;
  }
}
