// CLI for a daily cron job: deletes the scans, snippets and OMR crops of every exam whose retention period after its
// results' release has passed (RETENTION_DAYS, or the exam's own setting). Results and reports stay. Audited.
//   node dist/src/scans/cli/purge-scans.js        (npm run purge-scans)
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeStartupError } from '../../common/startup-checks.js';
import { ConfigModule } from '../../config/config.module.js';
import { type AppConfig, loadConfig } from '../../config/config.js';
import { DataModule } from '../../data.module.js';
import { DatabaseModule } from '../../database/database.module.js';
import { ENTITIES } from '../../entities.js';
import { StorageModule } from '../../storage/storage.module.js';
import { ScanRetentionService } from '../scan-retention.service.js';

/** Just what a purge needs: the database, the repositories and the blob store (no queues, no HTTP, no scan threads). */
@Module({})
export class PurgeScansModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PurgeScansModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), DataModule, StorageModule],
      providers: [ScanRetentionService],
    };
  }
}

async function main() {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(PurgeScansModule.forRoot(config), { logger: ['error'] });
  try {
    const done = await app.get(ScanRetentionService).purgeDue();
    for (const s of done)
      console.log(
        `考试 ${s.examId}：删除答题卡 ${s.pages} 页、答题切片 ${s.snippets} 张、客观题截图 ${s.crops} 张` +
          `（文件 ${s.blobsDeleted} 个；另有 ${s.blobsShared} 个与其他考试共用，保留）`,
      );
    console.log(done.length ? `共处理 ${done.length} 场考试` : '没有到期的考试');
  } finally {
    await app.close();
  }
}

if (process.argv[1]?.endsWith('purge-scans.js'))
  main().catch((err) => {
    console.error(describeStartupError(err));
    process.exitCode = 1;
  });
