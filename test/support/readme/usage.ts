import { createClient, UpstreamNotFoundError } from 'resilient-http';

const billing = createClient('https://billing.internal/api/', { name: 'billing' });

export async function findInvoice(id: string): Promise<Invoice | null> {
  try {
    // GET https://billing.internal/api/invoices/<id, percent-encoded>
    return await billing.get<Invoice>('invoices/{id}', { params: { id } });
  } catch (error) {
    if (error instanceof UpstreamNotFoundError) return null;
    throw error; // UpstreamTimeoutError, UpstreamCircuitOpenError, … all extend UpstreamError
  }
}
// ---- above: the README snippet; below: what it leaves to the reader ----
interface Invoice {
  id: string;
  total: number;
}
