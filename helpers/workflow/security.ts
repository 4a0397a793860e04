/**
 * The security controls of the original lab, as options every job-creating helper accepts.
 * On AWS they are what keeps data in the customer's network and encrypted with the customer's
 * keys; the local emulator validates and records them (Describe shows them) but needs none.
 */
import type { VpcConfig } from "@aws-sdk/client-sagemaker";

export interface SecurityOptions {
  /** Subnets and security groups of the customer's VPC for jobs, models and endpoints. */
  vpc?: { subnets: string[]; securityGroupIds: string[] };
  /** KMS key for the ML storage volumes attached to training/processing instances. */
  volumeKmsKeyId?: string;
  /** KMS key for the job outputs written to S3 (model artifacts, reports). */
  outputKmsKeyId?: string;
  /** KMS key for the data capture files of endpoints. */
  dataCaptureKmsKeyId?: string;
  /** No outbound network access from the training/inference containers. */
  enableNetworkIsolation?: boolean;
  /** Encrypt traffic between instances of distributed training/processing. */
  enableInterContainerTrafficEncryption?: boolean;
}

export function vpcConfig(options: SecurityOptions): VpcConfig | undefined {
  if (!options.vpc) return undefined;
  const { subnets, securityGroupIds } = options.vpc;
  if (subnets.length === 0 || securityGroupIds.length === 0) {
    throw new Error("A VPC configuration needs at least one subnet and one security group id");
  }
  return { Subnets: subnets, SecurityGroupIds: securityGroupIds };
}

/** Security options from the environment, so instructors can set them once for a whole room. */
export function securityOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SecurityOptions {
  const list = (value: string | undefined) =>
    value
      ?.split(",")
      .map((item) => item.trim())
      .filter(Boolean) ?? [];
  const subnets = list(env.WORKSHOP_SUBNETS);
  const securityGroupIds = list(env.WORKSHOP_SECURITY_GROUPS);
  return {
    ...(subnets.length || securityGroupIds.length ? { vpc: { subnets, securityGroupIds } } : {}),
    ...(env.WORKSHOP_KMS_KEY_ID
      ? {
          volumeKmsKeyId: env.WORKSHOP_KMS_KEY_ID,
          outputKmsKeyId: env.WORKSHOP_KMS_KEY_ID,
          dataCaptureKmsKeyId: env.WORKSHOP_KMS_KEY_ID,
        }
      : {}),
    ...(env.WORKSHOP_NETWORK_ISOLATION === "true" ? { enableNetworkIsolation: true } : {}),
  };
}
