import { createClient } from 'resilient-http';
import { createUndiciFetch } from 'resilient-http/undici';

const fetch = createUndiciFetch({ connections: 32 }); // one pool per origin, shared by the clients given it
const billing = createClient('https://billing.internal/', { name: 'billing', fetch });
// at shutdown, once calls have ended
await fetch.close();
// ---- above: the README snippet; below: what it leaves to the reader ----
export { billing };
