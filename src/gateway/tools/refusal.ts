// A refused tools/call as the JSON-RPC error the client receives: the gateway's code for it, a
// message naming the tool and why, and data with the stable code, the tool and what drifted.
import { RPC_CODES } from '../errors.js';
import type { ToolRefusal } from './tool-policy.js';

export interface RpcErrorObject {
  code: number;
  message: string;
  data: { code: ToolRefusal['code']; server: string; tool: string; changed?: string[] };
}

export function refusalError(r: ToolRefusal, server: string): RpcErrorObject {
  return {
    code: RPC_CODES[r.code],
    message: r.message,
    data: { code: r.code, server, tool: r.tool, ...(r.changed !== undefined && { changed: r.changed }) },
  };
}
