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
import {
  captureEncoding,
  captureRecordLine,
  inferenceTime,
  type CapturedInvocation,
  type CaptureSettings,
} from "./record";
import { EVENT_ID_LENGTH, EventIdWriter } from "./eventIds";

/**
 * A payload as bytes `start` to `end` of `source`, not a view of them: the flush worker reads
 * thousands of records per batch out of one buffer, and the two `subarray` views per record (each
 * a typed array, its buffer looked up) were a fifth of the worker's time under load (bench/README.md
 * "The endpoint", round 12).
 */
export interface PayloadSpan {
  contentType: string | undefined;
  source: Buffer;
  start: number;
  end: number;
}

/** What the encoder reads of an invocation: its payloads as spans, its time in epoch ms. */
export interface InvocationFields {
  input: PayloadSpan;
  output: PayloadSpan;
  inferenceId?: string;
  customAttributes?: string;
  timeMs: number;
}

/** A whole payload as a span. */
function spanOf(payload: CapturedInvocation["input"]): PayloadSpan {
  return {
    contentType: payload.contentType,
    source: payload.body,
    start: 0,
    end: payload.body.length,
  };
}

/** A span as a payload again, its body a view of the span's bytes. */
export function payloadOf(span: PayloadSpan): CapturedInvocation["input"] {
  return { body: span.source.subarray(span.start, span.end), contentType: span.contentType };
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
    const fields: InvocationFields = {
      input: spanOf(invocation.input),
      output: spanOf(invocation.output),
      inferenceId: invocation.inferenceId,
      customAttributes: invocation.customAttributes,
      timeMs: invocation.time.getTime(),
    };
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
        ((settings.captureInput ? input.end - input.start : 0) +
          (settings.captureOutput ? output.end - output.start : 0) +
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
    if (settings.captureInput) at = writeData(input, parts.inputEncoding, out, at);
    at = copy(parts.beforeOutput, out, at);
    if (settings.captureOutput) at = writeData(output, parts.outputEncoding, out, at);
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
function writeData(
  payload: PayloadSpan,
  encoding: RecordParts["inputEncoding"],
  out: Buffer,
  at: number,
): number {
  const { source, start, end } = payload;
  if (encoding === "BASE64") {
    out[at] = 0x22;
    at += 1 + out.write(source.toString("base64", start, end), at + 1, "latin1");
    out[at] = 0x22;
    return at + 1;
  }
  let to: number;
  if (end - start >= WORD_SCAN_BYTES && isPlainText(source, start, end)) {
    // A plain CSV row: JSON leaves it as it is.
    out[at] = 0x22;
    out.set(source.subarray(start, end), at + 1);
    to = at + 1 + end - start;
  } else {
    // Short payloads (an answer such as `0.0752\n`) and ones JSON escapes: byte by byte.
    to = writeEscapedAscii(source, start, end, out, at);
  }
  // Beyond ASCII, UTF-8 repair and JSON's escaping are the reference's job.
  if (to < 0)
    return at + out.write(JSON.stringify(source.toString("utf8", start, end)), at, "utf8");
  out[to] = 0x22;
  return to + 1;
}

/**
 * From this length a payload is first checked four bytes at a time, then copied whole; below it
 * the byte loop is faster (measured before the word check: a 20-byte answer in 65-95 ns by the
 * loop, 150-210 ns by native scans; a 370-byte row 0.9-1.1 us by the loop). The loop also
 * replaces JSON.stringify for answers, which end in a newline: 260-290 ns there.
 */
const WORD_SCAN_BYTES = 64;

/** How JSON.stringify escapes each ASCII byte it does not leave alone (taken from it). */
const ESCAPES: (Buffer | undefined)[] = Array.from({ length: 128 }, (_, b) =>
  PLAIN[b] === 1 ? undefined : Buffer.from(JSON.stringify(String.fromCharCode(b)).slice(1, -1)),
);

/**
 * Bytes `start` to `end` of `source` as JSON.stringify writes their text, quotes included, at
 * `at`; -1 (having written part of it) when they are not all ASCII.
 */
function writeEscapedAscii(
  source: Buffer,
  start: number,
  end: number,
  out: Buffer,
  at: number,
): number {
  out[at++] = 0x22;
  for (let i = start; i < end; i++) {
    const b = source[i];
    if (PLAIN[b] === 1) {
      out[at++] = b;
    } else if (b < 0x80) {
      const escape = ESCAPES[b]!;
      for (let k = 0; k < escape.length; k++) out[at++] = escape[k];
    } else {
      return -1;
    }
  }
  return at;
}

/**
 * One word view per source buffer: a batch's payloads all come from one. (It keeps the last source
 * alive until another comes: on the flush worker, one batch.)
 */
let wordsSource: Buffer | undefined;
let words = new Uint32Array(0);

/**
 * Whether JSON.stringify writes bytes `start` to `end` of `source` as the same bytes: all ASCII,
 * no `"`, `\` or control character. Four bytes at a time through one Uint32Array over the whole
 * memory of `source` (a word has a byte below 0x20 when `(w - 0x20..) & ~w & 0x80..`, a byte equal
 * to c when `w ^ c..` has a zero byte, one from 0x80 when `w & 0x80..`); a flagged word is checked
 * byte by byte, as the borrow can flag bytes above a real hit. It replaced `isAscii`, two native
 * `indexOf` scans and a view per payload: 290-350 ns against 390-480 ns for a 530-byte row.
 */
function isPlainText(source: Buffer, start: number, end: number): boolean {
  if (source !== wordsSource) {
    wordsSource = source;
    words = new Uint32Array(source.buffer, 0, source.buffer.byteLength >>> 2);
  }
  const base = source.byteOffset;
  let i = start;
  // Up to the first 4-byte boundary of the memory, then whole words, then the rest.
  for (const head = Math.min(end, start + ((4 - ((base + start) & 3)) & 3)); i < head; i++) {
    if (PLAIN[source[i]] === 0) return false;
  }
  const first = (base + i) >>> 2;
  const last = first + ((end - i) >>> 2);
  for (let k = first; k < last; k++) {
    const w = words[k];
    const quote = w ^ 0x22222222;
    const backslash = w ^ 0x5c5c5c5c;
    const flagged =
      ((w - 0x20202020) & ~w & 0x80808080) |
      (w & 0x80808080) |
      ((quote - 0x01010101) & ~quote & 0x80808080) |
      ((backslash - 0x01010101) & ~backslash & 0x80808080);
    if (flagged !== 0) {
      const at = 4 * k - base;
      for (let j = 0; j < 4; j++) if (PLAIN[source[at + j]] === 0) return false;
    }
  }
  for (i += 4 * (last - first); i < end; i++) if (PLAIN[source[i]] === 0) return false;
  return true;
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
