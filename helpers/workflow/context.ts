/**
 * What every workflow step needs: the four SDK clients, where the workshop's files live in S3,
 * and the execution role. `openSession` builds one for the local emulator or for AWS; tests
 * build one against any endpoint (the emulator, moto). Steps take this, never a backend flag:
 * the same code runs in both places.
 */
import type { CodeCommitClient } from "@aws-sdk/client-codecommit";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

export interface WorkflowContext {
  region: string;
  /** Bucket holding everything the labs write. */
  bucket: string;
  /** Key prefix of the workshop inside the bucket (the original uses `secure-sagemaker-demo`). */
  prefix: string;
  /** IAM role SageMaker assumes for jobs and endpoints. */
  roleArn: string;
  sagemaker: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  s3: S3Client;
  codecommit: CodeCommitClient;
}

/** `s3://bucket/prefix/part/part` for the workshop's files. */
export function s3Uri(
  context: Pick<WorkflowContext, "bucket" | "prefix">,
  ...parts: string[]
): string {
  const key = [context.prefix, ...parts]
    .filter((part) => part !== "")
    .map((part) => part.replace(/^\/+|\/+$/g, ""))
    .join("/");
  return `s3://${context.bucket}/${key}`;
}

/** Splits `s3://bucket/key` into bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Not an S3 URI: ${JSON.stringify(uri)} (expected s3://bucket/key)`);
  return { bucket: match[1], key: match[2] };
}
