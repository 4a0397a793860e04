/**
 * How captured invocations wait for the flush worker, and how the worker turns them into record
 * lines.
 *
 * On the request path an invocation is only copied, as it came, into the writer's pending bytes
 * (./pendingRecords.ts): its capture time, content types, inference id, custom attributes and
 * the two payloads. The flush worker (./flushWorker.ts) then writes each one's JSON line with
 * the record encoder and a fresh event id, before journaling it. Why: encoding the line and
 * drawing its UUID were most of what capture cost the event loop; capture's functions in its CPU
 * profile went from ~3 to ~1.4 µs per request at 32 connections (bench/README.md "The endpoint",
 * round 10). The worker pays more than that (it runs beside the event loop), so on the 2-core
 * bench machine, where it shares a core with the load generator, throughput did not move.
 *
 * A line already encoded (`appendLine`: tests, tools) waits in the same framing and is
 * journaled as it is.
 *
 * Framing, little-endian, one record after another:
 *   u32 length of what follows, u8 kind, then by kind
 *   LINE        the line's UTF-8 bytes (no newline)
 *   INVOCATION  f64 capture time (epoch ms); four strings (input content type, output content
 *               type, inference id, custom attributes), each an i32 UTF-8 length (-1: absent) and
 *               its bytes; u32 input length and the input's bytes; the output's bytes to the end.
 *
 * Written by hand: a fixed binary layout in a reused buffer is smaller and faster than any
 * general serializer (structured clone, msgpack) for five fields and two byte strings.
 */
import { randomUUID } from "node:crypto";
import type { PendingRecords } from "./pendingRecords";
import type { CapturedInvocation, CaptureSettings } from "./record";
import {
  CaptureRecordEncoder,
  MAX_ENCODED_BYTES,
  payloadOf,
  type InvocationFields,
} from "./recordEncoder";

const LINE = 0;
const INVOCATION = 1;
/** Length field and kind byte. */
const FRAME_BYTES = 5;
/** A UTF-16 code unit is at most 3 UTF-8 bytes. */
const UTF8_PER_UNIT = 3;
/** The length written for an absent string (-1 as an i32). */
const ABSENT = 0xffffffff;
const EMPTY = Buffer.alloc(0);

/**
 * What a record's JSON adds to its payloads (keys, event id, time; about 300 bytes for CSV in and
 * out), for sizing capture files before the worker has written the lines.
 */
export const RECORD_OVERHEAD_ESTIMATE = 320;

/** Appends an encoded line (without newline); returns its length with the newline. */
export function appendLine(pending: PendingRecords, line: string | Uint8Array): number {
  const max = FRAME_BYTES + (typeof line === "string" ? line.length * UTF8_PER_UNIT : line.length);
  const chunk = pending.reserve(max);
  const start = pending.offset;
  let at = start + FRAME_BYTES;
  if (typeof line === "string") {
    at += chunk.write(line, at, "utf8");
  } else {
    chunk.set(line, at);
    at += line.length;
  }
  writeUint32(chunk, start, at - start - 4);
  chunk[start + 4] = LINE;
  pending.commit(at);
  return at - start - FRAME_BYTES + 1;
}

/**
 * Appends an invocation to be encoded by the worker (the payloads are copied: the caller may
 * reuse them); returns an estimate of its line's length (the payloads plus the record's JSON;
 * base64 payloads grow by a third).
 */
export function appendInvocation(pending: PendingRecords, invocation: CapturedInvocation): number {
  const { input, output, inferenceId, customAttributes } = invocation;
  const max =
    FRAME_BYTES +
    8 +
    4 * 4 +
    UTF8_PER_UNIT *
      ((input.contentType?.length ?? 0) +
        (output.contentType?.length ?? 0) +
        (inferenceId?.length ?? 0) +
        (customAttributes?.length ?? 0)) +
    4 +
    input.body.length +
    output.body.length;
  const chunk = pending.reserve(max);
  const start = pending.offset;
  chunk[start + 4] = INVOCATION;
  time[0] = invocation.time.getTime();
  let at = start + FRAME_BYTES;
  for (let k = 0; k < 8; k++) chunk[at + k] = timeBytes[k];
  at += 8;
  at = writeString(chunk, at, input.contentType);
  at = writeString(chunk, at, output.contentType);
  at = writeString(chunk, at, inferenceId);
  at = writeString(chunk, at, customAttributes);
  writeUint32(chunk, at, input.body.length);
  chunk.set(input.body, at + 4);
  at += 4 + input.body.length;
  chunk.set(output.body, at);
  at += output.body.length;
  writeUint32(chunk, start, at - start - 4);
  pending.commit(at);
  return at - start + RECORD_OVERHEAD_ESTIMATE;
}

/*
 * Numbers and short ASCII strings are written byte by byte: on the request path Buffer's
 * writeUInt32LE and writeDoubleLE took 25-35 ns each and write() 110-120 ns per content type
 * (argument checks and a call into C++), the byte loops a few ns (measured in a hot loop).
 */
/** A capture time's eight bytes, written and read through this one number. */
const time = new Float64Array(1);
const timeBytes = new Uint8Array(time.buffer);
/** Strings longer than this, or beyond ASCII, go through Buffer's UTF-8 writer. */
const SHORT_STRING = 64;

function writeUint32(chunk: Buffer, at: number, value: number): void {
  chunk[at] = value;
  chunk[at + 1] = value >>> 8;
  chunk[at + 2] = value >>> 16;
  chunk[at + 3] = value >>> 24;
}

function writeString(chunk: Buffer, at: number, text: string | undefined): number {
  if (text === undefined) {
    writeUint32(chunk, at, ABSENT);
    return at + 4;
  }
  let length = text.length;
  if (length <= SHORT_STRING) {
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        length = -1;
        break;
      }
      chunk[at + 4 + i] = c;
    }
  } else {
    length = -1;
  }
  if (length < 0) length = chunk.write(text, at + 4, "utf8");
  writeUint32(chunk, at, length);
  return at + 4 + length;
}

/** A record as the worker reads it back: an encoded line, or an invocation to encode. */
export type PendingRecord =
  { kind: "line"; line: Buffer } | { kind: "invocation"; invocation: CapturedInvocation };

/**
 * The records in `bytes` (whole records, as taken from PendingRecords), in order. Throws on
 * bytes that are not whole records: they never come from anywhere but this module.
 */
export function readRecords(bytes: Uint8Array): PendingRecord[] {
  const records: PendingRecord[] = [];
  new RecordReader().read(
    bytes,
    (line) => records.push({ kind: "line", line }),
    (fields) => records.push({ kind: "invocation", invocation: capturedInvocationOf(fields) }),
  );
  return records;
}

/** A read record's fields as a CapturedInvocation of its own (the reader reuses `fields`). */
function capturedInvocationOf(fields: InvocationFields): CapturedInvocation {
  const { input, output, inferenceId, customAttributes, timeMs } = fields;
  const invocation: CapturedInvocation = {
    input: payloadOf(input),
    output: payloadOf(output),
    time: new Date(timeMs),
  };
  if (inferenceId !== undefined) invocation.inferenceId = inferenceId;
  if (customAttributes !== undefined) invocation.customAttributes = customAttributes;
  return invocation;
}

/**
 * Reads records back into one reused fields object (no objects per record: the worker reads
 * thousands per batch); keeps the last text of each string field (content types repeat).
 */
class RecordReader {
  private readonly fields: InvocationFields = {
    input: { contentType: undefined, source: EMPTY, start: 0, end: 0 },
    output: { contentType: undefined, source: EMPTY, start: 0, end: 0 },
    inferenceId: undefined,
    customAttributes: undefined,
    timeMs: 0,
  };
  private readonly lastText: string[] = ["", "", "", ""];
  private readonly lastBytes: Buffer[] = [0, 1, 2, 3].map(() => Buffer.alloc(0));

  read(
    bytes: Uint8Array,
    onLine: (line: Buffer) => void,
    /** `fields` is reused for the next record: read what is needed before returning. */
    onInvocation: (fields: InvocationFields) => void,
  ): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    let at = 0;
    while (at < buffer.length) {
      if (at + FRAME_BYTES > buffer.length)
        throw new Error(`a capture record is cut at byte ${at}`);
      const end = at + 4 + readUint32(buffer, at);
      if (end > buffer.length) throw new Error(`a capture record is cut at byte ${at}`);
      const kind = buffer[at + 4];
      if (kind === LINE) {
        onLine(buffer.subarray(at + FRAME_BYTES, end));
      } else if (kind === INVOCATION) {
        onInvocation(this.invocation(buffer, at + FRAME_BYTES, end));
      } else {
        throw new Error(`unknown capture record kind ${kind} at byte ${at}`);
      }
      at = end;
    }
  }

  private invocation(buffer: Buffer, from: number, end: number): InvocationFields {
    for (let k = 0; k < 8; k++) timeBytes[k] = buffer[from + k];
    let at = from + 8;
    const fields = this.fields;
    fields.timeMs = time[0];
    for (let field = 0; field < 4; field++) {
      const length = readUint32(buffer, at);
      at += 4;
      let text: string | undefined;
      if (length !== ABSENT) {
        if (at + length > end) {
          throw new Error(`a capture record's field overruns it at byte ${at}`);
        }
        text = this.text(field, buffer, at, length);
        at += length;
      }
      if (field === 0) fields.input.contentType = text;
      else if (field === 1) fields.output.contentType = text;
      else if (field === 2) fields.inferenceId = text;
      else fields.customAttributes = text;
    }
    const inputLength = readUint32(buffer, at);
    at += 4;
    if (at + inputLength > end)
      throw new Error(`a capture record's input overruns it at byte ${at}`);
    // Spans, not views: no typed array per record (./recordEncoder.ts, PayloadSpan).
    const { input, output } = fields;
    input.source = buffer;
    input.start = at;
    input.end = at + inputLength;
    output.source = buffer;
    output.start = at + inputLength;
    output.end = end;
    return fields;
  }

  /** The field's text, decoded again only when its bytes differ from the last record's. */
  private text(field: number, buffer: Buffer, at: number, length: number): string {
    const last = this.lastBytes[field];
    if (last.length === length) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = last[i] === buffer[at + i];
      if (same) return this.lastText[field];
    }
    const text = buffer.toString("utf8", at, at + length);
    if (length <= SHORT_STRING) {
      this.lastBytes[field] = Buffer.from(buffer.subarray(at, at + length));
      this.lastText[field] = text;
    }
    return text;
  }
}

function readUint32(buffer: Buffer, at: number): number {
  return (
    (buffer[at] | (buffer[at + 1] << 8) | (buffer[at + 2] << 16) | (buffer[at + 3] << 24)) >>> 0
  );
}

/**
 * The record lines (each with its newline) of pending records, in one Buffer that is valid until
 * the next call (the writer's own, reused): invocations encoded under `settings` with a fresh
 * event id each, lines as they were. Runs on the flush worker.
 *
 * Each record is encoded in place in the output, from the reader's reused fields, with its event
 * id written as bytes (./eventIds.ts): no object, Date or string per record. Why: on a 2-core
 * machine the worker's CPU time is taken from the event loop and the load generator, and
 * doubling it cost capture-on throughput about 3 points per µs at 32 connections. Encoding in
 * place took 2.8 -> 0.9-1.3 µs per record in a hot loop; under load the worker's share fell from
 * 4.9 to 3.9 µs per request and capture-on/off rose from 86.5 to 90.1 % (three process pairs,
 * bench/endpointCompare.ts; bench/README.md "The endpoint", round 11).
 */
export class RecordLineWriter {
  private readonly encoder = new CaptureRecordEncoder();
  private readonly reader = new RecordReader();
  private out = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  lines(bytes: Uint8Array, settings: CaptureSettings | undefined): Buffer {
    this.used = 0;
    this.reader.read(
      bytes,
      (line) => this.put(line),
      (fields) => {
        if (!settings) throw new Error("a captured invocation came without capture settings");
        const bound = this.encoder.boundOf(fields, settings);
        if (bound > MAX_ENCODED_BYTES) {
          // Rare: the encoder builds it its own way (and the output stays its usual size).
          this.put(this.encoder.encode(capturedInvocationOf(fields), settings, randomUUID()));
          return;
        }
        // Encoded in place, with the event id drawn as it is written.
        this.reserve(bound + 1);
        const end = this.encoder.encodeInto(fields, settings, undefined, this.out, this.used);
        this.out[end] = 0x0a;
        this.used = end + 1;
      },
    );
    // A view of the reused buffer: the journal writes and hashes it before the next call.
    return this.out.subarray(0, this.used);
  }

  /** Room for `bytes` more after what is used. */
  private reserve(bytes: number): void {
    const at = this.used;
    if (at + bytes > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, at + bytes));
      this.out.copy(grown, 0, 0, at);
      this.out = grown;
    }
  }

  private put(line: Buffer): void {
    this.reserve(line.length + 1);
    const at = this.used;
    this.out.set(line, at);
    this.out[at + line.length] = 0x0a;
    this.used = at + line.length + 1;
  }
}
