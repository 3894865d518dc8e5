import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { join } from 'node:path';
import { WebPages } from './web-pages.js';
import { WebController } from './web.controller.js';
import { webDistDir } from './web-dist.js';

/**
 * The pages: their HTML shells at the page URLs (WebController), their scripts, styles and fonts under /assets.
 * Asset names carry a hash of their content, so a browser may keep them for a year without asking again.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: join(webDistDir(), 'assets'),
      serveRoot: '/assets',
      serveStaticOptions: { index: false, immutable: true, maxAge: '1y' },
    }),
  ],
  controllers: [WebController],
  providers: [WebPages],
})
export class WebModule {}
