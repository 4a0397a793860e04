/**
 * Runs the server's event loop and the load generator on two different CPUs, each pinned, with
 * every other thread of the server (capture flush worker, libuv pool, V8's helpers) free to run on
 * any CPU: an opt-in for `bench/endpointCompare.ts` (PIN=1), not used by `npm run bench`.
 *
 * Why: unpinned, the scheduler decides from moment to moment whether the server and the load
 * generator share a CPU, and on a 2-core VM whose kernel packs runnable tasks onto few vCPUs the
 * same case measured 4,900 to 18,900 req/s in consecutive runs. Pinned, CPU per request is steady
 * enough to compare two builds by it (round 13 in bench/README.md, where pinning was also tried
 * for the bench's verdicts and left out: the ratios stayed, and single passes still spread).
 *
 * Linux only, with util-linux's `taskset`. Elsewhere, or with one CPU, nothing is pinned and the
 * `Placement` says why.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export interface Placement {
  pinned: boolean;
  /** The CPU of the load generator's process, when pinned (runLoad's `cpu`). */
  loadGeneratorCpu?: number;
  /** What was done, or why nothing was pinned. */
  note: string;
}

/**
 * The CPUs this process may run on, from /proc/self/status (`Cpus_allowed_list: 0-1,4`), read on
 * first use: that file shows the main thread's affinity, which is one CPU once it is pinned.
 */
let processCpus: number[] | undefined;

function allowedCpus(): number[] {
  processCpus ??= readAllowedCpus();
  return processCpus;
}

function readAllowedCpus(): number[] {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  if (list === undefined) return [];
  return list.split(",").flatMap((range) => {
    const [first, last]: number[] = range.split("-").map(Number);
    if (last === undefined) return [first];
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  });
}

function taskset(cpus: string, threadId: string): void {
  execFileSync("taskset", ["-p", "-c", cpus, threadId], { stdio: "ignore" });
}

/**
 * Pins this process's main thread to its first allowed CPU, puts its other threads back on all
 * of them, and names the second for the load generator. Call it before every run: a thread
 * started since (a restarted flush worker) inherits its creator's affinity, the event loop's CPU.
 */
export function placeForLoad(): Placement {
  if (process.platform !== "linux") return { pinned: false, note: "not Linux: not pinned" };
  const cpus = allowedCpus();
  if (cpus.length < 2) return { pinned: false, note: `${cpus.length} CPU allowed: not pinned` };
  const [serverCpu, loadGeneratorCpu] = cpus;
  const own = String(process.pid);
  try {
    taskset(String(serverCpu), own);
  } catch (error) {
    return { pinned: false, note: `taskset failed (${(error as Error).message}): not pinned` };
  }
  for (const thread of readdirSync("/proc/self/task")) {
    if (thread === own) continue;
    try {
      taskset(cpus.join(","), thread);
    } catch {
      // The thread ended since the listing.
    }
  }
  return {
    pinned: true,
    loadGeneratorCpu,
    note: `event loop on CPU ${serverCpu}, load generator on CPU ${loadGeneratorCpu}, other threads on any of ${cpus.join(",")}`,
  };
}
