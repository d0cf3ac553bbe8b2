import type { Database, Transaction } from '../../../db/client.ts';
import { auditLog } from '../../../db/schema/index.ts';
import type { Auth } from '../../auth/auth.ts';

/**
 * One audit row. Written by the action itself, inside its own transaction (pass the
 * transaction as `tx`): the action and its record commit together or not at all.
 */
export interface AuditEntry {
	/** `post.hide`, `post.restore`, `thread.lock`, `user.suspend`, `space.settings`, `role.change`… */
	action: string;
	spaceId?: string | null;
	targetType:
		| 'post'
		| 'thread'
		| 'space'
		| 'user'
		| 'setting'
		| 'watched_word'
		| 'reason'
		| 'report'
		| 'experience'
		| 'event'
		| 'event_message'
		| 'event_question';
	targetId: string;
	/** A readable name of the target at the time: thread title, member name, setting key. */
	targetLabel?: string;
	reason?: string | null;
	before?: unknown;
	after?: unknown;
}

export async function recordAudit(tx: Database | Transaction, actor: NonNullable<Auth> | null, entry: AuditEntry) {
	await tx.insert(auditLog).values({
		actorId: actor?.user.id ?? null,
		actorName: actor?.user.displayName ?? 'Palabre',
		action: entry.action,
		spaceId: entry.spaceId ?? null,
		targetType: entry.targetType,
		targetId: entry.targetId,
		targetLabel: entry.targetLabel ?? '',
		reason: entry.reason ?? null,
		before: entry.before ?? null,
		after: entry.after ?? null
	});
}
