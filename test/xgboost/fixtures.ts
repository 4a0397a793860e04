/**
 * Loads the golden fixtures written by scripts/xgboost/make_fixtures.py and rebuilds their inputs
 * without Python: the credit data split (test row iff ID % 5 == 0) and the 3 % missing mask use
 * the same rules as the script.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { DMatrix } from "../../helpers/xgboost";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "xgboost");
const DATA = path.join(__dirname, "..", "..", "data", "credit_card_default.csv");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fixture = Record<string, any>;

export function loadFixture(name: string): Fixture {
  const raw = zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, `${name}.json.gz`)));
  return JSON.parse(raw.toString("utf8")) as Fixture;
}

export function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, "base64");
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

export interface CreditData {
  train: DMatrix;
  test: DMatrix;
  names: string[];
}

/** The rule of make_fixtures.py `missing_mask`. */
export function isMissingCell(i: number, j: number, ncol: number): boolean {
  const h = Number((BigInt(i * ncol + j) * 2654435761n) % 4294967296n);
  return h / 4294967296 < 0.03;
}

let cache: { X: Float32Array; y: Float32Array; ids: Int32Array; names: string[] } | undefined;

function readCredit(): { X: Float32Array; y: Float32Array; ids: Int32Array; names: string[] } {
  if (cache) return cache;
  const lines = fs
    .readFileSync(DATA, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const header = lines[0].split(",");
  const ncol = header.length - 2; // minus ID and label
  const n = lines.length - 1;
  const X = new Float32Array(n * ncol);
  const y = new Float32Array(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const fields = lines[i + 1].split(",");
    ids[i] = Number(fields[0]);
    for (let j = 0; j < ncol; j++) X[i * ncol + j] = Number(fields[j + 1]);
    y[i] = Number(fields[ncol + 1]);
  }
  cache = { X, y, ids, names: header.slice(1, ncol + 1) };
  return cache;
}

export function creditData(missing = false): CreditData {
  const { X: X0, y, ids, names } = readCredit();
  const ncol = names.length;
  const n = y.length;
  const X = Float32Array.from(X0);
  if (missing) {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < ncol; j++) if (isMissingCell(i, j, ncol)) X[i * ncol + j] = NaN;
  }
  const all = new DMatrix(X, { nrow: n, ncol, label: y, featureNames: names });
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < n; i++) (ids[i] % 5 === 0 ? testIdx : trainIdx).push(i);
  return { train: all.slice(trainIdx), test: all.slice(testIdx), names };
}

/** The inline data set of the synthetic regression fixture. */
export function syntheticData(fx: Fixture): { train: DMatrix; test: DMatrix } {
  const X = f32(fx.X);
  const y = f32(fx.y);
  const all = new DMatrix(X, { nrow: fx.nrow, ncol: fx.ncol, label: y });
  const idx = Array.from({ length: fx.nrow }, (_, i) => i);
  return { train: all.slice(idx.slice(0, fx.trainRows)), test: all.slice(idx.slice(fx.trainRows)) };
}

/** Fixture params plus numRound as SageMaker-style strings. */
export function fixtureParams(fx: Fixture): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fx.params as Record<string, unknown>)) out[k] = String(v);
  return out;
}
