/**
 * `npm run local-aws`: argument parsing, the printed environment, and a real foreground run
 * (spawned like `npm run local-aws` does) that SDK clients use and that stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { environmentLines, parseArguments, UsageError } from "../../helpers/cli/localAws";

const ROOT = path.resolve(__dirname, "../..");

describe("parseArguments", () => {
  test("serve with defaults and options", () => {
    const parsed = parseArguments(
      ["--workspace", "ws", "--port", "4599", "--region=eu-west-1"],
      "/home/u/project",
    );
    expect(parsed).toMatchObject({
      command: "serve",
      workspace: "/home/u/project/ws",
      port: 4599,
      region: "eu-west-1",
    });
    expect(parseArguments([], ROOT)).toMatchObject({
      command: "serve",
      workspace: path.join(ROOT, ".workshop"),
      port: 0,
    });
  });

  test("clock subcommands", () => {
    expect(parseArguments(["clock"], ROOT)).toMatchObject({
      command: "clock",
      clockAction: "show",
    });
    expect(parseArguments(["clock", "advance", "PT1H", "--workspace", "/w"])).toMatchObject({
      command: "clock",
      clockAction: "advance",
      clockValue: "PT1H",
      workspace: "/w",
    });
    expect(parseArguments(["clock", "set", "2030-01-01T00:00:00Z"], ROOT)).toMatchObject({
      clockAction: "set",
    });
  });

  test("bad arguments are usage errors that say what is wrong", () => {
    expect(() => parseArguments(["--port", "99999"])).toThrow(/--port must be an integer/);
    expect(() => parseArguments(["--nope", "1"])).toThrow(/Unknown option --nope/);
    expect(() => parseArguments(["--workspace"])).toThrow(/needs a value/);
    expect(() => parseArguments(["clock", "advance"])).toThrow(UsageError);
    expect(() => parseArguments(["start"])).toThrow(/Unknown command "start"/);
  });

  test("environmentLines are eval-ready exports", () => {
    const lines = environmentLines({
      endpoint: "http://127.0.0.1:4599",
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
      region: "us-east-1",
    });
    expect(lines).toEqual([
      "export AWS_ENDPOINT_URL=http://127.0.0.1:4599",
      "export AWS_ACCESS_KEY_ID=AKIAEXAMPLE",
      "export AWS_SECRET_ACCESS_KEY=secret",
      "export AWS_REGION=us-east-1",
      "export AWS_DEFAULT_REGION=us-east-1",
    ]);
  });
});

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "helpers/cli/localAws.ts", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    },
  );
}

function collect(child: ChildProcessWithoutNullStreams): {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

test("the foreground emulator prints a working environment, serves the clock command and stops on SIGTERM", async () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "local-aws-cli-"));
  const server = runCli(["--workspace", workspace, "--port", "0"]);
  const output = collect(server);
  try {
    const deadline = Date.now() + 60_000;
    while (!output.stdout().includes("AWS_DEFAULT_REGION") && Date.now() < deadline) {
      if (server.exitCode !== null) throw new Error(`CLI exited early: ${output.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const env = Object.fromEntries(
      output
        .stdout()
        .trim()
        .split("\n")
        .map((line) => /^export (\w+)=(.*)$/.exec(line)!.slice(1, 3)),
    );
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AWS_ACCESS_KEY_ID).toBe(
      JSON.parse(fs.readFileSync(path.join(workspace, "credentials.json"), "utf8")).accessKeyId,
    );

    const s3 = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
      forcePathStyle: true,
    });
    try {
      expect((await s3.send(new ListBucketsCommand({}))).Buckets).toEqual([]);
    } finally {
      s3.destroy();
    }

    // The clock command attaches to the running emulator rather than starting a second one.
    const clock = collect(runCli(["clock", "advance", "PT1H", "--workspace", workspace]));
    expect(await clock.exit).toBe(0);
    expect(clock.stdout()).toMatch(/^\S+Z -> \S+Z/);
    const offset = JSON.parse(fs.readFileSync(path.join(workspace, "clock.json"), "utf8")).offsetMs;
    expect(offset).toBeGreaterThanOrEqual(3_600_000);

    server.kill("SIGTERM");
    expect(await output.exit).toBe(0);
    expect(output.stderr()).toContain("stopped");
    expect(fs.existsSync(path.join(workspace, "emulator.json"))).toBe(false);
    expect(fs.existsSync(path.join(workspace, "emulator.lock"))).toBe(false);
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
