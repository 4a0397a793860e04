/**
 * What the SageMaker XGBoost 1.7-1 serving container does with one invocation: decode the request
 * body by its content type, predict, and encode the answer for the Accept type
 * (aws/sagemaker-xgboost-container, algorithm_mode/serve.py and serve_utils.py;
 * model-monitor-formats.md §11). Failures are ContainerErrors carrying the HTTP status the
 * container answers with; the runtime turns them into SageMaker Runtime's ModelError.
 */
import { parsePlainCsvBytes } from "./plainCsvBytes";
import { pythonFloatRepr, pythonJsonFloat } from "./pythonFloat";
import type { ServedModel } from "./xgboostModel";

export class ContainerError extends Error {
  constructor(
    /** The container's HTTP status (400 bad data, 406 bad Accept, 415 bad Content-Type). */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ContainerAnswer {
  body: Buffer;
  contentType: string;
}

/** A dense row-major float32 matrix (NaN = missing), as the container builds its DMatrix. */
export interface DenseRows {
  values: Float32Array;
  nrow: number;
  ncol: number;
}

/** `text/CSV; charset=utf-8` -> `text/csv` (media type before `;`, lower case). */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  // Every invocation asks twice (Content-Type, Accept), and clients send the same few headers.
  let type = mediaTypes.get(contentType);
  if (type === undefined) {
    type = contentType.split(";")[0].trim().toLowerCase();
    if (mediaTypes.size >= 64) mediaTypes.clear();
    mediaTypes.set(contentType, type);
  }
  return type === "" ? undefined : type;
}

const mediaTypes = new Map<string, string>();

const REQUEST_TYPES = ["text/csv", "text/libsvm"];
const NOT_LOCAL_TYPE = "application/x-recordio-protobuf";

/** Python `float()` accepts these spellings (plus ints and decimals); JS `Number` accepts more. */
const PYTHON_FLOAT = /^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * True for `[+-]digits[.digits]` (at least one digit, nothing else): what a feature row holds
 * almost always, and spelled the same by Python's float() and JavaScript's Number, so it needs
 * neither trimming nor the pattern below.
 */
function isPlainDecimal(text: string): boolean {
  const length = text.length;
  let i = 0;
  if (length > 0 && (text.charCodeAt(0) === 0x2d || text.charCodeAt(0) === 0x2b)) i = 1;
  let digits = 0;
  let dots = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && dots === 0) dots = 1;
    else return false;
  }
  return digits > 0;
}

function parseFloat32(text: string, row: number, column: number): number {
  if (isPlainDecimal(text)) return Math.fround(Number(text));
  const field = text.trim();
  if (field === "") return NaN; // an empty field is a missing value (spec xgboost §5.1)
  if (!PYTHON_FLOAT.test(field)) {
    throw new ContainerError(
      400,
      "Loading csv data failed with Exception, please ensure data is in csv format:\n" +
        ` <class 'ValueError'>\n could not convert string to float: '${field.slice(0, 100)}' ` +
        `(row ${row}, column ${column})`,
    );
  }
  // A field the pattern accepted that ends in a digit or '.' is a plain number.
  if (field.charCodeAt(field.length - 1) <= 0x39) return Math.fround(Number(field));
  const lower = field.toLowerCase().replace(/^[+-]/, "");
  if (lower.startsWith("inf")) return field.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return NaN;
  return Math.fround(Number(field));
}

/**
 * The container sniffs the delimiter from the first line (`csv.Sniffer`); a line of features
 * holds only digits, signs, dots and the delimiter, so the first of these present is it.
 */
function sniffDelimiter(firstLine: string): string {
  for (const candidate of [",", "\t", ";", "|", " "]) {
    if (firstLine.includes(candidate)) return candidate;
  }
  return ",";
}

function columnCountError(row: number, found: number, expected: number): ContainerError {
  return new ContainerError(
    400,
    `Number of columns does not match number of features in booster: row ${row} has ${found} ` +
      `column${found === 1 ? "" : "s"}, the model expects ${expected}. Send only the features, in ` +
      "training order, without the label column and without a header.",
  );
}

/** The non-blank lines of a text, without their line ends (`\n` or `\r\n`). */
function nonBlankLines(text: string): string[] {
  // One row per request is the common case: no split, filter or map to allocate for it.
  const newline = text.indexOf("\n");
  const lines = newline < 0 || newline === text.length - 1 ? [text] : text.split("\n");
  const rows: string[] = [];
  for (let line of lines) {
    if (line.endsWith("\n")) line = line.slice(0, -1);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() !== "") rows.push(line);
  }
  return rows;
}

/** text/csv: one row per line, no header, no label. */
export function parseCsvRows(text: string, numFeatures: number): DenseRows {
  const rows = nonBlankLines(text);
  const delimiter = sniffDelimiter(rows[0] ?? "");
  const values = new Float32Array(rows.length * numFeatures);
  for (let r = 0; r < rows.length; r++) {
    const fields = rows[r].split(delimiter);
    if (fields.length !== numFeatures) throw columnCountError(r + 1, fields.length, numFeatures);
    for (let c = 0; c < numFeatures; c++) {
      values[r * numFeatures + c] = parseFloat32(fields[c], r + 1, c + 1);
    }
  }
  return { values, nrow: rows.length, ncol: numFeatures };
}

/**
 * text/libsvm: `[label] index:value ...` per line (dmlc's LibSVM parser: a first token without
 * `:` is the label and is ignored for prediction); absent features are missing.
 */
export function parseLibsvmRows(text: string, numFeatures: number): DenseRows {
  const rows = text.split("\n").filter((line) => line.trim() !== "");
  const values = new Float32Array(rows.length * numFeatures).fill(NaN);
  rows.forEach((line, r) => {
    const tokens = line.trim().split(/\s+/);
    tokens.forEach((token, t) => {
      if (t === 0 && !token.includes(":")) return;
      const match = /^(\d+):(.*)$/.exec(token);
      if (!match) {
        throw new ContainerError(
          400,
          `Loading libsvm data failed: row ${r + 1} token ${t + 1} '${token.slice(0, 100)}' is not index:value`,
        );
      }
      const index = Number(match[1]);
      if (index >= numFeatures) throw columnCountError(r + 1, index + 1, numFeatures);
      values[r * numFeatures + index] = parseFloat32(match[2], r + 1, index + 1);
    });
  });
  return { values, nrow: rows.length, ncol: numFeatures };
}

/**
 * Plain CSV values are read into one buffer that every invocation reuses: they live only until
 * serveInvocation returns (the prediction reads them; nothing keeps them). Why: a typed array over
 * 64 bytes (a lab row is 23 float32s, 92 bytes) gets its own off-heap backing store, and making
 * and freeing one per request cost about 0.7 µs of the event loop and 0.35 µs of V8's background
 * threads in a hot loop, against about 50 ns for a view of this one. A larger request gets its
 * own array, so one large request does not keep its size allocated.
 */
const REUSED_VALUES = 4096;
const reusedValues = new Float32Array(REUSED_VALUES);

function valuesOf(length: number): Float32Array {
  return length <= REUSED_VALUES ? reusedValues.subarray(0, length) : new Float32Array(length);
}

/** The request's rows; their values are valid until the next call (see reusedValues). */
function decodeRequest(body: Buffer, contentType: string | undefined, model: ServedModel) {
  const type = mediaType(contentType);
  if (type === "text/csv") {
    const plain = parsePlainCsvBytes(body, model.numFeatures, valuesOf);
    if (plain) return { values: plain.values, nrow: plain.nrow, ncol: model.numFeatures };
    return parseCsvRows(body.toString("utf8"), model.numFeatures);
  }
  if (type === "text/libsvm") return parseLibsvmRows(body.toString("utf8"), model.numFeatures);
  const why =
    type === NOT_LOCAL_TYPE
      ? `${NOT_LOCAL_TYPE} is accepted by the XGBoost container on AWS but not by the local emulator`
      : `Content type ${contentType ?? "(none)"} is not supported by the XGBoost container`;
  throw new ContainerError(
    415,
    `${why}; send ${REQUEST_TYPES.join(" or ")} (for example ContentType "text/csv" with one row of ` +
      "features per line).",
  );
}

const ACCEPT_TYPES = ["text/csv", "application/json", "application/jsonlines"];

/** The Accept type the container answers with; no Accept (or `*\/*`) means text/csv. */
export function responseType(accept: string | undefined): string {
  const type = mediaType(accept);
  if (type === undefined || type === "*/*") return "text/csv";
  if (ACCEPT_TYPES.includes(type)) return type;
  throw new ContainerError(
    406,
    `Accept type ${accept} is not supported${type === NOT_LOCAL_TYPE ? " by the local emulator" : ""}; ` +
      `use one of ${ACCEPT_TYPES.join(", ")}.`,
  );
}

/** Encodes predictions as the 1.7-1 container does (§11, "Not confirmed" 18 for CSV). */
export function encodePredictions(predictions: ArrayLike<number>, type: string): ContainerAnswer {
  if (type === "application/json") {
    const items = Array.from(predictions, (p) => `{"score": ${pythonJsonFloat(p)}}`).join(", ");
    return { body: Buffer.from(`{"predictions": [${items}]}`), contentType: "application/json" };
  }
  if (type === "application/jsonlines") {
    const lines = Array.from(predictions, (p) => `{"score": ${pythonJsonFloat(p)}}\n`).join("");
    return { body: Buffer.from(lines), contentType: "application/jsonlines" };
  }
  let lines = "";
  for (let i = 0; i < predictions.length; i++) lines += `${pythonFloatRepr(predictions[i])}\n`;
  return { body: Buffer.from(lines, "latin1"), contentType: "text/csv; charset=utf-8" };
}

/**
 * XGBoost's DMatrix refuses infinite values (also finite ones too large for float32, like 1e39)
 * unless `missing` is inf, and the container builds its DMatrix with the default missing (NaN).
 */
function rejectInfinity(rows: DenseRows): void {
  const values = rows.values;
  let at = 0;
  while (at < values.length && values[at] !== Infinity && values[at] !== -Infinity) at++;
  if (at === values.length) return;
  throw new ContainerError(
    400,
    "Check failed: valid: Input data contains `inf` or a value too large, while `missing` is not " +
      `set to \`inf\` (row ${Math.floor(at / rows.ncol) + 1}, column ${(at % rows.ncol) + 1})`,
  );
}

/**
 * One invocation through the container. An empty body is answered the way the container answers
 * it (HTTP 204, no content): an empty body with the Accept type, and no prediction is made.
 */
export function serveInvocation(
  model: ServedModel,
  body: Buffer,
  contentType: string | undefined,
  accept: string | undefined,
): ContainerAnswer {
  const type = responseType(accept);
  if (body.length === 0) {
    return { body: Buffer.alloc(0), contentType: encodePredictions([], type).contentType };
  }
  const rows = decodeRequest(body, contentType, model);
  rejectInfinity(rows);
  if (rows.nrow === 0) {
    return { body: Buffer.alloc(0), contentType: encodePredictions([], type).contentType };
  }
  let predictions: Float64Array;
  try {
    predictions = model.predict(rows.values, rows.nrow, rows.ncol);
  } catch (error) {
    throw new ContainerError(500, `Prediction failed: ${(error as Error).message}`);
  }
  // The container predicts float32 and Python widens each value to double (§11).
  for (let i = 0; i < predictions.length; i++) predictions[i] = Math.fround(predictions[i]);
  return encodePredictions(predictions, type);
}
