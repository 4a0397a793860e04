/**
 * The emulator as the benches use it: started in this process on a temp workspace, with SDK
 * clients (a WorkflowContext, so the workshop's own workflow helpers deploy and schedule), a
 * bucket, and the lab-shaped model uploaded and deployable behind endpoints.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { startLocalAws, type LocalAws } from "../../helpers/local";
import type { WorkflowContext } from "../../helpers/workflow/context";
import { deployWithCapture } from "../../helpers/workflow/deploy";

export const XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";
const BUCKET = "bench";

export interface BenchEmulator {
  aws: LocalAws;
  context: WorkflowContext;
  stop(): Promise<void>;
}

export async function startBenchEmulator(): Promise<BenchEmulator> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "bench-emulator-"));
  const aws = await startLocalAws({ workspace, port: 0 });
  const config = {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { ...aws.credentials },
    forcePathStyle: true as const,
  };
  const context: WorkflowContext = {
    region: aws.region,
    bucket: BUCKET,
    prefix: "bench",
    roleArn: ROLE,
    sagemaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
    s3: new S3Client(config),
    codecommit: new CodeCommitClient(config),
  };
  await context.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    aws,
    context,
    async stop() {
      for (const client of [context.sagemaker, context.runtime, context.s3, context.codecommit]) {
        client.destroy();
      }
      await aws.stop();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

export async function uploadModel(emulator: BenchEmulator, artifact: Buffer): Promise<string> {
  const key = "bench/model/model.tar.gz";
  await emulator.context.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: artifact }),
  );
  return `s3://${BUCKET}/${key}`;
}

/** An InService endpoint serving the model; capture goes to `captureUri` when given. */
export async function deployEndpoint(
  emulator: BenchEmulator,
  name: string,
  modelDataUrl: string,
  captureUri?: string,
): Promise<void> {
  await deployWithCapture(emulator.context, {
    modelName: `${name}-model`,
    endpointConfigName: `${name}-config`,
    endpointName: name,
    image: XGBOOST_IMAGE,
    modelDataUrl,
    captureUri,
  });
}
