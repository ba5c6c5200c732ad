using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
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
/// never ends; /flood and /declared send a 64 MB token response (chunked, or with its Content-Length); /echo and
/// /echo-status send back the Authorization header and the form body in their error. <see cref="BytesSent"/> counts
/// the bytes handed to the connection's transport: once a client closes the connection, Kestrel completes the
/// application's writes without sending them, so only this count shows how much the client actually took.
/// </summary>
public sealed class HostileTokenEndpoint : IAsyncDisposable
{
    public const int FloodBytes = 64 * 1024 * 1024;

    private readonly WebApplication app;
    private long bytesSent;

    private HostileTokenEndpoint(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = default!;

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    /// <summary>Completes once a trickling body has started: the headers and the first bytes are out.</summary>
    public TaskCompletionSource BodyStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client closed the connection before the body's end.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a flood's handler has returned, whether the client took it all or not.</summary>
    public TaskCompletionSource FloodFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long BytesSent => Interlocked.Read(ref bytesSent);

    /// <summary>What the echo endpoints sent back.</summary>
    public List<string> Echoes { get; } = [];

    public static async Task<HostileTokenEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        HostileTokenEndpoint? endpoint = null;
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            connection.Transport = new CountingPipe(connection.Transport, bytes => Interlocked.Add(ref endpoint!.bytesSent, bytes));
            return next(connection);
        })));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        endpoint = new HostileTokenEndpoint(app);
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
        context.RequestAborted.Register(() => Aborted.TrySetResult());
        var padding = new byte[64 * 1024];
        Array.Fill(padding, (byte)'a');
        try
        {
            await context.Response.Body.WriteAsync(head, context.RequestAborted);
            for (var left = FloodBytes - head.Length - tail.Length; left > 0; left -= padding.Length)
            {
                await context.Response.Body.WriteAsync(padding.AsMemory(0, Math.Min(left, padding.Length)), context.RequestAborted);
            }
            await context.Response.Body.WriteAsync(tail, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            Aborted.TrySetResult();
        }
        finally
        {
            FloodFinished.TrySetResult();
        }
    }

    /// <summary>The connection's transport, counting the bytes the server hands to the socket.</summary>
    private sealed class CountingPipe(IDuplexPipe inner, Action<int> count) : IDuplexPipe
    {
        public PipeReader Input => inner.Input;
        public PipeWriter Output { get; } = new CountingWriter(inner.Output, count);

        private sealed class CountingWriter(PipeWriter inner, Action<int> count) : PipeWriter
        {
            public override void Advance(int bytes)
            {
                count(bytes);
                inner.Advance(bytes);
            }

            public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
            public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
            public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
            public override void CancelPendingFlush() => inner.CancelPendingFlush();
            public override void Complete(Exception? exception = null) => inner.Complete(exception);
            public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        }
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
