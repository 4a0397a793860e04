/**
 * The preflight's AWS path (STS GetCallerIdentity, IAM GetRole through the Query API, S3, the
 * SageMaker services) against moto_server, an independent implementation of those APIs. moto does
 * not enforce IAM permissions by default, so denied permissions are covered with fake clients in
 * preflight.test.ts; moto 5.2.1 does not implement CodeCommit ListRepositories, so that check
 * fails here, and the test says so rather than hiding it.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import {
  createClients,
  destroyClients,
  type WorkshopClients,
} from "../../helpers/workflow/clients";
import {
  getRole,
  iamQuery,
  IamQueryError,
  runPreflight,
  type PreflightCheck,
  type PreflightOptions,
} from "../../helpers/workflow/preflight";
import { startMoto, type MotoServer } from "../helpers/moto";

const ACCOUNT = "123456789012"; // moto's default account
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const trustPolicy = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });

let moto: MotoServer;
let clients: WorkshopClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = createClients({ region: "eu-west-1", endpoint: moto.endpoint, credentials });
  const iam = { credentials, endpoint: moto.endpoint };
  await iamQuery(iam, "CreateRole", {
    RoleName: "SageMakerWorkshopExecutionRole",
    AssumeRolePolicyDocument: trustPolicy("sagemaker.amazonaws.com"),
  });
  await iamQuery(iam, "CreateRole", {
    RoleName: "Ec2OnlyRole",
    Path: "/service-role/",
    AssumeRolePolicyDocument: trustPolicy("ec2.amazonaws.com"),
  });
  // S3 refuses a LocationConstraint other than the endpoint's region (moto too): one client each.
  for (const [bucket, region] of [
    ["workshop-eu", "eu-west-1"],
    ["workshop-us", "us-west-2"],
  ]) {
    const regional = createClients({ region, endpoint: moto.endpoint, credentials });
    try {
      await regional.s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" },
        }),
      );
    } finally {
      destroyClients(regional);
    }
  }
});

afterAll(async () => {
  if (clients) destroyClients(clients);
  await moto?.stop();
});

function byName(checks: PreflightCheck[]): Record<string, PreflightCheck> {
  return Object.fromEntries(checks.map((check) => [check.name, check]));
}

const options = {
  region: "eu-west-1",
  bucket: "workshop-eu",
  prefix: "secure-sagemaker-demo",
  roleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerWorkshopExecutionRole`,
  credentials,
};

describe("IAM Query API against moto", () => {
  it("reads a role and its URL-encoded trust policy", async () => {
    const role = await getRole({ credentials, endpoint: moto.endpoint }, "Ec2OnlyRole");
    expect(role.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/service-role/Ec2OnlyRole`);
    expect(role.trustPolicy).toEqual(JSON.parse(trustPolicy("ec2.amazonaws.com")));
  });

  it("raises IAM's error code for a missing role", async () => {
    const error = await getRole({ credentials, endpoint: moto.endpoint }, "NoSuchRole").catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(IamQueryError);
    expect(error).toMatchObject({ name: "NoSuchEntity", status: 404 });
  });
});

describe("preflight against moto", () => {
  it("passes every check moto implements", async () => {
    const checks = await runPreflight({ ...options, endpoint: moto.endpoint });
    const checksByName = byName(checks);
    expect(checks.map((check) => check.name)).toEqual([
      "region",
      "caller identity",
      "bucket",
      "read/write under the prefix",
      "execution role",
      "SageMaker",
      "SageMaker Runtime",
      "CodeCommit",
    ]);
    for (const check of checks.filter((c) => c.name !== "CodeCommit")) {
      expect({ check, ok: check.ok }).toEqual({ check, ok: true });
    }
    expect(checksByName["caller identity"].detail).toBe(
      `arn:aws:sts::${ACCOUNT}:user/moto (account ${ACCOUNT})`,
    );
    expect(checksByName.bucket.detail).toBe(
      "s3://workshop-eu exists in eu-west-1 and answers HeadBucket",
    );
    expect(checksByName["execution role"].detail).toContain("trusts sagemaker.amazonaws.com");
    // moto 5.2.1 has no ListRepositories: the check fails and shows moto's answer.
    expect(checksByName.CodeCommit.ok).toBe(false);
    expect(checksByName.CodeCommit.detail).toMatch(/^ListRepositories failed: .*HTTP 500/);
  });

  it("fails on a missing or untrusting role, a bucket of another region, and a missing bucket", async () => {
    const run = async (overrides: Partial<PreflightOptions>) =>
      byName(await runPreflight({ ...options, ...overrides, endpoint: moto.endpoint }));

    const missingRole = (await run({ roleArn: `arn:aws:iam::${ACCOUNT}:role/NoSuchRole` }))[
      "execution role"
    ];
    expect(missingRole).toMatchObject({
      ok: false,
      detail: `role NoSuchRole does not exist in account ${ACCOUNT}`,
    });

    const ec2Role = (
      await run({ roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/Ec2OnlyRole` })
    )["execution role"];
    expect(ec2Role.ok).toBe(false);
    expect(ec2Role.detail).toContain("does not let sagemaker.amazonaws.com assume it");

    const otherRegion = (await run({ bucket: "workshop-us" })).bucket;
    expect(otherRegion.ok).toBe(false);
    expect(otherRegion.detail).toContain("is in us-west-2");

    const missing = await run({ bucket: "workshop-missing" });
    expect(missing.bucket).toMatchObject({
      ok: false,
      detail: "s3://workshop-missing does not exist",
    });
    const created = await run({ bucket: "workshop-missing", createBucket: true });
    expect(created.bucket.ok).toBe(true);
    expect(created["read/write under the prefix"].ok).toBe(true);
  });

  it("defaults the bucket to sagemaker-{region}-{account}, as openSession does", async () => {
    const checks = byName(
      await runPreflight({ ...options, bucket: undefined, endpoint: moto.endpoint }),
    );
    expect(checks.bucket.detail).toBe(`s3://sagemaker-eu-west-1-${ACCOUNT} does not exist`);
  });
});
