import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The layers of ../shared/DESIGN.md, outside in: a folder may import only folders of a lower rank (or its own). */
const RANK: Record<string, number> = {
  context: 0,
  events: 0,
  logging: 0,
  errors: 1,
  transport: 2,
  policies: 3,
  client: 4,
  server: 5,
  testing: 6,
  undici: 6,
  otel: 6,
  redis: 6,
  '.': 7,
};

/**
 * The inbound side stands beside the client, not on it: requestContext(), errorHandler() and
 * toErrorResponse() need the errors and the ground floor only, never the outgoing stack.
 */
const NEVER: Record<string, readonly string[]> = {
  server: ['client', 'policies', 'transport'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const top = relative(SRC, file).split('/')[0] ?? '.';
  return top.endsWith('.ts') ? '.' : top;
}

const imports = sourceFiles(SRC).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => {
    const target = resolve(dirname(file), match[1] ?? '').replace(/\.js$/, '.ts');
    return { from: relative(SRC, file), to: relative(SRC, target), fromLayer: layerOf(file), toLayer: layerOf(target) };
  }),
);

/** Every import cycle among the source files, type-only imports included, each as the files on it. */
function importCycles(): string[][] {
  const edges = new Map<string, string[]>();
  for (const edge of imports) edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge.to]);
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at !== -1) {
      cycles.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of edges.keys()) visit(file, []);
  return cycles;
}

describe('the layering of ../shared/DESIGN.md', () => {
  it('has every folder the layering names, and no other', () => {
    const folders = new Set(sourceFiles(SRC).map(layerOf));
    expect([...folders].sort()).toEqual(Object.keys(RANK).sort());
  });

  it('has no relative import that runs upward', () => {
    expect(imports.length).toBeGreaterThan(50);
    const upward = imports.filter((edge) => (RANK[edge.toLayer] ?? 99) > (RANK[edge.fromLayer] ?? -1));
    expect(upward).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(importCycles()).toEqual([]);
  });

  it('keeps the inbound side (src/server) off the outgoing stack', () => {
    expect(imports.filter((edge) => NEVER[edge.fromLayer]?.includes(edge.toLayer) === true)).toEqual([]);
  });

  it('lets nothing outside src/testing import the kit', () => {
    expect(imports.filter((edge) => edge.toLayer === 'testing' && edge.fromLayer !== 'testing')).toEqual([]);
  });

  it('lets nothing outside src/undici import it, or the undici package (an optional peer)', () => {
    expect(imports.filter((edge) => edge.toLayer === 'undici' && edge.fromLayer !== 'undici')).toEqual([]);
    const undiciUsers = sourceFiles(SRC)
      .filter((file) => /from 'undici'/.test(readFileSync(file, 'utf8')))
      .map((file) => layerOf(file));
    expect(new Set(undiciUsers)).toEqual(new Set(['undici']));
  });

  it('lets nothing outside src/otel import it or the OpenTelemetry API (an optional peer)', () => {
    expect(imports.filter((edge) => edge.toLayer === 'otel' && edge.fromLayer !== 'otel')).toEqual([]);
    const apiUsers = sourceFiles(SRC).filter((file) => readFileSync(file, 'utf8').includes("from '@opentelemetry/"));
    expect(apiUsers.length).toBeGreaterThan(0);
    expect(apiUsers.filter((file) => layerOf(file) !== 'otel').map((file) => relative(SRC, file))).toEqual([]);
  });

  it('lets nothing outside src/redis import it, or its optional peers (rate-limiter-flexible, redis, ioredis)', () => {
    expect(imports.filter((edge) => edge.toLayer === 'redis' && edge.fromLayer !== 'redis')).toEqual([]);
    const peerUsers = sourceFiles(SRC).filter((file) => /from '(rate-limiter-flexible|redis|ioredis)'/.test(readFileSync(file, 'utf8')));
    expect(peerUsers.map((file) => layerOf(file))).toEqual(['redis']);
  });

  it('keeps every source file under 300 lines', () => {
    const long = sourceFiles(SRC)
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((entry) => entry.lines > 300);
    expect(long).toEqual([]);
  });

  it('has tests use the public entry points, or say on their first line why they reach into src/', () => {
    const TEST = resolve(SRC, '../test');
    const silent = sourceFiles(TEST)
      .filter((file) => file.endsWith('.test.ts') && /from '(?:\.\.\/)+src\//.test(readFileSync(file, 'utf8')))
      .filter((file) => !readFileSync(file, 'utf8').startsWith('// Internals: '))
      .map((file) => relative(TEST, file));
    expect(silent).toEqual([]);
  });

  it('has tests start their real upstream with useRealServer(), which starts, resets and closes it in one place', () => {
    const TEST = resolve(SRC, '../test');
    const byHand = sourceFiles(TEST)
      .filter((file) => file.endsWith('.test.ts') && /\bstartRealServer\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(TEST, file));
    expect(byHand).toEqual([]);
  });
});
