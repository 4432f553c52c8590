// The one configured markdown engine (marked, GFM) shared by the parser and the renderer.
// A dedicated instance, so nothing else in the process can change its options.

import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml } from './text';

const marked = new Marked({ gfm: true, breaks: false });

marked.use({
	renderer: {
		// Raw HTML is not part of the lesson format: show it as text, never as markup.
		html(token) {
			const text = escapeHtml(token.text);
			return token.block ? `<p>${text.trim()}</p>\n` : text;
		},
		// GFM task lists would otherwise render <input> elements, which pupils' pages do not allow.
		checkbox({ checked }) {
			return checked ? '☑ ' : '☐ ';
		},
		// Text after an inline <script> or <pre> tag is marked "escaped" and passed through raw
		// by default; the tag itself is shown as text, so its contents must be escaped too.
		text(token) {
			if ('tokens' in token && token.tokens) return false;
			if ('escaped' in token && token.escaped) return escapeHtml(token.text);
			return false;
		}
	}
});

export function lexBlocks(source: string): Token[] {
	return marked.lexer(source);
}

export function lexInline(source: string): Token[] {
	return marked.Lexer.lexInline(source, marked.defaults);
}

export function renderBlockTokens(tokens: Token[]): string {
	return marked.parser(tokens);
}

export function renderInlineTokens(tokens: Token[]): string {
	return marked.Parser.parseInline(tokens, marked.defaults);
}

/** Visit every token depth-first in document order: inline tokens, list items, table cells. */
export function walk(tokens: readonly Token[], visit: (token: Token) => void): void {
	for (const token of tokens) {
		visit(token);
		if (token.type === 'list') {
			walk((token as Tokens.List).items, visit);
		} else if (token.type === 'table') {
			const table = token as Tokens.Table;
			for (const cell of table.header) walk(cell.tokens, visit);
			for (const row of table.rows) for (const cell of row) walk(cell.tokens, visit);
		} else if ('tokens' in token && Array.isArray(token.tokens)) {
			walk(token.tokens, visit);
		}
	}
}

/** The visible text of inline tokens, for step titles and slugs. */
export function plainText(tokens: readonly Token[]): string {
	let text = '';
	for (const token of tokens) {
		switch (token.type) {
			case 'br':
				text += ' ';
				break;
			case 'image':
				text += (token as Tokens.Image).text;
				break;
			default:
				if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0) {
					text += plainText(token.tokens);
				} else if ('text' in token && typeof token.text === 'string') {
					text += token.text;
				} else {
					text += token.raw;
				}
		}
	}
	return text.replace(/\s+/g, ' ').trim();
}

export interface Fence {
	/** The first word of the info string, lower-cased (`quiz`, `teacher`, `home`, `js`…). */
	kind: string;
	/** Whether a closing fence was found; an unclosed fence runs to the end of the file. */
	closed: boolean;
	/** The lines between the fences, exactly as in the file. */
	content: string;
	/** Offset of `content` within the token's raw text. */
	contentStart: number;
}

/** Read a fenced code block's raw text; undefined for indented code blocks. */
export function readFence(raw: string): Fence | undefined {
	const text = raw.replace(/\n+$/, '');
	const firstBreak = text.indexOf('\n');
	const opening = firstBreak === -1 ? text : text.slice(0, firstBreak);
	const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(opening);
	if (!open) return undefined;
	const fence = open[1];
	const kind = open[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '';
	if (firstBreak === -1) return { kind, closed: false, content: '', contentStart: text.length };
	const contentStart = firstBreak + 1;
	const lastBreak = text.lastIndexOf('\n');
	const lastLine = text.slice(lastBreak + 1);
	const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lastLine);
	const closed = close !== null && close[1][0] === fence[0] && close[1].length >= fence.length;
	const content = closed
		? lastBreak >= contentStart
			? text.slice(contentStart, lastBreak)
			: ''
		: text.slice(contentStart);
	return { kind, closed, content, contentStart };
}
