// The HTTP routes of a running Nest application, read from its module graph (every controller of every module, every
// handler carrying a route method), with the metadata a test may ask of them.
import type { INestApplication } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

export interface AppRoute {
  method: string;
  /** Full path as Nest registers it, e.g. /api/exams/:id/analysis. */
  path: string;
  module: string;
  controller: string;
  handlerName: string;
  handler: (...args: unknown[]) => unknown;
  guards: unknown[];
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

export function appRoutes(app: INestApplication): AppRoute[] {
  const out: AppRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!ctrl) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, ctrl) ?? ''].flat() as string[];
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[];
        for (const b of base)
          for (const p of paths)
            out.push({
              method: RequestMethod[method],
              path: join(b, p),
              module: mod.metatype.name,
              controller: ctrl.name,
              handlerName: name,
              handler: handler as AppRoute['handler'],
              guards: (Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? [],
            });
      }
    }
  }
  return out;
}

/** A route's path with its parameters filled in (unknown ones get 1). */
export function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => String(params[name] ?? 1));
}
