/**
 * Summarises the newest `.cpuprofile` in a directory: the top frames by self
 * time, overall and inside this repository's `src/`.
 *
 * Usage: npx tsx bench/profile-summary.ts <dir-or-file> [top=25]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fmt, markdownTable } from './measure.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function newestProfile(target: string): string {
  if (!statSync(target).isDirectory()) return target;
  const files = readdirSync(target)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(target, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${target}`);
  return files[0];
}

const REPO = fileURLToPath(new URL('..', import.meta.url));

function shortUrl(url: string): string {
  const repo = url.indexOf(REPO);
  if (repo !== -1) return url.slice(repo + REPO.length);
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules);
  return url === '' ? '(native)' : url.replace(/^node:/, 'node:');
}

const [target, topArg = '25'] = process.argv.slice(2);
if (target === undefined) throw new Error('usage: profile-summary.ts <dir-or-file> [top]');
const file = newestProfile(target);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const delta = profile.timeDeltas[i] ?? 0;
  total += delta;
  if (node === undefined) return;
  const frame = node.callFrame;
  const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + delta);
});

const ranked = [...self.entries()].sort((a, b) => b[1] - a[1]);
const top = Number(topArg);
const rows = (entries: [string, number][]): string[][] =>
  entries.map(([key, us]) => [key, fmt(us / 1000, 1), `${fmt((100 * us) / total, 2)} %`]);
const inSrc = ranked.filter(([key]) => key.includes(' src/'));
const srcTotal = inSrc.reduce((sum, [, us]) => sum + us, 0);

console.log(`profile ${file}: ${fmt(total / 1000)} ms sampled\n`);
console.log(`## top ${top} self-time frames\n`);
console.log(markdownTable(['frame', 'self ms', 'share'], rows(ranked.slice(0, top))));
console.log(`\n## frames in src/ (${fmt((100 * srcTotal) / total, 2)} % of all samples)\n`);
console.log(markdownTable(['frame', 'self ms', 'share'], rows(inSrc.slice(0, top))));
