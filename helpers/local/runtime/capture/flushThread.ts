/**
 * The capture writer's side of its flush worker (./flushWorker.ts): starts the worker on first
 * use, matches replies to requests, and turns a worker that dies into rejected requests (the
 * writer keeps its lines and retries; requests are idempotent, see FlushRequest) and a fresh
 * worker on the next request. The worker does not keep the process alive while it is idle.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../jobs/workerThread";
import type {
  FlushReply,
  FlushRequest,
  FlushWorkerReply,
  FlushWorkerRequest,
  ForgetReply,
} from "./flushProtocol";

interface Waiting {
  resolve(reply: FlushWorkerReply): void;
  reject(error: Error): void;
}

export class FlushThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  /** `records` is transferred: it is unusable here once sent. */
  flush(request: Omit<FlushRequest, "type" | "id">): Promise<FlushReply> {
    const transfer = request.records.length > 0 ? [request.records.buffer as ArrayBuffer] : [];
    return this.send({ type: "flush", id: 0, ...request }, transfer) as Promise<FlushReply>;
  }

  forget(journal: string): Promise<ForgetReply> {
    return this.send({ type: "forget", id: 0, journal }) as Promise<ForgetReply>;
  }

  /** Stops the worker (it holds nothing the journals on disk do not). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private send(
    request: FlushWorkerRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<FlushWorkerReply> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<FlushWorkerReply>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  private start(): Worker {
    const worker = startWorker(__dirname, "flushWorker", undefined);
    worker.unref();
    worker.on("message", (reply: FlushWorkerReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      waiting?.resolve(reply);
    });
    const stopped = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      const waiting = [...this.waiting.values()];
      this.waiting.clear();
      for (const w of waiting) w.reject(error);
    };
    worker.on("error", (error) =>
      stopped(new Error(`capture flush worker failed: ${error.message}`)),
    );
    worker.on("exit", (code) => stopped(new Error(`capture flush worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
