// CLI: counties (区县) and their read-only bureau users (教研员/督导).
//   node dist/src/org/cli/county.js create --name 城关区 --code CGQ --bureau bureau1 --password '至少8位的密码' [--display-name 李老师]
//   node dist/src/org/cli/county.js attach --county CGQ --alliance CG01
//   node dist/src/org/cli/county.js add-bureau --county CGQ --bureau bureau2 --password '至少8位的密码'
// (npm run create-county / county-attach / county-add-bureau -- <options>)
import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../config/config.module.js';
import { type AppConfig, loadConfig } from '../../config/config.js';
import { DataModule } from '../../data.module.js';
import { DatabaseModule } from '../../database/database.module.js';
import { ENTITIES } from '../../entities.js';
import { CountyService } from '../county.service.js';
import { messageOf, parseCountyArgs, runCountyCommand } from './county-commands.js';

/** Just the database, the repositories and CountyService (as create-alliance: no queues, no HTTP, no Redis). */
@Module({})
class CountyCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CountyCliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), DataModule],
      providers: [CountyService],
    };
  }
}

async function main(): Promise<number> {
  const out = { log: (l: string) => console.log(l), error: (l: string) => console.error(l) };
  const [command = '', ...args] = process.argv.slice(2);
  const parsed = parseCountyArgs(command, args, out);
  if (parsed === 2) return 2;
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(CountyCliModule.forRoot(loadConfig()), {
      logger: false,
      abortOnError: false,
    });
    return await runCountyCommand(app.get(CountyService), parsed.command, parsed.values, out);
  } catch (err) {
    const e = ((err as { cause?: unknown })?.cause ?? err) as { code?: string };
    if (e?.code === 'ER_NO_SUCH_TABLE' || e?.code === 'ER_BAD_DB_ERROR')
      console.error('数据库尚未初始化，请先运行 npm run migration:run');
    else console.error(`执行失败：${messageOf(e)}`);
    return 1;
  } finally {
    await app?.close();
  }
}

// Exit explicitly: a start that failed half-way may leave a database pool open that would keep the process alive.
process.exit(await main());
