import { and, asc, desc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { createTransport, type Mail } from 'nodemailer';
import type { Database, Transaction } from '../../../db/client.ts';
import { mailOutbox } from '../../../db/schema/index.ts';
import type { MailStatus } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import type { Config } from '../../config.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { eventMail, type EventMailInput } from './templates.ts';

/** One e-mail to write to the outbox. The text is final: composed in the recipient's language. */
export interface OutgoingMail {
	/** The recipient's account (null for an address outside the network). */
	userId: string | null;
	to: string;
	subject: string;
	text: string;
	/** What it is about (`event_reminder`, `event_seat`…), shown in the admins' outbox. */
	topic: string;
}

export interface SenderOptions {
	/** Rows claimed per transaction: small, so that several processes share the work. */
	batchSize: number;
	/** Attempts before a row is given up as `failed`. */
	maxAttempts: number;
	/** Wait after the first failure; doubles at each further one. */
	backoffMs: number;
	/** How long a claimed row stays invisible to other senders while this one talks to SMTP. */
	leaseMs: number;
}

export const defaultSenderOptions: SenderOptions = { batchSize: 10, maxAttempts: 5, backoffMs: 60_000, leaseMs: 10 * 60_000 };

export interface SendReport {
	sent: number;
	retried: number;
	failed: number;
}

export interface OutboxListItem {
	id: string;
	status: MailStatus;
	to: string;
	subject: string;
	topic: string;
	attempts: number;
	lastError: string | null;
	createdAt: string;
	sentAt: string | null;
}

export interface OutboxItem extends OutboxListItem {
	text: string;
	nextAttemptAt: string;
}

type Executor = Database | Transaction;

/** Who an event e-mail goes to: their address, language, name and zone (the time is shown in it too). */
export interface EventMailRecipient {
	id: string;
	email: string;
	locale: EventMailInput['locale'];
	displayName?: string | null | undefined;
	/** The member's own zone (see `viewerTimeZone` in events/time-zones.ts). */
	timeZone?: string | null | undefined;
}

export type EventMailContent = Omit<EventMailInput, 'locale' | 'displayName' | 'viewerTimeZone'>;

/** 50 rows a page in the admins' outbox. */
const OUTBOX_PAGE = 50;

function backoffDelay(options: SenderOptions, attempts: number): number {
	return options.backoffMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * Outgoing e-mail through a transactional outbox: callers write the row in the same
 * transaction as what caused it (a reminder, a seat given), so an e-mail exists exactly
 * when its cause was committed. Without SMTP_URL rows are `local` — kept for admins to
 * read, never dropped; with it, `sendDue` (run by the mail job) delivers `pending` rows.
 */
export class MailService {
	private transport: Mail | undefined;
	private readonly options: SenderOptions;

	constructor(
		private db: Database,
		private config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicOrigin'>,
		options: Partial<SenderOptions> = {}
	) {
		this.options = { ...defaultSenderOptions, ...options };
	}

	/** True when e-mails leave the server (SMTP_URL set); false = local outbox only. */
	get delivers(): boolean {
		return this.config.smtpUrl !== undefined;
	}

	/** Writes e-mails in the caller's transaction (or on their own without one). */
	async enqueue(tx: Executor, mail: OutgoingMail | OutgoingMail[]): Promise<void> {
		const mails = Array.isArray(mail) ? mail : [mail];
		if (mails.length === 0) return;
		const status: MailStatus = this.delivers ? 'pending' : 'local';
		// Due from this process's clock, the one `sendDue` compares with: the database's now()
		// has microseconds, and a row stamped 0.9 ms "later" would wait for the next run.
		const nextAttemptAt = new Date();
		await tx.insert(mailOutbox).values(
			mails.map((m) => ({
				userId: m.userId,
				toAddress: m.to,
				// Titles are typed by members: a line break must never reach the header block.
				subject: m.subject.replace(/[\r\n]+/g, ' '),
				textBody: m.text,
				topic: m.topic,
				status,
				nextAttemptAt
			}))
		);
	}

	/**
	 * An e-mail about an event (reminder, seat given, change, cancellation), composed in the
	 * recipient's language with a link back to the event, written in the caller's transaction.
	 */
	async enqueueEventMail(tx: Executor, recipient: EventMailRecipient, input: EventMailContent): Promise<void> {
		const { subject, text } = eventMail(
			{ ...input, locale: recipient.locale, displayName: recipient.displayName, viewerTimeZone: recipient.timeZone },
			this.config.publicOrigin
		);
		await this.enqueue(tx, { userId: recipient.id, to: recipient.email, subject, text, topic: input.kind });
	}

	private smtp(): Mail {
		this.transport ??= createTransport({
			url: this.config.smtpUrl,
			// A stalled server must not hold a batch for minutes: the row is retried later instead.
			connectionTimeout: 15_000,
			greetingTimeout: 15_000,
			socketTimeout: 30_000
		});
		return this.transport;
	}

	/**
	 * Delivers due `pending` rows, a small batch at a time, until none is left. A batch is
	 * claimed with `FOR UPDATE SKIP LOCKED` and leased (its `next_attempt_at` pushed forward)
	 * in a short transaction: other processes skip the locked rows, then no longer see them
	 * as due once committed. SMTP is talked to outside the transaction, so a slow server never
	 * holds a database connection (PGlite has only one). A process dying mid-send leaves the
	 * row to be retried when the lease ends: at least once, never lost. `at` fixes the
	 * clock (tests of the backoff); by default each batch reads the time.
	 */
	async sendDue(at?: Date): Promise<SendReport> {
		const report: SendReport = { sent: 0, retried: 0, failed: 0 };
		if (!this.delivers) return report;
		const seen = new Set<string>();
		for (;;) {
			const now = at ?? new Date();
			const claimedAt = Date.now();
			const batch = await this.claim(now);
			const fresh = batch.filter((row) => !seen.has(row.id));
			if (fresh.length === 0) return report;
			for (const row of fresh) {
				// A very slow server ate half the lease: leave the rest of the batch to whichever
				// process claims it when the lease ends, rather than risk sending it twice.
				if (Date.now() - claimedAt > this.options.leaseMs / 2) return report;
				seen.add(row.id);
				await this.deliver(row, now, report);
			}
		}
	}

	private async claim(now: Date) {
		return this.db.transaction(async (tx) => {
			const due = await tx
				.select({ id: mailOutbox.id })
				.from(mailOutbox)
				.where(and(eq(mailOutbox.status, 'pending'), lte(mailOutbox.nextAttemptAt, now)))
				.orderBy(asc(mailOutbox.nextAttemptAt))
				.limit(this.options.batchSize)
				.for('update', { skipLocked: true });
			if (due.length === 0) return [];
			return tx
				.update(mailOutbox)
				.set({
					attempts: sql`${mailOutbox.attempts} + 1`,
					nextAttemptAt: new Date(now.getTime() + this.options.leaseMs)
				})
				.where(
					inArray(
						mailOutbox.id,
						due.map((r) => r.id)
					)
				)
				.returning();
		});
	}

	private async deliver(row: typeof mailOutbox.$inferSelect, now: Date, report: SendReport): Promise<void> {
		try {
			await this.smtp().sendMail({ from: this.config.mailFrom, to: row.toAddress, subject: row.subject, text: row.textBody });
		} catch (error) {
			const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
			const giveUp = row.attempts >= this.options.maxAttempts;
			await this.db
				.update(mailOutbox)
				.set(
					giveUp
						? { status: 'failed', lastError }
						: { lastError, nextAttemptAt: new Date(now.getTime() + backoffDelay(this.options, row.attempts)) }
				)
				.where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'pending')));
			if (giveUp) report.failed++;
			else report.retried++;
			return;
		}
		await this.db
			.update(mailOutbox)
			.set({ status: 'sent', sentAt: new Date(), lastError: null })
			.where(eq(mailOutbox.id, row.id));
		report.sent++;
	}

	/** Closes the SMTP connection (app shutdown). */
	close(): void {
		this.transport?.close();
		this.transport = undefined;
	}

	private requireAdmin(auth: Auth) {
		const caller = requireUser(auth);
		if (caller.user.role !== 'admin') throw new ForbiddenError();
		return caller;
	}

	/** The outbox, newest first, for admins: what was sent, is waiting, failed, or stayed local. */
	async outbox(
		auth: Auth,
		query: { status?: MailStatus | undefined; before?: string | undefined } = {}
	): Promise<{ items: OutboxListItem[]; next: string | null; delivers: boolean }> {
		this.requireAdmin(auth);
		// Keyset pagination on (created_at, id): e-mails written in one transaction share a timestamp.
		const [beforeAt, beforeId] = query.before ? decodeCursor(query.before) : [undefined, undefined];
		const rows = await this.db
			.select({
				id: mailOutbox.id,
				status: mailOutbox.status,
				to: mailOutbox.toAddress,
				subject: mailOutbox.subject,
				topic: mailOutbox.topic,
				attempts: mailOutbox.attempts,
				lastError: mailOutbox.lastError,
				createdAt: mailOutbox.createdAt,
				sentAt: mailOutbox.sentAt,
				// Microseconds kept: a JS Date would round them off and skip rows at a page's edge.
				exactAt: sql<string>`${mailOutbox.createdAt}::text`
			})
			.from(mailOutbox)
			.where(
				and(
					query.status ? eq(mailOutbox.status, query.status) : undefined,
					beforeAt && beforeId
						? or(
								sql`${mailOutbox.createdAt} < ${beforeAt}::timestamptz`,
								and(sql`${mailOutbox.createdAt} = ${beforeAt}::timestamptz`, lt(mailOutbox.id, beforeId))
							)
						: undefined
				)
			)
			.orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
			.limit(OUTBOX_PAGE + 1);
		const page = rows.slice(0, OUTBOX_PAGE);
		const last = page.at(-1);
		return {
			items: page.map(({ exactAt: _, ...r }) => ({
				...r,
				createdAt: r.createdAt.toISOString(),
				sentAt: r.sentAt?.toISOString() ?? null
			})),
			next: rows.length > OUTBOX_PAGE && last ? encodeCursor(last.exactAt, last.id) : null,
			delivers: this.delivers
		};
	}

	async outboxItem(auth: Auth, id: string): Promise<OutboxItem> {
		this.requireAdmin(auth);
		const [row] = await this.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
		if (!row) throw new NotFoundError();
		return {
			id: row.id,
			status: row.status,
			to: row.toAddress,
			subject: row.subject,
			topic: row.topic,
			attempts: row.attempts,
			lastError: row.lastError,
			createdAt: row.createdAt.toISOString(),
			sentAt: row.sentAt?.toISOString() ?? null,
			text: row.textBody,
			nextAttemptAt: row.nextAttemptAt.toISOString()
		};
	}
}

function encodeCursor(at: string, id: string): string {
	return Buffer.from(`${at}|${id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor that does not decode is read as "first page" rather than an error: it only ever comes from our own links. */
function decodeCursor(cursor: string): [string, string] | [undefined, undefined] {
	const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
	return at && /^\d{4}-\d\d-\d\d[ T][\d:.+-]+$/.test(at) && id && UUID.test(id) ? [at, id] : [undefined, undefined];
}
