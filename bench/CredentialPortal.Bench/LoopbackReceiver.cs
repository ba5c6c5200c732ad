using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Bench;

/// <summary>
/// A minimal webhook receiver on a loopback port (Kestrel, HTTP/1.1): reads the body, answers 200 with no body, and
/// counts what arrived, and how much of it carried the expected credential header. It runs in the bench's process,
/// so it takes its share of the same cores from both paths alike.
/// </summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string headerName;
    private readonly string headerValue;
    private long received;
    private long authenticated;
    private long bodyBytes;

    private LoopbackReceiver(WebApplication app, string headerName, string headerValue)
    {
        this.app = app;
        this.headerName = headerName;
        this.headerValue = headerValue;
    }

    public Uri BaseAddress { get; private set; } = default!;
    public long Received => Interlocked.Read(ref received);

    /// <summary>Requests whose <c>headerName</c> header was exactly the expected value.</summary>
    public long Authenticated => Interlocked.Read(ref authenticated);
    public long BodyBytes => Interlocked.Read(ref bodyBytes);

    public static async Task<LoopbackReceiver> StartAsync(string headerName, string headerValue)
    {
        // The content root is the bench's output folder, so that no settings file of the working directory applies.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app, headerName, headerValue);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    private async Task HandleAsync(HttpContext context)
    {
        var buffer = new byte[4096];
        long length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            length += read;
        }
        Interlocked.Add(ref bodyBytes, length);
        Interlocked.Increment(ref received);
        if (context.Request.Headers.TryGetValue(headerName, out var value) && value.Count == 1 && value[0] == headerValue)
        {
            Interlocked.Increment(ref authenticated);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
