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
}

export class LateBoundPublisher implements RealtimePublisher {
	private target: RealtimePublisher | null = null;

	bind(target: RealtimePublisher) {
		this.target = target;
	}

	disconnectUser(userId: string) {
		this.target?.disconnectUser(userId);
	}

	disconnectSession(sessionId: string) {
		this.target?.disconnectSession(sessionId);
	}
}
