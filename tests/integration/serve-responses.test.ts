// scripts/serve.ts over real HTTP, with a stand-in for SvelteKit's handler: bodies
// compressed on the way out arrive whole (also when the client reads slowly and the
// sockets fill), live streams and small answers go as they are, and every 503 says when
// to try again.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../scripts/serve';
import { BIG_BYTES, bigPage } from '../fixtures/serve-handler';

let server: http.Server;
let url: string;

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen({ host: '127.0.0.1', port: 0 }, () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

beforeAll(async () => {
	const port = await freePort();
	server = await serve({
		handlerUrl: pathToFileURL(path.resolve('tests/fixtures/serve-handler.ts')).href,
		host: '127.0.0.1',
		port,
		shutdownTimeoutMs: 1000,
		headers: { 'X-Content-Type-Options': 'nosniff' }
	});
	url = `http://127.0.0.1:${port}`;
});

afterAll(() => {
	server.closeAllConnections();
	server.close();
});

interface Got {
	status: number;
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

/** A GET that reads the body slowly at first, so that the server's writes back up. */
function get(pathname: string, headers: Record<string, string>, slow = false): Promise<Got> {
	return new Promise((resolve, reject) => {
		http
			.get(`${url}${pathname}`, { headers, agent: false }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => {
					chunks.push(chunk);
					if (slow && chunks.length < 20) {
						response.pause();
						setTimeout(() => response.resume(), 20);
					}
				});
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						raw: Buffer.concat(chunks)
					})
				);
				response.on('error', reject);
			})
			.on('error', reject);
	});
}

describe('responses leaving the server', () => {
	it('a large page goes compressed and arrives whole, in Brotli and in gzip, read slowly or not', async () => {
		const expected = bigPage(BIG_BYTES);
		const br = await get('/big', { 'accept-encoding': 'gzip, deflate, br' }, true);
		const gzip = await get('/big', { 'accept-encoding': 'gzip' }, true);
		const quick = await get('/big', { 'accept-encoding': 'br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(gzip.headers['content-encoding']).toBe('gzip');
		expect(zlib.brotliDecompressSync(br.raw).toString()).toBe(expected);
		expect(zlib.gunzipSync(gzip.raw).toString()).toBe(expected);
		expect(zlib.brotliDecompressSync(quick.raw).toString()).toBe(expected);
		expect(br.raw.length).toBeLessThan(expected.length);
		expect(br.headers['x-content-type-options']).toBe('nosniff');
	});

	it('goes as it is to a client that asks for no compression', async () => {
		const plain = await get('/big', {});
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.raw.toString()).toBe(bigPage(BIG_BYTES));
	});

	it('sends an answer’s small acknowledgement as it is', async () => {
		const got = await get('/acknowledged', { 'accept-encoding': 'br' });
		expect(got.headers['content-encoding']).toBeUndefined();
		expect(JSON.parse(got.raw.toString())).toEqual({ ok: true, created: true });
	});

	it('never compresses a live stream', async () => {
		const first = await new Promise<{ headers: http.IncomingHttpHeaders; text: string }>(
			(resolve, reject) => {
				const request = http.get(
					`${url}/events`,
					{ headers: { 'accept-encoding': 'br, gzip' }, agent: false },
					(response) => {
						response.once('data', (chunk: Buffer) => {
							resolve({ headers: response.headers, text: chunk.toString() });
							request.destroy();
						});
					}
				);
				request.on('error', reject);
			}
		);
		expect(first.headers['content-encoding']).toBeUndefined();
		expect(first.text).toContain('event: state');
	});

	it('tells a client when to try again after a 503', async () => {
		const got = await get('/unavailable', { 'accept-encoding': 'br' });
		expect(got.status).toBe(503);
		expect(got.headers['retry-after']).toBe('5');
	});
});
