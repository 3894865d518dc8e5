import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AllianceRepository } from './alliance.repository.js';
import type { Alliance } from './entities/alliance.entity.js';
import type { School } from './entities/school.entity.js';
import { SchoolRepository } from './school.repository.js';

/** "The alliance (or school), or 404": the one place every feature asks it. Scope is the caller's to check. */
@Injectable()
export class OrgAccess {
  constructor(
    @Inject(AllianceRepository) private readonly alliances: AllianceRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
  ) {}

  async alliance(id: number): Promise<Alliance> {
    const a = await this.alliances.findById(id);
    if (!a) throw new NotFoundException('联盟不存在');
    return a;
  }

  async school(id: number): Promise<School> {
    const s = await this.schools.findById(id);
    if (!s) throw new NotFoundException('学校不存在');
    return s;
  }
}
