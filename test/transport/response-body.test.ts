import { REDACTED } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { BODY_EXCERPT_LIMIT, readFailedBody } from '../../src/transport/response-body.js';

/** A response whose body stream records whether it was cancelled. */
function streamingResponse(chunks: string[], contentType = 'text/plain'): { response: Response; cancel: ReturnType<typeof vi.fn>; pulls: () => number } {
  const cancel = vi.fn();
  let index = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel,
  });
  return { response: new Response(stream, { status: 500, headers: { 'content-type': contentType } }), cancel, pulls: () => index };
}

describe('readFailedBody', () => {
  it('returns a short body whole and reads it to its end', async () => {
    const { response, cancel } = streamingResponse(['{"error":', '"boom"}']);
    await expect(readFailedBody(response)).resolves.toEqual({ excerpt: '{"error":"boom"}', problem: undefined });
    expect(cancel).not.toHaveBeenCalled();
    expect(response.bodyUsed).toBe(true);
  });

  it('bounds the excerpt to 2048 characters plus an ellipsis', async () => {
    const response = new Response('x'.repeat(5000));
    const { excerpt } = await readFailedBody(response);
    expect(BODY_EXCERPT_LIMIT).toBe(2048);
    expect(excerpt).toBe(`${'x'.repeat(2048)}…`);
  });

  it('keeps a body of exactly 2048 characters without an ellipsis', async () => {
    const { excerpt } = await readFailedBody(new Response('y'.repeat(2048)));
    expect(excerpt).toBe('y'.repeat(2048));
  });

  it('parses problem details when the body is application/problem+json, both redacted', async () => {
    const problem = { type: 'about:blank', title: 'Gone', status: 410, token: 'secret-token' };
    const response = new Response(JSON.stringify(problem), { status: 410, headers: { 'content-type': 'application/problem+json' } });
    const body = await readFailedBody(response);
    expect(body.problem).toEqual({ type: 'about:blank', title: 'Gone', status: 410, token: REDACTED });
    expect(body.excerpt).toBe(JSON.stringify({ ...problem, token: REDACTED }));
  });

  it('redacts the whole body before cutting the excerpt, so a secret across the cut is not half kept', async () => {
    const body = `${'x'.repeat(2040)} password=hunter2-and-more`;
    const { excerpt } = await readFailedBody(new Response(body));
    expect(excerpt).not.toContain('hunter2');
    expect(excerpt).not.toContain('hunt');
  });

  it('does not parse problem details from a plain JSON body', async () => {
    const response = new Response('{"title":"x"}', { headers: { 'content-type': 'application/json' } });
    await expect(readFailedBody(response)).resolves.toEqual({ excerpt: '{"title":"x"}', problem: undefined });
  });

  it('returns nothing for an empty or absent body', async () => {
    await expect(readFailedBody(new Response(null, { status: 503 }))).resolves.toEqual({ excerpt: undefined, problem: undefined });
    await expect(readFailedBody(new Response('', { status: 503 }))).resolves.toEqual({ excerpt: undefined, problem: undefined });
  });

  it('cancels a body larger than the read limit instead of reading it all', async () => {
    const chunks = Array.from({ length: 100 }, () => 'z'.repeat(1024));
    const { response, cancel, pulls } = streamingResponse(chunks);
    const body = await readFailedBody(response, 4096);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(pulls()).toBeLessThan(10);
    expect(body.excerpt).toBe(`${'z'.repeat(2048)}…`);
  });

  it('cancels the stream and keeps what it read when the body errors midway', async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Error('socket reset'));
        else controller.enqueue(new TextEncoder().encode('partial'));
        sent = true;
      },
    });
    await expect(readFailedBody(new Response(stream))).resolves.toEqual({ excerpt: 'partial', problem: undefined });
  });
});
