/** The four SDK clients of the workshop, for AWS or for any endpoint that speaks AWS's protocols. */
import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { WorkflowContext } from "./context";

// The SDK warns once per process that releases after January 2027 need Node 22. The workshop's
// SDK versions are pinned by package-lock.json, so in notebooks the warning is only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface ClientOptions {
  region: string;
  /** An endpoint that serves every service (the local emulator, moto); AWS's own when absent. */
  endpoint?: string;
  /** Explicit credentials; the SDK's default chain (env, profile, SSO, instance role) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export type WorkshopClients = Pick<WorkflowContext, "sagemaker" | "runtime" | "s3" | "codecommit">;

export function createClients(options: ClientOptions): WorkshopClients {
  const common = {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    sagemaker: new SageMakerClient(common),
    runtime: new SageMakerRuntimeClient(common),
    // A local endpoint has no per-bucket DNS names: address buckets by path.
    s3: new S3Client({ ...common, forcePathStyle: options.endpoint !== undefined }),
    codecommit: new CodeCommitClient(common),
  };
}

export function destroyClients(clients: WorkshopClients): void {
  clients.sagemaker.destroy();
  clients.runtime.destroy();
  clients.s3.destroy();
  clients.codecommit.destroy();
}
