/** Starts the upstream server in a child process and talks to its control routes. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Requests the upstream received per route since the last reset. */
export interface UpstreamStats {
  ok: number;
  flaky: number;
  down: number;
  'slow-tail': number;
}

/** A running upstream process. */
export interface Upstream {
  readonly baseUrl: string;
  readonly port: number;
  stats(): Promise<UpstreamStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The node flags that load TypeScript through tsx, resolved from here so any cwd works. */
export const TSX_IMPORT: readonly string[] = ['--import', import.meta.resolve('tsx')];

/** Path of a file beside this one. */
export function benchFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

/** Spawns `bench/upstream-server.ts` and waits for the port it prints. */
export async function startUpstream(): Promise<Upstream> {
  const child = spawn(process.execPath, [...TSX_IMPORT, benchFile('upstream-server.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await readPort(child);
  const baseUrl = `http://127.0.0.1:${port}/`;
  // Control calls use their own connection, outside the pools under test.
  const control = async (path: string): Promise<unknown> => {
    const response = await fetch(new URL(path, baseUrl), { headers: { connection: 'close' } });
    return response.json();
  };
  return {
    baseUrl,
    port,
    stats: async () => (await control('stats')) as UpstreamStats,
    reset: async () => {
      await control('reset');
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.stdin?.end();
      }),
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    if (child.stdout === null) {
      reject(new Error('upstream has no stdout'));
      return;
    }
    const lines = createInterface({ input: child.stdout });
    child.once('exit', (code) => {
      reject(new Error(`upstream exited with code ${String(code)} before printing its port`));
    });
    lines.once('line', (line) => {
      lines.close();
      const port = Number(line.trim());
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`upstream printed "${line}" instead of a port`));
    });
  });
}
