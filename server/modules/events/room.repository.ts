import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from '../../../db/client.ts';
import { eventMessages, eventMutes, eventQuestions, eventQuestionVotes, events, users } from '../../../db/schema/index.ts';

type Executor = Database | Transaction;

const author = { id: users.id, displayName: users.displayName, handle: users.handle };

export type MessageRow = NonNullable<Awaited<ReturnType<RoomRepository['message']>>>;
export type QuestionRow = NonNullable<Awaited<ReturnType<RoomRepository['question']>>>;

/** The live room's storage: chat lines, questions, votes and mutes of one event. */
export class RoomRepository {
	constructor(private db: Database) {}

	/**
	 * Takes the room's next sequence number. The row lock this update takes serialises every
	 * writer of the room until commit, so sequence order is commit order, without gaps (a
	 * rolled-back change gives its number back).
	 */
	async nextSeq(tx: Transaction, eventId: string): Promise<number> {
		const [row] = await tx
			.update(events)
			.set({ lastSeq: sql`${events.lastSeq} + 1` })
			.where(eq(events.id, eventId))
			.returning({ seq: events.lastSeq });
		return row!.seq;
	}

	/** The event row as it is now (state and last sequence number), read after joining the room. */
	event(eventId: string, tx: Executor = this.db) {
		return tx
			.select()
			.from(events)
			.where(eq(events.id, eventId))
			.limit(1)
			.then((rows) => rows[0]);
	}

	/* Chat lines */

	private messages(tx: Executor = this.db) {
		return tx
			.select({ message: eventMessages, author })
			.from(eventMessages)
			.innerJoin(users, eq(users.id, eventMessages.authorId))
			.$dynamic();
	}

	message(eventId: string, id: string, tx: Executor = this.db) {
		return this.messages(tx)
			.where(and(eq(eventMessages.eventId, eventId), eq(eventMessages.id, id)))
			.limit(1)
			.then((rows) => rows[0]);
	}

	messageByKey(eventId: string, authorId: string, clientKey: string) {
		return this.messages()
			.where(
				and(eq(eventMessages.eventId, eventId), eq(eventMessages.authorId, authorId), eq(eventMessages.clientKey, clientKey))
			)
			.limit(1)
			.then((rows) => rows[0]);
	}

	/** The latest `limit` lines and every pinned one (announcements stay at the top), oldest first. */
	async latestMessages(eventId: string, limit: number) {
		const latest = await this.messages().where(eq(eventMessages.eventId, eventId)).orderBy(desc(eventMessages.seq)).limit(limit);
		const oldest = latest.at(-1)?.message.seq ?? 0;
		const pinned = await this.messages()
			.where(and(eq(eventMessages.eventId, eventId), eq(eventMessages.pinned, true), sql`${eventMessages.seq} < ${oldest}`))
			.orderBy(asc(eventMessages.seq));
		return [...pinned, ...latest.reverse()];
	}

	/** Lines changed after `since`, in the order of their changes. */
	messagesSince(eventId: string, since: number) {
		return this.messages()
			.where(and(eq(eventMessages.eventId, eventId), gt(eventMessages.changedSeq, since)))
			.orderBy(asc(eventMessages.changedSeq));
	}

	/** Every line not removed, in order (the transcript). */
	transcriptMessages(eventId: string) {
		return this.messages()
			.where(and(eq(eventMessages.eventId, eventId), isNull(eventMessages.removedAt)))
			.orderBy(asc(eventMessages.seq));
	}

	async insertMessage(tx: Transaction, values: typeof eventMessages.$inferInsert) {
		const [row] = await tx.insert(eventMessages).values(values).returning({ id: eventMessages.id });
		return row!.id;
	}

	/** Applies a change with its new sequence number; false when there was nothing to change. */
	async updateMessage(
		tx: Transaction,
		eventId: string,
		id: string,
		changes: PgUpdateSetSource<typeof eventMessages> & { changedSeq: number },
		unless?: SQL
	) {
		const rows = await tx
			.update(eventMessages)
			.set(changes)
			.where(and(eq(eventMessages.eventId, eventId), eq(eventMessages.id, id), unless))
			.returning({ id: eventMessages.id });
		return rows.length > 0;
	}

	/* Questions */

	private questions(tx: Executor = this.db) {
		return tx
			.select({ question: eventQuestions, author })
			.from(eventQuestions)
			.innerJoin(users, eq(users.id, eventQuestions.authorId))
			.$dynamic();
	}

	question(eventId: string, id: string, tx: Executor = this.db) {
		return this.questions(tx)
			.where(and(eq(eventQuestions.eventId, eventId), eq(eventQuestions.id, id)))
			.limit(1)
			.then((rows) => rows[0]);
	}

	questionByKey(eventId: string, authorId: string, clientKey: string) {
		return this.questions()
			.where(
				and(eq(eventQuestions.eventId, eventId), eq(eventQuestions.authorId, authorId), eq(eventQuestions.clientKey, clientKey))
			)
			.limit(1)
			.then((rows) => rows[0]);
	}

	/** The room's questions in the Q&A's order: pinned, then most voted, then oldest. */
	listQuestions(eventId: string, options: { hidden: boolean; limit: number }) {
		return this.questions()
			.where(and(eq(eventQuestions.eventId, eventId), options.hidden ? undefined : isNull(eventQuestions.hiddenAt)))
			.orderBy(desc(eventQuestions.pinned), desc(eventQuestions.votes), asc(eventQuestions.seq))
			.limit(options.limit);
	}

	questionsSince(eventId: string, since: number) {
		return this.questions()
			.where(and(eq(eventQuestions.eventId, eventId), gt(eventQuestions.changedSeq, since)))
			.orderBy(asc(eventQuestions.changedSeq));
	}

	/** Questions not hidden, in the order they were asked (the transcript). */
	transcriptQuestions(eventId: string) {
		return this.questions()
			.where(and(eq(eventQuestions.eventId, eventId), isNull(eventQuestions.hiddenAt)))
			.orderBy(asc(eventQuestions.seq));
	}

	async insertQuestion(tx: Transaction, values: typeof eventQuestions.$inferInsert) {
		const [row] = await tx.insert(eventQuestions).values(values).returning({ id: eventQuestions.id });
		return row!.id;
	}

	async updateQuestion(
		tx: Transaction,
		eventId: string,
		id: string,
		changes: PgUpdateSetSource<typeof eventQuestions> & { changedSeq: number },
		unless?: SQL
	) {
		const rows = await tx
			.update(eventQuestions)
			.set(changes)
			.where(and(eq(eventQuestions.eventId, eventId), eq(eventQuestions.id, id), unless))
			.returning({ id: eventQuestions.id });
		return rows.length > 0;
	}

	/** One vote per member: false when this member had already voted. */
	async addVote(tx: Transaction, questionId: string, userId: string) {
		const rows = await tx
			.insert(eventQuestionVotes)
			.values({ questionId, userId })
			.onConflictDoNothing()
			.returning({ questionId: eventQuestionVotes.questionId });
		return rows.length > 0;
	}

	async votedQuestionIds(eventId: string, userId: string) {
		const rows = await this.db
			.select({ id: eventQuestionVotes.questionId })
			.from(eventQuestionVotes)
			.innerJoin(eventQuestions, eq(eventQuestions.id, eventQuestionVotes.questionId))
			.where(and(eq(eventQuestions.eventId, eventId), eq(eventQuestionVotes.userId, userId)));
		return rows.map((r) => r.id);
	}

	/* Mutes */

	async isMuted(eventId: string, userId: string) {
		const rows = await this.db
			.select({ userId: eventMutes.userId })
			.from(eventMutes)
			.where(and(eq(eventMutes.eventId, eventId), eq(eventMutes.userId, userId)))
			.limit(1);
		return rows.length > 0;
	}

	/** Who is muted in the room (moderators see it beside each name). */
	async mutedUserIds(eventId: string) {
		const rows = await this.db.select({ userId: eventMutes.userId }).from(eventMutes).where(eq(eventMutes.eventId, eventId));
		return rows.map((r) => r.userId);
	}

	async mute(tx: Transaction, eventId: string, userId: string, mutedBy: string) {
		const rows = await tx
			.insert(eventMutes)
			.values({ eventId, userId, mutedBy })
			.onConflictDoNothing()
			.returning({ userId: eventMutes.userId });
		return rows.length > 0;
	}

	async unmute(tx: Transaction, eventId: string, userId: string) {
		const rows = await tx
			.delete(eventMutes)
			.where(and(eq(eventMutes.eventId, eventId), eq(eventMutes.userId, userId)))
			.returning({ userId: eventMutes.userId });
		return rows.length > 0;
	}

	/* Members */

	member(id: string) {
		return this.db
			.select(author)
			.from(users)
			.where(eq(users.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	membersByIds(ids: string[]) {
		if (ids.length === 0) return Promise.resolve([]);
		return this.db.select(author).from(users).where(inArray(users.id, ids));
	}
}
