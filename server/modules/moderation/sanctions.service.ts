import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import type { SessionService } from '../../auth/sessions.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { AccountsRepository } from '../accounts/accounts.repository.ts';
import { toMember } from '../accounts/accounts.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { recordAudit } from './audit.ts';
import { SanctionsRepository, type SanctionTarget } from './sanctions.repository.ts';
import type {
	SanctionStatusOutput,
	SanctionsPanelOutput,
	SuspendInput,
	SuspensionDuration,
	SuspensionOutput,
	UnsuspendInput,
	WarningOutput,
	WarnInput
} from './sanctions.schema.ts';

const DAY_MS = 24 * 3600_000;

/** When a ready-made duration ends, counted from `now`; a month is the same day next month. */
export function durationEnd(duration: Exclude<SuspensionDuration, 'custom' | 'indefinite'>, now: Date): Date {
	switch (duration) {
		case '1d':
			return new Date(now.getTime() + DAY_MS);
		case '3d':
			return new Date(now.getTime() + 3 * DAY_MS);
		case '1w':
			return new Date(now.getTime() + 7 * DAY_MS);
		case '1m': {
			const end = new Date(now);
			end.setMonth(end.getMonth() + 1);
			return end;
		}
	}
}

function toState(target: Pick<SanctionTarget, 'id' | 'status' | 'suspendedUntil' | 'suspensionReason'>): SanctionStatusOutput {
	return {
		userId: target.id,
		status: target.status,
		suspendedUntil: target.status === 'suspended' ? (target.suspendedUntil?.toISOString() ?? null) : null,
		suspensionReason: target.status === 'suspended' ? target.suspensionReason : null
	};
}

/** Site-wide sanctions: who may is a site matter (admins, site moderators), not a space's. */
export class SanctionsService {
	private repo: SanctionsRepository;
	private accounts: AccountsRepository;

	constructor(
		private db: Database,
		private sessions: SessionService,
		private notifications: NotificationsService,
		private realtime: RealtimePublisher
	) {
		this.repo = new SanctionsRepository(db);
		this.accounts = new AccountsRepository(db);
	}

	/** Admins and site moderators; space-only moderators and members get 403, anonymous 401. */
	private requireSiteModerator(auth: Auth): NonNullable<Auth> {
		const caller = requireUser(auth);
		if (caller.user.role !== 'admin' && caller.user.role !== 'moderator') throw new ForbiddenError();
		return caller;
	}

	/** A moderator sanctions members only; an admin anyone but themself. */
	private mayAct(caller: NonNullable<Auth>, target: SanctionTarget): boolean {
		if (caller.user.id === target.id) return false;
		return caller.user.role === 'admin' || target.role === 'member';
	}

	/** The checks every sanction starts with, in the order that names the right gate. */
	private async target(auth: Auth, userId: string): Promise<{ caller: NonNullable<Auth>; target: SanctionTarget }> {
		const caller = this.requireSiteModerator(auth);
		if (caller.user.id === userId) throw new ConflictError('sanction_error_self');
		const target = await this.repo.findTarget(userId);
		if (!target) throw new NotFoundError();
		if (!this.mayAct(caller, target)) throw new ForbiddenError('sanction_error_peer');
		return { caller, target };
	}

	/**
	 * Suspends now, replacing any current suspension. The member's sessions are deleted in
	 * the same transaction; their sockets close once it has committed.
	 */
	async suspend(auth: Auth, userId: string, input: SuspendInput, now = new Date()): Promise<SanctionStatusOutput> {
		const { caller, target } = await this.target(auth, userId);
		const until =
			input.duration === 'indefinite'
				? null
				: input.duration && input.duration !== 'custom'
					? durationEnd(input.duration, now)
					: input.until
						? new Date(input.until)
						: null;
		if (until && until.getTime() <= now.getTime()) throw new ValidationError({ until: 'sanction_error_until_past' });

		await this.db.transaction(async (tx) => {
			await this.repo.liftOpenSuspensions(tx, userId, caller.user.id, now);
			await this.repo.setSuspended(tx, userId, { until, reason: input.reason });
			await this.repo.insertSuspension(tx, { userId, moderatorId: caller.user.id, reason: input.reason, endsAt: until });
			await this.sessions.invalidateAllForUser(userId, {}, tx);
			await recordAudit(tx, caller, {
				action: 'user.suspend',
				targetType: 'user',
				targetId: userId,
				targetLabel: target.displayName,
				reason: input.reason,
				before: toState(target),
				after: { status: 'suspended', suspendedUntil: until?.toISOString() ?? null }
			});
		});
		this.realtime.disconnectUser(userId);
		return toState((await this.repo.findTarget(userId))!);
	}

	/** Ends a suspension early. */
	async unsuspend(auth: Auth, userId: string, input: UnsuspendInput): Promise<SanctionStatusOutput> {
		const { caller, target } = await this.target(auth, userId);
		if (target.status !== 'suspended') throw new ConflictError('sanction_error_not_suspended');
		await this.db.transaction(async (tx) => {
			await this.repo.setSuspended(tx, userId, null);
			await this.repo.liftOpenSuspensions(tx, userId, caller.user.id);
			await recordAudit(tx, caller, {
				action: 'user.unsuspend',
				targetType: 'user',
				targetId: userId,
				targetLabel: target.displayName,
				reason: input.reason || null,
				before: toState(target),
				after: { status: 'active' }
			});
		});
		return toState((await this.repo.findTarget(userId))!);
	}

	/** A private notice the member must acknowledge; they are notified once it is saved. */
	async warn(auth: Auth, userId: string, input: WarnInput): Promise<WarningOutput> {
		const { caller, target } = await this.target(auth, userId);
		const warning = await this.db.transaction(async (tx) => {
			const row = await this.repo.insertWarning(tx, { userId, moderatorId: caller.user.id, message: input.message });
			await recordAudit(tx, caller, {
				action: 'user.warn',
				targetType: 'user',
				targetId: userId,
				targetLabel: target.displayName,
				reason: input.message,
				after: { warningId: row.id }
			});
			return row;
		});
		await this.notifications.notify([{ userId, kind: 'warning', actorId: caller.user.id, data: { warningId: warning.id } }]);
		return {
			id: warning.id,
			message: input.message,
			createdAt: warning.createdAt.toISOString(),
			acknowledgedAt: null,
			moderator: { id: caller.user.id, displayName: caller.user.displayName }
		};
	}

	/** The caller's own warnings, newest first. */
	async myWarnings(auth: Auth): Promise<WarningOutput[]> {
		const { user } = requireUser(auth);
		return (await this.repo.listWarnings(user.id)).map(toWarning);
	}

	/** Only the warned member acknowledges; anyone else's warning looks missing. */
	async acknowledgeWarning(auth: Auth, warningId: string): Promise<{ id: string; acknowledgedAt: string }> {
		const { user } = requireUser(auth);
		const row = await this.repo.acknowledgeWarning(user.id, warningId);
		if (!row) throw new NotFoundError();
		return { id: row.id, acknowledgedAt: row.acknowledgedAt!.toISOString() };
	}

	/** A member's standing and sanction history, for admins and site moderators. */
	async panel(auth: Auth, userId: string): Promise<SanctionsPanelOutput> {
		const caller = this.requireSiteModerator(auth);
		const [member, target] = await Promise.all([this.accounts.findMember(userId), this.repo.findTarget(userId)]);
		if (!member || !target) throw new NotFoundError();
		const [suspensions, warnings] = await Promise.all([this.repo.listSuspensions(userId), this.repo.listWarnings(userId)]);
		return {
			member: toMember(member),
			state: toState(target),
			canSanction: this.mayAct(caller, target),
			suspensions: suspensions.map(toSuspension),
			warnings: warnings.map(toWarning)
		};
	}
}

function toSuspension(row: Awaited<ReturnType<SanctionsRepository['listSuspensions']>>[number]): SuspensionOutput {
	return {
		id: row.id,
		reason: row.reason,
		startsAt: row.startsAt.toISOString(),
		endsAt: row.endsAt?.toISOString() ?? null,
		liftedAt: row.liftedAt?.toISOString() ?? null,
		liftedBy: row.lifter?.displayName ?? null,
		moderator: row.moderator
	};
}

function toWarning(row: Awaited<ReturnType<SanctionsRepository['listWarnings']>>[number]): WarningOutput {
	return {
		id: row.id,
		message: row.message,
		createdAt: row.createdAt.toISOString(),
		acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
		moderator: row.moderator
	};
}
