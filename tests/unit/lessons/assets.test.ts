import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLessonAsset } from '../../../src/lib/server/lessons/assets';

let root: string;
let lessons: string;

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'think-safe-assets-'));
	lessons = path.join(root, 'lessons');
	fs.mkdirSync(path.join(lessons, 'unit 1', 'images'), { recursive: true });
	fs.mkdirSync(path.join(lessons, '_drafts'));
	fs.writeFileSync(path.join(lessons, 'unit 1', 'images', 'chat photo.png'), 'png');
	fs.writeFileSync(path.join(lessons, 'logo.SVG'), '<svg/>');
	fs.writeFileSync(path.join(lessons, 'pic.jpeg'), 'jpeg');
	fs.writeFileSync(path.join(lessons, 'lesson.md'), '# lesson');
	fs.writeFileSync(path.join(lessons, '.secret.png'), 'x');
	fs.writeFileSync(path.join(lessons, '_drafts', 'draft.png'), 'x');
	fs.writeFileSync(path.join(root, 'outside.png'), 'outside');
	fs.mkdirSync(path.join(lessons, 'folder.png'));
	// Links: one pointing out of the folder, one inside it, one to a lesson's source.
	fs.symlinkSync(path.join(root, 'outside.png'), path.join(lessons, 'escape.png'));
	fs.symlinkSync(root, path.join(lessons, 'up'));
	fs.symlinkSync(path.join(lessons, 'pic.jpeg'), path.join(lessons, 'alias.jpg'));
	fs.symlinkSync(path.join(lessons, 'lesson.md'), path.join(lessons, 'source.png'));
});

afterAll(() => {
	fs.rmSync(root, { recursive: true, force: true });
});

describe('resolveLessonAsset', () => {
	it('serves an image inside the lessons folder with its content type', () => {
		expect(resolveLessonAsset(lessons, 'unit 1/images/chat photo.png')).toEqual({
			ok: true,
			file: fs.realpathSync(path.join(lessons, 'unit 1', 'images', 'chat photo.png')),
			contentType: 'image/png'
		});
		expect(resolveLessonAsset(lessons, 'logo.SVG')).toMatchObject({
			ok: true,
			contentType: 'image/svg+xml'
		});
		expect(resolveLessonAsset(lessons, 'pic.jpeg')).toMatchObject({
			ok: true,
			contentType: 'image/jpeg'
		});
	});

	it('accepts a path that is still percent-encoded', () => {
		expect(resolveLessonAsset(lessons, 'unit%201/images/chat%20photo.png')).toMatchObject({
			ok: true
		});
	});

	it('follows a link that stays inside the folder', () => {
		expect(resolveLessonAsset(lessons, 'alias.jpg')).toMatchObject({
			ok: true,
			contentType: 'image/jpeg'
		});
	});

	it.each([
		['../outside.png', 400],
		['unit 1/../../outside.png', 400],
		['%2e%2e/outside.png', 400],
		['..%2foutside.png', 400],
		['/etc/passwd.png', 400],
		['%2fetc%2fpasswd.png', 400],
		['C:/Windows/x.png', 400],
		['unit 1\\images\\chat photo.png', 400],
		['pic.jpeg\0.png', 400],
		['pic.jpeg%00.png', 400],
		['%E0%A4%A', 400],
		['./pic.jpeg', 400],
		['unit 1//images/chat photo.png', 400],
		['', 400]
	])('refuses the path %j (%i)', (requested, status) => {
		expect(resolveLessonAsset(lessons, requested)).toMatchObject({ ok: false, status });
	});

	it('refuses a link that leads outside the folder', () => {
		expect(resolveLessonAsset(lessons, 'escape.png')).toMatchObject({ ok: false, status: 403 });
		expect(resolveLessonAsset(lessons, 'up/outside.png')).toMatchObject({ ok: false, status: 403 });
	});

	it('refuses an image name that links to something that is not an image', () => {
		expect(resolveLessonAsset(lessons, 'source.png')).toMatchObject({ ok: false, status: 403 });
	});

	it('refuses hidden files and drafts', () => {
		expect(resolveLessonAsset(lessons, '.secret.png')).toMatchObject({ ok: false, status: 403 });
		expect(resolveLessonAsset(lessons, '_drafts/draft.png')).toMatchObject({
			ok: false,
			status: 403
		});
	});

	it('refuses anything but png, jpg, jpeg, gif, webp and svg', () => {
		expect(resolveLessonAsset(lessons, 'lesson.md')).toMatchObject({ ok: false, status: 403 });
		expect(resolveLessonAsset(lessons, 'facts.yml')).toMatchObject({ ok: false, status: 403 });
		expect(resolveLessonAsset(lessons, 'page.html')).toMatchObject({ ok: false, status: 403 });
	});

	it('answers 404 for a missing image or a folder', () => {
		expect(resolveLessonAsset(lessons, 'missing.png')).toMatchObject({ ok: false, status: 404 });
		expect(resolveLessonAsset(lessons, 'folder.png')).toMatchObject({ ok: false, status: 404 });
		expect(resolveLessonAsset(path.join(root, 'no-such-dir'), 'pic.jpeg')).toMatchObject({
			ok: false,
			status: 404
		});
	});
});
