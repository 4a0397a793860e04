/**
 * CodeCommit operations answered from the local git repository, one handler per operation, with
 * the SDK's input/output types and CodeCommit's error codes
 * (https://docs.aws.amazon.com/codecommit/latest/APIReference/API_Operations.html).
 */
import type {
  GetBranchCommandInput,
  GetBranchOutput,
  GetCommitCommandInput,
  GetCommitOutput,
  GetRepositoryCommandInput,
  GetRepositoryOutput,
  ListBranchesCommandInput,
  ListBranchesOutput,
  ListRepositoriesCommandInput,
  ListRepositoriesOutput,
} from "@aws-sdk/client-codecommit";
import { AwsError, type ServiceContext } from "../context";
import { formatGitDate, type GitPerson, type GitRepository } from "./gitRepository";

export interface CodeCommitContext {
  ctx: ServiceContext;
  /** The repository the workspace belongs to; undefined outside a git repository. */
  repository: GitRepository | undefined;
}

const REPOSITORY_NAME = /^[\w.-]{1,100}$/;

function requireRepository(cc: CodeCommitContext, name: unknown): GitRepository {
  if (name === undefined || name === null || name === "") {
    throw new AwsError(
      "RepositoryNameRequiredException",
      "A repository name is required, but was not specified.",
    );
  }
  if (typeof name !== "string" || !REPOSITORY_NAME.test(name) || name.endsWith(".git")) {
    throw new AwsError(
      "InvalidRepositoryNameException",
      "The specified repository name is not valid. Repository names can contain only alphanumeric characters, periods, underscores and hyphens, up to 100 characters, and cannot end in .git.",
    );
  }
  if (!cc.repository || cc.repository.name !== name) {
    throw new AwsError(
      "RepositoryDoesNotExistException",
      `${name} does not exist${cc.repository ? ` (the local emulator serves only the repository of its workspace: ${cc.repository.name})` : " (the emulator's workspace is not inside a git repository)"}`,
    );
  }
  return cc.repository;
}

function person(p: GitPerson): { name: string; email: string; date: string } {
  return { name: p.name, email: p.email, date: formatGitDate(p) };
}

export async function listRepositories(
  cc: CodeCommitContext,
  input: ListRepositoriesCommandInput,
): Promise<ListRepositoriesOutput> {
  if (
    input.sortBy !== undefined &&
    input.sortBy !== "repositoryName" &&
    input.sortBy !== "lastModifiedDate"
  ) {
    throw new AwsError("InvalidSortByException", "The specified sort by value is not valid.");
  }
  if (input.order !== undefined && input.order !== "ascending" && input.order !== "descending") {
    throw new AwsError("InvalidOrderException", "The specified sort order is not valid.");
  }
  if (input.nextToken !== undefined) {
    // One repository fits on the first page; any token continues past the end.
    throw new AwsError(
      "InvalidContinuationTokenException",
      "The specified continuation token is not valid.",
    );
  }
  return {
    repositories: cc.repository
      ? [{ repositoryName: cc.repository.name, repositoryId: cc.repository.id }]
      : [],
  };
}

export async function getRepository(
  cc: CodeCommitContext,
  input: GetRepositoryCommandInput,
): Promise<GetRepositoryOutput> {
  const repository = requireRepository(cc, input.repositoryName);
  const head = await repository.headCommit();
  const headCommit = head ? await repository.readCommit(head) : undefined;
  const created = repository.createdAt();
  const { region, accountId } = cc.ctx;
  return {
    repositoryMetadata: {
      accountId,
      repositoryId: repository.id,
      repositoryName: repository.name,
      defaultBranch: await repository.currentBranch(),
      lastModifiedDate: headCommit ? new Date(headCommit.committer.timestamp * 1000) : created,
      creationDate: created,
      cloneUrlHttp: `https://git-codecommit.${region}.amazonaws.com/v1/repos/${repository.name}`,
      cloneUrlSsh: `ssh://git-codecommit.${region}.amazonaws.com/v1/repos/${repository.name}`,
      Arn: `arn:aws:codecommit:${region}:${accountId}:${repository.name}`,
    },
  };
}

export async function listBranches(
  cc: CodeCommitContext,
  input: ListBranchesCommandInput,
): Promise<ListBranchesOutput> {
  const repository = requireRepository(cc, input.repositoryName);
  return { branches: (await repository.listBranches()).sort() };
}

export async function getBranch(
  cc: CodeCommitContext,
  input: GetBranchCommandInput,
): Promise<GetBranchOutput> {
  const repository = requireRepository(cc, input.repositoryName);
  if (!input.branchName) {
    throw new AwsError(
      "BranchNameRequiredException",
      "A branch name is required, but was not specified.",
    );
  }
  if (
    typeof input.branchName !== "string" ||
    input.branchName.length > 256 ||
    /[\s~^:?*[\\]|\.\.|^\/|\/$/.test(input.branchName)
  ) {
    throw new AwsError("InvalidBranchNameException", "The specified reference name is not valid.");
  }
  const commitId = await repository.branchCommit(input.branchName);
  if (!commitId) {
    throw new AwsError(
      "BranchDoesNotExistException",
      `Could not retrieve information about branch ${input.branchName}. The branch does not exist.`,
    );
  }
  return { branch: { branchName: input.branchName, commitId } };
}

export async function getCommit(
  cc: CodeCommitContext,
  input: GetCommitCommandInput,
): Promise<GetCommitOutput> {
  const repository = requireRepository(cc, input.repositoryName);
  if (input.commitId === undefined || input.commitId === null || input.commitId === "") {
    throw new AwsError(
      "CommitIdRequiredException",
      "A commit ID is required, but was not specified.",
    );
  }
  if (typeof input.commitId !== "string" || !/^[0-9a-f]{40}$/.test(input.commitId)) {
    throw new AwsError("InvalidCommitIdException", "The specified commit ID is not valid.");
  }
  const commit = await repository.readCommit(input.commitId);
  if (!commit) {
    throw new AwsError(
      "CommitIdDoesNotExistException",
      `Could not find commit ${input.commitId} in repository ${repository.name}.`,
    );
  }
  return {
    commit: {
      commitId: commit.oid,
      treeId: commit.tree,
      parents: commit.parents,
      message: commit.message,
      author: person(commit.author),
      committer: person(commit.committer),
      additionalData: "",
    },
  };
}
