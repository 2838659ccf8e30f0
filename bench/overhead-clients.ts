/** The rows of the overhead table: one `GET /ok` (body parsed) per call, each client built once. */
import { Agent as HttpAgent } from 'node:http';

import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { pino } from 'pino';
import { request as undiciRequest } from 'undici';

import { createClient } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';
import { bareKy, kyWithAttemptFloor, naiveGet, naivePolicy, rawUndiciFetch, undiciFetchForKy } from './contenders.js';

/** One contender of the overhead table. */
export interface OverheadClient {
  readonly name: string;
  /** Builds the client for `baseUrl` and returns one call. */
  make(baseUrl: string): () => Promise<unknown>;
}

/** Keep-alive agents for got and axios, sized for the benchmark's concurrency, so pooling is fair. */
function keepAliveAgent(): HttpAgent {
  return new HttpAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
}

export const UNDICI = 'undici.request';
export const BARE_KY = 'ky (retry 0, timeout off)';
export const KY_FLOOR = 'ky + what an attempt carries (signal, timer, request-ID header)';
export const DEFAULT_CLIENT = 'createClient (defaults, logger false)';
export const UNDICI_CLIENT = 'createClient over createUndiciFetch (defaults, logger false)';

/** Every client of the overhead table, in display order. */
export const OVERHEAD_CLIENTS: readonly OverheadClient[] = [
  {
    name: UNDICI,
    make: (baseUrl) => {
      const url = `${baseUrl}ok`;
      return async () => {
        const { body } = await undiciRequest(url);
        return body.json();
      };
    },
  },
  {
    name: 'global fetch',
    make: (baseUrl) => {
      const url = `${baseUrl}ok`;
      return async (): Promise<unknown> => (await fetch(url)).json();
    },
  },
  { name: 'undici 8 fetch', make: (baseUrl) => () => rawUndiciFetch(`${baseUrl}ok`) },
  {
    name: BARE_KY,
    make: (baseUrl) => {
      const http = bareKy();
      const url = `${baseUrl}ok`;
      return () => http.get(url).json();
    },
  },
  {
    name: KY_FLOOR,
    make: (baseUrl) => {
      const call = kyWithAttemptFloor();
      const url = `${baseUrl}ok`;
      return () => call(url);
    },
  },
  {
    name: 'ky (defaults)',
    make: (baseUrl) => {
      const url = `${baseUrl}ok`;
      return () => ky.get(url).json();
    },
  },
  {
    name: 'got (keep-alive agent)',
    make: (baseUrl) => {
      const http = got.extend({ agent: { http: keepAliveAgent() } });
      const url = `${baseUrl}ok`;
      return () => http.get(url).json();
    },
  },
  {
    name: 'axios (keep-alive agent)',
    make: (baseUrl) => {
      const http = axios.create({ httpAgent: keepAliveAgent() });
      const url = `${baseUrl}ok`;
      return async () => (await http.get(url)).data as unknown;
    },
  },
  {
    name: 'ky + cockatiel (naive)',
    make: (baseUrl) => {
      const http = bareKy();
      const policy = naivePolicy();
      const url = `${baseUrl}ok`;
      return () => naiveGet(policy, http, url);
    },
  },
  {
    name: DEFAULT_CLIENT,
    make: (baseUrl) => {
      const client = createClient(baseUrl, { logger: false });
      return () => client.get('ok');
    },
  },
  {
    name: 'createClient (pino info → /dev/null)',
    make: (baseUrl) => {
      const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
      const client = createClient(baseUrl, { logger });
      return () => client.get('ok');
    },
  },
  {
    name: 'ky over createUndiciFetch',
    make: (baseUrl) => {
      const http = ky.create({ retry: 0, timeout: false, fetch: createUndiciFetch() });
      const url = `${baseUrl}ok`;
      return () => http.get(url).json();
    },
  },
  {
    name: UNDICI_CLIENT,
    make: (baseUrl) => {
      const client = createClient(baseUrl, { logger: false, fetch: createUndiciFetch() });
      return () => client.get('ok');
    },
  },
  {
    name: 'createClient (logger false, undici 8 fetch)',
    make: (baseUrl) => {
      const client = createClient(baseUrl, { logger: false, fetch: undiciFetchForKy });
      return () => client.get('ok');
    },
  },
];

/**
 * The clients the performance goals compare (`npm run bench -- --focus`): with
 * fewer clients per round, each one runs closer in time to bare ky, so the
 * ratio within a round is less exposed to load that comes and goes.
 */
export const FOCUS_CLIENTS: readonly OverheadClient[] = OVERHEAD_CLIENTS.filter((client) =>
  [UNDICI, 'global fetch', BARE_KY, KY_FLOOR, DEFAULT_CLIENT, 'ky over createUndiciFetch', UNDICI_CLIENT].includes(client.name),
);
