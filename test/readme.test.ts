import { existsSync, readFileSync, readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
/** The repository, as package.json and the README's links name it. */
const REPOSITORY = 'https://github.com/resilient-http/resilient-http';

describe('README', () => {
  it.each(['test/testing/readme-example.test.ts', 'test/testing/readme-service.test.ts', 'test/support/readme-deadline-example.ts', 'test/support/readme/get-logger.ts'])(
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

  it('links files only by absolute URL, which work from the published package too, to the repository package.json names', () => {
    const relative = [...readme.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)].map(([, path]) => path);
    expect(relative).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      repository: { type: string; url: string };
      homepage: string;
      bugs: { url: string };
    };
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
    expect(readme).toContain(`](${REPOSITORY}/blob/main/examples/service.ts)`);
  });

  it('cites only files and folders that exist', () => {
    const cited = new Set<string>();
    for (const [, path] of readme.matchAll(/\]\((?!https?:|#)([^)\s]+)\)/g)) cited.add(path!);
    for (const [, path] of readme.matchAll(new RegExp(`\\]\\(${REPOSITORY}/(?:blob|tree)/main/([^)#\\s]+)`, 'g'))) cited.add(path!);
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
