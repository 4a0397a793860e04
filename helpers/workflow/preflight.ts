/**
 * `npm run aws:check`: before the first lab on AWS, verify with the current credentials that
 * everything the labs call will answer — who the caller is (STS), the region (one where both
 * workshop images exist), the bucket and read/write access under the workshop's prefix, the
 * execution role, and the services (SageMaker, SageMaker Runtime, CodeCommit). Every check comes
 * back as a `PreflightCheck`; a failed one names what to fix (the IAM action and the statement of
 * docs/iam/notebook-user-policy.json that grants it).
 *
 * What cannot be checked without side effects, and is therefore not claimed:
 * - iam:PassRole. SageMaker has no dry run: the only proof is a Create* call that would start a
 *   job or an endpoint. The role check proves the role exists and trusts SageMaker (IAM GetRole);
 *   the first CreateTrainingJob of lab 01 proves PassRole.
 * - Permissions on the Create* operations themselves, for the same reason.
 *
 * Pointed at the local emulator (`--endpoint-url`, detected by its `GET /_local/health`), the
 * emulator's own facts replace what it does not emulate: STS and IAM. The account comes from the
 * health document and a SigV4-signed call to `/_local/clock` proves the credentials are the
 * workspace's; roles are not modelled there, so only the ARN's shape and account are checked.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import { CodeCommitClient, ListRepositoriesCommand } from "@aws-sdk/client-codecommit";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { ListTrainingJobsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
// The emulator's client-side module only (not helpers/local's index, which loads the emulator).
import { getClock, probeHealth } from "../local/server/localClient";
// For its one side effect: silencing the SDK's Node-version notice, as every workshop client does.
import "./clients";
import { workshopRegions } from "./images";

export interface PreflightCheck {
  /** Short name of what was checked ("caller identity", "bucket", …). */
  name: string;
  ok: boolean;
  /** What was found (on success: what was proven; on failure: what went wrong). */
  detail: string;
  /** On failure: what to change, naming the IAM action and policy statement when relevant. */
  fix?: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PreflightOptions {
  /** The session's region (required: without it no client can be built). */
  region?: string;
  /** Default: `sagemaker-{region}-{account}`, the bucket `openSession` uses. */
  bucket?: string;
  /** The workshop's key prefix (`secure-sagemaker-demo` in the labs). */
  prefix: string;
  /** SageMaker execution role; required on AWS, optional against the local emulator. */
  roleArn?: string;
  /** One endpoint for every service (the local emulator, moto); AWS's own when absent. */
  endpoint?: string;
  /** Explicit credentials; the SDK's default chain (env, profile, SSO, instance role) when absent. */
  credentials?: AwsCredentials;
  /**
   * Create the bucket when it does not exist, as `openSession` does (default: only against the
   * local emulator, whose state is the user's scratch space; on AWS the check reports it instead).
   */
  createBucket?: boolean;
  /** Replaces the clients (tests); anything absent is built from the options above. */
  clients?: Partial<PreflightClients>;
}

/** The role facts the check needs, as IAM GetRole returns them. */
export interface RoleDescription {
  arn: string;
  /** The trust policy (AssumeRolePolicyDocument), parsed. */
  trustPolicy: unknown;
}

/** What the preflight calls; each member is replaceable for tests. */
export interface PreflightClients {
  sts: Pick<STSClient, "send">;
  s3: Pick<S3Client, "send">;
  sagemaker: Pick<SageMakerClient, "send">;
  runtime: Pick<SageMakerRuntimeClient, "send">;
  codecommit: Pick<CodeCommitClient, "send">;
  iam: { getRole(roleName: string): Promise<RoleDescription> };
  /** The local emulator's health document when `endpoint` is one (undefined otherwise). */
  localHealth(): Promise<{ accountId: string; region: string; workspace: string } | undefined>;
  /** A SigV4-signed call to the emulator's local API: resolves when the credentials are accepted. */
  localSignedCall(): Promise<void>;
}

const POLICY = "docs/iam/notebook-user-policy.json";
const TRUST_POLICY = "docs/iam/execution-role-trust-policy.json";
const ROLE_POLICY = "docs/iam/execution-role-policy.json";
/** Resource names of the notebook policy allow `cc-training-job-*` endpoints: probe inside it. */
const RUNTIME_PROBE_PREFIX = "cc-training-job-aws-check-probe";

/** `arn:{partition}:iam::{account}:role/{path/}{name}` (IAM's documented name characters). */
const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

export interface ParsedRoleArn {
  partition: string;
  account: string;
  path: string;
  name: string;
}

export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1], account: match[2], path: `/${match[3]}`, name: match[4] };
}

/** The partition a region belongs to (China regions are their own partition). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * True when a trust policy lets SageMaker assume the role: an Allow statement whose principal
 * service is `sagemaker.amazonaws.com` and whose action covers `sts:AssumeRole`.
 */
export function trustsSageMaker(policy: unknown): boolean {
  const asList = (value: unknown): unknown[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const statements = asList((policy as { Statement?: unknown } | null)?.Statement);
  return statements.some((raw) => {
    const statement = raw as { Effect?: unknown; Principal?: unknown; Action?: unknown };
    if (statement.Effect !== "Allow") return false;
    const principal = statement.Principal as { Service?: unknown } | undefined;
    const services = asList(principal?.Service);
    const actions = asList(statement.Action);
    return (
      services.includes("sagemaker.amazonaws.com") &&
      actions.some((action) => action === "sts:AssumeRole" || action === "sts:*" || action === "*")
    );
  });
}

/** The SDK error's code, HTTP status and message, whatever shape the failure took. */
function describeError(error: unknown): { code: string; status?: number; message: string } {
  const e = error as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  // A socket error from another realm (jest's sandbox) reaches us only as text in the SDK's
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED …": recover its code from there.
  const socketCode = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT)\b/.exec(
    e.message ?? "",
  )?.[1];
  const code =
    e.Code ?? e.code ?? (status === undefined ? socketCode : undefined) ?? e.name ?? "Error";
  // S3's HEAD answers have no body, so the SDK's message is "UnknownError": say the status.
  const message =
    e.message && e.message !== "UnknownError"
      ? e.message.split("\n")[0]
      : `HTTP ${status ?? "?"} without a message`;
  return { code, status, message };
}

/** Answers about the credentials themselves (S3 sends some of them with HTTP 403 too). */
const CREDENTIAL_CODES =
  /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidAccessKeyId|ExpiredToken|ExpiredTokenException|RequestExpired|CredentialsProviderError)$/;

function isAccessDenied(error: unknown): boolean {
  const { code, status } = describeError(error);
  if (CREDENTIAL_CODES.test(code)) return false;
  return (
    /^(AccessDenied|AccessDeniedException|Forbidden|UnauthorizedOperation)$/.test(code) ||
    status === 403
  );
}

const CONNECTION_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|TimeoutError)$/;

/** The fix for a failure that is not a missing permission: credentials, network, or the call. */
function genericFix(error: unknown, endpoint: string | undefined): string | undefined {
  const { code } = describeError(error);
  if (code === "CredentialsProviderError") {
    return (
      "No AWS credentials were found: run `aws configure` or `aws sso login`, or set AWS_PROFILE " +
      "(or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)."
    );
  }
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(code)) {
    return "Your session credentials have expired: refresh them (`aws sso login`, or a new session token).";
  }
  if (
    /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidAccessKeyId)$/.test(
      code,
    )
  ) {
    return "The credentials are not valid for this account/endpoint: check AWS_PROFILE or the access keys.";
  }
  if (CONNECTION_CODES.test(code)) {
    return endpoint
      ? `Nothing answers at ${endpoint}: start it (\`npm run local-aws\` for the emulator) or fix --endpoint-url.`
      : "AWS could not be reached: check the network, proxy settings and the region name.";
  }
  return undefined;
}

/** The fix for a failed call: the IAM action and statement when access was denied. */
function fixFor(
  error: unknown,
  endpoint: string | undefined,
  action: string,
  statement: string,
): string | undefined {
  if (isAccessDenied(error)) {
    return `Allow ${action} for this user/role (statement "${statement}" of ${POLICY}).`;
  }
  return genericFix(error, endpoint);
}

function failure(
  name: string,
  error: unknown,
  endpoint: string | undefined,
  action: string,
  statement: string,
  what: string,
): PreflightCheck {
  const { code, status, message } = describeError(error);
  const fix = fixFor(error, endpoint, action, statement);
  return {
    name,
    ok: false,
    detail: `${what} failed: ${code}${status ? ` (HTTP ${status})` : ""}: ${message}`,
    ...(fix ? { fix } : {}),
  };
}

/** Node's crypto as the SHA-256 the SigV4 signer expects. */
/** What the signer hands to the hash: a key or data in any of these forms. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

class Sha256 {
  private hash: crypto.Hash | crypto.Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = Sha256.create(secret);
  }
  private static create(secret?: SourceData): crypto.Hash | crypto.Hmac {
    if (secret === undefined) return crypto.createHash("sha256");
    const key =
      typeof secret === "string"
        ? Buffer.from(secret, "utf8")
        : ArrayBuffer.isView(secret)
          ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
          : Buffer.from(secret);
    return crypto.createHmac("sha256", key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = Sha256.create(this.secret);
  }
}

/** An IAM Query API error (`<Error><Code>…</Code><Message>…</Message></Error>`). */
export class IamQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
  get $metadata(): { httpStatusCode: number } {
    return { httpStatusCode: this.status };
  }
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!match) return undefined;
  return match[1]
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, "&");
}

/** https://docs.aws.amazon.com/general/latest/gr/iam-service.html */
const IAM_ENDPOINTS: Record<string, { endpoint: string; region: string }> = {
  aws: { endpoint: "https://iam.amazonaws.com", region: "us-east-1" },
  "aws-cn": { endpoint: "https://iam.cn-north-1.amazonaws.com.cn", region: "cn-north-1" },
  "aws-us-gov": { endpoint: "https://iam.us-gov.amazonaws.com", region: "us-gov-west-1" },
};

export interface IamQueryTarget {
  credentials: AwsCredentials;
  /** IAM's endpoint; default: the partition's global IAM endpoint. */
  endpoint?: string;
  /** The role's partition (default `aws`): picks IAM's global endpoint and signing region. */
  partition?: string;
}

/**
 * One call of IAM's Query API (form-encoded POST, SigV4 with service `iam`, XML answer), for
 * the few IAM reads the preflight needs without @aws-sdk/client-iam. Returns the response XML.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 */
export async function iamQuery(
  target: IamQueryTarget,
  action: string,
  parameters: Record<string, string>,
  timeoutMs = 15_000,
): Promise<string> {
  // IAM is global per partition: one endpoint, signed for the partition's home region.
  const home = IAM_ENDPOINTS[target.partition ?? "aws"] ?? IAM_ENDPOINTS.aws;
  const url = new URL(target.endpoint ?? home.endpoint);
  const body = new URLSearchParams({
    Action: action,
    Version: "2010-05-08",
    ...parameters,
  }).toString();
  const signer = new SignatureV4({
    credentials: target.credentials,
    region: home.region,
    service: "iam",
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: {
      host: url.host,
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
    },
    body,
  });
  const transport = url.protocol === "https:" ? https : http;
  const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = transport.request(
      url,
      { method: "POST", headers: signed.headers as Record<string, string>, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    request.on("timeout", () =>
      request.destroy(
        Object.assign(new Error(`IAM ${action} timed out after ${timeoutMs} ms`), {
          code: "ETIMEDOUT",
        }),
      ),
    );
    request.on("error", reject);
    request.end(body);
  });
  if (response.status !== 200) {
    throw new IamQueryError(
      xmlText(response.text, "Code") ?? `HTTP${response.status}`,
      xmlText(response.text, "Message") ?? response.text.slice(0, 200),
      response.status,
    );
  }
  return response.text;
}

/** IAM GetRole through the Query API: the role's ARN and its parsed trust policy. */
export async function getRole(target: IamQueryTarget, roleName: string): Promise<RoleDescription> {
  const xml = await iamQuery(target, "GetRole", { RoleName: roleName });
  const arn = xmlText(xml, "Arn");
  const document = xmlText(xml, "AssumeRolePolicyDocument");
  if (!arn || document === undefined) {
    throw new Error(
      `IAM GetRole answered without the role's Arn or trust policy: ${xml.slice(0, 200)}`,
    );
  }
  // IAM returns the policy document URL-encoded (RFC 3986).
  const decoded = /^\s*[{[]/.test(document) ? document : decodeURIComponent(document);
  return { arn, trustPolicy: JSON.parse(decoded) };
}

interface Resolved {
  region: string;
  endpoint?: string;
  clients: PreflightClients;
  /** Releases the clients this call built. */
  close(): void;
}

function buildClients(options: PreflightOptions, region: string): Resolved {
  const endpoint = options.endpoint;
  const common = {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // A check must answer: an unreachable endpoint fails within seconds instead of hanging.
    requestHandler: { connectionTimeout: 5000, requestTimeout: 20_000 },
    maxAttempts: 2,
  };
  const built: { destroy(): void }[] = [];
  const make = <T extends { destroy(): void }>(client: T): T => {
    built.push(client);
    return client;
  };
  const given = options.clients ?? {};
  const sts = given.sts ?? make(new STSClient(common));
  const credentials = async (): Promise<AwsCredentials> => {
    if (options.credentials) return options.credentials;
    // The same default chain the SDK clients use (env, profile, SSO, instance metadata).
    const provider = (sts as STSClient).config?.credentials;
    if (typeof provider !== "function") {
      throw new Error("No credentials: pass them or let the SDK's default chain find them");
    }
    return provider();
  };
  const clients: PreflightClients = {
    sts,
    s3: given.s3 ?? make(new S3Client({ ...common, forcePathStyle: endpoint !== undefined })),
    sagemaker: given.sagemaker ?? make(new SageMakerClient(common)),
    runtime: given.runtime ?? make(new SageMakerRuntimeClient(common)),
    codecommit: given.codecommit ?? make(new CodeCommitClient(common)),
    iam: given.iam ?? {
      getRole: async (roleName) =>
        getRole(
          { credentials: await credentials(), endpoint, partition: partitionOf(region) },
          roleName,
        ),
    },
    localHealth: given.localHealth ?? (async () => (endpoint ? probeHealth(endpoint) : undefined)),
    localSignedCall:
      given.localSignedCall ??
      (async () => {
        if (!endpoint) throw new Error("No endpoint: the local API exists only on the emulator");
        await getClock({ endpoint, region, credentials: await credentials() });
      }),
  };
  return {
    region,
    endpoint,
    clients,
    close: () => built.forEach((client) => client.destroy()),
  };
}

function checkRegion(region: string, local?: { region: string }): PreflightCheck {
  const name = "region";
  const regions = workshopRegions();
  if (!regions.includes(region)) {
    return {
      name,
      ok: false,
      detail: `${region} is not a region where both workshop images (sagemaker-xgboost 1.7-1 and sagemaker-model-monitor-analyzer) are published`,
      fix: `Use one of: ${regions.join(", ")} (--region or AWS_REGION).`,
    };
  }
  if (local && local.region !== region) {
    return {
      name,
      ok: false,
      detail: `the local emulator serves ${local.region}, not ${region}: ARNs and bucket names would not match the session`,
      fix: `Use --region ${local.region} (or restart the emulator with --region ${region}).`,
    };
  }
  return { name, ok: true, detail: `${region}: both workshop images are published there` };
}

async function checkIdentity(
  resolved: Resolved,
  local: { accountId: string; workspace: string } | undefined,
): Promise<{ check: PreflightCheck; account?: string }> {
  const name = "caller identity";
  const { clients, endpoint } = resolved;
  if (local) {
    try {
      await clients.localSignedCall();
    } catch (error) {
      return {
        check: {
          name,
          ok: false,
          detail: `the local emulator at ${endpoint} refused a signed request: ${describeError(error).message}`,
          fix:
            "Use the workspace's credentials: `npm run local-aws` prints them (export AWS_ACCESS_KEY_ID=…), " +
            `and ${local.workspace}/credentials.json holds them.`,
        },
      };
    }
    return {
      account: local.accountId,
      check: {
        name,
        ok: true,
        detail:
          `local emulator at ${endpoint} (workspace ${local.workspace}), account ${local.accountId}. ` +
          "STS is not emulated: the account comes from GET /_local/health, and a SigV4-signed call " +
          "to /_local/clock proved these credentials are the workspace's.",
      },
    };
  }
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    return {
      account: identity.Account,
      check: { name, ok: true, detail: `${identity.Arn} (account ${identity.Account})` },
    };
  } catch (error) {
    const { code, message } = describeError(error);
    return {
      check: {
        name,
        ok: false,
        detail: `STS GetCallerIdentity failed: ${code}: ${message}`,
        // GetCallerIdentity needs no permission: a failure is always about credentials or network.
        fix:
          genericFix(error, endpoint) ??
          "Check your credentials (AWS_PROFILE, `aws sts get-caller-identity`) and network access to STS.",
      },
    };
  }
}

async function checkBucket(
  resolved: Resolved,
  bucket: string,
  create: boolean,
): Promise<PreflightCheck> {
  const name = "bucket";
  const { clients, region, endpoint } = resolved;
  try {
    const head = await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    // SageMaker reads and writes S3 only in the job's own region.
    if (head.BucketRegion && head.BucketRegion !== region) {
      return {
        name,
        ok: false,
        detail: `s3://${bucket} is in ${head.BucketRegion}, but the session's region is ${region}: SageMaker jobs need the bucket in their region`,
        fix: `Use --region ${head.BucketRegion}, or a bucket in ${region} (--bucket / WORKSHOP_BUCKET).`,
      };
    }
    return {
      name,
      ok: true,
      detail: `s3://${bucket} exists${head.BucketRegion ? ` in ${head.BucketRegion}` : ""} and answers HeadBucket`,
    };
  } catch (error) {
    const { status } = describeError(error);
    if (status === 404 && create) {
      try {
        await clients.s3.send(
          new CreateBucketCommand({
            Bucket: bucket,
            // us-east-1 is S3's default location and must not be named.
            ...(region === "us-east-1"
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" } }),
          }),
        );
      } catch (createError) {
        return failure(
          name,
          createError,
          endpoint,
          "s3:CreateBucket",
          "WorkshopBucket",
          `s3://${bucket} does not exist, and CreateBucket`,
        );
      }
      return {
        name,
        ok: true,
        detail: `s3://${bucket} did not exist; created it in ${region}, as openSession would`,
      };
    }
    if (status === 404) {
      return {
        name,
        ok: false,
        detail: `s3://${bucket} does not exist`,
        fix:
          `Create it (\`aws s3 mb s3://${bucket} --region ${region}\`, or npm run aws:check -- --create-bucket), ` +
          `or let openSession create it: that needs s3:CreateBucket (statement "WorkshopBucket" of ${POLICY}).`,
      };
    }
    if (status === 301) {
      return {
        name,
        ok: false,
        detail: `s3://${bucket} is in another region than ${region}`,
        fix: `Use the bucket's region (--region), or a bucket in ${region}.`,
      };
    }
    if (isAccessDenied(error)) {
      return {
        name,
        ok: false,
        detail: `HeadBucket on s3://${bucket} was denied (it exists, but not for you, or another account owns it)`,
        fix:
          `Allow s3:ListBucket on arn:aws:s3:::${bucket} (statement "WorkshopBucket" of ${POLICY}); ` +
          "if another account owns the name, pick your own bucket with --bucket.",
      };
    }
    return failure(name, error, endpoint, "s3:ListBucket", "WorkshopBucket", "HeadBucket");
  }
}

/** A failed step of the read/write probe: which call, and which permission it needs. */
class ProbeStepError extends Error {
  constructor(
    readonly step: string,
    readonly action: string,
    readonly statement: string,
    readonly error: unknown,
  ) {
    super(step);
  }
}

async function probeStep<T>(
  step: string,
  action: string,
  statement: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new ProbeStepError(step, action, statement, error);
  }
}

async function checkPrefixAccess(
  resolved: Resolved,
  bucket: string,
  prefix: string,
): Promise<PreflightCheck> {
  const name = "read/write under the prefix";
  const { clients, endpoint } = resolved;
  const key = `${prefix.replace(/^\/+|\/+$/g, "")}/.aws-check/probe-${crypto.randomUUID()}.txt`;
  const uri = `s3://${bucket}/${key}`;
  const content = `aws:check probe ${new Date().toISOString()}\n`;
  const listed = async () =>
    (
      await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }))
    ).Contents?.some((object) => object.Key === key) ?? false;
  let written = false;
  let deleted = false;
  try {
    await probeStep("PutObject", "s3:PutObject", "WorkshopPrefix", () =>
      clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: content,
          ContentType: "text/plain",
        }),
      ),
    );
    written = true;
    if (!(await probeStep("ListObjectsV2", "s3:ListBucket", "WorkshopBucket", listed))) {
      return {
        name,
        ok: false,
        detail: `ListObjectsV2 does not show ${uri} right after PutObject`,
        fix: "S3 listings are strongly consistent: check for a proxy or replication rewriting the bucket.",
      };
    }
    const text = await probeStep("GetObject", "s3:GetObject", "WorkshopPrefix", async () => {
      const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return got.Body ? got.Body.transformToString("utf8") : "";
    });
    if (text !== content) {
      return {
        name,
        ok: false,
        detail: `GetObject ${uri} returned different bytes than were written`,
        fix: "Check for a proxy or an S3 Object Lambda rewriting objects in this bucket.",
      };
    }
    await probeStep("DeleteObject", "s3:DeleteObject", "WorkshopPrefix", () =>
      clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    );
    deleted = true;
    if (await probeStep("ListObjectsV2", "s3:ListBucket", "WorkshopBucket", listed)) {
      return {
        name,
        ok: false,
        detail: `${uri} is still listed after DeleteObject`,
        fix: "Check the bucket for S3 Object Lock or a retention policy: the labs' cleanup must delete.",
      };
    }
    return { name, ok: true, detail: `wrote, listed, read back and deleted ${uri}` };
  } catch (caught) {
    if (!(caught instanceof ProbeStepError)) throw caught;
    const result = failure(
      name,
      caught.error,
      endpoint,
      caught.action,
      caught.statement,
      `${caught.step} ${uri}`,
    );
    if (isAccessDenied(caught.error) && caught.statement === "WorkshopPrefix") {
      result.fix =
        `Allow ${caught.action} on arn:aws:s3:::${bucket}/${prefix}/* (statement "WorkshopPrefix" ` +
        `of ${POLICY}; it names the prefix secure-sagemaker-demo: change it there if you use another --prefix).`;
    }
    return result;
  } finally {
    // Leave nothing behind when a step after PutObject failed.
    if (written && !deleted) {
      await clients.s3
        .send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
        .catch(() => undefined);
    }
  }
}

async function checkRole(
  resolved: Resolved,
  roleArn: string | undefined,
  account: string | undefined,
  local: boolean,
): Promise<PreflightCheck> {
  const name = "execution role";
  const { clients, region, endpoint } = resolved;
  if (!roleArn) {
    if (local) {
      return {
        name,
        ok: true,
        detail: `none given: local sessions use a role in the emulator's account${account ? ` ${account}` : ""}, and the emulator does not model IAM`,
      };
    }
    return {
      name,
      ok: false,
      detail: "no execution role given",
      fix:
        `Pass --role-arn or set WORKSHOP_ROLE_ARN. Create the role with ${TRUST_POLICY} as its trust ` +
        `policy and ${ROLE_POLICY} as its permissions.`,
    };
  }
  const parsed = parseRoleArn(roleArn);
  if (!parsed) {
    return {
      name,
      ok: false,
      detail: `${JSON.stringify(roleArn)} is not an IAM role ARN`,
      fix: "Use the role's ARN as IAM shows it: arn:aws:iam::123456789012:role/SageMakerWorkshopExecutionRole.",
    };
  }
  if (parsed.partition !== partitionOf(region)) {
    return {
      name,
      ok: false,
      detail: `the role is in partition ${parsed.partition}, but region ${region} is in ${partitionOf(region)}`,
      fix: `Use a role of the ${partitionOf(region)} partition (arn:${partitionOf(region)}:iam::…).`,
    };
  }
  if (account && parsed.account !== account) {
    return {
      name,
      ok: false,
      detail: `the role belongs to account ${parsed.account}, but you are signed in to ${account}`,
      fix: "SageMaker runs jobs with a role of your own account (iam:PassRole cannot pass another account's role): use one from this account.",
    };
  }
  if (local) {
    return {
      name,
      ok: true,
      detail: `${roleArn} is a well-formed role ARN in the emulator's account; the emulator does not model IAM, so that is all local mode needs`,
    };
  }
  let role: RoleDescription;
  try {
    role = await clients.iam.getRole(parsed.name);
  } catch (error) {
    const { code, message } = describeError(error);
    if (code === "NoSuchEntity") {
      return {
        name,
        ok: false,
        detail: `role ${parsed.name} does not exist in account ${parsed.account}`,
        fix: `Create it with ${TRUST_POLICY} as its trust policy and ${ROLE_POLICY} as its permissions.`,
      };
    }
    return {
      name,
      ok: false,
      detail: `IAM GetRole ${parsed.name} failed: ${code}: ${message}`,
      fix:
        (isAccessDenied(error)
          ? `Allow iam:GetRole (statement "Preflight" of ${POLICY}).`
          : genericFix(error, endpoint)) ?? "Check network access to IAM (iam.amazonaws.com).",
    };
  }
  if (!trustsSageMaker(role.trustPolicy)) {
    return {
      name,
      ok: false,
      detail: `${role.arn} exists, but its trust policy does not let sagemaker.amazonaws.com assume it`,
      fix: `Replace its trust policy with ${TRUST_POLICY}.`,
    };
  }
  return {
    name,
    ok: true,
    detail:
      `${role.arn} exists and trusts sagemaker.amazonaws.com. iam:PassRole cannot be tested ` +
      "without starting a job (SageMaker has no dry run): lab 01's CreateTrainingJob is the proof; " +
      `if it is denied iam:PassRole, add statement "PassOnlyTheExecutionRoleOnlyToSageMaker" of ${POLICY}.`,
  };
}

async function checkSageMaker(resolved: Resolved): Promise<PreflightCheck> {
  const name = "SageMaker";
  try {
    const page = await resolved.clients.sagemaker.send(
      new ListTrainingJobsCommand({ MaxResults: 1 }),
    );
    const some = (page.TrainingJobSummaries ?? []).length > 0;
    return {
      name,
      ok: true,
      detail: `ListTrainingJobs answers (${some ? "training jobs exist" : "no training jobs yet"})`,
    };
  } catch (error) {
    return failure(
      name,
      error,
      resolved.endpoint,
      "sagemaker:ListTrainingJobs",
      "ListAndSearchHaveNoResourceLevelPermissions",
      "ListTrainingJobs",
    );
  }
}

async function checkRuntime(resolved: Resolved): Promise<PreflightCheck> {
  const name = "SageMaker Runtime";
  const probe = `${RUNTIME_PROBE_PREFIX}-${crypto.randomBytes(4).toString("hex")}`;
  try {
    await resolved.clients.runtime.send(
      new InvokeEndpointCommand({ EndpointName: probe, ContentType: "text/csv", Body: "0" }),
    );
    return { name, ok: true, detail: `InvokeEndpoint answers (probe endpoint ${probe})` };
  } catch (error) {
    const { code, message } = describeError(error);
    // The probe endpoint does not exist: AWS (and the emulator) answer "Endpoint … not found.",
    // which proves the service answers and InvokeEndpoint is allowed on cc-training-job-*.
    if (/not found/i.test(message) && !isAccessDenied(error)) {
      return {
        name,
        ok: true,
        detail: `InvokeEndpoint answers (${code}: ${message}, as expected for the probe name)`,
      };
    }
    return failure(
      name,
      error,
      resolved.endpoint,
      "sagemaker:InvokeEndpoint",
      "WorkshopJobsModelsEndpoints",
      `InvokeEndpoint ${probe}`,
    );
  }
}

async function checkCodeCommit(resolved: Resolved): Promise<PreflightCheck> {
  const name = "CodeCommit";
  try {
    const page = await resolved.clients.codecommit.send(new ListRepositoriesCommand({}));
    return {
      name,
      ok: true,
      detail: `ListRepositories answers (${(page.repositories ?? []).length} repositories on the first page)`,
    };
  } catch (error) {
    return failure(
      name,
      error,
      resolved.endpoint,
      "codecommit:ListRepositories",
      "SourceControlLineage",
      "ListRepositories",
    );
  }
}

/**
 * Runs every check and returns them in order: region, caller identity, bucket, read/write under
 * the prefix, execution role, SageMaker, SageMaker Runtime, CodeCommit. Never throws for a
 * failed check; a check that depends on a failed one says so.
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightCheck[]> {
  if (!options.region) {
    return [
      {
        name: "region",
        ok: false,
        detail: "no region is set, so no AWS call can be made (the other checks did not run)",
        fix: `Pass --region or set AWS_REGION; workshop regions: ${workshopRegions().join(", ")}.`,
      },
    ];
  }
  const resolved = buildClients(options, options.region);
  try {
    const checks: PreflightCheck[] = [];
    const local = await resolved.clients.localHealth();
    checks.push(checkRegion(options.region, local));
    const identity = await checkIdentity(resolved, local);
    checks.push(identity.check);

    const bucket =
      options.bucket ??
      // openSession's default: the SageMaker Python SDK's default bucket name.
      (identity.account ? `sagemaker-${options.region}-${identity.account}` : undefined);
    if (bucket) {
      const create = options.createBucket ?? local !== undefined;
      const bucketCheck = await checkBucket(resolved, bucket, create);
      checks.push(bucketCheck);
      checks.push(
        bucketCheck.ok
          ? await checkPrefixAccess(resolved, bucket, options.prefix)
          : {
              name: "read/write under the prefix",
              ok: false,
              detail: `not checked: the bucket check failed (s3://${bucket}/${options.prefix}/)`,
              fix: "Fix the bucket first.",
            },
      );
    } else {
      checks.push({
        name: "bucket",
        ok: false,
        detail:
          "no bucket given and the account is unknown (identity check failed), so the default name cannot be formed",
        fix: "Pass --bucket or set WORKSHOP_BUCKET (or fix the identity check).",
      });
    }
    checks.push(await checkRole(resolved, options.roleArn, identity.account, local !== undefined));
    checks.push(await checkSageMaker(resolved));
    checks.push(await checkRuntime(resolved));
    checks.push(await checkCodeCommit(resolved));
    return checks;
  } finally {
    resolved.close();
  }
}
