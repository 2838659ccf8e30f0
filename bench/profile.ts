/**
 * A CPU-profile target: hammers `GET /ok` through one client for a few
 * seconds. Run it under the V8 profiler, then summarise the profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/rh-prof --import tsx bench/profile.ts [client] [seconds]
 *   npx tsx bench/profile-summary.ts /tmp/rh-prof
 *
 * `client` is `createClient` (defaults, logger false; the default), `undici`
 * (the same over `createUndiciFetch()`), `ky-undici` (ky over it), `ky`
 * (retry 0, timeout off), `floor` (ky + what an attempt carries) or `naive`
 * (ky + cockatiel), so the profiles can be
 * set side by side.
 */
import ky from 'ky';

import { createClient } from '../src/index.js';
import { createUndiciFetch } from '../src/undici/index.js';
import { bareKy, kyWithAttemptFloor, naiveGet, naivePolicy } from './contenders.js';
import { fmt, runSlice } from './measure.js';
import { startUpstream } from './upstream.js';

const [kind = 'createClient', seconds = '8'] = process.argv.slice(2);

function makeCall(baseUrl: string): () => Promise<unknown> {
  switch (kind) {
    case 'createClient': {
      const client = createClient(baseUrl, { logger: false });
      return () => client.get('ok');
    }
    case 'undici': {
      const client = createClient(baseUrl, { logger: false, fetch: createUndiciFetch() });
      return () => client.get('ok');
    }
    case 'ky-undici': {
      const http = ky.create({ retry: 0, timeout: false, fetch: createUndiciFetch() });
      return () => http.get(`${baseUrl}ok`).json();
    }
    case 'ky': {
      const http = bareKy();
      return () => http.get(`${baseUrl}ok`).json();
    }
    case 'floor': {
      const floor = kyWithAttemptFloor();
      return () => floor(`${baseUrl}ok`);
    }
    case 'naive': {
      const http = bareKy();
      const policy = naivePolicy();
      return () => naiveGet(policy, http, `${baseUrl}ok`);
    }
    default:
      throw new Error(`unknown client "${kind}": createClient, undici, ky-undici, ky, floor or naive`);
  }
}

const upstream = await startUpstream();
try {
  const call = makeCall(upstream.baseUrl);
  await runSlice(call, 16, 500);
  const slice = await runSlice(call, 16, Number(seconds) * 1000);
  console.log(`${kind}: ${fmt(slice.throughput)} req/s over ${seconds} s, ${slice.errors} errors`);
} finally {
  await upstream.close();
}
