// A list of internet addresses and ranges a council writes in a setting (METRICS_ALLOW):
// "127.0.0.1, 10.20.0.0/16, ::1". Node's BlockList does the matching, IPv4 addresses seen
// as IPv6 (::ffff:10.20.0.5) included.
import { BlockList, isIP } from 'node:net';
import { readOpsConfig } from './config';

export interface AddressList {
	/** Whether the address is in the list; an unknown address (null) never is. */
	includes(address: string | null): boolean;
	/** The entries as understood, for the log at start-up. */
	entries: string[];
	/** Entries that are not an address or a range: left out, and said so at start-up. */
	problems: string[];
}

export function parseAddressList(text: string): AddressList {
	const blocks = new BlockList();
	const entries: string[] = [];
	const problems: string[] = [];
	for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
		const added = addEntry(blocks, entry);
		if (added) entries.push(entry);
		else problems.push(`"${entry}" is not an address or a range such as 10.20.0.0/16`);
	}
	return {
		entries,
		problems,
		includes(address) {
			const family = address === null ? 0 : isIP(address);
			return family !== 0 && blocks.check(address!, family === 4 ? 'ipv4' : 'ipv6');
		}
	};
}

function addEntry(blocks: BlockList, entry: string): boolean {
	const [address, prefix, extra] = entry.split('/');
	const family = isIP(address);
	if (family === 0 || extra !== undefined) return false;
	const type = family === 4 ? 'ipv4' : 'ipv6';
	if (prefix === undefined) {
		blocks.addAddress(address, type);
		return true;
	}
	const bits = Number(prefix);
	if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return false;
	blocks.addSubnet(address, bits, type);
	return true;
}

let metricsAllow: AddressList | undefined;

/** Who may read /metrics: METRICS_ALLOW (loopback only unless set), parsed once. */
export function metricsReaders(): AddressList {
	return (metricsAllow ??= parseAddressList(readOpsConfig().metricsAllow));
}

/** For tests: read METRICS_ALLOW again on the next question. */
export function forgetMetricsReaders(): void {
	metricsAllow = undefined;
}
