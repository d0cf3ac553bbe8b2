import type { Database } from '../../../db/client.ts';
import type { Locale } from '../../../db/schema/values.ts';
import { ForbiddenError } from '../../lib/errors.ts';
import { recordAudit } from './audit.ts';
import { SanctionsRepository } from './sanctions.repository.ts';

const untilFormats = new Map<Locale, Intl.DateTimeFormat>();

export function formatSuspendedUntil(until: Date, locale: Locale): string {
	let format = untilFormats.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeStyle: 'short' });
		untilFormats.set(locale, format);
	}
	return format.format(until);
}

/**
 * 403 at login, thrown only once the password has been verified: says why and until when.
 * Someone who does not know the password gets the same answer as for a wrong one.
 */
export class AccountSuspendedError extends ForbiddenError {
	constructor(
		readonly until: Date | null,
		readonly reason: string
	) {
		super(until ? 'sanction_login_suspended_until' : 'sanction_login_suspended_indefinitely');
	}

	override messageInputs(locale: Locale): Record<string, unknown> {
		return { reason: this.reason, until: this.until ? formatSuspendedUntil(this.until, locale) : '' };
	}
}

export interface SuspensionState {
	id: string;
	displayName: string;
	status: 'active' | 'suspended';
	suspendedUntil: Date | null;
	suspensionReason: string | null;
}

/**
 * At login: a suspension whose end has passed lifts itself (status back to active, history
 * row closed, audited as Palabre's own act). Anything else still suspended throws
 * AccountSuspendedError.
 */
export async function checkSuspension(db: Database, account: SuspensionState, now = new Date()): Promise<void> {
	if (account.status === 'active') return;
	const until = account.suspendedUntil;
	if (!until || until.getTime() > now.getTime()) {
		throw new AccountSuspendedError(until, account.suspensionReason ?? '');
	}
	const repo = new SanctionsRepository(db);
	await db.transaction(async (tx) => {
		if (!(await repo.liftExpired(tx, account.id, now))) return;
		await repo.liftOpenSuspensions(tx, account.id, null, now);
		await recordAudit(tx, null, {
			action: 'user.unsuspend',
			targetType: 'user',
			targetId: account.id,
			targetLabel: account.displayName,
			reason: null,
			before: { status: 'suspended', suspendedUntil: until.toISOString(), suspensionReason: account.suspensionReason },
			after: { status: 'active', expired: true }
		});
	});
}
