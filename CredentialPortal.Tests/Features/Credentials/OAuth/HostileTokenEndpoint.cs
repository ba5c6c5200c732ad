using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>
/// A real token endpoint on a loopback port that misbehaves: /trickle sends its headers at once and then a body that
/// never ends; /flood and /declared send a 64 MB token response (chunked, or with its Content-Length), counting what the
/// socket accepted; /echo and /echo-status send back the Authorization header and the form body in their error.
/// </summary>
public sealed class HostileTokenEndpoint : IAsyncDisposable
{
    public const int FloodBytes = 64 * 1024 * 1024;

    private readonly WebApplication app;
    private long bytesWritten;

    private HostileTokenEndpoint(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = default!;

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    /// <summary>Completes once a trickling body has started: the headers and the first bytes are out.</summary>
    public TaskCompletionSource BodyStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client closed the connection before the body's end.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether a flood was written to its end (the client read all of it).</summary>
    public bool Completed { get; private set; }

    public long BytesWritten => Interlocked.Read(ref bytesWritten);

    /// <summary>What the echo endpoints sent back.</summary>
    public List<string> Echoes { get; } = [];

    public static async Task<HostileTokenEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new HostileTokenEndpoint(app);
        app.MapPost("/trickle", endpoint.TrickleAsync);
        app.MapPost("/flood", context => endpoint.FloodAsync(context, declareLength: false));
        app.MapPost("/declared", context => endpoint.FloodAsync(context, declareLength: true));
        app.MapPost("/echo", context => endpoint.EchoAsync(context, inReasonPhrase: false));
        app.MapPost("/echo-status", context => endpoint.EchoAsync(context, inReasonPhrase: true));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        endpoint.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return endpoint;
    }

    private async Task TrickleAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.WriteAsync("{\"access_token\":\"", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            BodyStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted); // the rest never comes
        }
        catch (OperationCanceledException)
        {
            Aborted.TrySetResult();
        }
    }

    private async Task FloodAsync(HttpContext context, bool declareLength)
    {
        var head = "{\"access_token\":\"flood\",\"token_type\":\"Bearer\",\"padding\":\""u8.ToArray();
        var tail = "\"}"u8.ToArray();
        context.Response.ContentType = "application/json";
        if (declareLength)
        {
            context.Response.ContentLength = FloodBytes;
        }
        var padding = new byte[64 * 1024];
        Array.Fill(padding, (byte)'a');
        try
        {
            await WriteAsync(context, head);
            for (var left = FloodBytes - head.Length - tail.Length; left > 0; left -= padding.Length)
            {
                await WriteAsync(context, padding.AsMemory(0, Math.Min(left, padding.Length)));
            }
            await WriteAsync(context, tail);
            Completed = true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            Aborted.TrySetResult();
        }
        if (context.RequestAborted.IsCancellationRequested)
        {
            Aborted.TrySetResult();
        }
    }

    private async Task WriteAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        Interlocked.Add(ref bytesWritten, bytes.Length);
    }

    private async Task EchoAsync(HttpContext context, bool inReasonPhrase)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var authorization = context.Request.Headers.Authorization.ToString();
        var decoded = string.Join(", ", body.Split('&').Select(pair => Uri.UnescapeDataString(pair.Replace('+', ' '))));
        var echo = $"you sent Authorization: {authorization}; body {body}; that is {decoded}";
        lock (Echoes)
        {
            Echoes.Add(echo);
        }
        if (inReasonPhrase)
        {
            context.Response.StatusCode = 502;
            // A reason phrase must be visible ASCII: the header (Base64) and the raw body as they came.
            context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = $"Bad {authorization} {body}";
            return;
        }
        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["error"] = $"invalid_client {authorization}",
            ["error_description"] = echo,
        }), Encoding.UTF8);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
