// Turns lesson markdown into HTML that is safe to put in a pupil's page: facts substituted,
// images pointed at the asset route, raw HTML escaped, and the result sanitised.

import { randomUUID } from 'node:crypto';
import type { Token, Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { Fact } from './types';
import { ASSET_PREFIX, assetUrl, imageTarget } from './images';
import {
	lexBlocks,
	lexInline,
	plainText,
	readFence,
	renderBlockTokens,
	renderInlineTokens
} from './markdown';
import { FACT_REF, escapeHtml } from './text';

export interface RenderContext {
	/** The lesson file, relative to the lessons folder: images are found beside it. */
	file: string;
	facts: ReadonlyMap<string, Fact>;
}

/** Replace known {{name}} references; unknown ones stay visible so the mistake can be seen. */
export function substituteFacts(text: string, facts: ReadonlyMap<string, Fact>): string {
	if (!text.includes('{{')) return text;
	return text.replace(FACT_REF, (whole, name: string) => facts.get(name.trim())?.text ?? whole);
}

const SANITIZE: sanitizeHtml.IOptions = {
	allowedTags: [
		'p',
		'br',
		'hr',
		'h2',
		'h3',
		'h4',
		'h5',
		'h6',
		'strong',
		'em',
		'del',
		's',
		'code',
		'pre',
		'blockquote',
		'ul',
		'ol',
		'li',
		'a',
		'img',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td'
	],
	allowedAttributes: {
		a: ['href', 'title', 'target', 'rel'],
		img: ['src', 'alt', 'title'],
		ol: ['start'],
		th: ['align'],
		td: ['align']
	},
	allowedSchemes: ['http', 'https', 'mailto', 'tel'],
	// Images only from our own asset route: no scheme at all.
	allowedSchemesByTag: { img: [] },
	allowedSchemesAppliedToAttributes: ['href', 'src'],
	allowProtocolRelative: false,
	disallowedTagsMode: 'discard',
	parseStyleAttributes: false,
	transformTags: {
		a: (tagName, attribs) => {
			const href = attribs.href ?? '';
			const external = /^https?:\/\//i.test(href);
			const { target: _target, rel: _rel, ...rest } = attribs;
			return {
				tagName,
				attribs: external ? { ...rest, target: '_blank', rel: 'noopener noreferrer' } : rest
			};
		}
	},
	exclusiveFilter: (frame) =>
		frame.tag === 'img' && !(frame.attribs.src ?? '').startsWith(ASSET_PREFIX)
};

/** The last line of defence: whatever reaches a page goes through this allow-list. */
export function sanitize(html: string): string {
	// Plain text cannot hold an element or attribute; most option and prompt texts are plain.
	if (!html.includes('<')) return html;
	try {
		return sanitizeHtml(html, SANITIZE);
	} catch {
		// Never expected; if the sanitiser fails, show the markup as text rather than trust it.
		return escapeHtml(html);
	}
}

/** Copy tokens, substituting facts and pointing images at the asset route. */
function prepare(tokens: readonly Token[], context: RenderContext): Token[] {
	return tokens.map((token) => prepareToken(token, context));
}

function prepareToken(token: Token, context: RenderContext): Token {
	const facts = context.facts;
	switch (token.type) {
		case 'text':
		case 'codespan': {
			const copy = { ...token, text: substituteFacts(token.text as string, facts) } as Token;
			if ('tokens' in token && Array.isArray(token.tokens)) {
				(copy as Tokens.Text).tokens = prepare(token.tokens, context);
			}
			return copy;
		}
		case 'code': {
			const kind = readFence(token.raw)?.kind;
			// Teacher notes, answers or the home sheet nested where they should not be: never shown.
			if (kind === 'teacher' || kind === 'quiz' || kind === 'home')
				return { type: 'space', raw: '' };
			return { ...token, text: substituteFacts((token as Tokens.Code).text, facts) } as Token;
		}
		case 'link': {
			const link = token as Tokens.Link;
			return {
				...link,
				href: substituteFacts(link.href, facts),
				title: link.title ? substituteFacts(link.title, facts) : link.title,
				text: substituteFacts(link.text, facts),
				tokens: prepare(link.tokens, context)
			};
		}
		case 'image': {
			const image = token as Tokens.Image;
			const alt = substituteFacts(image.text, facts);
			const target = imageTarget(image.href, context.file);
			if (!target.ok) return { type: 'text', raw: image.raw, text: alt, escaped: false } as Token;
			return {
				...image,
				href: assetUrl(target.path),
				text: alt,
				title: image.title ? substituteFacts(image.title, facts) : image.title,
				tokens: prepare(image.tokens ?? [], context)
			};
		}
		case 'list': {
			const list = token as Tokens.List;
			return {
				...list,
				items: list.items.map((item) => ({ ...item, tokens: prepare(item.tokens, context) }))
			};
		}
		case 'table': {
			const table = token as Tokens.Table;
			const cell = (c: Tokens.TableCell): Tokens.TableCell => ({
				...c,
				tokens: prepare(c.tokens, context)
			});
			return {
				...table,
				header: table.header.map(cell),
				rows: table.rows.map((row) => row.map(cell))
			};
		}
		default:
			if ('tokens' in token && Array.isArray(token.tokens)) {
				return { ...token, tokens: prepare(token.tokens, context) } as Token;
			}
			return token;
	}
}

/**
 * The raw renderers below produce HTML that is NOT yet sanitised: every result must go through
 * sanitize() or sanitizeAll() before it reaches a page. They exist so that a whole lesson can be
 * sanitised in one call (see sanitizeAll).
 */
export function renderTokensRaw(tokens: readonly Token[], context: RenderContext): string {
	try {
		return renderBlockTokens(prepare(tokens, context));
	} catch {
		return `<p>${escapeHtml(tokens.map((t) => t.raw).join(''))}</p>`;
	}
}

export function renderMarkdownRaw(source: string, context: RenderContext): string {
	try {
		return renderTokensRaw(lexBlocks(source), context);
	} catch {
		return `<p>${escapeHtml(source)}</p>`;
	}
}

export function renderInlineRaw(source: string, context: RenderContext): string {
	try {
		return renderInlineTokens(prepare(lexInline(source), context));
	} catch {
		return escapeHtml(source);
	}
}

/** Block markdown tokens (already lexed) to safe HTML. */
export function renderTokens(tokens: readonly Token[], context: RenderContext): string {
	return sanitize(renderTokensRaw(tokens, context));
}

/** Block markdown (paragraphs, lists…) to safe HTML. */
export function renderMarkdown(source: string, context: RenderContext): string {
	return sanitize(renderMarkdownRaw(source, context));
}

/** Inline markdown (emphasis, links, code) to safe HTML, for prompts, options and feedback. */
export function renderInline(source: string, context: RenderContext): string {
	return sanitize(renderInlineRaw(source, context));
}

/**
 * Sanitise many pieces of HTML at once. sanitize-html has a fixed cost per call that is larger
 * than the work for a small piece, and a lesson has dozens of pieces. They are joined with a
 * marker made fresh for each call (so lesson text cannot forge it), sanitised together and split
 * again; if the pieces do not come back one for one, each is sanitised on its own instead.
 */
export function sanitizeAll(pieces: readonly string[]): string[] {
	const marked = pieces.map((piece) => piece.includes('<'));
	const dirty = pieces.filter((_, i) => marked[i]);
	if (dirty.length < 2) return pieces.map(sanitize);
	const marker = `\uE000${randomUUID()}\uE000`;
	let parts: string[];
	try {
		parts = sanitizeHtml(dirty.join(marker), SANITIZE).split(marker);
	} catch {
		return pieces.map(sanitize);
	}
	if (parts.length !== dirty.length) return pieces.map(sanitize);
	let next = 0;
	return pieces.map((piece, i) => (marked[i] ? parts[next++] : piece));
}

/** A heading's visible text with facts substituted, as plain text (not HTML). */
export function renderTitle(tokens: readonly Token[], context: RenderContext): string {
	try {
		return plainText(prepare(tokens, context));
	} catch {
		return substituteFacts(tokens.map((t) => t.raw).join(''), context.facts);
	}
}
