import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { Authenticated, CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { TimetableService } from './timetable.service.js';

@Controller('api/exams')
export class TimetableController {
  constructor(@Inject(TimetableService) private readonly timetable: TimetableService) {}

  @Authenticated()
  @Get(':id/subjects')
  list(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.timetable.of(actor, id);
  }

  @Roles(Role.Admin)
  @Put(':id/subjects')
  replace(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Body() body: { subjects?: unknown }) {
    return this.timetable.replace(actor, id, body);
  }
}
