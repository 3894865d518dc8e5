import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../common/roles.decorator.js';
import { PageRenderer } from './page-renderer.js';

/**
 * Page shells. They are public because they contain no data: each page's script calls the API, which
 * enforces roles and scopes, and sends the person to /login when the session is missing.
 */
@Controller()
export class WebController {
  constructor(@Inject(PageRenderer) private readonly pages: PageRenderer) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home() {
    return this.pages.render('home', '统考 · 首页');
  }

  @Public()
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  login() {
    return this.pages.render('login', '统考 · 登录');
  }

  @Public()
  @Get('mark')
  @Header('Content-Type', 'text/html; charset=utf-8')
  mark() {
    return this.pages.render('marker', '统考 · 网上阅卷');
  }

  @Public()
  @Get('scans')
  @Header('Content-Type', 'text/html; charset=utf-8')
  scans() {
    return this.pages.render('scans', '统考 · 扫描上传');
  }

  @Public()
  @Get('lead')
  @Header('Content-Type', 'text/html; charset=utf-8')
  lead() {
    return this.pages.render('lead-console', '统考 · 阅卷管理');
  }

  @Public()
  @Get('papers')
  @Header('Content-Type', 'text/html; charset=utf-8')
  papers() {
    return this.pages.render('papers', '统考 · 统一命题');
  }

  @Public()
  @Get('exams')
  @Header('Content-Type', 'text/html; charset=utf-8')
  exams() {
    return this.pages.render('exams', '统考 · 考试管理');
  }

  @Public()
  @Get('reports')
  @Header('Content-Type', 'text/html; charset=utf-8')
  reports() {
    return this.pages.render('reports', '统考 · 学校诊断报告');
  }
}
