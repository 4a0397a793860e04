/**
 * Endpoint configs and endpoints for the SageMaker control plane: an operation map the service
 * in ../index.ts merges into its handlers. Serving itself is helpers/local/runtime.
 */
import type { ServiceContext } from "../../context";
import {
  createEndpointConfig,
  deleteEndpointConfig,
  describeEndpointConfig,
  listEndpointConfigs,
} from "./endpointConfigs";
import {
  createEndpoint,
  deleteEndpoint,
  describeEndpoint,
  listEndpoints,
  updateEndpoint,
  updateEndpointWeightsAndCapacities,
} from "./endpoints";

export type EndpointHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export function createEndpointOperations(ctx: ServiceContext): Record<string, EndpointHandler> {
  return {
    CreateEndpointConfig: (input) => createEndpointConfig(ctx, input),
    DescribeEndpointConfig: (input) => describeEndpointConfig(ctx, input),
    ListEndpointConfigs: (input) => listEndpointConfigs(ctx, input),
    DeleteEndpointConfig: (input) => deleteEndpointConfig(ctx, input),
    CreateEndpoint: (input) => createEndpoint(ctx, input),
    DescribeEndpoint: (input) => describeEndpoint(ctx, input),
    ListEndpoints: (input) => listEndpoints(ctx, input),
    UpdateEndpoint: (input) => updateEndpoint(ctx, input),
    UpdateEndpointWeightsAndCapacities: (input) => updateEndpointWeightsAndCapacities(ctx, input),
    DeleteEndpoint: (input) => deleteEndpoint(ctx, input),
  };
}

export { findEndpoint, endpointArn, type EndpointDoc, type EndpointConfigDoc } from "./docs";
export { captureSettings, parseDestination } from "./captureConfig";
