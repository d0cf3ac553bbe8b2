import type { Database } from '../../../db/client.ts';
import type { Role } from '../../../db/schema/index.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../auth/password.ts';
import type { IssuedSession, SessionService } from '../../auth/sessions.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	RateLimitedError,
	UnauthenticatedError,
	ValidationError
} from '../../lib/errors.ts';
import type { RateLimiter, RateRule } from '../../lib/rate-limit.ts';
import { recordAudit } from '../moderation/audit.ts';
import { checkSuspension } from '../moderation/suspension.ts';
import type { RealtimePublisher } from '../../realtime/publisher.ts';
import { AccountsRepository, type MemberRow } from './accounts.repository.ts';
import type {
	ChangePasswordInput,
	LoginInput,
	MeOutput,
	MemberOutput,
	SignupInput,
	UpdateProfileInput
} from './accounts.schema.ts';
import { emailSchema } from './accounts.schema.ts';
import { firstFreeHandle, handleBase } from './handle.ts';

export interface AccountsRateRules {
	loginPerIp: RateRule;
	loginPerAccount: RateRule;
	signupPerIp: RateRule;
}

export const defaultAccountsRateRules: AccountsRateRules = {
	loginPerIp: { limit: 30, windowMs: 15 * 60_000 },
	loginPerAccount: { limit: 8, windowMs: 15 * 60_000 },
	signupPerIp: { limit: 10, windowMs: 60 * 60_000 }
};

/** Who is asking, as far as rate limits and the session list care. */
export interface RequestMeta {
	ip: string;
	userAgent: string;
}

export const memberUrl = (id: string) => `/membres/${id}`;

export function toMember(row: MemberRow): MemberOutput {
	return {
		id: row.id,
		url: memberUrl(row.id),
		displayName: row.displayName,
		handle: row.handle,
		role: row.role,
		country: row.country,
		bio: row.bio,
		organisation: row.organisation,
		createdAt: row.createdAt.toISOString()
	};
}

export function toMe(row: MemberRow): MeOutput {
	return { ...toMember(row), email: row.email, locale: row.locale, timeZone: row.timeZone, status: row.status };
}

/** The constraint a unique violation (23505) hit, whichever driver reported it. */
export function uniqueViolation(error: unknown): string | null {
	const e = error as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };
	if (e?.code === '23505') return e.constraint_name ?? e.constraint ?? '';
	return e?.cause ? uniqueViolation(e.cause) : null;
}

export class AccountsService {
	private repo: AccountsRepository;

	constructor(
		private db: Database,
		private sessions: SessionService,
		private limiter: RateLimiter,
		private realtime: RealtimePublisher,
		private rules: AccountsRateRules = defaultAccountsRateRules
	) {
		this.repo = new AccountsRepository(db);
	}

	private async limit(key: string, rule: RateRule) {
		const decision = await this.limiter.consume(key, rule);
		if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
	}

	async signup(input: SignupInput, meta: RequestMeta): Promise<{ me: MeOutput; session: IssuedSession }> {
		await this.limit(`signup:ip:${meta.ip}`, this.rules.signupPerIp);
		if (await this.repo.emailExists(input.email)) {
			// Saying so is the usual trade-off for a sign-up form; the rate limit bounds probing.
			throw new ConflictError('error_email_taken', { email: 'error_email_taken' });
		}
		const passwordHash = await hashPassword(input.password);
		const create = () =>
			this.db.transaction(async (tx) => {
				const organisationId = await this.repo.findOrCreateOrganisation(tx, {
					name: input.organisationName,
					type: input.organisationType,
					country: input.country
				});
				const base = handleBase(input.displayName);
				const userId = await this.repo.insertUser(tx, {
					handle: firstFreeHandle(base, await this.repo.handlesLike(base, tx)),
					email: input.email,
					displayName: input.displayName,
					passwordHash,
					organisationId,
					country: input.country,
					locale: input.locale
				});
				const session = await this.sessions.create(userId, meta.userAgent, tx);
				return { userId, session };
			});
		let created: Awaited<ReturnType<typeof create>> | undefined;
		for (let attempt = 1; !created; attempt++) {
			try {
				created = await create();
			} catch (error) {
				const index = uniqueViolation(error);
				// Two sign-ups racing for one address: the unique index decides.
				if (index === 'users_email_key') throw new ConflictError('error_email_taken', { email: 'error_email_taken' });
				// Two namesakes signing up at once picked the same free @handle: the loser picks again.
				if (index === 'users_handle_key' && attempt < 5) continue;
				throw error;
			}
		}
		const { userId, session } = created;
		return { me: toMe((await this.repo.findMember(userId))!), session };
	}

	async login(input: LoginInput, meta: RequestMeta): Promise<{ me: MeOutput; session: IssuedSession }> {
		const parsedEmail = emailSchema.safeParse(input.email);
		const email = parsedEmail.success ? parsedEmail.data : input.email.trim().toLowerCase();
		await this.limit(`login:ip:${meta.ip}`, this.rules.loginPerIp);
		await this.limit(`login:account:${email}`, this.rules.loginPerAccount);

		const account = parsedEmail.success ? await this.repo.findCredentialsByEmail(email) : undefined;
		// Verify against a decoy when there is no account, so timing does not reveal it.
		const valid = await verifyPassword(account?.passwordHash ?? (await decoyPasswordHash()), input.password);
		if (!account || !valid) throw new UnauthenticatedError('error_login_failed');
		// Only someone who knows the password learns that the account is suspended, why and
		// until when; a suspension whose end has passed lifts itself here.
		await checkSuspension(this.db, account);

		await this.limiter.reset(`login:account:${email}`);
		const session = await this.sessions.create(account.id, meta.userAgent);
		return { me: toMe((await this.repo.findMember(account.id))!), session };
	}

	async logout(auth: Auth): Promise<void> {
		if (!auth) return;
		await this.sessions.invalidate(auth.session.id);
		this.realtime.disconnectSession(auth.session.id);
	}

	async logoutEverywhere(auth: Auth): Promise<void> {
		const { user } = requireUser(auth);
		await this.sessions.invalidateAllForUser(user.id);
		this.realtime.disconnectUser(user.id);
	}

	async me(auth: Auth): Promise<MeOutput> {
		const { user } = requireUser(auth);
		const row = await this.repo.findMember(user.id);
		if (!row) throw new UnauthenticatedError();
		return toMe(row);
	}

	async member(_auth: Auth, id: string): Promise<MemberOutput> {
		// Profiles are public within the network (name, organisation, country, bio).
		const row = await this.repo.findMember(id);
		if (!row || row.status !== 'active') throw new NotFoundError();
		return toMember(row);
	}

	async listSessions(auth: Auth) {
		const { user, session } = requireUser(auth);
		const rows = await this.sessions.listForUser(user.id);
		return rows.map((row) => ({
			id: row.id,
			current: row.id === session.id,
			createdAt: row.createdAt.toISOString(),
			lastSeenAt: row.lastSeenAt.toISOString(),
			userAgent: row.userAgent
		}));
	}

	async updateProfile(auth: Auth, input: UpdateProfileInput): Promise<MeOutput> {
		const { user } = requireUser(auth);
		await this.db.transaction(async (tx) => {
			const current = (await this.repo.findMember(user.id, tx))!;
			const changes: Parameters<AccountsRepository['updateUser']>[2] = {};
			if (input.displayName !== undefined) changes.displayName = input.displayName;
			if (input.bio !== undefined) changes.bio = input.bio;
			if (input.country !== undefined) changes.country = input.country;
			if (input.locale !== undefined) changes.locale = input.locale;
			if (input.timeZone !== undefined) changes.timeZone = input.timeZone;
			if (input.organisationName !== undefined || input.organisationType !== undefined) {
				changes.organisationId = await this.repo.findOrCreateOrganisation(tx, {
					name: input.organisationName ?? current.organisation.name,
					type: input.organisationType ?? current.organisation.type,
					country: input.country ?? current.organisation.country
				});
			}
			await this.repo.updateUser(tx, user.id, changes);
		});
		return this.me(auth);
	}

	/** Ends every other session and issues a fresh one for this device. */
	async changePassword(auth: Auth, input: ChangePasswordInput, meta: RequestMeta): Promise<IssuedSession> {
		const { user } = requireUser(auth);
		await this.limit(`password:account:${user.id}`, this.rules.loginPerAccount);
		const currentHash = await this.repo.findPasswordHash(user.id);
		if (!currentHash || !(await verifyPassword(currentHash, input.currentPassword))) {
			throw new ValidationError({ currentPassword: 'error_current_password' });
		}
		if (input.newPassword === input.currentPassword) {
			throw new ValidationError({ newPassword: 'error_password_same' });
		}
		const passwordHash = await hashPassword(input.newPassword);
		const session = await this.db.transaction(async (tx) => {
			await this.repo.updateUser(tx, user.id, { passwordHash });
			await this.sessions.invalidateAllForUser(user.id, {}, tx);
			await recordAudit(tx, auth, {
				action: 'account.password_changed',
				targetType: 'user',
				targetId: user.id,
				targetLabel: user.displayName
			});
			return this.sessions.create(user.id, meta.userAgent, tx);
		});
		this.realtime.disconnectUser(user.id);
		return session;
	}

	/* Administration */

	private requireAdmin(auth: Auth) {
		const caller = requireUser(auth);
		if (caller.user.role !== 'admin') throw new ForbiddenError();
		return caller;
	}

	async listMembers(auth: Auth, filter: { q?: string | undefined; after?: string | undefined }) {
		this.requireAdmin(auth);
		const rows = await this.repo.listMembers(filter);
		return { items: rows.map(toMe), next: rows.length === 50 ? rows.at(-1)!.email : null };
	}

	/** A privilege change ends the target's sessions: their next request starts a new one. */
	setRole(auth: Auth, userId: string, role: Role): Promise<MeOutput> {
		return this.changeAccount(auth, userId, 'error_own_role', (target) =>
			target.role === role
				? null
				: { changes: { role }, action: 'account.role_changed', details: { from: target.role, to: role } }
		);
	}

	/**
	 * The one path of an admin's change to someone's role (suspensions go through
	 * `services.sanctions`, which moderators share): admin only, never on oneself,
	 * applied with its audit row in one transaction, then the target's sessions and sockets end.
	 * `plan` returns null when there is nothing to change.
	 */
	private async changeAccount(
		auth: Auth,
		userId: string,
		selfErrorKey: string,
		plan: (target: MemberRow) => { changes: Partial<Pick<MemberRow, 'role' | 'status'>>; action: string; details: object } | null
	): Promise<MeOutput> {
		const { user: admin } = this.requireAdmin(auth);
		if (userId === admin.id) throw new ConflictError(selfErrorKey);
		const target = await this.repo.findMember(userId);
		if (!target) throw new NotFoundError();
		const change = plan(target);
		if (change) {
			await this.db.transaction(async (tx) => {
				await this.repo.updateUser(tx, userId, change.changes);
				await this.sessions.invalidateAllForUser(userId, {}, tx);
				await recordAudit(tx, auth, {
					action: change.action,
					targetType: 'user',
					targetId: userId,
					targetLabel: target.displayName,
					before: { role: target.role, status: target.status },
					after: { ...change.details, ...change.changes }
				});
			});
			this.realtime.disconnectUser(userId);
		}
		return toMe((await this.repo.findMember(userId))!);
	}
}
