/**
 * Pooling endpoint runs (bench/endpointPool.ts) and the median's lower bound it judges by
 * (bench/support/medianBound.ts): the pool decides whether issue 8's throughput targets were
 * shown met, so its arithmetic is tested here, against exact binomial tails.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  newestBuildRuns,
  poolP99At32,
  poolRatio,
  poolReport,
  poolRuns,
  readRun,
  type EndpointRun,
} from "../../bench/endpointPool";
import { medianLowerBound, medianLowerBoundRank } from "../../bench/support/medianBound";
import { currentBuild } from "../../bench/support/results";

/** P(Binomial(n, 1/2) < k), exactly, from binomial coefficients in BigInt. */
function lowerTail(n: number, k: number): number {
  let coefficient = 1n;
  let sum = 0n;
  for (let x = 0; x < k; x++) {
    sum += coefficient;
    coefficient = (coefficient * BigInt(n - x)) / BigInt(x + 1);
  }
  return Number(sum) / 2 ** n;
}

describe("medianLowerBoundRank", () => {
  test("is the largest rank whose binomial lower tail is at most alpha, for n up to 80", () => {
    for (const alpha of [0.05, 0.1, 0.01]) {
      for (let n = 0; n <= 80; n++) {
        const k = medianLowerBoundRank(n, alpha);
        if (k > 0) expect(lowerTail(n, k)).toBeLessThanOrEqual(alpha);
        expect(lowerTail(n, k + 1)).toBeGreaterThan(alpha);
      }
    }
  });

  test("known ranks: too few values for a bound below 5, the 6th of 20, the 8th of 24", () => {
    expect([0, 1, 4, 5, 6, 12, 20, 24].map((n) => medianLowerBoundRank(n))).toEqual([
      0, 0, 0, 1, 1, 3, 6, 8,
    ]);
  });

  test("rejects what is not a count or a level", () => {
    expect(() => medianLowerBoundRank(-1)).toThrow(/count/);
    expect(() => medianLowerBoundRank(2.5)).toThrow(/count/);
    expect(() => medianLowerBoundRank(10, 0)).toThrow(/significance/);
    expect(() => medianLowerBoundRank(10, 1)).toThrow(/significance/);
  });
});

describe("medianLowerBound", () => {
  test("takes the k-th smallest value, whatever order the values come in", () => {
    const values = [19, 3, 7, 1, 15, 11, 5, 13, 9, 17, 20, 2, 4, 6, 8, 10, 12, 14, 16, 18];
    expect(medianLowerBound(values)).toEqual({ count: 20, rank: 6, value: 6 });
    expect(values[0]).toBe(19); // the caller's array is not sorted in place
    expect(medianLowerBound([1, 2, 3])).toEqual({ count: 3, rank: 0 });
  });
});

/** A run with the given passes at one connection count (the other ratio's passes alike). */
function runWith(
  connections: number,
  values: [number, number][],
  p99s: [number, number][] = [],
  commit = "c1",
): EndpointRun {
  const passes = values.map(([value, stolenPercent]) => ({ value, stolenPercent }));
  return {
    date: "2026-12-07T00:00:00.000Z",
    build: { commit, modified: false },
    ratios: [{ connections, passes: { captureOnOverOff: passes, captureOffOverBare: passes } }],
    runs: p99s.map(([p99, stolenPercent]) => ({
      target: "captureOn",
      connections: 32,
      latencyMs: { p99 },
      stolenPercent,
    })),
  };
}

describe("poolRatio", () => {
  const steady = (centre: number): [number, number][] =>
    [-0.04, -0.02, 0, 0.02, 0.04].map((d) => [centre + d, 0.1]);

  test("pools the undisturbed passes of every run; a bound at or above the target passes", () => {
    const runs = [1, 2, 3, 4].map(() => runWith(8, [...steady(0.9), [0.2, 25]]));
    const pooled = poolRatio(runs, 8, "captureOnOverOff");
    expect(pooled).toMatchObject({ figures: 24, counted: 20, verdict: "PASS" });
    expect(pooled.median).toBeCloseTo(0.9);
    // 20 values, four of each: the 6th smallest is the second-lowest value, 0.88.
    expect(pooled.bound).toEqual({ count: 20, rank: 6, value: expect.closeTo(0.88) });
  });

  test("a median below the target fails; a median above it with a low bound is not shown", () => {
    const low = [1, 2, 3, 4].map(() => runWith(8, steady(0.84)));
    expect(poolRatio(low, 8, "captureOnOverOff").verdict).toBe("FAIL");
    const wide: [number, number][] = [0.6, 0.7, 0.8, 0.95, 1.0, 1.1].map((v) => [v, 0]);
    const spread = [1, 2, 3].map(() => runWith(8, wide));
    const pooled = poolRatio(spread, 8, "captureOnOverOff");
    expect(pooled.median).toBeCloseTo(0.875);
    expect(pooled.bound.value).toBeCloseTo(0.7);
    expect(pooled.verdict).toBe("NOT SHOWN");
    // The other ratio's target (50 %) is far below the same passes.
    expect(poolRatio(spread, 8, "captureOffOverBare").verdict).toBe("PASS");
  });

  test("a connection count no run measured has nothing to show", () => {
    const pooled = poolRatio([runWith(8, steady(0.9))], 32, "captureOnOverOff");
    expect(pooled).toMatchObject({ figures: 0, counted: 0, verdict: "NOT SHOWN" });
    expect(pooled.median).toBeUndefined();
  });
});

describe("poolP99At32", () => {
  test("the median's upper bound must be under 10 ms; runs the host took CPU from are left out", () => {
    const quiet: [number, number][] = [3, 4, 4, 5, 5, 6].map((ms) => [ms, 0.2]);
    const runs = [1, 2, 3, 4].map(() => runWith(32, [], [...quiet, [26, 20]]));
    const pooled = poolP99At32(runs, "captureOn");
    expect(pooled).toMatchObject({ figures: 28, counted: 24, median: 4.5, verdict: "PASS" });
    // 24 values: the 8th from the top is the second-highest value, 5 ms.
    expect(pooled.bound).toEqual({ count: 24, rank: 8, value: 5 });
    expect(poolP99At32(runs, "captureOff")).toMatchObject({ figures: 0, verdict: "NOT SHOWN" });
  });

  test("a median of 10 ms or more fails; a median under it with a high bound is not shown", () => {
    const slow = [1, 2, 3].map(() =>
      runWith(
        32,
        [],
        [9, 10, 11, 12].map((ms) => [ms, 0]),
      ),
    );
    expect(poolP99At32(slow, "captureOn").verdict).toBe("FAIL");
    const mixed = [1, 2].map(() =>
      runWith(
        32,
        [],
        [2, 3, 4, 9, 12, 14].map((ms) => [ms, 0]),
      ),
    );
    const pooled = poolP99At32(mixed, "captureOn");
    expect(pooled.median).toBe(6.5);
    expect(pooled.bound.value).toBe(12);
    expect(pooled.verdict).toBe("NOT SHOWN");
  });
});

describe("poolRuns", () => {
  test("every target must be shown met; the report names the runs and warns of modified files", () => {
    const quiet: [number, number][] = [3, 4, 4, 5, 5, 6].map((ms) => [ms, 0]);
    const both = (run: EndpointRun): EndpointRun => ({
      ...run,
      runs: [...run.runs, ...run.runs.map((r) => ({ ...r, target: "captureOff" }))],
    });
    const good = [1, 2, 3, 4].map(() =>
      both(
        runWith(
          32,
          [0.86, 0.88, 0.9, 0.92, 0.94].map((v) => [v, 0]),
          quiet,
        ),
      ),
    );
    const pooled = poolRuns(good);
    expect(pooled.ratios.map((r) => [r.connections, r.ratio, r.verdict])).toEqual([
      [32, "captureOnOverOff", "PASS"],
      [32, "captureOffOverBare", "PASS"],
    ]);
    expect(pooled.p99At32.map((p) => p.verdict)).toEqual(["PASS", "PASS"]);
    expect(pooled.allPass).toBe(true);
    const report = poolReport(good, pooled, { leftOut: 2, unreadable: 1 });
    expect(report[0]).toMatch(/^pooled over 4 runs .* of c1; 2 runs of other commits or run/);
    expect(report[0]).toMatch(/; 1 history files that are not runs skipped$/);
    expect(report).toHaveLength(1 + 2 + 2 + 1);
    expect(report[5]).toMatch(/every target shown met over these runs: yes$/);

    // Four runs of low ratios outweigh three good ones: the pooled median is under the target.
    const modified = { ...good[0], build: { commit: "c1", modified: true } };
    const low = both(
      runWith(
        32,
        [0.3, 0.3, 0.3, 0.3, 0.3].map((v) => [v, 0]),
        quiet,
      ),
    );
    const mixed = [modified, good[1], good[2], low, low, low, low];
    const mixedPool = poolRuns(mixed);
    expect(mixedPool.ratios[0]).toMatchObject({ counted: 35, median: 0.3, verdict: "FAIL" });
    expect(mixedPool.allPass).toBe(false);
    expect(poolReport(mixed, mixedPool)[0]).toMatch(/WARNING: some ran with modified files/);
  });
});

describe("reading runs", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "endpoint-pool-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: object) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  test("reads a run's passes and refuses a file without them, naming it", () => {
    const good = write("good.json", runWith(32, [[0.9, 0]], [[4, 0]]));
    expect(readRun(good).ratios[0].connections).toBe(32);
    const old = write("old.json", { date: "2026-12-06", ratios: [{ connections: 8 }] });
    expect(() => readRun(old)).toThrow(/old\.json is not an endpoint\.json with per-pass ratios/);
  });

  test("a run records the commit it measured (the history's default pools by it)", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    expect(currentBuild()).toEqual({ commit: head, modified: expect.any(Boolean) });
  });

  test("the history's default is the runs of the newest run's commit, oldest first", () => {
    const history = mkdtempSync(path.join(dir, "history-"));
    const keep = (stamp: string, commit: string) =>
      writeFileSync(
        path.join(history, `endpoint-${stamp}.json`),
        JSON.stringify(runWith(8, [[0.9, 0]], [], commit)),
      );
    keep("2026-12-07T10-00-00.000Z", "new");
    keep("2026-12-07T09-00-00.000Z", "old");
    keep("2026-12-07T11-00-00.000Z", "new");
    // The same commit with 1 s runs: their passes measure differently.
    writeFileSync(
      path.join(history, "endpoint-2026-12-07T10-30-00.000Z.json"),
      JSON.stringify({ ...runWith(8, [[0.9, 0]], [], "new"), secondsPerRun: 1 }),
    );
    // Not a run (results are renamed into place whole, but a file may be edited): skipped, counted.
    writeFileSync(path.join(history, "endpoint-2026-12-07T11-30-00.000Z.json"), '{"date": "2026');
    writeFileSync(path.join(history, "notes.txt"), "not a run");
    const { files, leftOut, unreadable } = newestBuildRuns(history);
    expect(files.map((file) => path.basename(file))).toEqual([
      "endpoint-2026-12-07T10-00-00.000Z.json",
      "endpoint-2026-12-07T11-00-00.000Z.json",
    ]);
    expect({ leftOut, unreadable }).toEqual({ leftOut: 2, unreadable: 1 });
    expect(newestBuildRuns(path.join(dir, "missing"))).toEqual({
      files: [],
      leftOut: 0,
      unreadable: 0,
    });
  });
});
