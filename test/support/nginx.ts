import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { refusedPort } from './real-server.js';

/** Where Debian puts nginx; `nginx` on the PATH otherwise. */
function nginxBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    if (spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

/** Why the nginx tests cannot run here, or `undefined` when they can. Under `CI`, a missing nginx is a failure, not a skip. */
export function nginxMissing(): string | undefined {
  if (nginxBinary() !== undefined) return undefined;
  const message = 'nginx is not installed: `apt-get update && apt-get install -y nginx` (Debian) to run the static-file resume tests';
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`${message} — required under CI`);
  return message;
}

/** A real nginx serving a folder of static files on 127.0.0.1. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** Writes a file under the served folder. */
  put(name: string, data: Buffer): void;
  stop(): Promise<void>;
}

/** Starts nginx (one worker, no daemon) on a free port, serving a fresh temporary folder. */
export async function startNginx(): Promise<StaticServer> {
  const binary = nginxBinary();
  if (binary === undefined) throw new Error('nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'rh-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  const port = await refusedPort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir, name)};`).join('\n  ');
  writeFileSync(join(dir, 'nginx.conf'), `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  types { application/octet-stream bin; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await untilListening(port);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    put: (name, data) => {
      writeFileSync(join(www, name), data);
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function untilListening(port: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

/** A TCP proxy on 127.0.0.1 that cuts chosen connections after some response bytes, as a flaky network would. */
export interface CuttingProxy {
  readonly url: string;
  /** Connections it accepted. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Forwards to `target` on 127.0.0.1; the n-th connection (1-based) is cut
 * after `cutAfter(n)` bytes of the answer, when that is a number.
 */
export async function startCuttingProxy(target: number, cutAfter: (n: number) => number | undefined): Promise<CuttingProxy> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections++;
    const limit = cutAfter(connections);
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    let passed = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (limit !== undefined && passed + chunk.length > limit) {
        client.write(chunk.subarray(0, Math.max(0, limit - passed)), () => {
          client.destroy();
          upstream.destroy();
        });
        passed = limit;
        upstream.pause();
        return;
      }
      passed += chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => { resolve(); });
    }),
  };
}
