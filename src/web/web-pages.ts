import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webDistDir } from './web-dist.js';

/** The built HTML shell of each page (dist/web/<page>.html), read once. They hold no data: the page asks the API. */
@Injectable()
export class WebPages {
  private readonly dir = webDistDir();
  private readonly cache = new Map<string, string>();

  html(page: string): string {
    let html = this.cache.get(page);
    if (html === undefined) {
      try {
        html = readFileSync(join(this.dir, `${page}.html`), 'utf8');
      } catch {
        throw new ServiceUnavailableException('页面尚未构建，请先运行 npm run build');
      }
      this.cache.set(page, html);
    }
    return html;
  }
}
