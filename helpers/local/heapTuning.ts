/**
 * A V8 setting the emulator applies to the process it serves from: no allocation-site
 * pretenuring.
 *
 * Why: V8 watches where objects are allocated, and when most objects from one allocation site
 * outlive a few young-generation collections it allocates that site's later objects straight in
 * the old generation, which only full mark-compacts reclaim. A long profiling run (a baseline or
 * a monitoring execution over millions of rows, in this process) makes V8 tenure sites that
 * serving requests later allocate from, so every request's short-lived objects pile up in the old
 * generation until the next mark-compact. Measured (bench/memory.ts: profile 5,000,000 rows,
 * then serve 100,000 captured invocations at 32 connections): serving peak RSS 610-689 MB with
 * pretenuring, 437-442 MB without; the profiling phase took as long either way (7.6-9.4 s).
 *
 * Process-wide, as every V8 flag is; set again by each emulator that starts (setting it twice
 * is harmless). The setting only changes where V8 first places objects, never what a program
 * computes.
 */
import * as v8 from "node:v8";

export function disableAllocationSitePretenuring(): void {
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
}
