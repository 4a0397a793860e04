/**
 * Ends the responses answered during one event-loop turn together, right after the turn's I/O.
 *
 * Why: ending a response is a socket write that wakes the client's thread, and a client waiting
 * on its sockets is asleep. On a loaded endpoint, where one poll of the event loop brings requests
 * from many connections, answering each as soon as it is computed wakes the client once per
 * response, each wakeup a cross-CPU interrupt paid by the writing thread (on the 2-core VM of
 * bench/README.md, "The endpoint", the response write cost 45-60 us in the emulator against 27 us
 * in a bare server that keeps its client busy). Written back to back after the turn, the first
 * write wakes the client and the rest find it running: measured 155 -> 120 us of CPU per
 * invocation at 32 connections. A lone request waits one setImmediate hop (microseconds).
 *
 * The head is written at once (the response is decided); only `end` waits. Node keeps pipelined
 * responses in order per connection, and a response whose client went away in the meantime is
 * dropped as Node drops any write to a destroyed socket.
 */
import type { ServerResponse } from "node:http";

export class ResponseBatch {
  private responses: ServerResponse[] = [];
  private bodies: Buffer[] = [];
  private scheduled = false;

  constructor(
    /** Where a failure to end one response is reported; the others are still ended. */
    private readonly log: (message: string) => void,
  ) {}

  /** Ends `response` with `body` once this event-loop turn's I/O is done. */
  end(response: ServerResponse, body: Buffer): void {
    this.responses.push(response);
    this.bodies.push(body);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    const { responses, bodies } = this;
    this.responses = [];
    this.bodies = [];
    this.scheduled = false;
    for (let i = 0; i < responses.length; i++) {
      const response = responses[i];
      if (response.writableEnded) continue;
      try {
        response.end(bodies[i]);
      } catch (error) {
        this.log(`local-aws: ending a response failed: ${(error as Error)?.stack ?? error}`);
      }
    }
  };
}
