import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { parseOptionalId } from '../common/parse-id.js';
import { Role } from '../common/role.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { type CandidateDocument, CandidateDocumentsService } from './candidate-documents.service.js';
import { CandidatesService } from './candidates.service.js';
import type { NumberRuleBody, SeatingBody, ViolationBody } from './dto/candidates.dto.js';
import { RoomsService } from './rooms.service.js';

const optionalId = (v: string | undefined, what: string) => parseOptionalId(v, what) ?? undefined;

const pdf = ({ data, fileName }: { data: Buffer; fileName: string }) =>
  new StreamableFile(data, {
    type: 'application/pdf',
    disposition: `inline; filename="kaowu.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });

/** 考务: exam numbers and rooms (admin), room lists with 缺考/违纪 (proctors, the host school's scanner, admin). */
@Controller('api/exams/:examId')
export class CandidatesController {
  constructor(
    @Inject(CandidatesService) private readonly candidates: CandidatesService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(CandidateDocumentsService) private readonly documents: CandidateDocumentsService,
  ) {}

  @Roles(Role.Admin)
  @Get('kaowu')
  overview(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number) {
    return this.candidates.overview(actor, examId);
  }

  @Roles(Role.Admin)
  @Get('candidates')
  list(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId?: string,
    @Query('roomId') roomId?: string,
  ) {
    return this.candidates.list(actor, examId, {
      schoolId: optionalId(schoolId, '学校'),
      roomId: optionalId(roomId, '考场'),
    });
  }

  @Roles(Role.Admin)
  @Post('candidates/numbers')
  @HttpCode(200)
  generate(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number, @Body() body: NumberRuleBody) {
    return this.candidates.generateNumbers(actor, examId, body);
  }

  @Roles(Role.Admin)
  @Post('candidates/rooms')
  @HttpCode(200)
  allocate(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number, @Body() body: SeatingBody) {
    return this.candidates.allocate(actor, examId, body);
  }

  /** seating (座位表), door (门贴) or tickets (准考证); optionally of one room or school. */
  @Roles(Role.Admin, Role.Proctor, Role.Scanner)
  @Get('candidates/:document')
  async document(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Param('document') document: string,
    @Query('roomId') roomId?: string,
    @Query('schoolId') schoolId?: string,
  ) {
    return pdf(
      await this.documents.render(actor, examId, documentOf(document), {
        roomId: optionalId(roomId, '考场'),
        schoolId: optionalId(schoolId, '学校'),
      }),
    );
  }

  @Roles(Role.Admin, Role.Proctor, Role.Scanner)
  @Get('rooms')
  roomList(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number) {
    return this.rooms.list(actor, examId);
  }

  @Roles(Role.Admin, Role.Proctor, Role.Scanner)
  @Get('rooms/:roomId')
  room(@CurrentActor() actor: Actor, @Param('examId', IdPipe) examId: number, @Param('roomId', IdPipe) roomId: number) {
    return this.rooms.roster(actor, examId, roomId);
  }

  @Roles(Role.Admin, Role.Proctor, Role.Scanner)
  @Post('rooms/:roomId/absences')
  @HttpCode(200)
  absent(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Param('roomId', IdPipe) roomId: number,
    @Body() body: { studentId?: unknown; paperId?: unknown },
  ) {
    return this.rooms.markAbsent(actor, examId, roomId, body);
  }

  @Roles(Role.Admin, Role.Proctor, Role.Scanner)
  @Post('rooms/:roomId/violations')
  violation(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Param('roomId', IdPipe) roomId: number,
    @Body() body: ViolationBody,
  ) {
    return this.rooms.recordViolation(actor, examId, roomId, body);
  }
}

function documentOf(file: string): CandidateDocument {
  const name = file.replace(/\.pdf$/, '');
  if (file.endsWith('.pdf') && (name === 'seating' || name === 'door' || name === 'tickets')) return name;
  throw new NotFoundException('没有这种考务文件');
}
