using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Delivery;

/// <summary>Thrown when a webhook or token URL points where the portal must not send (SSRF protection).</summary>
public sealed class DestinationRefusedException(string message) : HttpRequestException(message);

/// <summary>
/// Keeps outbound requests (webhooks and token endpoints alike) to globally reachable addresses, by the IANA
/// special-purpose registries (<see cref="SpecialPurposeAddresses"/>), unless Webhooks:AllowPrivateNetworks is set.
/// Checked when a URL is saved and again at connect time, on the addresses actually connected to (so a name that later
/// resolves elsewhere is still caught).
/// </summary>
public sealed class WebhookDestinationPolicy(IOptionsMonitor<WebhookOptions> options)
{
    public const string RefusedMessage = "private or loopback addresses are not allowed";

    public bool AllowPrivateNetworks => options.CurrentValue.AllowPrivateNetworks;

    /// <summary>Not globally reachable, in any spelling (mapped, compatible, NAT64, 6to4, Teredo).</summary>
    public static bool IsRefusedAddress(IPAddress address) => !SpecialPurposeAddresses.IsGloballyReachable(address);

    /// <summary>Null when the URL may be saved; otherwise why not (a name that does not resolve is refused).</summary>
    public Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken = default) =>
        CheckAsync(url, unresolvedIsRefused: true, cancellationToken);

    /// <summary>
    /// Null unless the URL is refused, before an attempt: a name that does not resolve now (a resolver outage) is left to
    /// the connection, which resolves it again, and its failure is a network error attempted again on the schedule.
    /// </summary>
    public Task<string?> CheckBeforeSendAsync(Uri url, CancellationToken cancellationToken = default) =>
        CheckAsync(url, unresolvedIsRefused: false, cancellationToken);

    private async Task<string?> CheckAsync(Uri url, bool unresolvedIsRefused, CancellationToken cancellationToken)
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
        catch (SocketException) when (unresolvedIsRefused)
        {
            return $"{url.Host} could not be resolved.";
        }
        catch (SocketException)
        {
            return null;
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
