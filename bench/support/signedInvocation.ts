/**
 * One InvokeEndpoint request signed once with SigV4, as SageMakerRuntimeClient signs it, to be
 * replayed as is by a load generator. The emulator, like AWS, accepts a signature for 15 minutes
 * around its signing time and keeps no nonce, so replaying one signed request is what a fleet of
 * clients signing each request costs the server (verification is per request either way), minus
 * the client's own signing cost.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { LocalAws } from "../../helpers/local";
import { NodeSha256 } from "../../helpers/local/server/sigv4";

export interface SignedInvocation {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
}

export async function signInvocation(
  aws: Pick<LocalAws, "endpoint" | "credentials" | "region">,
  endpointName: string,
  body: string,
): Promise<SignedInvocation> {
  const url = new URL(aws.endpoint);
  const path = `/endpoints/${encodeURIComponent(endpointName)}/invocations`;
  const signer = new SignatureV4({
    credentials: aws.credentials,
    region: aws.region,
    service: "sagemaker",
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path,
    headers: { host: url.host, "content-type": "text/csv", accept: "text/csv" },
    body,
  });
  return {
    url: `${aws.endpoint}${path}`,
    method: "POST",
    headers: signed.headers as Record<string, string>,
    body,
  };
}
