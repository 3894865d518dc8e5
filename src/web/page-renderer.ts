import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from './templates-dir.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Server-rendered pages: templates/layout.html wraps a page body from templates/<name>.html.
 * Pages hold no data of their own; their scripts call the scoped JSON API with the session cookie.
 */
@Injectable()
export class PageRenderer {
  private readonly dir = templatesDir();
  private readonly cache = new Map<string, string>();

  private read(name: string): string {
    let t = this.cache.get(name);
    if (t === undefined) {
      t = readFileSync(join(this.dir, name), 'utf8');
      this.cache.set(name, t);
    }
    return t;
  }

  render(page: string, title: string): string {
    const body = this.read(`${page}.html`);
    // A template that is a full document (e.g. the marker workstation) is served as it is.
    if (/^\s*<!doctype html>/i.test(body)) return body;
    return this.read('layout.html').replace('{{title}}', escapeHtml(title)).replace('{{body}}', body);
  }
}
