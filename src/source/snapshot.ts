// What the git source hands to the pure core: the files of one commit, never a work tree.

export interface SnapshotFile {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  content: Uint8Array;
  /** True for files committed with mode 100755. */
  executable?: boolean;
}

/** Who wrote the commit and what it says, as shown in history (the author's name only, no email). */
export interface CommitInfo {
  author: string;
  /** The first line of the commit message (at most 200 characters). */
  message: string;
}

export interface Snapshot {
  /** Full 40-hex commit SHA. */
  commit: string;
  /** All files under the requested --path at that commit (blobs only; symlinks reported separately). */
  files: SnapshotFile[];
  /** Paths of symlinks under --path: never followed, reported as errors by the loader. */
  symlinks: string[];
  /**
   * The --path the files were read from, normalized (`.` for the root, else e.g. `specs/prod`).
   * Set by GitSource; absent in hand-made snapshots, which then count as the root.
   */
  path?: string;
  /** Author and message of the commit (set by GitSource from the commit it reads anyway). */
  info?: CommitInfo;
}
