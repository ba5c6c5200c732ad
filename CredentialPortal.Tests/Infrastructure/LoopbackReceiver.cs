using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>A real HTTP server on a loopback port that records what it receives and answers as scripted.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    public sealed record Received(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>
    /// How to answer one request; requests past the script get 200. <paramref name="Until"/>: the answer waits for it (a
    /// test holds a request open while it looks at the sender, then lets it go).
    /// </summary>
    public sealed record Reply(int Status = 200, TimeSpan Delay = default, string? RetryAfter = null, string? Location = null, Task? Until = null);

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Reply> script = new();

    private LoopbackReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public Uri BaseAddress { get; private set; } = default!;

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public void Script(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            script.Enqueue(reply);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new Received(
            context.Request.Method,
            context.Request.Path,
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));

        var reply = script.TryDequeue(out var next) ? next : new Reply();
        if (reply.Delay > TimeSpan.Zero || reply.Until is not null)
        {
            try
            {
                await (reply.Until ?? Task.Delay(reply.Delay, context.RequestAborted)).WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the sender gave up
            }
        }
        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }
        if (reply.Location is not null)
        {
            context.Response.Headers.Location = reply.Location;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
