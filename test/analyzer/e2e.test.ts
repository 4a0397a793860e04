import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  parseDatasetFormat,
  readConstraints,
  readStatistics,
  readViolations,
  runBaseline,
  runMonitoring,
} from "../../helpers/analyzer";
import { main } from "../../helpers/cli/analyzer";

const DATA = path.join(__dirname, "../../data/credit_card_default.csv");
const CAPTURE = path.join(__dirname, "../fixtures/analyzer/capture-hour.jsonl");

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "analyzer-e2e-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("baseline of data/credit_card_default.csv", () => {
  it("has the data set's facts and writes Jackson-style files that read back", async () => {
    const out = path.join(dir, "baseline");
    const r = await runBaseline({ input: DATA, header: true, output: out, log: null });
    expect(r.statistics.dataset.item_count).toBe(30000);
    expect(r.statistics.features).toHaveLength(25);
    const byName = new Map(r.statistics.features.map((f) => [f.name, f]));
    const marriage = byName.get("MARRIAGE")!.numerical_statistics!;
    expect(marriage.mean).toBeCloseTo(1.5518666666666667, 12);
    const limit = byName.get("LIMIT_BAL")!.numerical_statistics!;
    expect([limit.min, limit.max]).toEqual([10000, 1e6]);
    expect(limit.common).toEqual({ num_present: 30000, num_missing: 0 });
    for (const f of r.statistics.features) {
      const kll = f.numerical_statistics!.distribution!.kll;
      expect(kll.buckets).toHaveLength(10);
      expect(kll.buckets.reduce((s, b) => s + b.count, 0)).toBe(30000);
      expect(kll.sketch.parameters).toEqual({ c: 0.64, k: 2048 });
    }
    expect(r.input.skippedRecords).toBe(0);
    const statsText = await fs.readFile(path.join(out, "statistics.json"), "utf8");
    expect(
      statsText.startsWith(
        '{\n  "version" : 0.0,\n  "dataset" : {\n    "item_count" : 30000\n  },',
      ),
    ).toBe(true);
    expect(statsText).toContain('"k" : 2048.0');
    expect(readStatistics(statsText)).toEqual(r.statistics);
    const consText = await fs.readFile(path.join(out, "constraints.json"), "utf8");
    expect(readConstraints(consText)).toEqual(r.constraints);
    expect(consText).toContain('"comparison_method" : "Robust"');
  });

  it("monitors an hour of capture against a baseline and writes the three files", async () => {
    const base = path.join(dir, "capbase");
    await runBaseline({
      input: {
        content:
          "score,id,limit,sex\n" +
          Array.from(
            { length: 50 },
            (_, i) => `${i % 2},${i},${10000 * (i + 1)},${1 + (i % 2)}`,
          ).join("\n"),
      },
      header: true,
      output: base,
      log: null,
    });
    const out = path.join(dir, "monitor");
    const r = await runMonitoring({
      input: CAPTURE,
      baselineStatistics: path.join(base, "statistics.json"),
      baselineConstraints: path.join(base, "constraints.json"),
      start: new Date("2024-03-05T14:00:00Z"),
      end: new Date("2024-03-05T15:00:00Z"),
      output: out,
      log: null,
    });
    expect(r.statistics.dataset.item_count).toBe(7);
    expect(r.input.skippedRecords).toBe(3);
    // The label column now holds probabilities (spec §5).
    expect(r.violations[0]).toEqual({
      feature_name: "score",
      constraint_check_type: "data_type_check",
      description:
        "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 0.0% of data is Integral.",
    });
    expect(r.status).toBe("CompletedWithViolations");
    expect(r.exitMessage).toBe(
      `CompletedWithViolations: Job completed successfully with ${r.violations.length} violations.`,
    );
    expect(r.drift.features.map((f) => f.name)).toEqual(["score", "id", "limit", "sex"]);
    const files = (await fs.readdir(out)).sort();
    expect(files).toEqual(["constraint_violations.json", "constraints.json", "statistics.json"]);
    expect(
      readViolations(await fs.readFile(path.join(out, "constraint_violations.json"), "utf8"))
        .violations,
    ).toEqual(r.violations);
  });

  it("fails clearly when the window holds no data", async () => {
    const base = path.join(dir, "capbase");
    await expect(
      runMonitoring({
        input: CAPTURE,
        baselineStatistics: path.join(base, "statistics.json"),
        baselineConstraints: path.join(base, "constraints.json"),
        start: new Date("2030-01-01T00:00:00Z"),
        end: new Date("2030-01-01T01:00:00Z"),
        log: null,
      }),
    ).rejects.toThrow(/monitoring: the input has no data rows; .*outside the analysis window/);
  });
});

describe("parseDatasetFormat (spec §10)", () => {
  it("maps the container's dataset_format values", () => {
    expect(
      parseDatasetFormat('{"csv": {"header": true, "output_columns_position": "START"}}'),
    ).toEqual({
      format: "csv",
      header: true,
    });
    expect(parseDatasetFormat({ csv: {} })).toEqual({ format: "csv", header: false });
    expect(
      parseDatasetFormat(
        '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput","endpointOutput"]}}',
      ),
    ).toEqual({ format: "capture", header: false });
    expect(() => parseDatasetFormat('{"parquet": {}}')).toThrow(/not supported/);
    expect(() => parseDatasetFormat("{oops")).toThrow(/not JSON/);
  });
});

describe("CLI (issue 9 §9)", () => {
  it("exits 0 for a clean check, 2 with violations, 1 on errors", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const csv = path.join(dir, "small.csv");
    await fs.writeFile(
      csv,
      "a,b\n" + Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3 ? "x" : "y"}`).join("\n"),
    );
    const base = path.join(dir, "cli-base");
    expect(
      await main(
        ["baseline", "--input", csv, "--header", "--output", base],
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(out[0]).toMatch(/^baseline: 40 rows, 2 features, 0 skipped records/);
    const check = (input: string, output: string) =>
      main(
        [
          "check",
          "--input",
          input,
          "--header",
          "--format",
          "csv",
          "--baseline-statistics",
          path.join(base, "statistics.json"),
          "--baseline-constraints",
          path.join(base, "constraints.json"),
          "--output",
          output,
        ],
        (l) => out.push(l),
        (l) => err.push(l),
      );
    expect(await check(csv, path.join(dir, "cli-ok"))).toBe(0);
    expect(out[1]).toMatch(
      /check: 40 rows, 0 violations, 0 skipped records -> Completed: Job completed successfully with no violations\./,
    );
    const drifted = path.join(dir, "drifted.csv");
    await fs.writeFile(drifted, "a,b\n" + Array.from({ length: 40 }, () => "0.5,z").join("\n"));
    expect(await check(drifted, path.join(dir, "cli-bad"))).toBe(2);
    expect(out[2]).toMatch(/violations \(.*data_type_check.*\).*CompletedWithViolations/);
    expect(
      await main(
        ["check", "--input", csv],
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err[err.length - 1]).toMatch(/--baseline-statistics is required/);
    expect(
      await main(
        ["baseline", "--input", path.join(dir, "missing.csv"), "--output", base],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err[err.length - 1]).toMatch(/error: input not found/);
    expect(
      await main(
        ["frobnicate"],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(1);
  });
});
