import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** 20 random bytes = 160 bits, above the 120 bits the Lucia guide asks for. */
function randomString(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export interface NewToken {
	id: string;
	secretHash: Uint8Array;
	/** `<id>.<secret>`: what the cookie carries; never stored. */
	token: string;
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

export function newSessionToken(): NewToken {
	const id = randomString();
	const secret = randomString();
	return { id, secretHash: hashSecret(secret), token: `${id}.${secret}` };
}

const tokenShape = /^[a-z2-7]{32}\.[a-z2-7]{32}$/;

export function parseSessionToken(token: string | undefined | null): { id: string; secret: string } | null {
	if (!token || !tokenShape.test(token)) return null;
	const [id, secret] = token.split('.') as [string, string];
	return { id, secret };
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
	const candidate = hashSecret(secret);
	return candidate.length === storedHash.length && constantTimeEqual(candidate, storedHash);
}
