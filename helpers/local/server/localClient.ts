/**
 * Client side of the emulator's `/_local/` API: health probes (unsigned) and clock control
 * (SigV4-signed with the workspace credentials, like any AWS call).
 */
import * as http from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { LocalCredentials } from "../credentials";
import type { ClockDocument, HealthDocument } from "./localApi";
import { NodeSha256 } from "./sigv4";

/** The emulator answered a local API call with an error (its message says what was wrong). */
export class LocalApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "LocalApiError";
  }
}

export interface LocalEndpoint {
  endpoint: string;
  credentials: LocalCredentials;
  region: string;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    request.on("timeout", () =>
      request.destroy(new Error(`${method} ${url.href} timed out after ${timeoutMs} ms`)),
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** GET /_local/health; undefined when nothing (or something else) answers. */
export async function probeHealth(
  endpoint: string,
  timeoutMs = 2000,
): Promise<HealthDocument | undefined> {
  try {
    const response = await send(new URL("/_local/health", endpoint), "GET", {}, "", timeoutMs);
    if (response.status !== 200) return undefined;
    const doc = JSON.parse(response.body) as HealthDocument;
    return doc.service === "local-aws" ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** A signed JSON call to the local API. */
export async function callLocalApi<T>(
  target: LocalEndpoint,
  method: "GET" | "POST",
  path: string,
  input?: unknown,
  timeoutMs = 600_000,
): Promise<T> {
  const url = new URL(path, target.endpoint);
  const body = input === undefined ? "" : JSON.stringify(input);
  const signer = new SignatureV4({
    credentials: target.credentials,
    region: target.region,
    service: "local",
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, "content-type": "application/json" },
    body,
  });
  const response = await send(
    url,
    method,
    signed.headers as Record<string, string>,
    body,
    timeoutMs,
  );
  const parsed = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
  if (response.status !== 200) {
    throw new Error(
      `${method} ${path} failed with ${response.status} ${String(parsed.__type)}: ${String(parsed.message)}`,
    );
  }
  return parsed as T;
}

export function getClock(target: LocalEndpoint): Promise<ClockDocument> {
  return callLocalApi<ClockDocument>(target, "GET", "/_local/clock");
}

export function setClock(
  target: LocalEndpoint,
  iso: string,
): Promise<ClockDocument & { from: string }> {
  return callLocalApi(target, "POST", "/_local/clock", { set: iso });
}

export function advanceClock(
  target: LocalEndpoint,
  duration: string,
): Promise<ClockDocument & { from: string }> {
  return callLocalApi(target, "POST", "/_local/clock", { advance: duration });
}
