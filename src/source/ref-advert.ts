// "Has anything changed?" from the remote's ref advertisement alone (one GET of info/refs): what a
// fetch of a ref would bring, read without the upload-pack round trip, the ref writes and the
// object reads a fetch does even when nothing is new.
import type { ServerRef } from 'isomorphic-git';

export interface Advertised {
  oid: string;
  /** Where the remote's HEAD points (`refs/heads/main`), as a fetch reports it; undefined when not advertised. */
  defaultBranch: string | undefined;
}

/**
 * The advertised oid of `remoteRef` spelled exactly as advertised (`HEAD`, `refs/heads/<b>`); undefined
 * for a name the remote would have to resolve (a short branch or tag name): only a fetch says what that is.
 */
export function advertised(refs: readonly ServerRef[], remoteRef: string): Advertised | undefined {
  const ref = refs.find((r) => r.ref === remoteRef);
  if (!ref) return undefined;
  return { oid: ref.oid, defaultBranch: refs.find((r) => r.ref === 'HEAD')?.target };
}
