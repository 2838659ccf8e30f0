import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How to get the binary, for the skip message and CI's failure. */
export const INSTALL_HINT =
  'redis-server was not found on PATH: the Redis tests need a real Redis server (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`)';

/** True when `redis-server` can be run here. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether the Redis tests run: `true` with the binary; `false` (and a message saying how to install
 * it) without; and with `CI` set, a missing binary throws, so CI never passes without these tests.
 */
export function redisTestsEnabled(): boolean {
  if (hasRedisServer()) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`${INSTALL_HINT}. CI is set: the Redis tests must run.`);
  console.warn(`Skipping the Redis tests. ${INSTALL_HINT}.`);
  return false;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

/** Resolves when something accepts connections on the port (a Redis `PING` answered), within `ms`. */
async function waitUntilAnswering(port: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`redis-server on port ${String(port)} did not answer within ${String(ms)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A `redis-server` this test process started on 127.0.0.1, without persistence. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Starts it (again, on the same port) and waits until it answers. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: as a crash) and waits for the process to exit. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
}

/** A `redis-server` on a free port of 127.0.0.1 (`--save '' --appendonly no`); `start()` it. */
export async function redisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${String(port)}`,
    async start() {
      await kill();
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitUntilAnswering(port, 10_000);
    },
    kill,
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
  };
}
