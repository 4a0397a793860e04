import { Readable } from "node:stream";
import { formatStatistics, profileCsv, toStatistics } from "../../helpers/analyzer";

/**
 * The CSV scanner joins only the row split across two chunks and parses the rest of each chunk
 * in place; the profile (statistics and the irregular-input report) must not depend on where
 * the chunks end, including inside quoted fields with line breaks, CRLF pairs and blank lines.
 */

let seed = 11;
function next(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed;
}

function awkwardCsv(rows: number): Buffer {
  const lines = ['id,"na,me",amount,flag'];
  for (let i = 0; i < rows; i++) {
    const name =
      next() % 5 === 0 ? `"multi\nline ""${i % 9}"""` : next() % 3 === 0 ? `"q${i % 4}"` : "";
    const amount = next() % 4 === 0 ? `${(next() % 100_000) / 100}` : `${next() % 1000}`;
    const ragged = next() % 97 === 0 ? ",extra" : next() % 89 === 0 ? "" : `,${i % 2 === 0}`;
    const end = next() % 7 === 0 ? "\r\n" : "\n";
    lines.push(`${i},${name},${amount}${ragged}${end}${next() % 50 === 0 ? "\n" : ""}`);
  }
  return Buffer.from(lines[0] + "\n" + lines.slice(1).join(""));
}

async function describeProfile(pieces: Buffer[]): Promise<string> {
  const profile = await profileCsv(Readable.from(pieces), { header: true, log: null });
  return formatStatistics(toStatistics(profile)) + JSON.stringify(profile.report);
}

describe("CSV chunk boundaries", () => {
  it("gives the same profile however the input is cut", async () => {
    const text = awkwardCsv(2000);
    const whole = await describeProfile([text]);
    expect(whole).toContain('"shortRows":');
    for (const size of [1, 2, 3, 5, 64, 777, 4096]) {
      const pieces: Buffer[] = [];
      for (let o = 0; o < text.length; o += size) pieces.push(text.subarray(o, o + size));
      expect(await describeProfile(pieces)).toBe(whole);
    }
    const random: Buffer[] = [];
    for (let o = 0; o < text.length;) {
      const size = 1 + (next() % 300);
      random.push(text.subarray(o, o + size));
      o += size;
    }
    expect(await describeProfile(random)).toBe(whole);
  });
});
