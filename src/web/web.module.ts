import { Module } from '@nestjs/common';
import { PageRenderer } from './page-renderer.js';
import { WebController } from './web.controller.js';

@Module({ controllers: [WebController], providers: [PageRenderer] })
export class WebModule {}
