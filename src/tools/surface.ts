// A server's tool surface: what agents see of it (each tool's name, what it says it does, what it
// takes, what it returns, its hints), reduced to hashes so it can be stored with a commit, compared
// at run time and shown without the texts. One hash per part, so a change says which part moved.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** A tool as tools/list returns it (the fields we hash; anything else is ignored). */
export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export const SURFACE_PARTS = ['description', 'inputSchema', 'outputSchema', 'annotations'] as const;
export type SurfacePart = (typeof SURFACE_PARTS)[number];

/** `sha256:<hex>` of each part; `description` covers title and description (what the agent reads). */
export type ToolHashes = Record<SurfacePart, string>;

export interface ToolSurface {
  /** Hash over every tool's hashes, sorted by name: equal surfaces, equal hash. */
  hash: string;
  tools: Record<string, ToolHashes>;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function hashTool(t: ListedTool): ToolHashes {
  return {
    description: sha256(canonicalJson({ title: t.title, description: t.description })),
    inputSchema: sha256(canonicalJson(t.inputSchema ?? null)),
    outputSchema: sha256(canonicalJson(t.outputSchema ?? null)),
    annotations: sha256(canonicalJson(t.annotations ?? null)),
  };
}

/** The surface of a tools/list answer. A name listed twice keeps its last entry. */
export function surfaceOf(tools: readonly ListedTool[]): ToolSurface {
  const byName: Record<string, ToolHashes> = {};
  for (const t of tools) byName[t.name] = hashTool(t);
  return surfaceFrom(byName);
}

/** Rebuilds the overall hash from per-tool hashes (a surface read back from state, a filtered one). */
export function surfaceFrom(tools: Record<string, ToolHashes>): ToolSurface {
  const sorted = Object.keys(tools).sort();
  const ordered: Record<string, ToolHashes> = {};
  for (const name of sorted) ordered[name] = tools[name]!;
  return { hash: sha256(canonicalJson(ordered)), tools: ordered };
}
