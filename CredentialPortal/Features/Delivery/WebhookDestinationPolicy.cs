using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Delivery;

/// <summary>Thrown when a webhook or token URL points where the portal must not send (SSRF protection).</summary>
public sealed class DestinationRefusedException(string message) : HttpRequestException(message);

/// <summary>
/// Keeps outbound requests away from loopback, private, link-local and cloud-metadata addresses unless
/// Webhooks:AllowPrivateNetworks is set. Checked when a URL is saved and again at connect time, on the addresses
/// actually connected to (so a name that later resolves elsewhere is still caught).
/// </summary>
public sealed class WebhookDestinationPolicy(IOptionsMonitor<WebhookOptions> options)
{
    public const string RefusedMessage = "private or loopback addresses are not allowed";

    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"), // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), // link-local, including 169.254.169.254 (cloud metadata)
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"), // unique local, including AWS's fd00:ec2::254 metadata
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    public bool AllowPrivateNetworks => options.CurrentValue.AllowPrivateNetworks;

    public static bool IsRefusedAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return Refused.Any(network => network.Contains(address));
    }

    /// <summary>Null when the URL may be used; otherwise why not.</summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken = default)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return "Only http and https URLs are accepted.";
        }
        if (AllowPrivateNetworks)
        {
            return null;
        }
        try
        {
            var addresses = await ResolveAsync(url.IdnHost, cancellationToken);
            return addresses.Any(IsRefusedAddress) ? $"{url.Host} is refused: {RefusedMessage}." : null;
        }
        catch (SocketException)
        {
            return $"{url.Host} could not be resolved.";
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>SocketsHttpHandler.ConnectCallback: connects only to permitted addresses.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (!AllowPrivateNetworks && addresses.Any(IsRefusedAddress))
        {
            throw new DestinationRefusedException($"{context.DnsEndPoint.Host} is refused: {RefusedMessage}.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
