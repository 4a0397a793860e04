/**
 * A target's verdict over several passes of the same measurement, for a shared VM where single
 * passes disagree by tens of points (bench/README.md, round 14):
 * - a pass the hypervisor took CPU time from (more than STOLEN_LIMIT_PERCENT of the machine's,
 *   support/cpuSteal.ts) is left out: it measured the host, not the code;
 * - the figure is the median of the other passes' own figures, each taken from runs side by side
 *   in one pass, so one pass caught in a slow machine state does not move it;
 * - with fewer undisturbed passes than asked for there is no verdict: the run is inconclusive and
 *   says why, rather than passing or failing on what the host did.
 */
import { median, passFail } from "./results";

/** A pass's figure and the most CPU stolen during any of the runs it was taken from. */
export interface PassFigure {
  value: number;
  /** Undefined where the machine does not report steal (then the pass counts as undisturbed). */
  stolenPercent?: number;
}

export interface PassVerdict {
  /** The median over the undisturbed passes; undefined when too few were undisturbed. */
  value?: number;
  /** Passes counted, of all the passes. */
  counted: number;
  passes: number;
  /** Undisturbed passes a figure needs. */
  needed: number;
}

/**
 * More stolen than this, and a pass is left out. Quiet stretches on the round-14 machine stole
 * 0-0.6 %; passes that stole 1.1-2.9 % already gave ratios 10-30 points off their neighbours'.
 */
export const STOLEN_LIMIT_PERCENT = 1;

export function isDisturbed(figure: { stolenPercent?: number }): boolean {
  return (figure.stolenPercent ?? 0) > STOLEN_LIMIT_PERCENT;
}

export function passVerdict(figures: readonly PassFigure[], needed: number): PassVerdict {
  const counted = figures.filter((f) => !isDisturbed(f)).map((f) => f.value);
  return {
    value: counted.length >= needed && counted.length > 0 ? median(counted) : undefined,
    counted: counted.length,
    passes: figures.length,
    needed,
  };
}

/** Whether a verdict meets its target: undefined (inconclusive) when there is no figure. */
export function meets(verdict: PassVerdict, ok: (value: number) => boolean): boolean | undefined {
  return verdict.value === undefined ? undefined : ok(verdict.value);
}

/** Whether every verdict met its target; undefined if none failed but one was inconclusive. */
export function allMet(results: readonly (boolean | undefined)[]): boolean | undefined {
  if (results.some((met) => met === false)) return false;
  return results.every((met) => met === true) ? true : undefined;
}

/** PASS, FAIL, or INCONCLUSIVE (the host disturbed too many passes). */
export function verdictWord(met: boolean | undefined): string {
  return met === undefined ? "INCONCLUSIVE" : passFail(met);
}

/** The verdict's word, with the reason when it is inconclusive. */
export function verdictText(met: boolean | undefined): string {
  return met === undefined
    ? `${verdictWord(met)} (too few passes with at most ${STOLEN_LIMIT_PERCENT}% of the CPU stolen)`
    : verdictWord(met);
}
