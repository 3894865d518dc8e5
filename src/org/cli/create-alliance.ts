// CLI: creates an alliance and its first admin account.
//   node dist/src/org/cli/create-alliance.js --name 城关教联体 --code CG01 --admin cg_admin --password '至少8位的密码' [--display-name 王主任]
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { type DynamicModule, HttpException, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeStartupError } from '../../common/startup-checks.js';
import { ConfigModule } from '../../config/config.module.js';
import { type AppConfig, loadConfig } from '../../config/config.js';
import { DataModule } from '../../data.module.js';
import { DatabaseModule } from '../../database/database.module.js';
import { ENTITIES } from '../../entities.js';
import { OrgService } from '../org.service.js';

/**
 * Just what creating an alliance needs: the database, the repositories and OrgService (no queues, no HTTP, no Redis:
 * the whole OrgModule would also want the login throttle and the session cache of the API).
 */
@Module({})
class CreateAllianceModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CreateAllianceModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), DataModule],
      providers: [OrgService],
    };
  }
}

const USAGE =
  '用法：create-alliance --name <联盟名称> --code <联盟代码> --admin <管理员用户名> --password <密码(至少8位)> [--display-name <管理员姓名>]';

function messageOf(err: unknown): string {
  if (err instanceof HttpException) {
    const body = err.getResponse() as string | { message?: string | string[] };
    const msg = typeof body === 'string' ? body : body.message;
    return Array.isArray(msg) ? msg.join('；') : String(msg ?? err.message);
  }
  return describeStartupError(err);
}

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: 'string' },
        code: { type: 'string' },
        admin: { type: 'string' },
        password: { type: 'string' },
        'display-name': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`参数错误：${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const missing = ['name', 'code', 'admin', 'password'].filter((k) => !values[k]);
  if (missing.length) {
    console.error(`缺少参数：${missing.map((k) => `--${k}`).join(' ')}\n${USAGE}`);
    return 2;
  }
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(CreateAllianceModule.forRoot(loadConfig()), {
      logger: false,
      abortOnError: false,
    });
    const { alliance, admin } = await app.get(OrgService).bootstrapAlliance({
      name: values.name!,
      code: values.code!,
      adminUsername: values.admin!,
      adminPassword: values.password!,
      adminDisplayName: values['display-name'],
    });
    console.log(
      `已创建联盟“${alliance.name}”（代码 ${alliance.code}，编号 ${alliance.id}），管理员账号：${admin.username}`,
    );
    return 0;
  } catch (err) {
    // A failure to connect comes wrapped by the start-up check (database/mysql-probe.ts): the driver's error is its cause.
    const e = ((err as { cause?: unknown })?.cause ?? err) as { code?: string };
    if (e?.code === 'ER_NO_SUCH_TABLE' || e?.code === 'ER_BAD_DB_ERROR')
      console.error('数据库尚未初始化，请先运行 npm run migration:run');
    else console.error(`创建失败：${messageOf(e)}`);
    return 1;
  } finally {
    await app?.close();
  }
}

// Exit explicitly: a start that failed half-way may leave a database pool open that would keep the process alive.
process.exit(await main());
