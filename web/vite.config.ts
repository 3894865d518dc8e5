// The pages' front end: one HTML entry per page (multi-page build), Vue 3 + Element Plus + ECharts.
// Built into dist/web, which the API serves (src/web/): the HTML shells at the page URLs, the hashed files under /assets.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import ElementPlus from 'unplugin-element-plus/vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Page URL → HTML entry (see src/web/web-pages.ts, which maps the same URLs to the built files). */
export const PAGES = [
  'index',
  'login',
  'mark',
  'scans',
  'lead',
  'papers',
  'exams',
  'reports',
  'school-report',
  'suggestions',
  'marking-setup',
  'monitor',
  'schools',
  'roster',
  'users',
  'kaowu',
  'rooms',
  'overview',
  'county',
  'jobs',
  'notice',
  'class-report',
  'notices',
];

export default defineConfig({
  root: here('.'),
  base: '/',
  // Each Element Plus component imported by name brings its own stylesheet along. (The plugin's defaultLocale option is
  // not used: with it set, the plugin stops adding the styles. The pages set the zh-CN locale app-wide, src/mount.ts.)
  plugins: [vue(), ElementPlus({})],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // School PCs run Chrome/Edge/360 of the last years; the default target (baseline widely available) fits.
    reportCompressedSize: true,
    rolldownOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, here(`${p}.html`)])),
    },
  },
});
