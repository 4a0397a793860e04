/**
 * The endpoint hosts of one running emulator: which endpoints serve, with which variants and
 * models, and the capture writer they share.
 *
 * The SageMaker control plane (helpers/local/sagemaker/endpoints) deploys and removes hosts; the
 * runtime (./invoke.ts) serves from them. Both are created from the same ServiceContext, so the
 * registry is keyed by the context's state store (one per started emulator): no global state
 * outlives `stop()`, and a restarted emulator starts empty and restores from its documents.
 */
import type { ServiceContext, StateStore } from "../context";
import type { CaptureSettings } from "./capture/record";
import { CaptureWriter, type CaptureWriterOptions } from "./capture/writer";
import { journalDir } from "./capture/journal";
import { loadXgboostModel, type ServedModel } from "./xgboostModel";

export interface VariantHost {
  variantName: string;
  modelName: string;
  model: ServedModel;
  weight: number;
  instanceCount: number;
}

export interface Deployment {
  endpointName: string;
  configName: string;
  variants: VariantHost[];
  /** Undefined when the config has no DataCaptureConfig. */
  capture?: CaptureSettings;
}

export interface EndpointRuntimeOptions extends CaptureWriterOptions {
  /** Uniform [0, 1) source for sampling and traffic splitting (tests pass a seeded one). */
  random?: () => number;
  /** Loads a model artifact; default: the XGBoost engine (./xgboostModel.ts). */
  loadModel?: (artifact: Buffer) => Promise<ServedModel>;
}

export class EndpointRuntime {
  readonly capture: CaptureWriter;
  readonly random: () => number;
  private readonly deployments = new Map<string, Deployment>();
  private readonly restoring = new Map<string, Promise<unknown>>();
  private readonly models = new Map<string, Promise<ServedModel>>();
  private readonly load: (artifact: Buffer) => Promise<ServedModel>;
  private closing: Promise<void> | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(ctx: ServiceContext, options: EndpointRuntimeOptions = {}) {
    this.random = options.random ?? Math.random;
    this.load = options.loadModel ?? loadXgboostModel;
    this.capture = new CaptureWriter(ctx.objects, ctx.clock, journalDir(ctx.workspace), options);
    // Capture of the time the clock skips must be in S3 before anyone analyses that time.
    const clock = ctx.clock as { onAdvance?: (listener: () => Promise<void>) => () => void };
    this.unsubscribe = clock.onAdvance?.(() =>
      this.capture.flush().catch((error: unknown) => {
        // A capture problem must not break moving the clock; the next flush retries.
        const message = `data capture: flush on clock advance failed: ${String(error)}`;
        (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(message);
      }),
    );
  }

  /**
   * The model of an artifact; one load per artifact version (`etag`), shared by the variants and
   * configs that use it, so an UpdateEndpoint to the same model does not reload it.
   */
  model(artifactId: string, read: () => Promise<Buffer>): Promise<ServedModel> {
    let model = this.models.get(artifactId);
    if (!model) {
      model = read().then((buffer) => this.load(buffer));
      model.catch(() => this.models.delete(artifactId));
      this.models.set(artifactId, model);
    }
    return model;
  }

  /** Makes a deployment serve (replacing the previous one of that endpoint in one step). */
  activate(deployment: Deployment): void {
    this.deployments.set(deployment.endpointName.toLowerCase(), deployment);
  }

  /** Stops serving an endpoint; returns what it served. */
  deactivate(endpointName: string): Deployment | undefined {
    const key = endpointName.toLowerCase();
    const deployment = this.deployments.get(key);
    this.deployments.delete(key);
    return deployment;
  }

  /** Invocations of an endpoint being restored after a restart wait for `work`. */
  restore(endpointName: string, work: Promise<unknown>): void {
    const key = endpointName.toLowerCase();
    const settled = work.catch(() => undefined);
    this.restoring.set(key, settled);
    void settled.then(() => {
      if (this.restoring.get(key) === settled) this.restoring.delete(key);
    });
  }

  /**
   * The serving deployment, after any pending restoration of it has finished: synchronously when
   * none is pending (the usual case, and the invocation path's), else a promise.
   */
  deployment(endpointName: string): Deployment | undefined | Promise<Deployment | undefined> {
    const key = endpointName.toLowerCase();
    const pending = this.restoring.get(key);
    if (pending) return pending.then(() => this.deployments.get(key));
    return this.deployments.get(key);
  }

  /** Applies UpdateEndpointWeightsAndCapacities to the serving hosts at once. */
  setWeights(
    endpointName: string,
    changes: { variantName: string; weight?: number; instanceCount?: number }[],
  ): void {
    const deployment = this.deployments.get(endpointName.toLowerCase());
    if (!deployment) return;
    const variants = deployment.variants.map((variant) => {
      const change = changes.find((c) => c.variantName === variant.variantName);
      return change
        ? {
            ...variant,
            weight: change.weight ?? variant.weight,
            instanceCount: change.instanceCount ?? variant.instanceCount,
          }
        : variant;
    });
    this.deployments.set(endpointName.toLowerCase(), { ...deployment, variants });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe?.();
      await this.capture.close();
      this.deployments.clear();
    })();
    return this.closing;
  }
}

const runtimes = new WeakMap<StateStore, EndpointRuntime>();

/** The endpoint hosts of the emulator that owns `ctx` (created with defaults on first use). */
export function endpointRuntime(ctx: ServiceContext): EndpointRuntime {
  let runtime = runtimes.get(ctx.state);
  if (!runtime) {
    runtime = new EndpointRuntime(ctx);
    runtimes.set(ctx.state, runtime);
  }
  return runtime;
}

/** Creates the endpoint hosts with explicit options; must come before any use of `ctx`'s hosts. */
export function createEndpointRuntime(
  ctx: ServiceContext,
  options: EndpointRuntimeOptions,
): EndpointRuntime {
  if (runtimes.has(ctx.state)) {
    throw new Error(
      "The endpoint hosts of this emulator already exist: create the runtime service before any " +
        "endpoint operation runs (startLocalAws does).",
    );
  }
  const runtime = new EndpointRuntime(ctx, options);
  runtimes.set(ctx.state, runtime);
  return runtime;
}

/**
 * Publishes every buffered capture record of the emulator that owns `ctx`. The monitoring
 * scheduler calls this before analysing a window, so the window's capture is complete in S3.
 */
export async function flushEndpointCapture(ctx: ServiceContext): Promise<void> {
  await runtimes.get(ctx.state)?.capture.flush();
}
