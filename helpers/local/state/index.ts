export { writeFileAtomic, tempPathFor, TEMP_PREFIX } from "./atomicWrite";
export { FileStateStore } from "./fileStateStore";
export {
  WorkspaceLock,
  WorkspaceLockedError,
  isProcessAlive,
  readLockOwner,
  LOCK_FILE,
} from "./workspaceLock";
