import type { QueueChange, ServerToClientEvents } from './events.ts';

/**
 * What services may ask of the realtime layer. Services call it only after their
 * transaction has committed. The gateway implements it once socket.io is attached; until
 * then (CLI scripts, tests without sockets) calls are no-ops.
 */
export interface RealtimePublisher {
	/** Closes every socket of this user (logout everywhere, role change, suspension). */
	disconnectUser(userId: string): void;
	/** Closes the sockets opened with this session (single logout). */
	disconnectSession(sessionId: string): void;
	/** Takes the user's sockets out of every room of this space (left, removed). */
	evictFromSpace(userId: string, spaceId: string): Promise<void>;
	/** Takes every socket whose user fails `keep` out of the space's rooms (visibility narrowed). */
	evictFromSpaceUnless(spaceId: string, keep: (userId: string | null) => boolean): Promise<void>;
	emitToUser<E extends keyof ServerToClientEvents>(
		userId: string,
		event: E,
		payload: Parameters<ServerToClientEvents[E]>[0]
	): void;
	emitToThread<E extends keyof ServerToClientEvents>(
		thread: { spaceId: string; threadId: string },
		event: E,
		payload: Parameters<ServerToClientEvents[E]>[0]
	): void;
	emitToSpace<E extends keyof ServerToClientEvents>(
		spaceId: string,
		event: E,
		payload: Parameters<ServerToClientEvents[E]>[0]
	): void;
	/** To the moderators watching the space's review queue. */
	emitToQueue(change: QueueChange): void;
	/** To an event's live room: everyone in it, its moderators only, or everyone but its moderators. */
	emitToEventRoom<E extends keyof ServerToClientEvents>(
		room: { spaceId: string; eventId: string; audience?: 'all' | 'moderators' | 'others' },
		event: E,
		payload: Parameters<ServerToClientEvents[E]>[0]
	): void;
}

export class LateBoundPublisher implements RealtimePublisher {
	private target: RealtimePublisher | null = null;
	private readonly listeners: (() => void)[] = [];

	bind(target: RealtimePublisher) {
		this.target = target;
	}

	/** Called after every published change of shared content (the anonymous page cache empties). */
	onChange(listener: () => void) {
		this.listeners.push(listener);
	}

	private changed() {
		for (const listener of this.listeners) listener();
	}

	disconnectUser(userId: string) {
		this.target?.disconnectUser(userId);
	}

	disconnectSession(sessionId: string) {
		this.target?.disconnectSession(sessionId);
	}

	async evictFromSpace(userId: string, spaceId: string) {
		this.changed();
		await this.target?.evictFromSpace(userId, spaceId);
	}

	async evictFromSpaceUnless(spaceId: string, keep: (userId: string | null) => boolean) {
		this.changed();
		await this.target?.evictFromSpaceUnless(spaceId, keep);
	}

	emitToUser: RealtimePublisher['emitToUser'] = (userId, event, payload) => this.target?.emitToUser(userId, event, payload);
	emitToThread: RealtimePublisher['emitToThread'] = (thread, event, payload) => {
		this.changed();
		this.target?.emitToThread(thread, event, payload);
	};
	emitToQueue(change: QueueChange) {
		this.target?.emitToQueue(change);
	}
	emitToSpace: RealtimePublisher['emitToSpace'] = (spaceId, event, payload) => {
		this.changed();
		this.target?.emitToSpace(spaceId, event, payload);
	};
	emitToEventRoom: RealtimePublisher['emitToEventRoom'] = (room, event, payload) => {
		this.changed();
		this.target?.emitToEventRoom(room, event, payload);
	};
}
