import type { Readable } from 'node:stream';
import type { Database } from '../../../db/client.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { newStorageKey, type BlobStorage } from '../../lib/storage.ts';
import { checkUpload, TooManyAttachmentsError } from '../experiences/attachments.service.ts';
import { MAX_ATTACHMENTS } from '../experiences/attachments.schema.ts';
import { recordAudit } from '../moderation/audit.ts';
import type { SpacesService } from '../spaces/spaces.service.ts';
import { loadEditableContext, loadEventContext } from './access.ts';
import type { EventsRepository } from './events.repository.ts';
import { toDocument } from './events.output.ts';
import type { EventDocumentOutput } from './events.schema.ts';

/** Documents attached to an event (slides, reports): stored like a fiche's attachments, read by whoever reads the event. */
export class EventDocumentsService {
	constructor(
		private db: Database,
		private repo: EventsRepository,
		private spaces: SpacesService,
		readonly storage: BlobStorage
	) {}

	async documents(auth: Auth, eventId: string): Promise<EventDocumentOutput[]> {
		await loadEventContext(this.db, this.spaces, auth, eventId);
		return (await this.repo.documents(eventId)).map(toDocument);
	}

	/**
	 * Attaches a document (slides, report) — organisers only; the same checks as a fiche's
	 * attachments (name, size, type from the bytes), at most 20 per event. Audited.
	 */
	async uploadDocument(auth: Auth, eventId: string, input: { filename: string; bytes: Buffer }): Promise<EventDocumentOutput> {
		const actor = requireUser(auth);
		const ctx = await loadEditableContext(this.db, this.spaces, auth, eventId);
		const { filename, mimeType, sha256 } = checkUpload(input.filename, input.bytes);
		const storageKey = newStorageKey();
		await this.storage.put(storageKey, input.bytes);
		try {
			const row = await this.db.transaction(async (tx) => {
				// Locks the event so that two uploads at once cannot both pass the count.
				await this.repo.lock(tx, eventId);
				if ((await this.repo.documentCount(tx, eventId)) >= MAX_ATTACHMENTS) throw new TooManyAttachmentsError();
				const inserted = await this.repo.insertDocument(tx, {
					eventId,
					storageKey,
					filename,
					mimeType,
					size: input.bytes.length,
					sha256,
					uploadedBy: actor.user.id
				});
				await recordAudit(tx, actor, {
					action: 'event.document.add',
					spaceId: ctx.event.spaceId,
					targetType: 'event',
					targetId: eventId,
					targetLabel: ctx.event.title,
					after: { documentId: inserted.id, filename, mimeType, size: input.bytes.length, sha256 }
				});
				return inserted;
			});
			return toDocument(row);
		} catch (error) {
			await this.storage.delete(storageKey).catch(() => {});
			throw error;
		}
	}

	/** The bytes of a document, for whoever may read the event (404 otherwise). */
	async openDocument(
		auth: Auth,
		eventId: string,
		documentId: string
	): Promise<{ stream: Readable; filename: string; mimeType: string; size: number; sha256: string }> {
		await loadEventContext(this.db, this.spaces, auth, eventId);
		const row = await this.repo.document(eventId, documentId);
		if (!row) throw new NotFoundError();
		const stream = await this.storage.get(row.storageKey).catch(() => {
			throw new NotFoundError();
		});
		return { stream, filename: row.filename, mimeType: row.mimeType, size: row.size, sha256: row.sha256 };
	}

	/** Removes a document (organisers); audited; the bytes are deleted after commit. */
	async removeDocument(auth: Auth, eventId: string, documentId: string): Promise<void> {
		const actor = requireUser(auth);
		const ctx = await loadEditableContext(this.db, this.spaces, auth, eventId);
		const row = await this.repo.document(eventId, documentId);
		if (!row) throw new NotFoundError();
		await this.db.transaction(async (tx) => {
			await this.repo.deleteDocument(tx, row.id);
			await recordAudit(tx, actor, {
				action: 'event.document.remove',
				spaceId: ctx.event.spaceId,
				targetType: 'event',
				targetId: eventId,
				targetLabel: ctx.event.title,
				before: { documentId: row.id, filename: row.filename, mimeType: row.mimeType, size: row.size, sha256: row.sha256 }
			});
		});
		await this.storage.delete(row.storageKey).catch(() => {});
	}
}
