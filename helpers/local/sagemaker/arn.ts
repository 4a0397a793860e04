/**
 * SageMaker ARNs as AWS forms them: `arn:aws:sagemaker:<region>:<account>:<type>/<name>`, with the
 * resource name lowercased (SageMaker resource names are unique case-insensitively, and AWS prints
 * e.g. `training-job/my-job` for `My-Job`). China regions use the `aws-cn` partition.
 */
import type { ServiceContext } from "../context";

export type SageMakerResourceType =
  "training-job" | "model" | "experiment" | "experiment-trial" | "experiment-trial-component";

export function partition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function sageMakerArn(
  ctx: Pick<ServiceContext, "region" | "accountId">,
  type: SageMakerResourceType,
  name: string,
): string {
  return `arn:${partition(ctx.region)}:sagemaker:${ctx.region}:${ctx.accountId}:${type}/${name.toLowerCase()}`;
}

/** `arn:...:<type>/<name>` -> `<name>`; a plain name is returned as is. */
export function nameFromNameOrArn(nameOrArn: string): string {
  const match = /^arn:aws[a-z-]*:sagemaker:[^:]*:\d{12}:[a-z-]+\/(.+)$/.exec(nameOrArn);
  return match ? match[1] : nameOrArn;
}
