/** Messages between the capture writer (main thread) and its flush worker (./flushWorker.ts). */
import type { JournalHeader } from "./journal";
import type { CaptureSettings } from "./record";

/**
 * Journal new records of one capture file and/or stage its whole content for publishing. The
 * request is idempotent: the worker first cuts the journal back to `confirmedBytes`, the body
 * length the writer saw confirmed, so a request can be sent again after any failure (its
 * invocations then get new event ids; only one attempt's lines are ever in the journal).
 */
export interface FlushRequest {
  type: "flush";
  id: number;
  journal: string;
  header: JournalHeader;
  confirmedBytes: number;
  /** Whole pending records (./capturedRecords.ts; transferred), encoded into lines there. */
  records: Uint8Array;
  /** How the file's invocations are encoded (absent when it has only encoded lines). */
  settings?: CaptureSettings;
  /** Where to write the object's content (omitted: journal only). */
  stageTo?: string;
}

/** The writer is done with a file: the worker drops what it holds and deletes the journal. */
export interface ForgetRequest {
  type: "forget";
  id: number;
  journal: string;
}

export type FlushWorkerRequest = FlushRequest | ForgetRequest;

export interface FlushReply {
  id: number;
  /** Body bytes in the journal after this request. */
  journaledBytes: number;
  /** Set when the new lines could not be journaled (the journal is as it was). */
  journalError?: string;
  staged?: { size: number; md5: Uint8Array };
  stageError?: string;
}

export interface ForgetReply {
  id: number;
  forgotten: true;
  error?: string;
}

export type FlushWorkerReply = FlushReply | ForgetReply;
