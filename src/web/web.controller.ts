import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../common/roles.decorator.js';
import { WebPages } from './web-pages.js';

/**
 * Page shells. They are public because they contain no data: each page's script calls the API, which
 * enforces roles and scopes, and sends the person to /login when the session is missing.
 * `no-cache`: a browser asks again for the shell after a deployment, and so finds the new hashed assets.
 */
@Controller()
export class WebController {
  constructor(@Inject(WebPages) private readonly pages: WebPages) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  home() {
    return this.pages.html('index');
  }

  @Public()
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  login() {
    return this.pages.html('login');
  }

  @Public()
  @Get('mark')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  mark() {
    return this.pages.html('mark');
  }

  @Public()
  @Get('scans')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  scans() {
    return this.pages.html('scans');
  }

  @Public()
  @Get('lead')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  lead() {
    return this.pages.html('lead');
  }

  @Public()
  @Get('papers')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  papers() {
    return this.pages.html('papers');
  }

  @Public()
  @Get('exams')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  exams() {
    return this.pages.html('exams');
  }

  @Public()
  @Get('reports')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  reports() {
    return this.pages.html('reports');
  }

  @Public()
  @Get('suggestions')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  suggestions() {
    return this.pages.html('suggestions');
  }

  @Public()
  @Get('kaowu')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  kaowu() {
    return this.pages.html('kaowu');
  }

  @Public()
  @Get('rooms')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  rooms() {
    return this.pages.html('rooms');
  }
}
