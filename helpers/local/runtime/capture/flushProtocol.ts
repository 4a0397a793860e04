/** Messages between the capture writer (main thread) and its flush worker (./flushWorker.ts). */
import type { JournalHeader } from "./journal";

/**
 * Journal new lines of one capture file and/or stage its whole content for publishing. The
 * request is idempotent: the worker first cuts the journal back to `confirmedBytes`, the body
 * length the writer saw confirmed, so a request can be sent again after any failure.
 */
export interface FlushRequest {
  type: "flush";
  id: number;
  journal: string;
  header: JournalHeader;
  confirmedBytes: number;
  /** Whole lines (transferred: the worker keeps them as the object's content). */
  lines: Uint8Array;
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
