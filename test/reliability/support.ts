/**
 * Shared by the reliability tests: raw SigV4-signed HTTP over a keep-alive agent (so a test
 * controls every byte, header and signature the emulator sees, and can drive many concurrent
 * connections cheaply), and deploying the hand-written 3-feature model of
 * ../local/runtime.fixtures.ts behind an endpoint with data capture.
 */
import * as http from "node:http";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../helpers/local/server/sigv4";
import { packModelArtifact } from "../local/runtime.fixtures";

export const XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
export const ROLE = "arn:aws:iam::000000000000:role/SageMakerRole";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface SignedRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  path: string;
  /** The signing name: `s3`, `sagemaker`, ... */
  service: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sign with this secret instead of the right one. */
  secret?: string;
  /** Sign as if the client's clock were this far off real time. */
  clockOffsetMs?: number;
  /** Send without any signature. */
  unsigned?: boolean;
  /** Send without Content-Length (HTTP chunked transfer encoding). */
  chunked?: boolean;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A client that signs like the SDKs do but sends with node:http, keeping connections alive. */
export class SignedHttp {
  readonly agent: http.Agent;
  private readonly url: URL;
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    endpoint: string,
    private readonly credentials: Credentials,
    private readonly region: string,
    maxSockets = 8,
  ) {
    this.url = new URL(endpoint);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  private signer(service: string, secret: string): SignatureV4 {
    const id = `${service}\n${secret}`;
    let signer = this.signers.get(id);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: this.credentials.accessKeyId, secretAccessKey: secret },
        region: this.region,
        service,
        sha256: NodeSha256,
        // S3 signs the path as sent; the other services escape it once more (as the SDKs do).
        uriEscapePath: service !== "s3",
        applyChecksum: service === "s3",
      });
      this.signers.set(id, signer);
    }
    return signer;
  }

  async send(request: SignedRequest): Promise<RawResponse> {
    const body = request.body ?? "";
    let headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (!request.unsigned) {
      const questionMark = request.path.indexOf("?");
      const pathname = questionMark < 0 ? request.path : request.path.slice(0, questionMark);
      const query: Record<string, string> = {};
      new URLSearchParams(questionMark < 0 ? "" : request.path.slice(questionMark + 1)).forEach(
        (value, key) => (query[key] = value),
      );
      const signed = await this.signer(
        request.service,
        request.secret ?? this.credentials.secretAccessKey,
      ).sign(
        {
          method: request.method,
          protocol: "http:",
          hostname: this.url.hostname,
          port: Number(this.url.port),
          // As the SDKs do: the wire path, which the signer escapes once more for non-S3 services.
          path: pathname,
          query,
          headers: { host: this.url.host, ...headers },
          body,
        },
        request.clockOffsetMs === undefined
          ? undefined
          : { signingDate: new Date(Date.now() + request.clockOffsetMs) },
      );
      headers = signed.headers as Record<string, string>;
    }
    const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === "content-length");
    if (!hasLength && !request.chunked) headers["content-length"] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: this.url.hostname,
          port: Number(this.url.port),
          method: request.method,
          path: request.path,
          headers,
          agent: this.agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode!,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      if (request.chunked) {
        // A write before end() makes node:http use chunked encoding instead of a length.
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += 1 << 20) {
          outgoing.write(bytes.subarray(at, at + (1 << 20)));
        }
        outgoing.end();
      } else {
        outgoing.end(body);
      }
    });
  }

  /** POST /endpoints/{name}/invocations as SageMakerRuntimeClient sends it. */
  invoke(
    endpoint: string,
    body: string | Buffer,
    headers: Record<string, string> = { "content-type": "text/csv" },
  ): Promise<RawResponse> {
    return this.send({
      method: "POST",
      path: `/endpoints/${encodeURIComponent(endpoint)}/invocations`,
      service: "sagemaker",
      headers,
      body,
    });
  }

  /** A JSON 1.1 call (SageMaker's control plane). */
  json(target: string, body: string | Buffer, service = "sagemaker"): Promise<RawResponse> {
    return this.send({
      method: "POST",
      path: "/",
      service,
      headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" },
      body,
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The error code and message of an AWS error response, whichever protocol encoded it. */
export function awsError(response: RawResponse): { code?: string; message?: string } {
  const text = response.body.toString("utf8");
  if (text.startsWith("<?xml") || text.startsWith("<Error")) {
    return {
      code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
      message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
    };
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const header = response.headers["x-amzn-errortype"];
    return {
      code: (typeof header === "string" ? header : undefined) ?? (parsed.__type as string),
      message: (parsed.message ?? parsed.Message) as string | undefined,
    };
  } catch {
    return {};
  }
}

export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  attempts = 2000,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface TinyEndpointOptions {
  endpoint: string;
  modelBucket: string;
  /** `s3://bucket/prefix` for data capture at 100 %; omitted = no capture. */
  captureUri?: string;
}

/** Uploads the tiny model, creates model, config and endpoint, and waits for InService. */
export async function deployTinyEndpoint(
  clients: { s3: S3Client; sagemaker: SageMakerClient },
  options: TinyEndpointOptions,
): Promise<void> {
  const { s3, sagemaker } = clients;
  const buckets = [options.modelBucket];
  if (options.captureUri) buckets.push(new URL(options.captureUri).host);
  for (const bucket of new Set(buckets)) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: options.modelBucket,
      Key: "tiny/model.tar.gz",
      Body: packModelArtifact(),
    }),
  );
  const model = `${options.endpoint}-model`;
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: model,
      PrimaryContainer: {
        Image: XGBOOST_IMAGE,
        ModelDataUrl: `s3://${options.modelBucket}/tiny/model.tar.gz`,
      },
      ExecutionRoleArn: ROLE,
    }),
  );
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: `${options.endpoint}-config`,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: model,
          InitialInstanceCount: 1,
          InstanceType: "ml.m5.xlarge",
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: options.captureUri
        ? {
            EnableCapture: true,
            InitialSamplingPercentage: 100,
            DestinationS3Uri: options.captureUri,
            CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
            CaptureContentTypeHeader: { CsvContentTypes: ["text/csv"] },
          }
        : undefined,
    }),
  );
  await sagemaker.send(
    new CreateEndpointCommand({
      EndpointName: options.endpoint,
      EndpointConfigName: `${options.endpoint}-config`,
    }),
  );
  await waitInService(sagemaker, options.endpoint);
}

export async function waitInService(sagemaker: SageMakerClient, endpoint: string): Promise<void> {
  const described = await poll(
    () => sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint })),
    (e) => e.EndpointStatus !== "Creating" && e.EndpointStatus !== "Updating",
    `endpoint ${endpoint}`,
  );
  if (described.EndpointStatus !== "InService") {
    throw new Error(`${endpoint} is ${described.EndpointStatus}: ${described.FailureReason}`);
  }
}
