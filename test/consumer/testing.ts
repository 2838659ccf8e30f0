// The same for resilient-http/testing (test/consumer/tsconfig.testing.json). Its declarations name msw's
// types, and msw's own declarations need the DOM lib (TS2304 on BodyInit, RequestMode… without it), so
// this project adds "DOM", as msw asks of its users. Never run.
import * as kit from 'resilient-http/testing';
import type { MockUpstream, RecordedCall } from 'resilient-http/testing';

const billing: MockUpstream = kit.mockUpstream('https://billing.test/');
export const handlers = [billing.sequence('get', 'invoices/:id', [503, { json: { id: '7' } }]), billing.networkError('post', 'payments')];
export const bodies: readonly unknown[] = billing.calls.map((call: RecordedCall) => call.json ?? call.body);
export const everything: typeof kit = kit;
