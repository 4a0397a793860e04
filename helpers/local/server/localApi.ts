/**
 * The emulator's own API under `/_local/`: `GET /_local/health` (no auth, so other processes can
 * find out whether an emulator already serves a workspace) and `/_local/clock` (SigV4-protected:
 * moving the clock triggers scheduled work).
 */
import { parseDuration, type VirtualClock } from "../clock";
import { AwsError } from "../context";

export interface HealthDocument {
  status: "ok";
  service: "local-aws";
  pid: number;
  workspace: string;
  region: string;
  accountId: string;
  now: string;
}

export interface ClockDocument {
  now: string;
  realNow: string;
  virtual: boolean;
}

export function clockDocument(clock: VirtualClock): ClockDocument {
  return {
    now: clock.now().toISOString(),
    realNow: new Date().toISOString(),
    virtual: clock.isVirtual(),
  };
}

/** POST /_local/clock with {"set": iso} or {"advance": "PT1H" | "1h"}. */
export async function changeClock(
  clock: VirtualClock,
  input: unknown,
): Promise<ClockDocument & { from: string }> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AwsError(
      "ValidationException",
      'Expected a JSON object: {"set": "<ISO time>"} or {"advance": "PT1H"}',
    );
  }
  const { set, advance } = input as { set?: unknown; advance?: unknown };
  if ((set === undefined) === (advance === undefined)) {
    throw new AwsError(
      "ValidationException",
      'Give exactly one of "set" (ISO 8601 time) or "advance" (duration such as PT1H or 1h)',
    );
  }
  if (set !== undefined) {
    if (typeof set !== "string" || Number.isNaN(Date.parse(set))) {
      throw new AwsError(
        "ValidationException",
        `"set" must be an ISO 8601 time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(set)}`,
      );
    }
    const move = await clock.set(new Date(set));
    return { ...clockDocument(clock), from: move.from.toISOString() };
  }
  let ms: number;
  try {
    ms = typeof advance === "number" ? advance : parseDuration(String(advance));
  } catch (error) {
    throw new AwsError("ValidationException", (error as Error).message);
  }
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new AwsError(
      "ValidationException",
      `"advance" must be a non-negative duration, got ${JSON.stringify(advance)}`,
    );
  }
  // Listener failures (scheduled work) are not the caller's fault: they propagate as 500s.
  const move = await clock.advance(ms);
  return { ...clockDocument(clock), from: move.from.toISOString() };
}
