// Request bodies of the org routes. Fields are `unknown`-tolerant: services validate and answer in Chinese. The
// classes are what the API documentation shows (their properties reach /api/docs through tools/openapi-metadata.mjs).
import { ApiProperty } from '@nestjs/swagger';

export interface BootstrapAllianceInput {
  name: string;
  code: string;
  adminUsername: string;
  adminPassword: string;
  adminDisplayName?: string;
}

export class AllianceBody {
  name?: string;
  code?: string;
}

export class CreateSchoolBody {
  name?: string;
  code?: string;
  kind?: string;
  locality?: string;
}

export class CreateClassesBody {
  names?: string[];
  grade?: string;
}

export class CreateUserBody {
  username?: string;
  displayName?: string;
  password?: string;
  roles?: { role: string; schoolId?: number; subject?: string; classId?: number }[];
}

export class UpdateUserBody {
  displayName?: string;
  roles?: { role: string; schoolId?: number; subject?: string; classId?: number }[];
}

export class PasswordBody {
  /** 新密码 */
  password: string;
}

/** 名单导入：multipart 表单，一个名单文件。 */
export class RosterUploadForm {
  /** 名单文件（.csv 或 .xlsx）：学籍号、姓名、班级等列 */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

/** An uploaded file as multer (memory storage) hands it over. */
export interface UploadedRosterFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}
