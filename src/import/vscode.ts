// VS Code's mcp.json (.vscode/mcp.json, JSON with comments): `servers` (type stdio | http | sse),
// and `inputs` the editor asks the user for (`${input:id}`; `password: true` ones are secret).
// Here every input is read from a secret of the same name: nobody is asked at deploy time.
import { ENV_FILE, isObject, otherTopLevel, readEntries, type Json } from './entries.js';
import type { ClientConfig, ClientInput } from './model.js';

function readInputs(v: Json | undefined, notes: ClientConfig['notes']): ClientInput[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    notes.push({ at: 'inputs', message: 'not a list: inputs not read' });
    return [];
  }
  const out: ClientInput[] = [];
  v.forEach((x, i) => {
    if (!isObject(x) || typeof x.id !== 'string') {
      notes.push({ at: `inputs[${i}]`, message: 'an input without an id: not read' });
      return;
    }
    for (const k of Object.keys(x))
      if (!['id', 'type', 'description', 'password', 'default', 'options'].includes(k))
        notes.push({ at: `inputs[${i}].${k}`, message: 'unknown key: not imported' });
    out.push({ id: x.id, password: x.password === true, ...(typeof x.description === 'string' && { description: x.description }) });
  });
  return out;
}

export function readVsCode(doc: Record<string, Json>): ClientConfig {
  const notes: ClientConfig['notes'] = [];
  const servers = readEntries(
    doc.servers,
    'servers',
    {
      ignored: {
        envFile: ENV_FILE,
        dev: "VS Code's development mode (watch, debug)",
        gallery: 'VS Code gallery metadata',
        version: 'VS Code gallery metadata',
      },
    },
    notes,
  );
  const inputs = readInputs(doc.inputs, notes);
  otherTopLevel(doc, ['servers', 'inputs'], {}, notes);
  return { format: 'vscode', servers, inputs, notes };
}
