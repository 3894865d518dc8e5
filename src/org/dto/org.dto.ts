// Request bodies of the org routes. Fields are `unknown`-tolerant: services validate and answer in Chinese.

export interface BootstrapAllianceInput {
  name: string;
  code: string;
  adminUsername: string;
  adminPassword: string;
  adminDisplayName?: string;
}

export interface AllianceBody {
  name?: string;
  code?: string;
}

export interface CreateSchoolBody {
  name?: string;
  code?: string;
  kind?: string;
  locality?: string;
}

export interface CreateClassesBody {
  names?: string[];
  grade?: string;
}

export interface CreateUserBody {
  username?: string;
  displayName?: string;
  password?: string;
  roles?: { role: string; schoolId?: number; subject?: string; classId?: number }[];
}

export interface UpdateUserBody {
  displayName?: string;
  roles?: { role: string; schoolId?: number; subject?: string; classId?: number }[];
}

export interface PasswordBody {
  password?: string;
}

/** An uploaded file as multer (memory storage) hands it over. */
export interface UploadedRosterFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}
