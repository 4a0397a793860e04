/**
 * Analyzer A/B benchmark, for speed work on helpers/analyzer (issue 9 §8), not a test:
 *   npx ts-node --transpile-only bench/analyzerAb.ts [git-ref=HEAD] [rounds=5] [rows=1000000]
 * Compiles helpers/analyzer as it is at `git-ref` (git archive + tsc into a temp dir), then
 * profiles the same generated credit-card CSV with that build and with the working tree's
 * sources, alternately in one process, `rounds` times each, and prints both medians (wall and
 * CPU), the ratio and whether the statistics are byte-identical.
 *
 * Why: on a shared machine absolute timings move up to 2x within minutes, so separate runs of
 * bench/analyzer.ts cannot show a 5-10 % change; alternating builds in one process see the same
 * neighbours, and the median filters the rest. Both builds are warmed up by the first round
 * alike (it is measured and included).
 */
import { execFileSync } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  promises as fs,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as current from "../helpers/analyzer";
import { formatStatistics } from "../helpers/analyzer/json/files";
import { writeCreditCardCsv } from "./support/creditCardCsv";
import { median } from "./support/results";

type Analyzer = Pick<typeof current, "profileCsv" | "toStatistics">;

const REF = process.argv[2] ?? "HEAD";
const ROUNDS = Number(process.argv[3] ?? 5);
const ROWS = Number(process.argv[4] ?? 1_000_000);
const ROOT = path.resolve(__dirname, "..");

/** helpers/analyzer at `ref`, compiled to CommonJS in `dir`. */
function buildAtRef(ref: string, dir: string): Analyzer {
  const source = path.join(dir, "src");
  const out = path.join(dir, "out");
  mkdirSync(source, { recursive: true });
  const archive = execFileSync(
    "git",
    ["archive", ref, "helpers/analyzer", "tsconfig.json", "tsconfig.build.json"],
    { cwd: ROOT, maxBuffer: 1 << 28 },
  );
  execFileSync("tar", ["-x", "-C", source], { input: archive });
  const config = path.join(source, "tsconfig.ab.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: "./tsconfig.build.json",
      include: ["helpers/analyzer/**/*.ts"],
      compilerOptions: {
        outDir: out,
        rootDir: "helpers",
      },
    }),
  );
  // Types resolve as in the checkout; a type error in an old ref must not stop the comparison
  // (tsc still emits), so only a missing output counts as a failure.
  symlinkSync(path.join(ROOT, "node_modules"), path.join(source, "node_modules"));
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config],
      {
        cwd: source,
        stdio: "pipe",
      },
    );
  } catch (error) {
    if (!existsSync(path.join(out, "analyzer/index.js"))) throw error;
    console.warn(`(tsc reported type errors at ${ref}; compared anyway)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(out, "analyzer")) as Analyzer;
}

async function profileOnce(
  analyzer: Analyzer,
  file: string,
): Promise<{ wall: number; cpu: number; statistics: string }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const profile = await analyzer.profileCsv(createReadStream(file, { highWaterMark: 1 << 20 }), {
    header: true,
    log: null,
  });
  const statistics = analyzer.toStatistics(profile);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    wall,
    cpu: (cpu.user + cpu.system) / 1e6,
    statistics: formatStatistics(statistics),
  };
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "analyzer-ab-"));
  try {
    process.stdout.write(`building helpers/analyzer at ${REF} ... `);
    const reference = buildAtRef(REF, dir);
    console.log("done");
    const file = path.join(dir, "credit_card.csv");
    const bytes = await writeCreditCardCsv(file, ROWS);
    console.log(`${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB; ${ROUNDS} rounds, alternating`);
    const builds: Array<[string, Analyzer]> = [
      [REF, reference],
      ["working tree", current],
    ];
    const runs = new Map<string, Array<{ wall: number; cpu: number }>>();
    const outputs = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, analyzer] of round % 2 === 0 ? builds : [...builds].reverse()) {
        const run = await profileOnce(analyzer, file);
        if (!runs.has(name)) runs.set(name, []);
        runs.get(name)!.push(run);
        outputs.set(name, run.statistics);
      }
    }
    const summary = builds.map(([name]) => {
      const list = runs.get(name)!;
      const wall = median(list.map((r) => r.wall));
      const cpu = median(list.map((r) => r.cpu));
      console.log(
        `${name.padEnd(14)} median wall ${wall.toFixed(2)} s (${Math.round(ROWS / wall).toLocaleString("en-US")} rows/s), ` +
          `cpu ${cpu.toFixed(2)} s; walls ${list.map((r) => r.wall.toFixed(2)).join(" ")}`,
      );
      return { wall, cpu };
    });
    console.log(
      `working tree / ${REF}: wall ${(summary[1].wall / summary[0].wall).toFixed(3)}x, ` +
        `cpu ${(summary[1].cpu / summary[0].cpu).toFixed(3)}x (below 1 is faster); ` +
        `statistics.json ${outputs.get(REF) === outputs.get("working tree") ? "identical" : "DIFFERENT"}`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/analyzerAb: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
