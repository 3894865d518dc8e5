import { Global, Module } from '@nestjs/common';
import { AuditLogRepository } from './audit-log.repository.js';

/** The audit log, for every feature. */
@Global()
@Module({ providers: [AuditLogRepository], exports: [AuditLogRepository] })
export class AuditModule {}
