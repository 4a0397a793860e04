/**
 * `npm run local-aws` — the local AWS emulator from the command line.
 *
 *   npm run local-aws -- [--workspace DIR] [--port N] [--region R] [--repo DIR]
 *       Runs the emulator in the foreground. Prints (stdout) the environment that points any AWS
 *       SDK or the AWS CLI at it, ready to eval; logs go to stderr. Ctrl+C / SIGTERM stop it.
 *   npm run local-aws -- clock [show | set ISO | advance DURATION] [--workspace DIR]
 *       Reads or moves the workspace's virtual clock (through the running emulator, or an
 *       in-process one when none runs, so scheduled work for the skipped time still happens).
 */
import * as path from "node:path";
import {
  advanceClock,
  attachOrStartLocalAws,
  defaultWorkspace,
  findRunningLocalAws,
  getClock,
  LocalApiError,
  setClock,
  startLocalAws,
  type LocalAwsConnection,
} from "../local";

const USAGE = `Usage:
  npm run local-aws -- [--workspace DIR] [--port N] [--region REGION] [--repo DIR]
  npm run local-aws -- clock [show | set <ISO time> | advance <duration>] [--workspace DIR]

  --workspace  emulator state folder (default: .workshop/ at the git repository root)
  --port       port on 127.0.0.1 (default: 0 = any free port)
  --region     region the emulator reports (default: us-east-1)
  --repo       git repository CodeCommit serves (default: the one containing the workspace)
  durations:   ISO 8601 (PT1H, P1D, PT30M) or short (1h, 30m, 2d)`;

export interface CliArguments {
  command: "serve" | "clock";
  clockAction?: "show" | "set" | "advance";
  clockValue?: string;
  workspace: string;
  port: number;
  region: string;
  repoDir?: string;
}

export class UsageError extends Error {}

export function parseArguments(argv: string[], cwd: string = process.cwd()): CliArguments {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (!["workspace", "port", "region", "repo"].includes(name))
        throw new UsageError(`Unknown option --${name}\n\n${USAGE}`);
      if (value === undefined) throw new UsageError(`Option --${name} needs a value\n\n${USAGE}`);
      flags[name] = value;
    } else {
      positional.push(arg);
    }
  }
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${flags.port}`);
  const base: CliArguments = {
    command: "serve",
    workspace: path.resolve(cwd, flags.workspace ?? defaultWorkspace(cwd)),
    port,
    region: flags.region ?? "us-east-1",
    repoDir: flags.repo === undefined ? undefined : path.resolve(cwd, flags.repo),
  };
  if (positional.length === 0) return base;
  if (positional[0] !== "clock")
    throw new UsageError(`Unknown command "${positional[0]}"\n\n${USAGE}`);
  const action = positional[1] ?? "show";
  if (action === "show" && positional.length <= 2)
    return { ...base, command: "clock", clockAction: "show" };
  if ((action === "set" || action === "advance") && positional.length === 3) {
    return { ...base, command: "clock", clockAction: action, clockValue: positional[2] };
  }
  throw new UsageError(
    `clock expects "show", "set <ISO time>" or "advance <duration>"\n\n${USAGE}`,
  );
}

/** The lines a shell can eval to point SDKs and the AWS CLI at the emulator. */
export function environmentLines(
  connection: Pick<LocalAwsConnection, "endpoint" | "credentials" | "region">,
): string[] {
  return [
    `export AWS_ENDPOINT_URL=${connection.endpoint}`,
    `export AWS_ACCESS_KEY_ID=${connection.credentials.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${connection.credentials.secretAccessKey}`,
    `export AWS_REGION=${connection.region}`,
    // The AWS CLI v1 and older boto3 read the region only from AWS_DEFAULT_REGION.
    `export AWS_DEFAULT_REGION=${connection.region}`,
  ];
}

async function serve(args: CliArguments): Promise<void> {
  const running = await findRunningLocalAws(args.workspace);
  if (running) {
    throw new UsageError(
      `An emulator already serves ${args.workspace} at ${running.endpoint} (pid ${running.pid}). Stop it first, or use its environment.`,
    );
  }
  const emulator = await startLocalAws({
    workspace: args.workspace,
    port: args.port,
    region: args.region,
    repoDir: args.repoDir,
  });
  process.stdout.write(environmentLines(emulator).join("\n") + "\n");
  process.stderr.write(
    `local AWS emulator for ${emulator.workspace} listening on ${emulator.endpoint} (pid ${process.pid}); Ctrl+C stops it\n`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without a clean stop\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${signal}: stopping the emulator...\n`);
    emulator.stop().then(
      () => {
        process.stderr.write("stopped\n");
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`failed to stop cleanly: ${error.stack}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function clock(args: CliArguments): Promise<void> {
  const connection = await attachOrStartLocalAws(args.workspace, {
    region: args.region,
    repoDir: args.repoDir,
  });
  try {
    if (args.clockAction === "show") {
      const doc = await getClock(connection);
      process.stdout.write(`${doc.now}${doc.virtual ? " (virtual)" : " (real time)"}\n`);
    } else {
      const started = Date.now();
      const doc =
        args.clockAction === "set"
          ? await setClock(connection, args.clockValue!)
          : await advanceClock(connection, args.clockValue!);
      process.stdout.write(
        `${doc.from} -> ${doc.now} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
  } finally {
    await connection.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArguments(argv);
    if (args.command === "clock") await clock(args);
    else await serve(args);
    return 0;
  } catch (error) {
    process.stderr.write(
      `${error instanceof UsageError || error instanceof LocalApiError ? error.message : ((error as Error).stack ?? String(error))}\n`,
    );
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
