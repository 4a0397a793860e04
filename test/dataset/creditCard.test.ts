import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CREDIT_CARD_COLUMNS,
  DataFileError,
  defaultCreditCardPath,
  loadCreditCardData,
  toDataFrame,
} from "../../helpers/dataset";

function mean(values: Float64Array): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function writeTemp(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "credit-")), "data.csv");
  fs.writeFileSync(file, content);
  return file;
}

const header = CREDIT_CARD_COLUMNS.join(",");
const goodRow = "1,20000,2,2,1,24,2,2,-1,-1,-2,-2,3913,3102,689,0,0,0,0,689,0,0,0,0,1";

describe("credit-card data", () => {
  it("is the byte-identical copy of the published file", () => {
    const digest = createHash("sha256")
      .update(fs.readFileSync(defaultCreditCardPath()))
      .digest("hex");
    expect(digest).toBe("3531b475027bd465e30c6f49e331045bdddb0d6b53c5d0d8dec6dd6f8c661566");
  });

  it("loads as typed columns with the documented facts", () => {
    const data = loadCreditCardData();
    expect(data.rowCount).toBe(30000);
    expect(data.columnNames).toEqual([...CREDIT_CARD_COLUMNS]);
    expect(data.columns.LIMIT_BAL).toBeInstanceOf(Float64Array);
    expect(mean(data.columns.MARRIAGE)).toBeCloseTo(1.5519, 4);
    expect(Math.min(...data.columns.LIMIT_BAL)).toBe(10000);
    expect(Math.max(...data.columns.LIMIT_BAL)).toBe(1000000);
    expect(Math.min(...data.columns.AGE)).toBe(21);
    expect(Math.max(...data.columns.AGE)).toBe(79);
    expect(data.columns["default payment next month"].reduce((s, v) => s + v, 0)).toBe(6636);
    // The spreadsheet's E-notation ("5.00E+05") is read as the number it is.
    expect(data.columns.LIMIT_BAL[6]).toBe(500000);
  });

  it("converts to a danfojs DataFrame on request", () => {
    const frame = toDataFrame(loadCreditCardData());
    expect(frame.shape).toEqual([30000, 25]);
    expect(frame.columns[24]).toBe("default payment next month");
  });

  it("names the file when it is missing", () => {
    expect(() => loadCreditCardData("/nonexistent/credit.csv")).toThrow(
      /\/nonexistent\/credit.csv: file not found/,
    );
  });

  it("names the line and the expected column when the header is wrong", () => {
    const file = writeTemp(header.replace(",AGE,", ",Age,") + "\n" + goodRow + "\n");
    expect(() => loadCreditCardData(file)).toThrow(DataFileError);
    expect(() => loadCreditCardData(file)).toThrow(
      new RegExp(`${file} line 1: unexpected header: column 6 is "Age", expected "AGE"`),
    );
  });

  it("names the line and field of a malformed row", () => {
    const short = writeTemp(`${header}\n${goodRow}\n1,2,3\n`);
    expect(() => loadCreditCardData(short)).toThrow(
      `${short} line 3: expected 25 comma-separated values, found 3`,
    );
    const bad = writeTemp(`${header}\n${goodRow}\n${goodRow.replace(",24,", ",twenty,")}\n`);
    expect(() => loadCreditCardData(bad)).toThrow(
      `${bad} line 3: column AGE (field 6): expected a number, found "twenty"`,
    );
  });
});
