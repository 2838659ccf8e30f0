// Run by test/context/logging.test.ts in a child process (node --import tsx), so that LOG_LEVEL is read
// by a fresh default logger. Calls `<base>ok` (200) and `<base>missing` (404) with the default logger.
import { createClient, withRequestContext } from '../../src/index.js';

const base = process.argv[2];
if (base === undefined) throw new Error('usage: default-logger-child.ts <base-url>');
const client = createClient(base, { name: 'child', retry: false });
await withRequestContext({ requestId: 'child-req' }, async () => {
  await client.get('ok');
  await client.get('missing').catch(() => undefined);
});
