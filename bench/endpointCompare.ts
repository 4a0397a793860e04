/**
 * Two endpoint targets compared in one process, for speed work on the invocation path (issue 8),
 * not a test and not part of `npm run bench`:
 *   npx ts-node --transpile-only bench/endpointCompare.ts [a=captureOff] [b=captureOn]
 *     [rounds=4] [seconds=4] [connections=32]
 * Targets: `bare` (bench/support/bareServer.ts), `captureOff`, `captureOn` (the emulator's two
 * endpoints of bench/endpoint.ts). After a warm-up, runs A B B A A B ... (`rounds` runs of each)
 * and prints per target the mean req/s and, per request, the CPU time of the event-loop thread,
 * of this process's other threads together (capture flush worker, libuv pool, V8's GC helpers)
 * and of the load generator (autocannon's child process), and how often another thread took the
 * event loop's core (involuntary context switches per 1,000 requests). With PROFILE=1 it also
 * records an inspector CPU profile of the event loop in every run and prints the 30 functions
 * (PROFILE_ROWS=n: n) whose self time per request differs most between A and B (profiled times
 * are about 1.5x the unprofiled ones; `(idle)` is time spent waiting for I/O). With PIN=1 the
 * event loop and the load generator run pinned to two CPUs (bench/support/cpuPinning.ts): CPU
 * per request is then steady enough to compare builds by, though throughput is not what
 * `bench/endpoint.ts` measures.
 *
 * Why: separate runs of bench/endpoint.ts move by 5-15 points on a shared 2-core machine, more
 * than most single changes; two targets alternating in one process see the same neighbours, and
 * the per-thread split shows where a change's cost went (rounds 7-10 in bench/README.md were
 * measured this way). To compare two builds, run this in a git worktree of each, alternately.
 * Linux only: the thread figures come from /proc.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Session } from "node:inspector";
import type * as http from "node:http";
import { runLoad } from "./support/autocannon";
import { cpuTimes, stolenPercent, stolenText } from "./support/cpuSteal";
import { startBareServer, urlOf } from "./support/bareServer";
import { placeForLoad } from "./support/cpuPinning";
import { deployEndpoint, startBenchEmulator, uploadModel } from "./support/emulator";
import { trainLabModel } from "./support/labModel";
import { signInvocation, type SignedInvocation } from "./support/signedInvocation";

const TARGETS = ["bare", "captureOff", "captureOn"] as const;
type Target = (typeof TARGETS)[number];

function targetArg(index: number, fallback: Target): Target {
  const value = process.argv[index] ?? fallback;
  if (!(TARGETS as readonly string[]).includes(value)) {
    throw new Error(`unknown target ${value} (known: ${TARGETS.join(", ")})`);
  }
  return value as Target;
}

const A = targetArg(2, "captureOff");
const B = targetArg(3, "captureOn");
if (A === B) throw new Error(`compare two different targets (both are ${A})`);
const ROUNDS = Number(process.argv[4] ?? 4);
const SECONDS = Number(process.argv[5] ?? 4);
const CONNECTIONS = Number(process.argv[6] ?? 32);
const PROFILE = process.env.PROFILE === "1";
const PIN = process.env.PIN === "1";

/** The load generator's CPU for the next run, after pinning again (PIN=1), else undefined. */
function pinnedLoadCpu(): number | undefined {
  return PIN ? placeForLoad().loadGeneratorCpu : undefined;
}

/** Linux's USER_HZ: /proc reports CPU times in hundredths of a second. */
const MICROS_PER_TICK = 10_000;

/** Cumulative counters of this process, read from /proc before and after each run. */
interface Counters {
  eventLoopCpu: number;
  otherThreadsCpu: number;
  eventLoopPreempted: number;
}

/** utime + stime of a /proc stat line, in µs (fields 14 and 15). */
function cpuMicros(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
}

function counters(): Counters {
  const own = String(process.pid);
  let eventLoopCpu = 0;
  let otherThreadsCpu = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended while we listed them
    }
    if (tid === own) eventLoopCpu = cpuMicros(stat);
    else otherThreadsCpu += cpuMicros(stat);
  }
  const status = readFileSync(`/proc/self/task/${own}/status`, "utf8");
  return {
    eventLoopCpu,
    otherThreadsCpu,
    eventLoopPreempted: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0),
  };
}

/** Self time per function (µs), from an inspector CPU profile. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

function selfTimes(profile: CpuProfile, into: Map<string, number>): void {
  const byNode = new Map<number, number>();
  profile.samples.forEach((node, i) =>
    byNode.set(node, (byNode.get(node) ?? 0) + profile.timeDeltas[i]),
  );
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split("/").slice(-2).join("/");
    const name = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    into.set(name, (into.get(name) ?? 0) + (byNode.get(node.id) ?? 0));
  }
}

class Profiler {
  private readonly session = new Session();
  constructor() {
    this.session.connect();
  }
  post<T = unknown>(method: string, params: object = {}): Promise<T> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result as T),
      ),
    );
  }
  async around<T>(into: Map<string, number>, run: () => Promise<T>): Promise<T> {
    await this.post("Profiler.enable");
    await this.post("Profiler.setSamplingInterval", { interval: 100 });
    await this.post("Profiler.start");
    const result = await run();
    const { profile } = await this.post<{ profile: CpuProfile }>("Profiler.stop");
    selfTimes(profile, into);
    return result;
  }
}

interface Totals {
  requestsPerSecond: number[];
  p99: number[];
  requests: number;
  counters: Counters;
  /** As the load generator measured itself (bench/support/autocannon.ts). */
  loadGeneratorCpu: number;
  selfTimes: Map<string, number>;
}

function emptyTotals(): Totals {
  return {
    requestsPerSecond: [],
    p99: [],
    requests: 0,
    counters: { eventLoopCpu: 0, otherThreadsCpu: 0, eventLoopPreempted: 0 },
    loadGeneratorCpu: 0,
    selfTimes: new Map(),
  };
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

async function main(): Promise<void> {
  const model = await trainLabModel();
  const emulator = await startBenchEmulator();
  let bare: http.Server | undefined;
  try {
    const modelUrl = await uploadModel(emulator, model.artifact);
    await deployEndpoint(emulator, "captureOn", modelUrl, `s3://${emulator.context.bucket}/dc`);
    await deployEndpoint(emulator, "captureOff", modelUrl);
    const row = model.testRows[0];
    const requests = new Map<Target, SignedInvocation>();
    for (const target of new Set([A, B])) {
      const signed = await signInvocation(
        emulator.aws,
        target === "captureOn" ? "captureOn" : "captureOff",
        row,
      );
      if (target === "bare") bare = await startBareServer();
      requests.set(target, bare && target === "bare" ? { ...signed, url: urlOf(bare) } : signed);
    }
    if (PIN) console.log(`placement: ${placeForLoad().note}`);
    for (const target of new Set([A, B])) {
      const cpu = pinnedLoadCpu();
      await runLoad({ ...requests.get(target)!, connections: CONNECTIONS, duration: 2, cpu });
    }
    const profiler = PROFILE ? new Profiler() : undefined;
    const totals = new Map<Target, Totals>([
      [A, emptyTotals()],
      [B, emptyTotals()],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? [A, B] : [B, A]) {
        const total = totals.get(target)!;
        const load = {
          ...requests.get(target)!,
          connections: CONNECTIONS,
          duration: SECONDS,
          cpu: pinnedLoadCpu(),
        };
        const before = counters();
        const machineBefore = cpuTimes();
        const run = () => runLoad(load);
        const result = await (profiler ? profiler.around(total.selfTimes, run) : run());
        const after = counters();
        // A run the hypervisor took CPU from measures the host (support/cpuSteal.ts).
        const stolen = stolenPercent(machineBefore, cpuTimes());
        total.requestsPerSecond.push(result.requests.average);
        total.p99.push(result.latency.p99);
        total.requests += result.requests.total;
        total.loadGeneratorCpu += result.loadGeneratorCpuMicros;
        for (const key of Object.keys(before) as (keyof Counters)[]) {
          total.counters[key] += after[key] - before[key];
        }
        console.log(
          `${target.padEnd(10)} ${result.requests.average.toFixed(0).padStart(6)} req/s, p99 ${result.latency.p99} ms` +
            stolenText(stolen) +
            (result.errors + result.non2xx > 0 ? `, ${result.errors + result.non2xx} failed` : ""),
        );
      }
    }
    for (const [target, total] of totals) {
      const per = (value: number) => (value / total.requests).toFixed(1);
      const { counters: c } = total;
      console.log(
        `${target}: ${mean(total.requestsPerSecond).toFixed(0)} req/s (mean of ${ROUNDS}), ` +
          `p99 ${mean(total.p99).toFixed(1)} ms; CPU µs/request: event loop ${per(c.eventLoopCpu)}, ` +
          `other threads ${per(c.otherThreadsCpu)}, load generator ${per(total.loadGeneratorCpu)}; ` +
          `event loop preempted ${((1000 * c.eventLoopPreempted) / total.requests).toFixed(1)} ` +
          `times per 1,000 requests`,
      );
    }
    const a = totals.get(A)!;
    const b = totals.get(B)!;
    const ratio = mean(b.requestsPerSecond) / mean(a.requestsPerSecond);
    console.log(`${B}/${A}: ${(100 * ratio).toFixed(1)}% of the throughput`);
    if (profiler) {
      const names = new Set([...a.selfTimes.keys(), ...b.selfTimes.keys()]);
      const rows = [...names].map((name) => ({
        name,
        a: (a.selfTimes.get(name) ?? 0) / a.requests,
        b: (b.selfTimes.get(name) ?? 0) / b.requests,
      }));
      rows.sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
      console.log(`self time µs/request (profiled): ${B} - ${A}, ${A}, ${B}, function`);
      for (const r of rows.slice(0, Number(process.env.PROFILE_ROWS ?? 30))) {
        console.log(
          `${(r.b - r.a).toFixed(2).padStart(7)} ${r.a.toFixed(2).padStart(7)} ${r.b.toFixed(2).padStart(7)}  ${r.name}`,
        );
      }
    }
  } finally {
    if (bare) await new Promise((resolve) => bare!.close(resolve));
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(`bench/endpointCompare: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
