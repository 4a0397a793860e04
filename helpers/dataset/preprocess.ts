/**
 * The data-scientist lab's preprocessing (workshop-labs.md, lab 01 steps 3 and 6): drop `ID`,
 * rename the label to `Label` and put it first, split 80/20 with a fixed seed, scale `PAY_AMT1`
 * (standard) and `BILL_AMT1` (min-max) with danfojs scalers fitted on the training rows, and
 * order the columns as the original's scikit-learn ColumnTransformer did: the two scaled columns
 * first, then the remaining features in file order.
 */
import { dfd } from "./danfo";
import { CREDIT_CARD_COLUMNS, RAW_LABEL_COLUMN, type CreditCardData } from "./creditCard";
import { seededRandom } from "../random";

export const LABEL = "Label";

/** Columns scaled by the lab, in the order they lead the transformed table. */
export const SCALED_COLUMNS = ["PAY_AMT1", "BILL_AMT1"] as const;

/** A numeric table stored column by column; `columns[0]` is `Label` in every lab table. */
export interface LabTable {
  columns: string[];
  values: Float64Array[];
  rowCount: number;
}

export interface PreprocessOptions {
  /** Share of rows held out for testing (the lab's `train_test_split_ratio`). */
  testFraction?: number;
  /** Seed of the shuffle, so every run (and every learner) gets the same split. */
  seed?: number;
}

export interface ScalerParameters {
  PAY_AMT1: { mean: number; std: number };
  BILL_AMT1: { min: number; max: number };
}

export interface PreprocessResult {
  train: LabTable;
  test: LabTable;
  /** Fitted on the training rows only, applied to both: no test information leaks into training. */
  scalers: ScalerParameters;
  testFraction: number;
  seed: number;
}

/** `Label` first, then every feature in file order; `ID` dropped (it would leak row order). */
export function toLabTable(data: CreditCardData): LabTable {
  const features = CREDIT_CARD_COLUMNS.filter((name) => name !== "ID" && name !== RAW_LABEL_COLUMN);
  return {
    columns: [LABEL, ...features],
    values: [data.columns[RAW_LABEL_COLUMN], ...features.map((name) => data.columns[name])],
    rowCount: data.rowCount,
  };
}

function takeRows(table: LabTable, rows: Uint32Array): LabTable {
  return {
    columns: [...table.columns],
    values: table.values.map((column) => Float64Array.from(rows, (row) => column[row])),
    rowCount: rows.length,
  };
}

/** Shuffles the rows with a Fisher-Yates permutation and cuts off the test share. */
export function splitTrainTest(
  table: LabTable,
  testFraction: number,
  seed: number,
): { train: LabTable; test: LabTable } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const order = new Uint32Array(table.rowCount).map((_, i) => i);
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const testCount = Math.ceil(table.rowCount * testFraction); // as scikit-learn rounds the test share
  return {
    test: takeRows(table, order.subarray(0, testCount)),
    train: takeRows(table, order.subarray(testCount)),
  };
}

function column(table: LabTable, name: string): Float64Array {
  const index = table.columns.indexOf(name);
  if (index < 0)
    throw new Error(`column ${name} not found; columns are ${table.columns.join(", ")}`);
  return table.values[index];
}

function scalarOf(tensorLike: unknown): number {
  return (tensorLike as { arraySync(): number }).arraySync();
}

/** Fits danfojs' StandardScaler on PAY_AMT1 and MinMaxScaler on BILL_AMT1 (training rows only). */
export function fitScalers(train: LabTable): {
  parameters: ScalerParameters;
  transform(table: LabTable): LabTable;
} {
  const standard = new dfd.StandardScaler();
  standard.fit(new dfd.Series(Array.from(column(train, "PAY_AMT1"))));
  const minMax = new dfd.MinMaxScaler();
  minMax.fit(new dfd.Series(Array.from(column(train, "BILL_AMT1"))));
  const internals = { standard, minMax } as unknown as {
    standard: { $mean: unknown; $std: unknown };
    minMax: { $min: unknown; $max: unknown };
  };
  const parameters: ScalerParameters = {
    PAY_AMT1: { mean: scalarOf(internals.standard.$mean), std: scalarOf(internals.standard.$std) },
    BILL_AMT1: { min: scalarOf(internals.minMax.$min), max: scalarOf(internals.minMax.$max) },
  };
  const transform = (table: LabTable): LabTable => {
    const scaled = {
      PAY_AMT1: standard.transform(Array.from(column(table, "PAY_AMT1"))) as number[],
      BILL_AMT1: minMax.transform(Array.from(column(table, "BILL_AMT1"))) as number[],
    };
    const rest = table.columns.filter(
      (name) => name !== LABEL && !(SCALED_COLUMNS as readonly string[]).includes(name),
    );
    return {
      columns: [LABEL, ...SCALED_COLUMNS, ...rest],
      values: [
        Float64Array.from(column(table, LABEL)),
        Float64Array.from(scaled.PAY_AMT1),
        Float64Array.from(scaled.BILL_AMT1),
        ...rest.map((name) => Float64Array.from(column(table, name))),
      ],
      rowCount: table.rowCount,
    };
  };
  return { parameters, transform };
}

/** The whole preprocessing step of lab 01. */
export function preprocess(
  data: CreditCardData,
  options: PreprocessOptions = {},
): PreprocessResult {
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 42;
  const { train, test } = splitTrainTest(toLabTable(data), testFraction, seed);
  const scalers = fitScalers(train);
  return {
    train: scalers.transform(train),
    test: scalers.transform(test),
    scalers: scalers.parameters,
    testFraction,
    seed,
  };
}

/**
 * Shortest decimal that reads back as the same float32. danfojs scales in float32 (tfjs
 * tensors), so printing the float32's double expansion would add noise digits to the CSV.
 */
export function shortestFloat32(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const f = Math.fround(value);
  for (let precision = 1; precision <= 9; precision++) {
    const text = f.toPrecision(precision);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(f);
}

/**
 * CSV text as SageMaker's XGBoost expects it (`Label` first, no header) or, with
 * `header: true`, the baselining input `train_data_headers.csv`.
 */
export function toCsv(table: LabTable, options: { header: boolean }): string {
  const lines: string[] = options.header ? [table.columns.join(",")] : [];
  const row = new Array<string>(table.columns.length);
  for (let r = 0; r < table.rowCount; r++) {
    for (let c = 0; c < table.columns.length; c++) row[c] = shortestFloat32(table.values[c][r]);
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** The feature matrix without the label, row-major float32, as XGBoost and the endpoint take it. */
export function featureMatrix(table: LabTable): { data: Float32Array; nrow: number; ncol: number } {
  const ncol = table.columns.length - 1;
  const data = new Float32Array(table.rowCount * ncol);
  for (let c = 0; c < ncol; c++) {
    const values = table.values[c + 1];
    for (let r = 0; r < table.rowCount; r++) data[r * ncol + c] = values[r];
  }
  return { data, nrow: table.rowCount, ncol };
}

/** A lab table as a danfojs DataFrame, for display. */
export function labTableToDataFrame(table: LabTable): dfd.DataFrame {
  const columns: Record<string, number[]> = {};
  table.columns.forEach((name, c) => (columns[name] = Array.from(table.values[c])));
  return new dfd.DataFrame(columns, { columns: table.columns });
}
