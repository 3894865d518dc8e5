import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * dist/web, where `vite build --config web/vite.config.ts` puts the pages: found from the repository root, the first
 * folder upwards from this file that holds package.json (works from src/web under ts-jest and from dist/src/web).
 */
export function webDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  throw new Error('package.json not found above src/web: cannot locate dist/web');
}
