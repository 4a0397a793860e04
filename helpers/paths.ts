/** Where the workshop's files are, wherever the helpers run from (sources, build, notebooks). */
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "sagemaker-mlops-workshop-ts";

let cachedRoot: string | undefined;

/**
 * The repository root: the nearest folder above this module whose package.json is the
 * workshop's. Helpers run from `helpers/` (ts-node, jest) and from the compiled copy in
 * `notebooks/node_modules/@workshop/helpers` (notebooks), so a fixed `../..` would be wrong.
 */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, "utf8")).name === PACKAGE_NAME) {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not ours or unreadable: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find the workshop repository (a package.json named ${PACKAGE_NAME}) above ${__dirname}`,
      );
    }
    dir = parent;
  }
}

/** `data/` at the repository root. */
export function dataDir(): string {
  return path.join(repoRoot(), "data");
}
