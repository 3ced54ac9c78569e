/** One address on one interface of a host, as the kernel reports it (`ip -j addr`). */
export interface HostAddress {
  dev: string;
  address: string;
  prefix: number;
  family: 'inet' | 'inet6';
  /** `host` (lo), `link` (fe80::), `global`. */
  scope: string;
  /** An IPv4 alias label other than the interface's own name (`eth0:vip`). */
  label?: string;
  /** IPv4: a further address in a subnet the interface already has (removed with the primary). */
  secondary?: true;
  /** IPv6: duplicate address detection still running; the address does not answer yet. */
  tentative?: true;
  /** IPv6: duplicate address detection found another host with it; the address is unusable. */
  dadfailed?: true;
}

/** A host's interfaces: its addresses, and each interface's MAC (when it has an Ethernet one). */
export interface HostAddresses {
  addresses: HostAddress[];
  /** Interface name → MAC, lower-case. */
  macs: Record<string, string>;
}
