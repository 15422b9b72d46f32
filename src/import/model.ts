// What `import` reads from an MCP client's config file and what it writes: one entry per server,
// in client terms (command/args/env or url/headers), before it becomes an MCPServer spec.

/** A value as the client wrote it, with its interpolations (`${env:X}`, `${input:id}`) still in. */
export type ClientValue = string;

export interface ClientServer {
  /** The key in the client's file (may not be a DNS label). */
  key: string;
  command?: string;
  args?: ClientValue[];
  env?: Record<string, ClientValue>;
  url?: ClientValue;
  headers?: Record<string, ClientValue>;
  /** The client's `type` / `transport`, as written. */
  type?: string;
  cwd?: string;
  /** false: the client has it switched off. */
  enabled?: boolean;
}

/** Something the file holds that the specs do not carry: said, never dropped in silence. */
export interface ImportNote {
  /** JSON path in the client's file: `mcpServers.github.envFile`. */
  at: string;
  message: string;
}

/** A VS Code input (`${input:id}`): asked of the user by the client; here read from a secret. */
export interface ClientInput {
  id: string;
  description?: string;
  password: boolean;
}

export interface ClientConfig {
  format: ImportFormat;
  servers: ClientServer[];
  inputs: ClientInput[];
  notes: ImportNote[];
}

export type ImportFormat = 'claude-desktop' | 'cursor' | 'vscode' | 'mcphub';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['claude-desktop', 'cursor', 'vscode', 'mcphub'];

/** A secret the written specs read: its value goes to --secrets-dir, never into the repository. */
export interface ImportedSecret {
  name: string;
  /** Known when the client file held it literally; else whoever runs the daemon provides it. */
  value?: string;
  /** Where it came from, for the note (`mcpServers.github.env.GITHUB_TOKEN`). */
  from: string;
}

/** One spec file to write. */
export interface ImportedSpec {
  name: string;
  /** The YAML text of the MCPServer document. */
  text: string;
}

export interface ImportResult {
  format: ImportFormat;
  specs: ImportedSpec[];
  secrets: ImportedSecret[];
  notes: ImportNote[];
}
