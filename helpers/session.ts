/**
 * Opens the workshop's session: the SDK clients, the bucket and prefix, the execution role and,
 * in local mode, the emulator and its virtual clock. Everything else takes the session (a
 * `WorkflowContext`) and works the same on both backends.
 *
 *   local (default): attaches to the workspace's running emulator or starts one. In a notebook
 *     the emulator runs as a background process, so it outlives a kernel restart and both lab
 *     notebooks share it; `npm run lab` and the tests run it in their own process.
 *   aws: the SDK's default credential chain; region, bucket and role from the options or the
 *     environment (AWS_REGION, WORKSHOP_BUCKET, WORKSHOP_ROLE_ARN).
 */
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  advanceClock,
  attachOrStartLocalAws,
  defaultWorkspace,
  findRunningLocalAws,
  getClock,
  setClock,
  type LocalAwsConnection,
  type LocalEndpoint,
} from "./local";
import { repoRoot } from "./paths";
import { createClients, destroyClients } from "./workflow/clients";
import { s3Uri, type WorkflowContext } from "./workflow/context";

export type Backend = "local" | "aws";

export interface SessionOptions {
  /** `local` unless WORKSHOP_BACKEND says otherwise. */
  backend?: Backend;
  region?: string;
  bucket?: string;
  /** The workshop's key prefix (the original lab's `secure-sagemaker-demo`). */
  prefix?: string;
  /** Local emulator state (default: `.workshop/` at the repository root). */
  workspace?: string;
  roleArn?: string;
  /** Local mode: the git repository CodeCommit answers from (default: this repository). */
  repoDir?: string;
  /**
   * How a local session gets an emulator when none runs: `background` starts a detached process
   * (notebooks: survives kernel restarts), `in-process` starts one inside this process.
   * Default: WORKSHOP_EMULATOR, else `background`.
   */
  emulator?: "background" | "in-process";
}

/** The virtual clock of local mode; on AWS every method explains that time passes for real. */
export interface SessionClock {
  readonly available: boolean;
  now(): Promise<Date>;
  set(time: Date | string): Promise<Date>;
  /** Moves time forward; scheduled monitoring executions for every passed hour run first. */
  advance(duration: string): Promise<Date>;
}

export interface WorkshopSession extends WorkflowContext {
  backend: Backend;
  /** Local mode: the emulator's workspace folder. */
  workspace?: string;
  /** Local mode: the emulator's endpoint URL. */
  endpoint?: string;
  clock: SessionClock;
  /** `s3://{bucket}/{prefix}/...parts` */
  uri(...parts: string[]): string;
  /** Releases the clients (and stops an in-process emulator this session started). */
  close(): Promise<void>;
}

export const DEFAULT_PREFIX = "secure-sagemaker-demo";
const DEFAULT_REGION = "us-east-1";
/** The role name the labs' IAM policy (docs/) creates; local mode accepts any role. */
const LOCAL_ROLE_NAME = "SageMakerWorkshopExecutionRole";

export async function openSession(options: SessionOptions = {}): Promise<WorkshopSession> {
  const backend = options.backend ?? parseBackend(process.env.WORKSHOP_BACKEND);
  return backend === "aws" ? openAwsSession(options) : openLocalSession(options);
}

function parseBackend(value: string | undefined): Backend {
  if (value === undefined || value === "" || value === "local") return "local";
  if (value === "aws") return "aws";
  throw new Error(`WORKSHOP_BACKEND must be "local" or "aws", not ${JSON.stringify(value)}`);
}

async function openLocalSession(options: SessionOptions): Promise<WorkshopSession> {
  const workspace = path.resolve(
    options.workspace ?? process.env.WORKSHOP_WORKSPACE ?? defaultWorkspace(repoRoot()),
  );
  const repoDir = options.repoDir ?? repoRoot();
  const mode =
    options.emulator ??
    (process.env.WORKSHOP_EMULATOR as SessionOptions["emulator"]) ??
    "background";
  const connection =
    mode === "in-process"
      ? await attachOrStartLocalAws(workspace, { region: options.region, repoDir })
      : await attachOrStartBackground(workspace, options.region, repoDir);
  const region = connection.region;
  const clients = createClients({
    region,
    endpoint: connection.endpoint,
    credentials: connection.credentials,
  });
  const bucket = options.bucket ?? `sagemaker-${region}-${connection.accountId}`;
  await ensureBucket(clients.s3, bucket, region);
  const target: LocalEndpoint = {
    endpoint: connection.endpoint,
    credentials: connection.credentials,
    region,
  };
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  return {
    backend: "local",
    region,
    bucket,
    prefix,
    roleArn: options.roleArn ?? `arn:aws:iam::${connection.accountId}:role/${LOCAL_ROLE_NAME}`,
    ...clients,
    workspace,
    endpoint: connection.endpoint,
    clock: localClock(target),
    uri: (...parts) => s3Uri({ bucket, prefix }, ...parts),
    close: async () => {
      destroyClients(clients);
      await connection.stop();
    },
  };
}

function localClock(target: LocalEndpoint): SessionClock {
  return {
    available: true,
    now: async () => new Date((await getClock(target)).now),
    set: async (time) =>
      new Date((await setClock(target, time instanceof Date ? time.toISOString() : time)).now),
    advance: async (duration) => new Date((await advanceClock(target, duration)).now),
  };
}

/**
 * Starts the emulator as a detached background process (`npm run local-aws` with the
 * workspace), logging to `<workspace>/emulator.log`, and waits until it answers.
 */
async function attachOrStartBackground(
  workspace: string,
  region: string | undefined,
  repoDir: string,
): Promise<LocalAwsConnection> {
  const running = await findRunningLocalAws(workspace);
  if (running) return { ...running, workspace, attached: true, stop: async () => undefined };
  fs.mkdirSync(workspace, { recursive: true });
  const log = fs.openSync(path.join(workspace, "emulator.log"), "a");
  // From compiled helpers (notebooks) run the compiled CLI; from sources, through ts-node.
  const compiled = __filename.endsWith(".js");
  const cli = path.join(__dirname, "cli", compiled ? "localAws.js" : "localAws.ts");
  const args = [
    ...(compiled ? [] : ["-r", "ts-node/register/transpile-only"]),
    cli,
    "--workspace",
    workspace,
    ...(region ? ["--region", region] : []),
    "--repo",
    repoDir,
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot(),
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  fs.closeSync(log);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const found = await findRunningLocalAws(workspace);
    if (found) return { ...found, workspace, attached: true, stop: async () => undefined };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `The local AWS emulator did not start for workspace ${workspace}; see ${path.join(workspace, "emulator.log")}`,
  );
}

async function ensureBucket(
  s3: WorkflowContext["s3"],
  bucket: string,
  region: string,
): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is S3's default location and must not be named.
        ...(region === "us-east-1"
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" } }),
      }),
    );
  }
}

const AWS_CLOCK_MESSAGE =
  "The virtual clock exists only in local mode. On AWS time passes for real: monitoring " +
  "executions start at the top of each hour (up to 20 minutes late); wait for them instead.";

const awsClock: SessionClock = {
  available: false,
  now: async () => new Date(),
  set: async () => {
    throw new Error(AWS_CLOCK_MESSAGE);
  },
  advance: async () => {
    throw new Error(AWS_CLOCK_MESSAGE);
  },
};

async function openAwsSession(options: SessionOptions): Promise<WorkshopSession> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error("Set the AWS region: openSession({ backend: 'aws', region }) or AWS_REGION.");
  }
  const roleArn = options.roleArn ?? process.env.WORKSHOP_ROLE_ARN;
  if (!roleArn) {
    throw new Error(
      "Set the SageMaker execution role: openSession({ backend: 'aws', roleArn }) or WORKSHOP_ROLE_ARN " +
        "(an IAM role SageMaker can assume; see docs/ for its policy).",
    );
  }
  const clients = createClients({ region });
  let bucket = options.bucket ?? process.env.WORKSHOP_BUCKET;
  if (!bucket) {
    const sts = new STSClient({ region });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    bucket = `sagemaker-${region}-${identity.Account}`; // the SageMaker SDK's default bucket
  }
  await ensureBucket(clients.s3, bucket, region);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const resolvedBucket = bucket;
  return {
    backend: "aws",
    region,
    bucket,
    prefix,
    roleArn,
    ...clients,
    clock: awsClock,
    uri: (...parts) => s3Uri({ bucket: resolvedBucket, prefix }, ...parts),
    close: async () => destroyClients(clients),
  };
}

/** A few lines saying where this session works, for the top of each notebook. */
export function sessionSummary(session: WorkshopSession): string {
  const lines = [
    `backend:   ${session.backend}${session.backend === "local" ? ` (emulator at ${session.endpoint})` : ""}`,
    `region:    ${session.region}`,
    `bucket:    ${session.bucket}`,
    `prefix:    ${session.prefix}`,
    `role:      ${session.roleArn}`,
  ];
  if (session.workspace) lines.push(`workspace: ${session.workspace}`);
  return lines.join("\n");
}
