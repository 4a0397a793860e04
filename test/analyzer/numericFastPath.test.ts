import { CsvScanner } from "../../helpers/analyzer/input/csvScanner";
import { formatStatistics } from "../../helpers/analyzer/json/files";
import { Profile } from "../../helpers/analyzer/profile/profile";
import { toStatistics } from "../../helpers/analyzer/statistics";

/**
 * The CSV scanner reads rows of plain numbers into a column block and feeds each column's
 * states a block at a time (input/numericRow.ts, profile/numericBlock.ts). Whatever the input,
 * the profile must be exactly the one of the field-by-field path: statistics bytes (KLL levels
 * included, so every value went to its column in order), exact value counts in insertion order,
 * type classes and the irregular-input report.
 */

let seed = 5;
function next(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed;
}
function pick<T>(items: T[]): T {
  return items[next() % items.length];
}

/** Field texts the fast path takes. */
const plainField = (missing: boolean): string => {
  const n = next();
  switch (n % 12) {
    case 0:
      return String((n >>> 8) % 20); // low cardinality, small ints
    case 1:
      return pick(["-0", "-1", "-2", "0"]);
    case 2:
      return `${(n >>> 8) % 1000}.${(n >>> 4) % 100}`; // fractions, some trailing zeros
    case 3:
      return pick(["2.00E+05", "1e-7", "1.5E22", "3E+0", "-4.25e-3"]);
    case 4:
      return pick(["007", "0.000001", "0.0000005", "00", "0.0", "-0.0", "1.10"]);
    case 5:
      return String(n - 2 ** 31); // int32 amounts
    case 6:
      return pick(["123456789012345", "0.12345678901234", "-99999999999999.9"]); // 15 digits
    case 7:
      return missing ? "" : "8"; // missing
    default:
      return String(n % 50_000);
  }
};
/**
 * Fields the general path must take (rows with one are handed over whole), numbers included:
 * more than 15 digits (a mantissa the fast path cannot hold exactly, e.g. one that summing
 * digits in doubles would round differently) and scales beyond 1e22.
 */
const generalFields = [
  "1234567890123456",
  "0.1234567890123456",
  "6855029918346512264",
  "1E23",
  "7e-23",
  "+5",
  " 7",
  "- 3",
  "abc",
  "true",
  "5.",
  '"12"',
  '"a,b"',
  "1e",
  "1e12345",
  "NaN",
  "\u00e9t\u00e9",
];

function csv(rows: number, width: number, irregular: number, missing = true): string {
  const lines = [Array.from({ length: width }, (_, c) => `c${c}`).join(",")];
  for (let r = 0; r < rows; r++) {
    const fields = Array.from({ length: width }, () =>
      next() % irregular === 0 ? pick(generalFields) : plainField(missing),
    );
    if (next() % (irregular * 3) === 0) fields.pop(); // short row
    if (next() % (irregular * 3) === 0) fields.push("9"); // long row
    const end = next() % 5 === 0 ? "\r\n" : "\n";
    lines.push(fields.join(",") + (next() % 101 === 0 ? "\n" : "") + end);
  }
  return lines[0] + "\n" + lines.slice(1).join("");
}

/** Rows the fast path took in the last profileOf(text, true, ...). */
let lastFastPathRows = 0;

function profileOf(text: string, numericFastPath: boolean, chunkSize: number): Profile {
  const profile = new Profile();
  const scanner = new CsvScanner(profile, { header: true, numericFastPath });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) {
    scanner.push(bytes.subarray(i, i + chunkSize));
  }
  scanner.end();
  if (numericFastPath) lastFastPathRows = scanner.fastPathRows;
  return profile;
}

function profileText(profile: Profile): string {
  return JSON.stringify({
    statistics: formatStatistics(toStatistics(profile)),
    classes: profile.columns.map((c) => c.classes),
    values: profile.columns.map((c) => c.distinct.entries()),
    distinct: profile.columns.map((c) => c.distinct.count()),
    report: profile.report,
  });
}

describe("numeric fast path", () => {
  it.each([
    ["mostly plain numbers", 20_000, 6, 1000, true],
    ["no missing fields (moments of column pairs)", 20_000, 5, 100_000, false],
    ["frequent irregular fields", 3000, 4, 7, true],
    ["wide rows", 600, 120, 5000, true],
    ["a single column", 30_000, 1, 500, true],
  ])("%s: same profile as field by field", (_, rows, width, irregular, missing) => {
    const text = csv(rows, width, irregular, missing);
    const reference = profileText(profileOf(text, false, 1 << 16));
    for (const chunk of [1 << 16, 4099]) {
      expect(profileText(profileOf(text, true, chunk))).toBe(reference);
      // The comparison means something only if the fast path took the rows it could: all but
      // those with an irregular field (or, with frequent ones, it gave up as designed).
      if (irregular >= 500) expect(lastFastPathRows).toBeGreaterThan(rows * 0.8);
    }
  });

  it("a last row without a line end, and a trailing empty field", () => {
    for (const text of ["a,b\n1,2\n3,4", "a,b\n1,2\n3,", "a,b\r\n1,2\r\n3,4\r", "a\n1\n\n2"]) {
      expect(profileText(profileOf(text, true, 3))).toBe(profileText(profileOf(text, false, 3)));
    }
  });

  it("low-cardinality columns: the same exact value counts as field by field", () => {
    // Small integers at and past both edges of the table's shortcut window (-16..239), in runs of
    // equal values and alternating, among texts of the same numbers that are not canonical; and
    // a column of larger canonical numbers (credit limits, fractions, negatives: the cache of
    // recent numbers, with colliding slots among 300 values).
    const texts = ["-17", "-16", "-1", "0", "1", "2", "239", "240", "-0", "007", "1.0", "2.5", ""];
    const large = Array.from({ length: 300 }, (_, k) =>
      String(k % 3 === 0 ? (k + 1) * 10_000 : k % 3 === 1 ? -(k * 1001) : k + 0.25),
    );
    const lines = ["a,b,c,d"];
    for (let r = 0; r < 30_000; r++) {
      const run = texts[Math.floor(r / 50) % texts.length];
      const d = r % 7 === 0 ? large[(r * 7919) % large.length] : large[r % 40];
      lines.push(`${run},${r % 2 === 0 ? "1" : "2"},${texts[next() % texts.length]},${d}`);
    }
    const text = lines.join("\n") + "\n";
    const reference = profileOf(text, false, 1 << 16);
    expect(reference.columns[2].distinct.entries()).toHaveLength(texts.length - 1);
    expect(reference.columns[3].distinct.entries()).toHaveLength(large.length);
    expect(profileText(profileOf(text, true, 1 << 16))).toBe(profileText(reference));
  });

  it("keeps counting values exactly past the block size", () => {
    // 200k rows of one column: many blocks, the exact table and KLL compactions across them.
    const rows = Array.from({ length: 200_000 }, (_, i) => String((i * 7919) % 97));
    const profile = profileOf(`n\n${rows.join("\n")}\n`, true, 1 << 16);
    const entries = profile.columns[0].distinct.entries()!;
    expect(entries).toHaveLength(97);
    expect(entries.reduce((n, e) => n + e.count, 0)).toBe(200_000);
    expect(profile.itemCount).toBe(200_000);
  });
});
