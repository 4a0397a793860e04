/**
 * One process, two copies of the emulator's modules (the notebooks' compiled helpers and these
 * TypeScript sources): the second copy must see the first's emulator and must not take its lock.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { startLocalAws, type LocalAws } from "../../helpers/local";
import { repoRoot } from "../../helpers/paths";

type LocalModule = typeof import("../../helpers/local");

function compiledCopy(): LocalModule {
  // Node's own require, outside jest's module registry: what tslab uses for notebook imports.
  const realProcess = vm.runInThisContext("process") as NodeJS.Process;
  const { createRequire } = realProcess.getBuiltinModule(
    "node:module",
  ) as typeof import("node:module");
  const require = createRequire(path.join(repoRoot(), "notebooks", "notebook.js"));
  return require("@workshop/helpers/local") as LocalModule;
}

describe("an emulator seen from another copy of the modules in the same process", () => {
  let workspace: string;
  let local: LocalAws;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "same-process-"));
    local = await startLocalAws({ workspace, port: 0 });
  });

  afterAll(async () => {
    await local.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("is found without starting a second one", async () => {
    const other = compiledCopy();
    expect(other).not.toBe(await import("../../helpers/local"));
    const attached = await other.attachOrStartLocalAws(workspace);
    expect(attached.attached).toBe(true);
    expect(attached.endpoint).toBe(local.endpoint);
  });

  it("keeps its workspace lock", async () => {
    await expect(compiledCopy().startLocalAws({ workspace, port: 0 })).rejects.toThrow(
      /locked|in use|already/i,
    );
  });
});
