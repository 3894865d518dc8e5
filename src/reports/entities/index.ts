// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { NoticeCode } from './notice-code.entity.js';
import { Report } from './report.entity.js';

export const REPORTS_ENTITIES = [Report, NoticeCode];
