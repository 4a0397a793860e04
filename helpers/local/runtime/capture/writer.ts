/**
 * The data capture writer: invocations are appended to an in-memory buffer as they came (never
 * any I/O, nor any encoding, on the request path); in the background a worker thread encodes
 * them into record lines and journals them, and a flush moves them to S3.
 *
 * Objects (model-monitor-formats.md §1.4, "Not confirmed" 3): one open capture file per endpoint,
 * variant and destination, named after its first record's capture time, closed after 60 s of
 * clock time, at an hour boundary (a file never spans two hour folders) or past `maxFileBytes`.
 * While open, each flush REWRITES the whole object with every line flushed so far, by renaming a
 * complete staged file into the object store, so a reader listing S3 only ever sees whole files of
 * complete lines, and each record lives in exactly one object.
 *
 * Durability: every `journalIntervalMs` (200 ms) the buffered records are encoded and appended
 * to their file's journal (./journal.ts) with fsync; a flush journals what is left and then
 * publishes exactly the bytes journaled so far (copied from the journal file, at most
 * `maxFileBytes` plus one flush); the journal file is removed once its closed object is
 * published. On start, `recover()` republishes every journal file left behind by a crash, so a
 * crash loses the records of the last journal interval (more only while a slow flush holds the
 * next journal pass back).
 *
 * Why journal more often than publish: besides losing less in a crash, records leave the buffer
 * ten times sooner, so its chunks are reused while still in the CPU's caches (at 32 connections
 * two seconds of capture are ~17 MB, written to cold memory on the request path; 200 ms fit in
 * the 16 spare chunks, see ./pendingRecords.ts).
 *
 * Threads: encoding the records (./capturedRecords.ts), the journal writes, the objects' MD5s and
 * the staged copies run on a worker thread (./flushThread.ts, ./flushWorker.ts); the event loop
 * that serves invocations only copies the buffered records once into a buffer it transfers
 * there, and renames the staged file. A file's size, which decides when it is closed, is exact
 * for what is journaled and estimated for what still waits.
 *
 * Flushes run every `flushIntervalMs`, when a record opens a new hour, when the clock is moved
 * forward, when an endpoint is updated or deleted, and on close; they and the journal passes
 * never overlap (one promise chain).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Clock, ObjectStore } from "../../context";
import type { FlushReply } from "./flushProtocol";
import { FlushThread } from "./flushThread";
import { journalFile, listJournalFiles, readJournal } from "./journal";
import { appendInvocation, appendLine } from "./capturedRecords";
import { joinForTransfer, PendingRecords } from "./pendingRecords";
import { captureObjectKey, hourOf, type CapturedInvocation, type CaptureSettings } from "./record";

export interface CaptureTarget {
  bucket: string;
  prefix: string;
  endpoint: string;
  variant: string;
}

export interface CaptureWriterOptions {
  /** How often buffered records are written to S3 (default 2000 ms). */
  flushIntervalMs?: number;
  /** How often buffered records are journaled on local disk (default 200 ms; at most flushIntervalMs). */
  journalIntervalMs?: number;
  /** Clock time after which a capture file is closed and a new one started (default 60 s). */
  rollAfterMs?: number;
  /** Size after which a capture file is closed (default 4 MiB; bounds the rewrite per flush). */
  maxFileBytes?: number;
  /** Where publishing failures are reported (default: stderr). */
  log?(message: string): void;
  /** The flush worker to use (tests pass one to stop it at awkward moments). */
  flushThread?: FlushThread;
}

interface CaptureFile {
  target: CaptureTarget;
  bucket: string;
  key: string;
  journal: string;
  hour: number;
  openedMs: number;
  /** Records appended since the last journal pass. */
  pending: PendingRecords;
  /** The pending records' line bytes, estimated (with the journaled bytes, decides rolling). */
  pendingBytes: number;
  /** How the file's invocations are encoded: one deployment's settings per file. */
  settings: CaptureSettings | undefined;
  /** Journaled lines not yet published (a failed publish is retried on the next flush). */
  unpublished: boolean;
  /** Body bytes the flush worker confirmed journaled (it holds them, and their MD5). */
  journaledBytes: number;
  /** A failure to publish this file was logged (retries stay quiet until one succeeds). */
  failureLogged: boolean;
  /** A failure to journal this file's lines was logged (retries stay quiet until one succeeds). */
  journalFailureLogged: boolean;
  closed: boolean;
}

export interface CaptureStats {
  /** Records handed to the writer. */
  appended: number;
  /** Records that are in a published S3 object. */
  published: number;
  /** Publish attempts that failed (retried on the next flush). */
  publishFailures: number;
}

/** A capture object's content, staged beside its journal for the object store to rename. */
const STAGED_SUFFIX = ".staged";

function targetId(t: CaptureTarget): string {
  return JSON.stringify([t.bucket, t.prefix, t.endpoint.toLowerCase(), t.variant]);
}

export class CaptureWriter {
  private readonly open = new Map<string, CaptureFile>();
  /** Callers pass the same target object for every record of a variant: its id is kept. */
  private readonly targetIds = new WeakMap<CaptureTarget, string>();
  /** Closed files whose journal still has to be published or removed. */
  private readonly closing: CaptureFile[] = [];
  /** Journal files left by a previous run that are not published yet. */
  private readonly orphans: string[] = [];
  private readonly orphansLogged = new Set<string>();
  private flushing: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private readonly journalTimer: NodeJS.Timeout;
  /** A journal pass is waiting behind the running flush (ticks do not pile up behind a slow one). */
  private journalQueued = false;
  private readonly flushIntervalMs: number;
  private readonly rollAfterMs: number;
  private readonly maxFileBytes: number;
  private readonly log: (message: string) => void;
  private closed = false;
  private closing_: Promise<void> | undefined;
  /** Journal writes, hashing and staging happen on this worker, not on the event loop. */
  private readonly thread: FlushThread;
  private readonly counts: CaptureStats = { appended: 0, published: 0, publishFailures: 0 };
  private readonly publishedLines = new Map<CaptureFile, number>();
  private readonly journaledLines = new Map<CaptureFile, number>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
    private readonly dir: string,
    options: CaptureWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 2000;
    this.rollAfterMs = options.rollAfterMs ?? 60_000;
    this.maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
    this.log = options.log ?? ((message) => process.stderr.write(`${message}\n`));
    this.thread = options.flushThread ?? new FlushThread();
    // Whatever a crashed run journaled but did not publish goes out before anything new.
    this.flushing = this.recover();
    this.timer = setInterval(() => this.flushInBackground(), this.flushIntervalMs);
    this.timer.unref();
    const journalIntervalMs = Math.min(options.journalIntervalMs ?? 200, this.flushIntervalMs);
    this.journalTimer = setInterval(() => this.journalInBackground(), journalIntervalMs);
    this.journalTimer.unref();
  }

  /**
   * Buffers one captured invocation (copied at once), to be encoded under `settings` by the flush
   * worker; synchronous and I/O-free.
   */
  appendInvocation(
    target: CaptureTarget,
    invocation: CapturedInvocation,
    settings: CaptureSettings,
  ): void {
    const file = this.fileFor(target, invocation.time, settings);
    file.pendingBytes += appendInvocation(file.pending, invocation);
    this.counts.appended++;
  }

  /**
   * Buffers one record line already encoded (without newline; text, or its UTF-8 bytes, copied at
   * once); synchronous and I/O-free.
   */
  append(target: CaptureTarget, time: Date, line: string | Uint8Array): void {
    const file = this.fileFor(target, time, undefined);
    file.pendingBytes += appendLine(file.pending, line);
    this.counts.appended++;
  }

  /** The open file a record captured at `time` goes to (a new one when due). */
  private fileFor(
    target: CaptureTarget,
    time: Date,
    settings: CaptureSettings | undefined,
  ): CaptureFile {
    if (this.closed) throw new Error("The capture writer is closed");
    let id = this.targetIds.get(target);
    if (id === undefined) {
      id = targetId(target);
      this.targetIds.set(target, id);
    }
    let file = this.open.get(id);
    const hour = hourOf(time);
    if (
      file &&
      (file.hour !== hour ||
        this.expired(file, time.getTime()) ||
        // New capture settings (an updated endpoint) start a new file.
        (settings !== undefined && file.settings !== undefined && file.settings !== settings))
    ) {
      this.retire(id, file);
      if (file.hour !== hour) this.flushSoon(); // the finished hour should reach S3 promptly
      file = undefined;
    }
    if (!file) {
      const key = captureObjectKey(target.prefix, target.endpoint, target.variant, time);
      file = {
        target,
        bucket: target.bucket,
        key,
        journal: journalFile(this.dir, { bucket: target.bucket, key }),
        hour,
        openedMs: time.getTime(),
        pending: new PendingRecords(),
        pendingBytes: 0,
        settings,
        unpublished: false,
        journaledBytes: 0,
        failureLogged: false,
        journalFailureLogged: false,
        closed: false,
      };
      this.open.set(id, file);
    }
    file.settings ??= settings;
    return file;
  }

  /** Writes everything buffered so far to S3; resolves when it is published. */
  flush(): Promise<void> {
    const run = () => this.flushOnce();
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }

  /** Closes the files of one endpoint (update, delete) and publishes them. */
  async closeEndpoint(endpoint: string): Promise<void> {
    for (const [id, file] of this.open) {
      if (file.target.endpoint.toLowerCase() === endpoint.toLowerCase()) this.retire(id, file);
    }
    await this.flush();
  }

  /** Publishes everything and stops the timer (emulator shutdown). */
  close(): Promise<void> {
    if (!this.closing_) {
      this.closed = true; // late appends fail loudly instead of landing in a file nobody flushes
      clearInterval(this.timer);
      clearInterval(this.journalTimer);
      for (const [id, file] of [...this.open]) this.retire(id, file);
      this.closing_ = this.flush().finally(() => this.thread.close());
    }
    return this.closing_;
  }

  /** Stops a file taking records; the next flush publishes it for the last time. */
  private retire(id: string, file: CaptureFile): void {
    file.closed = true;
    this.open.delete(id);
    this.closing.push(file);
  }

  stats(): CaptureStats {
    return { ...this.counts };
  }

  private expired(file: CaptureFile, nowMs: number): boolean {
    return (
      nowMs - file.openedMs >= this.rollAfterMs ||
      file.journaledBytes + file.pendingBytes >= this.maxFileBytes
    );
  }

  private flushSoon(): void {
    setImmediate(() => this.flushInBackground());
  }

  /** A background flush must never become an unhandled rejection (it would end the process). */
  private flushInBackground(): void {
    this.flush().catch((error: unknown) => {
      this.log(`data capture: flush failed (will retry): ${(error as Error).message}`);
    });
  }

  /** Journals every file's buffered records without publishing (nothing to do when none are). */
  private journalInBackground(): void {
    if (this.journalQueued) return;
    this.journalQueued = true;
    const run = async () => {
      this.journalQueued = false;
      for (const file of [...this.open.values(), ...this.closing]) {
        if (file.pending.records > 0) await this.flushFile(file, false);
      }
    };
    this.flushing = this.flushing.then(run, run);
    this.flushing.catch((error: unknown) => {
      this.log(`data capture: journaling failed (will retry): ${(error as Error).message}`);
    });
  }

  private async flushOnce(): Promise<void> {
    if (this.orphans.length > 0) await this.publishOrphans();
    const now = this.clock.now();
    for (const [id, file] of [...this.open]) {
      if (file.hour !== hourOf(now) || this.expired(file, now.getTime())) this.retire(id, file);
    }
    const files = [...this.open.values(), ...this.closing];
    for (const file of files) {
      await this.flushFile(file, true);
    }
    // Published closed files are done: their journal is no longer needed.
    for (let i = this.closing.length - 1; i >= 0; i--) {
      const file = this.closing[i];
      if (!file.unpublished && file.pending.records === 0) {
        this.closing.splice(i, 1);
        await this.forget(file);
        this.publishedLines.delete(file);
        this.journaledLines.delete(file);
      }
    }
  }

  /**
   * Hands the file's new records to the flush worker, which encodes and journals them (fsync)
   * and, to `publish`, stages the whole object; then renames the staged object into the store.
   * Records that could not be journaled stay buffered; a staged object that could not be stored
   * is staged again next time.
   */
  private async flushFile(file: CaptureFile, publish: boolean): Promise<void> {
    const taken = file.pending.records > 0 ? file.pending.take() : undefined;
    if (!taken && !(publish && file.unpublished)) return;
    const takenBytes = taken ? file.pendingBytes : 0;
    file.pendingBytes -= takenBytes;
    const header = { bucket: file.bucket, key: file.key };
    const stageTo = file.journal + STAGED_SUFFIX;
    let reply: FlushReply;
    try {
      reply = await this.thread.flush({
        journal: file.journal,
        header,
        confirmedBytes: file.journaledBytes,
        records: joinForTransfer(taken?.chunks ?? []),
        settings: file.settings,
        stageTo: publish ? stageTo : undefined,
      });
    } catch (error) {
      reply = {
        id: 0,
        journaledBytes: file.journaledBytes,
        journalError: (error as Error).message,
      };
    }
    if (reply.journalError !== undefined) {
      // Not durable yet: keep the records buffered and try again next time.
      if (taken) {
        file.pending.restore(taken);
        file.pendingBytes += takenBytes;
      }
      this.counts.publishFailures++;
      if (!file.journalFailureLogged) {
        file.journalFailureLogged = true;
        this.log(`data capture: could not journal ${file.key} (will retry): ${reply.journalError}`);
      }
      return;
    }
    file.journalFailureLogged = false;
    if (taken) {
      file.pending.recycle(taken);
      this.journaledLines.set(file, (this.journaledLines.get(file) ?? 0) + taken.records);
      file.journaledBytes = reply.journaledBytes;
      file.unpublished = true;
    }
    if (!publish) return;
    try {
      if (!reply.staged) throw new Error(reply.stageError ?? "nothing was staged");
      await this.objects.putObjectFile(file.bucket, file.key, stageTo, {
        size: reply.staged.size,
        md5: Buffer.from(reply.staged.md5),
        contentType: "application/octet-stream",
      });
      file.unpublished = false;
      const journaled = this.journaledLines.get(file) ?? 0;
      this.counts.published += journaled - (this.publishedLines.get(file) ?? 0);
      this.publishedLines.set(file, journaled);
      file.failureLogged = false;
    } catch (error) {
      this.counts.publishFailures++;
      if (!file.failureLogged) {
        file.failureLogged = true;
        this.log(
          `data capture: could not write s3://${file.bucket}/${file.key} (will retry): ${(error as Error).message}`,
        );
      }
    }
  }

  /** A closed, published file: the worker lets go of it and its journal is deleted. */
  private async forget(file: CaptureFile): Promise<void> {
    try {
      const reply = await this.thread.forget(file.journal);
      if (reply.error === undefined) return;
    } catch {
      // the worker is gone (and with it what it held): delete the journal here
    }
    await fs.promises.rm(file.journal, { force: true });
  }

  /** Puts a journal's complete lines as its object (crash recovery: nothing in memory). */
  private async publish(journal: string): Promise<void> {
    const content = await readJournal(journal);
    if (!content || content.body.length === 0) return;
    await this.objects.putObject(content.header.bucket, content.header.key, content.body, {
      contentType: "application/octet-stream",
    });
  }

  /** Republishes what a previous run journaled (crash recovery), then drops those journals. */
  private async recover(): Promise<void> {
    // Objects staged for a publish that a crash interrupted: the journals they came from remain.
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(STAGED_SUFFIX))) {
      await fs.promises.rm(path.join(this.dir, name), { force: true });
    }
    this.orphans.push(...(await listJournalFiles(this.dir)));
    await this.publishOrphans();
  }

  /** Journals of a previous run; one that cannot be published yet is retried at every flush. */
  private async publishOrphans(): Promise<void> {
    for (const journal of this.orphans.splice(0)) {
      try {
        await this.publish(journal);
        await fs.promises.rm(journal, { force: true });
      } catch (error) {
        this.counts.publishFailures++;
        this.orphans.push(journal);
        if (!this.orphansLogged.has(journal)) {
          this.orphansLogged.add(journal);
          this.log(
            `data capture: could not republish ${journal} after a restart (will retry): ${(error as Error).message}`,
          );
        }
      }
    }
  }
}
