import { existsSync, readFileSync, readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe('README', () => {
  it.each(['test/testing/readme-example.test.ts', 'test/testing/readme-service.test.ts', 'test/support/readme-deadline-example.ts'])(
    'shows %s exactly as it is tested',
    (file) => {
      const source = readFileSync(new URL(file, root), 'utf8');
      expect(readme).toContain(`\`${file}\``);
      expect(readme).toContain('```ts\n' + source + '```');
    },
  );

  it('shows every TypeScript snippet verbatim from a file that npm test type-checks (and, for most, runs)', () => {
    const sources = ['test', 'examples'].flatMap((folder) =>
      readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: 'utf8' })
        .filter((path) => path.endsWith('.ts'))
        .map((path) => readFileSync(new URL(`${folder}/${path}`, root), 'utf8')),
    );
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => code!);
    expect(snippets.length).toBeGreaterThan(8);
    expect(snippets.filter((code) => !sources.some((source) => source.includes(code)))).toEqual([]);
  });

  it('cites only files and folders that exist', () => {
    const cited = new Set<string>();
    for (const [, path] of readme.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)) cited.add(path!);
    for (const [, path] of readme.matchAll(/`((?:\.ci|src|test|bench|examples|mocks|scripts|docs)(?:\/[\w.-]*)*|[\w.-]+\.(?:md|json|sh|ts))`/g)) {
      cited.add(path!);
    }
    for (const [, name] of readme.matchAll(/\b([A-Z][A-Z_]+\.md)\b/g)) cited.add(name!);
    const generated = new Set(['docs/', 'dist/']);
    const missing = [...cited].filter((path) => !generated.has(path) && !existsSync(new URL(path, root)));
    expect(missing).toEqual([]);
    expect(cited.size).toBeGreaterThan(10);
  });
});
