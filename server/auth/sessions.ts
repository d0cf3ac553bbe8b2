import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { sessions, users } from '../../db/schema/index.ts';
import type { Auth } from './auth.ts';
import { newSessionToken, parseSessionToken, secretMatches } from './session-token.ts';

/** A session dies after this long without use… */
export const INACTIVITY_MS = 14 * 24 * 3600_000;
/** …and after this long in any case. */
export const ABSOLUTE_MS = 60 * 24 * 3600_000;
/** Sliding refresh granularity: at most one write per session per hour. */
const TOUCH_MS = 3600_000;

export interface IssuedSession {
	token: string;
	id: string;
	/** When the cookie should expire (sliding window, capped by the absolute lifetime). */
	cookieExpiresAt: Date;
}

export interface ValidatedSession {
	auth: NonNullable<Auth>;
	/** Set when the sliding window moved: the cookie must be sent again with this expiry. */
	refreshedCookieExpiry: Date | null;
}

function cookieExpiry(lastSeenAt: Date, expiresAt: Date): Date {
	return new Date(Math.min(lastSeenAt.getTime() + INACTIVITY_MS, expiresAt.getTime()));
}

export class SessionService {
	constructor(private db: Database) {}

	async create(userId: string, userAgent = '', tx: Pick<Database, 'insert'> = this.db): Promise<IssuedSession> {
		const { id, secretHash, token } = newSessionToken();
		const now = new Date();
		const expiresAt = new Date(now.getTime() + ABSOLUTE_MS);
		await tx.insert(sessions).values({
			id,
			secretHash,
			userId,
			createdAt: now,
			lastSeenAt: now,
			expiresAt,
			userAgent: userAgent.slice(0, 300)
		});
		return { token, id, cookieExpiresAt: cookieExpiry(now, expiresAt) };
	}

	/**
	 * The one validation used by Fastify routes, SvelteKit hooks and the socket handshake.
	 * Unknown, expired, tampered or suspended → null.
	 */
	async validate(token: string | undefined | null): Promise<ValidatedSession | null> {
		const parsed = parseSessionToken(token);
		if (!parsed) return null;
		const [row] = await this.db
			.select({
				id: sessions.id,
				secretHash: sessions.secretHash,
				lastSeenAt: sessions.lastSeenAt,
				expiresAt: sessions.expiresAt,
				user: {
					id: users.id,
					email: users.email,
					displayName: users.displayName,
					role: users.role,
					locale: users.locale,
					status: users.status
				}
			})
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.where(eq(sessions.id, parsed.id))
			.limit(1);
		if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;

		const now = Date.now();
		const dead =
			row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + INACTIVITY_MS <= now || row.user.status !== 'active';
		if (dead) {
			await this.db.delete(sessions).where(eq(sessions.id, row.id));
			return null;
		}

		let refreshedCookieExpiry: Date | null = null;
		if (now - row.lastSeenAt.getTime() >= TOUCH_MS) {
			const lastSeenAt = new Date(now);
			await this.db.update(sessions).set({ lastSeenAt }).where(eq(sessions.id, row.id));
			refreshedCookieExpiry = cookieExpiry(lastSeenAt, row.expiresAt);
		}
		const { status: _status, ...user } = row.user;
		return { auth: { user, session: { id: row.id, expiresAt: row.expiresAt } }, refreshedCookieExpiry };
	}

	async invalidate(sessionId: string): Promise<void> {
		await this.db.delete(sessions).where(eq(sessions.id, sessionId));
	}

	async invalidateAllForUser(
		userId: string,
		options: { except?: string } = {},
		tx: Pick<Database, 'delete'> = this.db
	): Promise<void> {
		await tx
			.delete(sessions)
			.where(options.except ? and(eq(sessions.userId, userId), ne(sessions.id, options.except)) : eq(sessions.userId, userId));
	}

	listForUser(userId: string) {
		return this.db
			.select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, userAgent: sessions.userAgent })
			.from(sessions)
			.where(eq(sessions.userId, userId))
			.orderBy(sessions.lastSeenAt);
	}
}
