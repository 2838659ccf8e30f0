// Internals: how much of a failed body is read, and when its stream is cancelled, is not visible through the public API.
import { REDACTED, UpstreamServerError } from 'resilient-http';
import { describe, expect, it, vi } from 'vitest';

import { readFailedBody } from '../../src/transport/response-body.js';

const CALL = { service: 'billing', method: 'GET', url: 'https://billing.test/x' };

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
    await expect(readFailedBody(response)).resolves.toEqual({ text: '{"error":"boom"}', problem: undefined });
    expect(cancel).not.toHaveBeenCalled();
    expect(response.bodyUsed).toBe(true);
  });

  it('keeps the text as read and the problem as parsed: the error they go into redacts them, once', async () => {
    const problem = { type: 'about:blank', title: 'Gone', status: 410, token: 'secret-token' };
    const response = new Response(JSON.stringify(problem), { status: 410, headers: { 'content-type': 'application/problem+json' } });
    const body = await readFailedBody(response);
    expect(body).toEqual({ text: JSON.stringify(problem), problem });
    const error = new UpstreamServerError({ ...CALL, upstreamStatus: 410, responseBody: body.text, problem: body.problem });
    expect(error.problem).toEqual({ type: 'about:blank', title: 'Gone', status: 410, token: REDACTED });
    expect(error.responseBody).toBe(JSON.stringify({ ...problem, token: REDACTED }));
    expect(JSON.stringify(error)).not.toContain('secret-token');
  });
});

describe('a response body entering an UpstreamError', () => {
  it('is cut to 2048 characters plus an ellipsis', () => {
    expect(new UpstreamServerError({ ...CALL, responseBody: 'x'.repeat(5000) }).responseBody).toBe(`${'x'.repeat(2048)}…`);
  });

  it('keeps a body of exactly 2048 characters without an ellipsis', () => {
    expect(new UpstreamServerError({ ...CALL, responseBody: 'y'.repeat(2048) }).responseBody).toBe('y'.repeat(2048));
  });

  it('is redacted whole before it is cut, so a secret across the cut is not half kept', () => {
    const body = `${'x'.repeat(2040)} password=hunter2-and-more`;
    const { responseBody } = new UpstreamServerError({ ...CALL, responseBody: body });
    expect(responseBody).not.toContain('hunt');
    expect(responseBody?.startsWith('x'.repeat(2040))).toBe(true);
  });

  it('is redacted structurally when it is JSON longer than the excerpt, a secret member past the cut included', () => {
    const body = JSON.stringify({ filler: 'f'.repeat(3000), nested: { apiKey: 'k-123' } });
    const error = new UpstreamServerError({ ...CALL, responseBody: body });
    expect(error.responseBody).toHaveLength(2049);
    expect(JSON.stringify(error)).not.toContain('k-123');
  });
});

describe('readFailedBody, bounds', () => {
  it('does not parse problem details from a plain JSON body', async () => {
    const response = new Response('{"title":"x"}', { headers: { 'content-type': 'application/json' } });
    await expect(readFailedBody(response)).resolves.toEqual({ text: '{"title":"x"}', problem: undefined });
  });

  it('returns nothing for an empty or absent body', async () => {
    await expect(readFailedBody(new Response(null, { status: 503 }))).resolves.toEqual({ text: undefined, problem: undefined });
    await expect(readFailedBody(new Response('', { status: 503 }))).resolves.toEqual({ text: undefined, problem: undefined });
  });

  it('cancels a body larger than the read limit instead of reading it all', async () => {
    const chunks = Array.from({ length: 100 }, () => 'z'.repeat(1024));
    const { response, cancel, pulls } = streamingResponse(chunks);
    const body = await readFailedBody(response, 4096);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(pulls()).toBeLessThan(10);
    expect(body.text).toBe('z'.repeat(4096));
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
    await expect(readFailedBody(new Response(stream))).resolves.toEqual({ text: 'partial', problem: undefined });
  });
});
