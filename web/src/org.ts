// What the setup pages share: the alliances the person administers (by name), schools and their labels.
import { api } from './api';
import { loadMe } from './session';

export interface School {
  id: number;
  name: string;
  code?: string;
  kind: 'lead' | 'member' | 'comparison';
  locality: 'urban' | 'rural';
}

export interface Alliance {
  id: number;
  name: string;
  code: string;
}

export const KIND_NAMES: Record<School['kind'], string> = { lead: '龙头校', member: '成员校', comparison: '对照校' };
export const LOCALITY_NAMES: Record<School['locality'], string> = { urban: '城区', rural: '乡村' };

/** The alliances in which the person is admin, with their names (most people have one). */
export async function adminAlliances(): Promise<Alliance[]> {
  const me = await loadMe();
  const ids = [...new Set(me.roles.filter((r) => r.role === 'admin').map((r) => r.allianceId))];
  return Promise.all(ids.map((id) => api<Alliance>(`/api/alliances/${id}`)));
}

export const schoolsOf = (allianceId: number) => api<School[]>(`/api/alliances/${allianceId}/schools`);

export interface SchoolClassRow {
  id: number;
  name: string;
  grade: string;
}
export const classesOf = (schoolId: number) => api<SchoolClassRow[]>(`/api/schools/${schoolId}/classes`);
