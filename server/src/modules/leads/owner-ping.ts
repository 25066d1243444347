import { sql } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { AppError, invalid, notFound } from '../../platform/http/errors.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';

const TABLES = { lead: 'lead', account: 'account', contact: 'contact' } as const;
const NOUN = {
  lead: { 'zh-CN': '线索', 'en-US': 'lead' },
  account: { 'zh-CN': '客户', 'en-US': 'account' },
  contact: { 'zh-CN': '联系人', 'en-US': 'contact' },
} as const;

export interface PingInput {
  object: keyof typeof TABLES;
  id: string;
  message?: string | undefined;
}

/**
 * 撞单: a duplicate hit the user may not open still names its owner, so they can talk. This sends
 * the owner an in-app notification (in the owner's language) with the record and the note. The
 * sender learns nothing new: the owner's name was already in the hit. While the owner has not read
 * a ping about a record, further pings about it are not added, so nobody can flood a colleague.
 */
export async function pingOwner(tx: TenantDb, actor: Actor, input: PingInput): Promise<void> {
  if (!actor.userId) throw new AppError('forbidden', 'session_required');
  if (!isUuid(input.id)) throw notFound();
  const t = tx.tenantId;
  const rec = await tx.one(
    sql<{
      name: string;
      owner_id: string | null;
    }>`select name, owner_id from ${sql.table(TABLES[input.object])} where tenant_id = ${t} and id = ${input.id} and deleted_at is null`,
  );
  if (!rec) throw notFound();
  if (!rec.owner_id || rec.owner_id === actor.userId)
    throw invalid([{ field: 'id', issue: 'invalid_value' }]);
  const owner = await tx.one(sql<{
    locale: string | null;
    tenant_locale: string;
  }>`select u.locale, tn.locale as tenant_locale from app_user u join tenant tn on tn.id = u.tenant_id
     where u.tenant_id = ${t} and u.id = ${rec.owner_id} and u.status = 'active'`);
  if (!owner) throw invalid([{ field: 'id', issue: 'invalid_value' }]);
  const link = `/o/${input.object}/${input.id}`;
  const pending = await tx.one(
    sql`select 1 from notification where tenant_id = ${t} and user_id = ${rec.owner_id} and kind = 'lead.duplicate_ping'
      and link = ${link} and read_at is null`,
  );
  if (pending) return;
  const sender = await tx.one(
    sql<{ name: string }>`select name from app_user where tenant_id = ${t} and id = ${actor.userId}`,
  );
  const lang = (owner.locale ?? owner.tenant_locale) === 'en-US' ? 'en-US' : 'zh-CN';
  const who = sender?.name ?? '';
  const title =
    lang === 'zh-CN'
      ? `${who} 的新线索与你的${NOUN[input.object]['zh-CN']}「${rec.name}」撞单，想和你沟通`
      : `${who}'s new lead matches your ${NOUN[input.object]['en-US']} “${rec.name}” and would like to talk`;
  const body = [input.message?.trim() || null, `— ${who}`].filter(Boolean).join('\n');
  await addNotifications(tx, [{ userId: rec.owner_id, kind: 'lead.duplicate_ping', title, body, link }]);
}
