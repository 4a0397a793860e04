/**
 * `npm run aws:check`: arguments and environment, the printed report, and exit codes — the last
 * against the local emulator, pointed at it the way a user does (the environment that
 * `npm run local-aws` prints).
 */
import { formatChecks, main, parseArguments, UsageError } from "../../helpers/cli/awsCheck";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

describe("aws:check arguments", () => {
  it("takes defaults from the environment the notebooks read", () => {
    expect(
      parseArguments([], {
        AWS_DEFAULT_REGION: "eu-west-1",
        WORKSHOP_BUCKET: "my-bucket",
        WORKSHOP_ROLE_ARN: "arn:aws:iam::123456789012:role/R",
        AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      }),
    ).toEqual({
      region: "eu-west-1",
      bucket: "my-bucket",
      prefix: "secure-sagemaker-demo",
      roleArn: "arn:aws:iam::123456789012:role/R",
      endpoint: "http://127.0.0.1:4566",
    });
    expect(
      parseArguments([], { AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "eu-west-1" }).region,
    ).toBe("us-west-2");
    expect(parseArguments([], {})).toEqual({ prefix: "secure-sagemaker-demo" });
  });

  it("lets flags win over the environment, in both --flag value and --flag=value forms", () => {
    expect(
      parseArguments(
        [
          "--region",
          "us-east-2",
          "--bucket=b2",
          "--prefix",
          "/labs/",
          "--role-arn",
          "arn:aws:iam::123456789012:role/X",
          "--endpoint-url=http://localhost:5000",
          "--create-bucket",
        ],
        { AWS_REGION: "eu-west-1", WORKSHOP_BUCKET: "b1" },
      ),
    ).toEqual({
      region: "us-east-2",
      bucket: "b2",
      prefix: "labs",
      roleArn: "arn:aws:iam::123456789012:role/X",
      endpoint: "http://localhost:5000",
      createBucket: true,
    });
  });

  it("refuses unknown options, missing values and non-URL endpoints", () => {
    expect(() => parseArguments(["--regoin", "x"], {})).toThrow(/Unknown option --regoin/);
    expect(() => parseArguments(["--region"], {})).toThrow(/--region needs a value/);
    expect(() => parseArguments(["--region", "--bucket", "b"], {})).toThrow(
      /--region needs a value/,
    );
    expect(() => parseArguments(["--endpoint-url", "127.0.0.1:4566"], {})).toThrow(
      /must be an http\(s\) URL/,
    );
    expect(() => parseArguments(["stray"], {})).toThrow(UsageError);
    expect(() => parseArguments(["--help"], {})).toThrow(/Usage:/);
  });
});

describe("aws:check report", () => {
  it("prints ✓/✗ per check, the fix under a failure, and a summary", () => {
    expect(
      formatChecks([
        { name: "region", ok: true, detail: "eu-west-1: both workshop images are published there" },
        { name: "bucket", ok: false, detail: "s3://b does not exist", fix: "Create it." },
      ]),
    ).toBe(
      "✓ region: eu-west-1: both workshop images are published there\n" +
        "✗ bucket: s3://b does not exist\n" +
        "    fix: Create it.\n" +
        "1 of 2 checks failed: fix them before running the labs.\n",
    );
    expect(formatChecks([{ name: "region", ok: true, detail: "fine" }])).toMatch(
      /All 1 checks passed/,
    );
  });
});

describe("aws:check against the local emulator", () => {
  let aws: TestLocalAws;
  beforeAll(async () => {
    aws = await startTestLocalAws();
  });
  afterAll(() => aws.stop());

  /** The environment `npm run local-aws` prints for this emulator. */
  const emulatorEnv = () => ({
    AWS_ENDPOINT_URL: aws.clientConfig.endpoint,
    AWS_ACCESS_KEY_ID: aws.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.clientConfig.credentials.secretAccessKey,
    AWS_REGION: aws.clientConfig.region,
  });

  /** Runs main() with `env` as the process environment (the SDK reads credentials from it). */
  async function run(argv: string[], env: Record<string, string>) {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) {
      if (/^(AWS_|WORKSHOP_)/.test(name)) delete process.env[name];
    }
    Object.assign(process.env, env);
    let out = "";
    let err = "";
    try {
      const code = await main(
        argv,
        process.env,
        (t) => (out += t),
        (t) => (err += t),
      );
      return { code, out, err };
    } finally {
      for (const name of Object.keys(process.env)) {
        if (!(name in saved)) delete process.env[name];
      }
      Object.assign(process.env, saved);
    }
  }

  it("passes and exits 0 with the emulator's environment and the SDK's default credential chain", async () => {
    const { code, out } = await run([], emulatorEnv());
    expect(out).toContain(`Checking the labs' AWS setup at ${aws.clientConfig.endpoint}`);
    expect(out).not.toContain("✗");
    expect(out.match(/^✓ /gm)).toHaveLength(8);
    expect(out).toMatch(/All 8 checks passed/);
    expect(code).toBe(0);
  });

  it("exits 1 when a check fails, and 2 on a usage error", async () => {
    const failed = await run(["--region", "eu-west-1"], emulatorEnv());
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^✗ region: the local emulator serves us-east-1/m);
    expect(failed.out).toMatch(/^ {4}fix: Use --region us-east-1/m);

    const usage = await run(["--bogus"], emulatorEnv());
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("Unknown option --bogus");
    expect(usage.out).toBe("");
  });
});
