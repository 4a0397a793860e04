/**
 * Per-workspace credentials for the local emulator.
 *
 * Generated on first use and kept in `<workspace>/credentials.json` with 0600 permissions: the
 * emulator verifies every request's SigV4 signature against them, so another local user (or a
 * web page making requests to 127.0.0.1) cannot drive it without reading that file.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./state/atomicWrite";

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const CREDENTIALS_FILE = "credentials.json";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.randomBytes(length);
  let out = "";
  for (const byte of bytes) {
    out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** AWS's shapes: a 20-character `AKIA...` key id, a 40-character secret. */
export function generateCredentials(): LocalCredentials {
  return {
    accessKeyId: "AKIA" + randomFrom(BASE32, 16),
    secretAccessKey: crypto
      .randomBytes(30)
      .toString("base64")
      .replace(/\+/g, "A")
      .replace(/\//g, "B"),
  };
}

export function loadOrCreateCredentials(workspace: string): LocalCredentials {
  const file = path.join(workspace, CREDENTIALS_FILE);
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) {
      // Someone widened the permissions (or a copy tool did): narrow them again rather than fail.
      fs.chmodSync(file, 0o600);
    }
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LocalCredentials>;
    if (typeof parsed.accessKeyId !== "string" || typeof parsed.secretAccessKey !== "string") {
      throw new Error(
        `${file} does not hold {accessKeyId, secretAccessKey}; delete it to generate new credentials`,
      );
    }
    return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
  }
  const credentials = generateCredentials();
  writeFileAtomic(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return credentials;
}
