/**
 * One writing process per workspace: `<workspace>/emulator.lock` holds the owner's pid.
 *
 * The lock is created with O_EXCL so two starters cannot both win. A lock whose pid no longer
 * runs (the owner crashed or was killed with SIGKILL) is stale and is taken over.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { processWide } from "../processWide";

export const LOCK_FILE = "emulator.lock";

interface LockContent {
  pid: number;
  acquiredAt: string;
}

/** Locks held by this process, so a second emulator in the same process is refused too. */
const heldInProcess = processWide("heldWorkspaceLocks", () => new Set<string>());

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLockOwner(workspace: string): number | undefined {
  try {
    const content = JSON.parse(
      fs.readFileSync(path.join(workspace, LOCK_FILE), "utf8"),
    ) as LockContent;
    return typeof content.pid === "number" ? content.pid : undefined;
  } catch {
    return undefined;
  }
}

export class WorkspaceLockedError extends Error {
  constructor(
    readonly workspace: string,
    readonly ownerPid: number,
  ) {
    super(
      `Workspace ${workspace} is already used by a local AWS emulator in process ${ownerPid}. ` +
        `Attach to it (attachOrStartLocalAws) or stop that process first.`,
    );
    this.name = "WorkspaceLockedError";
  }
}

export class WorkspaceLock {
  private released = false;

  private constructor(readonly file: string) {}

  /** Takes the workspace lock; throws WorkspaceLockedError if a live process holds it. */
  static acquire(workspace: string): WorkspaceLock {
    const file = path.resolve(workspace, LOCK_FILE);
    if (heldInProcess.has(file)) {
      throw new WorkspaceLockedError(workspace, process.pid);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const content: LockContent = { pid: process.pid, acquiredAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(content) + "\n", { flag: "wx" });
        heldInProcess.add(file);
        return new WorkspaceLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw error;
        }
      }
      const owner = readLockOwner(workspace);
      if (owner !== undefined && owner !== process.pid && isProcessAlive(owner)) {
        throw new WorkspaceLockedError(workspace, owner);
      }
      // Stale (dead owner, unreadable, or a previous run of this very pid that did not release):
      // remove it and retry the exclusive create, so a concurrent starter still cannot double-win.
      fs.rmSync(file, { force: true });
    }
    throw new Error(`Could not acquire ${file}: another process keeps re-creating it`);
  }

  release(): void {
    if (this.released) {
      return;
    }
    this.released = true;
    heldInProcess.delete(this.file);
    try {
      const content = JSON.parse(fs.readFileSync(this.file, "utf8")) as LockContent;
      if (content.pid === process.pid) {
        fs.rmSync(this.file, { force: true });
      }
    } catch {
      // Already gone: nothing to release.
    }
  }
}
