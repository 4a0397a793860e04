/**
 * The emulator's virtual clock.
 *
 * Real time by default; `set` and `advance` move it by keeping an offset from real time, so time
 * keeps flowing between calls (a training job started "at" a virtual hour still takes real seconds).
 * The offset is persisted in `<workspace>/clock.json` so a restarted emulator keeps the same
 * virtual date. Moving the clock forward notifies listeners (the monitoring scheduler runs the
 * executions for every hour boundary that was passed) and waits for them, so `advance` resolves
 * only once the work for the skipped time is done and can report its progress.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Clock } from "./context";
import { writeFileAtomic } from "./state/atomicWrite";

/** What a listener learns when the clock moves forward. */
export interface ClockAdvance {
  from: Date;
  to: Date;
}

export type ClockListener = (advance: ClockAdvance) => void | Promise<void>;

interface PersistedClock {
  /** Milliseconds added to real time. */
  offsetMs: number;
}

const CLOCK_FILE = "clock.json";

export class VirtualClock implements Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<ClockListener>();
  /** Moves are serialized so listeners never see overlapping intervals. */
  private moving: Promise<unknown> = Promise.resolve();

  /**
   * @param file where the offset is persisted; undefined keeps it in memory only.
   * @param realNow the real-time source (injectable for tests of the clock itself).
   */
  constructor(
    private readonly file?: string,
    private readonly realNow: () => number = Date.now,
  ) {
    if (file && fs.existsSync(file)) {
      const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PersistedClock>;
      if (typeof parsed.offsetMs !== "number" || !Number.isFinite(parsed.offsetMs)) {
        throw new Error(
          `${file} is not a valid clock file (expected {"offsetMs": number}); delete it to reset the clock to real time`,
        );
      }
      this.offsetMs = parsed.offsetMs;
    }
  }

  /** The clock persisted in a workspace folder. */
  static forWorkspace(workspace: string): VirtualClock {
    return new VirtualClock(path.join(workspace, CLOCK_FILE));
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** True when the clock has been moved away from real time. */
  isVirtual(): boolean {
    return this.offsetMs !== 0;
  }

  /** Registers a listener for forward moves; returns a function that unregisters it. */
  onAdvance(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Sets the clock to `to`. Moving forward notifies listeners like `advance`; moving backward is
   * allowed (to replay a day) and notifies nobody, because no time boundary was passed.
   */
  async set(to: Date): Promise<ClockAdvance> {
    if (Number.isNaN(to.getTime())) {
      throw new Error(
        "Invalid date for the clock; use an ISO 8601 time such as 2024-01-01T00:00:00Z",
      );
    }
    return this.move(() => to.getTime() - this.now().getTime());
  }

  /** Moves the clock forward by a duration (`PT1H`, `P1D`, `90m`, `1h`, or milliseconds). */
  async advance(duration: string | number): Promise<ClockAdvance> {
    const ms = typeof duration === "number" ? duration : parseDuration(duration);
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new Error(
        `Cannot advance the clock by ${String(duration)}: the duration must be a non-negative amount of time`,
      );
    }
    return this.move(() => ms);
  }

  /** Resets the clock to real time (no listener is notified). */
  reset(): void {
    this.offsetMs = 0;
    this.persist();
  }

  private move(deltaMs: () => number): Promise<ClockAdvance> {
    const run = async (): Promise<ClockAdvance> => {
      const from = this.now();
      const delta = deltaMs();
      this.offsetMs += delta;
      this.persist();
      const move = { from, to: new Date(from.getTime() + delta) };
      if (delta > 0) {
        for (const listener of [...this.listeners]) {
          await listener(move);
        }
      }
      return move;
    };
    const result = this.moving.then(run, run);
    this.moving = result.catch(() => undefined);
    return result;
  }

  private persist(): void {
    if (this.file) {
      const doc: PersistedClock = { offsetMs: this.offsetMs };
      writeFileAtomic(this.file, JSON.stringify(doc) + "\n");
    }
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration: ISO 8601 (`PT1H`, `P1DT12H`, `PT30M`, `PT0.5S`, `P1W`; years and months are
 * rejected because their length depends on the date) or a short form (`1h`, `90m`, `2d`, `1h30m`).
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const iso =
    /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      trimmed,
    );
  if (iso && trimmed.length > 1 && !/T$/i.test(trimmed)) {
    const [, w, d, h, m, s] = iso.map((part) => (part === undefined ? 0 : Number(part)));
    return w * UNIT_MS.w + d * UNIT_MS.d + h * UNIT_MS.h + m * UNIT_MS.m + s * UNIT_MS.s;
  }
  const short = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/i;
  if (short.test(trimmed)) {
    let total = 0;
    for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gi)) {
      total += Number(part[1]) * UNIT_MS[part[2].toLowerCase()];
    }
    return total;
  }
  throw new Error(
    `Cannot parse duration "${text}": use ISO 8601 (PT1H, P1D, PT30M) or a short form (1h, 30m, 2d, 1h30m)`,
  );
}
