// The HTTP route table of a booted app, read from the running server (not from a hand-kept list), so
// a route added tomorrow shows up in every test that walks it.
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { GATEWAY_METADATA, GATEWAY_OPTIONS } from '@nestjs/websockets/constants.js';
import type { FastifyInstance } from 'fastify';

export interface HttpRoute {
  method: string;
  /** Fastify path syntax: `/v1/admin/scripts/:id`. */
  path: string;
}

const BRANCH = /^((?:[│ ] {3})*)(?:├── |└── )(.*)$/u;
const METHODS = /\(([A-Z]+(?:, [A-Z]+)*)\)/;

/**
 * Every route Fastify serves. Fastify has no public "list routes" API besides `printRoutes`; with
 * `commonPrefix: false` each tree node is one route path whose key is the suffix after its parent's
 * path. The parse is checked route by route with `hasRoute`, so a format change fails loudly instead
 * of silently shrinking the list.
 */
export function fastifyRoutes(fastify: FastifyInstance): HttpRoute[] {
  const text = fastify.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: HttpRoute[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const branch = BRANCH.exec(line);
    let rest = line;
    if (branch) {
      const depth = branch[1].length / 4;
      const node = branch[2];
      const cut = node.indexOf(' (');
      const key = cut === -1 ? node : node.slice(0, cut);
      stack.length = depth;
      stack.push(key);
      current = stack.join('');
      rest = cut === -1 ? '' : node.slice(cut);
    }
    const methods = METHODS.exec(rest);
    if (!methods) continue;
    for (const method of methods[1].split(', ')) routes.push({ method, path: current });
  }
  for (const r of routes) {
    if (!fastify.hasRoute({ method: r.method, url: r.path })) {
      throw new Error(`route table parse is off: Fastify does not have ${r.method} ${r.path}`);
    }
  }
  return routes;
}

export interface NestRoute extends HttpRoute {
  controller: string;
  handler: string;
  /** Value of `metadataKey` on the handler or, failing that, its controller. */
  meta: unknown;
}

const joinPath = (...parts: string[]): string =>
  '/' +
  parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');

const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);

/** Every route a Nest controller declares, with one metadata value (e.g. the required admin role). */
export function nestRoutes(app: INestApplication, metadataKey: string): NestRoute[] {
  const reflector = app.get(Reflector);
  const out: NestRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!ctrl) continue;
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (method === undefined || path === undefined) continue;
        const meta = reflector.getAllAndOverride<unknown>(metadataKey, [handler as () => unknown, ctrl]);
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, ctrl))) {
          for (const p of asList(path)) {
            out.push({
              method: RequestMethod[method],
              path: joinPath(base, p),
              controller: ctrl.name,
              handler: name,
              meta,
            });
          }
        }
      }
    }
  }
  return out;
}

/** The upgrade path of every WebSocket gateway (`@WebSocketGateway({ path })`) of the app. */
export function webSocketPaths(app: INestApplication): string[] {
  const paths: string[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.providers.values()) {
      const type = wrapper.metatype;
      if (typeof type !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      const options = Reflect.getMetadata(GATEWAY_OPTIONS, type) as { path?: string } | undefined;
      paths.push(options?.path ?? '/');
    }
  }
  return [...new Set(paths)];
}
