import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../common/roles.decorator.js';
import { WebPages } from './web-pages.js';

/** The tab icon: 统 on the product's blue, as SVG (every browser the schools use draws it; no binary to keep). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#409eff"/>' +
  '<text x="32" y="46" font-size="40" text-anchor="middle" fill="#fff" font-family="Noto Sans SC,Microsoft YaHei,sans-serif">统</text></svg>';

/**
 * Page shells. They are public because they contain no data: each page's script calls the API, which
 * enforces roles and scopes, and sends the person to /login when the session is missing.
 * `no-cache`: a browser asks again for the shell after a deployment, and so finds the new hashed assets.
 */
/** The pages' HTML shells: not part of the API document (ApiExcludeController). */
@ApiExcludeController()
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

  /** 班级报告 for teachers (the API checks each class against the teacher's grants). */
  @Public()
  @Get('class-report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  classReport() {
    return this.pages.html('class-report');
  }

  /** 学生成绩通知单: the admin and principals make codes and print each class's notices (the API checks scope). */
  @Public()
  @Get('notices')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  notices() {
    return this.pages.html('notices');
  }

  /** 成绩通知查询: a student or parent opens their notice with the personal code (no account). */
  @Public()
  @Get('notice')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  notice() {
    return this.pages.html('notice');
  }

  @Public()
  @Get('reports')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  reports() {
    return this.pages.html('reports');
  }

  /** 区县联盟对比: the county's bureau users (the API answers only them). */
  @Public()
  @Get('county')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  county() {
    return this.pages.html('county');
  }

  @Public()
  @Get('school-report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  schoolReport() {
    return this.pages.html('school-report');
  }

  @Public()
  @Get('overview')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  overview() {
    return this.pages.html('overview');
  }

  @Public()
  @Get('suggestions')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  suggestions() {
    return this.pages.html('suggestions');
  }

  @Public()
  @Get('marking-setup')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  markingSetup() {
    return this.pages.html('marking-setup');
  }

  @Public()
  @Get('monitor')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  monitor() {
    return this.pages.html('monitor');
  }

  /** Asked for by every browser (also on a PDF or a JSON answer), whatever the page's own link says. */
  @Public()
  @Get(['favicon.ico', 'favicon.svg'])
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  favicon() {
    return FAVICON_SVG;
  }

  @Public()
  @Get('schools')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  schools() {
    return this.pages.html('schools');
  }

  @Public()
  @Get('roster')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  roster() {
    return this.pages.html('roster');
  }

  @Public()
  @Get('users')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  users() {
    return this.pages.html('users');
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

  @Public()
  @Get('jobs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  jobs() {
    return this.pages.html('jobs');
  }
}
