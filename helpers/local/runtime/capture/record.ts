/**
 * One data capture record, byte for byte as SageMaker writes it (model-monitor-formats.md §1.2,
 * §1.3): compact JSON, fixed key order, `data` encoded by the configured content type lists.
 */
import { randomUUID } from "node:crypto";

/** The capture settings of an endpoint config, resolved for serving. */
export interface CaptureSettings {
  /** False when EnableCapture is false (CaptureStatus "Stopped"). */
  enabled: boolean;
  samplingPercentage: number;
  /** Destination, without trailing slashes: `s3://bucket/prefix`. */
  bucket: string;
  prefix: string;
  captureInput: boolean;
  captureOutput: boolean;
  /** Media types (lower case, before `;`) captured as CSV / JSON; anything else is BASE64. */
  csvContentTypes: string[];
  jsonContentTypes: string[];
}

export interface CapturedInvocation {
  input: { body: Buffer; contentType: string | undefined };
  output: { body: Buffer; contentType: string | undefined };
  inferenceId?: string;
  customAttributes?: string;
  time: Date;
}

type Encoding = "CSV" | "JSON" | "BASE64";

/** The media type compared against the lists: before `;`, trimmed, case-insensitive ([P] §1.2). */
function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(";")[0].trim().toLowerCase();
}

export function captureEncoding(
  contentType: string | undefined,
  settings: Pick<CaptureSettings, "csvContentTypes" | "jsonContentTypes">,
): Encoding {
  // An endpoint sees the same one or two content types over and over.
  let known = encodings.get(settings);
  if (!known) {
    known = new Map();
    encodings.set(settings, known);
  }
  const key = contentType ?? "";
  let encoding = known.get(key);
  if (encoding === undefined) {
    if (known.size >= 64) known.clear();
    encoding = encodingOf(contentType, settings);
    known.set(key, encoding);
  }
  return encoding;
}

const encodings = new WeakMap<object, Map<string, Encoding>>();

function encodingOf(
  contentType: string | undefined,
  settings: Pick<CaptureSettings, "csvContentTypes" | "jsonContentTypes">,
): Encoding {
  const type = mediaTypeOf(contentType);
  if (type !== undefined && settings.csvContentTypes.includes(type)) return "CSV";
  if (type !== undefined && settings.jsonContentTypes.includes(type)) return "JSON";
  return "BASE64";
}

function encodedData(body: Buffer, encoding: Encoding): string {
  // CSV and JSON payloads are kept as text (JSON as a string escaped once by the record's own
  // serialization); anything else is base64 so binary payloads survive.
  return encoding === "BASE64" ? body.toString("base64") : body.toString("utf8");
}

/**
 * One side of the exchange, as the JSON serialization of
 * `{observedContentType, mode, data, encoding}` in that key order (part of the format), written
 * directly: every invocation with capture on builds two of these.
 */
function sideJson(
  payload: { body: Buffer; contentType: string | undefined },
  mode: "INPUT" | "OUTPUT",
  settings: CaptureSettings,
): string {
  const encoding = captureEncoding(payload.contentType, settings);
  const observed = payload.contentType === undefined ? "null" : JSON.stringify(payload.contentType);
  return (
    `{"observedContentType":${observed},"mode":"${mode}",` +
    `"data":${JSON.stringify(encodedData(payload.body, encoding))},"encoding":"${encoding}"}`
  );
}

/** `yyyy-MM-ddTHH:mm:ssZ`, whole seconds, UTC (§1.3); the last second's text is kept. */
export function inferenceTime(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second !== lastSecond.second) {
    lastSecond = { second, text: time.toISOString().slice(0, 19) + "Z" };
  }
  return lastSecond.text;
}

let lastSecond = { second: NaN, text: "" };

/**
 * The JSON line (without its trailing newline) for one captured invocation: what
 * `JSON.stringify({ captureData, eventMetadata, eventVersion: "0" })` gives, built as a string.
 */
export function captureRecordLine(
  invocation: CapturedInvocation,
  settings: CaptureSettings,
  eventId: string = randomUUID(),
): string {
  let captureData = "";
  if (settings.captureInput) {
    captureData = `"endpointInput":${sideJson(invocation.input, "INPUT", settings)}`;
  }
  if (settings.captureOutput) {
    captureData +=
      (captureData === "" ? "" : ",") +
      `"endpointOutput":${sideJson(invocation.output, "OUTPUT", settings)}`;
  }
  let eventMetadata = `"eventId":${JSON.stringify(eventId)}`;
  if (invocation.inferenceId !== undefined) {
    eventMetadata += `,"inferenceId":${JSON.stringify(invocation.inferenceId)}`;
  }
  eventMetadata += `,"inferenceTime":"${inferenceTime(invocation.time)}"`;
  // [P] "Not confirmed" 2: customAttributes only when sent, after inferenceTime.
  if (invocation.customAttributes !== undefined) {
    eventMetadata += `,"customAttributes":[${JSON.stringify(invocation.customAttributes)}]`;
  }
  return `{"captureData":{${captureData}},"eventMetadata":{${eventMetadata}},"eventVersion":"0"}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * `{prefix}/{endpoint}/{variant}/yyyy/mm/dd/hh/{MM}-{SS}-{mmm}-{uuid}.jsonl` (§1.4): the hour
 * folder and the file name both come from `opened`, the capture time of the file's first record.
 */
export function captureObjectKey(
  prefix: string,
  endpoint: string,
  variant: string,
  opened: Date,
  uuid: string = randomUUID(),
): string {
  const folder =
    `${opened.getUTCFullYear()}/${pad(opened.getUTCMonth() + 1, 2)}/${pad(opened.getUTCDate(), 2)}/` +
    pad(opened.getUTCHours(), 2);
  const name =
    `${pad(opened.getUTCMinutes(), 2)}-${pad(opened.getUTCSeconds(), 2)}-` +
    `${pad(opened.getUTCMilliseconds(), 3)}-${uuid}.jsonl`;
  return `${prefix === "" ? "" : `${prefix}/`}${endpoint}/${variant}/${folder}/${name}`;
}

/** The UTC hour a time falls in, as epoch milliseconds (files never span two of these). */
export function hourOf(time: Date): number {
  return Math.floor(time.getTime() / 3_600_000) * 3_600_000;
}
