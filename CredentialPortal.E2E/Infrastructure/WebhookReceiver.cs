using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>One request as the receiver got it off the wire.</summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The body's bytes exactly as they arrived (what a signature is checked against).</summary>
    public byte[] BodyBytes { get; init; } = [];

    /// <summary>A header's value (names are case-insensitive, as in HTTP), or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The query's parameter names, decoded, in the order sent.</summary>
    public IReadOnlyList<string> QueryNames =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => Uri.UnescapeDataString(pair.Split('=')[0]))
            .ToList();
}

/// <summary>
/// A real HTTP endpoint the portal's webhooks are sent to: Kestrel on a free loopback port, started by the test.
/// Records method, path, query, headers and body of every request and answers with <see cref="StatusCode"/>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<ReceivedRequest> requests = [];
    private readonly Lock gate = new();
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int statusCode = StatusCodes.Status200OK;

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>http://127.0.0.1:PORT, no trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>What every request is answered with from now on (200 unless told otherwise).</summary>
    public int StatusCode
    {
        get => Volatile.Read(ref statusCode);
        set => Volatile.Write(ref statusCode, value);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.Run(receiver.RecordAsync);
        await receiver.app.StartAsync();
        receiver.BaseUrl = receiver.app.Urls.Single().TrimEnd('/');
        return receiver;
    }

    /// <summary>The receiver's address for a path and query, e.g. Url("/hooks/alert?team=ops").</summary>
    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived; returns all of them.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (requests.Count >= count)
                {
                    return [.. requests];
                }
                next = arrived.Task;
            }
            try
            {
                await next.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The receiver got {Requests.Count} request(s), expected {count}.");
            }
        }
    }

    private async Task RecordAsync(HttpContext context)
    {
        var request = context.Request;
        using var bytes = new MemoryStream();
        await request.Body.CopyToAsync(bytes, context.RequestAborted);
        bytes.Position = 0;
        using var reader = new StreamReader(bytes);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var received = new ReceivedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", headers, body)
        {
            BodyBytes = bytes.ToArray(),
        };

        TaskCompletionSource signal;
        lock (gate)
        {
            requests.Add(received);
            signal = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();

        context.Response.StatusCode = StatusCode;
        if (StatusCode == (int)HttpStatusCode.OK)
        {
            await context.Response.WriteAsync("ok", context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
