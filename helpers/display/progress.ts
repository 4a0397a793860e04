/**
 * Progress of long work (training rounds, traffic, schedule catch-up: design.md, "Long work shows
 * progress"), wherever it runs:
 * - in a notebook (tslab kernel or the notebook runner): an HTML bar that updates in place, one
 *   output with a display id (see notebookOutput.ts), at most ~10 updates a second and always
 *   the final state;
 * - in a terminal: a cli-progress bar on stderr;
 * - in a log (stderr is not a TTY, e.g. CI): a plain line at the start, every 10% and at the end,
 *   so logs stay readable;
 * - nowhere ("silent"), e.g. in tests of code that reports progress.
 * WORKSHOP_PROGRESS=notebook|tty|log|silent overrides the automatic choice.
 */
import { SingleBar } from "cli-progress";
import { escapeHtml } from "./html";
import { formatCount } from "./format";
import { inNotebook, UpdatableDisplay, type TextOutput } from "./notebookOutput";

export type ProgressMode = "notebook" | "tty" | "log" | "silent";

const MODES: ProgressMode[] = ["notebook", "tty", "log", "silent"];

export interface ProgressOptions {
  /** The amount that means done (e.g. rounds, rows, hours). */
  total: number;
  label: string;
  /** Unit for the counts, e.g. "rounds" (default: none). */
  unit?: string;
  /**
   * Where to draw (default: WORKSHOP_PROGRESS if set, else notebook in a notebook, tty if the
   * stream is a TTY, else log).
   */
  mode?: ProgressMode;
  /** Terminal stream (default process.stderr, which keeps progress out of piped stdout). */
  stream?: TextOutput;
  /** Notebook updates at most this often (default 100 ms, i.e. ~10 per second). */
  minIntervalMs?: number;
  /** Log mode prints a line each time progress crosses another this many percent (default 10). */
  logEveryPercent?: number;
  /** The time source (milliseconds), for tests. */
  now?: () => number;
}

export interface ProgressBar {
  /** Advances by `n` (default 1). */
  tick(n?: number, status?: string): void;
  /** Sets the progress to `value`. */
  update(value: number, status?: string): void;
  /** Marks the work done (value = total unless it got further), shows the final state. */
  done(status?: string): void;
  readonly value: number;
  readonly mode: ProgressMode;
}

/** What the renderers need to draw one state. */
export interface ProgressState {
  label: string;
  unit?: string;
  value: number;
  total: number;
  status?: string;
  elapsedMs: number;
  finished: boolean;
}

function percent(state: Pick<ProgressState, "value" | "total">): number {
  if (state.total <= 0) return 100;
  return Math.max(0, Math.min(100, (100 * state.value) / state.total));
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

function counts(state: ProgressState): string {
  return `${formatCount(state.value)}/${formatCount(state.total)}${state.unit ? ` ${state.unit}` : ""}`;
}

/** "Training: 45/100 rounds (45%) · validation-auc 0.77 · 3.2 s" */
export function progressText(state: ProgressState): string {
  const parts = [`${state.label}: ${counts(state)} (${Math.floor(percent(state))}%)`];
  if (state.status) parts.push(state.status);
  let time = seconds(state.elapsedMs);
  if (!state.finished && state.value > 0 && state.value < state.total) {
    const remaining = (state.elapsedMs / state.value) * (state.total - state.value);
    time += `, about ${seconds(remaining)} left`;
  }
  parts.push(state.finished ? `done in ${time}` : time);
  return parts.join(" · ");
}

export function progressHtml(state: ProgressState): string {
  const pct = percent(state);
  const colour = state.finished ? "#2ca02c" : "#1f77b4";
  return (
    `<div class="workshop-progress" style="font-family: sans-serif; font-size: 13px; margin: 4px 0;">` +
    `<div style="display: inline-block; width: 320px; height: 12px; background: #e6e6e6; ` +
    `border-radius: 3px; vertical-align: middle; overflow: hidden;">` +
    `<div style="width: ${pct.toFixed(1)}%; height: 100%; background: ${colour};"></div></div> ` +
    `<span style="vertical-align: middle;">${escapeHtml(progressText(state))}</span></div>`
  );
}

function checkAmount(what: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} must be a finite number >= 0, got ${String(value)}`);
  }
}

export function progressBar(options: ProgressOptions): ProgressBar {
  checkAmount("progress total", options.total);
  const now = options.now ?? Date.now;
  const stream = options.stream ?? process.stderr;
  const mode: ProgressMode =
    options.mode ??
    modeFromEnvironment() ??
    (inNotebook() ? "notebook" : stream.isTTY ? "tty" : "log");
  const started = now();
  let value = 0;
  let status: string | undefined;
  let finished = false;
  const state = (): ProgressState => ({
    label: options.label,
    unit: options.unit,
    value,
    total: options.total,
    status,
    elapsedMs: now() - started,
    finished,
  });
  const renderer =
    mode === "notebook"
      ? notebookRenderer(options.minIntervalMs ?? 100, now)
      : mode === "tty"
        ? ttyRenderer(options, stream)
        : mode === "log"
          ? logRenderer(options.logEveryPercent ?? 10, stream)
          : { render() {}, finish() {} };
  renderer.render(state());

  const set = (next: number, nextStatus: string | undefined) => {
    if (finished) return;
    checkAmount("progress value", next);
    value = next;
    if (nextStatus !== undefined) status = nextStatus;
    renderer.render(state());
  };
  return {
    tick(n = 1, nextStatus?: string) {
      set(value + n, nextStatus);
    },
    update(next: number, nextStatus?: string) {
      set(next, nextStatus);
    },
    done(finalStatus?: string) {
      if (finished) return;
      finished = true;
      value = Math.max(value, options.total);
      if (finalStatus !== undefined) status = finalStatus;
      renderer.finish(state());
    },
    get value() {
      return value;
    },
    mode,
  };
}

function modeFromEnvironment(): ProgressMode | undefined {
  const value = process.env.WORKSHOP_PROGRESS;
  if (value === undefined || value === "") return undefined;
  if ((MODES as string[]).includes(value)) return value as ProgressMode;
  throw new Error(`WORKSHOP_PROGRESS=${value} is not a progress mode: use ${MODES.join(", ")}`);
}

interface Renderer {
  render(state: ProgressState): void;
  finish(state: ProgressState): void;
}

/**
 * The HTML bar. Updates within `minIntervalMs` of the last one are held back, and a timer sends
 * the newest held-back state once the interval has passed, so a loop that stalls right after a
 * skipped update still shows where it is. `finish` always sends the final state.
 */
function notebookRenderer(minIntervalMs: number, now: () => number): Renderer {
  const display = new UpdatableDisplay();
  let lastSent = -Infinity;
  let pending: ProgressState | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (state: ProgressState) => {
    pending = undefined;
    lastSent = now();
    display.show({ "text/html": progressHtml(state), "text/plain": progressText(state) });
  };
  const flushLater = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (pending) send(pending);
    }, minIntervalMs);
    // A held-back update must not keep a script (or jest) alive.
    timer.unref?.();
  };
  return {
    render(state) {
      if (now() - lastSent >= minIntervalMs) send(state);
      else {
        pending = state;
        flushLater();
      }
    },
    finish(state) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      send(state);
    },
  };
}

function ttyRenderer(options: ProgressOptions, stream: TextOutput): Renderer {
  const bar = new SingleBar({
    stream: stream as NodeJS.WriteStream,
    format: `${options.label} [{bar}] {percentage}% | {counts} | {status}`,
    barCompleteChar: "█",
    barIncompleteChar: "░",
    hideCursor: false,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 10,
  });
  let started = false;
  const payload = (state: ProgressState) => ({ counts: counts(state), status: state.status ?? "" });
  // cli-progress divides by the total; a total of 0 means nothing to do, drawn as a full bar.
  const total = (state: ProgressState) => (state.total > 0 ? state.total : 1);
  const value = (state: ProgressState) => (state.total > 0 ? state.value : 1);
  return {
    render(state) {
      if (!started) {
        started = true;
        bar.start(total(state), value(state), payload(state));
      } else {
        bar.update(value(state), payload(state));
      }
    },
    finish(state) {
      bar.update(value(state), payload(state));
      bar.stop();
      stream.write(`${progressText(state)}\n`);
    },
  };
}

function logRenderer(everyPercent: number, stream: TextOutput): Renderer {
  let lastStep = -1;
  return {
    render(state) {
      const step = Math.floor(percent(state) / everyPercent);
      if (step <= lastStep) return;
      lastStep = step;
      stream.write(`${progressText(state)}\n`);
    },
    finish(state) {
      stream.write(`${progressText(state)}\n`);
    },
  };
}
