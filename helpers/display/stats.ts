import { seededRandom } from "../random";
import type { DataFrameLike } from "./table";

/**
 * The few statistics the charts need, computed here so the charts take plain columns.
 */

export interface CorrelationMatrix {
  columns: string[];
  /** matrix[i][j] = Pearson correlation of columns i and j; NaN where undefined. */
  matrix: number[][];
}

/**
 * Pearson correlation of every pair of columns, as pandas' `DataFrame.corr()` (method "pearson"):
 * each pair uses the rows where both values are finite (pairwise complete observations), and a
 * pair with fewer than two such rows or a constant column is NaN.
 */
export function correlationMatrix(columns: Record<string, ArrayLike<number>>): CorrelationMatrix {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error("correlationMatrix needs at least one column");
  const length = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== length) {
      throw new Error(
        `all columns must have the same length: ${names[0]} has ${length} values, ${name} has ${columns[name].length}`,
      );
    }
  }
  const values = names.map((name) => Float64Array.from(columns[name]));
  const complete = values.map((column) => column.every(Number.isFinite));
  const k = names.length;
  const matrix: number[][] = names.map(() => new Array<number>(k).fill(NaN));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const r = pearson(values[i], values[j], complete[i] && complete[j]);
      matrix[i][j] = r;
      matrix[j][i] = r;
    }
  }
  return { columns: names, matrix };
}

/** Two-pass Pearson correlation (means first: stable for large, offset values like LIMIT_BAL). */
function pearson(x: Float64Array, y: Float64Array, allFinite: boolean): number {
  const n = x.length;
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    if (!allFinite && !(Number.isFinite(x[i]) && Number.isFinite(y[i]))) continue;
    count++;
    sumX += x[i];
    sumY += y[i];
  }
  if (count < 2) return NaN;
  const meanX = sumX / count;
  const meanY = sumY / count;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    if (!allFinite && !(Number.isFinite(x[i]) && Number.isFinite(y[i]))) continue;
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  // Clamp the last-ulp overshoot (|r| can come out as 1.0000000000000002).
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** The q-quantile (0..1) of finite values by linear interpolation (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(n - 1, lower + 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/**
 * Up to `count` row positions chosen without replacement by a seeded generator, ascending
 * (so a chart of a sample is reproducible run to run and keeps the data's order).
 */
export function sampleRows(total: number, count: number, seed = 42): number[] {
  if (count >= total) return Array.from({ length: total }, (_v, i) => i);
  // Partial Fisher-Yates: the first `count` positions are a uniform sample.
  const random = seededRandom(seed);
  const positions = Int32Array.from({ length: total }, (_v, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const swap = positions[i];
    positions[i] = positions[j];
    positions[j] = swap;
  }
  return Array.from(positions.subarray(0, count)).sort((a, b) => a - b);
}

/**
 * Columns of a danfojs DataFrame (or an array of records) as numbers, by name, for the chart
 * builders: `numericColumns(df, ["BILL_AMT1", "PAY_AMT1"])`. Without names, every column whose
 * values are all numbers (or missing). Missing values become NaN.
 */
export function numericColumns(
  frame: DataFrameLike | readonly Record<string, unknown>[],
  names?: string[],
): Record<string, number[]> {
  const isFrame = !Array.isArray(frame);
  const available = isFrame
    ? (frame as DataFrameLike).columns.map(String)
    : [...new Set((frame as Record<string, unknown>[]).flatMap((r) => Object.keys(r)))];
  const rows = isFrame ? (frame as DataFrameLike).values : (frame as Record<string, unknown>[]);
  const cell = (row: unknown, name: string, position: number): unknown =>
    isFrame ? (Array.isArray(row) ? row[position] : row) : (row as Record<string, unknown>)[name];
  const missing = (v: unknown) => v === null || v === undefined;
  const wanted =
    names ??
    available.filter((name, position) =>
      rows.every((row) => {
        const v = cell(row, name, position);
        return missing(v) || typeof v === "number";
      }),
    );
  const result: Record<string, number[]> = {};
  for (const name of wanted) {
    const position = available.indexOf(name);
    if (position < 0) {
      throw new Error(`column ${name} is not in the table (it has: ${available.join(", ")})`);
    }
    result[name] = rows.map((row) => {
      const v = cell(row, name, position);
      return missing(v) ? NaN : Number(v);
    });
  }
  return result;
}
