/**
 * Drives monitoring schedules from the emulator's clock.
 *
 * Real time: a timer fires at the next hour boundary (every schedule fires on the hour, spec §8)
 * and runs what became due since the last check. Virtual time: the clock's `onAdvance` listener
 * runs every firing time in the interval the clock skipped, in time order (then schedule name),
 * and the clock's `advance` awaits it, so `advance('6h')` resolves after the six hourly
 * executions ran. Progress is reported to `onProgress` listeners (the session draws a bar).
 *
 * All work is serialized on one queue: executions never overlap, and a timer firing during an
 * advance waits its turn. Running an execution twice for the same hour is prevented by the
 * source (an execution exists once per schedule and scheduled time), so overlapping intervals
 * (a timer and an advance, or a clock set back and advanced again) are harmless.
 *
 * Restart: the scheduler starts from the clock's current time. Hours that passed while the
 * emulator was down are not run afterwards: AWS does not backfill missed executions either (an
 * execution that cannot start within its hour is skipped), and a fast-forwarded virtual clock
 * that restarts should not suddenly replay a day of executions.
 */
import type { Clock } from "../context";
import type { ClockAdvance } from "../clock";

const HOUR_MS = 3_600_000;
/** A timer fires this long after the boundary so the clock has surely passed it. */
const TIMER_SLACK_MS = 250;
/**
 * The timer also wakes at least this often: a clock set backwards notifies nobody, and the
 * scheduler must notice it before the next boundary of the new time.
 */
const MAX_TIMER_MS = 60_000;

export interface DueRun {
  scheduleName: string;
  scheduledTime: Date;
}

/** What the scheduler runs: the monitoring schedules of the SageMaker service. */
export interface ScheduleSource {
  /** Runs due in (from, to] that have not run yet, in order of time, then schedule name. */
  due(from: Date, to: Date): DueRun[];
  /** Runs one execution to its end; returns its final status. */
  run(item: DueRun): Promise<string>;
  /** Takes in a created/updated/started schedule (Pending -> Scheduled; runs NOW schedules). */
  activate(scheduleName: string): Promise<void>;
}

export interface SchedulerProgress {
  /** Executions finished so far in this batch. */
  done: number;
  /** Executions in this batch (one clock move or one timer firing). */
  total: number;
  scheduleName: string;
  scheduledTime: Date;
  phase: "started" | "finished";
  /** Final status, when finished. */
  status?: string;
}

export type ProgressListener = (progress: SchedulerProgress) => void;

/**
 * Progress listeners by clock: whoever holds the emulator's clock (the session that advances
 * it, in-process) can follow the executions its moves trigger without a handle on the SageMaker
 * service. Weak, so a stopped emulator's clock and listeners are collected.
 */
const clockListeners = new WeakMap<object, Set<ProgressListener>>();

/** Follows the scheduled executions that moves of `clock` run; returns the unsubscribe function. */
export function onClockProgress(clock: object, listener: ProgressListener): () => void {
  const listeners = clockListeners.get(clock) ?? new Set<ProgressListener>();
  clockListeners.set(clock, listeners);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The clock as the scheduler uses it: `onAdvance` exists on the emulator's VirtualClock. */
export interface SchedulerClock extends Clock {
  onAdvance?(listener: (advance: ClockAdvance) => void | Promise<void>): () => void;
}

export interface SchedulerOptions {
  /** Arm a real-time timer for hour boundaries (default true; tests drive the clock instead). */
  realTime?: boolean;
  log?: (line: string) => void;
}

export class MonitoringScheduler {
  private cursor: Date;
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private closed = false;
  private readonly listeners = new Set<ProgressListener>();

  constructor(
    private readonly clock: SchedulerClock,
    private readonly source: ScheduleSource,
    private readonly options: SchedulerOptions = {},
  ) {
    this.cursor = clock.now();
  }

  /** Subscribes to the clock and arms the hour timer. */
  start(): void {
    if (this.clock.onAdvance) {
      this.unsubscribe = this.clock.onAdvance(async (move) => {
        await this.runBetween(move.from, move.to);
      });
    }
    this.arm();
  }

  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Activates a schedule after the current request has been answered. */
  activate(scheduleName: string): void {
    setImmediate(() => {
      if (this.closed) return;
      void this.enqueue(() => this.source.activate(scheduleName)).catch((error: unknown) =>
        this.options.log?.(`activating ${scheduleName} failed: ${(error as Error).message}`),
      );
    });
  }

  /**
   * Runs every execution due in (from, to], in order, then resolves with their statuses.
   * The clock listener calls this; tests and the timer do too.
   */
  runBetween(from: Date, to: Date): Promise<{ run: DueRun; status: string }[]> {
    return this.enqueue(async () => {
      if (to.getTime() > this.cursor.getTime()) this.cursor = to;
      const due = this.source.due(from, to);
      const results: { run: DueRun; status: string }[] = [];
      for (const [index, item] of due.entries()) {
        if (this.closed) break;
        this.emit({ done: index, total: due.length, ...item, phase: "started" });
        let status: string;
        try {
          status = await this.source.run(item);
        } catch (error) {
          // One broken execution must not stop the others or the clock.
          status = "Failed";
          this.options.log?.(
            `execution of ${item.scheduleName} at ${item.scheduledTime.toISOString()} failed: ${(error as Error).message}`,
          );
        }
        results.push({ run: item, status });
        this.emit({ done: index + 1, total: due.length, ...item, phase: "finished", status });
      }
      return results;
    }).finally(() => this.arm());
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.queue;
      await current.catch(() => undefined);
      // Activation runs after setImmediate; let those land before declaring idle.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (current === this.queue) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.queue.catch(() => undefined);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private emit(progress: SchedulerProgress): void {
    const byClock = clockListeners.get(this.clock) ?? new Set<ProgressListener>();
    for (const listener of [...this.listeners, ...byClock]) {
      try {
        listener(progress);
      } catch {
        // A progress bar that throws must not break the scheduler.
      }
    }
  }

  /** Arms the timer for the next hour boundary of the clock (real-time mode). */
  private arm(): void {
    if (this.closed || this.options.realTime === false) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.clock.now().getTime();
    const next = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.runBetween(this.cursor, this.clock.now());
      },
      next - now + TIMER_SLACK_MS,
    );
    this.timer.unref();
  }
}
