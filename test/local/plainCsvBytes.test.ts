/**
 * The byte-level text/csv reader gives exactly the container's float32 values (the text path's,
 * Math.fround(Number(field))) wherever it answers, and leaves every other body to the text path.
 */
import { parseCsvRows } from "../../helpers/local/runtime/container";
import { parsePlainCsvBytes } from "../../helpers/local/runtime/plainCsvBytes";
import { seededRandom } from "../../helpers/random";

const bytes = (text: string) => Buffer.from(text, "utf8");

/** A plain decimal of up to `maxDigits` digits, with sign, leading zeros and dots in odd places. */
function randomDecimal(random: () => number, maxDigits: number): string {
  const digits = 1 + Math.floor(random() * maxDigits);
  let text = "";
  for (let i = 0; i < digits; i++) text += String(Math.floor(random() * 10));
  const dot = Math.floor(random() * (digits + 2)) - 1; // -1: no dot; digits: a trailing dot
  if (dot >= 0) text = `${text.slice(0, dot)}.${text.slice(dot)}`;
  const sign = random();
  return (sign < 0.3 ? "-" : sign < 0.4 ? "+" : "") + text;
}

describe("parsePlainCsvBytes", () => {
  test("random plain rows: the same float32 values as the text path, bit for bit", () => {
    const random = seededRandom(8);
    let answered = 0;
    for (let n = 0; n < 4000; n++) {
      const features = 1 + Math.floor(random() * 30);
      const rows = 1 + Math.floor(random() * 3);
      // Mostly numbers the fast path takes; now and then one too long for it (16-17 digits).
      const maxDigits = random() < 0.85 ? 12 : 17;
      const lines = Array.from({ length: rows }, () =>
        Array.from({ length: features }, () => randomDecimal(random, maxDigits)).join(","),
      );
      const ending = random() < 0.5 ? "\n" : "\r\n";
      const text = lines.join(ending) + (random() < 0.5 ? ending : "");
      const fast = parsePlainCsvBytes(bytes(text), features);
      if (fast === undefined) continue; // more than 15 significant digits: the text path's job
      answered++;
      const reference = parseCsvRows(text, features);
      expect(fast.nrow).toBe(reference.nrow);
      expect(Buffer.from(fast.values.buffer)).toEqual(Buffer.from(reference.values.buffer));
    }
    expect(answered).toBeGreaterThan(2000);
  });

  test("the values that are hard to round: halfway cases, 15 digits, -0, tiny and huge", () => {
    const fields = [
      "0.1",
      "-0",
      "-0.0",
      "+.5",
      "5.",
      "16777217", // float32 halfway between two integers
      "16777219",
      // Exactly halfway between two float32s after a division: only a correctly rounded double
      // gives the container's (ties-to-even) float32.
      "8388608.5",
      "8388609.5",
      "4194304.25",
      "4194304.75",
      "2097152.125",
      "2097153.375",
      "1048576.0625",
      "12582913.5",
      // Float32 midpoints whose double a multiplication by 10^-k misses by one ulp.
      "0.00176399719202891",
      "0.0016140594962053",
      "0.000996297283563763",
      `0.${"0".repeat(19)}123`, // 22 fraction digits, the most the fast path takes
      "999999999999999", // 15 digits
      "123456789012345.",
      "3.4028235677973366", // 17 digits: not answered (too many)
      "0.30000001192092896",
    ];
    for (const field of fields) {
      const fast = parsePlainCsvBytes(bytes(field), 1);
      const reference = parseCsvRows(field, 1);
      const significant = field.replace(/[^0-9]/g, "").replace(/^0+/, "").length;
      if (significant > 15) {
        expect(fast).toBeUndefined();
      } else {
        expect(fast).toBeDefined();
        expect(Object.is(fast!.values[0], reference.values[0])).toBe(true);
      }
    }
  });

  test.each([
    ["an empty field (missing value)", "1,,3", 3],
    ["a blank line", "1,2,3\n\n4,5,6\n", 3],
    ["spaces", "1, 2,3", 3],
    ["another delimiter", "1;2;3", 3],
    ["an exponent", "1e3,2,3", 3],
    ["nan and inf", "nan,inf,3", 3],
    ["too few columns", "1,2", 3],
    ["too many columns", "1,2,3,4", 3],
    ["a trailing comma", "1,2,3,", 3],
    ["a lone carriage return", "1,2,3\r", 3],
    ["a sign without digits", "-,2,3", 3],
    ["two dots", "1.2.3,2,3", 3],
    ["text", "a,b,c", 3],
    ["non-ASCII", "1,2,３", 3],
    ["an empty body", "", 3],
    ["23 fraction digits", "0.00000000000000000000001,2,3", 3],
  ])("%s is left to the text path", (_name, text, features) => {
    expect(parsePlainCsvBytes(bytes(text), features)).toBeUndefined();
  });
});
