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

/** A running worker and the requests it has not answered yet (its own: see `start`). */
interface Running {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

export class FlushThread {
  private running: Running | undefined;
  private nextId = 1;

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
    const running = this.running;
    this.running = undefined;
    if (running) await running.worker.terminate();
  }

  private send(
    request: FlushWorkerRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<FlushWorkerReply> {
    const { worker, waiting } = this.running ?? this.start();
    const id = this.nextId++;
    return new Promise<FlushWorkerReply>((resolve, reject) => {
      if (waiting.size === 0) worker.ref();
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  /**
   * Each worker answers and fails only its own requests: a stopped worker's exit event can come
   * after its successor took requests, and must not fail those (nor keep the successor unref'd).
   */
  private start(): Running {
    const worker = startWorker(__dirname, "flushWorker", undefined);
    const running: Running = { worker, waiting: new Map() };
    const { waiting } = running;
    worker.unref();
    worker.on("message", (reply: FlushWorkerReply) => {
      const answered = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (waiting.size === 0) worker.unref();
      answered?.resolve(reply);
    });
    const stopped = (error: Error) => {
      if (this.running === running) this.running = undefined;
      const failed = [...waiting.values()];
      waiting.clear();
      for (const w of failed) w.reject(error);
    };
    worker.on("error", (error) =>
      stopped(new Error(`capture flush worker failed: ${error.message}`)),
    );
    worker.on("exit", (code) => stopped(new Error(`capture flush worker exited (code ${code})`)));
    this.running = running;
    return running;
  }
}
