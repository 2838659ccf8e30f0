import { Agent as Agent8 } from 'undici';
import { Agent as Agent7 } from 'undici7';

/**
 * The undici `Agent` class whose dispatchers the transport under test can use.
 * `createUndiciFetch` dispatches with undici's current handler API, so any
 * undici 7 or 8 dispatcher works. The global fetch is the undici that Node
 * bundles (`process.versions.undici`: 7 on Node 24), and undici 8's
 * dispatchers reject its older handlers ("invalid onRequestStart method"):
 * it gets undici 7's, which accept both (devDependency `undici7`).
 */
export const Agent: typeof Agent8 =
  process.env.RESILIENT_HTTP_TRANSPORT === 'undici' || Number(process.versions.undici?.split('.')[0]) >= 8
    ? Agent8
    : (Agent7 as unknown as typeof Agent8);
