// A port nothing is listening on, for a server a spec starts itself: fixed ports collide
// when several test runs share a machine.
import net from 'node:net';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen({ host: '127.0.0.1', port: 0 }, () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}
