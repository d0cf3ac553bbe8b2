import { eq, inArray } from 'drizzle-orm';
import type { Auth } from '../../server/auth/auth.ts';
import type { BlobStorage } from '../../server/lib/storage.ts';
import { AttachmentsService } from '../../server/modules/experiences/attachments.service.ts';
import type { ExperienceContent } from '../../server/modules/experiences/content.ts';
import { ExperiencesService } from '../../server/modules/experiences/experiences.service.ts';
import type { NotificationsService } from '../../server/modules/notifications/notifications.service.ts';
import type { SpacesService } from '../../server/modules/spaces/spaces.service.ts';
import type { ThreadsService } from '../../server/modules/threads/threads.service.ts';
import type { RealtimePublisher } from '../../server/realtime/publisher.ts';
import type { Database } from '../client.ts';
import { experiences, users } from '../schema/index.ts';
import { demoFiches, thiesPenetration, thiesReportLines } from './experience-fiches.ts';
import { barChartPng, minimalPdf } from './experience-files.ts';

/**
 * The demo fiches d'expérience, written through the services so that each step leaves the
 * rows a real one would (versions, audit log, the discussion thread opened at publication):
 * four published fiches in four countries, the first revised into a second version and
 * carrying a PDF report and a PNG chart, and a fifth waiting in the review queue.
 */
export async function seedDemoExperiences(
	db: Database,
	deps: {
		threads: ThreadsService;
		spaces: SpacesService;
		notifications: NotificationsService;
		realtime: RealtimePublisher;
		authOf: (email: string) => NonNullable<Auth>;
		/** Where the demo attachments go: the app's own storage (server/lib/storage.ts). */
		storage: BlobStorage;
	}
): Promise<void> {
	const { authOf } = deps;
	// The origin only serves the absolute links of exports, which seeding never makes.
	const service = new ExperiencesService(db, deps.spaces, deps.threads, deps.notifications, 'http://localhost');
	const attachments = new AttachmentsService(db, deps.spaces.repo, deps.storage);
	const animation = authOf('animation@example.org');
	const handles = new Map(
		(await db.select({ email: users.email, handle: users.handle }).from(users).where(eq(users.isDemo, true))).map((u) => [
			u.email,
			u.handle
		])
	);

	const created: string[] = [];
	for (const fiche of demoFiches) {
		const author = authOf(fiche.author);
		// The contact named by @handle, as the form does (the service checks they are an active member).
		const contactHandle = handles.get(fiche.contact ?? fiche.author);
		const content: Partial<ExperienceContent> & { contactHandle?: string } = {
			...fiche.content,
			...(contactHandle ? { contactHandle: `@${contactHandle}` } : { contactUserId: author.user.id })
		};
		const { id } = await service.create(author, { spaceSlug: fiche.space, content });
		created.push(id);
		for (const email of fiche.coAuthors ?? []) {
			const handle = handles.get(email);
			if (handle) await service.addAuthor(author, id, handle);
		}
		await service.submit(author, id);
		if (fiche.state === 'submitted') continue;
		await service.publish(animation, id);

		if (fiche.revision) {
			// The annual report and the chart, then the 2024 figures as a second version.
			await attachments.upload(author, id, {
				filename: 'Rapport annuel 2024.pdf',
				bytes: minimalPdf(thiesReportLines)
			});
			await attachments.upload(author, id, {
				filename: 'Taux de pénétration 2019-2024.png',
				bytes: barChartPng(thiesPenetration)
			});
			const current = await service.get(author, id);
			await service.update(author, id, { ...current.content, ...fiche.revision });
			await service.submit(author, id);
			await service.publish(animation, id);

			// A first exchange under the fiche, in its own thread.
			const thread = (await service.get(author, id)).thread;
			if (thread) {
				await deps.threads.reply(authOf('membre@example.org'), thread.id, {
					body:
						'Merci pour cette fiche. À Bobo-Dioulasso, nous hésitons à caler la cotisation sur la récolte : ' +
						'comment gérez-vous les adhérents qui ne sont pas agriculteurs (commerçants, artisans) ?'
				});
				await deps.threads.reply(author, thread.id, {
					body:
						'Pour eux, nous gardons un paiement mensuel, par téléphone mobile depuis 2024. ' +
						'Les deux calendriers coexistent sans difficulté dans le registre des adhérents.'
				});
			}
		}
	}

	if (created.length > 0) await db.update(experiences).set({ isDemo: true }).where(inArray(experiences.id, created));
}
