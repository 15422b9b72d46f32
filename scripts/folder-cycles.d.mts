// Types of folder-cycles.mjs for the tests.
export function folderOf(srcDir: string, file: string): string | undefined;
export function relativeImports(text: string): string[];
export function folderGraph(srcDir: string): Map<string, Set<string>>;
export function pathBetween(graph: Map<string, Set<string>>, start: string, goal: string): string[] | undefined;
export function folderCycles(srcDir: string): string[][];
export const folderCyclesPlugin: { rules: Record<string, unknown> };
