/**
 * The local git repository behind the emulated CodeCommit, read with isomorphic-git (a pure
 * JavaScript git implementation, so no git binary is needed).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import git from "isomorphic-git";

export interface GitPerson {
  name: string;
  email: string;
  /** Unix seconds. */
  timestamp: number;
  /** isomorphic-git's offset: minutes *behind* UTC (like Date#getTimezoneOffset; -120 = +0200). */
  timezoneOffset: number;
}

export interface GitCommit {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: GitPerson;
  committer: GitPerson;
}

export class GitRepository {
  private constructor(
    /** Folder containing `.git`. */
    readonly dir: string,
  ) {}

  /** The repository containing `start` (searching upward), or undefined outside any repository. */
  static async find(start: string): Promise<GitRepository | undefined> {
    try {
      const root = await git.findRoot({ fs, filepath: path.resolve(start) });
      return new GitRepository(root);
    } catch {
      return undefined;
    }
  }

  /** CodeCommit's repository name: the repository folder's name. */
  get name(): string {
    return path.basename(this.dir);
  }

  /** A stable UUID for the repository, derived from its path. */
  get id(): string {
    const hex = crypto.createHash("sha1").update(this.dir).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  async currentBranch(): Promise<string | undefined> {
    return (await git.currentBranch({ fs, dir: this.dir, fullname: false })) ?? undefined;
  }

  async listBranches(): Promise<string[]> {
    return git.listBranches({ fs, dir: this.dir });
  }

  /** Commit id a local branch points to, or undefined if there is no such branch. */
  async branchCommit(branch: string): Promise<string | undefined> {
    try {
      return await git.resolveRef({ fs, dir: this.dir, ref: `refs/heads/${branch}` });
    } catch {
      return undefined;
    }
  }

  async headCommit(): Promise<string | undefined> {
    try {
      return await git.resolveRef({ fs, dir: this.dir, ref: "HEAD" });
    } catch {
      return undefined; // no commits yet
    }
  }

  /** The commit with this full id, or undefined if the repository has no such commit. */
  async readCommit(oid: string): Promise<GitCommit | undefined> {
    try {
      const { commit } = await git.readCommit({ fs, dir: this.dir, oid });
      return {
        oid,
        tree: commit.tree,
        parents: commit.parent,
        message: commit.message,
        author: commit.author,
        committer: commit.committer,
      };
    } catch {
      return undefined;
    }
  }

  /** When the repository was created locally (the `.git` folder's birth time). */
  createdAt(): Date {
    const stat = fs.statSync(path.join(this.dir, ".git"));
    return stat.birthtimeMs > 0 ? stat.birthtime : stat.mtime;
  }
}

/** CodeCommit's person date: `"<unix seconds> <±hhmm>"`, the zone as git recorded it. */
export function formatGitDate(person: GitPerson): string {
  const minutesEast = -person.timezoneOffset;
  const sign = minutesEast < 0 ? "-" : "+";
  const abs = Math.abs(minutesEast);
  const zone = `${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  return `${person.timestamp} ${sign}${zone}`;
}
