import { HeadBucketCommand } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openSession, type WorkshopSession } from "../../helpers/session";

describe("openSession (local)", () => {
  let workspace: string;
  let session: WorkshopSession;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "session-"));
    session = await openSession({ backend: "local", workspace, emulator: "in-process" });
  });

  afterAll(async () => {
    await session.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("creates the default bucket and names the workshop's prefix", async () => {
    expect(session.backend).toBe("local");
    expect(session.bucket).toBe("sagemaker-us-east-1-000000000000");
    await expect(
      session.s3.send(new HeadBucketCommand({ Bucket: session.bucket })),
    ).resolves.toBeDefined();
    expect(session.uri("data", "raw.csv")).toBe(
      "s3://sagemaker-us-east-1-000000000000/secure-sagemaker-demo/data/raw.csv",
    );
    expect(session.roleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
  });

  it("reads, sets and advances the virtual clock through the emulator", async () => {
    expect(session.clock.available).toBe(true);
    // The virtual clock keeps ticking from where it is set, so allow for the calls' own time.
    const start = await session.clock.set("2024-03-05T14:00:00Z");
    expect(start.getTime() - Date.parse("2024-03-05T14:00:00Z")).toBeLessThan(5_000);
    const later = await session.clock.advance("PT2H");
    expect(later.getTime() - start.getTime() - 2 * 3600_000).toBeLessThan(5_000);
    expect(later.getTime() - start.getTime()).toBeGreaterThanOrEqual(2 * 3600_000);
    expect((await session.clock.now()).getTime()).toBeGreaterThanOrEqual(later.getTime());
  });

  it("attaches a second session to the same emulator instead of starting another", async () => {
    const second = await openSession({ backend: "local", workspace, emulator: "in-process" });
    try {
      expect(second.endpoint).toBe(session.endpoint);
    } finally {
      await second.close();
    }
  });
});

describe("openSession (aws)", () => {
  it("explains what is missing instead of failing later", async () => {
    const saved = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.WORKSHOP_ROLE_ARN;
    try {
      await expect(openSession({ backend: "aws" })).rejects.toThrow(/Set the AWS region/);
      await expect(openSession({ backend: "aws", region: "eu-west-1" })).rejects.toThrow(
        /Set the SageMaker execution role/,
      );
    } finally {
      process.env = saved;
    }
  });

  it("rejects an unknown backend name", async () => {
    process.env.WORKSHOP_BACKEND = "gcp";
    try {
      await expect(openSession()).rejects.toThrow(/WORKSHOP_BACKEND must be "local" or "aws"/);
    } finally {
      delete process.env.WORKSHOP_BACKEND;
    }
  });
});
