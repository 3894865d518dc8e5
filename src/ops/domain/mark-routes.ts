// Which answered requests recorded a mark (tongkao_marks_total): a marker's submit and a lead's arbitration, counted
// when the API said yes (2xx). Counted at the HTTP edge so the marking hot path carries no metrics code.
const MARK_ROUTES: Record<string, string> = {
  'POST /api/marking/tasks/:taskId/submit': 'mark',
  'POST /api/marking/snippets/:token/arbitrate': 'arbitration',
};

export function markKind(method: string, route: string, status: number): string | null {
  if (status < 200 || status >= 300) return null;
  return MARK_ROUTES[`${method} ${route}`] ?? null;
}
