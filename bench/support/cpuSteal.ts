/**
 * How much CPU time the hypervisor gave to other guests while a bench ran: the `steal` column of
 * /proc/stat's `cpu` line (Linux, all CPUs together). On a shared VM it comes in bursts of
 * seconds that slow the bare server and the emulator alike, but not evenly across two 4-second
 * runs, so a pass's throughput ratio taken during one measures the host, not our code (round 14
 * in bench/README.md). Elsewhere than Linux there is no such column, and the share is undefined.
 */
import { readFileSync } from "node:fs";

export interface CpuTimes {
  /** Every CPU-time column up to and including steal, in clock ticks. */
  total: number;
  steal: number;
}

/** The machine's CPU times now, or undefined where /proc/stat does not say. */
export function cpuTimes(): CpuTimes | undefined {
  try {
    return parseCpuTimes(readFileSync("/proc/stat", "latin1"));
  } catch {
    return undefined;
  }
}

/** The all-CPU line of /proc/stat's text, or undefined without one of at least eight columns. */
export function parseCpuTimes(text: string): CpuTimes | undefined {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is within user).
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
  if (fields === undefined || fields.length < 8 || fields.some((n) => !Number.isInteger(n))) {
    return undefined;
  }
  const counted = fields.slice(0, 8);
  return { total: counted.reduce((sum, n) => sum + n, 0), steal: counted[7] };
}

/** ", 1.2% of the CPU stolen" for a bench's line, or nothing where steal is not reported. */
export function stolenText(percent: number | undefined): string {
  return percent === undefined ? "" : `, ${percent.toFixed(1)}% of the CPU stolen`;
}

/** The percentage of the CPU time between two readings that was stolen, if both were read. */
export function stolenPercent(
  before: CpuTimes | undefined,
  after: CpuTimes | undefined,
): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}
