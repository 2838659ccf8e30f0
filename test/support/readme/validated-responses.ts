import { z } from 'zod';

const Invoice = z.object({ id: z.string(), total: z.number(), issuedAt: z.iso.datetime().transform((s) => new Date(s)) });
const invoice = await billing.get('invoices/{id}', { params: { id }, schema: Invoice }); // { id: string; total: number; issuedAt: Date }
// ---- above: the README snippet; below: what it leaves to the reader ----
import type { Client } from 'resilient-http';

declare const billing: Client;
declare const id: string;
export { invoice };
