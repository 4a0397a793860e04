/**
 * The capture record of one invocation written straight as UTF-8 bytes: the same bytes as
 * `captureRecordLine` (./record.ts, the readable reference) without building the line as a string.
 *
 * Why: with capture on, the record line was the largest cost an invocation added (bench/README.md,
 * "The endpoint"): a few concatenated strings per record, flattened and UTF-8 encoded again to
 * reach the pending buffer, about 5 µs of the event loop per captured request under load. Here the
 * parts that only depend on the endpoint's settings and the two content types are encoded once,
 * and a payload that JSON leaves as it is (printable ASCII without `"` or `\`: every plain CSV row
 * and number) is copied byte by byte; anything else goes through JSON.stringify as the reference
 * does, so the bytes stay identical (tested against captureRecordLine over many payloads).
 *
 * It runs on the capture flush worker (./capturedRecords.ts), which encodes batches of records
 * every 200 ms, each in place in the batch's output (`encodeInto`); until round 10 it ran on the
 * request path. Its care for nanoseconds still pays there: on a small machine the worker's time
 * is taken from the event loop (round 11).
 *
 * Written by hand: no npm library writes a fixed-shape JSON record into a reused buffer.
 */
import { isAscii } from "node:buffer";
import {
  captureEncoding,
  captureRecordLine,
  inferenceTime,
  type CapturedInvocation,
  type CaptureSettings,
} from "./record";
import { EVENT_ID_LENGTH, EventIdWriter } from "./eventIds";

/** What the encoder reads of an invocation: a CapturedInvocation with its time in epoch ms. */
export interface InvocationFields extends Omit<CapturedInvocation, "time"> {
  timeMs: number;
}

/** Room kept for one record; a record that might not fit is built by the string reference. */
const SCRATCH_BYTES = 64 * 1024;
/** The largest bound (`boundOf`) of a record written by `encodeInto`. */
export const MAX_ENCODED_BYTES = SCRATCH_BYTES;
/** JSON escapes a byte as at most 6 bytes (`\u001f`); UTF-8 repair and base64 take less. */
const WORST_BYTES_PER_BYTE = 6;

/** 1 for the bytes JSON.stringify leaves alone and UTF-8 encodes as themselves. */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b <= 0x7f; b++) PLAIN[b] = b === 0x22 || b === 0x5c ? 0 : 1;

/** The fixed bytes of one record shape, around the two payloads and the metadata. */
interface RecordParts {
  /** `{"captureData":{"endpointInput":{...,"data":` (or up to where the output starts). */
  beforeInput: Buffer;
  inputEncoding: "CSV" | "JSON" | "BASE64";
  /** The input's `,"encoding":".."}`, then the output's opening up to its `"data":`. */
  beforeOutput: Buffer;
  outputEncoding: "CSV" | "JSON" | "BASE64";
  /** The output's `,"encoding":".."}` and `},"eventMetadata":{"eventId":`. */
  beforeEventId: Buffer;
  /** The fixed parts' total length, for the size bound. */
  fixedBytes: number;
}

const INFERENCE_ID = Buffer.from(`,"inferenceId":`);
const INFERENCE_TIME = Buffer.from(`,"inferenceTime":"`);
const CUSTOM_ATTRIBUTES = Buffer.from(`","customAttributes":[`);
const END_WITH_ATTRIBUTES = Buffer.from(`]},"eventVersion":"0"}`);
const END = Buffer.from(`"},"eventVersion":"0"}`);
/** What the metadata adds besides its values: the longest of the two ends, both optional keys. */
const METADATA_BYTES =
  INFERENCE_ID.length + INFERENCE_TIME.length + CUSTOM_ATTRIBUTES.length + END.length + 24;

function side(mode: "INPUT" | "OUTPUT", contentType: string | undefined): string {
  const observed = contentType === undefined ? "null" : JSON.stringify(contentType);
  const key = mode === "INPUT" ? "endpointInput" : "endpointOutput";
  return `"${key}":{"observedContentType":${observed},"mode":"${mode}","data":`;
}

function partsOf(
  settings: CaptureSettings,
  inputType: string | undefined,
  outputType: string | undefined,
): RecordParts {
  const inputEncoding = captureEncoding(inputType, settings);
  const outputEncoding = captureEncoding(outputType, settings);
  const beforeInput = `{"captureData":{` + (settings.captureInput ? side("INPUT", inputType) : "");
  let beforeOutput = settings.captureInput ? `,"encoding":"${inputEncoding}"}` : "";
  if (settings.captureOutput) {
    beforeOutput += (settings.captureInput ? "," : "") + side("OUTPUT", outputType);
  }
  const beforeEventId =
    (settings.captureOutput ? `,"encoding":"${outputEncoding}"}` : "") +
    `},"eventMetadata":{"eventId":`;
  const [head, middle, tail] = [beforeInput, beforeOutput, beforeEventId].map((t) =>
    Buffer.from(t),
  );
  return {
    beforeInput: head,
    inputEncoding,
    beforeOutput: middle,
    outputEncoding,
    beforeEventId: tail,
    fixedBytes: head.length + middle.length + tail.length,
  };
}

export class CaptureRecordEncoder {
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  /** Parts by settings object, then input content type, then output content type. */
  private readonly shapes = new WeakMap<
    CaptureSettings,
    Map<string | undefined, Map<string | undefined, RecordParts>>
  >();
  private lastShape:
    | {
        settings: CaptureSettings;
        inputType: string | undefined;
        outputType: string | undefined;
        parts: RecordParts;
      }
    | undefined;
  private readonly eventIds = new EventIdWriter();
  private timeSecond = NaN;
  private timeBytes = Buffer.alloc(0);

  /**
   * The record's bytes, without the trailing newline. The answer is a view of a buffer this
   * encoder reuses: copy it before encoding the next record.
   */
  encode(invocation: CapturedInvocation, settings: CaptureSettings, eventId: string): Buffer {
    const fields: InvocationFields = { ...invocation, timeMs: invocation.time.getTime() };
    if (this.boundOf(fields, settings, eventId.length) > SCRATCH_BYTES) {
      // Large payloads are rare; the string reference writes them exactly.
      return Buffer.from(captureRecordLine(invocation, settings, eventId));
    }
    return this.scratch.subarray(0, this.encodeInto(fields, settings, eventId, this.scratch, 0));
  }

  /**
   * The most bytes `encodeInto` may write for this record. Above MAX_ENCODED_BYTES, encode the
   * record with the string reference (captureRecordLine) instead: large payloads are rare.
   */
  boundOf(
    invocation: InvocationFields,
    settings: CaptureSettings,
    eventIdLength = EVENT_ID_LENGTH,
  ): number {
    const parts = this.parts(settings, invocation.input.contentType, invocation.output.contentType);
    const { input, output, inferenceId, customAttributes } = invocation;
    return (
      parts.fixedBytes +
      METADATA_BYTES +
      WORST_BYTES_PER_BYTE *
        ((settings.captureInput ? input.body.length : 0) +
          (settings.captureOutput ? output.body.length : 0) +
          eventIdLength +
          (inferenceId?.length ?? 0) +
          (customAttributes?.length ?? 0) +
          6)
    );
  }

  /**
   * Writes the record's bytes (without the trailing newline) at `at`, where `out` has room for
   * `boundOf` bytes; returns the offset after them. Without an `eventId`, a fresh UUID is drawn.
   */
  encodeInto(
    invocation: InvocationFields,
    settings: CaptureSettings,
    eventId: string | undefined,
    out: Buffer,
    at: number,
  ): number {
    const parts = this.parts(settings, invocation.input.contentType, invocation.output.contentType);
    const { input, output, inferenceId, customAttributes } = invocation;
    at = copy(parts.beforeInput, out, at);
    if (settings.captureInput) at = writeData(input.body, parts.inputEncoding, out, at);
    at = copy(parts.beforeOutput, out, at);
    if (settings.captureOutput) at = writeData(output.body, parts.outputEncoding, out, at);
    at = copy(parts.beforeEventId, out, at);
    if (eventId === undefined) {
      out[at] = 0x22;
      at = this.eventIds.write(out, at + 1);
      out[at++] = 0x22;
    } else {
      at = writeJsonString(eventId, out, at);
    }
    if (inferenceId !== undefined) {
      at = copy(INFERENCE_ID, out, at);
      at = writeJsonString(inferenceId, out, at);
    }
    at = copy(INFERENCE_TIME, out, at);
    at = copy(this.inferenceTimeBytes(invocation.timeMs), out, at);
    if (customAttributes !== undefined) {
      // [P] "Not confirmed" 2: customAttributes only when sent, after inferenceTime.
      at = copy(CUSTOM_ATTRIBUTES, out, at);
      at = writeJsonString(customAttributes, out, at);
      at = copy(END_WITH_ATTRIBUTES, out, at);
    } else {
      at = copy(END, out, at);
    }
    return at;
  }

  private parts(
    settings: CaptureSettings,
    inputType: string | undefined,
    outputType: string | undefined,
  ): RecordParts {
    // Consecutive records (and boundOf then encodeInto for one record) share one shape.
    const last = this.lastShape;
    if (
      last !== undefined &&
      last.settings === settings &&
      last.inputType === inputType &&
      last.outputType === outputType
    ) {
      return last.parts;
    }
    let byInput = this.shapes.get(settings);
    if (!byInput) {
      byInput = new Map();
      this.shapes.set(settings, byInput);
    }
    let byOutput = byInput.get(inputType);
    if (!byOutput) {
      // An endpoint sees one or two content types; a client sending many is bounded here.
      if (byInput.size >= 64) byInput.clear();
      byOutput = new Map();
      byInput.set(inputType, byOutput);
    }
    let parts = byOutput.get(outputType);
    if (!parts) {
      if (byOutput.size >= 64) byOutput.clear();
      parts = partsOf(settings, inputType, outputType);
      byOutput.set(outputType, parts);
    }
    this.lastShape = { settings, inputType, outputType, parts };
    return parts;
  }

  private inferenceTimeBytes(timeMs: number): Buffer {
    const second = Math.floor(timeMs / 1000);
    if (second !== this.timeSecond) {
      this.timeSecond = second;
      this.timeBytes = Buffer.from(inferenceTime(new Date(timeMs)), "latin1");
    }
    return this.timeBytes;
  }
}

function copy(bytes: Buffer, out: Buffer, at: number): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/** A payload as the record's `data` string: text (CSV, JSON) or base64. */
function writeData(body: Buffer, encoding: RecordParts["inputEncoding"], out: Buffer, at: number) {
  if (encoding === "BASE64") {
    out[at] = 0x22;
    at += 1 + out.write(body.toString("base64"), at + 1, "latin1");
    out[at] = 0x22;
    return at + 1;
  }
  // Beyond ASCII, UTF-8 repair and JSON's escaping are the reference's job.
  if (!isAscii(body)) return at + out.write(JSON.stringify(body.toString("utf8")), at, "utf8");
  out[at++] = 0x22;
  if (body.length >= NATIVE_SCAN_BYTES && isPlainAscii(body)) {
    // A plain CSV row: JSON leaves it as it is.
    out.set(body, at);
    at += body.length;
  } else {
    // Short payloads (an answer such as `0.0752\n`) and ones JSON escapes: byte by byte.
    at = writeEscapedAscii(body, out, at);
  }
  out[at] = 0x22;
  return at + 1;
}

/**
 * Below this length a byte loop beats the native scans of isPlainAscii and a copy (measured: a
 * 20-byte answer in 65-95 ns by the loop, 150-210 ns by the scans; a 370-byte row 0.9-1.1 us by
 * the loop, 0.26-0.4 us by the scans). The loop also replaces JSON.stringify for answers, which
 * end in a newline: 260-290 ns there.
 */
const NATIVE_SCAN_BYTES = 64;

/** How JSON.stringify escapes each ASCII byte it does not leave alone (taken from it). */
const ESCAPES: (Buffer | undefined)[] = Array.from({ length: 128 }, (_, b) =>
  PLAIN[b] === 1 ? undefined : Buffer.from(JSON.stringify(String.fromCharCode(b)).slice(1, -1)),
);

/** ASCII bytes as JSON.stringify writes their text inside a string, without the quotes. */
function writeEscapedAscii(bytes: Buffer, out: Buffer, at: number): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (PLAIN[b] === 1) {
      out[at++] = b;
    } else {
      const escape = ESCAPES[b]!;
      for (let k = 0; k < escape.length; k++) out[at++] = escape[k];
    }
  }
  return at;
}

/**
 * Whether JSON.stringify writes these ASCII bytes' text as the same bytes: no `"`, `\` or control
 * character. Native scans first, then the control check four bytes at a time: the byte-by-byte
 * table loop this replaces took about 1 us per 370-byte CSV row on the request path (4x these
 * checks plus the copy).
 */
function isPlainAscii(bytes: Buffer): boolean {
  return bytes.indexOf(0x22) === -1 && bytes.indexOf(0x5c) === -1 && !hasControlByte(bytes);
}

/** Whether ASCII bytes hold one below 0x20 (a word has one when `(w - 0x20..) & ~w & 0x80..`). */
function hasControlByte(bytes: Buffer): boolean {
  const n = bytes.length;
  let i = 0;
  // Up to the first 4-byte boundary of the memory, then whole words, then the rest.
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if (bytes[i] < 0x20) return true;
  const words = (n - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const w = view[k];
      if (((w - 0x20202020) & ~w & 0x80808080) !== 0) return true;
    }
    i += words * 4;
  }
  for (; i < n; i++) if (bytes[i] < 0x20) return true;
  return false;
}

function writeJsonString(text: string, out: Buffer, at: number): number {
  out[at] = 0x22;
  let to = at + 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || PLAIN[c] === 0) return at + out.write(JSON.stringify(text), at, "utf8");
    out[to++] = c;
  }
  out[to] = 0x22;
  return to + 1;
}
