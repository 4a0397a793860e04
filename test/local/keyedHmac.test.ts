/**
 * The signature check's HMAC-SHA256 (two one-shot hashes over prepared pads) against
 * node:crypto's createHmac, for the keys and messages the verifier meets and the edges of RFC 2104.
 */
import { createHmac, randomBytes } from "node:crypto";
import { KeyedHmacSha256, sha256Hex } from "../../helpers/local/server/keyedHmac";

const reference = (key: Buffer, message: string) =>
  createHmac("sha256", key).update(message, "utf8").digest("hex");

describe("KeyedHmacSha256", () => {
  test.each([
    ["a 32-byte signing key", 32],
    ["an empty key", 0],
    ["a key of exactly one block", 64],
    ["a key longer than a block (hashed first)", 100],
  ])("%s matches createHmac", (_name, keyBytes) => {
    const key = randomBytes(keyBytes);
    const hmac = new KeyedHmacSha256(key);
    for (const message of [
      "",
      "AWS4-HMAC-SHA256\n20260304T050607Z\n20260304/us-east-1/sagemaker/aws4_request\n" +
        sha256Hex("canonical"),
      "é ü 中文 🙂 surrogate pairs and multi-byte text",
      "x".repeat(5000), // longer than the prepared room: the buffer grows
      "short again after growing",
    ]) {
      expect(hmac.hex(message)).toBe(reference(key, message));
    }
  });

  test("one instance gives the same answer again (no state leaks between calls)", () => {
    const key = randomBytes(32);
    const hmac = new KeyedHmacSha256(key);
    const first = hmac.hex("the same message");
    hmac.hex("a different and much longer message ".repeat(20));
    expect(hmac.hex("the same message")).toBe(first);
  });

  test("sha256Hex is SHA-256 of strings and bytes", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex(Buffer.from("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
