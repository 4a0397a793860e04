/**
 * The local AWS emulator: `startLocalAws` runs the edge server with every service for one
 * workspace; `attachOrStartLocalAws` reuses an emulator another process already runs for it.
 *
 * Workspace layout: credentials.json (0600), clock.json, emulator.lock, emulator.json (pid and
 * endpoint while running), state/ (resource documents), s3/ and s3-meta/ (objects).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { VirtualClock } from "./clock";
import type { JsonService, ServiceContext } from "./context";
import { createCodeCommitService, CODECOMMIT_TARGET_PREFIX } from "./codecommit";
import { loadOrCreateCredentials, type LocalCredentials } from "./credentials";
import { createS3RestApi, FileObjectStore } from "./s3";
import { createSageMakerService } from "./sagemaker";
import { createEdgeServer, listenLocal } from "./server/edge";
import type { HealthDocument } from "./server/localApi";
import { probeHealth } from "./server/localClient";
import { disableAllocationSitePretenuring } from "./heapTuning";
import { processWide } from "./processWide";
import { createRuntimeService } from "./runtime";
import type { RuntimeService } from "./server/runtime";
import {
  FileStateStore,
  isProcessAlive,
  WorkspaceLock,
  WorkspaceLockedError,
  writeFileAtomic,
} from "./state";

/** The account id in every local ARN (AWS's documentation placeholder style, 12 digits). */
export const LOCAL_ACCOUNT_ID = "000000000000";
export const EMULATOR_FILE = "emulator.json";

export interface StartLocalAwsOptions {
  /** Workspace folder (created if missing). */
  workspace: string;
  /** 0 (default) picks a free port. */
  port?: number;
  region?: string;
  /** The git repository CodeCommit serves (default: the one containing the workspace). */
  repoDir?: string;
  accountId?: string;
  /** Replaces a service (tests, or part 2's runtime until it is the default). */
  services?: {
    sagemaker?: (ctx: ServiceContext) => JsonService;
    runtime?: (ctx: ServiceContext) => RuntimeService;
  };
  /** Where unexpected server-side failures are reported (default: stderr). */
  log?(message: string): void;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  credentials: LocalCredentials;
  region: string;
  accountId: string;
  workspace: string;
  clock: VirtualClock;
  /** The services' shared context (state, objects, clock), for in-process helpers and tests. */
  context: ServiceContext;
  stop(): Promise<void>;
}

/** What `<workspace>/emulator.json` holds while an emulator runs. */
export interface EmulatorFile {
  pid: number;
  endpoint: string;
  region: string;
  accountId: string;
  startedAt: string;
}

/** Workspaces this process serves, shared by every copy of this module in the process. */
const servedInProcess = processWide("servedWorkspaces", () => new Map<string, EmulatorFile>());

export async function startLocalAws(options: StartLocalAwsOptions): Promise<LocalAws> {
  // Requests' short-lived objects must stay young even after a long profiling run (heapTuning.ts).
  disableAllocationSitePretenuring();
  const workspace = path.resolve(options.workspace);
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  fs.mkdirSync(workspace, { recursive: true });
  const lock = WorkspaceLock.acquire(workspace);
  const closers: (() => Promise<void>)[] = [];
  try {
    const credentials = loadOrCreateCredentials(workspace);
    const clock = VirtualClock.forWorkspace(workspace);
    const state = new FileStateStore(path.join(workspace, "state"));
    const objects = new FileObjectStore(workspace, clock, region);
    const context: ServiceContext = { region, accountId, workspace, clock, state, objects };
    const sagemaker = (options.services?.sagemaker ?? createSageMakerService)(context);
    closers.push(async () => sagemaker.close?.());
    const codecommit = createCodeCommitService(context, options.repoDir);
    const runtime = (options.services?.runtime ?? createRuntimeService)(context);
    closers.push(async () => runtime.close?.());

    const health = (): HealthDocument => ({
      status: "ok",
      service: "local-aws",
      pid: process.pid,
      workspace,
      region,
      accountId,
      now: clock.now().toISOString(),
    });
    const server = createEdgeServer({
      credentials,
      clock,
      health,
      jsonServices: { SageMaker: sagemaker, [CODECOMMIT_TARGET_PREFIX]: codecommit },
      runtime,
      s3: createS3RestApi(objects, region),
      log: options.log,
    });
    // Node closes idle keep-alive connections after 5 s; a client that reuses one at that moment
    // (likely when the machine is busy) gets ECONNRESET. AWS keeps idle connections open far
    // longer, and SDK clients count on it: so does the emulator.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    const port = await listenLocal(server, options.port ?? 0);
    const endpoint = `http://127.0.0.1:${port}`;
    const emulatorFile: EmulatorFile = {
      pid: process.pid,
      endpoint,
      region,
      accountId,
      startedAt: new Date().toISOString(),
    };
    servedInProcess.set(workspace, emulatorFile);
    writeFileAtomic(
      path.join(workspace, EMULATOR_FILE),
      JSON.stringify(emulatorFile, null, 2) + "\n",
    );

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const close of closers.reverse()) {
          await close();
        }
        servedInProcess.delete(workspace);
        removeEmulatorFile(workspace);
        lock.release();
      })());
    return { endpoint, port, credentials, region, accountId, workspace, clock, context, stop };
  } catch (error) {
    for (const close of closers.reverse()) {
      await close().catch(() => undefined);
    }
    lock.release();
    throw error;
  }
}

function removeEmulatorFile(workspace: string): void {
  const file = path.join(workspace, EMULATOR_FILE);
  try {
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as EmulatorFile;
    if (content.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** The emulator currently serving a workspace (another process or this one), if any. */
export async function findRunningLocalAws(workspace: string): Promise<
  | {
      endpoint: string;
      credentials: LocalCredentials;
      region: string;
      accountId: string;
      pid: number;
    }
  | undefined
> {
  const resolved = path.resolve(workspace);
  // Served by this very process: no need to ask over HTTP (a busy event loop could time it out).
  const own = servedInProcess.get(resolved);
  if (own) {
    const { endpoint, region, accountId, pid } = own;
    return { endpoint, credentials: loadOrCreateCredentials(resolved), region, accountId, pid };
  }
  let file: EmulatorFile;
  try {
    file = JSON.parse(fs.readFileSync(path.join(resolved, EMULATOR_FILE), "utf8")) as EmulatorFile;
  } catch {
    return undefined;
  }
  if (!isProcessAlive(file.pid)) return undefined;
  const health = await probeHealth(file.endpoint);
  if (!health || health.pid !== file.pid || path.resolve(health.workspace) !== resolved)
    return undefined;
  return {
    endpoint: file.endpoint,
    credentials: loadOrCreateCredentials(resolved),
    region: health.region,
    accountId: health.accountId,
    pid: file.pid,
  };
}

export interface LocalAwsConnection {
  endpoint: string;
  credentials: LocalCredentials;
  region: string;
  accountId: string;
  workspace: string;
  /** True when another process runs the emulator; `stop()` then leaves it running. */
  attached: boolean;
  /** The in-process emulator when this call started it. */
  local?: LocalAws;
  stop(): Promise<void>;
}

/**
 * Connects to the emulator that serves `workspace`, starting one in this process if none runs.
 * Two notebooks on one workspace thus share one emulator (one writer, consistent state).
 */
export async function attachOrStartLocalAws(
  workspace: string,
  options: Omit<StartLocalAwsOptions, "workspace"> = {},
): Promise<LocalAwsConnection> {
  const resolved = path.resolve(workspace);
  // Another process may hold the lock while it is still starting: give it a few seconds to
  // publish emulator.json before giving up.
  const attempts = 20;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const running = await findRunningLocalAws(resolved);
    if (running) {
      return { ...running, workspace: resolved, attached: true, stop: async () => undefined };
    }
    try {
      const local = await startLocalAws({ ...options, workspace: resolved });
      const { endpoint, credentials, region, accountId } = local;
      return {
        endpoint,
        credentials,
        region,
        accountId,
        workspace: resolved,
        attached: false,
        local,
        stop: () => local.stop(),
      };
    } catch (error) {
      // Lost a race with another starter: its emulator.json appears right after the lock.
      if (!(error instanceof WorkspaceLockedError) || attempt === attempts - 1) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error("unreachable");
}

/** `.workshop/` at the root of the git repository containing `cwd` (or in cwd outside git). */
export function defaultWorkspace(cwd: string = process.cwd()): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, ".git"))) return path.join(dir, ".workshop");
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(path.resolve(cwd), ".workshop");
    dir = parent;
  }
}

export { VirtualClock, parseDuration } from "./clock";
export type { ClockAdvance, ClockListener } from "./clock";
export type { LocalCredentials } from "./credentials";
export type { RuntimeService, InvokeEndpointResult } from "./server/runtime";
export { getClock, setClock, advanceClock, probeHealth, LocalApiError } from "./server/localClient";
export type { LocalEndpoint } from "./server/localClient";
