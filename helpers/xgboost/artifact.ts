/**
 * SageMaker model artifacts: `model.tar.gz` holding one file, `xgboost-model` (spec §4), written
 * and read with the `tar` package (node-tar), entirely in memory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tar from "tar";
import type { Booster } from "./booster";

export const MODEL_FILE_NAME = "xgboost-model";

/** Packs a booster (saved as XGBoost JSON) or ready model bytes into model.tar.gz. */
export async function packModelArtifact(model: Booster | Buffer): Promise<Buffer> {
  const bytes = Buffer.isBuffer(model) ? model : model.saveModel();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xgb-artifact-"));
  try {
    const file = path.join(dir, MODEL_FILE_NAME);
    fs.writeFileSync(file, bytes);
    // Fixed mtime and owner so equal models give equal archives.
    fs.utimesSync(file, new Date(0), new Date(0));
    const chunks: Buffer[] = [];
    const stream = tar.create({ gzip: true, cwd: dir, portable: true, mtime: new Date(0) }, [
      MODEL_FILE_NAME,
    ]);
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Returns the bytes of `xgboost-model` from a model.tar.gz. */
export async function unpackModelArtifact(tarGz: Buffer): Promise<Buffer> {
  const found: Buffer[] = [];
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        const name = entry.path.replace(/^\.\//, "");
        names.push(name);
        if (name === MODEL_FILE_NAME) {
          const parts: Buffer[] = [];
          entry.on("data", (c: Buffer) => parts.push(c));
          entry.on("end", () => found.push(Buffer.concat(parts)));
        } else entry.resume();
      },
    });
    parser.on("error", reject);
    parser.on("end", () => resolve());
    parser.on("close", () => resolve());
    parser.end(tarGz);
  });
  if (found.length === 0) {
    throw new Error(
      `model.tar.gz holds no ${MODEL_FILE_NAME} file (found: ${names.join(", ") || "nothing"}); SageMaker XGBoost artifacts contain a single file named ${MODEL_FILE_NAME}`,
    );
  }
  return found[0];
}
