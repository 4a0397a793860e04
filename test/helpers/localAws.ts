/**
 * Test utility: starts the local AWS emulator in a fresh temp workspace on an ephemeral port and
 * returns SDK v3 clients configured for it (endpoint, workspace credentials, region).
 *
 *   const aws = await startTestLocalAws();
 *   afterAll(() => aws.stop());
 *   await aws.s3.send(new CreateBucketCommand({ Bucket: "b" }));
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { startLocalAws, type LocalAws, type StartLocalAwsOptions } from "../../helpers/local";

export interface TestLocalAws {
  emulator: LocalAws;
  workspace: string;
  /** What every client was built with; spread it into other SDK clients. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
    maxAttempts: number;
  };
  s3: S3Client;
  sagemaker: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  codecommit: CodeCommitClient;
  /** Restarts the emulator on the same workspace (state must survive); clients are rebuilt. */
  restart(): Promise<void>;
  /** Stops the emulator, destroys the clients and deletes the workspace (unless keepWorkspace). */
  stop(options?: { keepWorkspace?: boolean }): Promise<void>;
}

export async function startTestLocalAws(
  options: Partial<StartLocalAwsOptions> = {},
): Promise<TestLocalAws> {
  const workspace = options.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-test-"));
  const result = {} as TestLocalAws;

  const connect = async (): Promise<void> => {
    const emulator = await startLocalAws({ log: () => undefined, ...options, workspace });
    const clientConfig = {
      endpoint: emulator.endpoint,
      region: emulator.region,
      credentials: { ...emulator.credentials },
      forcePathStyle: true as const,
      // No retries: a test must see the first answer, not a retried one.
      maxAttempts: 1,
    };
    Object.assign(result, {
      emulator,
      workspace,
      clientConfig,
      s3: new S3Client(clientConfig),
      sagemaker: new SageMakerClient(clientConfig),
      runtime: new SageMakerRuntimeClient(clientConfig),
      codecommit: new CodeCommitClient(clientConfig),
    });
  };
  const destroyClients = () => {
    result.s3.destroy();
    result.sagemaker.destroy();
    result.runtime.destroy();
    result.codecommit.destroy();
  };
  await connect();
  result.restart = async () => {
    destroyClients();
    await result.emulator.stop();
    await connect();
  };
  result.stop = async (stopOptions = {}) => {
    destroyClients();
    await result.emulator.stop();
    if (!stopOptions.keepWorkspace && options.workspace === undefined) {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  };
  return result;
}
