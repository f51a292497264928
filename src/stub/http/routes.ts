import type { RequestHandler, Router } from 'express';
import { ApiError } from '../domain/api-error.js';

/** A route the stub serves, e.g. `{ method: 'GET', path: '/api/v1/orders/:id' }`. */
export interface ServedRoute {
  method: string;
  path: string;
}

/** The routes declared on `routers` (their `router.get(…)` etc.), under the prefix they are mounted at. */
export function routesOf(prefix: string, routers: Router[]): ServedRoute[] {
  const routes: ServedRoute[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      if (!layer.route) continue;
      const path = `${prefix}${layer.route.path === '/' ? '' : layer.route.path}` || '/';
      for (const method of new Set(layer.route.stack.map((handler) => handler.method.toUpperCase()))) {
        routes.push({ method, path });
      }
    }
  }
  return routes;
}

/** `/orders/:id/renew` → `/orders/{id}/renew`, as OpenAPI writes path parameters. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** Express matches paths case-insensitively and allows one trailing slash; so does this. */
function pathPattern(path: string): RegExp {
  const escaped = path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}/?$`, 'i');
}

/**
 * 405 with `Allow` for a path the stub serves called with a method it does not serve there
 * (clients expect that, where a 404 would say the path does not exist). HEAD goes with GET.
 */
export function methodNotAllowed(routes: readonly ServedRoute[]): RequestHandler {
  const byPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const entry = byPath.get(route.path) ?? { pattern: pathPattern(route.path), methods: new Set<string>() };
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
    byPath.set(route.path, entry);
  }
  return (req, _res, next) => {
    const allowed = new Set<string>();
    for (const { pattern, methods } of byPath.values()) {
      if (pattern.test(req.path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].join(', ');
    throw new ApiError('method_not_allowed', `${req.method} is not served on ${req.path}; use ${allow}`, { headers: { Allow: allow } });
  };
}
