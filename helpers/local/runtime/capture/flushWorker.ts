/**
 * Worker-thread entry of the capture writer's flushes: encoding the captured invocations into
 * record lines (./capturedRecords.ts), journal appends with fsync, the running MD5 of each
 * capture object and the staged copy of its content all run here, so the thread that serves
 * invocations only copies them into a buffer, hands it over and renames finished files
 * (bench/README.md, "The endpoint": each of these cost the event loop microseconds per request).
 */
import * as fs from "node:fs";
import { parentPort } from "node:worker_threads";
import type {
  FlushReply,
  FlushRequest,
  FlushWorkerReply,
  FlushWorkerRequest,
} from "./flushProtocol";
import { RecordLineWriter } from "./capturedRecords";
import { JournalFile } from "./journal";
import type { CaptureSettings } from "./record";

const open = new Map<string, JournalFile>();
const lineWriter = new RecordLineWriter();
/**
 * Settings arrive as a fresh copy with every request; the encoder caches a record's fixed parts
 * per settings object, so equal settings are mapped to one object (an endpoint has one or two).
 */
const knownSettings = new Map<string, CaptureSettings>();

function canonical(settings: CaptureSettings | undefined): CaptureSettings | undefined {
  if (!settings) return undefined;
  const key = JSON.stringify(settings);
  let known = knownSettings.get(key);
  if (!known) {
    if (knownSettings.size >= 64) knownSettings.clear();
    known = settings;
    knownSettings.set(key, known);
  }
  return known;
}

function message(error: unknown): string {
  return (error as Error).message ?? String(error);
}

function journalFor(request: FlushRequest): JournalFile {
  const known = open.get(request.journal);
  if (known && known.bytes === request.confirmedBytes) return known;
  const journal = JournalFile.open(request.journal, request.header, request.confirmedBytes);
  open.set(request.journal, journal);
  return journal;
}

function flush(request: FlushRequest): FlushReply {
  let journal: JournalFile;
  try {
    journal = journalFor(request);
    if (request.records.length > 0) {
      journal.append([lineWriter.lines(request.records, canonical(request.settings))]);
    }
  } catch (error) {
    open.delete(request.journal); // reopened (and cut back) on the retry
    return { id: request.id, journaledBytes: request.confirmedBytes, journalError: message(error) };
  }
  const reply: FlushReply = { id: request.id, journaledBytes: journal.bytes };
  if (request.stageTo !== undefined) {
    try {
      const staged = journal.writeBodyTo(request.stageTo);
      reply.staged = { size: staged.size, md5: new Uint8Array(staged.md5) };
    } catch (error) {
      fs.rmSync(request.stageTo, { force: true });
      reply.stageError = message(error);
    }
  }
  return reply;
}

function handle(request: FlushWorkerRequest): FlushWorkerReply {
  if (request.type === "flush") return flush(request);
  open.delete(request.journal);
  try {
    fs.rmSync(request.journal, { force: true });
    return { id: request.id, forgotten: true };
  } catch (error) {
    return { id: request.id, forgotten: true, error: message(error) };
  }
}

parentPort!.on("message", (request: FlushWorkerRequest) => {
  parentPort!.postMessage(handle(request));
});
