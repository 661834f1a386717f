import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A route's `@RouteConfig({ bodyLimit })`: its body limit in bytes. */
export interface BodyLimitRouteConfig {
  bodyLimit?: number;
}

/**
 * Lets a route raise (or lower) Fastify's body limit with `@RouteConfig({ bodyLimit })`: Nest passes
 * RouteConfig as the route's `config`, and Fastify honours a route-level `bodyLimit` over the
 * server's (https://fastify.dev/docs/latest/Reference/Routes/#routes-options). Must run before
 * the app registers its routes (before init/listen).
 */
export function installRouteBodyLimits(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const config: unknown = route.config;
      const limit =
        typeof config === 'object' && config !== null ? (config as BodyLimitRouteConfig).bodyLimit : undefined;
      if (typeof limit === 'number' && limit > 0) route.bodyLimit = limit;
    });
}
