/** The analyzer benches' input: a large CSV with the credit-card schema, the same bytes every run. */
import { createWriteStream, promises as fs, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** mulberry32: small seeded PRNG so the generated file is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const random = rng(42);
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
