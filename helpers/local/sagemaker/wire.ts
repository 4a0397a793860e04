/**
 * How SageMaker's JSON 1.1 shapes look on the wire, derived from the SDK's own types.
 *
 * The SDK models timestamps as `Date`, but JSON 1.1 carries them as epoch seconds (the SDK's
 * deserializer turns numbers back into Dates; boto3 and the AWS CLI do the same). Handlers and
 * persisted documents therefore use `Wire<T>`: the SDK shape with every `Date` replaced by a
 * number of seconds, so the compiler still checks every member name and nesting level.
 */
import { AwsError } from "../context";

export type Wire<T> = T extends Date
  ? number
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A command's input as it arrives over the wire. */
export type In<T> = Wire<T>;

/** A command's output as a handler returns it (no `$metadata`: the SDK fills that in). */
export type Out<T> = Wire<Omit<T, "$metadata">>;

/** Epoch seconds with millisecond precision, as SageMaker returns (e.g. 1700000000.123). */
export function epochSeconds(date: Date): number {
  return Math.round(date.getTime()) / 1000;
}

/**
 * Reads a timestamp member from a request. SDK v3, boto3 and the CLI send epoch seconds
 * (numbers); an ISO-8601 string is accepted too so hand-written JSON requests work.
 */
export function readTimestamp(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (value instanceof Date) return epochSeconds(value);
  if (typeof value === "string") {
    const asNumber = Number(value);
    if (value.trim() !== "" && Number.isFinite(asNumber)) return asNumber;
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed / 1000;
  }
  throw new AwsError(
    "ValidationException",
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy ` +
      `constraint: Member must be a timestamp (epoch seconds or ISO-8601)`,
  );
}
