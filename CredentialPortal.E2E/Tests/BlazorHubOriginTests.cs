using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>The Blazor hub answers only the portal's own pages: a foreign Origin is refused (no cross-site WebSocket hijacking).</summary>
[Collection(PortalCollection.Name)]
public sealed class BlazorHubOriginTests : IAsyncLifetime
{
    private const string Evil = "http://evil.example";

    private PortalApplication app = default!;

    public Task InitializeAsync()
    {
        app = PortalApplication.Start();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Negotiate_from_a_foreign_origin_is_refused_and_from_its_own_origin_answered()
    {
        using var client = new PortalHttpClient(app);

        using var foreign = await NegotiateAsync(client, Evil);
        using var own = await NegotiateAsync(client, app.BaseUrl.TrimEnd('/'));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_websocket_from_a_foreign_origin_is_refused_and_from_its_own_origin_accepted()
    {
        using var client = new PortalHttpClient(app);

        var foreign = await ConnectAsync(client, Evil);
        var own = await ConnectAsync(client, app.BaseUrl.TrimEnd('/'));

        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, own);
    }

    private static Task<HttpResponseMessage> NegotiateAsync(PortalHttpClient client, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return client.Http.SendAsync(request);
    }

    /// <summary>A real connection: a token from negotiate (no Origin), then the WebSocket with the given Origin.</summary>
    private async Task<HttpStatusCode> ConnectAsync(PortalHttpClient client, string origin)
    {
        using var negotiate = await client.Http.PostAsync("_blazor/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync());
        var token = body.RootElement.GetProperty("connectionToken").GetString();

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(app.BaseUrl.Replace("http://", "ws://") + "_blazor?id=" + Uri.EscapeDataString(token!));
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The refused handshake: its status is in HttpStatusCode.
        }
        return socket.HttpStatusCode;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();
}
