/**
 * CodeCommit (JSON 1.1, target prefix `CodeCommit_20150413`) answered from the local git
 * repository the workspace belongs to, so a lab can record the commit its model was trained
 * from exactly as it would on AWS.
 */
import { AwsError, type JsonService, type ServiceContext } from "../context";
import { GitRepository } from "./gitRepository";
import * as operations from "./operations";

export const CODECOMMIT_TARGET_PREFIX = "CodeCommit_20150413";

type Handler = (cc: operations.CodeCommitContext, input: never) => Promise<unknown>;

const HANDLERS: Record<string, Handler> = {
  ListRepositories: operations.listRepositories,
  GetRepository: operations.getRepository,
  ListBranches: operations.listBranches,
  GetBranch: operations.getBranch,
  GetCommit: operations.getCommit,
};

/** @param repoDir the repository (or a folder inside it); defaults to the workspace. */
export function createCodeCommitService(ctx: ServiceContext, repoDir?: string): JsonService {
  let found: Promise<GitRepository | undefined> | undefined;
  return {
    async handle(operation, input) {
      const handler = HANDLERS[operation];
      if (!handler) {
        throw new AwsError(
          "UnknownOperationException",
          `CodeCommit operation ${operation} is not supported by the local emulator (supported: ${Object.keys(HANDLERS).join(", ")})`,
        );
      }
      found ??= GitRepository.find(repoDir ?? ctx.workspace);
      return handler({ ctx, repository: await found }, input as never);
    },
  };
}

export { GitRepository, formatGitDate } from "./gitRepository";
