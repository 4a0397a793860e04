/** The analyzer benches' input: a large CSV with the credit-card schema, the same bytes every run. */
import { createWriteStream, promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";
import { seededRandom } from "../../helpers/random";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Write `rows` rows with the credit-card schema (24 numeric columns: the data set without ID),
 * resampled from the real rows with a fixed seed, plus a header; returns the file's size.
 */
export async function writeCreditCardCsv(file: string, rows: number): Promise<number> {
  const lines = readFileSync(path.join(ROOT, "data/credit_card_default.csv"), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").slice(1).join(",");
  const source = lines.slice(1).map((l) => l.slice(l.indexOf(",") + 1));
  const random = seededRandom(42);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = (s: string): Promise<void> =>
    out.write(s) ? Promise.resolve() : new Promise((r) => out.once("drain", () => r()));
  await write(header + "\n");
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    batch.push(source[Math.floor(random() * source.length)]);
    if (batch.length === 10_000) {
      await write(batch.join("\n") + "\n");
      batch = [];
    }
  }
  if (batch.length) await write(batch.join("\n") + "\n");
  await new Promise<void>((r) => out.end(() => r()));
  return (await fs.stat(file)).size;
}
