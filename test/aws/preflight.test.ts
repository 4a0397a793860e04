/**
 * The preflight's logic: pure parts (role ARNs, trust policies), every failure path with fake
 * clients that answer as AWS does when a permission is missing (no network), and the whole
 * preflight against the local emulator, where it must pass.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  iamQuery,
  IamQueryError,
  parseRoleArn,
  partitionOf,
  runPreflight,
  trustsSageMaker,
  type PreflightCheck,
  type PreflightClients,
} from "../../helpers/workflow/preflight";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

const SAGEMAKER_TRUST = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "sagemaker.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
};

describe("role ARNs and trust policies", () => {
  it("parses role ARNs with and without a path, and refuses other ARNs", () => {
    expect(parseRoleArn("arn:aws:iam::123456789012:role/SageMakerWorkshopExecutionRole")).toEqual({
      partition: "aws",
      account: "123456789012",
      path: "/",
      name: "SageMakerWorkshopExecutionRole",
    });
    expect(parseRoleArn("arn:aws-cn:iam::123456789012:role/service-role/Exec.Role@x")).toEqual({
      partition: "aws-cn",
      account: "123456789012",
      path: "/service-role/",
      name: "Exec.Role@x",
    });
    expect(parseRoleArn("arn:aws:iam::123456789012:user/alice")).toBeUndefined();
    expect(parseRoleArn("arn:aws:iam::12345:role/short-account")).toBeUndefined();
    expect(parseRoleArn("SageMakerWorkshopExecutionRole")).toBeUndefined();
    expect(parseRoleArn(`arn:aws:iam::123456789012:role/${"r".repeat(65)}`)).toBeUndefined();
  });

  it("knows the partition of a region", () => {
    expect(partitionOf("eu-west-1")).toBe("aws");
    expect(partitionOf("cn-northwest-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
  });

  it("accepts only trust policies that let SageMaker assume the role", () => {
    expect(trustsSageMaker(SAGEMAKER_TRUST)).toBe(true);
    // Lists of services and actions, as IAM also allows.
    expect(
      trustsSageMaker({
        Statement: {
          Effect: "Allow",
          Principal: { Service: ["ec2.amazonaws.com", "sagemaker.amazonaws.com"] },
          Action: ["sts:TagSession", "sts:AssumeRole"],
        },
      }),
    ).toBe(true);
    expect(
      trustsSageMaker({
        Statement: [
          { ...SAGEMAKER_TRUST.Statement[0], Principal: { Service: "ec2.amazonaws.com" } },
        ],
      }),
    ).toBe(false);
    expect(
      trustsSageMaker({ Statement: [{ ...SAGEMAKER_TRUST.Statement[0], Effect: "Deny" }] }),
    ).toBe(false);
    expect(
      trustsSageMaker({
        Statement: [{ ...SAGEMAKER_TRUST.Statement[0], Action: "sts:TagSession" }],
      }),
    ).toBe(false);
    expect(trustsSageMaker(null)).toBe(false);
  });
});

/** An SDK-shaped service error. */
function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

type Handler = (input: Record<string, unknown>) => unknown;

/** A client whose `send` answers by command name; unknown commands fail the test loudly. */
function fakeClient(handlers: Record<string, Handler>): { send: unknown; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const operation = command.constructor.name.replace(/Command$/, "");
      calls.push(operation);
      const handler = handlers[operation];
      if (!handler) throw new Error(`fake client: unexpected ${operation}`);
      return handler(command.input);
    },
  };
}

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SageMakerWorkshopExecutionRole`;

/** A fake AWS account where everything is allowed; `overrides` take permissions away. */
function fakeAws(
  overrides: Partial<
    Record<"s3" | "sagemaker" | "runtime" | "codecommit", Record<string, Handler>>
  > & {
    getRole?: PreflightClients["iam"]["getRole"];
  } = {},
) {
  const objects = new Map<string, string>();
  const s3 = fakeClient({
    HeadBucket: () => ({ BucketRegion: "eu-west-1" }),
    PutObject: (input) => void objects.set(String(input.Key), String(input.Body)),
    ListObjectsV2: (input) => ({
      Contents: [...objects.keys()]
        .filter((key) => key.startsWith(String(input.Prefix)))
        .map((Key) => ({ Key })),
    }),
    GetObject: (input) => ({
      Body: { transformToString: async () => objects.get(String(input.Key)) },
    }),
    DeleteObject: (input) => void objects.delete(String(input.Key)),
    ...overrides.s3,
  });
  const sagemaker = fakeClient({
    ListTrainingJobs: () => ({ TrainingJobSummaries: [] }),
    ...overrides.sagemaker,
  });
  const runtime = fakeClient({
    InvokeEndpoint: (input) => {
      throw awsError(
        "ValidationError",
        `Endpoint ${String(input.EndpointName)} of account ${ACCOUNT} not found.`,
        400,
      );
    },
    ...overrides.runtime,
  });
  const codecommit = fakeClient({
    ListRepositories: () => ({ repositories: [{ repositoryName: "workshop" }] }),
    ...overrides.codecommit,
  });
  const sts = fakeClient({
    GetCallerIdentity: () => ({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice` }),
  });
  const clients = {
    sts: sts.send,
    s3: s3.send,
    sagemaker: sagemaker.send,
    runtime: runtime.send,
    codecommit: codecommit.send,
  };
  const as = <T>(send: unknown) => ({ send }) as unknown as T;
  return {
    objects,
    s3Calls: s3.calls,
    clients: {
      sts: as<PreflightClients["sts"]>(clients.sts),
      s3: as<PreflightClients["s3"]>(clients.s3),
      sagemaker: as<PreflightClients["sagemaker"]>(clients.sagemaker),
      runtime: as<PreflightClients["runtime"]>(clients.runtime),
      codecommit: as<PreflightClients["codecommit"]>(clients.codecommit),
      iam: {
        getRole: overrides.getRole ?? (async () => ({ arn: ROLE, trustPolicy: SAGEMAKER_TRUST })),
      },
      localHealth: async () => undefined,
      localSignedCall: async () => {
        throw new Error("not the local emulator");
      },
    } satisfies PreflightClients,
  };
}

function byName(checks: PreflightCheck[]): Record<string, PreflightCheck> {
  return Object.fromEntries(checks.map((check) => [check.name, check]));
}

const AWS_OPTIONS = {
  region: "eu-west-1",
  bucket: "workshop-bucket",
  prefix: "secure-sagemaker-demo",
  roleArn: ROLE,
};

describe("preflight on a fake AWS account (no network)", () => {
  it("passes when everything is allowed, and leaves no probe object behind", async () => {
    const aws = fakeAws();
    const checks = await runPreflight({ ...AWS_OPTIONS, clients: aws.clients });
    expect(checks.map((check) => [check.name, check.ok])).toEqual([
      ["region", true],
      ["caller identity", true],
      ["bucket", true],
      ["read/write under the prefix", true],
      ["execution role", true],
      ["SageMaker", true],
      ["SageMaker Runtime", true],
      ["CodeCommit", true],
    ]);
    expect(aws.objects.size).toBe(0);
    expect(aws.s3Calls).toEqual([
      "HeadBucket",
      "PutObject",
      "ListObjectsV2",
      "GetObject",
      "DeleteObject",
      "ListObjectsV2",
    ]);
    // The role check says honestly what it could not prove.
    expect(byName(checks)["execution role"].detail).toMatch(/iam:PassRole cannot be tested/);
  });

  it("names the missing S3 permission and statement, and still deletes the probe", async () => {
    const denied = () => {
      throw awsError("AccessDenied", "Access Denied", 403);
    };
    for (const [operation, action, statement] of [
      ["PutObject", "s3:PutObject", "WorkshopPrefix"],
      ["GetObject", "s3:GetObject", "WorkshopPrefix"],
      ["ListObjectsV2", "s3:ListBucket", "WorkshopBucket"],
    ] as const) {
      const aws = fakeAws({ s3: { [operation]: denied } });
      const check = byName(await runPreflight({ ...AWS_OPTIONS, clients: aws.clients }))[
        "read/write under the prefix"
      ];
      expect(check.ok).toBe(false);
      expect(check.detail).toContain(`${operation} s3://workshop-bucket/secure-sagemaker-demo/`);
      expect(check.fix).toContain(`Allow ${action}`);
      expect(check.fix).toContain(`"${statement}" of docs/iam/notebook-user-policy.json`);
      expect(aws.objects.size).toBe(0);
    }
  });

  it("says when the bucket is missing, denied, or in another region", async () => {
    const missing = fakeAws({
      s3: {
        HeadBucket: () => {
          throw awsError("NotFound", "UnknownError", 404);
        },
      },
    });
    const missingChecks = byName(await runPreflight({ ...AWS_OPTIONS, clients: missing.clients }));
    expect(missingChecks.bucket).toMatchObject({
      ok: false,
      detail: "s3://workshop-bucket does not exist",
    });
    expect(missingChecks.bucket.fix).toContain("s3:CreateBucket");
    expect(missingChecks["read/write under the prefix"]).toMatchObject({ ok: false });
    expect(missingChecks["read/write under the prefix"].detail).toMatch(/^not checked/);

    const created: unknown[] = [];
    const creatable = fakeAws({
      s3: {
        HeadBucket: () => {
          throw awsError("NotFound", "UnknownError", 404);
        },
        CreateBucket: (input) => void created.push(input),
      },
    });
    const createdChecks = byName(
      await runPreflight({ ...AWS_OPTIONS, createBucket: true, clients: creatable.clients }),
    );
    expect(createdChecks.bucket.ok).toBe(true);
    expect(created).toEqual([
      { Bucket: "workshop-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } },
    ]);

    const denied = fakeAws({
      s3: {
        HeadBucket: () => {
          throw awsError("Forbidden", "UnknownError", 403);
        },
      },
    });
    const deniedCheck = byName(
      await runPreflight({ ...AWS_OPTIONS, clients: denied.clients }),
    ).bucket;
    expect(deniedCheck.ok).toBe(false);
    expect(deniedCheck.fix).toContain("Allow s3:ListBucket on arn:aws:s3:::workshop-bucket");

    const elsewhere = fakeAws({ s3: { HeadBucket: () => ({ BucketRegion: "us-west-2" }) } });
    const elsewhereCheck = byName(
      await runPreflight({ ...AWS_OPTIONS, clients: elsewhere.clients }),
    ).bucket;
    expect(elsewhereCheck.ok).toBe(false);
    expect(elsewhereCheck.detail).toContain("is in us-west-2");
    expect(elsewhereCheck.fix).toContain("--region us-west-2");
  });

  it("names the SageMaker, Runtime and CodeCommit actions that are denied", async () => {
    const aws = fakeAws({
      sagemaker: {
        ListTrainingJobs: () => {
          throw awsError("AccessDeniedException", "User is not authorized", 400);
        },
      },
      runtime: {
        InvokeEndpoint: () => {
          throw awsError(
            "AccessDeniedException",
            "not authorized to perform sagemaker:InvokeEndpoint",
            400,
          );
        },
      },
      codecommit: {
        ListRepositories: () => {
          throw awsError("AccessDeniedException", "not authorized", 400);
        },
      },
    });
    const checks = byName(await runPreflight({ ...AWS_OPTIONS, clients: aws.clients }));
    expect(checks.SageMaker.ok).toBe(false);
    expect(checks.SageMaker.fix).toContain("Allow sagemaker:ListTrainingJobs");
    expect(checks.SageMaker.fix).toContain('"ListAndSearchHaveNoResourceLevelPermissions"');
    expect(checks["SageMaker Runtime"].ok).toBe(false);
    expect(checks["SageMaker Runtime"].fix).toContain("Allow sagemaker:InvokeEndpoint");
    expect(checks.CodeCommit.ok).toBe(false);
    expect(checks.CodeCommit.fix).toContain("Allow codecommit:ListRepositories");
  });

  it("checks the role: given, well-formed, same account and partition, existing, trusting SageMaker", async () => {
    const roleCheck = async (
      roleArn: string | undefined,
      getRole?: PreflightClients["iam"]["getRole"],
      region = "eu-west-1",
    ) =>
      byName(
        await runPreflight({
          ...AWS_OPTIONS,
          region,
          roleArn,
          clients: fakeAws({ getRole }).clients,
        }),
      )["execution role"];

    const none = await roleCheck(undefined);
    expect(none.ok).toBe(false);
    expect(none.fix).toContain("WORKSHOP_ROLE_ARN");
    expect(none.fix).toContain("docs/iam/execution-role-trust-policy.json");

    expect((await roleCheck("SageMakerWorkshopExecutionRole")).detail).toContain(
      "is not an IAM role ARN",
    );
    expect((await roleCheck("arn:aws:iam::999999999999:role/Other")).detail).toContain(
      "belongs to account 999999999999, but you are signed in to 123456789012",
    );
    expect((await roleCheck(ROLE, undefined, "cn-north-1")).detail).toContain("partition aws");

    const missing = await roleCheck(ROLE, async () => {
      throw Object.assign(awsError("NoSuchEntity", "Role not found", 404));
    });
    expect(missing).toMatchObject({
      ok: false,
      detail: `role SageMakerWorkshopExecutionRole does not exist in account ${ACCOUNT}`,
    });
    expect(missing.fix).toContain("docs/iam/execution-role-policy.json");

    const denied = await roleCheck(ROLE, async () => {
      throw awsError("AccessDenied", "not authorized to perform iam:GetRole", 403);
    });
    expect(denied.fix).toContain('Allow iam:GetRole (statement "Preflight"');

    const untrusting = await roleCheck(ROLE, async () => ({
      arn: ROLE,
      trustPolicy: {
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      },
    }));
    expect(untrusting.ok).toBe(false);
    expect(untrusting.fix).toContain("docs/iam/execution-role-trust-policy.json");
  });

  it("refuses a region without the workshop images, and runs nothing without a region", async () => {
    const unknown = byName(
      await runPreflight({ ...AWS_OPTIONS, region: "xx-nowhere-1", clients: fakeAws().clients }),
    ).region;
    expect(unknown.ok).toBe(false);
    expect(unknown.fix).toContain("us-east-1");

    const none = await runPreflight({ prefix: "p", clients: fakeAws().clients });
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ name: "region", ok: false });
    expect(none[0].fix).toContain("AWS_REGION");
  });

  it("explains missing credentials instead of showing a stack", async () => {
    const aws = fakeAws();
    const noCredentials = {
      send: async () => {
        throw Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        });
      },
    } as unknown as PreflightClients["sts"];
    const checks = byName(
      await runPreflight({
        ...AWS_OPTIONS,
        bucket: undefined,
        clients: { ...aws.clients, sts: noCredentials },
      }),
    );
    expect(checks["caller identity"].ok).toBe(false);
    expect(checks["caller identity"].fix).toContain("aws configure");
    // The default bucket name needs the account: the check says so rather than guessing.
    expect(checks.bucket.ok).toBe(false);
    expect(checks.bucket.fix).toContain("--bucket");
  });
});

describe("preflight against the local emulator", () => {
  let aws: TestLocalAws;
  beforeAll(async () => {
    aws = await startTestLocalAws();
  });
  afterAll(() => aws.stop());

  const options = () => ({
    region: aws.clientConfig.region,
    prefix: "secure-sagemaker-demo",
    endpoint: aws.clientConfig.endpoint,
    credentials: aws.clientConfig.credentials,
  });

  it("passes, creating the session's default bucket, and leaves nothing under the prefix", async () => {
    const checks = await runPreflight(options());
    for (const check of checks) expect({ check, ok: check.ok }).toEqual({ check, ok: true });
    expect(checks).toHaveLength(8);
    const checksByName = byName(checks);
    expect(checksByName["caller identity"].detail).toContain("account 000000000000");
    expect(checksByName["caller identity"].detail).toContain("STS is not emulated");
    expect(checksByName.bucket.detail).toContain("sagemaker-us-east-1-000000000000");
    const left = await aws.s3.send(
      new ListObjectsV2Command({
        Bucket: "sagemaker-us-east-1-000000000000",
        Prefix: "secure-sagemaker-demo/",
      }),
    );
    expect(left.KeyCount ?? 0).toBe(0);
    // Twice: the bucket now exists and is reused.
    const again = byName(await runPreflight(options()));
    expect(again.bucket.detail).toContain("exists");
    expect(Object.values(again).every((check) => check.ok)).toBe(true);
  });

  it("checks a given role's shape and account (the emulator has no IAM)", async () => {
    const ok = byName(
      await runPreflight({ ...options(), roleArn: "arn:aws:iam::000000000000:role/Exec" }),
    )["execution role"];
    expect(ok.ok).toBe(true);
    expect(ok.detail).toContain("does not model IAM");
    const foreign = byName(
      await runPreflight({ ...options(), roleArn: "arn:aws:iam::123456789012:role/Exec" }),
    )["execution role"];
    expect(foreign.ok).toBe(false);
  });

  it("fails with the way out when the credentials or the region are not the emulator's", async () => {
    const wrongKeys = byName(
      await runPreflight({
        ...options(),
        credentials: { accessKeyId: "AKIAWRONGWRONGWRONG0", secretAccessKey: "wrong" },
      }),
    );
    expect(wrongKeys["caller identity"].ok).toBe(false);
    expect(wrongKeys["caller identity"].fix).toContain("credentials.json");
    expect(wrongKeys.SageMaker.ok).toBe(false);
    // S3 refuses unknown keys with HTTP 403: still a credentials problem, not a permission.
    for (const name of ["SageMaker", "SageMaker Runtime", "CodeCommit"]) {
      expect({ name, fix: wrongKeys[name].fix }).toEqual({
        name,
        fix: expect.stringMatching(/^The credentials are not valid/),
      });
    }

    const wrongRegion = byName(await runPreflight({ ...options(), region: "eu-west-1" })).region;
    expect(wrongRegion.ok).toBe(false);
    expect(wrongRegion.detail).toContain("serves us-east-1");
  });

  // The emulator serves no IAM, but it verifies every request's SigV4 signature before routing:
  // a correctly signed IAM Query call gets past authentication to "no such service", a wrongly
  // signed one does not. (moto, which serves IAM, does not verify signatures.)
  it("passes signature verification with the right secret, and fails it with a wrong one", async () => {
    const target = {
      endpoint: aws.clientConfig.endpoint,
      credentials: aws.clientConfig.credentials,
    };
    const signed = await iamQuery(target, "GetRole", { RoleName: "Role With Spaces+Plus" }).catch(
      (error: unknown) => error as IamQueryError,
    );
    expect(signed).toBeInstanceOf(IamQueryError);
    expect((signed as IamQueryError).message).toContain("X-Amz-Target");

    const forged = await iamQuery(
      { ...target, credentials: { ...target.credentials, secretAccessKey: "wrong" } },
      "GetRole",
      { RoleName: "Role With Spaces+Plus" },
    ).catch((error: unknown) => error as IamQueryError);
    expect(forged).toBeInstanceOf(IamQueryError);
    expect((forged as IamQueryError).message).not.toContain("X-Amz-Target");
    expect((forged as IamQueryError).message).toMatch(/signature/i);
  });
});

describe("preflight when nothing answers", () => {
  it("says the endpoint is down instead of blaming permissions", async () => {
    // Port 1 on the loopback: closed, so every call is refused at once.
    const checks = byName(
      await runPreflight({
        region: "us-east-1",
        bucket: "b-bucket",
        prefix: "secure-sagemaker-demo",
        roleArn: ROLE,
        endpoint: "http://127.0.0.1:1",
        credentials: { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "secret" },
      }),
    );
    for (const name of [
      "caller identity",
      "bucket",
      "SageMaker",
      "SageMaker Runtime",
      "CodeCommit",
    ]) {
      expect({ name, ok: checks[name].ok }).toEqual({ name, ok: false });
      expect({ name, fix: checks[name].fix }).toEqual({
        name,
        fix: "Nothing answers at http://127.0.0.1:1: start it (`npm run local-aws` for the emulator) or fix --endpoint-url.",
      });
    }
  });
});
