// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { Alliance } from './alliance.entity.js';
import { BureauUser } from './bureau-user.entity.js';
import { County } from './county.entity.js';
import { SchoolClass } from './school-class.entity.js';
import { School } from './school.entity.js';
import { Student } from './student.entity.js';

export const ORG_ENTITIES = [Alliance, School, SchoolClass, Student, County, BureauUser];
