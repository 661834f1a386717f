import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from '@huashu/common';

/**
 * Request counts and latency by method, route pattern (never the raw URL, to bound cardinality)
 * and status, measured from Fastify's hooks. Returns the counter of requests refused before routing.
 */
export function installHttpMetrics(
  fastify: FastifyInstance,
  metrics: MetricsRegistry,
): (method: string, status: number) => void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'huashu_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames,
    registers: [metrics.registry],
  });
  const latency = new Histogram({
    name: 'huashu_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    done();
  });
  // Requests refused before routing (no hook runs for them) are counted by the caller under the
  // `unmatched` route: never the raw URL, so a client cannot mint label values. Their latency is not
  // measured (the parser refuses them before Fastify starts a clock).
  return (method, status) => requests.inc({ method, route: 'unmatched', status: String(status) });
}
