/**
 * SageMaker Runtime for the local emulator: the RuntimeService the edge routes
 * `POST /endpoints/{name}/invocations` to (../server/runtime.ts), serving the endpoints the
 * SageMaker control plane deployed, with data capture.
 *
 * Wiring: `startLocalAws({ services: { runtime: (ctx) => createRuntimeService(ctx, options) } })`,
 * or as the default runtime of startLocalAws. Creating it restores the endpoints that were
 * InService (or Creating/Updating) when the workspace's emulator last stopped.
 */
import type { ServiceContext } from "../context";
import type { RuntimeService } from "../server/runtime";
import { restoreEndpoints } from "../sagemaker/endpoints/lifecycle";
import {
  createEndpointRuntime,
  flushEndpointCapture,
  type EndpointRuntime,
  type EndpointRuntimeOptions,
} from "./hosts";
import { invokeEndpoint } from "./invoke";

export interface LocalRuntimeService extends RuntimeService {
  /** The endpoint hosts (serving deployments and the capture writer). */
  readonly hosts: EndpointRuntime;
  /** Publishes every buffered capture record to S3 now. */
  flush(): Promise<void>;
  /** Resolves once the endpoints found at start are loaded (or failed). */
  readonly restored: Promise<void>;
  close(): Promise<void>;
}

export function createRuntimeService(
  ctx: ServiceContext,
  options: EndpointRuntimeOptions = {},
): LocalRuntimeService {
  const hosts = createEndpointRuntime(ctx, options);
  const restored = restoreEndpoints(ctx, hosts);
  return {
    hosts,
    restored,
    invokeEndpoint: (input) => invokeEndpoint(ctx, hosts, input),
    flush: () => hosts.capture.flush(),
    async close() {
      await restored;
      await hosts.close();
    },
  };
}

/**
 * The capture flusher monitoring executions call before analysing a window
 * (helpers/local/sagemaker/monitoring CaptureFlusher): publishing everything buffered covers
 * every record captured before `time`. Resolves the hosts lazily, so it can be created before
 * the runtime service is.
 */
export function captureFlusher(ctx: ServiceContext): { flushUntil(time: Date): Promise<void> } {
  return { flushUntil: () => flushEndpointCapture(ctx) };
}

export { flushEndpointCapture, endpointRuntime } from "./hosts";
export type { EndpointRuntimeOptions, Deployment, VariantHost } from "./hosts";
export type { CaptureSettings } from "./capture/record";
export type { ServedModel } from "./xgboostModel";
export { pythonFloatRepr } from "./pythonFloat";
