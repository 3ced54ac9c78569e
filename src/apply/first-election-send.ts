import type { HostRef, Transport } from '../transport/types.js';
import { ifname, ipv4Literal, type AdvertPacket } from './first-election.js';
import { q } from './shell.js';

/**
 * Sends given VRRP messages from a director: perl (perl-base is Essential on Debian, and every
 * Ubuntu/RHEL host has it) with a raw IPv4 socket for protocol 112, so the kernel writes the IP
 * header from the director's own address. The bytes come ready-made (first-election.ts); this
 * only puts them on the wire. They may carry auth_pass: they travel on stdin, one line per
 * packet (`dev src dst hex`), never in argv; the script prints no input back, even on error.
 *
 * Linux option numbers are written out (linux/in.h, asm-generic/socket.h): older perls' Socket
 * module lacks some of the names, and these numbers have not changed since Linux 2.2.
 */
export const SEND_SCRIPT = `use strict; use warnings;
use Socket qw(PF_INET SOCK_RAW inet_aton pack_sockaddr_in);
my ($SOL_SOCKET, $SO_BINDTODEVICE) = (1, 25);
my ($SOL_IP, $IP_TOS, $IP_TTL, $IP_MULTICAST_TTL, $IP_MULTICAST_LOOP) = (0, 1, 2, 33, 34);
my $IPPROTO_VRRP = 112;
my $n = 0;
while (my $line = <STDIN>) {
  chomp $line;
  my ($dev, $src, $dst, $hex) = $line =~ /\\A([A-Za-z0-9_.:\\@+-]{1,15}) ([0-9.]{7,15}) ([0-9.]{7,15}) ((?:[0-9a-f]{2}){8,1100})\\z/
    or die "line $.: not 'dev src dst hex'\\n";
  socket(my $s, PF_INET, SOCK_RAW, $IPPROTO_VRRP) or die "raw socket: $!\\n";
  # Out of the instance's interface (keepalived binds its send socket the same way).
  setsockopt($s, $SOL_SOCKET, $SO_BINDTODEVICE, $dev) or die "bind to $dev: $!\\n";
  # RFC 3768/5798 section 7.1: the receiver drops anything but TTL 255 on the multicast group.
  setsockopt($s, $SOL_IP, $IP_TTL, pack('i', 255)) or die "IP_TTL: $!\\n";
  setsockopt($s, $SOL_IP, $IP_MULTICAST_TTL, pack('i', 255)) or die "IP_MULTICAST_TTL: $!\\n";
  # Not to this director's own speaker: the advert is for the others.
  setsockopt($s, $SOL_IP, $IP_MULTICAST_LOOP, pack('i', 0)) or die "IP_MULTICAST_LOOP: $!\\n";
  setsockopt($s, $SOL_IP, $IP_TOS, pack('i', 0xc0)) or die "IP_TOS: $!\\n";
  my $from = inet_aton($src) or die "source $src\\n";
  my $to = inet_aton($dst) or die "destination $dst\\n";
  bind($s, pack_sockaddr_in(0, $from)) or die "bind to $src: $!\\n";
  my $pkt = pack('H*', $hex);
  my $sent = send($s, $pkt, 0, pack_sockaddr_in(0, $to));
  defined $sent && $sent == length($pkt) or die "send from $src to $dst on $dev: $!\\n";
  close($s);
  $n++;
}
print "sent $n\\n";
`;

/** The command line: the script only (no input, no secret); everything else comes on stdin. */
export const SEND_COMMAND = `perl -e ${q(SEND_SCRIPT)}`;

/** stdin for the script; every field checked again by type (a bug upstream must not become a command). */
export function sendInput(packets: readonly AdvertPacket[]): string {
  return packets
    .map((p) => {
      const dev = ifname(p.dev);
      const src = ipv4Literal(p.src);
      const dst = ipv4Literal(p.dst);
      if (!dev || !src || !dst || !(p.bytes instanceof Uint8Array) || p.bytes.length < 8 || p.bytes.length > 1100) throw new Error('bug: an advert to send failed its type check');
      return `${dev} ${src} ${dst} ${Buffer.from(p.bytes).toString('hex')}\n`;
    })
    .join('');
}

/**
 * Send the packets from `ref`; null when the kernel took all of them, else why not (the
 * script's own words: interface, addresses, errno; never the packet).
 */
export async function sendAdverts(transport: Transport, ref: HostRef, packets: readonly AdvertPacket[], o: { timeoutMs: number; signal?: AbortSignal }): Promise<string | null> {
  const r = await transport.exec(ref, SEND_COMMAND, { privileged: true, stdin: sendInput(packets), timeoutMs: o.timeoutMs, ...(o.signal ? { signal: o.signal } : {}) });
  if (!r.ok) return r.failure.message;
  if (r.value.code === 0 && r.value.stdout.trim() === `sent ${packets.length}`) return null;
  const said = r.value.stderr.trim().split('\n').filter(Boolean).pop() ?? r.value.stdout.trim();
  return `perl on ${ref.name} exited ${r.value.code}${said ? `: ${said.slice(0, 200)}` : ''}`;
}
