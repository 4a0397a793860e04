/**
 * Endpoint throughput and latency (issue 8 §1), not a test:
 *   npx ts-node --transpile-only bench/endpoint.ts [secondsPerRun=4] [passes=6]
 * Starts the emulator in this process on a temp workspace, deploys a lab-shaped XGBoost model
 * (lab hyperparameters, 23 features) behind two endpoints, one with 100% data capture and one
 * without, and drives single-row text/csv InvokeEndpoint requests at them with autocannon (in a
 * child process) at 1, 8 and 32 connections, each case once per pass, the passes alternating in
 * order (A B C, C B A, A B C, ...), and averaged.
 * The reference in the same run is a bare node:http server in this process answering a
 * constant to the same signed request: the ceiling for Node on this machine.
 * Requests are SigV4-signed once per case and replayed (see support/signedInvocation.ts).
 * Each run also records how much of the machine's CPU the hypervisor stole (support/cpuSteal.ts).
 * A verdict's figure is the median of the passes' own ratios (or p99s), leaving out passes that
 * lost more than 1 % of the CPU that way; a connection count short of undisturbed passes gets
 * more, up to twice as many, and is otherwise inconclusive (support/passVerdict.ts; why: round
 * 14 in bench/README.md). Every pass's figure and the plain mean of all passes are printed too,
 * as is how busy the load generator was: a single-threaded autocannon near 100 % of a core is
 * what sets the bare server's pace, not Node.
 * Targets: capture-on >= 85% of capture-off throughput; capture-off >= 50% of the bare server;
 * p99 < 10 ms at 32 connections. Printed as PASS, FAIL or INCONCLUSIVE, not asserted.
 * Each run is kept in bench/results/history/, and with two or more runs of this commit there the
 * targets are judged over all of them as well (bench/endpointPool.ts): a run's own verdict misses
 * a target a few points below the true figure about one time in four (round 17).
 */
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { DMatrix } from "../helpers/xgboost";
import { runLoad } from "./support/autocannon";
import { startBareServer, urlOf } from "./support/bareServer";
import { deployEndpoint, startBenchEmulator, uploadModel } from "./support/emulator";
import { trainLabModel } from "./support/labModel";
import { cpuTimes, stolenPercent, stolenText } from "./support/cpuSteal";
import {
  allMet,
  isDisturbed,
  meets,
  passVerdict,
  STOLEN_LIMIT_PERCENT,
  verdictText,
  verdictWord,
  type PassFigure,
  type PassVerdict,
} from "./support/passVerdict";
import { ENDPOINT_TARGETS } from "./support/endpointTargets";
import { appendSummary, machine, writeResult } from "./support/results";
import { newestBuildRuns, poolReport, poolRuns, readRun } from "./endpointPool";
import { signInvocation, type SignedInvocation } from "./support/signedInvocation";

const SECONDS = Number(process.argv[2] ?? 4);
/**
 * Passes over the three targets per connection count. Single passes at 8 and 32 connections
 * differ by 10-30 points on a shared 2-core machine (the pass figures printed show it), so the
 * mean of two was a coin toss wherever a target sits within a few points of its figure.
 */
const PASSES = Number(process.argv[3] ?? 6);
/**
 * Undisturbed passes (support/passVerdict.ts) each verdict needs. While a connection count has
 * fewer, it gets another pass, up to twice PASSES in all; after that its verdict is inconclusive.
 */
const NEEDED_PASSES = Math.max(2, Math.ceil(PASSES / 2));
const MAX_PASSES = 2 * PASSES;
const CONNECTIONS = [1, 8, 32];
const CAPTURE_ON = "bench-capture-on";
const CAPTURE_OFF = "bench-capture-off";

type Target = "bare" | "captureOff" | "captureOn";

interface Case {
  target: Target;
  connections: number;
  /** Which pass at this connection count the run belongs to (undefined for a case's mean). */
  pass?: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /**
   * CPU time of this process (the server under test; autocannon runs in a child) per request:
   * steadier than req/s when others load the machine, since it does not count waiting.
   */
  serverCpuMicrosPerRequest: number;
  /** The load generator's own CPU time per request (bench/support/autocannon.ts). */
  loadGeneratorCpuMicrosPerRequest: number;
  /**
   * The load generator's CPU time over the run's wall time: near 100 % it, not the server, sets
   * the pace (it is single-threaded), as it can for the bare server at 8 and 32 connections on a
   * fast 2-core machine (68-87 % busy at 8 in round 12, bench/README.md).
   */
  loadGeneratorBusyPercent: number;
  /**
   * The share of the machine's CPU time the hypervisor gave to other guests during the run
   * (support/cpuSteal.ts); undefined where /proc/stat does not say.
   */
  stolenPercent?: number;
}

/** A case's runs (one per pass) as one: mean throughput and mean of each latency percentile. */
function meanOfRuns(of: Case[]): Case {
  const mean = (pick: (c: Case) => number) => of.reduce((sum, c) => sum + pick(c), 0) / of.length;
  const sum = (pick: (c: Case) => number) => of.reduce((total, c) => total + pick(c), 0);
  return {
    target: of[0].target,
    connections: of[0].connections,
    requestsPerSecond: mean((c) => c.requestsPerSecond),
    latencyMs: {
      p50: mean((c) => c.latencyMs.p50),
      p90: mean((c) => c.latencyMs.p90),
      p99: mean((c) => c.latencyMs.p99),
      mean: mean((c) => c.latencyMs.mean),
      max: Math.max(...of.map((c) => c.latencyMs.max)),
    },
    requests: sum((c) => c.requests),
    errors: sum((c) => c.errors),
    timeouts: sum((c) => c.timeouts),
    non2xx: sum((c) => c.non2xx),
    serverCpuMicrosPerRequest: mean((c) => c.serverCpuMicrosPerRequest),
    loadGeneratorCpuMicrosPerRequest: mean((c) => c.loadGeneratorCpuMicrosPerRequest),
    loadGeneratorBusyPercent: mean((c) => c.loadGeneratorBusyPercent),
    stolenPercent: of.some((c) => c.stolenPercent === undefined)
      ? undefined
      : mean((c) => c.stolenPercent!),
  };
}

interface Ratios {
  captureOnOverOff: number;
  captureOffOverBare: number;
}

function ratiosOf(of: Case[]): Ratios {
  const rate = (target: Target) =>
    meanOfRuns(of.filter((c) => c.target === target)).requestsPerSecond;
  return {
    captureOnOverOff: rate("captureOn") / rate("captureOff"),
    captureOffOverBare: rate("captureOff") / rate("bare"),
  };
}

/** Each pass's own ratios at one connection count, with the CPU stolen during its two runs. */
function passFiguresOf(runs: Case[], connections: number): Record<keyof Ratios, PassFigure[]> {
  const atCount = runs.filter((r) => r.connections === connections);
  const passes = [...new Set(atCount.map((r) => r.pass))];
  const stolen = (of: Case[]) =>
    of.some((c) => c.stolenPercent === undefined)
      ? undefined
      : Math.max(...of.map((c) => c.stolenPercent!));
  const figures: Record<keyof Ratios, PassFigure[]> = {
    captureOnOverOff: [],
    captureOffOverBare: [],
  };
  for (const pass of passes) {
    const ofPass = atCount.filter((r) => r.pass === pass);
    const run = (target: Target) => ofPass.find((r) => r.target === target)!;
    const ratios = ratiosOf(ofPass);
    figures.captureOnOverOff.push({
      value: ratios.captureOnOverOff,
      stolenPercent: stolen([run("captureOn"), run("captureOff")]),
    });
    figures.captureOffOverBare.push({
      value: ratios.captureOffOverBare,
      stolenPercent: stolen([run("captureOff"), run("bare")]),
    });
  }
  return figures;
}

/** Whether both ratios at a connection count have enough undisturbed passes for a verdict. */
function enoughPasses(runs: Case[], connections: number): boolean {
  return Object.values(passFiguresOf(runs, connections)).every(
    (figures) => passVerdict(figures, NEEDED_PASSES).value !== undefined,
  );
}

/** A replayed signature must be accepted, or the load would measure 403s. */
async function checkReplay(request: SignedInvocation): Promise<string> {
  const answers: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
    });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`replayed signed request answered ${response.status}: ${text}`);
    }
    answers.push(text);
  }
  if (answers[0] !== answers[1]) throw new Error(`replay answered differently: ${answers}`);
  return answers[0];
}

async function main(): Promise<void> {
  process.stdout.write("training the lab-shaped model ... ");
  const model = await trainLabModel();
  console.log(`${model.features.length} features, ${model.testRows.length} test rows`);
  const emulator = await startBenchEmulator();
  const bare = await startBareServer();
  try {
    const modelUrl = await uploadModel(emulator, model.artifact);
    const captureUri = `s3://${emulator.context.bucket}/bench/datacapture`;
    await deployEndpoint(emulator, CAPTURE_ON, modelUrl, captureUri);
    await deployEndpoint(emulator, CAPTURE_OFF, modelUrl);
    const row = model.testRows[0];
    const expected = model.booster.predict(new DMatrix([row.split(",").map(Number)]))[0];
    const sdkAnswer = await emulator.context.runtime.send(
      new InvokeEndpointCommand({ EndpointName: CAPTURE_ON, ContentType: "text/csv", Body: row }),
    );
    const served = Number(new TextDecoder().decode(sdkAnswer.Body));
    if (Math.abs(served - expected) > 1e-6) {
      throw new Error(`endpoint answered ${served}, the model predicts ${expected}`);
    }
    console.log(`endpoints InService; one row -> ${served} (model: ${expected})`);

    const bareUrl = urlOf(bare);
    // The bare server gets the very request the emulator gets (same headers, same body), so the
    // reference is Node's ceiling for this request and the difference is the emulator's work.
    const request = async (target: Target) =>
      target === "bare"
        ? { ...(await signInvocation(emulator.aws, CAPTURE_OFF, row)), url: bareUrl }
        : signInvocation(emulator.aws, target === "captureOn" ? CAPTURE_ON : CAPTURE_OFF, row);
    await checkReplay(await signInvocation(emulator.aws, CAPTURE_OFF, row));

    const targets: Target[] = ["bare", "captureOff", "captureOn"];
    for (const target of targets) {
      // JIT warm-up, discarded: the steady state is what the targets are about.
      await runLoad({ ...(await request(target)), connections: 8, duration: 2 });
    }
    const runs: Case[] = [];
    for (const connections of CONNECTIONS) {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        if (pass >= PASSES && enoughPasses(runs, connections)) break;
        // Passes in the order A B C, C B A, ...: a drift in the machine's load (others share
        // it) then weighs on every target alike instead of on whichever ran last.
        for (const target of pass % 2 === 0 ? targets : [...targets].reverse()) {
          const load = { ...(await request(target)), connections, duration: SECONDS };
          const cpuBefore = process.cpuUsage();
          const machineBefore = cpuTimes();
          const result = await runLoad(load);
          const cpu = process.cpuUsage(cpuBefore);
          const stolen = stolenPercent(machineBefore, cpuTimes());
          const c: Case = {
            target,
            connections,
            pass,
            requestsPerSecond: result.requests.average,
            latencyMs: {
              p50: result.latency.p50,
              p90: result.latency.p90,
              p99: result.latency.p99,
              mean: result.latency.average,
              max: result.latency.max,
            },
            requests: result.requests.total,
            errors: result.errors,
            timeouts: result.timeouts,
            non2xx: result.non2xx,
            serverCpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
            loadGeneratorCpuMicrosPerRequest:
              result.loadGeneratorCpuMicros / Math.max(1, result.requests.total),
            loadGeneratorBusyPercent: result.loadGeneratorCpuMicros / (result.duration * 1e4),
            stolenPercent: stolen,
          };
          runs.push(c);
          console.log(
            `${target.padEnd(10)} c=${String(connections).padStart(2)}: ${c.requestsPerSecond.toFixed(0).padStart(6)} req/s, ` +
              `p50 ${c.latencyMs.p50} ms, p99 ${c.latencyMs.p99} ms, CPU/req ${c.serverCpuMicrosPerRequest.toFixed(0)} us ` +
              `(load generator ${c.loadGeneratorCpuMicrosPerRequest.toFixed(0)} us, busy ${c.loadGeneratorBusyPercent.toFixed(0)}%)` +
              stolenText(stolen) +
              (c.errors + c.non2xx + c.timeouts > 0
                ? `, ${c.errors} errors, ${c.timeouts} timeouts, ${c.non2xx} non-2xx`
                : ""),
          );
        }
      }
    }
    const cases = CONNECTIONS.flatMap((connections) =>
      targets.map((target) =>
        meanOfRuns(runs.filter((r) => r.target === target && r.connections === connections)),
      ),
    );

    const find = (target: Target, connections: number) =>
      cases.find((c) => c.target === target && c.connections === connections)!;
    const ratios = CONNECTIONS.map((connections) => {
      const passes = passFiguresOf(runs, connections);
      return {
        connections,
        // The verdicts' figures: the median of the undisturbed passes' own ratios.
        captureOnOverOff: passVerdict(passes.captureOnOverOff, NEEDED_PASSES),
        captureOffOverBare: passVerdict(passes.captureOffOverBare, NEEDED_PASSES),
        // Every pass, disturbed or not, as the mean of each target's runs (the verdicts' figure
        // before round 14), and each pass on its own: how far a single pass can be trusted.
        meanOfAllPasses: ratiosOf(runs.filter((r) => r.connections === connections)),
        passes,
      };
    });
    const p99At32 = (target: Target) =>
      passVerdict(
        runs
          .filter((r) => r.connections === 32 && r.target === target)
          .map((r) => ({ value: r.latencyMs.p99, stolenPercent: r.stolenPercent })),
        NEEDED_PASSES,
      );
    const p99 = { captureOff: p99At32("captureOff"), captureOn: p99At32("captureOn") };
    const clean = cases.every((c) => c.errors + c.timeouts + c.non2xx === 0);
    const targetsMet = {
      captureOnAtLeast85PercentOfOff: allMet(
        ratios.map((r) =>
          meets(r.captureOnOverOff, (ratio) => ratio >= ENDPOINT_TARGETS.captureOnOverOff),
        ),
      ),
      captureOffAtLeast50PercentOfBare: allMet(
        ratios.map((r) =>
          meets(r.captureOffOverBare, (ratio) => ratio >= ENDPOINT_TARGETS.captureOffOverBare),
        ),
      ),
      p99Under10msAt32: allMet([
        meets(p99.captureOff, (ms) => ms < ENDPOINT_TARGETS.p99At32BelowMs),
        meets(p99.captureOn, (ms) => ms < ENDPOINT_TARGETS.p99At32BelowMs),
      ]),
      noErrors: clean,
    };
    const percent = (ratio: number) => (ratio * 100).toFixed(0);
    const figure = (verdict: PassVerdict) =>
      verdict.value === undefined ? "none" : `${percent(verdict.value)}%`;
    // Each pass's ratio, a star on those left out for the CPU the host took.
    const perPass = (figures: PassFigure[], separator: string) =>
      figures.map((f) => `${percent(f.value)}${isDisturbed(f) ? "*" : ""}`).join(separator);
    const counted = (verdict: PassVerdict) => `${verdict.counted} of ${verdict.passes}`;
    for (const r of ratios) {
      const described = (key: keyof Ratios, target: string) =>
        `${figure(r[key])} (median of ${counted(r[key])} passes: ${perPass(r.passes[key], ", ")}; ` +
        `mean of all ${percent(r.meanOfAllPasses[key])}%; target >= ${target})`;
      console.log(
        `c=${String(r.connections).padStart(2)}: capture-on/off ${described("captureOnOverOff", "85%")}, ` +
          `capture-off/bare ${described("captureOffOverBare", "50%")}; ` +
          `the bare server's load generator busy ${find("bare", r.connections).loadGeneratorBusyPercent.toFixed(0)}% of a core`,
      );
    }
    console.log(
      `* more than ${STOLEN_LIMIT_PERCENT}% of the CPU stolen during the pass: left out ` +
        `(a verdict needs ${NEEDED_PASSES} passes without)`,
    );
    console.log(
      Object.entries(targetsMet)
        .map(([name, met]) => `${name}: ${verdictText(met)}`)
        .join(", "),
    );
    writeResult(
      "endpoint",
      {
        ...machine(),
        secondsPerRun: SECONDS,
        passes: PASSES,
        neededPasses: NEEDED_PASSES,
        stolenLimitPercent: STOLEN_LIMIT_PERCENT,
        model: { features: model.features.length, trees: model.booster.numTrees() },
        request: "single-row text/csv, SigV4 signed once per case and replayed",
        latencyResolutionMs: 1,
        cases,
        runs,
        ratios,
        p99At32: p99,
        // true, false, or null where too few passes were undisturbed for a verdict.
        targets: Object.fromEntries(Object.entries(targetsMet).map(([k, met]) => [k, met ?? null])),
      },
      // Kept for bench/endpointPool.ts, which judges the targets over several runs.
      { keepHistory: true },
    );
    // This commit's runs so far judged together: one run's verdict is noisy (round 17).
    const history = newestBuildRuns();
    const historyRuns = history.files.map(readRun);
    const pooled = historyRuns.length > 1 ? poolRuns(historyRuns) : undefined;
    if (pooled) {
      for (const line of poolReport(historyRuns, pooled, history)) console.log(line);
    }
    const at32 = (target: Target) => find(target, 32);
    const ms = (verdict: PassVerdict) => verdict.value?.toFixed(1) ?? "none";
    appendSummary(
      "endpoint",
      CONNECTIONS.map(
        (n) =>
          `c=${n} req/s bare ${find("bare", n).requestsPerSecond.toFixed(0)} / off ${find("captureOff", n).requestsPerSecond.toFixed(0)} / on ${find("captureOn", n).requestsPerSecond.toFixed(0)}`,
      ).join("; ") +
        `; server CPU us/req at c=32: bare ${at32("bare").serverCpuMicrosPerRequest.toFixed(0)} / off ${at32("captureOff").serverCpuMicrosPerRequest.toFixed(0)} / on ${at32("captureOn").serverCpuMicrosPerRequest.toFixed(0)}` +
        `; p99 ms at c=32 (median of passes): off ${ms(p99.captureOff)}, on ${ms(p99.captureOn)}` +
        `; on/off ${ratios.map((r) => figure(r.captureOnOverOff)).join(",")} (>=85% ${verdictWord(targetsMet.captureOnAtLeast85PercentOfOff)})` +
        `; off/bare ${ratios.map((r) => figure(r.captureOffOverBare)).join(",")} (>=50% ${verdictWord(targetsMet.captureOffAtLeast50PercentOfBare)})` +
        `; passes counted ${ratios.map((r) => counted(r.captureOffOverBare)).join(",")}` +
        `; per pass (* = over ${STOLEN_LIMIT_PERCENT}% CPU stolen, left out) on/off ${ratios.map((r) => perPass(r.passes.captureOnOverOff, "/")).join(",")}, off/bare ${ratios.map((r) => perPass(r.passes.captureOffOverBare, "/")).join(",")}` +
        `; mean of all passes on/off ${ratios.map((r) => `${percent(r.meanOfAllPasses.captureOnOverOff)}%`).join(",")}, off/bare ${ratios.map((r) => `${percent(r.meanOfAllPasses.captureOffOverBare)}%`).join(",")}` +
        `; bare's load generator busy ${CONNECTIONS.map((n) => `${find("bare", n).loadGeneratorBusyPercent.toFixed(0)}%`).join(",")}` +
        `; p99<10ms at c=32 ${verdictWord(targetsMet.p99Under10msAt32)}` +
        (pooled
          ? `; pooled over this commit's ${historyRuns.length} runs (bench/endpointPool.ts): ` +
            `every target shown met: ${pooled.allPass ? "yes" : "no"}`
          : "") +
        (clean ? "" : "; ERRORS during load (see endpoint.json)"),
    );
  } finally {
    await new Promise((resolve) => bare.close(resolve));
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(`bench/endpoint: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
