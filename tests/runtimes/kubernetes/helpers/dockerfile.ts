// A Dockerfile parser for checks without a docker engine: comments, parser directives, line
// continuations, instructions with their flags, exec (JSON) or shell form, stages by FROM.
export interface Instruction {
  keyword: string;
  /** --flag=value options (COPY --from, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>;
  /** What follows the flags, as written. */
  rest: string;
  /** Exec form, when `rest` is a JSON array of strings. */
  exec?: string[];
  line: number;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  directives: Record<string, string>;
  instructions: Instruction[];
  stages: Stage[];
}

export class DockerfileError extends Error {}

function parseExec(rest: string, keyword: string, line: number): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    throw new DockerfileError(`line ${line}: ${keyword}: exec form is not valid JSON: ${rest}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string'))
    throw new DockerfileError(`line ${line}: ${keyword}: exec form must be an array of strings`);
  return parsed;
}

function instruction(text: string, line: number): Instruction {
  const m = /^(\S+)\s*(.*)$/s.exec(text)!;
  const keyword = m[1].toUpperCase();
  let rest = m[2].trim();
  const flags: Record<string, string> = {};
  for (let f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); f && keyword !== 'RUN'; f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[f[1]] = f[2] ?? 'true';
    rest = rest.slice(f[0].length);
  }
  if (keyword === 'HEALTHCHECK' && rest.startsWith('CMD')) {
    const cmd = rest.slice(3).trim();
    return { keyword, flags, rest, exec: parseExec(cmd, 'HEALTHCHECK CMD', line), line };
  }
  const exec = ['RUN', 'CMD', 'ENTRYPOINT', 'VOLUME', 'SHELL'].includes(keyword) ? parseExec(rest, keyword, line) : undefined;
  return { keyword, flags, rest, ...(exec && { exec }), line };
}

export function parseDockerfile(text: string): Dockerfile {
  const directives: Record<string, string> = {};
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let inHeader = true;
  let pending = '';
  let start = 0;
  for (const [i, raw] of lines.entries()) {
    const dir = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(raw);
    if (inHeader && dir) {
      directives[dir[1]] = dir[2];
      continue;
    }
    if (/^\s*#/.test(raw) || (pending === '' && raw.trim() === '')) {
      inHeader = false; // directives only come first, before any comment or blank line
      continue;
    }
    inHeader = false;
    if (pending === '') start = i + 1;
    const continued = /\\\s*$/.test(raw);
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `;
    if (!continued) {
      instructions.push(instruction(pending.trim(), start));
      pending = '';
    }
  }
  if (pending !== '') throw new DockerfileError(`line ${start}: the last instruction ends with a line continuation`);
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.rest);
      if (!m) throw new DockerfileError(`line ${ins.line}: FROM: expected "<image> [AS <name>]"`);
      stages.push({ base: m[1], ...(m[2] && { name: m[2] }), instructions: [] });
    } else if (stages.length === 0 && ins.keyword !== 'ARG') {
      throw new DockerfileError(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    } else {
      stages.at(-1)?.instructions.push(ins);
    }
  }
  return { directives, instructions, stages };
}
