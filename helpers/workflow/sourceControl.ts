/**
 * Lab 02 step 13: prove which code produced the model and the endpoint. The commit is looked up
 * through CodeCommit (`GetRepository` for the default branch, `GetBranch` for its head,
 * `GetCommit` for author, date and message) — on AWS the workshop's CodeCommit repository,
 * locally the git repository the workshop runs from — and recorded as trial components of the
 * lab's trial, so the lineage table reaches from source code to the live endpoint.
 */
import {
  GetBranchCommand,
  GetCommitCommand,
  GetRepositoryCommand,
  ListRepositoriesCommand,
} from "@aws-sdk/client-codecommit";
import type { WorkflowContext } from "./context";
import { associateTrialComponent, timestampedName, Tracker } from "./experiments";

export interface CommitInfo {
  repositoryName: string;
  branch: string;
  commitId: string;
  authorName: string;
  authorEmail: string;
  /** Author date as CodeCommit gives it: `<unix seconds> <±hhmm>`. */
  authorDate: string;
  /** The same instant as an ISO timestamp. */
  authorTime: string;
  /** First line of the commit message. */
  summary: string;
}

type CodeCommitContext = Pick<WorkflowContext, "codecommit">;

/** The workshop's repository: the given name, else the only/first one the account lists. */
export async function workshopRepository(
  context: CodeCommitContext,
  name?: string,
): Promise<string> {
  if (name) return name;
  const list = await context.codecommit.send(new ListRepositoriesCommand({}));
  const first = list.repositories?.[0]?.repositoryName;
  if (!first)
    throw new Error(
      "No CodeCommit repository found: create one for the workshop, or pass its name.",
    );
  return first;
}

/** Head commit of `branch` (default: the repository's default branch), with its details. */
export async function headCommit(
  context: CodeCommitContext,
  options: { repositoryName?: string; branch?: string } = {},
): Promise<CommitInfo> {
  const repositoryName = await workshopRepository(context, options.repositoryName);
  let branch = options.branch;
  if (!branch) {
    const repository = await context.codecommit.send(new GetRepositoryCommand({ repositoryName }));
    branch = repository.repositoryMetadata?.defaultBranch;
    if (!branch)
      throw new Error(`Repository ${repositoryName} has no default branch: pass the branch name.`);
  }
  const head = await context.codecommit.send(
    new GetBranchCommand({ repositoryName, branchName: branch }),
  );
  const commitId = head.branch?.commitId;
  if (!commitId) throw new Error(`Branch ${branch} of ${repositoryName} has no commit`);
  return commitDetails(context, repositoryName, branch, commitId);
}

export async function commitDetails(
  context: CodeCommitContext,
  repositoryName: string,
  branch: string,
  commitId: string,
): Promise<CommitInfo> {
  const { commit } = await context.codecommit.send(
    new GetCommitCommand({ repositoryName, commitId }),
  );
  const authorDate = commit?.author?.date ?? "";
  const seconds = Number(authorDate.split(" ")[0]);
  return {
    repositoryName,
    branch,
    commitId,
    authorName: commit?.author?.name ?? "",
    authorEmail: commit?.author?.email ?? "",
    authorDate,
    authorTime: Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : "",
    summary: (commit?.message ?? "").split("\n")[0],
  };
}

/**
 * Records a commit as a trial component (`source-control-lineage` for the training code,
 * `prod-endpoint-lineage` for the deployment, with the endpoint name as an input) and associates
 * it with the trial.
 */
export async function recordCommitLineage(
  context: Pick<WorkflowContext, "sagemaker">,
  options: {
    trialName: string;
    displayName: "source-control-lineage" | "prod-endpoint-lineage";
    commit: CommitInfo;
    endpointName?: string;
    now?: Date;
  },
): Promise<string> {
  const tracker = await Tracker.create(context, {
    displayName: options.displayName,
    name: timestampedName(options.displayName, options.now),
    now: options.now,
  });
  tracker.logParameters({
    commit: options.commit.commitId,
    author: options.commit.authorEmail,
    "commit-date": options.commit.authorTime,
    "commit-message": options.commit.summary,
    repository: options.commit.repositoryName,
    branch: options.commit.branch,
  });
  if (options.endpointName) tracker.logInput("endpoint-name", options.endpointName, "text/plain");
  await tracker.save({ now: options.now });
  await associateTrialComponent(context, tracker.trialComponentName, options.trialName);
  return tracker.trialComponentName;
}
