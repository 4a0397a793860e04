/**
 * The UCI "default of credit card clients" data set as typed columns.
 *
 * The file is a strict numeric CSV (no quoting, no missing values, LF endings), so a line/field
 * split is all the parsing it needs; a general CSV library would only hide the checks below,
 * which must name the file, the line and what was expected.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir } from "../paths";

/** Column order of `data/credit_card_default.csv`, header row included. */
export const CREDIT_CARD_COLUMNS = [
  "ID",
  "LIMIT_BAL",
  "SEX",
  "EDUCATION",
  "MARRIAGE",
  "AGE",
  "PAY_0",
  "PAY_2",
  "PAY_3",
  "PAY_4",
  "PAY_5",
  "PAY_6",
  "BILL_AMT1",
  "BILL_AMT2",
  "BILL_AMT3",
  "BILL_AMT4",
  "BILL_AMT5",
  "BILL_AMT6",
  "PAY_AMT1",
  "PAY_AMT2",
  "PAY_AMT3",
  "PAY_AMT4",
  "PAY_AMT5",
  "PAY_AMT6",
  "default payment next month",
] as const;

export type CreditCardColumn = (typeof CREDIT_CARD_COLUMNS)[number];

/** The label column as the file names it. */
export const RAW_LABEL_COLUMN: CreditCardColumn = "default payment next month";

export interface CreditCardData {
  /** Path the data was read from. */
  file: string;
  /** Number of data rows (header excluded). */
  rowCount: number;
  /** Column names in file order. */
  columnNames: CreditCardColumn[];
  /** One typed array per column, in file row order. */
  columns: Record<CreditCardColumn, Float64Array>;
}

/** `data/credit_card_default.csv` at the repository root, wherever the caller runs from. */
export function defaultCreditCardPath(): string {
  return path.join(dataDir(), "credit_card_default.csv");
}

/** A problem in the data file, always naming the file and, where it applies, the line. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${file}: ${detail}` : `${file} line ${line}: ${detail}`);
    this.name = "DataFileError";
  }
}

// A decimal number with an optional exponent: LIMIT_BAL is written the spreadsheet way in 4,262
// rows ("5.00E+05"), everything else is a plain integer.
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Reads and validates the credit-card CSV.
 * @throws DataFileError when the file is missing, the header differs or a row is malformed.
 */
export function loadCreditCardData(file: string = defaultCreditCardPath()): CreditCardData {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new DataFileError(
      file,
      undefined,
      `${reason}. Expected the UCI credit-card CSV here (copy it from shared/data/ into data/).`,
    );
  }
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0)
    throw new DataFileError(file, 1, "the file is empty; expected a header row");

  const header = lines[0].replace(/\r$/, "").split(",");
  const expectedHeader = CREDIT_CARD_COLUMNS.join(",");
  if (header.join(",") !== expectedHeader) {
    const firstDiff = CREDIT_CARD_COLUMNS.findIndex((name, i) => header[i] !== name);
    const at = firstDiff === -1 ? CREDIT_CARD_COLUMNS.length : firstDiff;
    throw new DataFileError(
      file,
      1,
      `unexpected header: column ${at + 1} is ${JSON.stringify(header[at] ?? "(none)")}, ` +
        `expected ${JSON.stringify(CREDIT_CARD_COLUMNS[at] ?? "(end of header)")}. ` +
        `Expected header: ${expectedHeader}`,
    );
  }

  const rowCount = lines.length - 1;
  const width = CREDIT_CARD_COLUMNS.length;
  const arrays = CREDIT_CARD_COLUMNS.map(() => new Float64Array(rowCount));
  for (let r = 0; r < rowCount; r++) {
    const lineNumber = r + 2;
    const fields = lines[r + 1].replace(/\r$/, "").split(",");
    if (fields.length !== width) {
      throw new DataFileError(
        file,
        lineNumber,
        `expected ${width} comma-separated values, found ${fields.length}`,
      );
    }
    for (let c = 0; c < width; c++) {
      const field = fields[c];
      if (!NUMBER.test(field)) {
        throw new DataFileError(
          file,
          lineNumber,
          `column ${CREDIT_CARD_COLUMNS[c]} (field ${c + 1}): expected a number, found ${JSON.stringify(field)}`,
        );
      }
      arrays[c][r] = Number(field);
    }
  }
  const columns = Object.fromEntries(
    CREDIT_CARD_COLUMNS.map((name, c) => [name, arrays[c]]),
  ) as Record<CreditCardColumn, Float64Array>;
  return { file, rowCount, columnNames: [...CREDIT_CARD_COLUMNS], columns };
}
