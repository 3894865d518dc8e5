import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's templates/ folder, found upwards from this file (works from src/ and from dist/src/). */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'layout.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('templates/ folder not found');
}
