import { isValidSubdomain, type DnsListResponse, type DnsRecord, type DnsUpsertResponse } from '../../contract/index.js';
import type { StubConfig } from '../config.js';
import type { DnsRow } from '../store/dns.js';
import type { StubStore } from '../store/index.js';
import { ApiError, validationError } from './api-error.js';
import type { Faults } from './faults.js';

/** DNS responses name the provider `zone_ee` (settings spell it `zone.ee`, as the spec does). */
const PROVIDER = 'zone_ee';

/** RFC 1035: a domain name is at most 253 characters (without the trailing dot). */
const MAX_FQDN = 253;

const present = (row: DnsRow): DnsRecord => ({ id: String(row.id), name: row.name, destination: row.destination });

/** The vendor-blind DNS proxy, faking zone.ee on STUB_APEX_DOMAIN. */
export class DnsService {
  constructor(
    private readonly config: Pick<StubConfig, 'apexDomain' | 'dnsProvider'>,
    private readonly store: StubStore,
    private readonly faults: Faults,
  ) {}

  /** The partner's DNS setup must be usable before anything else is looked at. */
  requireConfigured(): void {
    if (this.config.dnsProvider === 'none') {
      throw new ApiError('dns_not_configured', 'no DNS provider credentials are configured for this partner; fix in Settings → Domain');
    }
    if (this.config.dnsProvider === 'cloudflare') {
      throw new ApiError('dns_provider_unsupported', 'dns_provider cloudflare is not wired into the DNS proxy yet; switch to zone.ee for now');
    }
  }

  /** Points the FQDN at `ip`, then sweeps duplicates so exactly one A-record is left. */
  upsert(subdomain: string, ip: string): DnsUpsertResponse {
    const fqdn = this.fqdn(subdomain);
    this.callUpstream();
    const existing = this.store.dns.byName(fqdn);
    const keep = existing.find((row) => row.destination === ip) ?? existing[0];
    if (keep) {
      if (keep.destination !== ip) this.store.dns.setDestination(keep.id, ip);
      for (const row of existing) if (row.id !== keep.id) this.store.dns.delete(row.id);
    } else {
      this.store.dns.insert(fqdn, ip);
    }
    return { apex: this.config.apexDomain, provider: PROVIDER, fqdn, records: this.store.dns.byName(fqdn).map(present) };
  }

  /** Every A-record, or one FQDN's: `name` may be a bare label, dotted labels or the full FQDN. */
  list(name: string | undefined): DnsListResponse {
    const fqdn = name === undefined ? undefined : this.fqdnFromName(name);
    this.callUpstream();
    const rows = fqdn === undefined ? this.store.dns.all() : this.store.dns.byName(fqdn);
    return { apex: this.config.apexDomain, provider: PROVIDER, items: rows.map(present) };
  }

  /** Idempotent: deleting an absent record is a success. */
  delete(id: number): { deleted: true; id: string } {
    this.callUpstream();
    this.store.dns.delete(id);
    return { deleted: true, id: String(id) };
  }

  /** Test control: adds a record without the sweep, to stage a stale duplicate. */
  seed(subdomain: string, ip: string): DnsRecord {
    const fqdn = this.fqdn(subdomain);
    const id = this.store.dns.insert(fqdn, ip);
    return { id: String(id), name: fqdn, destination: ip };
  }

  /** The FQDN for a valid subdomain; refused when it would exceed 253 characters with the apex. */
  private fqdn(subdomain: string, field = 'subdomain'): string {
    const fqdn = subdomain === '' || subdomain === '@' ? this.config.apexDomain : `${subdomain}.${this.config.apexDomain}`;
    if (fqdn.length > MAX_FQDN) {
      throw validationError(`${field}: with the apex the name would be ${fqdn.length} characters; a DNS name is at most ${MAX_FQDN}`);
    }
    return fqdn;
  }

  private fqdnFromName(raw: string): string {
    const name = raw.trim().toLowerCase().replace(/\.$/, '');
    const apex = this.config.apexDomain;
    if (name === apex) return apex;
    const label = name.endsWith(`.${apex}`) ? name.slice(0, -apex.length - 1) : name;
    if (label.length > MAX_FQDN || !isValidSubdomain(label)) {
      throw validationError('name: must be a label ("www"), dotted labels ("api.eu") or a full name under the apex');
    }
    return this.fqdn(label, 'name');
  }

  private callUpstream(): void {
    if (this.faults.take('dns_provider_error')) {
      throw new ApiError('dns_provider_error', 'zone.ee answered 503: {"error":"service unavailable","token":"[redacted]"}');
    }
  }
}
