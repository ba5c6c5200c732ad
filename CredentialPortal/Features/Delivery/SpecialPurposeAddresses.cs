using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CredentialPortal.Features.Delivery;

/// <summary>How an IPv6 prefix carries an IPv4 address, which then decides too.</summary>
public enum Ipv4Embedding
{
    None = 0,

    /// <summary>The last 32 bits (IPv4-mapped, IPv4-compatible, NAT64 /96).</summary>
    Last32Bits,

    /// <summary>Bits 16–47 (6to4, RFC 3056).</summary>
    SixToFour,

    /// <summary>The last 32 bits inverted: the Teredo client's address (RFC 4380 §4).</summary>
    Teredo,
}

/// <summary>One row of an IANA special-purpose address registry.</summary>
/// <param name="GloballyReachable">The registry's column; null where it says N/A (then an embedded IPv4 decides).</param>
public sealed record SpecialPurposeRange(string Prefix, string Name, string Rfc, bool? GloballyReachable, Ipv4Embedding Embedding = Ipv4Embedding.None)
{
    public IPNetwork Network { get; } = IPNetwork.Parse(Prefix);

    /// <summary>
    /// Whether the address is in the range, comparing the prefix bits directly: IPNetwork.Contains misjudges
    /// IPv4-mapped addresses (::ffff:10.1.2.3 is "in" 2000::/3 and not in ::ffff:0:0/96).
    /// </summary>
    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Network.BaseAddress.AddressFamily)
        {
            return false;
        }
        Span<byte> candidate = stackalloc byte[16];
        Span<byte> prefix = stackalloc byte[16];
        address.TryWriteBytes(candidate, out var length);
        Network.BaseAddress.TryWriteBytes(prefix, out _);
        var bits = Network.PrefixLength;
        for (var i = 0; i < length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((candidate[i] & mask) != (prefix[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// The IANA IPv4 and IPv6 Special-Purpose Address Registries as data, with the multicast, reserved and global-unicast
/// blocks of the address-space registries, and one rule: an address may be connected to only when it is globally
/// reachable. The most specific matching row decides (the registries carve globally reachable /32s out of
/// non-reachable blocks); an IPv4 address in no row is ordinary unicast, an IPv6 address outside 2000::/3 is reserved.
/// Prefixes that embed an IPv4 address (NAT64, 6to4, Teredo, mapped, compatible) are judged by that address as well,
/// so that no spelling of a private address gets through.
/// </summary>
public static class SpecialPurposeAddresses
{
    public static readonly SpecialPurposeRange[] Ipv4 =
    [
        new("0.0.0.0/8", "\"This network\"", "RFC 791", false),
        new("0.0.0.0/32", "\"This host on this network\"", "RFC 1122", false),
        new("10.0.0.0/8", "Private-Use", "RFC 1918", false),
        new("100.64.0.0/10", "Shared Address Space", "RFC 6598", false),
        new("127.0.0.0/8", "Loopback", "RFC 1122", false),
        new("169.254.0.0/16", "Link Local", "RFC 3927", false), // includes 169.254.169.254, cloud metadata
        new("172.16.0.0/12", "Private-Use", "RFC 1918", false),
        new("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", false),
        new("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", false),
        new("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", false),
        new("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", true),
        new("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", true),
        new("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880", false),
        new("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880", false),
        new("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", false),
        new("192.31.196.0/24", "AS112-v4", "RFC 7535", true),
        new("192.52.193.0/24", "AMT", "RFC 7450", true),
        new("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", null),
        new("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", true),
        new("192.168.0.0/16", "Private-Use", "RFC 1918", false),
        new("198.18.0.0/15", "Benchmarking", "RFC 2544", false),
        new("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", false),
        new("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", false),
        new("224.0.0.0/4", "Multicast", "RFC 5771", false),
        new("240.0.0.0/4", "Reserved", "RFC 1112", false),
        new("255.255.255.255/32", "Limited Broadcast", "RFC 8190", false),
    ];

    public static readonly SpecialPurposeRange[] Ipv6 =
    [
        new("::/128", "Unspecified Address", "RFC 4291", false),
        new("::1/128", "Loopback Address", "RFC 4291", false),
        // Deprecated (RFC 4291 §2.5.5.1); no stack routes it, yet some map it onto the IPv4 address.
        new("::/96", "IPv4-compatible Address", "RFC 4291", false, Ipv4Embedding.Last32Bits),
        // On a dual-stack socket this is the IPv4 address itself: only that decides.
        new("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", null, Ipv4Embedding.Last32Bits),
        new("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", true, Ipv4Embedding.Last32Bits),
        new("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", false, Ipv4Embedding.Last32Bits),
        new("100::/64", "Discard-Only Address Block", "RFC 6666", false),
        new("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", false),
        new("2001::/23", "IETF Protocol Assignments", "RFC 2928", false),
        new("2001::/32", "TEREDO", "RFC 4380", null, Ipv4Embedding.Teredo),
        new("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", true),
        new("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", true),
        new("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", true),
        new("2001:2::/48", "Benchmarking", "RFC 5180", false),
        new("2001:3::/32", "AMT", "RFC 7450", true),
        new("2001:4:112::/48", "AS112-v6", "RFC 7535", true),
        new("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", null),
        new("2001:20::/28", "ORCHIDv2", "RFC 7343", true),
        new("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", true),
        new("2001:db8::/32", "Documentation", "RFC 3849", false),
        new("2002::/16", "6to4", "RFC 3056", null, Ipv4Embedding.SixToFour),
        new("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", true),
        new("3fff::/20", "Documentation", "RFC 9637", false),
        new("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", false),
        new("fc00::/7", "Unique-Local", "RFC 4193", false), // includes AWS's fd00:ec2::254 metadata
        new("fe80::/10", "Link-Local Unicast", "RFC 4291", false),
        // From the IPv6 Address Space registry: the one global unicast block, the deprecated site-local block, multicast.
        new("2000::/3", "Global Unicast", "RFC 4291", true),
        new("fec0::/10", "Site-Local (deprecated)", "RFC 3879", false),
        new("ff00::/8", "Multicast", "RFC 4291", false),
    ];

    // Most specific first, so that the first match is the deciding row.
    private static readonly SpecialPurposeRange[] Ipv4BySpecificity = [.. Ipv4.OrderByDescending(r => r.Network.PrefixLength)];
    private static readonly SpecialPurposeRange[] Ipv6BySpecificity = [.. Ipv6.OrderByDescending(r => r.Network.PrefixLength)];

    /// <summary>The deciding row for the address, or null when none applies.</summary>
    public static SpecialPurposeRange? Find(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? Ipv4BySpecificity : Ipv6BySpecificity)
            .FirstOrDefault(range => range.Contains(address));

    /// <summary>Whether the portal may connect to the address: globally reachable, and so is any IPv4 address it carries.</summary>
    public static bool IsGloballyReachable(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes()); // the zone does not change what the address is
        }
        var range = Find(address);
        if (range is null)
        {
            // IPv4 outside every row is allocated unicast; IPv6 outside every row is outside 2000::/3, so reserved.
            return address.AddressFamily == AddressFamily.InterNetwork;
        }
        if (range.GloballyReachable == false)
        {
            return false;
        }
        if (EmbeddedIpv4(address, range.Embedding) is { } embedded)
        {
            return IsGloballyReachable(embedded);
        }
        return range.GloballyReachable == true;
    }

    /// <summary>The IPv4 address an IPv6 address carries by the given embedding.</summary>
    public static IPAddress? EmbeddedIpv4(IPAddress address, Ipv4Embedding embedding)
    {
        if (embedding == Ipv4Embedding.None || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var ipv4 = embedding switch
        {
            Ipv4Embedding.SixToFour => BinaryPrimitives.ReadUInt32BigEndian(bytes[2..6]),
            Ipv4Embedding.Teredo => ~BinaryPrimitives.ReadUInt32BigEndian(bytes[12..16]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(bytes[12..16]),
        };
        Span<byte> result = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(result, ipv4);
        return new IPAddress(result);
    }
}
