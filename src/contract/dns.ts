import { z } from 'zod';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** "" or "@" (the apex), a label, or dotted labels; each label [a-z0-9_-]{1,63}, no edge "-". */
export function isValidSubdomain(value: string): boolean {
  if (value === '' || value === '@') return true;
  return value.split('.').every((label) => LABEL.test(label));
}

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export const UpsertDnsRecordRequest = z.object({
  subdomain: z
    .string({ error: 'must be a string ("" or "@" for the apex)' })
    .max(253, { error: 'must be at most 253 characters' })
    .refine(isValidSubdomain, {
      error: 'each label must be 1-63 of [a-z0-9_-], not starting or ending with "-"',
    }),
  ip: z.string({ error: 'must be a dotted IPv4 address' }).refine(isIpv4, { error: 'must be a dotted IPv4 address' }),
});
export type UpsertDnsRecordRequest = z.infer<typeof UpsertDnsRecordRequest>;

export const DnsRecord = z.object({
  id: z.string(),
  name: z.string(),
  destination: z.string(),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

export const DnsUpsertResponse = z.object({
  apex: z.string(),
  provider: z.string(),
  fqdn: z.string(),
  records: z.array(DnsRecord),
});
export type DnsUpsertResponse = z.infer<typeof DnsUpsertResponse>;

export const DnsListResponse = z.object({
  apex: z.string(),
  provider: z.string(),
  items: z.array(DnsRecord),
});
export type DnsListResponse = z.infer<typeof DnsListResponse>;

export const DnsDeleteResponse = z.object({
  deleted: z.literal(true),
  id: z.string(),
});
export type DnsDeleteResponse = z.infer<typeof DnsDeleteResponse>;
