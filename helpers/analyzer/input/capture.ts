/**
 * Data capture records (spec §1.3) -> analyzer rows (spec §5): output columns first, then input
 * columns; multi-row requests pair the i-th output line with the i-th input line, and a single
 * output line holding exactly one value per input line is split on commas (older XGBoost
 * containers answer that way) [P]. Records outside [start, end) by inferenceTime are dropped.
 */

export type Row = Array<string | null>;

export type CaptureLineResult =
  | { kind: "rows"; rows: Row[] }
  | { kind: "outside" }
  | { kind: "skip"; reason: string; detail?: string };

export interface CaptureWindow {
  start?: Date;
  end?: Date;
}

/** RFC 4180 text -> rows; empty fields are missing, blank lines are not rows. */
export function parseCsvText(text: string): Row[] {
  const rows: Row[] = [];
  let row: Row = [];
  let field = "";
  let quoted = false;
  let inQuotes = false;
  let sawAny = false;
  const pushField = (): void => {
    row.push(field.length === 0 ? null : field);
    field = "";
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field.length === 0 && !quoted) {
      inQuotes = true;
      quoted = true;
      sawAny = true;
    } else if (ch === ",") {
      pushField();
      sawAny = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      if (sawAny || field.length > 0) {
        pushField();
        rows.push(row);
      }
      row = [];
      sawAny = false;
    } else {
      field += ch;
      sawAny = true;
    }
  }
  if (sawAny || field.length > 0) {
    pushField();
    rows.push(row);
  }
  return rows;
}

/**
 * JSON.parse forgets how a number was written, but the type rules need it (`1.0` is Fractional,
 * `1` Integral, as a JSON reader typing doubles and longs sees them). Numbers outside strings
 * are therefore turned into strings carrying this prefix before parsing, and back into their
 * source text when rows are built. (Node 20 has no JSON.parse source-text access.)
 */
const NUMBER_TAG = "\u0000json-number:";

export function parseJsonKeepingNumberText(text: string): unknown {
  const tagged = text.replace(
    /("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (m, str: string | undefined) => (str !== undefined ? str : JSON.stringify(NUMBER_TAG + m)),
  );
  return JSON.parse(tagged);
}

function scalarText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v.startsWith(NUMBER_TAG) ? v.slice(NUMBER_TAG.length) : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Scalars of a JSON value in document order (objects by key order, arrays flattened). */
function flatten(v: unknown, out: Row): void {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) flatten(x, out);
  else out.push(scalarText(v));
}

/**
 * JSON payload -> rows [P]: `{"predictions": [...]}` / `{"instances": [...]}` (an object whose only
 * member is an array) and top-level arrays of arrays/objects give one row per element; anything
 * else is one row of its scalars in document order.
 */
export function jsonToRows(value: unknown): Row[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.values(value);
    if (entries.length === 1 && Array.isArray(entries[0])) return jsonToRows(entries[0]);
  }
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((x) => x !== null && typeof x === "object")
  ) {
    return value.map((x) => {
      const row: Row = [];
      flatten(x, row);
      return row;
    });
  }
  const row: Row = [];
  flatten(value, row);
  return [row];
}

function isJsonMediaType(contentType: unknown): boolean {
  return typeof contentType === "string" && /json/i.test(contentType.split(";")[0]);
}

/** Decode one endpointInput/endpointOutput object into rows; throws with a reason. */
export function decodeCapturePayload(
  side: unknown,
  label: string,
): { rows: Row[]; invalidUtf8: boolean } {
  if (side === null || typeof side !== "object") throw new Error(`${label} is not an object`);
  const s = side as Record<string, unknown>;
  if (typeof s.data !== "string") throw new Error(`${label}.data is not a string`);
  const encoding = typeof s.encoding === "string" ? s.encoding.toUpperCase() : "";
  let text = s.data;
  let json = false;
  let invalidUtf8 = false;
  if (encoding === "CSV") json = false;
  else if (encoding === "JSON") json = true;
  else if (encoding === "BASE64") {
    const bytes = Buffer.from(s.data, "base64");
    text = bytes.toString("utf8");
    invalidUtf8 = text.includes("\uFFFD") && !bytes.includes(Buffer.from("\uFFFD", "utf8"));
    json = isJsonMediaType(s.observedContentType);
  } else {
    throw new Error(`${label}.encoding ${JSON.stringify(s.encoding)} is not CSV, JSON or BASE64`);
  }
  if (!json) return { rows: parseCsvText(text), invalidUtf8 };
  let value: unknown;
  try {
    value = parseJsonKeepingNumberText(text);
  } catch {
    throw new Error(`${label}.data is not valid JSON although encoded as JSON`);
  }
  return { rows: jsonToRows(value), invalidUtf8 };
}

/** Parse one capture line (spec §1.3) into analyzer rows (spec §5). */
export function parseCaptureLine(
  line: string,
  window: CaptureWindow = {},
): CaptureLineResult & { invalidUtf8?: boolean } {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { kind: "skip", reason: "line is not valid JSON" };
  }
  if (record === null || typeof record !== "object") {
    return { kind: "skip", reason: "line is not a JSON object" };
  }
  const r = record as Record<string, unknown>;
  const capture = r.captureData as Record<string, unknown> | undefined;
  if (!capture || typeof capture !== "object") {
    return { kind: "skip", reason: "record has no captureData" };
  }
  if (window.start || window.end) {
    const meta = r.eventMetadata as Record<string, unknown> | undefined;
    const t = typeof meta?.inferenceTime === "string" ? Date.parse(meta.inferenceTime) : NaN;
    if (Number.isNaN(t)) {
      return { kind: "skip", reason: "record has no valid eventMetadata.inferenceTime" };
    }
    if ((window.start && t < window.start.getTime()) || (window.end && t >= window.end.getTime())) {
      return { kind: "outside" };
    }
  }
  let input: Row[] | undefined;
  let output: Row[] | undefined;
  let invalidUtf8 = false;
  try {
    if (capture.endpointOutput !== undefined) {
      const d = decodeCapturePayload(capture.endpointOutput, "endpointOutput");
      output = d.rows;
      invalidUtf8 ||= d.invalidUtf8;
    }
    if (capture.endpointInput !== undefined) {
      const d = decodeCapturePayload(capture.endpointInput, "endpointInput");
      input = d.rows;
      invalidUtf8 ||= d.invalidUtf8;
    }
  } catch (e) {
    return { kind: "skip", reason: "payload cannot be decoded", detail: (e as Error).message };
  }
  if (!input && !output) {
    return { kind: "skip", reason: "record has neither endpointInput nor endpointOutput" };
  }
  if (!input || !output) return { kind: "rows", rows: (input ?? output) as Row[], invalidUtf8 };
  if (output.length === input.length) {
    return { kind: "rows", rows: input.map((row, i) => [...output![i], ...row]), invalidUtf8 };
  }
  if (output.length === 1 && output[0].length === input.length && input.length > 1) {
    const values = output[0];
    return { kind: "rows", rows: input.map((row, i) => [values[i], ...row]), invalidUtf8 };
  }
  return {
    kind: "skip",
    reason: "output and input row counts differ",
    detail: `${output.length} output row(s) for ${input.length} input row(s)`,
  };
}
