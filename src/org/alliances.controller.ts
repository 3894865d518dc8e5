import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { AllianceBody, CreateSchoolBody, CreateUserBody, PasswordBody, UpdateUserBody } from './dto/org.dto.js';
import { AccountsService } from './accounts.service.js';
import { IdPipe } from './id-param.pipe.js';
import { OrgService } from './org.service.js';

@Controller('api/alliances')
export class AlliancesController {
  constructor(
    @Inject(OrgService) private readonly org: OrgService,
    @Inject(AccountsService) private readonly accounts: AccountsService,
  ) {}

  @Authenticated()
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.org.getAlliance(actor, id);
  }

  @Roles(Role.Admin)
  @Post(':id/schools')
  createSchool(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateSchoolBody) {
    return this.org.createSchool(actor, id, body);
  }

  @Authenticated()
  @Get(':id/schools')
  listSchools(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.org.listSchools(actor, id);
  }

  @Roles(Role.Admin)
  @Post(':id/users')
  createUser(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: CreateUserBody) {
    return this.accounts.createUser(actor, id, body);
  }

  @Roles(Role.Admin)
  @Post(':id/users/:userId/unlock')
  @HttpCode(200)
  unlockLogin(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number) {
    return this.accounts.unlockLogin(actor, id, userId);
  }

  @Roles(Role.Admin)
  @Get(':id/users')
  listUsers(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.accounts.listUsers(actor, id);
  }

  @Roles(Role.Admin)
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: AllianceBody) {
    return this.org.updateAlliance(actor, id, body);
  }

  @Roles(Role.Admin)
  @Get(':id/setup-status')
  setupStatus(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.org.setupStatus(actor, id);
  }

  @Roles(Role.Admin)
  @Patch(':id/users/:userId')
  updateUser(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Param('userId', IdPipe) userId: number,
    @Body() body: UpdateUserBody,
  ) {
    return this.accounts.updateUser(actor, id, userId, body);
  }

  @Roles(Role.Admin)
  @Post(':id/users/:userId/password')
  @HttpCode(200)
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Param('userId', IdPipe) userId: number,
    @Body() body: PasswordBody,
  ) {
    return this.accounts.resetPassword(actor, id, userId, body);
  }

  @Roles(Role.Admin)
  @Post(':id/users/:userId/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number) {
    return this.accounts.setActive(actor, id, userId, false);
  }

  @Roles(Role.Admin)
  @Post(':id/users/:userId/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number) {
    return this.accounts.setActive(actor, id, userId, true);
  }
}
