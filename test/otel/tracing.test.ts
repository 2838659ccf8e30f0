import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { UpstreamNotFoundError, createClient } from 'resilient-http';
import type { ClientOptions } from 'resilient-http';
import { instrumentOpenTelemetry } from 'resilient-http/otel';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { rejectionOf } from '../support/rejection.js';
import { startOtelSdk } from '../support/otel-sdk.js';
import type { OtelSdk } from '../support/otel-sdk.js';
import { answerJson, answerLater, useRealServer } from '../support/real-server.js';

const upstream = useRealServer();
let sdk: OtelSdk;
let uninstrument: () => void;
beforeAll(() => {
  sdk = startOtelSdk();
});
beforeEach(() => {
  uninstrument = instrumentOpenTelemetry();
});
afterEach(() => {
  uninstrument();
  sdk.resetSpans();
});
afterAll(async () => {
  await sdk.shutdown();
});

function client(options: ClientOptions = {}) {
  return createClient(upstream.url, { name: 'catalog', logger: false, retry: { initialDelay: 1, maxDelay: 5 }, ...options });
}

function callSpans(): ReadableSpan[] {
  return sdk.spans().filter((span) => span.kind === SpanKind.INTERNAL);
}

/** The CLIENT spans instrumentation-undici made, in the order they started. */
function attemptSpans(): ReadableSpan[] {
  return sdk
    .spans()
    .filter((span) => span.kind === SpanKind.CLIENT)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

describe('instrumentOpenTelemetry: traces', () => {
  it('makes one call span over three attempt spans, with resend counts and three traceparents in one trace', async () => {
    upstream.handle((_request, response, seen) => {
      if (seen < 3) response.writeHead(503).end();
      else answerJson(response, { ok: true });
    });
    await expect(client().get('products/7')).resolves.toEqual({ ok: true });

    const [call, ...others] = callSpans();
    expect(others).toEqual([]);
    expect(call?.name).toBe('GET catalog');
    expect(call?.attributes).toMatchObject({ service: 'catalog', 'http.request.method': 'GET', 'resilient_http.attempts': 3 });
    expect(call?.attributes['error.type']).toBeUndefined();
    // get() resolves to the body alone, yet the call's span still reads the whole answer's status.
    expect(call?.attributes['http.response.status_code']).toBe(200);
    expect(call?.status.code).toBe(SpanStatusCode.UNSET);

    const attempts = attemptSpans();
    expect(attempts).toHaveLength(3);
    expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    expect(attempts.map((span) => span.attributes['http.response.status_code'])).toEqual([503, 503, 200]);
    const traceId = call?.spanContext().traceId;
    for (const attempt of attempts) {
      expect(attempt.spanContext().traceId).toBe(traceId);
      expect(attempt.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
    }

    // What the upstream saw: each request carries its own attempt span's traceparent.
    const traceparents = upstream.requests.map((request) => request.headers.traceparent);
    expect(new Set(traceparents).size).toBe(3);
    expect(traceparents).toEqual(attempts.map((span) => `00-${traceId}-${span.spanContext().spanId}-01`));
  });

  it('puts hedged attempts side by side under the call span', async () => {
    upstream.handle((_request, response, seen) => {
      if (seen === 1) answerLater(response, 2_000, { from: 'first' });
      else answerJson(response, { from: 'hedge' });
    });
    await expect(client({ hedging: { delay: 30 } }).get('products/7')).resolves.toEqual({ from: 'hedge' });
    // The lost attempt's span ends once its abort lands, a moment after the call answered.
    await vi.waitFor(() => {
      expect(attemptSpans()).toHaveLength(2);
    });

    const [call] = callSpans();
    expect(call?.attributes['resilient_http.attempts']).toBe(2);
    const attempts = attemptSpans();
    expect(attempts.map((span) => span.parentSpanContext?.spanId)).toEqual([call?.spanContext().spanId, call?.spanContext().spanId]);
    expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    // The first request overlapped the hedge: siblings, not a chain.
    const [first, hedge] = attempts;
    expect(first && hedge && first.endTime[0] * 1e9 + first.endTime[1] > hedge.startTime[0] * 1e9 + hedge.startTime[1]).toBe(true);
    expect(new Set(upstream.requests.map((request) => request.headers.traceparent)).size).toBe(2);
  });

  it('marks a failed call span ERROR with the error code as error.type', async () => {
    upstream.handle((_request, response) => response.writeHead(404).end());
    const error = await rejectionOf(client().get('missing'));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);

    const [call] = callSpans();
    expect(call?.status.code).toBe(SpanStatusCode.ERROR);
    expect(call?.attributes).toMatchObject({ 'error.type': 'UPSTREAM_NOT_FOUND', 'resilient_http.attempts': 1 });
    expect(attemptSpans()).toHaveLength(1);
  });

  it('makes the call span a child of the span active when the call is made', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('handle order', async (parent) => {
      await client().get('products/7');
      parent.end();
    });
    const parent = sdk.spans().find((span) => span.name === 'handle order');
    const [call] = callSpans();
    expect(call?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(attemptSpans()[0]?.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
  });

  it('parents a call queued by the bulkhead under its own call span, not the one that freed its slot', async () => {
    upstream.handle((_request, response) => {
      answerLater(response, 50, {});
    });
    const queued = client({ bulkhead: { limit: 1, queue: 1 } });
    const tracer = trace.getTracer('test');
    // Each call is made under a handler span of its own; the second waits in the queue until the first frees its slot.
    const handle = (path: string) =>
      tracer.startActiveSpan(`handle ${path}`, async (span) => {
        await queued.get(path);
        span.end();
      });
    await Promise.all([handle('first'), handle('second')]);

    const attempts = attemptSpans();
    expect(attempts).toHaveLength(2);
    for (const path of ['first', 'second']) {
      const handler = sdk.spans().find((span) => span.name === `handle ${path}`);
      const call = callSpans().find((span) => span.parentSpanContext?.spanId === handler?.spanContext().spanId);
      const attempt = attempts.find((span) => span.attributes['url.path'] === `/${path}`);
      expect(attempt?.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
      expect(attempt?.spanContext().traceId).toBe(handler?.spanContext().traceId);
    }
  });

  it('still makes the call spans without instrumentation-undici', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    sdk.undici.disable();
    try {
      await client().get('products/7');
    } finally {
      sdk.undici.enable();
    }
    expect(callSpans().map((span) => span.name)).toEqual(['GET catalog']);
    expect(attemptSpans()).toEqual([]);
  });

  it('sends to the tracer provider it is given, and stops when undone', async () => {
    upstream.handle((_request, response) => {
      answerJson(response, {});
    });
    uninstrument();
    const exporter = new InMemorySpanExporter();
    const own = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const undo = instrumentOpenTelemetry({ tracerProvider: own });
    await client().request('PURGE', 'cache');
    undo();
    undo();
    await client().get('after');
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.attributes['http.request.method']])).toEqual([['_OTHER catalog', '_OTHER']]);
    expect(callSpans()).toEqual([]);
    await own.shutdown();
  });

  it('refuses a second instrumentation while one is installed, and providers that are not', () => {
    expect(() => instrumentOpenTelemetry()).toThrow(/already instrumented/);
    uninstrument();
    expect(() => instrumentOpenTelemetry({ tracerProvider: {} as never })).toThrow(new TypeError('tracerProvider must be an OpenTelemetry TracerProvider (with getTracer())'));
    expect(() => instrumentOpenTelemetry({ meterProvider: 'global' as never })).toThrow(TypeError);
  });
});
