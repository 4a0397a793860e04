/**
 * Issue 8's targets for the endpoint, in one place: bench/endpoint.ts judges each run by them and
 * bench/endpointPool.ts judges several runs pooled, so the two can never judge by different
 * numbers.
 */
export const ENDPOINT_TARGETS = {
  /** Capture-on throughput at least this share of capture-off's. */
  captureOnOverOff: 0.85,
  /** Capture-off throughput at least this share of the bare Node server's. */
  captureOffOverBare: 0.5,
  /** p99 latency at 32 connections under this many milliseconds. */
  p99At32BelowMs: 10,
} as const;
