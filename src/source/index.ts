// The git source: what the rest of the daemon imports.
export { checkLocalRepository } from './find-git-dir.js';
export { GitSource, type GitSourceOptions } from './git-source.js';
export { materialize } from './materialize.js';
export type { Snapshot, SnapshotFile } from './snapshot.js';
export { SourceError, isSourceError, type SourceErrorCode } from './source-error.js';
export type { WatchHandle } from './watch-refs.js';
