import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { UserRepository } from '../auth/user.repository.js';
import { type Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { AllianceRepository } from './alliance.repository.js';
import { CountyRepository } from './county.repository.js';
import { validateBureauAccount, validateCountyFields } from './domain/county-input.js';
import type { Alliance } from './entities/alliance.entity.js';
import type { County } from './entities/county.entity.js';

function invalid(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: errors.join('；'), errors });
}

export interface BootstrapCountyInput {
  name: string;
  code: string;
  bureauUsername: string;
  bureauPassword: string;
  bureauDisplayName?: string;
}

/**
 * 区县 (issue 17): created with its first bureau user by the CLI (like the first alliance), alliances attached to it,
 * further bureau users added. Bureau users are read-only: they hold no role of their own, only the bureau grant in
 * every alliance of their county (expanded when a session loads).
 */
@Injectable()
export class CountyService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(CountyRepository) private readonly counties: CountyRepository,
    @Inject(AllianceRepository) private readonly alliances: AllianceRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** Creates a county and its first bureau user, without HTTP (CLI and demo). */
  async bootstrapCounty(
    input: BootstrapCountyInput,
  ): Promise<{ county: County; bureau: { id: number; username: string } }> {
    const fields = validateCountyFields(input);
    const account = validateBureauAccount({
      username: input.bureauUsername,
      password: input.bureauPassword,
      displayName: input.bureauDisplayName,
    });
    const errors = [...(fields.ok ? [] : fields.errors), ...(account.ok ? [] : account.errors)];
    if (!fields.ok || !account.ok) invalid(errors);
    if (await this.counties.codeTaken(fields.value.code))
      throw new ConflictException(`区县代码 ${fields.value.code} 已存在`);
    if (await this.users.usernameTaken(account.value.username)) throw new ConflictException('用户名已存在');
    const passwordHash = await AuthService.hashPassword(account.value.password);
    try {
      return await this.uow.runOrm(async (tx) => {
        const county = await this.counties.create(tx, fields.value);
        const { username, displayName } = account.value;
        const user = await this.users.create(tx, { username, displayName, passwordHash, allianceId: null });
        await this.counties.addBureauUser(tx, user.id, county.id);
        await this.audit.record(
          {
            userId: null,
            action: 'bootstrap',
            entity: 'county',
            entityId: String(county.id),
            detail: { code: county.code, bureau: username },
          },
          tx,
        );
        return { county, bureau: { id: user.id, username } };
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('区县代码或用户名已存在');
      throw err;
    }
  }

  /** The alliance (by code) joins the county (by code); an alliance belongs to one county at most. */
  async attachAlliance(countyCode: string, allianceCode: string): Promise<{ county: County; alliance: Alliance }> {
    const county = await this.countyByCode(countyCode);
    const alliance = await this.alliances.findByCode(allianceCode.trim());
    if (!alliance) throw new NotFoundException(`联盟代码 ${allianceCode} 不存在`);
    if (alliance.countyId !== null && alliance.countyId !== county.id) {
      const other = await this.counties.findById(alliance.countyId);
      throw new ConflictException(`联盟“${alliance.name}”已属于区县“${other?.name ?? alliance.countyId}”`);
    }
    await this.alliances.setCounty(alliance.id, county.id);
    await this.audit.record({
      userId: null,
      action: 'attach',
      entity: 'county',
      entityId: String(county.id),
      detail: { alliance: alliance.code },
    });
    return { county, alliance: { ...alliance, countyId: county.id } };
  }

  /**
   * Another bureau user of the county: a new account (password required), or an existing bureau account of another
   * county (no password). Accounts holding roles in alliances are refused: the bureau role is read-only, and an account
   * that writes elsewhere would carry both.
   */
  async addBureauUser(
    countyCode: string,
    input: { username: string; password?: string; displayName?: string },
  ): Promise<{ county: County; user: { id: number; username: string }; created: boolean }> {
    const county = await this.countyByCode(countyCode);
    const existing = await this.users.findByUsername((input.username ?? '').trim());
    if (existing) {
      if (input.password) throw new ConflictException(`用户名 ${existing.username} 已存在；添加已有账号时不要指定密码`);
      const grants = await this.users.grantsInAllianceOf(existing.id);
      if (grants > 0 || existing.allianceId !== null)
        throw new ConflictException(`账号 ${existing.username} 属于联盟，不能作为教育局账号（教育局账号只读）`);
      await this.uow.runOrm((tx) => this.counties.addBureauUser(tx, existing.id, county.id));
      await this.recordAdd(county, existing.username, false);
      return { county, user: { id: existing.id, username: existing.username }, created: false };
    }
    const account = validateBureauAccount(input);
    if (!account.ok) invalid(account.errors);
    const passwordHash = await AuthService.hashPassword(account.value.password);
    try {
      const user = await this.uow.runOrm(async (tx) => {
        const { username, displayName } = account.value;
        const u = await this.users.create(tx, { username, displayName, passwordHash, allianceId: null });
        await this.counties.addBureauUser(tx, u.id, county.id);
        return u;
      });
      await this.recordAdd(county, user.username, true);
      return { county, user: { id: user.id, username: user.username }, created: true };
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('用户名已存在');
      throw err;
    }
  }

  /** The counties the actor reads as bureau user, with their alliances (for the county page). */
  async mine(
    actor: Actor,
  ): Promise<{ id: number; name: string; code: string; alliances: { id: number; name: string }[] }[]> {
    const counties = await this.counties.countiesOf(actor.userId);
    return Promise.all(
      counties.map(async (c) => ({
        id: c.id,
        name: c.name,
        code: c.code,
        alliances: (await this.alliances.ofCounty(c.id)).map((a) => ({ id: a.id, name: a.name })),
      })),
    );
  }

  /** The county and its alliances, if the actor is one of its bureau users (403 otherwise, 404 when there is none). */
  async forBureau(actor: Actor, countyId: number): Promise<{ county: County; alliances: Alliance[] }> {
    const county = await this.counties.findById(countyId);
    if (!county) throw new NotFoundException('区县不存在');
    assertScope(await this.counties.isBureauUser(actor.userId, countyId), '无权查看该区县');
    return { county, alliances: await this.alliances.ofCounty(countyId) };
  }

  private async countyByCode(code: string): Promise<County> {
    const county = await this.counties.findByCode((code ?? '').trim());
    if (!county) throw new NotFoundException(`区县代码 ${code} 不存在`);
    return county;
  }

  private recordAdd(county: County, username: string, created: boolean) {
    return this.audit.record({
      userId: null,
      action: 'add_bureau_user',
      entity: 'county',
      entityId: String(county.id),
      detail: { username, created },
    });
  }
}
