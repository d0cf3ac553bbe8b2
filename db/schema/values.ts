/*
 * Enumerated values of the schema, free of any database import so that web code and
 * pure helpers can use them without pulling the ORM into a bundle.
 */

/** Kinds of actors of the network (DOMAIN.md, "Who uses it"). */
export const organisationTypes = [
	'mutuelle',
	'federation_mutuelles',
	'organisation_base',
	'partenaire_social',
	'ong',
	'cooperative',
	'association',
	'gouvernement',
	'collectivite_locale',
	'recherche_formation',
	'consultant',
	'organisation_internationale',
	'cooperation_bilaterale',
	'fondation',
	'bailleur',
	'autre'
] as const;
export type OrganisationType = (typeof organisationTypes)[number];

export const roles = ['member', 'moderator', 'admin'] as const;
export type Role = (typeof roles)[number];

export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];

/** public: anyone reads, members post · members: signed-in members read and post · private: space members only. */
export const spaceVisibilities = ['public', 'members', 'private'] as const;
export type SpaceVisibility = (typeof spaceVisibilities)[number];

export const spaceMemberRoles = ['member', 'moderator'] as const;
export type SpaceMemberRole = (typeof spaceMemberRoles)[number];

/** invited: waiting for the user · requested: waiting for a space moderator. */
export const spaceMemberStatuses = ['active', 'invited', 'requested'] as const;
export type SpaceMemberStatus = (typeof spaceMemberStatuses)[number];

export const threadKinds = ['discussion', 'question', 'announcement'] as const;
export type ThreadKind = (typeof threadKinds)[number];

export const notificationKinds = [
	'mention',
	'reply',
	'accepted',
	'join_decision',
	'invitation',
	// Moderation: a post approved or rejected, a post hidden or restored, a thread locked,
	// moved, closed or deleted, a warning to acknowledge.
	'post_approved',
	'post_rejected',
	'moderation',
	'warning',
	// Events: a reminder before the start, a seat freed for someone on the waiting list, an
	// event changed or cancelled.
	'event_reminder',
	'event_seat',
	'event_update'
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** published: everyone who reads the thread sees it · pending: waiting for review · rejected: back with its author. */
export const postStatuses = ['published', 'pending', 'rejected'] as const;
export type PostStatus = (typeof postStatuses)[number];

export const watchedWordActions = ['block', 'review', 'replace'] as const;
export type WatchedWordAction = (typeof watchedWordActions)[number];

/** What a review queue item is about: a post to approve, or reports on a post or a thread. */
export const queueItemKinds = ['pending_post', 'reported_post', 'reported_thread'] as const;
export type QueueItemKind = (typeof queueItemKinds)[number];

/** A fiche's working copy: draft (authors only) → submitted → published, or returned to its authors. */
export const experienceStatuses = ['draft', 'submitted', 'returned', 'published'] as const;
export type ExperienceStatus = (typeof experienceStatuses)[number];

export const experienceAreas = ['urban', 'rural', 'mixed'] as const;
export type ExperienceArea = (typeof experienceAreas)[number];

/** Mechanisms of social health protection (DOMAIN.md, seed §66–67). */
export const experienceMechanisms = [
	'mutuelle_communautaire',
	'mutuelle_professionnelle',
	'micro_assurance',
	'assurance_obligatoire',
	'subvention_demande',
	'subvention_offre',
	'fonds_equite',
	'autre'
] as const;
export type ExperienceMechanism = (typeof experienceMechanisms)[number];

export const experienceTargets = [
	'secteur_informel',
	'rural_agricole',
	'femmes',
	'jeunes',
	'personnes_agees',
	'malades_chroniques',
	'autres'
] as const;
export type ExperienceTarget = (typeof experienceTargets)[number];

export const contributionFrequencies = ['mensuelle', 'trimestrielle', 'semestrielle', 'annuelle', 'unique', 'autre'] as const;
export type ContributionFrequency = (typeof contributionFrequencies)[number];

/** Kinds of meeting of the network (DOMAIN.md, seed §38 c, §39 f). */
export const eventKinds = ['atelier', 'seminaire', 'webinaire', 'formation'] as const;
export type EventKind = (typeof eventKinds)[number];

export const eventPersonRoles = ['organiser', 'speaker'] as const;
export type EventPersonRole = (typeof eventPersonRoles)[number];

/** registered: has a seat · waiting: on the waiting list, promoted in order when a seat frees. */
export const registrationStatuses = ['registered', 'waiting'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

/** Reminders sent before an event's start: 24 hours and 1 hour. */
export const reminderKinds = ['24h', '1h'] as const;
export type ReminderKind = (typeof reminderKinds)[number];

/** A live room's chat line: a participant's message or an organiser's announcement (pinned at the top). */
export const roomMessageKinds = ['message', 'announcement'] as const;
export type RoomMessageKind = (typeof roomMessageKinds)[number];

/**
 * An outgoing e-mail: pending (waiting for the SMTP sender) → sent or failed; local when
 * no SMTP_URL is configured: kept in the outbox for admins to read, never dropped.
 */
export const mailStatuses = ['pending', 'sent', 'failed', 'local'] as const;
export type MailStatus = (typeof mailStatuses)[number];
