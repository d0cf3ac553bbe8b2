/** The fiche form as typed: strings only, so a failed submission re-renders it exactly. */
export interface IndicatorRow {
	name: string;
	value: string;
	unit: string;
	year: string;
}
export interface LinkRow {
	label: string;
	url: string;
}

export interface ExperienceFormState {
	values: Record<string, string>;
	countries: string[];
	targets: string[];
	organisations: string[];
	indicators: IndicatorRow[];
	links: LinkRow[];
}

export type RowGroup = 'organisations' | 'indicators' | 'links';

export interface PlaceOptions {
	regions: { code: string; name: string }[];
	region: { code: string; name: string }[];
	other: { code: string; name: string }[];
	currencies: string[];
}

/** A fiche's content ready to show: Markdown rendered by the server, places and contact named. */
export interface ExperienceView {
	content: import('$server/modules/experiences/content').ExperienceContent;
	html: Record<'benefits' | 'results' | 'difficulties' | 'lessons', string>;
	places: string[];
	contact: { displayName: string; url: string } | null;
}

/** One field's value, made readable by the server. */
export type Cell = { text: string } | { html: string } | { list: string[] } | { links: { label: string; url: string }[] };
