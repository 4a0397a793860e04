/**
 * DMatrix: a dense row-major float32 feature matrix with labels, NaN meaning missing, as XGBoost's
 * Python `xgboost.DMatrix` for numpy input. `fromCsv` reads CSV the way the SageMaker XGBoost
 * container does for training (dmlc-core's CSV parser: label column first, no header, empty field
 * = missing, numbers through dmlc's strtof, spec §5.1).
 */
import { dmlcStrtof } from "./strtof";

export interface DMatrixOptions {
  nrow?: number;
  ncol?: number;
  label?: ArrayLike<number>;
  featureNames?: string[];
}

export interface CsvOptions {
  /** Column holding the label (default 0, as SageMaker's CSV); null = no label column. */
  labelColumn?: number | null;
  /** Parse with dmlc-core's strtof (default true, training parity); false = correctly rounded. */
  dmlcParse?: boolean;
  /** Skip the first line (a header). SageMaker CSV has none; default false. */
  header?: boolean;
}

export class DMatrix {
  /** Row-major float32 values, NaN = missing. */
  readonly data: Float32Array;
  readonly numRow: number;
  readonly numCol: number;
  readonly label?: Float32Array;
  readonly featureNames?: string[];

  constructor(data: Float32Array | number[][], opts: DMatrixOptions = {}) {
    if (data instanceof Float32Array) {
      const ncol = opts.ncol ?? (opts.nrow ? data.length / opts.nrow : undefined);
      if (ncol === undefined || !Number.isInteger(ncol) || ncol < 0) {
        throw new Error(
          "DMatrix from a Float32Array needs opts.ncol (or opts.nrow) that divides its length",
        );
      }
      const nrow = ncol === 0 ? (opts.nrow ?? 0) : data.length / ncol;
      if (!Number.isInteger(nrow) || (opts.nrow !== undefined && opts.nrow !== nrow)) {
        throw new Error(
          `DMatrix: data length ${data.length} is not nrow x ncol (nrow=${opts.nrow ?? "?"}, ncol=${ncol}); pass the matching shape`,
        );
      }
      this.data = data;
      this.numRow = nrow;
      this.numCol = ncol;
    } else {
      const nrow = data.length;
      const ncol = opts.ncol ?? (nrow > 0 ? data[0].length : 0);
      const out = new Float32Array(nrow * ncol);
      for (let i = 0; i < nrow; i++) {
        const row = data[i];
        if (row.length !== ncol) {
          throw new Error(`DMatrix: row ${i} has ${row.length} values, expected ${ncol}`);
        }
        for (let j = 0; j < ncol; j++) {
          const v = row[j];
          out[i * ncol + j] = v === null || v === undefined ? NaN : v;
        }
      }
      this.data = out;
      this.numRow = nrow;
      this.numCol = ncol;
    }
    if (opts.label !== undefined) {
      if (opts.label.length !== this.numRow) {
        throw new Error(
          `DMatrix: label has ${opts.label.length} values but the matrix has ${this.numRow} rows`,
        );
      }
      this.label = Float32Array.from(opts.label);
    }
    if (opts.featureNames !== undefined) {
      if (opts.featureNames.length !== this.numCol) {
        throw new Error(
          `DMatrix: ${opts.featureNames.length} feature names for ${this.numCol} columns`,
        );
      }
      this.featureNames = [...opts.featureNames];
    }
  }

  /** Number of rows (a method too, like xgboost.DMatrix.num_row()). */
  numRows(): number {
    return this.numRow;
  }

  numCols(): number {
    return this.numCol;
  }

  getLabel(): Float32Array | undefined {
    return this.label;
  }

  /** True when no value is missing (XGBoost's `IsDense`, which picks how root sums are taken). */
  isDense(): boolean {
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (d[i] !== d[i]) return false;
    return true;
  }

  /** Rows `indices` as a new DMatrix (labels and names kept). */
  slice(indices: ArrayLike<number>): DMatrix {
    const n = indices.length;
    const c = this.numCol;
    const out = new Float32Array(n * c);
    const label = this.label ? new Float32Array(n) : undefined;
    for (let k = 0; k < n; k++) {
      const r = indices[k];
      out.set(this.data.subarray(r * c, r * c + c), k * c);
      if (label && this.label) label[k] = this.label[r];
    }
    return new DMatrix(out, { nrow: n, ncol: c, label, featureNames: this.featureNames });
  }

  /**
   * Parses CSV text as the SageMaker XGBoost container does for `text/csv` training channels.
   * Lines are separated by \n (a trailing \r is dropped); blank lines are skipped.
   */
  static fromCsv(text: string, opts: CsvOptions = {}): DMatrix {
    const labelColumn = opts.labelColumn === undefined ? 0 : opts.labelColumn;
    const parse = opts.dmlcParse === false ? parseCorrectlyRounded : dmlcStrtof;
    const lines = text.split("\n");
    let start = 0;
    if (opts.header) start = 1;
    let ncolTotal = -1;
    const values: number[] = [];
    const labels: number[] = [];
    let nrow = 0;
    for (let li = start; li < lines.length; li++) {
      let line = lines[li];
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.trim() === "") continue;
      const fields = line.split(",");
      if (ncolTotal < 0) {
        ncolTotal = fields.length;
        if (labelColumn !== null && (labelColumn < 0 || labelColumn >= ncolTotal)) {
          throw new Error(
            `labelColumn ${labelColumn} is outside the ${ncolTotal} CSV columns; use 0 for label-first CSV or null for no label`,
          );
        }
      } else if (fields.length !== ncolTotal) {
        throw new Error(
          `CSV line ${li + 1} has ${fields.length} fields, expected ${ncolTotal} like the first line; every row needs the same number of columns`,
        );
      }
      for (let j = 0; j < fields.length; j++) {
        let v: number;
        try {
          v = parse(fields[j]);
        } catch (error) {
          throw new Error(`CSV line ${li + 1}, column ${j + 1}: ${(error as Error).message}`);
        }
        if (j === labelColumn) {
          if (v !== v) {
            throw new Error(
              `CSV line ${li + 1}: the label (column ${j + 1}) is empty; every training row needs a label`,
            );
          }
          labels.push(v);
        } else values.push(v);
      }
      nrow++;
    }
    if (nrow === 0) throw new Error("CSV has no data rows");
    const ncol = ncolTotal - (labelColumn === null ? 0 : 1);
    return new DMatrix(Float32Array.from(values), {
      nrow,
      ncol,
      label: labelColumn === null ? undefined : labels,
    });
  }
}

/** numpy's way (float(s) then float32): used by the serving container for inference CSV. */
function parseCorrectlyRounded(s: string): number {
  const t = s.trim();
  if (t === "") return NaN;
  const v = Number(t);
  if (v !== v && t.toLowerCase() !== "nan") {
    throw new Error(`"${s}" is not a number: CSV fields must be numeric`);
  }
  return Math.fround(v);
}
