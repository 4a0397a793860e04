/**
 * The persisted documents of endpoint configs and endpoints, their ARNs and their errors.
 *
 * Like the rest of the SageMaker service (../store.ts), each document holds the resource in its
 * wire form (Describe's shape, epoch seconds), keyed by the lowercased name, in the workspace
 * state store, so endpoints survive restarts. The kinds live here to keep this folder
 * self-contained.
 */
import type {
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommandOutput,
  Tag,
} from "@aws-sdk/client-sagemaker";
import { AwsError, type ServiceContext } from "../../context";
import { partition } from "../arn";
import type { Out } from "../wire";

export type EndpointConfig = Out<DescribeEndpointConfigCommandOutput>;
export type Endpoint = Out<DescribeEndpointCommandOutput>;

export interface EndpointConfigDoc {
  config: EndpointConfig;
  tags: Tag[];
}

export interface EndpointDoc {
  endpoint: Endpoint;
  tags: Tag[];
  /**
   * The config the endpoint serves (or is being created with), copied at deployment: AWS lets a
   * config be deleted while endpoints use it, and a restart must still rebuild the hosts.
   */
  config: EndpointConfig;
  /** While Updating: the config being deployed. */
  pendingConfig?: EndpointConfig;
  /** While Updating: UpdateEndpoint's RetainAllVariantProperties (keep weights and counts). */
  retainVariantProperties?: boolean;
}

interface Kinds {
  "sagemaker-endpoint-config": EndpointConfigDoc;
  "sagemaker-endpoint": EndpointDoc;
}

type Kind = keyof Kinds;

/** Typed access to the state store for this folder's documents (names are case-insensitive). */
export class EndpointStore {
  constructor(private readonly ctx: Pick<ServiceContext, "state">) {}

  get<K extends Kind>(kind: K, name: string): Kinds[K] | undefined {
    return this.ctx.state.get<Kinds[K]>(kind, name.toLowerCase());
  }

  put<K extends Kind>(kind: K, name: string, doc: Kinds[K]): void {
    this.ctx.state.put(kind, name.toLowerCase(), doc);
  }

  delete(kind: Kind, name: string): boolean {
    return this.ctx.state.delete(kind, name.toLowerCase());
  }

  list<K extends Kind>(kind: K): Kinds[K][] {
    return this.ctx.state.list<Kinds[K]>(kind);
  }
}

export function endpointArn(ctx: Pick<ServiceContext, "region" | "accountId">, name: string) {
  return `arn:${partition(ctx.region)}:sagemaker:${ctx.region}:${ctx.accountId}:endpoint/${name.toLowerCase()}`;
}

export function endpointConfigArn(
  ctx: Pick<ServiceContext, "region" | "accountId">,
  name: string,
): string {
  return `arn:${partition(ctx.region)}:sagemaker:${ctx.region}:${ctx.accountId}:endpoint-config/${name.toLowerCase()}`;
}

export function endpointConfigNotFound(arn: string): AwsError {
  return new AwsError("ValidationException", `Could not find endpoint configuration "${arn}".`);
}

export function endpointNotFound(arn: string): AwsError {
  return new AwsError("ValidationException", `Could not find endpoint "${arn}".`);
}

/** Looks up an endpoint's document, for other SageMaker operations (monitoring schedules). */
export function findEndpoint(ctx: ServiceContext, name: string): EndpointDoc | undefined {
  return new EndpointStore(ctx).get("sagemaker-endpoint", name);
}

/** Endpoint, endpoint config and variant names (botocore: EndpointName, VariantName; max 63). */
export const ENDPOINT_NAME = { min: 0, max: 63, pattern: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}" };
